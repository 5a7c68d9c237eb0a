//go:build voipsign_includebuild

package voipsign

// Never built (nothing sets the tag). `go mod vendor` copies only the
// directories of packages that are imported under some build tag; these blank
// imports make it copy the prebuilt library and the header with the package.
import (
	_ "github.com/voipsign/voipsign/bindings/go/include"
	_ "github.com/voipsign/voipsign/bindings/go/lib/linux_amd64"
)
