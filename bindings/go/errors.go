package voipsign

/*
#include "voipsign.h"
*/
import "C"

// The codes, kinds and sentinels are generated from core's contract description
// (contract_*_gen.go); this file is the error type and its plumbing.

// Error is the error every function of the package returns: a stable Code and a
// message that names the field and the reason (never the session_key or any
// part of it). Test with errors.Is for a code (voipsign.ErrRoomFull) or a kind
// (voipsign.ErrInput, ErrRefusal, ErrOutage, ErrInternal), or get the details
// with errors.As.
type Error struct {
	Code    Code
	Message string
}

// Error returns "voipsign: CODE_NAME: message".
func (e *Error) Error() string {
	if e.Message == "" {
		return "voipsign: " + e.Code.String()
	}
	return "voipsign: " + e.Code.String() + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code, or the Kind of
// e's Code: errors.Is(err, voipsign.ErrInvalidNonce), errors.Is(err, voipsign.ErrInput).
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case *Error:
		return e != nil && t != nil && t.Code == e.Code
	case Kind:
		return e != nil && e.Code.Kind() == t
	}
	return false
}

// libraryName is the linked library's name of a code ("UNKNOWN" if none).
func libraryName(c Code) string {
	if int64(c) != int64(int32(c)) {
		return "UNKNOWN"
	}
	return staticString(C.voipsign_status_name(C.int32_t(c)))
}

// libraryKind is the linked library's kind of a code (internal if unknown).
func libraryKind(c Code) Kind {
	if int64(c) != int64(int32(c)) {
		return KindInternal
	}
	return Kind(C.voipsign_status_kind(C.int32_t(c)))
}

// newError builds the *Error of a failed call. first is the status of the call
// made without a voipsign_error; second is the status of the repeated call that
// filled e. They agree unless the library is not deterministic, in which case the
// first status wins with the library's generic message.
func newError(first, second uint32, e *C.voipsign_error) error {
	code := codeOf(first)
	msg := staticString(C.voipsign_status_message(C.int32_t(first)))
	if second == first && e.status == first {
		msg = C.GoStringN(&e.message[0], C.int(min(int(e.message_len), len(e.message))))
	}
	if code != Code(first) {
		msg = libraryName(Code(first)) + " (a bug of the Go binding): " + msg
	}
	return &Error{Code: code, Message: msg}
}
