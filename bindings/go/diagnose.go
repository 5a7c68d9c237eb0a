package voipsign

/*
#include "voipsign.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
)

// Diagnose finds which known mistake reproduces a signature WeChat rejected
// (values unsorted or sorted as numbers, comma-joined, key base64-decoded, key
// and message swapped, key with trailing whitespace, timestamp in milliseconds,
// upper-case hex, base64 digest, plain SHA-256, or combinations). A 13-digit
// timestamp and a malformed rejectedSignature are findings, not errors.
// otherSessionKeys are older session_keys of the same user, tried for
// MistakeStaleSessionKey.
func Diagnose(p Params, sessionKey, rejectedSignature string, otherSessionKeys ...string) (Diagnosis, error) {
	a, al := cstr(p.AppID)
	g, gl := cstr(p.GroupID)
	n, nl := cstr(p.NonceStr)
	k, kl := cstr(sessionKey)
	r, rl := cstr(rejectedSignature)
	var pin runtime.Pinner
	defer pin.Unpin()
	ptrs, lens := keyArrays(otherSessionKeys, &pin)
	var pp **C.char
	var lp *C.size_t
	if len(ptrs) > 0 {
		pp, lp = &ptrs[0], &lens[0]
	}
	count := C.size_t(len(otherSessionKeys))
	// "8192 bytes always suffice" (voipsign.h).
	out, err := textCall(8192, func(o *C.char, cap C.size_t, outLen *C.size_t, e *C.voipsign_error) uint32 {
		return C.voipsign_diagnose(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp), k, kl, r, rl,
			pp, lp, count, o, cap, outLen, e)
	})
	runtime.KeepAlive(otherSessionKeys)
	if err != nil {
		return Diagnosis{}, err
	}
	var d Diagnosis
	if err := decodeJSON(out, &d, "voipsign_diagnose"); err != nil {
		return Diagnosis{}, err
	}
	if d.Mistakes == nil {
		d.Mistakes = []Mistake{}
	}
	return d, nil
}

// Explain says what a wx.joinVoIPChat failure (its errCode and errMsg, as the
// mini program received them) means and what to do. Codes nested in errMsg
// count too (e.g. -12020 inside a -10088).
func Explain(errCode int64, errMsg string) (Explanation, error) {
	m, ml := cstr(errMsg)
	// "4096 bytes always suffice" (voipsign.h).
	out, err := textCall(4096, func(o *C.char, cap C.size_t, outLen *C.size_t, e *C.voipsign_error) uint32 {
		return C.voipsign_explain(C.int64_t(errCode), m, ml, o, cap, outLen, e)
	})
	if err != nil {
		return Explanation{}, err
	}
	var x Explanation
	if err := decodeJSON(out, &x, "voipsign_explain"); err != nil {
		return Explanation{}, err
	}
	return x, nil
}

// ExplainWith is Explain refined by what the backend knows about the caller
// (ctx: the room of the failed join, whether a later login replaced the
// session_key or its own ticket still verifies, the caller's seat here or in
// another room, the room's seats, today's openings; nil fields are not known).
// It names the causes only that context tells apart: CauseSessionKeyReplaced,
// CauseSeatedElsewhere, a CauseRoomFull the ledger did not count (a ghost), a
// CauseDailyRoomLimit reached outside the ledger. A field the library refuses
// (a negative count, a groupId it would not accept) is ErrInvalidContext.
//
//	x, err := voipsign.ExplainWith(-1, "", voipsign.ExplainContext{
//		GroupID: voipsign.Ptr("room-2"), SeatedElsewhere: voipsign.Ptr("room-1"),
//	}) // x.Cause == voipsign.CauseSeatedElsewhere
func ExplainWith(errCode int64, errMsg string, ctx ExplainContext) (Explanation, error) {
	text, err := json.Marshal(ctx)
	if err != nil {
		return Explanation{}, err
	}
	m, ml := cstr(errMsg)
	cs := string(text)
	c, cl := cstr(cs)
	out, err := textCall(4096, func(o *C.char, cap C.size_t, outLen *C.size_t, e *C.voipsign_error) uint32 {
		return C.voipsign_explain_with(C.int64_t(errCode), m, ml, c, cl, C.VOIPSIGN_SPELLING_CAMEL, o, cap, outLen, e)
	})
	runtime.KeepAlive(cs)
	if err != nil {
		return Explanation{}, err
	}
	var x Explanation
	if err := decodeJSON(out, &x, "voipsign_explain_with"); err != nil {
		return Explanation{}, err
	}
	return x, nil
}

// Ptr returns a pointer to v: the optional fields of ExplainContext, e.g.
// voipsign.Ptr(true).
func Ptr[T any](v T) *T { return &v }
