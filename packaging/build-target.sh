#!/usr/bin/env bash
# Every native artifact of one non-host release target (mk/dist.mk: `make
# dist-all`; the host's are `make dist`'s). Rows of packaging/targets.txt.
#
#   packaging/build-target.sh ROOT DIST WORK VENV TOOLS_BIN VERSION TRIPLE [PARTS]
#
# PARTS (default "c cli python node java"; make test's arm64 smoke passes "c python"):
#   c       DIST/libvoipsign-VERSION-NAME.tar.gz   cargo-c (cargo cinstall) with zig;
#           its libraries also go to WORK/native/TRIPLE/ for the Go module and the
#           Composer package (packaging/go/build.sh, packaging/php/build.sh)
#   cli     DIST/cli/voipsign-VERSION-NAME.tar.gz  the voipsign command (musl: static)
#   python  DIST/voipsign-VERSION-cp310-abi3-TAG.whl  maturin, checked by its
#           auditwheel check (Linux) and abi3audit; not for Windows (see docs/PLATFORMS.md)
#   node    WORK/node/addons/voipsign.PLATFORM.node  napi build; packed by packaging/node/build.sh
#   java    WORK/java/native/DIR/  the JNI library; put in the jar by packaging/java/build.sh
#
# NAME is the zig target without its version floor (aarch64-linux-gnu,
# x86_64-macos, ...). All Rust builds of a target share target/dist-all/TRIPLE:
# the dependencies are compiled once per target (the bindings' lockfiles pin the
# same versions), each artifact adds its own crate and the link.
set -euo pipefail
root=$1 dist=$2 work=$3 venv=$4 tools_bin=$5 version=$6 triple=$7
parts=${8:-c cli python node java}
mkdir -p "$dist" "$work"
dist=$(cd "$dist" && pwd) work=$(cd "$work" && pwd) venv=$(cd "$venv" && pwd) root=$(cd "$root" && pwd)
row=$(grep -v '^#' "$root/packaging/targets.txt" | awk -v t="$triple" '$1 == t')
[ -n "$row" ] || { echo "build-target: unknown target $triple" >&2; exit 1; }
read -r _ npm_platform zig_target go_dir native_dir wheel_floor _ <<<"$row"
name=$(echo "$zig_target" | sed 's/\.[0-9.]*$//')
tdir="$root/target/dist-all/$triple"
zig=(env PATH="$tools_bin:$venv/bin:$PATH" "$root/packaging/with-zig.sh" "$venv" "$work/zig" --target "$triple" --)
mtime=$(git -C "$root" log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)
tarball() { tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -C "$1" -czf "$2" "$3"; }
mkdir -p "$dist" "$work"
rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
cd "$root"
started=$(date +%s)
say() { echo "build-target $triple: $* ($(( $(date +%s) - started )) s)"; }

for part in $parts; do case $part in
c)
  pkg="libvoipsign-$version-$name" stage="$work/c/$triple/stage"
  rm -rf "$stage" && mkdir -p "$stage"
  "${zig[@]}" cargo cinstall --release --locked -p voipsign-ffi --target "$triple" \
    --target-dir "$tdir" --destdir "$stage" --prefix "/$pkg" --libdir lib \
    --includedir include --pkgconfigdir lib/pkgconfig
  top="$stage/$pkg"
  # cargo-c puts a Windows DLL into bin/ (with its import library in lib/).
  packaging/c/finish-tree.sh "$top" "$version"
  pc="$top/lib/pkgconfig/voipsign.pc"
  tarball "$stage" "$dist/$pkg.tar.gz" "$pkg"
  nat="$work/native/$triple"; rm -rf "$nat" && mkdir -p "$nat"
  install -m 644 "$top/lib/libvoipsign.a" "$nat/"
  case $triple in
    *-windows-*) install -m 755 "$top/bin/voipsign.dll" "$nat/" ;;
    *-darwin) install -m 755 "$(ls "$top"/lib/libvoipsign.*.dylib | head -1)" "$nat/libvoipsign.dylib" ;;
    *) install -m 755 "$(cd "$top/lib" && ls -d "$PWD"/libvoipsign.so.*.*.* | head -1)" "$nat/libvoipsign.so" ;;
  esac
  sed -n 's/^Libs.private: *//p' "$pc" > "$nat/libs-private.txt"
  say "C tarball $pkg.tar.gz" ;;
cli)
  # musl: the default (crt-static), a fully static program, in a target directory
  # of its own (other RUSTFLAGS than the shared libraries').
  cdir=$tdir; case $triple in *-musl) cdir=$tdir/static ;; esac
  VOIPSIGN_MUSL_STATIC=1 "${zig[@]}" cargo build --release --locked -p voipsign-cli --target "$triple" --target-dir "$cdir"
  exe=voipsign; case $triple in *-windows-*) exe=voipsign.exe ;; esac
  cstage="$work/cli/$triple/voipsign-$version-$name"
  rm -rf "$(dirname "$cstage")" && mkdir -p "$cstage" "$dist/cli"
  install -m 755 "$cdir/$triple/release/$exe" "$cstage/"
  install -m 644 packaging/licenses/LICENSE-MIT packaging/licenses/LICENSE-APACHE "$cstage/"
  tarball "$(dirname "$cstage")" "$dist/cli/voipsign-$version-$name.tar.gz" "voipsign-$version-$name"
  say "CLI voipsign-$version-$name.tar.gz" ;;
python)
  [ "$wheel_floor" != - ] || { say "no Python wheel for this target"; continue; }
  out="$work/python/$triple"; rm -rf "$out" && mkdir -p "$out"
  compat=(); check=()
  case $triple in
    *-linux-*) compat=(--compatibility "$wheel_floor"); check=(--auditwheel check) ;;
  esac
  "${zig[@]}" "$venv/bin/maturin" build --release --locked "${compat[@]}" "${check[@]}" \
    --target "$triple" -m bindings/python/Cargo.toml --target-dir "$tdir" --out "$out"
  whl=$(ls "$out"/voipsign-"$version"-cp310-abi3-*.whl)
  "$venv/bin/abi3audit" --strict --report "$whl"
  if unzip -p "$whl" 'voipsign/_native*' | grep -q _panic_for_tests; then
    echo "build-target: the wheel carries _panic_for_tests" >&2; exit 1
  fi
  cp "$whl" "$dist/"
  say "Python $(basename "$whl")" ;;
node)
  case $triple in *-windows-*) say "no Node addon for this target (docs/PLATFORMS.md)"; continue ;; esac
  out="$work/node/addons"; mkdir -p "$out"
  napi="$root/bindings/node/node_modules/.bin/napi"
  (cd bindings/node && "${zig[@]}" "$napi" build --platform --release --target "$triple" \
     --target-dir "$tdir" --output-dir "$work/node/out-$triple" --no-js --no-const-enum --dts "$work/node/out-$triple/binding.d.ts")
  cp "$work/node/out-$triple/voipsign.$npm_platform.node" "$out/"
  say "Node voipsign.$npm_platform.node" ;;
java)
  "${zig[@]}" cargo build --release --manifest-path bindings/java/Cargo.toml --target "$triple" --target-dir "$tdir"
  jn="$work/java/native/$native_dir"; rm -rf "$jn" && mkdir -p "$jn"
  case $triple in
    *-windows-*) cp "$tdir/$triple/release/voipsign_jni.dll" "$jn/" ;;
    *-darwin) cp "$tdir/$triple/release/libvoipsign_jni.dylib" "$jn/" ;;
    *) cp "$tdir/$triple/release/libvoipsign_jni.so" "$jn/" ;;
  esac
  say "Java native/$native_dir" ;;
*) echo "build-target: unknown part $part" >&2; exit 2 ;;
esac; done
