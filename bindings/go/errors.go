package voipsign

/*
#include "voipsign.h"
*/
import "C"

// Code is the stable code of a failure, the same in every language voipsign
// supports. Its values mirror the C enum voipsign_status; String returns the
// name defined by the library (voipsign_status_name), e.g. "INVALID_NONCE".
type Code int

// The codes. CodeOK is never carried by an *Error.
const (
	CodeOK                Code = C.VOIPSIGN_OK                  // 0 "OK"
	CodeInvalidAppID      Code = C.VOIPSIGN_INVALID_APP_ID      // 1 "INVALID_APP_ID"
	CodeInvalidGroupID    Code = C.VOIPSIGN_INVALID_GROUP_ID    // 2 "INVALID_GROUP_ID"
	CodeInvalidNonce      Code = C.VOIPSIGN_INVALID_NONCE       // 3 "INVALID_NONCE"
	CodeInvalidTimestamp  Code = C.VOIPSIGN_INVALID_TIMESTAMP   // 4 "INVALID_TIMESTAMP"
	CodeInvalidSessionKey Code = C.VOIPSIGN_INVALID_SESSION_KEY // 5 "INVALID_SESSION_KEY"
	CodeInvalidSignature  Code = C.VOIPSIGN_INVALID_SIGNATURE   // 6 "INVALID_SIGNATURE"
	CodeNullArgument      Code = C.VOIPSIGN_NULL_ARGUMENT       // 7 "NULL_ARGUMENT"
	CodeInvalidUTF8       Code = C.VOIPSIGN_INVALID_UTF8        // 8 "INVALID_UTF8"
	CodeBufferTooSmall    Code = C.VOIPSIGN_BUFFER_TOO_SMALL    // 9 "BUFFER_TOO_SMALL"
	CodeRNGFailure        Code = C.VOIPSIGN_RNG_FAILURE         // 10 "RNG_FAILURE"
	CodeInternal          Code = C.VOIPSIGN_INTERNAL            // 11 "INTERNAL"
	CodeInvalidRoomType   Code = C.VOIPSIGN_INVALID_ROOM_TYPE   // 12 "INVALID_ROOM_TYPE"
	CodeRoomFull          Code = C.VOIPSIGN_ROOM_FULL           // 13 "ROOM_FULL"
	CodeDailyRoomLimit    Code = C.VOIPSIGN_DAILY_ROOM_LIMIT    // 14 "DAILY_ROOM_LIMIT"
	CodeNotAdmitted       Code = C.VOIPSIGN_NOT_ADMITTED        // 15 "NOT_ADMITTED"
	CodeInvalidMemberID   Code = C.VOIPSIGN_INVALID_MEMBER_ID   // 16 "INVALID_MEMBER_ID"
	CodeInvalidRules      Code = C.VOIPSIGN_INVALID_RULES       // 17 "INVALID_RULES"
	CodeLedgerUnavailable Code = C.VOIPSIGN_LEDGER_UNAVAILABLE  // 18 "LEDGER_UNAVAILABLE"
	CodeInvalidRedisURL   Code = C.VOIPSIGN_INVALID_REDIS_URL   // 19 "INVALID_REDIS_URL"
	maxKnownCode               = CodeInvalidRedisURL
)

// codeNames caches the library's static names of the known codes.
var codeNames = func() (names [maxKnownCode + 1]string) {
	for c := range names {
		names[c] = staticString(C.voipsign_status_name(C.int32_t(c)))
	}
	return names
}()

// String returns the code's name as docs/CONTRACT.md spells it
// ("INVALID_NONCE"), or "UNKNOWN" for a number the linked library does not define.
func (c Code) String() string {
	if c >= 0 && c <= maxKnownCode {
		return codeNames[c]
	}
	if int64(c) != int64(int32(c)) {
		return "UNKNOWN"
	}
	return staticString(C.voipsign_status_name(C.int32_t(c)))
}

// Error is the error every function of the package returns for invalid input:
// a stable Code and a message that names the field and the reason. The message
// never contains the session_key or any part of it.
//
// Test for a code with errors.Is(err, voipsign.ErrInvalidNonce) (Is compares
// codes only), or get the details with errors.As.
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

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, voipsign.ErrInvalidNonce) matches every INVALID_NONCE error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && e != nil && t != nil && t.Code == e.Code
}

// Sentinel errors, one per code, for errors.Is. Their messages are the
// library's generic descriptions; a returned error carries the specific reason.
var (
	ErrInvalidAppID      = sentinel(CodeInvalidAppID)
	ErrInvalidGroupID    = sentinel(CodeInvalidGroupID)
	ErrInvalidNonce      = sentinel(CodeInvalidNonce)
	ErrInvalidTimestamp  = sentinel(CodeInvalidTimestamp)
	ErrInvalidSessionKey = sentinel(CodeInvalidSessionKey)
	ErrInvalidSignature  = sentinel(CodeInvalidSignature)
	ErrInvalidRoomType   = sentinel(CodeInvalidRoomType)
	ErrNullArgument      = sentinel(CodeNullArgument)
	ErrInvalidUTF8       = sentinel(CodeInvalidUTF8)
	ErrBufferTooSmall    = sentinel(CodeBufferTooSmall)
	ErrRNGFailure        = sentinel(CodeRNGFailure)
	ErrInternal          = sentinel(CodeInternal)

	// The room ledger's codes (see Ledger).
	ErrRoomFull          = sentinel(CodeRoomFull)          // every seat is taken by other members
	ErrDailyRoomLimit    = sentinel(CodeDailyRoomLimit)    // opening the room would exceed today's limit
	ErrNotAdmitted       = sentinel(CodeNotAdmitted)       // the member holds no live seat: admit again
	ErrInvalidMemberID   = sentinel(CodeInvalidMemberID)   // a member id (openid) is not 1–128 printable ASCII bytes
	ErrInvalidRules      = sentinel(CodeInvalidRules)      // Rules or RedisOptions out of range (NewMemoryLedger, NewRedisLedger)
	ErrLedgerUnavailable = sentinel(CodeLedgerUnavailable) // the store cannot be reached (OnUnavailableRefuse)
	ErrInvalidRedisURL   = sentinel(CodeInvalidRedisURL)   // NewRedisLedger's url is malformed (never echoed: it may carry a password)
)

func sentinel(c Code) *Error {
	return &Error{Code: c, Message: staticString(C.voipsign_status_message(C.int32_t(c)))}
}

// newError builds the *Error of a failed call. first is the status of the call
// made without a voipsign_error; second is the status of the repeated call that
// filled e. They agree unless the library is not deterministic, in which case the
// first status wins with the library's generic message.
func newError(first, second uint32, e *C.voipsign_error) error {
	code := Code(first)
	if second == first && e.status == first {
		n := int(e.message_len)
		if n > len(e.message) {
			n = len(e.message)
		}
		return &Error{Code: code, Message: C.GoStringN(&e.message[0], C.int(n))}
	}
	return &Error{Code: code, Message: staticString(C.voipsign_status_message(C.int32_t(first)))}
}
