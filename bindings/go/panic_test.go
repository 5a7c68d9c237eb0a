//go:build voipsign_testpanic

// The panic boundary, with the library built with the cargo feature test-panic:
//
//	make -C ../.. ffi-test-panic
//	go test -tags voipsign_testpanic -run Panic .
//
// (make test-panic does both.)

package voipsign

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestPanicIsErrInternal(t *testing.T) {
	err := testPanic()
	if err == nil {
		t.Fatal("voipsign_test_panic returned no error")
	}
	if !errors.Is(err, ErrInternal) {
		t.Errorf("errors.Is(%v, ErrInternal) is false", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInternal || e.Code.String() != "INTERNAL" {
		t.Fatalf("%#v is not an *Error with CodeInternal", err)
	}
	if !strings.Contains(e.Message, "panic") {
		t.Errorf("the message does not say a panic was caught: %q", e.Message)
	}
	if !strings.HasPrefix(err.Error(), "voipsign: INTERNAL: ") {
		t.Errorf("err.Error() = %q", err.Error())
	}
	for name, s := range sentinels {
		if name != "INTERNAL" && errors.Is(err, s) {
			t.Errorf("errors.Is(err, %s) is true too", name)
		}
	}
	// The process carries on, and so does the library.
	if sig, err := Sign(docParams, docKey); err != nil || sig != docSig {
		t.Errorf("Sign after a panic = %q, %v", sig, err)
	}
}

func TestPanicFromManyGoroutines(t *testing.T) {
	const goroutines, panics = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*panics*2)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < panics; i++ {
				if err := testPanic(); !errors.Is(err, ErrInternal) {
					errs <- err
				}
				if sig, err := Sign(docParams, docKey); err != nil || sig != docSig {
					errs <- errors.New("Sign after a panic: " + sig)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
