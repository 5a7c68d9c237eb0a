package voipsign

// Where the library comes from in a checkout of the repository: the static
// libvoipsign.a that `make ffi` builds (the test-panic build under the build tag
// voipsign_testpanic; under the build tag voipsign_dist the release build of
// `make dist-c` in build/dist/native, which `make test` tests) and include/voipsign.h. Every #cgo line of the package is
// here: the release module (`make dist-go`, packaging/go/build.sh) replaces this
// file with cgo_dist.go, which links lib/linux_amd64/libvoipsign.a inside the module.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo !voipsign_testpanic,!voipsign_dist LDFLAGS: ${SRCDIR}/../../target/release/libvoipsign.a -lm -ldl -lpthread
#cgo !voipsign_testpanic,voipsign_dist LDFLAGS: ${SRCDIR}/../../build/dist/native/libvoipsign.a -lm -ldl -lpthread
#cgo voipsign_testpanic LDFLAGS: ${SRCDIR}/../../target/test-panic/release/libvoipsign.a -lm -ldl -lpthread
*/
import "C"
