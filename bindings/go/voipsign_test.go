package voipsign

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// sentinels maps every code name of a binding (docs/CONTRACT.md) to its
// exported sentinel.
var sentinels = map[string]*Error{
	"INVALID_APP_ID":      ErrInvalidAppID,
	"INVALID_GROUP_ID":    ErrInvalidGroupID,
	"INVALID_NONCE":       ErrInvalidNonce,
	"INVALID_TIMESTAMP":   ErrInvalidTimestamp,
	"INVALID_SESSION_KEY": ErrInvalidSessionKey,
	"INVALID_SIGNATURE":   ErrInvalidSignature,
	"INVALID_ROOM_TYPE":   ErrInvalidRoomType,
	"INVALID_UTF8":        ErrInvalidUTF8,
	"RNG_FAILURE":         ErrRNGFailure,
	"INTERNAL":            ErrInternalError,
	"ROOM_FULL":           ErrRoomFull,
	"DAILY_ROOM_LIMIT":    ErrDailyRoomLimit,
	"NOT_ADMITTED":        ErrNotAdmitted,
	"INVALID_MEMBER_ID":   ErrInvalidMemberID,
	"INVALID_RULES":       ErrInvalidRules,
	"LEDGER_UNAVAILABLE":  ErrLedgerUnavailable,
	"INVALID_REDIS_URL":   ErrInvalidRedisURL,
	"LEDGER_CLOSED":       ErrLedgerClosed,
	"MEMBER_DAILY_LIMIT":  ErrMemberDailyLimit,
	"INVALID_LIMIT":       ErrInvalidLimit,
}

// kinds is the kind of every code (docs/CONTRACT.md, "Error kinds").
var kinds = map[string]error{
	"INVALID_APP_ID": ErrInput, "INVALID_GROUP_ID": ErrInput, "INVALID_NONCE": ErrInput,
	"INVALID_TIMESTAMP": ErrInput, "INVALID_SESSION_KEY": ErrInput, "INVALID_SIGNATURE": ErrInput,
	"INVALID_ROOM_TYPE": ErrInput, "INVALID_UTF8": ErrInput, "INVALID_MEMBER_ID": ErrInput,
	"INVALID_RULES": ErrInput, "INVALID_REDIS_URL": ErrInput, "LEDGER_CLOSED": ErrInput, "INVALID_LIMIT": ErrInput,
	"ROOM_FULL": ErrRefusal, "DAILY_ROOM_LIMIT": ErrRefusal, "NOT_ADMITTED": ErrRefusal, "MEMBER_DAILY_LIMIT": ErrRefusal,
	"LEDGER_UNAVAILABLE": ErrOutage,
	"RNG_FAILURE":        ErrInternal, "INTERNAL": ErrInternal,
}

var bg = context.Background()

const (
	docKey = "gDyVgzwa0mFz9uUP7M6GQQ=="
	docSig = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"
)

var docParams = Params{AppID: "wx20afc706a711eefc", GroupID: "1559129713_672975982", NonceStr: "8AP6DT9ybtniUJfb", TimeStamp: 1559129714}

// checkCode asserts that err is an *Error named name, found by errors.Is with the
// sentinel and by errors.As, and that it does not leak key.
func checkCode(t *testing.T, what string, err error, name, key string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %s", what, name)
		return
	}
	sentinel, ok := sentinels[name]
	if !ok {
		t.Fatalf("%s: the vectors name an unknown code %q", what, name)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("%s: errors.Is(%v, Err for %s) is false", what, err, name)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: %T is not *voipsign.Error", what, err)
		return
	}
	if e.Code.String() != name {
		t.Errorf("%s: code %s, want %s", what, e.Code, name)
	}
	if e.Message == "" {
		t.Errorf("%s: empty message", what)
	}
	if want := "voipsign: " + name + ": "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("%s: %q does not start with %q", what, err.Error(), want)
	}
	for other, s := range sentinels {
		if other != name && errors.Is(err, s) {
			t.Errorf("%s: errors.Is(err, %s) is true too", what, other)
		}
	}
	for _, k := range []error{ErrInput, ErrRefusal, ErrOutage, ErrInternal} {
		if errors.Is(err, k) != (k == kinds[name]) {
			t.Errorf("%s: errors.Is(%v, %v) is %v", what, err, k, !(k == kinds[name]))
		}
	}
	checkNoKey(t, what, err, key)
}

// checkNoKey asserts that no part (8 characters or more) of key is in the error.
func checkNoKey(t *testing.T, what string, err error, key string) {
	t.Helper()
	if err == nil || len(key) < 8 {
		return
	}
	msg := err.Error()
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(msg, key[i:i+8]) {
			t.Errorf("%s: the error %q contains part of the session key", what, msg)
			return
		}
	}
}

func TestErrorFormat(t *testing.T) {
	p := docParams
	p.NonceStr = strings.Repeat("n", 128)
	_, err := Sign(p, docKey)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidNonce {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "voipsign: INVALID_NONCE: nonceStr") {
		t.Errorf("Error() = %q", err.Error())
	}
	if !strings.Contains(e.Message, "128") {
		t.Errorf("the message does not give the length: %q", e.Message)
	}
	if !errors.Is(err, ErrInvalidNonce) || errors.Is(err, ErrInvalidAppID) {
		t.Error("errors.Is compares codes")
	}
	if errors.Is(err, errors.New(err.Error())) {
		t.Error("errors.Is matched a non-*Error")
	}
	if got := (&Error{Code: CodeInternal}).Error(); got != "voipsign: INTERNAL" {
		t.Errorf("Error() without message = %q", got)
	}
	if !strings.HasPrefix(ErrInvalidNonce.Error(), "voipsign: INVALID_NONCE: ") {
		t.Errorf("sentinel Error() = %q", ErrInvalidNonce.Error())
	}
}

// The generated codes agree with the linked library: numbers, names, kinds.
func TestCodeNames(t *testing.T) {
	if len(sentinels) != len(kinds) {
		t.Fatalf("%d sentinels, %d kinds", len(sentinels), len(kinds))
	}
	for name, s := range sentinels {
		c := s.Code
		if c.String() != name || libraryName(c) != name {
			t.Errorf("Code(%d): %q, the library's %q, want %q", int(c), c.String(), libraryName(c), name)
		}
		if c.Kind() != libraryKind(c) || !errors.Is(s, kinds[name]) {
			t.Errorf("%s: kind %v, the library's %v", name, c.Kind(), libraryKind(c))
		}
		if !errors.Is(s, s) || s.Message == "" {
			t.Errorf("sentinel %s: %v", name, s)
		}
	}
	if errors.Is(ErrLedgerClosed, ErrInvalidRules) || errors.Is(ErrRoomFull, ErrInput) || !errors.Is(ErrRoomFull, ErrRefusal) {
		t.Error("the kind split")
	}
	if !errors.Is(ErrMemberDailyLimit, ErrRefusal) || errors.Is(ErrMemberDailyLimit, ErrInput) ||
		!errors.Is(ErrInvalidLimit, ErrInput) || errors.Is(ErrInvalidLimit, ErrRefusal) {
		t.Error("the kind split of MEMBER_DAILY_LIMIT and INVALID_LIMIT")
	}
	if !errors.Is(ErrInvalidAppID, ErrInput) || errors.Is(ErrInvalidAppID, ErrRefusal) || !errors.Is(ErrLedgerUnavailable, ErrOutage) {
		t.Error("the kind split")
	}
	// Numbers this package does not know: the library's name and kind; the C
	// ABI's own codes are a bug of the binding, INTERNAL.
	for _, c := range []Code{-1, 0, 99, 1000, 1 << 40} {
		if got := c.String(); got != "UNKNOWN" && c != 0 {
			t.Errorf("Code(%d).String() = %q", int(c), got)
		}
		if c != 0 && (c.Kind() != KindInternal || !errors.Is(&Error{Code: c}, ErrInternal)) {
			t.Errorf("Code(%d).Kind() = %v", int(c), c.Kind())
		}
	}
	if libraryKind(7) != KindInput || codeOf(7) != CodeInternal || codeOf(9) != CodeInternal || codeOf(13) != CodeRoomFull {
		t.Error("codeOf / libraryKind of the C ABI's own codes")
	}
	for k, want := range map[Kind]string{KindInput: "input", KindRefusal: "refusal", KindOutage: "outage", KindInternal: "internal"} {
		if k.String() != want || !strings.Contains(k.Error(), want) {
			t.Errorf("Kind %d: %q, %q", int(k), k.String(), k.Error())
		}
	}
}

func TestEmptyAndInvalidUTF8(t *testing.T) {
	// Empty strings go to C as (NULL, 0): a field error, never NULL_ARGUMENT.
	_, err := Sign(Params{}, docKey)
	checkCode(t, "Sign(zero Params)", err, "INVALID_APP_ID", docKey)
	_, err = Sign(docParams, "")
	checkCode(t, "Sign(empty key)", err, "INVALID_SESSION_KEY", "")
	_, err = Verify(docParams, docKey, "")
	checkCode(t, "Verify(empty signature)", err, "INVALID_SIGNATURE", "")

	p := docParams
	p.GroupID = "room\xff42"
	_, err = Sign(p, docKey)
	checkCode(t, "Sign(invalid UTF-8 groupId)", err, "INVALID_UTF8", "")

	badKey := "gDyVgzwa0mFz9uUP7M6G\xffQ="
	_, err = Sign(docParams, badKey)
	checkCode(t, "Sign(invalid UTF-8 key)", err, "INVALID_UTF8", badKey)
	_, err = SessionSignature(badKey, []byte("x"))
	checkCode(t, "SessionSignature(invalid UTF-8 key)", err, "INVALID_UTF8", badKey)

	// The body is bytes, not text.
	if _, err := SessionSignature(docKey, []byte{0xff, 0x00, 0xfe}); err != nil {
		t.Errorf("SessionSignature(binary body): %v", err)
	}
}

func TestVerifyCloudSignature(t *testing.T) {
	_, err := Verify(docParams, docKey, docSig+"_cloud")
	checkCode(t, "Verify(cloud signature)", err, "INVALID_SIGNATURE", docKey)
}

var ticketJSON = regexp.MustCompile(`^\{"groupId":"[^"]*","nonceStr":"[A-Za-z0-9]{32}","timeStamp":[0-9]{10},"signature":"[0-9a-f]{64}","roomType":"(voice|video)"\}$`)

func TestIssueRoundTrip(t *testing.T) {
	for _, rt := range []RoomType{RoomTypeVoice, RoomTypeVideo} {
		before := time.Now().Unix()
		ticket, err := Issue(docParams.AppID, "房间-42", docKey, rt)
		after := time.Now().Unix()
		if err != nil {
			t.Fatalf("Issue(%q): %v", rt, err)
		}
		if ticket.RoomType != rt || ticket.GroupID != "房间-42" {
			t.Errorf("ticket = %+v", ticket)
		}
		if ticket.TimeStamp < before || ticket.TimeStamp > after {
			t.Errorf("timeStamp %d not in [%d, %d]", ticket.TimeStamp, before, after)
		}
		p := Params{AppID: docParams.AppID, GroupID: ticket.GroupID, NonceStr: ticket.NonceStr, TimeStamp: ticket.TimeStamp}
		ok, err := Verify(p, docKey, ticket.Signature)
		if err != nil || !ok {
			t.Errorf("Verify(ticket) = %v, %v", ok, err)
		}
		data, err := json.Marshal(ticket)
		if err != nil || !ticketJSON.Match(data) {
			t.Errorf("json.Marshal(ticket) = %s, %v", data, err)
		}
	}

	a, _ := Issue(docParams.AppID, docParams.GroupID, docKey, RoomTypeVoice)
	b, _ := Issue(docParams.AppID, docParams.GroupID, docKey, RoomTypeVoice)
	if a.NonceStr == b.NonceStr {
		t.Error("two tickets share a nonceStr")
	}

	_, err := Issue(docParams.AppID, docParams.GroupID, docKey, "audio")
	checkCode(t, `Issue("audio")`, err, "INVALID_ROOM_TYPE", docKey)
	_, err = Issue(docParams.AppID, docParams.GroupID, docKey, "Voice")
	checkCode(t, `Issue("Voice")`, err, "INVALID_ROOM_TYPE", docKey)
	// The zero RoomType is the value "", refused as in every language (it goes
	// to C as a non-NULL empty string, never as the absent (NULL, 0)).
	_, err = Issue(docParams.AppID, docParams.GroupID, docKey, "")
	checkCode(t, `Issue("")`, err, "INVALID_ROOM_TYPE", docKey)
	_, err = Issue(docParams.AppID, strings.Repeat("g", 1025), docKey, RoomTypeVoice)
	checkCode(t, "Issue(long groupId)", err, "INVALID_GROUP_ID", docKey)
}

func TestIssueLongGroupID(t *testing.T) {
	// The largest groupId of characters JSON may escape still fits and round-trips.
	group := strings.Repeat("\"\\<>&\u2028", 1024/8)
	ticket, err := Issue(docParams.AppID, group, docKey, RoomTypeVideo)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if ticket.GroupID != group {
		t.Errorf("groupId did not round-trip")
	}
	p := Params{AppID: docParams.AppID, GroupID: group, NonceStr: ticket.NonceStr, TimeStamp: ticket.TimeStamp}
	if ok, err := Verify(p, docKey, ticket.Signature); err != nil || !ok {
		t.Errorf("Verify = %v, %v", ok, err)
	}
}

func TestSignManyEqualsSign(t *testing.T) {
	v := loadVectors(t)
	keys := []string{docKey}
	for _, c := range v.Cases {
		keys = append(keys, c.SessionKey)
	}
	keys = append(keys, "hd6Ja/yM0kg/JbaZROpZFA==", "KFwBJQ9lvU1gFhk1q40qlg==", "PgHhLiZqgwGKhZhDhP7g7A==")
	for _, c := range v.Cases {
		p := c.params()
		for _, n := range []int{1, 2, 10, len(keys)} {
			got, err := SignMany(p, keys[:n])
			if err != nil || len(got) != n {
				t.Fatalf("%s: SignMany(%d keys) = %d, %v", c.Name, n, len(got), err)
			}
			for i, key := range keys[:n] {
				want, _ := Sign(p, key)
				if got[i] != want {
					t.Errorf("%s: SignMany[%d] = %q, Sign = %q", c.Name, i, got[i], want)
				}
			}
		}
	}

	got, err := SignMany(docParams, nil)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("SignMany(no keys) = %#v, %v; want []string{}, nil", got, err)
	}

	bad := []string{docKey, docKey, docKey, "gDyVgzwa0mFz9uUP7M6GQQ==\n", docKey}
	_, err = SignMany(docParams, bad)
	checkCode(t, "SignMany(bad key 3)", err, "INVALID_SESSION_KEY", bad[3])
	if err != nil && !strings.Contains(err.Error(), "sessionKeys[3]") {
		t.Errorf("the error does not give the key's index: %v", err)
	}
	_, err = SignMany(docParams, []string{docKey, ""})
	checkCode(t, "SignMany(empty key 1)", err, "INVALID_SESSION_KEY", "")
}

func TestSessionKeyNeverInError(t *testing.T) {
	keys := []string{
		"gDyVgzwa0mFz9uUP7M6GQQ==\n",
		" gDyVgzwa0mFz9uUP7M6GQQ==",
		"gDyVgzwa0mFz9uUP7M6GQQ=",
		"gDyVgzwa0mFz9uUP7M6GQQ===",
		"gDyVgzwa0mFz9uUP7M6G$Q==",
		"gDyVgzwa0mFz9uUP7M6GQYDsV4M8GtJhT1ZoQbAtKGk=",
		"gDyVgzwa0mFz9uUP7M6GQQ",
		"gDyVgzwa-mFz9uUP7M6GQQ==",
		"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
		"房间房间房间房间房间房间房间房间",
		"gDyVgzwa0mFz9uUP7M6GQQ==gDyVgzwa0mFz9uUP7M6GQQ==",
		strings.Repeat("secretsecret", 100),
	}
	for _, key := range keys {
		_, err := Sign(docParams, key)
		checkCode(t, "Sign", err, "INVALID_SESSION_KEY", key)
		_, err = Verify(docParams, key, docSig)
		checkCode(t, "Verify", err, "INVALID_SESSION_KEY", key)
		_, err = SignMany(docParams, []string{docKey, key})
		checkCode(t, "SignMany", err, "INVALID_SESSION_KEY", key)
		_, err = SessionSignature(key, []byte(key))
		checkCode(t, "SessionSignature", err, "INVALID_SESSION_KEY", key)
		_, err = Issue(docParams.AppID, docParams.GroupID, key, RoomTypeVoice)
		checkCode(t, "Issue", err, "INVALID_SESSION_KEY", key)
		// Another field is wrong too: its error must not quote the key either.
		p := docParams
		p.TimeStamp = 0
		_, err = Sign(p, key)
		checkNoKey(t, "Sign(bad timestamp)", err, key)
	}
}

func TestConcurrentCallsMatchSequential(t *testing.T) {
	v := loadVectors(t)
	type input struct {
		p   Params
		key string
	}
	var inputs []input
	for _, c := range v.Cases {
		inputs = append(inputs, input{c.params(), c.SessionKey}, input{c.params(), "hd6Ja/yM0kg/JbaZROpZFA=="})
	}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		s, err := Sign(in.p, in.key)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = s
	}
	goroutines, calls := 64, 10000
	if testing.Short() {
		calls = 500
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	failures := 0
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				k := (g*7919 + i) % len(inputs)
				got, err := Sign(inputs[k].p, inputs[k].key)
				if err != nil || got != want[k] {
					mu.Lock()
					failures++
					if failures <= 5 {
						t.Errorf("goroutine %d call %d: %q, %v; want %q", g, i, got, err, want[k])
					}
					mu.Unlock()
				}
			}
		}(g)
	}
	wg.Wait()
	if failures > 0 {
		t.Errorf("%d of %d concurrent calls differ", failures, goroutines*calls)
	}
}

func TestAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	cases := []struct {
		name string
		max  float64
		f    func()
	}{
		{"Sign", 1, func() { _, _ = Sign(docParams, docKey) }},
		{"Verify", 0, func() { _, _ = Verify(docParams, docKey, docSig) }},
		{"SessionSignature", 1, func() { _, _ = SessionSignature(docKey, nil) }},
		{"Canonical", 2, func() { _, _ = Canonical(docParams) }},
	}
	for _, c := range cases {
		if got := testing.AllocsPerRun(200, c.f); got > c.max {
			t.Errorf("%s: %v allocs per call, want ≤ %v", c.name, got, c.max)
		}
	}
}

func TestVersion(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+`).MatchString(Version()) {
		t.Errorf("Version() = %q", Version())
	}
	if signatureLen() != sigLen {
		t.Errorf("voipsign_signature_len() = %d", signatureLen())
	}
}
