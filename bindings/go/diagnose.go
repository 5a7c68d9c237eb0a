package voipsign

/*
#include "voipsign.h"
*/
import "C"

import "runtime"

// Verdict is the outcome of Diagnose.
type Verdict string

// The verdicts of Diagnose.
const (
	// VerdictCorrect: the signature is the right one for these values; look at
	// the session_key (a later wx.login replaces it) or the appId instead.
	VerdictCorrect Verdict = "CORRECT"
	// VerdictMistakeFound: a known mistake, or a combination, reproduces it.
	VerdictMistakeFound Verdict = "MISTAKE_FOUND"
	// VerdictUnknown: nothing known reproduces it.
	VerdictUnknown Verdict = "UNKNOWN"
)

// Mistake is a known way to get the signature wrong, named as in every
// voipsign language, e.g. "NOT_SORTED".
type Mistake string

// The mistakes Diagnose recognises, in the order it lists them.
const (
	MistakeNotSorted             Mistake = "NOT_SORTED"             // values not in code-unit order (PHP's numeric sort included)
	MistakeCommaJoined           Mistake = "COMMA_JOINED"           // joined with "," (String(array))
	MistakeKeyBase64Decoded      Mistake = "KEY_BASE64_DECODED"     // HMAC keyed with the decoded bytes, not the string
	MistakeKeyMessageSwapped     Mistake = "KEY_MESSAGE_SWAPPED"    // key and message swapped in the HMAC call
	MistakeKeyWhitespace         Mistake = "KEY_WHITESPACE"         // key with a trailing "\n", "\r\n" or space
	MistakeTimestampMilliseconds Mistake = "TIMESTAMP_MILLISECONDS" // signed with the timestamp in milliseconds
	MistakeUppercaseHex          Mistake = "UPPERCASE_HEX"          // hex digits in upper case
	MistakeBase64Digest          Mistake = "BASE64_DIGEST"          // digest in base64 instead of hex
	MistakePlainSHA256           Mistake = "PLAIN_SHA256"           // SHA-256 with the key prepended or appended, not HMAC
	MistakeStaleSessionKey       Mistake = "STALE_SESSION_KEY"      // signed with an older session_key
)

// Diagnosis is what Diagnose found. It never contains a session_key.
type Diagnosis struct {
	Verdict Verdict `json:"verdict"`
	// Mistakes lists every mistake involved; empty unless VerdictMistakeFound.
	Mistakes []Mistake `json:"mistakes"`
	// Message says what happened and the exact fix, in words a person can act on.
	Message string `json:"message"`
	// Expected is the right signature (with the timestamp in seconds).
	Expected string `json:"expected"`
	// Canonical is the right canonical string.
	Canonical string `json:"canonical"`
}

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

// Cause is what a wx.joinVoIPChat failure comes down to, e.g.
// "INVALID_SIGNATURE".
type Cause string

// The causes Explain recognises.
const (
	CauseAlreadyInRoom    Cause = "ALREADY_IN_ROOM"   // -1
	CauseDeviceBusy       Cause = "DEVICE_BUSY"       // -2: microphone busy (a WeChat or phone call)
	CauseJoinInterrupted  Cause = "JOIN_INTERRUPTED"  // -3: left while joining
	CauseSystemError      Cause = "SYSTEM_ERROR"      // -1000 with nothing more specific
	CauseInvalidSignature Cause = "INVALID_SIGNATURE" // -12020 or "invalid signature" in errMsg
	CauseDailyRoomLimit   Cause = "DAILY_ROOM_LIMIT"  // -13000: the app's daily room quota is used up
	CauseUnknown          Cause = "UNKNOWN"
)

// Explanation is what Explain says about a wx.joinVoIPChat failure.
type Explanation struct {
	Cause   Cause  `json:"cause"`
	Meaning string `json:"meaning"` // what happened
	Action  string `json:"action"`  // what to do
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
