package voipsign

// The cross-language vectors, tests/vectors/signatures.json: every case byte for
// byte, every invalid case through the operation it names ("op") by code name and
// message prefix, every session signature.

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// vectorsPath is the cross-language vector file, relative to this package.
const vectorsPath = "../../tests/vectors/signatures.json"

// vectorCase is an entry of "cases" (diagnose_test.go embeds it too).
type vectorCase struct {
	Name       string `json:"name"`
	Note       string `json:"note"`
	AppID      string `json:"appId"`
	GroupID    string `json:"groupId"`
	NonceStr   string `json:"nonceStr"`
	TimeStamp  int64  `json:"timeStamp"`
	SessionKey string `json:"sessionKey"`
	Canonical  string `json:"canonical"`
	Signature  string `json:"signature"`
}

func (c vectorCase) params() Params {
	return Params{AppID: c.AppID, GroupID: c.GroupID, NonceStr: c.NonceStr, TimeStamp: c.TimeStamp}
}

// invalidCase is an entry of "invalid": the inputs of the operation Op (none
// means "sign"), the code name it must be refused with and, when set, the start
// of the error message.
type invalidCase struct {
	Name              string   `json:"name"`
	Op                string   `json:"op"`
	AppID             string   `json:"appId"`
	GroupID           string   `json:"groupId"`
	NonceStr          string   `json:"nonceStr"`
	TimeStamp         int64    `json:"timeStamp"`
	SessionKey        string   `json:"sessionKey"`
	Signature         string   `json:"signature"`
	SessionKeys       []string `json:"sessionKeys"`
	RoomType          *string  `json:"roomType"` // absent: RoomTypeVoice, the default
	RejectedSignature string   `json:"rejectedSignature"`
	OtherSessionKeys  []string `json:"otherSessionKeys"`
	Body              string   `json:"body"`
	Error             string   `json:"error"`
	MessagePrefix     string   `json:"messagePrefix"`
}

func (c invalidCase) params() Params {
	return Params{AppID: c.AppID, GroupID: c.GroupID, NonceStr: c.NonceStr, TimeStamp: c.TimeStamp}
}

// opName is the case's op, "sign" when it names none.
func (c invalidCase) opName() string {
	if c.Op == "" {
		return "sign"
	}
	return c.Op
}

// keys is every session_key of the case: none of them may show in an error.
func (c invalidCase) keys() []string {
	keys := append([]string{c.SessionKey}, c.SessionKeys...)
	return append(keys, c.OtherSessionKeys...)
}

// call makes the call c.Op names with the case's fields and returns its result
// and error; an op this binding does not know fails the test.
func (c invalidCase) call(t *testing.T) (result any, err error) {
	t.Helper()
	p := c.params()
	switch c.Op {
	case "", "sign":
		result, err = Sign(p, c.SessionKey)
	case "canonical":
		result, err = Canonical(p)
	case "verify":
		result, err = Verify(p, c.SessionKey, c.Signature)
	case "sign_many":
		result, err = SignMany(p, c.SessionKeys)
	case "issue":
		result, err = Issue(c.AppID, c.GroupID, c.SessionKey, roomTypeOf(c.RoomType))
	case "diagnose":
		result, err = Diagnose(p, c.SessionKey, c.RejectedSignature, c.OtherSessionKeys...)
	case "session_signature":
		result, err = SessionSignature(c.SessionKey, []byte(c.Body))
	default:
		t.Fatalf("unknown op %q", c.Op)
	}
	return result, err
}

// roomTypeOf is a vector's roomType: RoomTypeVoice when the vector gives none (the
// default of the languages with optional arguments), else the value as given.
func roomTypeOf(v *string) RoomType {
	if v == nil {
		return RoomTypeVoice
	}
	return RoomType(*v)
}

type sessionVector struct {
	Name       string `json:"name"`
	SessionKey string `json:"sessionKey"`
	Body       string `json:"body"`
	Signature  string `json:"signature"`
}

type vectorFile struct {
	About             string          `json:"about"`
	Cases             []vectorCase    `json:"cases"`
	Invalid           []invalidCase   `json:"invalid"`
	SessionSignatures []sessionVector `json:"session_signatures"`
}

var (
	vectorsOnce sync.Once
	vectors     vectorFile
	vectorsErr  error
)

// loadVectors reads signatures.json once. A field this file does not know fails
// the load: a new input of the vectors must be passed to the call, not ignored.
func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	vectorsOnce.Do(func() {
		data, err := os.ReadFile(vectorsPath)
		if err != nil {
			vectorsErr = err
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		vectorsErr = dec.Decode(&vectors)
	})
	if vectorsErr != nil {
		t.Fatalf("loading %s: %v", vectorsPath, vectorsErr)
	}
	if len(vectors.Cases) == 0 || len(vectors.Invalid) == 0 || len(vectors.SessionSignatures) == 0 {
		t.Fatalf("%s: a section is empty", vectorsPath)
	}
	return vectors
}

func TestVectorCases(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			p := c.params()
			can, err := Canonical(p)
			if err != nil || can != c.Canonical {
				t.Errorf("Canonical = %q, %v; want %q", can, err, c.Canonical)
			}
			sig, err := Sign(p, c.SessionKey)
			if err != nil || sig != c.Signature {
				t.Errorf("Sign = %q, %v; want %q", sig, err, c.Signature)
			}
			ok, err := Verify(p, c.SessionKey, c.Signature)
			if err != nil || !ok {
				t.Errorf("Verify(right signature) = %v, %v", ok, err)
			}
			wrong := []byte(c.Signature)
			if wrong[10] == '0' { // still a hex digit, another one
				wrong[10] = '1'
			} else {
				wrong[10] = '0'
			}
			ok, err = Verify(p, c.SessionKey, string(wrong))
			if err != nil || ok {
				t.Errorf("Verify(wrong signature) = %v, %v", ok, err)
			}
			ok, err = Verify(p, c.SessionKey, strings.ToUpper(c.Signature))
			if err != nil || ok {
				t.Errorf("Verify(upper-case signature) = %v, %v; want false, nil", ok, err)
			}
			many, err := SignMany(p, []string{c.SessionKey})
			if err != nil || len(many) != 1 || many[0] != c.Signature {
				t.Errorf("SignMany = %q, %v; want [%q]", many, err, c.Signature)
			}
		})
	}
}

// Every invalid case, through its op: the code (errors.Is with the sentinel, the
// Code's name), the message prefix where the case gives one, a zero result, and
// no part of any session_key in the error.
func TestVectorInvalid(t *testing.T) {
	v := loadVectors(t)
	// Every op of the vector format has cases (an unknown op fails its case below).
	ops := map[string]int{}
	for _, c := range v.Invalid {
		ops[c.Op]++
	}
	for _, op := range []string{"", "canonical", "verify", "sign_many", "issue", "diagnose", "session_signature"} {
		if ops[op] == 0 {
			t.Errorf("no invalid vector for op %q", op)
		}
	}
	for _, c := range v.Invalid {
		t.Run(c.Name, func(t *testing.T) {
			result, err := c.call(t)
			what := c.opName()
			checkCode(t, what, err, c.Error, c.SessionKey)
			for _, key := range c.keys()[1:] {
				checkNoKey(t, what, err, key)
			}
			var e *Error
			if errors.As(err, &e) && !strings.HasPrefix(e.Message, c.MessagePrefix) {
				t.Errorf("%s: message %q does not start with %q", what, e.Message, c.MessagePrefix)
			}
			if result != nil && !reflect.ValueOf(result).IsZero() {
				t.Errorf("%s returned %#v with the error", what, result)
			}
			if c.Op == "" {
				checkSignCaseElsewhere(t, c)
			}
		})
	}
}

// checkSignCaseElsewhere passes the inputs of a sign case to the other functions
// that take them, where the contract's order gives the same first bad input: the
// verdict must not depend on the function.
func checkSignCaseElsewhere(t *testing.T, c invalidCase) {
	t.Helper()
	p := c.params()
	ok, err := Verify(p, c.SessionKey, docSig) // a good signature, checked last
	if ok {
		t.Error("Verify returned true with the error")
	}
	checkCode(t, "Verify", err, c.Error, c.SessionKey)

	sigs, err := SignMany(p, []string{docKey, c.SessionKey})
	if sigs != nil {
		t.Errorf("SignMany returned %q with the error", sigs)
	}
	checkCode(t, "SignMany", err, c.Error, c.SessionKey)
	if c.Error == "INVALID_SESSION_KEY" {
		var e *Error
		if errors.As(err, &e) && !strings.HasPrefix(e.Message, "sessionKeys[1]: ") {
			t.Errorf("SignMany: message %q does not name sessionKeys[1]", e.Message)
		}
		_, err = SessionSignature(c.SessionKey, nil)
		checkCode(t, "SessionSignature", err, c.Error, c.SessionKey)
		_, err = Issue(docParams.AppID, docParams.GroupID, c.SessionKey, RoomTypeVoice)
		checkCode(t, "Issue", err, c.Error, c.SessionKey)
		return
	}
	_, err = Canonical(p)
	checkCode(t, "Canonical", err, c.Error, c.SessionKey)
	_, err = SignMany(p, nil)
	checkCode(t, "SignMany(no keys)", err, c.Error, c.SessionKey)
	if c.TimeStamp == docParams.TimeStamp && c.NonceStr == docParams.NonceStr {
		_, err = Issue(c.AppID, c.GroupID, c.SessionKey, RoomTypeVideo)
		checkCode(t, "Issue", err, c.Error, c.SessionKey)
	}
}

func TestVectorSessionSignatures(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.SessionSignatures {
		t.Run(c.Name, func(t *testing.T) {
			got, err := SessionSignature(c.SessionKey, []byte(c.Body))
			if err != nil || got != c.Signature {
				t.Errorf("SessionSignature = %q, %v; want %q", got, err, c.Signature)
			}
			if c.Body == "" {
				got, err = SessionSignature(c.SessionKey, []byte{})
				if err != nil || got != c.Signature {
					t.Errorf("SessionSignature(empty non-nil body) = %q, %v", got, err)
				}
			}
		})
	}
}
