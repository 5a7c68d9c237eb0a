#!/usr/bin/env bash
# Run a command (cargo cbuild, cargo build, maturin, napi build, ...) with zig as
# the C compiler and linker of one Rust target: the environment `cargo zigbuild`
# sets up, for every tool that runs cargo (cargo-c's cinstall cannot be wrapped by
# cargo-zigbuild itself, and one mechanism for all keeps the builds alike).
#
#   packaging/with-zig.sh VENV WRAPDIR [--target RUST_TRIPLE] -- COMMAND ARGS...
#
# VENV: a virtualenv with the PyPI packages ziglang and cargo-zigbuild (whose
# `cargo-zigbuild zig cc` filters the arguments rustc passes, as under zigbuild);
# WRAPDIR: where the wrapper scripts are written (one subfolder per target).
# RUST_TRIPLE (default x86_64-unknown-linux-gnu) is one of packaging/targets.txt;
# its zig target and the floor it builds for (glibc 2.17, musl, macOS 11.0 /
# 10.12, Windows x64 with mingw-w64) come from that table. The CC/AR/linker
# variables are keyed by the triple (with host == target they also link build
# scripts).
#
# macOS: Apple's CoreFoundation and Security frameworks (security-framework, through
# rustls-native-certs: the Keychain's CA roots for `rediss://`) are linked against
# the link stubs in packaging/macos/Frameworks (what an SDK ships: install names
# and exported symbols; packaging/macos/stubs.py), so every symbol binds to the
# real framework by two-level namespace, as on a Mac. VOIPSIGN_MACOS_STUBS=0 links
# with `-undefined dynamic_lookup` instead (only to regenerate the stubs).
#
# Windows (mingw-w64): rustc makes import libraries with dlltool; the wrapper
# directory carries `x86_64-w64-mingw32-dlltool` (zig's) and goes first on PATH.
set -euo pipefail
venv=$(cd "$1" && pwd); wrap=$2; shift 2
triple=x86_64-unknown-linux-gnu
if [ "${1:-}" = "--target" ]; then triple=$2; shift 2; fi
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
row=$(grep -v "^#" "$here/targets.txt" | awk -v t="$triple" '$1 == t')
[ -n "$row" ] || { echo "with-zig.sh: unknown target $triple (packaging/targets.txt)" >&2; exit 1; }
zt=$(echo "$row" | awk '{print $3}')
case $triple in
  x86_64-unknown-linux-gnu) zt="x86_64-linux-gnu.${ZIG_GLIBC:-2.17}" ;;
esac
key=$(echo "$triple" | tr '-' '_')
KEY=$(echo "$key" | tr '[:lower:]' '[:upper:]')
wrap="$wrap/$triple"
mkdir -p "$wrap"; wrap=$(cd "$wrap" && pwd)
zig_version=$("$venv/bin/python" -m ziglang version)
extra=""
case $triple in
  *-apple-darwin)
    if [ "${VOIPSIGN_MACOS_STUBS:-1}" = 1 ]; then extra="-F $here/macos/Frameworks"
    else extra="-Wl,-undefined,dynamic_lookup"; fi ;;
esac
# zig's Mach-O linker wants x.y.z versions (cargo-c passes -compatibility_version
# 0.1), and a C tarball's dylib is named @rpath/… (cargo-c names it by the staging
# prefix, /libvoipsign-…/lib/…, which exists nowhere).
fix=""
case $triple in
  *-apple-darwin) fix='
n=$#
for a in "$@"; do
  case $a in
    -Wl,*-compatibility_version,*|-Wl,*-install_name,/libvoipsign-*)
      a=$(printf "%s" "$a" | sed -E -e "s/(-compatibility_version,)([0-9]+[.][0-9]+)(,|\$)/\\1\\2.0\\3/" \
        -e "s|(-install_name,)/libvoipsign-[^,]*/lib/([^,/]+)|\\1@rpath/\\2|") ;;
  esac
  set -- "$@" "$a"
done
shift $n' ;;
esac
case $triple in
  # zig's COFF linker has no --output-def (cargo-c asks for the DLL's .def): the
  # wrapper drops it and copies the .def rustc wrote for the link (its exports).
  *-windows-gnu) fix='
n=$#; def_out=""; def_in=""
for a in "$@"; do
  case $a in
    -Wl,--output-def,*) def_out=${a#-Wl,--output-def,}; continue ;;
    -Wl,*.def) def_in=${a#-Wl,} ;;
  esac
  set -- "$@" "$a"
done
shift $n' ;;
esac
for tool in cc c++ ar ranlib; do
  name=$tool; [ "$tool" = c++ ] && name=cxx
  case $tool in
    cc|c++) args="-- -g -fno-sanitize=all -target $zt $extra \"\$@\"" ;;
    *)      args="-- \"\$@\"" ;;
  esac
  # Written beside and renamed: two builds side by side (make test runs the dist
  # builds in parallel) never see a half-written wrapper.
  {
    echo '#!/bin/sh'
    [ "$tool" = cc ] && [ -n "$fix" ] && echo "$fix"
    cat <<SH
export CARGO_ZIGBUILD_ZIG_VERSION=$zig_version
export CARGO_ZIGBUILD_ZIG_COMMAND=$venv/bin/python
export CARGO_ZIGBUILD_ZIG_COMMAND_ARGS='-m ziglang'
SH
    if [ "$tool" = cc ] && [ "${triple#*-windows-}" != "$triple" ]; then
      echo "\"$venv/bin/cargo-zigbuild\" zig $tool $args || exit \$?"
      echo '[ -z "$def_out" ] || [ -z "$def_in" ] || cp "$def_in" "$def_out"'
    else
      echo "exec \"$venv/bin/cargo-zigbuild\" zig $tool $args"
    fi
  } > "$wrap/zig$name.$$"
  chmod +x "$wrap/zig$name.$$" && mv -f "$wrap/zig$name.$$" "$wrap/zig$name"
done
case $triple in
  *-windows-gnu)
    cat > "$wrap/dlltool.$$" <<SH
#!/bin/sh
export CARGO_ZIGBUILD_ZIG_VERSION=$zig_version
export CARGO_ZIGBUILD_ZIG_COMMAND=$venv/bin/python
export CARGO_ZIGBUILD_ZIG_COMMAND_ARGS='-m ziglang'
exec "$venv/bin/cargo-zigbuild" zig dlltool -- "\$@"
SH
    chmod +x "$wrap/dlltool.$$" && mv -f "$wrap/dlltool.$$" "$wrap/x86_64-w64-mingw32-dlltool"
    export PATH="$wrap:$PATH" ;;
esac
export "CC_$key=$wrap/zigcc" "CXX_$key=$wrap/zigcxx" "AR_$key=$wrap/zigar" "RANLIB_$key=$wrap/zigranlib"
export "CARGO_TARGET_${KEY}_LINKER=$wrap/zigcc"
export CARGO_ZIGBUILD_TARGET="$zt" "CARGO_ZIGBUILD_TARGET_$key=$zt"
# Shared libraries on musl: Rust's musl targets link the C runtime statically by
# default, which rules out a cdylib; the static CLI is built with the default
# (packaging/build-target.sh passes VOIPSIGN_MUSL_STATIC=1).
case $triple in
  *-linux-musl) [ "${VOIPSIGN_MUSL_STATIC:-0}" = 1 ] || export "CARGO_TARGET_${KEY}_RUSTFLAGS=-C target-feature=-crt-static" ;;
esac
case $triple in
  aarch64-apple-darwin) export MACOSX_DEPLOYMENT_TARGET=11.0 ;;
  x86_64-apple-darwin) export MACOSX_DEPLOYMENT_TARGET=10.12 ;;
esac
exec "$@"
