//go:build !(linux && amd64)

package voipsign

// The release module carries libvoipsign for linux/amd64 only. On another
// platform, build from a checkout of the repository (bindings/go/README.md).
var _ = voipsign_prebuilt_library_is_linux_amd64_only
