#!/usr/bin/env bash
# The C release tarball, and the one zig build of the C library that Go and PHP
# reuse (mk/dist.mk: `make dist-c`).
#
#   packaging/c/build.sh ROOT DIST WORK VENV TOOLS_BIN VERSION
#
# cargo-c (`cargo cinstall`, metadata in ffi/Cargo.toml) builds voipsign-ffi for
# x86_64-unknown-linux-gnu with zig against glibc 2.17 (packaging/with-zig.sh) and
# installs it into a staging prefix: lib/libvoipsign.so.<version> with its soname
# and links, lib/libvoipsign.a, lib/pkgconfig/voipsign.pc (Libs.private from
# rustc's native-static-libs), include/voipsign.h (the committed header). The
# tarball adds the licences, a README and the C example, and makes voipsign.pc
# relocatable (prefix=${pcfiledir}/../..), so it works wherever it is unpacked.
#
# Writes DIST/libvoipsign-VERSION-x86_64-linux-gnu.tar.gz and, for the other
# packages, WORK/native/{libvoipsign.a,libvoipsign.so} (the same build).
set -euo pipefail
root=$1 dist=$2 work=$3 venv=$4 tools_bin=$5 version=$6
name="libvoipsign-$version-x86_64-linux-gnu"
stage="$work/c/stage"
rm -rf "$stage" && mkdir -p "$stage" "$dist" "$work/native"

cd "$root"
PATH="$tools_bin:$venv/bin:$PATH" packaging/with-zig.sh "$venv" "$work/zig" -- \
  cargo cinstall --release --locked -p voipsign-ffi --target x86_64-unknown-linux-gnu \
    --target-dir "$root/target/dist-c" --destdir "$stage" --prefix "/$name" --libdir lib \
    --includedir include --pkgconfigdir lib/pkgconfig

top="$stage/$name"
packaging/c/finish-tree.sh "$top" "$version"

# Reproducible-ish: fixed owner, sorted names, the commit's time.
mtime=$(git -C "$root" log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
  -C "$stage" -czf "$dist/$name.tar.gz" "$name"

# The same build for the Go module (static) and the Composer package (shared).
so=$(cd "$top/lib" && ls libvoipsign.so.*.*.* | head -1)
install -m 644 "$top/lib/libvoipsign.a" "$work/native/libvoipsign.a"
install -m 755 "$top/lib/$so" "$work/native/libvoipsign.so"
echo "dist-c: $dist/$name.tar.gz ($(du -h "$dist/$name.tar.gz" | cut -f1)); soname $(readelf -d "$top/lib/$so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
tar -tzvf "$dist/$name.tar.gz"
