# Release artifacts (issue 16), included by the root Makefile.
#
#   make dist        dist/: the C tarball (cargo-c), the Python wheel + sdist, the npm
#                    tarballs, the Go module proxy, the Composer artifact, the local
#                    Maven repository with the Java jar (DIST_WITH_JAVA=0 leaves it
#                    out), every native library built by zig against glibc 2.17; then
#                    dist-check (GLIBC floors, dist/SHA256SUMS, sizes)
#   make test-dist   install each artifact the way its users do, in a fresh temporary
#                    directory without cargo/rustc on PATH, and run the documentation's
#                    example (packaging/test-dist.sh); ends with `dist: N passed, 0 failed`
#
# The scripts are in packaging/ (one per language); the tools are installed on
# first use: PyPI packages into build/dist/venv, cargo-c into build/tools, Debian
# packages with apt-get (as root). Rust builds use their own target directories
# (target/dist-c, target/dist-python, target/dist-node, target/dist-java).

DIST := $(CURDIR)/dist
DIST_WORK := $(CURDIR)/build/dist
DIST_VENV := $(DIST_WORK)/venv
CARGO_C_VERSION := 0.10.24
CARGO_C := $(TOOLS)/bin/cargo-cbuild
# PyPI tools of the release build (versions pinned; ziglang carries zig itself).
DIST_PIP := maturin==1.16.0 ziglang==0.17.1 cargo-zigbuild==0.24.1 auditwheel==6.8.2 abi3audit==0.0.26
DIST_APT := php-cli php-fpm php-zip composer libfcgi-bin pkg-config unzip
# The Java artifact (dist-java; test-dist's java-maven runs when dist/maven exists).
# DIST_WITH_JAVA=0 leaves it out of `make dist`.
DIST_WITH_JAVA ?= 1

.PHONY: dist-all dist-targets dist-host-cli test-dist-all dist-arm64-smoke dist dist-begin dist-cargo-c dist-go-pack dist-php-pack dist-tools dist-apt dist-c dist-python dist-node dist-go dist-php dist-java dist-check test-dist dist-clean

$(DIST_VENV)/.installed:
	python3 -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/pip install --quiet --disable-pip-version-check $(DIST_PIP)
	@touch $@

# Unoptimised (TOOL_INSTALL): cargo-c only drives cargo; it computes nothing that
# takes time, and it is built on every fresh CI clone (3.5 min on 2 cores).
$(CARGO_C):
	$(TOOL_INSTALL) cargo-c --version $(CARGO_C_VERSION)

dist-apt: ## install the Debian packages dist and test-dist need when missing (apt-get, as root)
	@missing=""; for p in $(DIST_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

dist-tools: $(DIST_VENV)/.installed $(CARGO_C) dist-apt ## the release tools: maturin, zig, cargo-zigbuild, auditwheel, abi3audit, cargo-c

dist-c: dist-tools ## dist/libvoipsign-VERSION-x86_64-linux-gnu.tar.gz (cargo-c, zig, glibc 2.17)
	packaging/c/build.sh $(CURDIR) $(DIST) $(DIST_WORK) $(DIST_VENV) $(TOOLS)/bin $(VERSION)

dist-python: dist-tools ## dist/voipsign-VERSION-cp310-abi3-manylinux*.whl and the sdist
	packaging/python/build.sh $(CURDIR) $(DIST) $(DIST_WORK) $(DIST_VENV) $(VERSION)

dist-node: dist-tools ## dist/npm/voipsign-VERSION.tgz and voipsign-linux-x64-gnu-VERSION.tgz
	$(MAKE) --no-print-directory -C bindings/node install
	packaging/node/build.sh $(CURDIR) $(DIST) $(DIST_WORK) $(DIST_VENV) $(VERSION)

dist-go: dist-c ## dist/go: the Go module proxy (the module with lib/linux_amd64/libvoipsign.a)
	$(MAKE) --no-print-directory dist-go-pack

dist-php: dist-c ## dist/composer/voipsign-voipsign-VERSION.zip (bundles libvoipsign.so)
	$(MAKE) --no-print-directory dist-php-pack

# The packing steps of dist-go and dist-php alone, on dist-c's build (make test runs
# them as suites of their own once dist-c has passed).
dist-go-pack:
	packaging/go/build.sh $(CURDIR) $(DIST) $(DIST_WORK) $(VERSION)

dist-php-pack:
	packaging/php/build.sh $(CURDIR) $(DIST) $(DIST_WORK) $(VERSION)

# make test's first dist steps: the PyPI tools (zig) and no dist/ of an earlier run;
# cargo-c (3.5 minutes on 2 cores) in a suite of its own, which only dist-c needs.
dist-begin: $(DIST_VENV)/.installed dist-apt
	rm -rf $(DIST)

dist-cargo-c: $(CARGO_C)

dist-java: dist-tools ## dist/maven: a local Maven repository with the Java binding's jar (zig-built JNI library)
	@test -f bindings/java/pom.xml || { echo "dist-java: no bindings/java/pom.xml" >&2; exit 1; }
	packaging/java/build.sh $(CURDIR) $(DIST) $(DIST_WORK) $(DIST_VENV) $(VERSION)

dist-check: ## the GLIBC floor of every native library in dist/, dist/SHA256SUMS and the sizes
	set -o pipefail; python3 packaging/glibc-floors.py $(DIST) $(DIST_WORK)/zig | tee $(DIST_WORK)/glibc-floors.txt
	cd $(DIST) && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
	@cd $(DIST) && find . -type f ! -name SHA256SUMS ! -path './go/*/@v/*.info' ! -path './go/*/@v/*.mod' \
	  ! -path './go/*/@v/list' ! -path './maven/*' | LC_ALL=C sort | xargs du -h --apparent-size
	@[ ! -d $(DIST)/maven ] || (cd $(DIST) && find maven -name '*.jar' | xargs du -h --apparent-size)

dist: ## every release artifact of the host (x86_64 glibc) into dist/ (zig builds against glibc 2.17), then dist-check
	@start=$$(date +%s); rm -rf $(DIST) $(DIST_OTHER_WORK); \
	$(MAKE) --no-print-directory dist-c dist-python dist-node dist-go dist-php \
	  $(if $(filter 1,$(DIST_WITH_JAVA)),dist-java) dist-check \
	  || { echo "make dist: FAILED after $$(( $$(date +%s) - start )) s"; exit 1; }; \
	echo "make dist: dist/ written in $$(( $$(date +%s) - start )) s"

# Under make test (VOIPSIGN_ARTIFACTS=dist) the sdist's build reuses the registry
# crates of the Python suite's build (packaging/test-dist.sh: python-sdist).
test-dist: dist-apt ## install each artifact of dist/ as its users do (no cargo/rustc on PATH) and run the example
	$(if $(filter dist,$(VOIPSIGN_ARTIFACTS)),VOIPSIGN_SDIST_TARGET_DIR=$(CURDIR)/bindings/python/target) packaging/test-dist.sh $(DIST)

dist-clean: ## remove dist/ and the release build's work and target directories
	rm -rf $(DIST) $(DIST_WORK) target/dist-c target/dist-python target/dist-node target/dist-java

# ---- every platform (issue 21) ------------------------------------------------
# The other targets (packaging/targets.txt): built by packaging/build-target.sh
# into dist/ (C and CLI tarballs, wheels) and build/dist (libraries, addons, JNI
# libraries the host packaging steps then bundle: the Go module, the Composer zip,
# the npm packages, the jar).
DIST_TARGETS := aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl \
  aarch64-apple-darwin x86_64-apple-darwin x86_64-pc-windows-gnu
DIST_OTHER_WORK := $(DIST_WORK)/native/*/ $(DIST_WORK)/node/addons $(DIST_WORK)/java/native
# The arm64 Debian userland the install tests run under qemu-user.
QEMU_ROOT := $(CURDIR)/build/qemu/arm64
QEMU_PACKAGES := libc6 libgcc-s1 python3 nodejs php8.2-cli

dist-targets: dist-tools node-deps ## the native artifacts of every target but the host's (packaging/build-target.sh)
	@for t in $(DIST_TARGETS); do \
	  packaging/build-target.sh $(CURDIR) $(DIST) $(DIST_WORK) $(DIST_VENV) $(TOOLS)/bin $(VERSION) $$t || exit 1; \
	done

dist-host-cli: dist-tools ## dist/cli/voipsign-VERSION-x86_64-linux-gnu.tar.gz (the voipsign command; zig, glibc 2.17)
	packaging/build-target.sh $(CURDIR) $(DIST) $(DIST_WORK) $(DIST_VENV) $(TOOLS)/bin $(VERSION) x86_64-unknown-linux-gnu cli

dist-all: ## every release artifact of every platform into dist/ (dist + dist-targets, packed together), then dist-check
	@start=$$(date +%s); rm -rf $(DIST) $(DIST_OTHER_WORK); \
	$(MAKE) --no-print-directory dist-c dist-python dist-targets dist-host-cli dist-node dist-go dist-php \
	  $(if $(filter 1,$(DIST_WITH_JAVA)),dist-java) dist-check \
	  || { echo "make dist-all: FAILED after $$(( $$(date +%s) - start )) s"; exit 1; }; \
	echo "make dist-all: dist/ written in $$(( $$(date +%s) - start )) s"

test-dist-all: dist-apt ## run or check every artifact of every platform in dist/ (qemu for arm64, static musl, Mach-O/PE checks); prints the table
	packaging/qemu/userland.sh $(QEMU_ROOT) $(QEMU_PACKAGES)
	packaging/test-dist-all.sh $(DIST) $(DIST_WORK) $(QEMU_ROOT)

# make test's arm64 smoke (suite arm64-smoke): the C tarball and the wheel for
# aarch64-unknown-linux-gnu, run under qemu on Debian's arm64 python3.
ARM64_SMOKE := $(CURDIR)/build/arm64-smoke
dist-arm64-smoke: dist-tools
	rm -rf $(ARM64_SMOKE)/dist
	packaging/build-target.sh $(CURDIR) $(ARM64_SMOKE)/dist $(ARM64_SMOKE)/work $(DIST_VENV) $(TOOLS)/bin $(VERSION) aarch64-unknown-linux-gnu "c python"
	packaging/qemu/userland.sh $(QEMU_ROOT) libc6 libgcc-s1 python3
	packaging/test-dist-all.sh $(ARM64_SMOKE)/dist $(ARM64_SMOKE)/work $(QEMU_ROOT) --only arm64-c,arm64-python
