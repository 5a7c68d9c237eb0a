#!/usr/bin/env bash
# The Python release artifacts (mk/dist.mk: `make dist-python`):
#
#   DIST/voipsign-VERSION-cp310-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#       maturin --zig --compatibility manylinux2014 (glibc 2.17), without the
#       test-only cargo feature; checked with maturin's auditwheel check,
#       `auditwheel show` and `abi3audit --strict`;
#   DIST/voipsign-VERSION.tar.gz
#       `maturin sdist`: the binding and the core crate it depends on by path, so
#       it builds from itself alone (with a Rust toolchain).
#
#   packaging/python/build.sh ROOT DIST WORK VENV VERSION
set -euo pipefail
root=$1 dist=$2 work=$3 venv=$4 version=$5
py="$root/bindings/python"
out="$work/python"
rm -rf "$out" && mkdir -p "$out" "$dist"
rm -f "$dist"/voipsign-*.whl "$dist"/voipsign-*.tar.gz

want=$(sed -n 's/^version = "\(.*\)"/\1/p' "$py/Cargo.toml" | head -1)
[ "$want" = "$version" ] || { echo "dist-python: bindings/python/Cargo.toml has version $want, not $version" >&2; exit 1; }

export PATH="$venv/bin:$PATH"
maturin build --release --zig --compatibility manylinux2014 --auditwheel check \
  --target x86_64-unknown-linux-gnu -m "$py/Cargo.toml" \
  --target-dir "$root/target/dist-python" --out "$out"
maturin sdist -m "$py/Cargo.toml" --out "$out"

whl=$(ls "$out"/voipsign-"$version"-cp310-abi3-*manylinux*2_17*x86_64*.whl)
sdist=$(ls "$out"/voipsign-"$version".tar.gz)
auditwheel show "$whl"
abi3audit --strict --report "$whl"
# No test-only hook in a release wheel.
if python -m zipfile -l "$whl" >/dev/null && unzip -p "$whl" 'voipsign/_native*.so' | grep -q _panic_for_tests; then
  echo "dist-python: the wheel carries _panic_for_tests" >&2; exit 1
fi
cp "$whl" "$sdist" "$dist/"
ls -la "$dist"/voipsign-*
