#!/usr/bin/env bash
# `make test-dist`: install every release artifact of DIST the way its users do,
# on a "clean machine", and run the documentation's example with it.
#
#   packaging/test-dist.sh DIST [TEST...]      (default: every test; `--list` lists them)
#
# Each test runs in a fresh temporary directory with HOME inside it (fresh pip,
# npm, Composer and Go module caches), with no `cargo` or `rustc` on PATH (except
# python-sdist, which builds the sdist and so needs Rust), and with nothing from
# the checkout but DIST and the consumer programs in packaging/consumers/. A test
# passes when it exits 0 and its output has the documentation's signature on a
# line of its own. The run ends with one line: `dist: N passed, M failed`.
# A failed test keeps its directory (the path is printed); a passed one is removed
# (kept too with VOIPSIGN_DIST_KEEP=1).
set -uo pipefail

dist=$(cd "${1:?usage: test-dist.sh DIST [TEST...]}" && pwd) || exit 2
shift
here=$(cd "$(dirname "$0")" && pwd)
consumers="$here/consumers"
SIG=b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617
TESTS=(c-shared c-static python-wheel python-sdist npm-require npm-import go-get go-vendor composer-php composer-fpm java-maven)

# PATH without any directory that holds cargo or rustc (rustup's ~/.cargo/bin).
no_rust_path() {
  local out="" d
  local IFS=:
  for d in $PATH; do
    [ -n "$d" ] || continue
    [ -e "$d/cargo" ] || [ -e "$d/rustc" ] && continue
    out="${out:+$out:}$d"
  done
  printf '%s' "$out"
}
NO_RUST_PATH=$(no_rust_path)
FULL_PATH=$PATH
# rustup's toolchains and cargo's download cache, for python-sdist only (HOME moves).
RUST_HOMES=(RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}")
GOCACHE_SHARED=$(go env GOCACHE 2>/dev/null || true)

version() { # the version every artifact carries: from the C tarball's name
  local t
  t=$(ls "$dist"/libvoipsign-*-x86_64-linux-gnu.tar.gz 2>/dev/null | head -1)
  t=${t##*/libvoipsign-}; printf '%s' "${t%-x86_64-linux-gnu.tar.gz}"
}
VERSION=$(version)

# ---- the tests (each runs in its own directory, as the current directory) -----

t_c_shared() {
  tar -xzf "$dist/libvoipsign-$VERSION-x86_64-linux-gnu.tar.gz"
  local prefix="$PWD/libvoipsign-$VERSION-x86_64-linux-gnu"
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
  echo "pkg-config --cflags --libs voipsign: $(pkg-config --cflags --libs voipsign)"
  cc -std=c11 -Wall -Werror -o app "$prefix/share/doc/voipsign/examples/sign_example.c" \
    $(pkg-config --cflags --libs voipsign)
  local soname
  soname=$(readelf -d "$prefix/lib/libvoipsign.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  echo "readelf -d lib/libvoipsign.so: SONAME $soname"
  [[ $soname == libvoipsign.so.* ]] || { echo "no versioned soname"; return 1; }
  [ -e "$prefix/lib/$soname" ] || { echo "lib/$soname is missing"; return 1; }
  readelf -d app | grep -q "(NEEDED).*\[$soname\]" || { echo "app does not need $soname"; return 1; }
  LD_LIBRARY_PATH="$prefix/lib" ./app
}

t_c_static() {
  tar -xzf "$dist/libvoipsign-$VERSION-x86_64-linux-gnu.tar.gz"
  local prefix="$PWD/libvoipsign-$VERSION-x86_64-linux-gnu"
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
  local libs
  libs=$(pkg-config --static --libs voipsign)
  echo "pkg-config --static --libs voipsign: $libs"
  # Both libraries are in lib/: -l:libvoipsign.a picks the static one.
  cc -std=c11 -Wall -Werror -o app "$prefix/share/doc/voipsign/examples/sign_example.c" \
    $(pkg-config --cflags voipsign) ${libs//-lvoipsign/-l:libvoipsign.a}
  if readelf -d app | grep -q '(NEEDED).*libvoipsign'; then echo "app needs libvoipsign.so"; return 1; fi
  echo "readelf -d app: $(readelf -d app | grep -c '(NEEDED)') NEEDED entries, none libvoipsign"
  ./app
}

t_python_wheel() {
  python3 -m venv venv
  venv/bin/pip install --disable-pip-version-check --no-index --only-binary :all: --find-links "$dist" voipsign
  venv/bin/pip list --disable-pip-version-check 2>/dev/null | grep -i voipsign
  venv/bin/python "$consumers/python/example.py"
}

t_python_sdist() { # needs Rust: the one test with cargo on PATH
  export PATH=$FULL_PATH "${RUST_HOMES[@]}"
  command -v cargo >/dev/null || { echo "python-sdist needs cargo on PATH"; return 1; }
  mkdir sdist && tar -xzf "$dist/voipsign-$VERSION.tar.gz" -C sdist
  echo "sdist: $(tar -tzf "$dist/voipsign-$VERSION.tar.gz" | wc -l) files"
  python3 -m venv venv
  # From the sdist alone; maturin comes from PyPI (build isolation), crates from crates.io.
  # VOIPSIGN_SDIST_TARGET_DIR (make test: the Python suite's target directory) lets
  # cargo reuse the registry crates it has compiled with the same profile; the
  # sdist's own crates (the binding and the core, at paths inside the sdist) are
  # compiled from the sdist whatever the directory holds.
  CARGO_TARGET_DIR="${VOIPSIGN_SDIST_TARGET_DIR:-$PWD/cargo-target}" venv/bin/pip install --disable-pip-version-check --no-binary voipsign \
    "$dist/voipsign-$VERSION.tar.gz"
  cd /tmp && "$OLDPWD/venv/bin/python" "$consumers/python/example.py"
}

npm_project() {
  mkdir app && cd app || return 1
  npm init -y >/dev/null
  npm install --no-audit --no-fund "$dist/npm/voipsign-$VERSION.tgz" "$dist/npm/voipsign-linux-x64-gnu-$VERSION.tgz"
  npm ls --all
  [ -f node_modules/voipsign-linux-x64-gnu/voipsign.linux-x64-gnu.node ] || { echo "the platform package is not installed"; return 1; }
  ! ls node_modules/voipsign/*.node 2>/dev/null || { echo "the main package carries an addon"; return 1; }
}

t_npm_require() {
  npm_project
  cp "$consumers/node/require.cjs" . && node require.cjs
}

t_npm_import() {
  npm_project
  cp "$consumers/node/import.mjs" . && node import.mjs
}

go_env() {
  export GOPROXY="file://$dist/go" GOFLAGS=-mod=mod GONOSUMDB=github.com/voipsign/voipsign GOTOOLCHAIN=local \
    CGO_ENABLED=1 GOPATH="$PWD/gopath" GOCACHE="${GOCACHE_SHARED:-$PWD/gocache}"
}

go_project() {
  go_env
  mkdir app && cd app || return 1
  go mod init example.com/voipsign-consumer
  cp "$consumers/go/main.go" .
  go get "github.com/voipsign/voipsign/bindings/go@v$VERSION"
  grep voipsign go.mod go.sum
}

t_go_get() {
  go_project
  go run .
}

t_go_vendor() {
  go_project
  go mod vendor
  local v=vendor/github.com/voipsign/voipsign/bindings/go
  ls -la "$v/lib/linux_amd64" "$v/include"
  [ -f "$v/lib/linux_amd64/libvoipsign.a" ] && [ -f "$v/include/voipsign.h" ] || { echo "go mod vendor dropped the library"; return 1; }
  go clean -modcache
  GOFLAGS=-mod=vendor GOPROXY=off go build -o consumer . && ./consumer
}

composer_project() {
  export COMPOSER_HOME="$PWD/composer-home" COMPOSER_NO_INTERACTION=1 COMPOSER_ALLOW_SUPERUSER=1
  mkdir app && cd app || return 1
  cat > composer.json <<JSON
{
    "name": "example/voipsign-consumer",
    "repositories": [
        {"type": "artifact", "url": "$dist/composer"},
        {"packagist.org": false}
    ],
    "require": {}
}
JSON
  composer require --no-progress "voipsign/voipsign:$VERSION"
  [ -f vendor/voipsign/voipsign/lib/linux-x86_64/libvoipsign.so ] || { echo "the bundled library is missing"; return 1; }
}

t_composer_php() {
  composer_project
  cp "$consumers/php/app.php" .
  php app.php | tee out.txt
  grep -qx "library $PWD/vendor/voipsign/voipsign/lib/linux-x86_64/libvoipsign.so" out.txt \
    || { echo "not the bundled library"; return 1; }
}

t_composer_fpm() {
  composer_project
  local fpm
  fpm=$(command -v php-fpm || ls /usr/sbin/php-fpm* 2>/dev/null | head -1)
  [ -x "$fpm" ] || { echo "php-fpm is missing"; return 1; }
  command -v cgi-fcgi >/dev/null || { echo "cgi-fcgi is missing (libfcgi-bin)"; return 1; }
  cp -r "$consumers/php/www" .
  vendor/bin/voipsign-ffi-header "$PWD/voipsign_ffi.h"
  local me run
  me=$(id -un); run="$PWD/run"; mkdir -p "$run"
  cat > php.ini <<INI
ffi.enable=preload
ffi.preload=$PWD/voipsign_ffi.h
opcache.enable=1
opcache.preload=$PWD/vendor/voipsign/voipsign/preload.php
opcache.preload_user=$me
INI
  cat > fpm.conf <<CONF
[global]
pid = $run/fpm.pid
error_log = $run/fpm.log
daemonize = no
[app]
user = $me
listen = $run/fpm.sock
pm = static
pm.max_children = 1
catch_workers_output = yes
CONF
  local asroot=""; [ "$(id -u)" = 0 ] && asroot=-R
  "$fpm" $asroot -c "$PWD/php.ini" -y "$PWD/fpm.conf" &
  local pid=$!
  local i
  for i in $(seq 100); do [ -S "$run/fpm.sock" ] && break; sleep 0.1; done
  local rc=0
  SCRIPT_FILENAME="$PWD/www/index.php" SCRIPT_NAME=/index.php REQUEST_METHOD=GET QUERY_STRING='groupId=room-42' \
    REQUEST_URI='/index.php?groupId=room-42' SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
    cgi-fcgi -bind -connect "$run/fpm.sock" > response.txt || rc=1
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  tr -d '\r' < response.txt
  cat "$run/fpm.log"
  [ $rc = 0 ] || return 1
  grep -q "^library FFI scope 'voipsign' (ffi.preload)" response.txt || { echo "not served through ffi.preload"; return 1; }
  grep -q "^sapi fpm-fcgi ffi.enable=preload" response.txt || { echo "not PHP-FPM with ffi.enable=preload"; return 1; }
}

t_java_maven() {
  [ -d "$dist/maven" ] || { echo "SKIP: no dist/maven (no bindings/java to package)"; return 77; }
  # The local repository: a copy of dist/maven. Maven's own plugins come from Maven
  # Central first, fetched by the same build of a copy of the consumer's pom without
  # the voipsign dependency (and without sources); then the consumer is built
  # offline (-o): io.voipsign:voipsign can only come from the local repository.
  cp -r "$dist/maven" m2
  local mvn=(mvn -B -q --no-transfer-progress -Dmaven.repo.local="$PWD/m2")
  mkdir prime && sed -e '/<dependencies>/,/<\/dependencies>/d' "$consumers/java/pom.xml" > prime/pom.xml
  (cd prime && "${mvn[@]}" package dependency:build-classpath -Dmdep.outputFile=cp.txt) || return 1
  cp -r "$consumers/java" app && cd app || return 1
  sed -i "s/@VERSION@/$VERSION/g" pom.xml
  "${mvn[@]}" -o package dependency:build-classpath -Dmdep.outputFile=cp.txt
  echo "classpath: $(cat cp.txt)"
  grep -q "m2/io/voipsign/voipsign/$VERSION/voipsign-$VERSION.jar" cp.txt || { echo "not the local repository's jar"; return 1; }
  java -cp "target/classes:$(cat cp.txt)" example.Main
}

# ---- the harness --------------------------------------------------------------

if [ "${1:-}" = "--list" ]; then printf '%s\n' "${TESTS[@]}"; exit 0; fi
selected=("$@")
if [ ${#selected[@]} = 0 ]; then # every test; java-maven when dist/ has the Java artifact (DIST_WITH_JAVA=1)
  for t in "${TESTS[@]}"; do [ "$t" = java-maven ] && [ ! -d "$dist/maven" ] || selected+=("$t"); done
fi
[ -n "$VERSION" ] || { echo "test-dist: no libvoipsign-*-x86_64-linux-gnu.tar.gz in $dist (run make dist)" >&2; exit 2; }

passed=0 failed=0 skipped=0 failures=()
start_all=$(date +%s)
for name in "${selected[@]}"; do
  fn="t_${name//-/_}"
  declare -F "$fn" >/dev/null || { echo "test-dist: no test $name" >&2; exit 2; }
  dir=$(mktemp -d "/tmp/voipsign-dist-$name.XXXXXX")
  start=$(date +%s)
  (
    cd "$dir" && mkdir home || exit 1
    export HOME="$dir/home" PATH="$NO_RUST_PATH"
    unset PIP_FIND_LINKS # the machine's pip setting; only DIST is a source here
    if command -v cargo || command -v rustc; then echo "cargo/rustc still on PATH"; exit 1; fi
    set -e # any failing step fails the test
    "$fn"
  ) > "$dir/test.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ $rc = 77 ]; then
    skipped=$((skipped + 1)); echo "SKIP $name: $(tail -1 "$dir/test.log")"; rm -rf "$dir"
  elif [ $rc = 0 ] && grep -qx "$SIG" "$dir/test.log"; then
    note=""; [ "$name" = python-sdist ] && note=", with cargo on PATH: it builds the extension"
    passed=$((passed + 1)); echo "PASS $name (${secs} s$note): $SIG"
    if [ -n "${VOIPSIGN_DIST_KEEP:-}" ]; then echo "     kept $dir"; else rm -rf "$dir"; fi
  else
    failed=$((failed + 1)); failures+=("$name")
    echo "FAIL $name (${secs} s, exit $rc; kept $dir):"
    tail -n 25 "$dir/test.log" | sed 's/^/    /'
  fi
done
echo "test-dist: $(( $(date +%s) - start_all )) s${failures[*]:+; failed: ${failures[*]}}"
if [ "$skipped" = 0 ]; then echo "dist: $passed passed, $failed failed"; else echo "dist: $passed passed, $failed failed, $skipped skipped"; fi
[ "$failed" = 0 ]
