#!/usr/bin/env bash
# The Go module as `go get` sees it, with the prebuilt library inside (the
# wasmtime-go approach), written as a module proxy directory (mk/dist.mk:
# `make dist-go`):
#
#   DIST/go/github.com/voipsign/voipsign/bindings/go/@v/{list,vVERSION.info,.mod,.zip}
#
# used as GOPROXY=file://DIST/go. The module tree is generated from bindings/go:
# its non-test sources and cmd/, with cgo_checkout.go (links ../../target) replaced
# by cgo_dist.go (links lib/<goos>_<goarch>/libvoipsign.a of each target built,
# flags from its voipsign.pc's Libs.private), include/voipsign.h, a blank-import file (includebuild.go) so that
# `go mod vendor` keeps lib/ and include/, and a clear compile error on other
# platforms. The self-contained example tests are kept (they show in go doc).
#
#   packaging/go/build.sh ROOT DIST WORK VERSION
# Needs WORK/native/libvoipsign.a and WORK/c/stage (packaging/c/build.sh).
set -euo pipefail
root=$1 dist=$2 work=$3 version=$4
module=github.com/voipsign/voipsign/bindings/go
src="$root/bindings/go" tmpl="$root/packaging/go/template"
mod="$work/go/module"
rm -rf "$work/go" "$dist/go" && mkdir -p "$mod/include" "$dist/go"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

[ "$(sed -n 's/^module //p' "$src/go.mod")" = "$module" ] || { echo "dist-go: unexpected module path in $src/go.mod" >&2; exit 1; }
cp "$src/go.mod" "$src/README.md" "$mod/"
for f in "$src"/*.go; do
  case $(basename "$f") in
    *_test.go|cgo_checkout.go|testpanic.go) ;;
    *) cp "$f" "$mod/" ;;
  esac
done
cp "$src"/example_test.go "$src"/rooms_example_test.go "$mod/"
cp -r "$src/cmd" "$mod/"

# One lib/<dir>/libvoipsign.a per target built: the host's (packaging/c/build.sh)
# and those of `make dist-all` (packaging/build-target.sh: WORK/native/TRIPLE/),
# each linked by a cgo line of its GOOS/GOARCH (musl: with the tag voipsign_musl)
# with the flags of its voipsign.pc's Libs.private.
pc=$(ls "$work"/c/stage/*/lib/pkgconfig/voipsign.pc)
cgo="" supported="" list="" imports=""
add() { # triple archive libs-private
  local triple=$1 a=$2 libs=$3 dir goos goarch cons what
  dir=$(grep -v '^#' "$root/packaging/targets.txt" | awk -v t="$triple" '$1 == t {print $4}')
  goos=${dir%%_*}; goarch=${dir#*_}; goarch=${goarch%_musl}
  case $dir in
    *_musl) cons="$goos,$goarch,voipsign_musl"; what="$goos/$goarch with musl (build tag voipsign_musl)" ;;
    linux_*) cons="$goos,$goarch,!voipsign_musl"; what="$goos/$goarch (glibc >= 2.17)" ;;
    *) cons="$goos,$goarch"; what="$goos/$goarch" ;;
  esac
  mkdir -p "$mod/lib/$dir"
  cp "$a" "$mod/lib/$dir/libvoipsign.a"
  sed -e "s|@DIR@|$dir|g" -e "s|@WHAT@|$what|" "$tmpl/lib.go.txt" > "$mod/lib/$dir/lib.go"
  cgo+="#cgo $cons LDFLAGS: \${SRCDIR}/lib/$dir/libvoipsign.a $libs"$'\n'
  supported+="${supported:+ || }(${cons//,/ \&\& })"
  list+="${list:+, }$what"
  imports+=$'\t_ "'"$module/lib/$dir"$'"\n'
}
add x86_64-unknown-linux-gnu "$work/native/libvoipsign.a" "$(sed -n 's/^Libs.private: *//p' "$pc")"
for nat in "$work"/native/*/; do
  [ -d "$nat" ] || continue
  t=$(basename "$nat")
  [ -f "$nat/libvoipsign.a" ] && [ -f "$nat/libs-private.txt" ] || continue
  add "$t" "$nat/libvoipsign.a" "$(cat "$nat/libs-private.txt")"
done
python3 - "$tmpl" "$mod" "$cgo" "$supported" "$list" "$imports" <<'PY'
import sys
tmpl, mod, cgo, supported, lst, imports = sys.argv[1:]
def fill(src, dst, **kw):
    s = open(f"{tmpl}/{src}").read()
    for k, v in kw.items():
        s = s.replace(f"@{k}@", v)
    open(f"{mod}/{dst}", "w").write(s)
fill("cgo_dist.go", "cgo_dist.go", CGO_LINES=cgo.rstrip("\n"))
fill("unsupported.go.txt", "unsupported.go", SUPPORTED=supported, LIST=lst)
fill("includebuild.go.txt", "includebuild.go", LIB_IMPORTS=imports)
PY
# gofmt writes the generated build constraint in its canonical form.
"$(go env GOROOT)/bin/gofmt" -w "$mod/cgo_dist.go" "$mod/unsupported.go" "$mod/includebuild.go"
cp "$root/include/voipsign.h" "$mod/include/"
cp "$tmpl/include.go.txt" "$mod/include/include.go"
cp "$root/packaging/licenses/LICENSE-MIT" "$root/packaging/licenses/LICENSE-APACHE" "$mod/"
gofmt_out=$("$(go env GOROOT)/bin/gofmt" -l "$mod")
[ -z "$gofmt_out" ] || { echo "dist-go: gofmt needed: $gofmt_out" >&2; exit 1; }

# The module must build, vet and run its examples as it stands (no ../../target).
(cd "$mod" && go vet ./... && go vet -tags voipsign_includebuild . && go test -count=1 -run Example .)

# The proxy directory, written by golang.org/x/mod/zip (packaging/go/modproxy).
(cd "$root/packaging/go/modproxy" && go build -o "$work/go/modproxy" .)
"$work/go/modproxy" -dir "$mod" -module "$module" -version "v$version" -out "$dist/go" \
  -time "$(git -C "$root" log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)"
find "$dist/go" -type f | sort | xargs ls -la
