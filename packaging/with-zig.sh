#!/usr/bin/env bash
# Run a command (cargo cbuild, cargo build, ...) with zig as the C compiler and
# linker for x86_64-unknown-linux-gnu, against glibc $ZIG_GLIBC (default 2.17):
# the environment `cargo zigbuild --target x86_64-unknown-linux-gnu.2.17` sets up,
# for cargo subcommands cargo-zigbuild cannot wrap (cargo-c's cbuild).
#
#   packaging/with-zig.sh VENV WRAPDIR -- COMMAND ARGS...
#
# VENV: a virtualenv with the PyPI packages ziglang and cargo-zigbuild (whose
# `cargo-zigbuild zig cc` filters the arguments rustc passes, as under zigbuild);
# WRAPDIR: where the wrapper scripts are written. The command is run with
# --target x86_64-unknown-linux-gnu semantics in mind: the CC/AR/linker variables
# are keyed by that triple (with host == target they also link build scripts).
set -euo pipefail
venv=$(cd "$1" && pwd); wrap=$2; shift 2
[ "${1:-}" = "--" ] && shift
glibc=${ZIG_GLIBC:-2.17}
zt="x86_64-linux-gnu.$glibc"
mkdir -p "$wrap"; wrap=$(cd "$wrap" && pwd)
zig_version=$("$venv/bin/python" -m ziglang version)
for tool in cc c++ ar ranlib; do
  name=$tool; [ "$tool" = c++ ] && name=cxx
  case $tool in
    cc|c++) args="-- -g -fno-sanitize=all -target $zt \"\$@\"" ;;
    *)      args="-- \"\$@\"" ;;
  esac
  # Written beside and renamed: two builds side by side (make test runs the dist
  # builds in parallel) never see a half-written wrapper.
  cat > "$wrap/zig$name.$$" <<SH
#!/bin/sh
export CARGO_ZIGBUILD_ZIG_VERSION=$zig_version
export CARGO_ZIGBUILD_ZIG_COMMAND=$venv/bin/python
export CARGO_ZIGBUILD_ZIG_COMMAND_ARGS='-m ziglang'
exec "$venv/bin/cargo-zigbuild" zig $tool $args
SH
  chmod +x "$wrap/zig$name.$$" && mv -f "$wrap/zig$name.$$" "$wrap/zig$name"
done
export CC_x86_64_unknown_linux_gnu="$wrap/zigcc"
export CXX_x86_64_unknown_linux_gnu="$wrap/zigcxx"
export AR_x86_64_unknown_linux_gnu="$wrap/zigar"
export RANLIB_x86_64_unknown_linux_gnu="$wrap/zigranlib"
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER="$wrap/zigcc"
export CARGO_ZIGBUILD_TARGET="$zt" CARGO_ZIGBUILD_TARGET_x86_64_unknown_linux_gnu="$zt"
exec "$@"
