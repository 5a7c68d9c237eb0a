# voipsign — `make help` lists the targets.
#   make demo   sign the documentation's example in every language
#   make test   every test of every language (installs what it needs)
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO ?= cargo
CC ?= cc
CBINDGEN_VERSION := 0.29.4
TOOLS := $(CURDIR)/build/tools
CBINDGEN := $(TOOLS)/bin/cbindgen
# The Rust tools of the build (cbindgen, cargo-c, cargo-fuzz), compiled on a fresh
# clone: unoptimised and without debug info (they only drive cargo or parse
# source, nothing that takes time), all in one target directory so that the
# dependencies they share are compiled once.
TOOL_INSTALL := CARGO_PROFILE_DEV_DEBUG=0 CARGO_TARGET_DIR=$(TOOLS)/target $(CARGO) install --locked --debug --root $(TOOLS)
export TOOL_INSTALL
# The native library the C suites, Go, PHP and the C benchmark link. By default the
# development build of `make ffi` (target/release). `make test` sets
# VOIPSIGN_ARTIFACTS=dist: then it is the release build of `make dist-c`
# (build/dist/native: cargo-c with zig against glibc 2.17, the library the C
# tarball, the Go module and the Composer package carry), so that every suite runs
# against what ships and nothing is compiled twice; the bindings' Makefiles read
# the same variable (Node's addon, Java's JNI library). LIB_BUILD is what the
# programs that link it depend on: the target that builds it, or under dist the
# file itself (the dist-c suite built it; without it make says so).
VOIPSIGN_ARTIFACTS ?= dev
DEV_LIBDIR := $(CURDIR)/target/release
ifeq ($(VOIPSIGN_ARTIFACTS),dist)
LIBDIR := $(CURDIR)/build/dist/native
LIB_BUILD := $(LIBDIR)/libvoipsign.a
else ifeq ($(VOIPSIGN_ARTIFACTS),dev)
LIBDIR := $(DEV_LIBDIR)
LIB_BUILD := ffi
else
$(error VOIPSIGN_ARTIFACTS is '$(VOIPSIGN_ARTIFACTS)': dev or dist)
endif
export VOIPSIGN_ARTIFACTS
export VOIPSIGN_LIBDIR := $(LIBDIR)
ifeq ($(VOIPSIGN_ARTIFACTS),dist)
$(LIBDIR)/libvoipsign.a $(LIBDIR)/libvoipsign.so:
	@echo "$@ is missing: VOIPSIGN_ARTIFACTS=dist tests the release build of make dist-c; run that first" >&2; exit 1
endif
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

# Languages whose bindings are built and tested by `make test` / `demo` / `bench`.
BINDINGS := $(patsubst bindings/%/Makefile,%,$(wildcard bindings/*/Makefile))

C_LIBS := -lpthread -ldl -lm
C_FLAGS := -std=c11 -Wall -Wextra -Werror -g -Iinclude -Ibuild/c

.PHONY: help ffi cli header header-check gen gen-check clippy test test-all test-rust test-c test-c-redis test-c-redis-valgrind test-c-valgrind \
        demo demo-core bench bench-core bench-pair bench-serve soak test-bench-quick fuzz test-fuzz-smoke install tools redis-servers redis-servers-stop $(addprefix test-,$(BINDINGS))

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

ffi: ## build libvoipsign.so and libvoipsign.a into target/release
	$(CARGO) build --release -p voipsign-ffi

cli: ## build the voipsign command into target/release
	$(CARGO) build --release -p voipsign-cli

$(CBINDGEN):
	$(TOOL_INSTALL) cbindgen --version $(CBINDGEN_VERSION)

header: $(CBINDGEN) ## regenerate include/voipsign.h with the pinned cbindgen
	$(CBINDGEN) --config ffi/cbindgen.toml --crate voipsign-ffi --output include/voipsign.h ffi

header-check: $(CBINDGEN) ## fail if include/voipsign.h differs from what cbindgen generates
	@mkdir -p build
	$(CBINDGEN) --config ffi/cbindgen.toml --crate voipsign-ffi --output build/voipsign.h ffi
	diff -u include/voipsign.h build/voipsign.h
	@echo "header-check: include/voipsign.h is up to date"

gen: ## write every binding's generated declarations (errors, codes, enums, records, options) and the docs' tables from core's contract description, then the C header
	$(CARGO) run -q -p voipsign-gen --
	$(MAKE) --no-print-directory header

gen-check: ## fail if any generated file differs from what core's description generates; the generator's own tests (the fixture)
	$(CARGO) test -q -p voipsign-gen
	$(CARGO) run -q -p voipsign-gen -- --check
	@echo "gen-check: every generated file is up to date"

tools: ## install the system tools the tests need when missing (apt-get, as root)
	@missing=""; for t in valgrind python3 $(CC); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; apt-get update -qq && apt-get install -y -qq valgrind python3 gcc; fi

redis-servers: ## start the Redis test servers (one, one with a password, a 3-master cluster); prints their env vars
	@tests/redis/servers.sh start

redis-servers-stop: ## stop the Redis test servers
	@tests/redis/servers.sh stop

# Its own target directory: check-mode artifacts share nothing with the builds and
# tests, and a suite of its own then never waits for their lock on target/.
clippy: ## cargo clippy, warnings are errors
	$(CARGO) clippy --workspace --all-targets --target-dir target/clippy -- -D warnings

test-rust: ## Rust unit, property, vector, no-allocation and CLI tests
	$(CARGO) test --workspace --no-fail-fast

build/c/vectors.h: tests/vectors/signatures.json tests/vectors/diagnose.json tests/c/gen_vectors.py
	@mkdir -p build/c
	python3 tests/c/gen_vectors.py tests/vectors/signatures.json tests/vectors/diagnose.json > $@

build/c/test_asan: tests/c/test_voipsign.c tests/c/check.h tests/c/call_op.h build/c/vectors.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(C_FLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	  $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

build/c/test_plain: tests/c/test_voipsign.c tests/c/check.h tests/c/call_op.h build/c/vectors.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(C_FLAGS) -O1 $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

# The room ledger (docs/ROOMS.md): tests/vectors/rooms.json as C tables, and its suite
# (every scenario, 4 threads on one ledger, lifetimes, bad inputs, small buffers).
build/c/rooms.h: tests/vectors/rooms.json tests/c/gen_rooms.py
	@mkdir -p build/c
	python3 tests/c/gen_rooms.py tests/vectors/rooms.json > $@.tmp && mv $@.tmp $@

build/c/test_rooms_asan: tests/c/test_rooms.c tests/c/rooms_pages.h tests/c/check.h tests/c/rooms_table.h build/c/rooms.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(C_FLAGS) -D_POSIX_C_SOURCE=200809L -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

build/c/test_rooms_plain: tests/c/test_rooms.c tests/c/rooms_pages.h tests/c/check.h tests/c/rooms_table.h build/c/rooms.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(C_FLAGS) -D_POSIX_C_SOURCE=200809L -O1 $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

# The room ledger on the Redis store (voipsign_ledger_new_redis) against the servers of
# tests/redis/servers.sh: the scenarios on a server and a cluster, 4 processes x 8
# threads racing for one room, passwords, a private server killed, restarted, paused.
build/c/test_rooms_redis_asan: tests/c/test_rooms_redis.c tests/c/rooms_redis_faults.h tests/c/check.h tests/c/rooms_table.h build/c/rooms.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(C_FLAGS) -D_DEFAULT_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

build/c/test_rooms_redis_plain: tests/c/test_rooms_redis.c tests/c/rooms_redis_faults.h tests/c/check.h tests/c/rooms_table.h build/c/rooms.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(C_FLAGS) -D_DEFAULT_SOURCE -O1 $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

test-c-redis: tools build/c/test_rooms_redis_asan ## the C suite of the Redis store under ASan + UBSan (starts the test servers)
	@servers="$$(tests/redis/servers.sh start)" || exit 1; eval "$$servers"; \
	echo "VOIPSIGN_REDIS_REQUIRED=1 build/c/test_rooms_redis_asan"; \
	VOIPSIGN_REDIS_REQUIRED=1 build/c/test_rooms_redis_asan

test-c-redis-valgrind: tools build/c/test_rooms_redis_plain ## the same under valgrind memcheck (races of 20 rounds)
	@servers="$$(tests/redis/servers.sh start)" || exit 1; eval "$$servers"; \
	echo "VOIPSIGN_REDIS_REQUIRED=1 VOIPSIGN_TEST_RACE_ROUNDS=20 valgrind ... build/c/test_rooms_redis_plain"; \
	VOIPSIGN_REDIS_REQUIRED=1 VOIPSIGN_TEST_RACE_ROUNDS=20 \
	  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 build/c/test_rooms_redis_plain

test-c: tools build/c/test_asan build/c/test_rooms_asan ## the C suite under AddressSanitizer + UBSan (signing, room ledger on memory and Redis)
	build/c/test_asan
	build/c/test_rooms_asan
	$(MAKE) --no-print-directory test-c-redis

test-c-valgrind: tools build/c/test_plain build/c/test_rooms_plain ## the C suite under valgrind memcheck (0 errors, 0 leaks)
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 build/c/test_plain
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 build/c/test_rooms_plain
	$(MAKE) --no-print-directory test-c-redis-valgrind

# --- make test: every suite, side by side (mk/run_suites.py) ---
# Each entry is NAME:TARGET:NEEDS:ESTIMATE (seconds, as measured on a fresh clone
# with two suites at a time; used only to start the longest chains first).
#
# The suites test the release artifacts (VOIPSIGN_ARTIFACTS=dist): the C library,
# the Node addon and the Java library are built once, by the dist-* suites, and the
# suites and the release packages use that one build (the Python suite keeps its
# development wheel, see bindings/python/Makefile, and also runs on the release
# wheel: python-release). Whatever two suites would both write (build/c,
# bindings/node/node_modules, a virtualenv, a Maven target/) is made by a suite of
# its own that both need. The test-panic builds of the C library and of the Node
# addon share target/test-panic (the same profile and locked crates: panic-lib
# compiles the dependencies once for both). The Redis test servers are shared:
# every test uses key prefixes of its own and drills faults on private servers.
# TEST_JOBS suites run at once (default: the CPUs); TEST_ONLY=a,b runs those suites
# and what they need.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
TEST_ONLY ?=
SUITES := \
  deps:test-deps::5 \
  runner:test-runner::2 \
  clippy:clippy:deps:70 \
  header-check:header-check:deps:40 \
  gen-check:gen-check:deps:30 \
  rust:test-rust:deps:240 \
  cargo-c:dist-cargo-c:deps:270 \
  dist-venv:dist-begin:deps:15 \
  dist-c:dist-c:cargo-c,dist-venv:95 \
  arm64-smoke:dist-arm64-smoke:cargo-c,dist-venv:240 \
  panic-lib:ffi-test-panic:deps:100 \
  c-build:test-c-build:dist-c,panic-lib:10 \
  c-asan:test-c:c-build:5 \
  c-valgrind:test-c-valgrind:c-build:12 \
  c-hardening:test-hardening:c-build:50 \
  go:test-go:c-build:40 \
  php:test-php:c-build:10 \
  node-deps:node-deps:deps:6 \
  dist-node:dist-node:dist-venv,node-deps:120 \
  node:test-node:dist-node,panic-lib:150 \
  dist-java:dist-java:dist-venv:115 \
  java:test-java:dist-java:150 \
  python:test-python:deps:420 \
  dist-python:dist-python:dist-venv:105 \
  python-release:test-python-release:dist-python:30 \
  fuzz:test-fuzz-smoke:deps:280 \
  serve:test-serve:rust,python:90 \
  emulator:test-emulator:rust:20 \
  backend:test-backend:rust,dist-node:90 \
  e2e:test-e2e:backend:110 \
  bench:test-bench-quick:c-build,python,node,java,go,php,rust:90 \
  dist-go:dist-go-pack:dist-c:5 \
  dist-php:dist-php-pack:dist-c:2 \
  dist-check:dist-check:dist-c,dist-python,dist-node,dist-java,dist-go,dist-php:2 \
  test-dist:test-dist:dist-check,python:90

.PHONY: test-emulator test-backend test-e2e test-serve test-deps test-runner node-deps test-c-build test-python-release check

# The development build of the command (the Rust suite built its dependencies).
test-serve: ## rooms serve: its API and metrics against a real Redis ledger driven from Python, promtool, token, outage, and the dashboard in headless Chromium (tests/serve)
	$(CARGO) build -p voipsign-cli
	$(MAKE) --no-print-directory -C tests/serve test VOIPSIGN_BIN=$(CURDIR)/target/debug/voipsign

test-emulator: ## voipsign emulator against an independent Python client (tests/emulator: code2Session, signatures, capacity, the daily limit, drop, rotation, bad input)
	$(CARGO) build -p voipsign-cli
	$(MAKE) --no-print-directory -C tests/emulator test VOIPSIGN_BIN=$(CURDIR)/target/debug/voipsign

test-backend: ## the reference backend (tests/backend: bad input, the flow, sessions and the ledger on Redis, a join at the emulator)
	$(CARGO) build -p voipsign-cli
	$(MAKE) --no-print-directory -C tests/backend test VOIPSIGN_BIN=$(CURDIR)/target/debug/voipsign

E2E_ARGS ?=
test-e2e: ## phones → node-express → emulator on Redis: the runs (a)-(d) of docs/E2E-RUNS.md (tests/e2e/run.py; reports in build/e2e)
	$(CARGO) build -p voipsign-cli
	VOIPSIGN_BIN=$(CURDIR)/target/debug/voipsign python3 tests/e2e/run.py --json-dir build/e2e $(E2E_ARGS)

test-runner: ## the tests of mk/run_suites.py (a fake make: order, needs, failures, --only, the table)
	python3 -m unittest -v mk/test_run_suites.py

test-python-release: ## the Python suite on the release wheel of dist/ (make dist-python first)
	$(MAKE) --no-print-directory -C bindings/python test-release-wheel

# $(call run-suites,NAME,SPECS,ENV): the Redis test servers started (and stopped at
# the end, also on failure), then mk/run_suites.py on SPECS with the environment ENV;
# the table in build/NAME-times.txt, the logs in build/NAME-logs/.
run-suites = trap 'tests/redis/servers.sh stop' EXIT; \
	servers="$$(tests/redis/servers.sh start)" || exit 1; eval "$$servers"; \
	export VOIPSIGN_REDIS_REQUIRED=1 $(3); \
	python3 mk/run_suites.py --jobs $(TEST_JOBS) --times build/$(1)-times.txt --logs build/$(1)-logs \
	  $(if $(TEST_ONLY),--only $(TEST_ONLY)) $(2)

test: ## every test of every language, side by side, then the timing table (CI runs this); starts and stops the Redis test servers
	@$(call run-suites,test,$(SUITES),VOIPSIGN_ARTIFACTS=dist)

# Every suite one after the other (no table), on the development builds.
test-all: test-deps clippy header-check test-rust test-c test-c-valgrind test-hardening $(addprefix test-,$(BINDINGS)) test-fuzz-smoke test-bench-quick dist test-dist

# Every Debian package a suite needs, in one apt-get (as root), before the suites
# start: apt-get cannot run twice at once.
TEST_APT := valgrind pkg-config php-cli phpunit libssl-dev php-fpm php-zip composer libfcgi-bin unzip chromium prometheus
test-deps: ## the Debian packages of every suite, installed when missing (apt-get, as root)
	@missing=""; for p in $(TEST_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v $(CC) >/dev/null || missing="$$missing gcc"; \
	command -v mvn >/dev/null && command -v javac >/dev/null || missing="$$missing maven openjdk-17-jdk-headless"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "test-deps: every package is installed"; fi

node-deps: ## bindings/node/node_modules (npm ci), which the Node suite and dist-node share
	$(MAKE) --no-print-directory -C bindings/node install

# Every C test program (they share build/c/vectors.h and build/c/rooms.h), and the
# libraries they link.
C_TEST_BINS := build/c/test_asan build/c/test_plain build/c/test_rooms_asan build/c/test_rooms_plain \
  build/c/test_rooms_redis_asan build/c/test_rooms_redis_plain build/c/test_threads_asan \
  build/c/test_threads_plain build/c/test_secrets_asan build/c/test_secrets_plain \
  build/c/test_panic_asan build/c/test_panic_plain build/c/sign_example
test-c-build: ## the C library, its test-panic build and every C test program
	$(MAKE) --no-print-directory $(LIB_BUILD) ffi-test-panic
	$(MAKE) --no-print-directory $(C_TEST_BINS)

# --- make check: the edit-test loop ---
# Every language's vectors and unit tests, side by side, with the Redis servers
# (started and stopped here): no clippy, sanitizers, valgrind, second interpreter
# or JDK, fuzzing, benchmark or packaging. Those are `make test`'s.
CHECK_SUITES := \
  rust:test-rust::60 \
  c:check-c::30 \
  go:check-go::40 \
  php:check-php::15 \
  java:check-java::60 \
  node:check-node::120 \
  python:check-python::90

check: ## every language's vectors and unit tests, side by side, no sanitizers or packaging (the edit-test loop)
	@$(call run-suites,check,$(CHECK_SUITES),VOIPSIGN_ARTIFACTS=dev)

.PHONY: check-c $(addprefix check-,$(BINDINGS))
check-c: build/c/test_plain build/c/test_rooms_plain build/c/test_rooms_redis_plain ## the C suite without sanitizers (signing, rooms, the Redis store)
	build/c/test_plain
	build/c/test_rooms_plain
	build/c/test_rooms_redis_plain

# (Go and PHP build or check the C library they link themselves: `lib`.)
$(addprefix check-,$(BINDINGS)): check-%:
	$(MAKE) -C bindings/$* check

$(addprefix test-,$(BINDINGS)): test-%:
	$(MAKE) -C bindings/$* test

build/c/sign_example: examples/c/sign_example.c include/voipsign.h $(LIB_BUILD)
	@mkdir -p build/c
	$(CC) $(C_FLAGS) $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

demo-core: cli build/c/sign_example
	@echo "== CLI: the documentation's example"
	VOIPSIGN_DEMO_KEY='gDyVgzwa0mFz9uUP7M6GQQ==' $(DEV_LIBDIR)/voipsign sign --app-id wx20afc706a711eefc \
	  --group-id 1559129713_672975982 --nonce 8AP6DT9ybtniUJfb --timestamp 1559129714 --session-key-env VOIPSIGN_DEMO_KEY
	@echo "== CLI: a join ticket for wx.joinVoIPChat"
	VOIPSIGN_DEMO_KEY='gDyVgzwa0mFz9uUP7M6GQQ==' $(DEV_LIBDIR)/voipsign issue --app-id wx20afc706a711eefc \
	  --group-id room-42 --session-key-env VOIPSIGN_DEMO_KEY
	@echo "== C: examples/c/sign_example.c"
	build/c/sign_example
	@echo "== CLI: the room rules at work (200 phones, 20 rooms, 10 simulated minutes)"
	$(DEV_LIBDIR)/voipsign rooms simulate --phones 200 --rooms 20 --seconds 600
	@echo "== CLI: the rooms dashboard (live, simulated phones; open http://127.0.0.1:8080, Ctrl-C to stop):"
	@echo "   $(DEV_LIBDIR)/voipsign rooms serve --listen 127.0.0.1:8080 --simulate --daily-room-limit 300"
	@echo "== E2E: 30 phones → examples/backends/node-express → voipsign emulator (8 s, memory ledger)"
	$(CARGO) build -q -p voipsign-cli
	VOIPSIGN_BIN=$(CURDIR)/target/debug/voipsign python3 tests/e2e/run.py --memory --demo --json-dir build/e2e-demo

demo: demo-core ## the main job: sign the documentation's example (CLI, C, every binding) and issue a ticket
	@for b in $(BINDINGS); do echo "== $$b"; $(MAKE) --no-print-directory -C bindings/$$b demo || exit 1; done

bench-core: ## criterion only: sign, sign_many(10), diagnose and the 5-compression floor, with the ratios
	$(CARGO) bench -p voipsign --bench sign

bench: ## every language against its idiom in one run: bench/results.json, bench/chart.svg (BENCH_QUICK=1: smoke run into build/bench); then bench-pair and bench-serve
	$(MAKE) -C bench all
	$(MAKE) --no-print-directory bench-pair
	$(MAKE) --no-print-directory bench-serve

bench-serve: ## 8 clients' admit+leave on one Redis while rooms serve is scraped at 50/s and while it is not (the slowdown; target <= 5 %)
	eval "$$(timeout 120 tests/redis/servers.sh start)" && python3 bench/serve/run.py

SOAK_SECONDS ?= 120
soak: ## the failover drills for SOAK_SECONDS each (default 120; make test runs them for 9 s): Sentinel (min_replica_acks 0 and 1) and a cluster with replicas
	VOIPSIGN_REDIS_REQUIRED=1 VOIPSIGN_DRILL_SECONDS=$(SOAK_SECONDS) $(CARGO) test --release -p voipsign --test redis_failover -- --nocapture --test-threads 1

bench-pair: ## the ledger's admit+leave pair before (BASELINE in bench/pair/run.py) and after, in one run, memory and Redis
	eval "$$(timeout 120 tests/redis/servers.sh start)" && python3 bench/pair/run.py

bench-day: ## a full WeChat day (100,000 openings, ~1M admit/heartbeat/leave, explicit times) on memory, Redis and the Cluster: flat cost, bytes per live seat, keys left; bench/results-day.{json,md}
	eval "$$(timeout 120 tests/redis/servers.sh start)" && $(CARGO) run -q --release -p voipsign-bench-day

bench-day-smoke: ## bench-day at BENCH_DAY_SCALE=0.02 on the development build (a few seconds: the code cannot rot), results into build/bench-day
	eval "$$(timeout 120 tests/redis/servers.sh start)" && BENCH_DAY_SCALE=0.02 BENCH_DAY_OUT=build/bench-day $(CARGO) run -q -p voipsign-bench-day

test-bench-quick: ## the benchmark code of every language with tiny iteration counts (so it cannot rot)
	$(MAKE) -C bench all BENCH_QUICK=1
	eval "$$(timeout 120 tests/redis/servers.sh start)" && python3 bench/pair/run.py --quick
	eval "$$(timeout 120 tests/redis/servers.sh start)" && python3 bench/serve/run.py --quick
	$(MAKE) --no-print-directory bench-day-smoke

FUZZ_SECONDS ?= 60
fuzz: ## run every fuzz target for FUZZ_SECONDS each (cargo-fuzz, ASan via RUSTC_BOOTSTRAP=1)
	$(MAKE) -C fuzz fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# make test's smoke run: every regression and seed replayed, then FUZZ_SMOKE_SECONDS
# of fuzzing per target (5; 20 before issue 20): enough to show each target builds,
# runs and its checks hold. Finding new inputs is `make fuzz`'s (60 s a target).
FUZZ_SMOKE_SECONDS ?= 5
# Its build keeps line tables only (crash reports still name file and line; the
# campaigns of `make fuzz` keep fuzz/Cargo.toml's debug = 1).
test-fuzz-smoke: ## replay the fuzz regressions and seeds, then FUZZ_SMOKE_SECONDS (5) per fuzz target
	CARGO_PROFILE_RELEASE_DEBUG=line-tables-only $(MAKE) -C fuzz smoke SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS)

install: ffi ## install libvoipsign, voipsign.h and voipsign.pc under PREFIX (default /usr/local)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(DEV_LIBDIR)/libvoipsign.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(DEV_LIBDIR)/libvoipsign.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/voipsign.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' ffi/voipsign.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/voipsign.pc

# --- release artifacts (issue 16): make dist, make test-dist ---
include mk/dist.mk

# --- hardening ---
# Issue 8: the panic boundary, secret hygiene, concurrency and the exported
# symbols of the C ABI (`make test-hardening`, about 40 s). The bindings' own
# `make test` run their hardening tests (Go, PHP, Python: panic boundary, secrets,
# threads or processes; Python also under valgrind).
TEST_PANIC_TARGET := $(CURDIR)/target/test-panic
TEST_PANIC_LIBDIR := $(TEST_PANIC_TARGET)/release
HARDENING_CFLAGS := $(C_FLAGS) -D_POSIX_C_SOURCE=200809L
HARDENING_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HARDENING_VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1

.PHONY: ffi-test-panic test-ffi-panic test-symbols test-c-hardening test-c-hardening-valgrind test-python-valgrind test-hardening

# A test-only build, so optimised without LTO and with 16 codegen units (quicker
# to build on 2 cores): what its tests check (a panic becomes
# VOIPSIGN_INTERNAL, the exported symbols) does not depend on them.
# Built for the host's triple named (--target), as napi-rs builds the Node addon's
# test-panic build into the same directory, so that the two share the compiled
# dependencies; the libraries are then copied to target/test-panic/release.
TEST_PANIC_PROFILE := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export TEST_PANIC_PROFILE
HOST_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
ffi-test-panic: ## the test-only library (cargo feature test-panic: voipsign_test_panic) in target/test-panic/release
	$(TEST_PANIC_PROFILE) $(CARGO) build --release -p voipsign-ffi --features test-panic --target-dir $(TEST_PANIC_TARGET) \
	  --target $(HOST_TRIPLE)
	@mkdir -p $(TEST_PANIC_LIBDIR)
	cp -p $(TEST_PANIC_TARGET)/$(HOST_TRIPLE)/release/libvoipsign.a $(TEST_PANIC_TARGET)/$(HOST_TRIPLE)/release/libvoipsign.so $(TEST_PANIC_LIBDIR)/

test-ffi-panic: ## the panic boundary from Rust (unit tests of ffi with the feature test-panic)
	RUST_BACKTRACE=0 $(CARGO) test -p voipsign-ffi --features test-panic --target-dir $(TEST_PANIC_TARGET)

test-symbols: $(LIB_BUILD) ffi-test-panic ## libvoipsign.so exports only the voipsign_* functions voipsign.h declares
	tests/c/check_symbols.sh include/voipsign.h $(LIBDIR)/libvoipsign.so $(TEST_PANIC_LIBDIR)/libvoipsign.so

build/c/test_threads_asan build/c/test_secrets_asan: build/c/test_%_asan: tests/c/test_%.c tests/c/check.h tests/c/call_op.h build/c/vectors.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(HARDENING_CFLAGS) $(HARDENING_ASAN) $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

build/c/test_threads_plain build/c/test_secrets_plain: build/c/test_%_plain: tests/c/test_%.c tests/c/check.h tests/c/call_op.h build/c/vectors.h include/voipsign.h $(LIB_BUILD)
	$(CC) $(HARDENING_CFLAGS) -O1 $< $(LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

build/c/test_panic_asan: tests/c/test_panic.c tests/c/check.h include/voipsign.h ffi-test-panic
	@mkdir -p build/c
	$(CC) $(HARDENING_CFLAGS) $(HARDENING_ASAN) $< $(TEST_PANIC_LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

build/c/test_panic_plain: tests/c/test_panic.c tests/c/check.h include/voipsign.h ffi-test-panic
	@mkdir -p build/c
	$(CC) $(HARDENING_CFLAGS) -O1 $< $(TEST_PANIC_LIBDIR)/libvoipsign.a $(C_LIBS) -o $@

test-c-hardening: tools build/c/test_threads_plain build/c/test_threads_asan build/c/test_secrets_asan build/c/test_panic_asan ## C: 2 x nproc threads x 10^5 calls (plain, ASan), secrets, panic boundary
	build/c/test_threads_plain
	build/c/test_threads_asan
	build/c/test_secrets_asan
	build/c/test_panic_asan

test-c-hardening-valgrind: tools build/c/test_threads_plain build/c/test_secrets_plain build/c/test_panic_plain ## the same under valgrind (threads: 2 x 10^4 calls each)
	VOIPSIGN_TEST_ITERATIONS=20000 $(HARDENING_VALGRIND) build/c/test_threads_plain
	$(HARDENING_VALGRIND) build/c/test_secrets_plain
	$(HARDENING_VALGRIND) build/c/test_panic_plain

test-python-valgrind: ## the Python binding's vectors, hardening and API tests under valgrind memcheck (about 1 min)
	$(MAKE) -C bindings/python test-valgrind

test-hardening: test-ffi-panic test-symbols test-c-hardening test-c-hardening-valgrind ## every hardening test of the C ABI (the bindings run theirs in their own `make test`)
	@echo "make test-hardening: all passed"
