package voipsign

/*
#include <string.h>
#include "voipsign.h"

// voipsign_verify with the boolean folded into the return value, so that Go need
// not pass (and heap-allocate) an out_valid pointer: bit 0 is the verdict, the
// other bits the status. Pure argument plumbing; the verdict comes from the library.
static int32_t govs_verify(const char *app_id, size_t app_id_len,
                           const char *group_id, size_t group_id_len,
                           const char *nonce_str, size_t nonce_str_len,
                           int64_t timestamp,
                           const char *session_key, size_t session_key_len,
                           const char *signature, size_t signature_len) {
	bool valid = false;
	voipsign_status st = voipsign_verify(app_id, app_id_len, group_id, group_id_len,
	                                     nonce_str, nonce_str_len, timestamp,
	                                     session_key, session_key_len,
	                                     signature, signature_len, &valid, NULL);
	return ((int32_t)st << 1) | (st == VOIPSIGN_OK && valid ? 1 : 0);
}
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"unsafe"
)

// sigLen is the length of a signature in hex digits (VOIPSIGN_SIGNATURE_LEN).
const sigLen = C.VOIPSIGN_SIGNATURE_LEN

// Params are the four values wx.joinVoIPChat signs. TimeStamp is in seconds.
// The JSON tags match the names a front end uses, so a request body can be
// decoded straight into Params.
type Params struct {
	AppID     string `json:"appId"`
	GroupID   string `json:"groupId"`
	NonceStr  string `json:"nonceStr"`
	TimeStamp int64  `json:"timeStamp"`
}

// Voice and Video are the names RoomTypeVoice and RoomTypeVideo had before the
// enums were generated from core's description.
//
// Deprecated: use RoomTypeVoice and RoomTypeVideo.
const (
	Voice = RoomTypeVoice
	Video = RoomTypeVideo
)

// cstr passes a Go string to C as (pointer, length) without copying; the empty
// string is (NULL, 0). This is allowed by the cgo pointer rules because the
// bytes contain no Go pointers and the library keeps no pointer after the call.
func cstr(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// emptyText backs the pointer given for an explicitly empty string (see cgiven).
var emptyText [1]byte

// cgiven is cstr for an argument the caller always gives, such as a roomType: the
// empty string is a non-NULL pointer with length 0, which the library reads as
// the value "" (refused or accepted on its merits), not as "absent" (NULL, 0).
func cgiven(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return (*C.char)(unsafe.Pointer(&emptyText[0])), 0
	}
	return cstr(s)
}

// cbytes is cstr for a byte slice.
func cbytes(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

// Sign computes the signature of p for wx.joinVoIPChat: 64 lowercase hex digits
// of HMAC-SHA256 over the canonical string, keyed by the session_key string as
// code2Session returned it. Invalid input yields an *Error.
func Sign(p Params, sessionKey string) (string, error) {
	a, al := cstr(p.AppID)
	g, gl := cstr(p.GroupID)
	n, nl := cstr(p.NonceStr)
	k, kl := cstr(sessionKey)
	out := make([]byte, sigLen)
	o := (*C.char)(unsafe.Pointer(&out[0]))
	// The hot path passes err == NULL so that no voipsign_error is allocated; the
	// call is repeated with one only when it failed, to fetch the message.
	st := C.voipsign_sign(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp), k, kl, o, sigLen, nil)
	if st != C.VOIPSIGN_OK {
		var e C.voipsign_error
		st2 := C.voipsign_sign(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp), k, kl, o, sigLen, &e)
		return "", newError(st, st2, &e)
	}
	return unsafe.String(&out[0], sigLen), nil
}

// Verify reports whether signature is the signature of p under sessionKey,
// compared in constant time. A wrong signature is (false, nil); a malformed one
// (not 64 hex digits, or a cloud-issued "<hex>_<tag>") is an input error.
func Verify(p Params, sessionKey, signature string) (bool, error) {
	a, al := cstr(p.AppID)
	g, gl := cstr(p.GroupID)
	n, nl := cstr(p.NonceStr)
	k, kl := cstr(sessionKey)
	s, sl := cstr(signature)
	r := C.govs_verify(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp), k, kl, s, sl)
	if st := uint32(r >> 1); st != C.VOIPSIGN_OK {
		var e C.voipsign_error
		var valid C.bool
		st2 := C.voipsign_verify(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp), k, kl, s, sl, &valid, &e)
		return false, newError(st, st2, &e)
	}
	return r&1 == 1, nil
}

// Canonical returns the canonical string of p: the four values sorted in
// code-unit order and joined without a separator. It contains no secret and is
// meant for logs and debugging.
func Canonical(p Params) (string, error) {
	a, al := cstr(p.AppID)
	g, gl := cstr(p.GroupID)
	n, nl := cstr(p.NonceStr)
	// The canonical string is at most 1225 bytes; start with a buffer of the
	// inputs' size (a hint only) and let the library say if it needs more.
	size := min(len(p.AppID)+len(p.GroupID)+len(p.NonceStr)+24, 1232)
	for {
		buf := make([]byte, size)
		var outLen C.size_t
		st := C.voipsign_canonical(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp),
			(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &outLen, nil)
		switch {
		case st == C.VOIPSIGN_OK:
			if outLen == 0 {
				return "", nil
			}
			return unsafe.String(&buf[0], int(outLen)), nil
		case st == C.VOIPSIGN_BUFFER_TOO_SMALL && int(outLen)+1 > size:
			size = int(outLen) + 1
		default:
			var e C.voipsign_error
			st2 := C.voipsign_canonical(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp),
				(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &outLen, &e)
			return "", newError(st, st2, &e)
		}
	}
}

// Issue creates a join ticket for groupId: a fresh 32-character nonceStr from
// the operating system's CSPRNG, the current time in seconds and the signature.
// roomType is RoomTypeVoice (the usual choice) or RoomTypeVideo; anything else, "" included, is
// an input error. Send json.Marshal(ticket) to the mini program and pass it to
// wx.joinVoIPChat.
func Issue(appID, groupID, sessionKey string, roomType RoomType) (JoinTicket, error) {
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	k, kl := cstr(sessionKey)
	r, rl := cgiven(string(roomType))
	// "4096 bytes always suffice" (voipsign.h); textCall retries if not.
	out, err := textCall(4096, func(o *C.char, cap C.size_t, outLen *C.size_t, e *C.voipsign_error) uint32 {
		return C.voipsign_issue(a, al, g, gl, k, kl, r, rl, o, cap, outLen, e)
	})
	if err != nil {
		return JoinTicket{}, err
	}
	var t JoinTicket
	if err := decodeJSON(out, &t, "voipsign_issue"); err != nil {
		return JoinTicket{}, err
	}
	return t, nil
}

// textCall runs a voipsign function that writes NUL-terminated text and its
// length, with a buffer of size bytes, growing it once if the library reports
// BUFFER_TOO_SMALL. The error details are requested on the first call: these
// functions are not on a hot path, and Issue is not deterministic.
func textCall(size int, call func(out *C.char, cap C.size_t, outLen *C.size_t, e *C.voipsign_error) uint32) ([]byte, error) {
	var e C.voipsign_error
	for {
		buf := make([]byte, size)
		var outLen C.size_t
		st := call((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &outLen, &e)
		if st == C.VOIPSIGN_BUFFER_TOO_SMALL && int(outLen)+1 > size {
			size = int(outLen) + 1
			continue
		}
		if st != C.VOIPSIGN_OK {
			return nil, newError(st, st, &e)
		}
		return buf[:outLen], nil
	}
}

// decodeJSON unmarshals the JSON object a voipsign function wrote.
func decodeJSON(data []byte, v any, fn string) error {
	if err := json.Unmarshal(data, v); err != nil {
		return &Error{Code: CodeInternal, Message: fn + " returned JSON Go cannot decode: " + err.Error()}
	}
	return nil
}

// zeroOut is a non-NULL output buffer for SignMany with no keys (nothing is
// written to it).
var zeroOut [1]byte

// SignMany signs one room for many members at once (a matchmaker seating a full
// room): the canonical string is built once, then one HMAC per session_key.
// Signature i belongs to sessionKeys[i]. A bad key's error message gives its
// index, never the key.
func SignMany(p Params, sessionKeys []string) ([]string, error) {
	a, al := cstr(p.AppID)
	g, gl := cstr(p.GroupID)
	n, nl := cstr(p.NonceStr)
	count := len(sessionKeys)
	if count == 0 {
		// Still call the library: the room's parameters are validated.
		o := (*C.char)(unsafe.Pointer(&zeroOut[0]))
		st := C.voipsign_sign_many(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp), nil, nil, 0, o, 0, nil)
		if st != C.VOIPSIGN_OK {
			var e C.voipsign_error
			st2 := C.voipsign_sign_many(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp), nil, nil, 0, o, 0, &e)
			return nil, newError(st, st2, &e)
		}
		return []string{}, nil
	}

	var pin runtime.Pinner
	defer pin.Unpin()
	ptrs, lens := keyArrays(sessionKeys, &pin)
	out := make([]byte, sigLen*count)
	o := (*C.char)(unsafe.Pointer(&out[0]))
	st := C.voipsign_sign_many(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp),
		&ptrs[0], &lens[0], C.size_t(count), o, C.size_t(len(out)), nil)
	if st != C.VOIPSIGN_OK {
		var e C.voipsign_error
		st2 := C.voipsign_sign_many(a, al, g, gl, n, nl, C.int64_t(p.TimeStamp),
			&ptrs[0], &lens[0], C.size_t(count), o, C.size_t(len(out)), &e)
		runtime.KeepAlive(sessionKeys)
		return nil, newError(st, st2, &e)
	}
	runtime.KeepAlive(sessionKeys)
	all := unsafe.String(&out[0], len(out))
	sigs := make([]string, count)
	for i := range sigs {
		sigs[i] = all[i*sigLen : (i+1)*sigLen]
	}
	return sigs, nil
}

// keyArrays turns keys into the (pointers, lengths) arrays the C ABI takes, or
// (nil, nil) for no keys. The pointer array lives in Go memory and holds Go
// pointers, which the cgo rules allow only for pinned objects: the caller keeps
// pin until the C call has returned, then unpins.
func keyArrays(keys []string, pin *runtime.Pinner) ([]*C.char, []C.size_t) {
	if len(keys) == 0 {
		return nil, nil
	}
	ptrs := make([]*C.char, len(keys))
	lens := make([]C.size_t, len(keys))
	for i, key := range keys {
		ptrs[i], lens[i] = cstr(key)
		if ptrs[i] != nil {
			pin.Pin(ptrs[i])
		}
	}
	return ptrs, lens
}

// SessionSignature is WeChat's "user login state signature": the hex
// HMAC-SHA256 of body keyed by the session_key string. With an empty body it is
// the signature GET /wxa/checksession takes to ask whether a stored
// session_key is still the current one.
func SessionSignature(sessionKey string, body []byte) (string, error) {
	k, kl := cstr(sessionKey)
	b, bl := cbytes(body)
	out := make([]byte, sigLen)
	o := (*C.char)(unsafe.Pointer(&out[0]))
	st := C.voipsign_session_signature(k, kl, b, bl, o, sigLen, nil)
	if st != C.VOIPSIGN_OK {
		var e C.voipsign_error
		st2 := C.voipsign_session_signature(k, kl, b, bl, o, sigLen, &e)
		return "", newError(st, st2, &e)
	}
	return unsafe.String(&out[0], sigLen), nil
}

// Version returns the version of the linked libvoipsign, e.g. "0.1.0".
func Version() string {
	return staticString(C.voipsign_version())
}

// signatureLen calls the cheapest function of the C ABI: the benchmarks use it
// to measure the fixed cost of a cgo call.
func signatureLen() int {
	return int(C.voipsign_signature_len())
}

// staticString views a static NUL-terminated C string (never freed) as a Go
// string without copying.
func staticString(p *C.char) string {
	if p == nil {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(p)), int(C.strlen(p)))
}
