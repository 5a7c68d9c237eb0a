#!/usr/bin/env bash
# The Composer package as an artifact zip (mk/dist.mk: `make dist-php`):
#
#   DIST/composer/voipsign-voipsign-VERSION.zip
#
# for a Composer "artifact" repository: bindings/php's src/, preload.php,
# voipsign_ffi.h and README, the zig-built libvoipsign.so (glibc >= 2.17) as
# lib/linux-x86_64/libvoipsign.so (VoipSign\Library finds it there by absolute
# path), bin/voipsign-ffi-header (writes the ffi.preload header with that absolute
# path), the licences, and a composer.json with a version and without the dev parts.
#
#   packaging/php/build.sh ROOT DIST WORK VERSION
# Needs WORK/native/libvoipsign.so (packaging/c/build.sh).
set -euo pipefail
root=$1 dist=$2 work=$3 version=$4
src="$root/bindings/php" pkg="$work/php/voipsign"
rm -rf "$work/php" "$dist/composer" && mkdir -p "$pkg/lib/linux-x86_64" "$pkg/bin" "$dist/composer"

cp -r "$src/src" "$src/preload.php" "$src/voipsign_ffi.h" "$src/README.md" "$pkg/"
install -m 755 "$work/native/libvoipsign.so" "$pkg/lib/linux-x86_64/libvoipsign.so"
# The other targets of `make dist-all` (packaging/build-target.sh), each in the
# folder VoipSign\Library::platform() names (packaging/targets.txt, column 5).
platforms="Linux x86_64 (glibc >= 2.17)"
for nat in "$work"/native/*/; do
  [ -d "$nat" ] || continue
  t=$(basename "$nat")
  dir=$(grep -v '^#' "$root/packaging/targets.txt" | awk -v t="$t" '$1 == t {print $5}')
  [ -n "$dir" ] || continue
  for f in libvoipsign.so libvoipsign.dylib voipsign.dll; do
    [ -f "$nat/$f" ] && install -D -m 755 "$nat/$f" "$pkg/lib/$dir/$f" && platforms="$platforms, $dir"
  done
done
install -m 755 "$root/packaging/php/voipsign-ffi-header" "$pkg/bin/"
cp "$root/packaging/licenses/LICENSE-MIT" "$root/packaging/licenses/LICENSE-APACHE" "$pkg/"
php -r '
  $p = json_decode(file_get_contents($argv[1]), true, 16, JSON_THROW_ON_ERROR);
  unset($p["require-dev"], $p["autoload-dev"], $p["scripts"]);
  $p["version"] = $argv[3];
  $p["description"] .= " (bundles libvoipsign for " . $argv[4] . ")";
  $p["bin"] = ["bin/voipsign-ffi-header"];
  file_put_contents($argv[2], json_encode($p, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
' "$src/composer.json" "$pkg/composer.json" "$version" "$platforms"
php -l "$pkg/bin/voipsign-ffi-header" >/dev/null

# The zip, in sorted order with fixed times; file modes kept (the bin, the .so).
python3 - "$pkg" "$dist/composer/voipsign-voipsign-$version.zip" <<'PY'
import os, sys, zipfile
root, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            info = zipfile.ZipInfo(os.path.relpath(p, root), date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (os.stat(p).st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(p, "rb") as fh:
                z.writestr(info, fh.read())
PY
unzip -l "$dist/composer/voipsign-voipsign-$version.zip"
