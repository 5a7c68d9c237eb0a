package voipsign

// Hardening (issue 8): secret hygiene of every error and result, and
// 2 x GOMAXPROCS goroutines x 10^5 signatures against the single-goroutine
// results. The panic boundary is in panic_test.go (build tag voipsign_testpanic).

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// keyWindow is the length of the runs of a session_key that must never show.
const keyWindow = 6

const otherKey = "hd6Ja/yM0kg/JbaZROpZFA=="

// leakOf returns the first run of keyWindow characters of secret (runs with
// whitespace skipped) found in text, or "". A secret shorter than keyWindow is
// looked for whole when it has 4 characters or more.
func leakOf(text, secret string) string {
	w := min(keyWindow, len(secret))
	if w < 4 {
		return ""
	}
	for i := 0; i+w <= len(secret); i++ {
		run := secret[i : i+w]
		if strings.ContainsAny(run, " \t\r\n") {
			continue
		}
		if strings.Contains(text, run) {
			return run
		}
	}
	return ""
}

// secretsOf are the forms of a key that must not show: the key, and for a
// well-formed one its decoded bytes in hex.
func secretsOf(key string) []string {
	out := []string{key}
	if raw, err := base64.StdEncoding.DecodeString(key); err == nil && len(raw) == 16 {
		out = append(out, hex.EncodeToString(raw))
	}
	return out
}

// renderings is every way an error or a result is commonly printed or logged.
func renderings(v any) []string {
	out := []string{fmt.Sprint(v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%q", fmt.Sprint(v))}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b))
	}
	if err, ok := v.(error); ok {
		out = append(out, err.Error())
		var e *Error
		if errors.As(err, &e) {
			out = append(out, e.Message, e.Code.String(), fmt.Sprintf("%#v", *e))
		}
	}
	return out
}

// noKey fails t when any rendering of v shows a run of any of the keys.
func noKey(t *testing.T, what string, v any, keys ...string) {
	t.Helper()
	for _, text := range renderings(v) {
		for _, key := range keys {
			for _, s := range secretsOf(key) {
				if run := leakOf(text, s); run != "" {
					t.Errorf("%s: %q shows %q of a session_key", what, text, run)
					return
				}
			}
		}
	}
}

// wantErr fails t unless err is an *Error of the code name.
func wantErr(t *testing.T, what string, err error, name string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code.String() != name {
		t.Errorf("%s: %v, want %s", what, err, name)
	}
}

func TestLeakDetector(t *testing.T) {
	if leakOf("sessionKey ...a0mFz9... bad", docKey) == "" {
		t.Error("leakOf misses a run of the key")
	}
	if leakOf("sessionKey ends with a newline", docKey+"\n") != "" {
		t.Error("leakOf reports a run that is not there")
	}
	if len(secretsOf(docKey)) != 2 || secretsOf(docKey)[1] != "803c95833c1ad26173f6e50fecce8641" {
		t.Errorf("secretsOf(docKey) = %q", secretsOf(docKey))
	}
}

// Every invalid vector through its own op: no rendering of the error shows any
// of its keys. The sign vectors also go through every function that takes a
// session_key: no rendering of the error shows the vector's key, nor the good
// keys beside it.
func TestSecretsInvalidVectors(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Invalid {
		t.Run(c.Name, func(t *testing.T) {
			res, err := c.call(t)
			op := c.opName()
			wantErr(t, op, err, c.Error)
			noKey(t, op, err, c.keys()...)
			noKey(t, op+" result", res, c.keys()...)
			if c.Op != "" {
				return
			}
			p, key := c.params(), c.SessionKey
			keyErr := c.Error == "INVALID_SESSION_KEY" || c.Error == "INVALID_UTF8"
			_, err = Sign(p, key)
			wantErr(t, "Sign", err, c.Error)
			noKey(t, "Sign", err, key, docKey)
			_, err = Verify(p, key, docSig)
			noKey(t, "Verify", err, key, docKey)
			_, err = SignMany(p, []string{docKey, otherKey, key})
			wantErr(t, "SignMany", err, c.Error)
			noKey(t, "SignMany", err, key, docKey, otherKey)
			d, err := Diagnose(p, key, docSig)
			noKey(t, "Diagnose", err, key)
			noKey(t, "Diagnose result", d, key)
			d, err = Diagnose(docParams, docKey, docSig, otherKey, key)
			noKey(t, "Diagnose(older key)", err, key, docKey, otherKey)
			noKey(t, "Diagnose(older key) result", d, key, docKey, otherKey)
			if keyErr {
				_, err = Issue(docParams.AppID, docParams.GroupID, key, RoomTypeVideo)
				wantErr(t, "Issue", err, c.Error)
				noKey(t, "Issue", err, key)
				_, err = SessionSignature(key, []byte(key))
				wantErr(t, "SessionSignature", err, c.Error)
				noKey(t, "SessionSignature", err, key)
			} else if key != docKey && !strings.HasPrefix(c.Name, "multi-") {
				// A single-field vector: the other fields are refused after the key
				// was accepted. (The generated multi-… vectors may have a bad key
				// behind the reported field.)
				t.Errorf("the vector's key %q is not the good one", key)
			}
		})
	}
}

// Errors raised after the key was accepted, and errors about another argument
// that holds the key.
func TestSecretsErrorsAfterTheKey(t *testing.T) {
	bad := docParams
	bad.NonceStr = "bad nonce"
	ms := docParams
	ms.TimeStamp *= 1000
	cases := []struct {
		name, code string
		call       func() (any, error)
	}{
		{"Sign(bad nonce)", "INVALID_NONCE", func() (any, error) { return Sign(bad, docKey) }},
		{"Sign(milliseconds)", "INVALID_TIMESTAMP", func() (any, error) { return Sign(ms, docKey) }},
		{"Verify(63 digits)", "INVALID_SIGNATURE", func() (any, error) { return Verify(docParams, docKey, docSig[:63]) }},
		{"Verify(the key as signature)", "INVALID_SIGNATURE", func() (any, error) { return Verify(docParams, docKey, docKey) }},
		{"Verify(cloud suffix holding the key)", "INVALID_SIGNATURE",
			func() (any, error) { return Verify(docParams, docKey, docSig+"_"+docKey) }},
		{"Issue(room type)", "INVALID_ROOM_TYPE", func() (any, error) { return Issue(docParams.AppID, docParams.GroupID, docKey, "Video") }},
		{"Issue(bad group)", "INVALID_GROUP_ID", func() (any, error) { return Issue(docParams.AppID, "a\nb", docKey, RoomTypeVoice) }},
		{"SignMany(bad third key)", "INVALID_SESSION_KEY",
			func() (any, error) { return SignMany(docParams, []string{docKey, otherKey, docKey[:23]}) }},
		{"SignMany(bad nonce)", "INVALID_NONCE", func() (any, error) { return SignMany(bad, []string{docKey, otherKey}) }},
		{"Diagnose(bad older key)", "INVALID_SESSION_KEY",
			func() (any, error) { return Diagnose(docParams, docKey, docSig, otherKey, docKey[:23]) }},
		{"Diagnose(bad appId)", "INVALID_APP_ID",
			func() (any, error) {
				return Diagnose(Params{GroupID: "g", NonceStr: "n", TimeStamp: 1}, docKey, docSig, otherKey)
			}},
	}
	for _, c := range cases {
		res, err := c.call()
		wantErr(t, c.name, err, c.code)
		noKey(t, c.name, err, docKey, otherKey)
		noKey(t, c.name+" result", res, docKey, otherKey)
	}
}

// The results that are made with a key: tickets and diagnoses.
func TestSecretsInResults(t *testing.T) {
	ticket, err := Issue(docParams.AppID, docParams.GroupID, docKey, RoomTypeVideo)
	if err != nil {
		t.Fatal(err)
	}
	noKey(t, "Issue", ticket, docKey)
	f := loadDiagnoseVectors(t)
	for _, c := range f.Diagnose {
		d, err := Diagnose(c.params(), c.SessionKey, c.Signature, c.OtherSessionKeys...)
		if err != nil {
			t.Errorf("Diagnose %s: %v", c.Name, err)
			continue
		}
		noKey(t, "Diagnose "+c.Name, d, append([]string{c.SessionKey}, c.OtherSessionKeys...)...)
	}
	// A "rejected signature" that is the key, or holds it, is not quoted back.
	for _, rejected := range []string{docKey, strings.Repeat(docKey, 3), docSig[:56] + "_" + docKey} {
		d, err := Diagnose(docParams, docKey, rejected, otherKey)
		if err != nil {
			t.Errorf("Diagnose(%q): %v", rejected, err)
			continue
		}
		noKey(t, "Diagnose of a key-like signature", d, docKey, otherKey)
	}
}

// 2 x GOMAXPROCS goroutines (at least 4) x 10^5 calls each (10^4 with -short)
// give exactly the single-goroutine results, refusals included (about 0.3 s, and
// 1 s under -race, on 2 cores).
func TestGoroutinesMatchSingleThread(t *testing.T) {
	v := loadVectors(t)
	type input struct {
		p   Params
		key string
	}
	var inputs []input
	for _, c := range v.Cases {
		inputs = append(inputs, input{c.params(), c.SessionKey})
	}
	for _, c := range v.Invalid {
		inputs = append(inputs, input{c.params(), c.SessionKey})
	}
	for i := 0; i < 1000; i++ {
		raw := []byte(fmt.Sprintf("%016d", i*7919))
		inputs = append(inputs, input{
			Params{AppID: fmt.Sprintf("wx%016x", i*104729), GroupID: fmt.Sprintf("房间-%d", i%97),
				NonceStr: fmt.Sprintf("n%07d", i), TimeStamp: 1559129714 + int64(i)},
			base64.StdEncoding.EncodeToString(raw),
		})
	}
	type result struct {
		sig string
		err string
	}
	want := make([]result, len(inputs))
	for i, in := range inputs {
		s, err := Sign(in.p, in.key)
		want[i].sig = s
		if err != nil {
			want[i].err = err.Error()
		}
	}
	goroutines := max(4, 2*runtime.GOMAXPROCS(0))
	calls := 100_000
	if testing.Short() {
		calls = 10_000
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	bad := make([]int, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			<-start
			at, stride := g*len(inputs)/goroutines, 2*g+1
			for i := 0; i < calls; i++ {
				s, err := Sign(inputs[at].p, inputs[at].key)
				got := result{sig: s}
				if err != nil {
					got.err = err.Error()
				}
				if got != want[at] {
					if bad[g] < 3 {
						t.Errorf("goroutine %d call %d input %d: %+v, want %+v", g, i, at, got, want[at])
					}
					bad[g]++
				}
				at = (at + stride) % len(inputs)
			}
		}(g)
	}
	close(start)
	wg.Wait()
	t.Logf("%d goroutines x %d signatures over %d inputs", goroutines, calls, len(inputs))
}
