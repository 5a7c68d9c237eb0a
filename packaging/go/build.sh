#!/usr/bin/env bash
# The Go module as `go get` sees it, with the prebuilt library inside (the
# wasmtime-go approach), written as a module proxy directory (mk/dist.mk:
# `make dist-go`):
#
#   DIST/go/github.com/voipsign/voipsign/bindings/go/@v/{list,vVERSION.info,.mod,.zip}
#
# used as GOPROXY=file://DIST/go. The module tree is generated from bindings/go:
# its non-test sources and cmd/, with cgo_checkout.go (links ../../target) replaced
# by cgo_dist.go (links lib/linux_amd64/libvoipsign.a, flags from voipsign.pc's
# Libs.private), include/voipsign.h, a blank-import file (includebuild.go) so that
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
rm -rf "$work/go" "$dist/go" && mkdir -p "$mod/include" "$mod/lib/linux_amd64" "$dist/go"
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

pc=$(ls "$work"/c/stage/*/lib/pkgconfig/voipsign.pc)
libs_private=$(sed -n 's/^Libs.private: *//p' "$pc")
sed "s|@LIBS_PRIVATE@|$libs_private|" "$tmpl/cgo_dist.go" > "$mod/cgo_dist.go"
cp "$tmpl/unsupported.go" "$tmpl/includebuild.go" "$mod/"
cp "$root/include/voipsign.h" "$mod/include/"
cp "$tmpl/include.go.txt" "$mod/include/include.go"
cp "$work/native/libvoipsign.a" "$mod/lib/linux_amd64/"
cp "$tmpl/lib.go.txt" "$mod/lib/linux_amd64/lib.go"
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
