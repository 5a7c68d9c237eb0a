//go:build voipsign_testpanic

// Test-only (build tag voipsign_testpanic, see panic_test.go): links the library
// built with the cargo feature test-panic (cgo_checkout.go's #cgo lines pick
// target/test-panic/release/libvoipsign.a under this tag) and wraps its
// voipsign_test_panic, which panics inside the library's panic boundary. Never
// part of a normal build.

package voipsign

/*
#include "voipsign.h"

// Not in voipsign.h: exported only by the test-panic build of the library.
enum voipsign_status voipsign_test_panic(struct voipsign_error *err);
*/
import "C"

// testPanic makes the library panic and returns its error the way every
// function of the package does (first without, then with a voipsign_error).
func testPanic() error {
	st := C.voipsign_test_panic(nil)
	if st != C.VOIPSIGN_OK {
		var e C.voipsign_error
		st2 := C.voipsign_test_panic(&e)
		return newError(st, st2, &e)
	}
	return nil
}
