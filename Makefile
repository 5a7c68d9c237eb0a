# voipsign — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO ?= cargo
CBINDGEN_VERSION := 0.29.4
TOOLS := $(CURDIR)/build/tools
CBINDGEN := $(TOOLS)/bin/cbindgen
LIBDIR := $(CURDIR)/target/release
PREFIX ?= /usr/local

.PHONY: help ffi cli header
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

ffi: ## build libvoipsign.so and libvoipsign.a into target/release
	$(CARGO) build --release -p voipsign-ffi

cli: ## build the voipsign command into target/release
	$(CARGO) build --release -p voipsign-cli

$(CBINDGEN):
	$(CARGO) install cbindgen --version $(CBINDGEN_VERSION) --locked --root $(TOOLS)

header: $(CBINDGEN) ## regenerate include/voipsign.h with the pinned cbindgen
	$(CBINDGEN) --config ffi/cbindgen.toml --crate voipsign-ffi --output include/voipsign.h ffi
