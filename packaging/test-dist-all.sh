#!/usr/bin/env bash
# `make test-dist-all`: every artifact of every platform in DIST (`make dist-all`),
# run here where this machine can run it, checked where it cannot (issue 21):
#
#   arm64 glibc   under qemu-user in Debian's arm64 userland (packaging/qemu/userland.sh):
#                 the C tarball (shared and static), the CLI, the wheel on Debian's
#                 python3, the npm package on Debian's nodejs, a cross-compiled Go
#                 consumer, the Composer package on Debian's php-cli (FFI)
#   musl          the static CLI and a static C consumer (libvoipsign.a + zig's musl),
#                 natively (x86_64) and under qemu (arm64); wheel tags (auditwheel);
#                 the npm packages' libc field
#   macOS/Windows packaging/check-foreign.py: Mach-O/PE headers (architecture,
#                 minimum OS), imported libraries (system ones only), the public
#                 exported symbols against the Linux build's; each package's
#                 metadata (wheel tags, npm os/cpu, Go cgo lines, jar and zip entries)
#
#   packaging/test-dist-all.sh DIST WORK QEMU_ROOT [--only TEST,TEST]
#
# Each test runs in a fresh directory; its output is in WORK/test-all/NAME.log.
# Prints a PASS/FAIL line per test, then the table target × artifact (how it was
# tested here, its size), written to DIST/../build/dist/platforms.txt too.
set -uo pipefail
dist=$(cd "$1" && pwd) work=$(mkdir -p "$2" && cd "$2" && pwd) sysroot=$(cd "$3" && pwd)
shift 3
only=""; [ "${1:-}" = --only ] && only=$2
here=$(cd "$(dirname "$0")" && pwd) root=$(cd "$here/.." && pwd)
consumers="$here/consumers" vectors="$root/tests/vectors/signatures.json"
SIG=b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617
VENV=$root/build/dist/venv ZIGW=$root/build/dist/zig
logs="$work/test-all"; rm -rf "$logs"; mkdir -p "$logs"
t=$(ls "$dist"/libvoipsign-*-aarch64-linux-gnu.tar.gz "$dist"/libvoipsign-*-x86_64-linux-gnu.tar.gz 2>/dev/null | head -1)
VERSION=${t##*/libvoipsign-}; VERSION=${VERSION%%-*}
QEMU=(qemu-aarch64-static -L "$sysroot")

# zig as a C compiler for a target (the wrapper packaging/with-zig.sh writes).
zigcc() { # triple args...
  local t=$1; shift
  [ -x "$ZIGW/$t/zigcc" ] || "$here/with-zig.sh" "$VENV" "$ZIGW" --target "$t" -- true
  "$ZIGW/$t/zigcc" "$@"
}
has_sig() { grep -qx "$SIG" "$1" || { echo "no line with the documentation's signature"; return 1; }; }
vectors_ok() { grep -q "^vectors: [1-9][0-9]* passed, 0 failed$" "$1" || { echo "the vectors did not all pass"; return 1; }; }
untar() { tar -xzf "$1" && echo "$PWD/$(tar -tzf "$1" | head -1 | cut -d/ -f1)"; }

# ---- the host's CLI (the other host artifacts: make test-dist) ----------------------
t_host_cli() {
  local p; p=$(untar "$dist/cli/voipsign-$VERSION-x86_64-linux-gnu.tar.gz")
  SESSION_KEY=gDyVgzwa0mFz9uUP7M6GQQ== "$p/voipsign" sign --app-id wx20afc706a711eefc \
    --group-id 1559129713_672975982 --nonce 8AP6DT9ybtniUJfb --timestamp 1559129714 --session-key-env SESSION_KEY | tee out.txt
  has_sig out.txt
}

# ---- arm64, glibc: run under qemu -------------------------------------------------
t_arm64_c() {
  local p; p=$(untar "$dist/libvoipsign-$VERSION-aarch64-linux-gnu.tar.gz")
  export PKG_CONFIG_PATH="$p/lib/pkgconfig"
  zigcc aarch64-unknown-linux-gnu -std=c11 -Wall -Werror -o app "$p/share/doc/voipsign/examples/sign_example.c" \
    $(pkg-config --cflags --libs voipsign)
  "${QEMU[@]}" -E LD_LIBRARY_PATH="$p/lib" ./app | tee out.txt; has_sig out.txt || return 1
  zigcc aarch64-unknown-linux-gnu -std=c11 -Wall -Werror -o vectors "$consumers/c/vectors.c" \
    $(pkg-config --cflags voipsign) "$p/lib/libvoipsign.a" $(pkg-config --static --libs-only-l voipsign | sed 's/-lvoipsign//')
  python3 "$consumers/vectors_tsv.py" "$vectors" > vectors.tsv
  "${QEMU[@]}" ./vectors < vectors.tsv | tee vout.txt; vectors_ok vout.txt
}
t_arm64_cli() {
  local p; p=$(untar "$dist/cli/voipsign-$VERSION-aarch64-linux-gnu.tar.gz")
  SESSION_KEY=gDyVgzwa0mFz9uUP7M6GQQ== "${QEMU[@]}" "$p/voipsign" sign --app-id wx20afc706a711eefc \
    --group-id 1559129713_672975982 --nonce 8AP6DT9ybtniUJfb --timestamp 1559129714 --session-key-env SESSION_KEY | tee out.txt
  has_sig out.txt
}
t_arm64_python() {
  local whl; whl=$(ls "$dist"/voipsign-"$VERSION"-cp310-abi3-manylinux*aarch64*.whl)
  # The wheel unpacked as an installer lays it out (purelib), on Debian's arm64 python3.
  mkdir site && (cd site && python3 -m zipfile -e "$whl" .)
  PYTHONPATH=$PWD/site "${QEMU[@]}" "$sysroot/usr/bin/python3" "$consumers/python/example.py" | tee out.txt
  has_sig out.txt || return 1
  grep -q "^from $PWD/site/voipsign/" out.txt || { echo "not the unpacked wheel"; return 1; }
  PYTHONPATH=$PWD/site "${QEMU[@]}" "$sysroot/usr/bin/python3" "$consumers/python/vectors.py" "$vectors" | tee vout.txt
  vectors_ok vout.txt
}
npm_app() { # cpu os libc: the main package and every platform package as optional dependencies
  local cpu=$1 os=$2 libc=$3 deps="" f
  mkdir app && cd app || return 1
  for f in "$dist"/npm/voipsign-*-"$VERSION".tgz; do
    local n; n=$(basename "$f" "-$VERSION.tgz")
    deps="$deps${deps:+,}\"$n\": \"file:$f\""
  done
  echo "{\"name\": \"app\", \"version\": \"1.0.0\", \"dependencies\": {\"voipsign\": \"file:$dist/npm/voipsign-$VERSION.tgz\"}, \"optionalDependencies\": {$deps}}" > package.json
  npm install --no-audit --no-fund --cpu="$cpu" --os="$os" --libc="$libc" >npm.log 2>&1 || { cat npm.log; return 1; }
  ls -d node_modules/voipsign-* | tee installed.txt
}
t_arm64_node() {
  npm_app arm64 linux glibc || return 1
  [ "$(cat installed.txt)" = node_modules/voipsign-linux-arm64-gnu ] || { echo "npm did not install exactly voipsign-linux-arm64-gnu"; return 1; }
  cp "$consumers/node/require.cjs" "$consumers/node/vectors.cjs" .
  "${QEMU[@]}" "$sysroot/usr/bin/node" require.cjs | tee out.txt; has_sig out.txt || return 1
  "${QEMU[@]}" "$sysroot/usr/bin/node" vectors.cjs "$vectors" | tee vout.txt; vectors_ok vout.txt
}
t_arm64_go() {
  export GOPROXY="file://$dist/go" GOFLAGS=-mod=mod GONOSUMDB=github.com/voipsign/voipsign GOTOOLCHAIN=local \
    GOPATH="$PWD/gopath" GOCACHE="$PWD/gocache"
  mkdir app && cd app && go mod init example.com/c >/dev/null 2>&1 && cp "$consumers/go/main.go" . \
    && go get "github.com/voipsign/voipsign/bindings/go@v$VERSION" || return 1
  [ -x "$ZIGW/aarch64-unknown-linux-gnu/zigcc" ] || zigcc aarch64-unknown-linux-gnu --version >/dev/null
  CGO_ENABLED=1 GOOS=linux GOARCH=arm64 CC="$ZIGW/aarch64-unknown-linux-gnu/zigcc" go build -o consumer . || return 1
  "${QEMU[@]}" ./consumer | tee out.txt; has_sig out.txt
}
t_arm64_php() {
  export COMPOSER_HOME="$PWD/composer-home" COMPOSER_NO_INTERACTION=1 COMPOSER_ALLOW_SUPERUSER=1
  mkdir app && cd app || return 1
  echo "{\"repositories\": [{\"type\": \"artifact\", \"url\": \"$dist/composer\"}, {\"packagist.org\": false}], \"require\": {}}" > composer.json
  composer require -q --no-progress --ignore-platform-reqs "voipsign/voipsign:$VERSION" || return 1
  cp "$consumers/php/app.php" "$consumers/php/vectors.php" .
  local php=("${QEMU[@]}" "$sysroot/usr/bin/php" -n -d extension=ffi -d ffi.enable=1)
  "${php[@]}" app.php | tee out.txt; has_sig out.txt || return 1
  grep -qx "library $PWD/vendor/voipsign/voipsign/lib/linux-aarch64/libvoipsign.so" out.txt || { echo "not the bundled arm64 library"; return 1; }
  "${php[@]}" vectors.php "$vectors" | tee vout.txt; vectors_ok vout.txt
}

# ---- musl: static programs, run natively and under qemu ---------------------------
musl_static() { # triple name runner...
  local triple=$1 name=$2; shift 2
  local p; p=$(untar "$dist/libvoipsign-$VERSION-$name.tar.gz")
  # The Rust unwinder comes from zig's libunwind (-lunwind) in a static link.
  zigcc "$triple" -static -std=c11 -Wall -Werror -I"$p/include" -o app "$p/share/doc/voipsign/examples/sign_example.c" "$p/lib/libvoipsign.a" -lunwind || return 1
  zigcc "$triple" -static -std=c11 -Wall -Werror -I"$p/include" -o vectors "$consumers/c/vectors.c" "$p/lib/libvoipsign.a" -lunwind || return 1
  python3 "$here/check-foreign.py" static app vectors || return 1
  "$@" ./app | tee out.txt; has_sig out.txt || return 1
  python3 "$consumers/vectors_tsv.py" "$vectors" > vectors.tsv
  "$@" ./vectors < vectors.tsv | tee vout.txt; vectors_ok vout.txt || return 1
  local c; c=$(untar "$dist/cli/voipsign-$VERSION-$name.tar.gz")
  python3 "$here/check-foreign.py" static "$c/voipsign" || return 1
  SESSION_KEY=gDyVgzwa0mFz9uUP7M6GQQ== "$@" "$c/voipsign" sign --app-id wx20afc706a711eefc --group-id 1559129713_672975982 \
    --nonce 8AP6DT9ybtniUJfb --timestamp 1559129714 --session-key-env SESSION_KEY | tee cout.txt
  has_sig cout.txt
}
t_musl_x64() { musl_static x86_64-unknown-linux-musl x86_64-linux-musl env; }
t_musl_arm64() { musl_static aarch64-unknown-linux-musl aarch64-linux-musl qemu-aarch64-static; }
t_musl_metadata() {
  local w ok=0
  for w in "$dist"/voipsign-"$VERSION"-*musllinux*.whl; do
    local arch=x86_64; case $w in *aarch64*) arch=aarch64 ;; esac
    unzip -p "$w" "voipsign-$VERSION.dist-info/WHEEL" | tee wheel.txt
    grep -qx "Tag: cp310-abi3-musllinux_1_2_$arch" wheel.txt || { echo "$w: WHEEL not tagged musllinux_1_2_$arch"; return 1; }
    # (auditwheel's own check ran in the build: maturin --compatibility musllinux_1_2
    # --auditwheel check; `auditwheel show` here would resolve the wheel's libc.so
    # NEEDED against this glibc machine's libc.so linker script, and fail.)
    ok=$((ok + 1))
  done
  [ $ok = 2 ] || { echo "expected 2 musllinux wheels, found $ok"; return 1; }
  for p in linux-x64-musl linux-arm64-musl; do
    tar -xzf "$dist/npm/voipsign-$p-$VERSION.tgz" package/package.json -O | node -e '
      const p = JSON.parse(require("fs").readFileSync(0, "utf8"))
      if (JSON.stringify(p.libc) !== "[\"musl\"]" || p.os[0] !== "linux") { console.error(p.name, "libc", p.libc, "os", p.os); process.exit(1) }
      console.log(p.name, "os", p.os, "cpu", p.cpu, "libc", p.libc)' || return 1
  done
}

# ---- macOS and Windows: checked -----------------------------------------------------
t_foreign() { "$root/build/dist/check-venv/bin/python" "$here/check-foreign.py" dist "$dist" "$work"; }

# ---- the run ------------------------------------------------------------------------
TESTS=(host-cli arm64-c arm64-cli arm64-python arm64-node arm64-go arm64-php musl-x64 musl-arm64 musl-metadata foreign)
# LIEF (PyPI) reads Mach-O and PE files; in a venv of its own, made on first use.
if [ -z "$only" ] || [[ ",$only," == *",foreign,"* ]]; then
  [ -x "$root/build/dist/check-venv/bin/python" ] || { python3 -m venv "$root/build/dist/check-venv" && \
    "$root/build/dist/check-venv/bin/pip" install -q --disable-pip-version-check lief==1.0.0; }
fi
passed=0 failed=0 failures=()
for name in "${TESTS[@]}"; do
  [ -z "$only" ] || [[ ",$only," == *",$name,"* ]] || continue
  d=$(mktemp -d "$work/test-all/$name.XXXX")
  start=$(date +%s)
  (cd "$d" && "t_${name//-/_}") > "$logs/$name.log" 2>&1
  rc=$?; secs=$(( $(date +%s) - start ))
  if [ $rc = 0 ]; then passed=$((passed + 1)); echo "PASS $name ($secs s)"; rm -rf "$d"
  else failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name ($secs s): $logs/$name.log"; tail -n 20 "$logs/$name.log" | sed 's/^/    /'; fi
done
[ -n "$only" ] || python3 "$here/platform-table.py" "$dist" "$logs" | tee "$work/platforms.txt"
echo "dist-all: $passed passed, $failed failed${failures:+ (${failures[*]})}"
[ $failed = 0 ]
