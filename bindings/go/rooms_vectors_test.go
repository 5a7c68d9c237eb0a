package voipsign

// Every scenario and step of tests/vectors/rooms.json (format: the file's own
// "about" and docs/ROOMS.md): a fresh ledger per scenario with the scenario's
// rules, each step's result compared field by field, or its error code.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"testing"
	"time"
)

type roomScenario struct {
	Name  string                     `json:"name"`
	Rules map[string]json.RawMessage `json:"rules"`
	Error string                     `json:"error"`
	Steps []roomStep                 `json:"steps"`
}

type roomStep struct {
	Op         string          `json:"op"`
	AppID      string          `json:"appId"`
	GroupID    string          `json:"groupId"`
	MemberID   string          `json:"memberId"`
	SessionKey string          `json:"sessionKey"`
	RoomType   *string         `json:"roomType"` // absent: RoomTypeVoice
	OpenIDs    []string        `json:"openIds"`
	Day        *int64          `json:"day"`   // null: the day of nowMs
	Limit      *int            `json:"limit"` // rooms; absent: 100
	After      *string         `json:"after"` // rooms; absent: from the first
	NowMs      *int64          `json:"nowMs"`
	Expect     json.RawMessage `json:"expect"`
	Error      string          `json:"error"`
	Usage      json.RawMessage `json:"usage"` // absent: no check; else usage(appId) after the step
}

type roomVectors struct {
	Defaults  map[string]json.RawMessage `json:"defaults"`
	Scenarios []roomScenario             `json:"scenarios"`
}

func loadRoomVectors(t *testing.T) roomVectors {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "tests", "vectors", "rooms.json"))
	if err != nil {
		t.Fatalf("tests/vectors/rooms.json: %v", err)
	}
	var v roomVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("rooms.json: %v", err)
	}
	if len(v.Scenarios) == 0 {
		t.Fatal("rooms.json has no scenarios")
	}
	return v
}

// optionsOf translates a scenario's camelCase rules into With… options, each
// value as the file gives it (a 0 is a real 0; an onUnavailable other than
// "allow"/"refuse" goes to the library, which refuses it). An unknown key fails
// the test.
func optionsOf(t *testing.T, raw map[string]json.RawMessage) []Option {
	t.Helper()
	var opts []Option
	num := func(key string) int {
		var n int
		if err := json.Unmarshal(raw[key], &n); err != nil {
			t.Fatalf("rules.%s: %v", key, err)
		}
		return n
	}
	ms := func(key string) time.Duration { return time.Duration(num(key)) * time.Millisecond }
	for key := range raw {
		switch key {
		case "capacity":
			opts = append(opts, WithCapacity(num(key)))
		case "dailyRoomLimit":
			opts = append(opts, WithDailyRoomLimit(num(key)))
		case "dailyRoomWarning":
			opts = append(opts, WithDailyRoomWarning(num(key)))
		case "memberDailyOpenings":
			opts = append(opts, WithMemberDailyOpenings(num(key)))
		case "reserveTtlMs":
			opts = append(opts, WithReserveTTL(ms(key)))
		case "leaseTtlMs":
			opts = append(opts, WithLeaseTTL(ms(key)))
		case "syncGraceMs":
			opts = append(opts, WithSyncGrace(ms(key)))
		case "dayOffsetMinutes":
			opts = append(opts, WithDayOffsetMinutes(num(key)))
		case "onUnavailable":
			var s string
			if err := json.Unmarshal(raw[key], &s); err != nil {
				t.Fatalf("rules.onUnavailable: %v", err)
			}
			opts = append(opts, WithOnUnavailable(OnUnavailable(s)))
		default:
			t.Fatalf("rules: unknown key %q", key)
		}
	}
	return opts
}

// The file's defaults are the library's: given explicitly, a ledger behaves as
// one with no options (the day, the limit, the warning, the lease).
func TestRoomVectorDefaultsAreTheLibrarys(t *testing.T) {
	v := loadRoomVectors(t)
	at := time.UnixMilli(1717214400000)
	var got []any
	for _, opts := range [][]Option{optionsOf(t, v.Defaults), nil} {
		l, err := NewMemoryLedger(opts...)
		if err != nil {
			t.Fatal(err)
		}
		a, err := l.AdmitAt(bg, ledgerApp, "room", "alice", at)
		u, err2 := l.UsageAt(bg, ledgerApp, at)
		l.Close()
		if err != nil || err2 != nil {
			t.Fatal(err, err2)
		}
		got = append(got, [2]any{a, u})
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("the file's defaults: %+v; no options: %+v", got[0], got[1])
	}
}

var nonceShape = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

func TestRoomVectors(t *testing.T) {
	runRoomVectors(t, func(_ string, opts []Option) (*Ledger, error) { return NewMemoryLedger(opts...) })
}

// runRoomVectors runs every scenario on a fresh ledger newLedger makes from the
// scenario's name and rules (the memory store here, the Redis store in
// redis_test.go).
func runRoomVectors(t *testing.T, newLedger func(name string, opts []Option) (*Ledger, error)) {
	v := loadRoomVectors(t)
	steps, usageChecks := 0, 0
	for _, sc := range v.Scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			l, err := newLedger(sc.Name, optionsOf(t, sc.Rules))
			if sc.Error != "" {
				checkCode(t, "new ledger", err, sc.Error, "")
				if len(sc.Steps) != 0 {
					t.Errorf("a scenario whose rules fail has %d steps", len(sc.Steps))
				}
				return
			}
			if err != nil {
				t.Fatalf("new ledger: %v", err)
			}
			defer l.Close()
			for i, st := range sc.Steps {
				runRoomStep(t, l, fmt.Sprintf("step %d (%s)", i, st.Op), st)
				steps++
				if len(st.Usage) != 0 {
					usageChecks++
				}
			}
		})
	}
	t.Logf("%d scenarios, %d steps, %d usage checks after a step", len(v.Scenarios), steps, usageChecks)
}

// runRoomStep runs one step and compares its result (as the file's camelCase
// object) or its error, then, when the step has "usage", the appId's counters
// after it (usage of the step's day at its nowMs, the whole record).
func runRoomStep(t *testing.T, l *Ledger, what string, st roomStep) {
	t.Helper()
	runRoomOp(t, l, what, st)
	if len(st.Usage) != 0 {
		u, err := l.UsageAt(bg, st.AppID, time.UnixMilli(*st.NowMs))
		if err != nil {
			t.Errorf("%s: usage after it: %v", what, err)
			return
		}
		compareJSON(t, what+" usage after it", st.Usage, u)
	}
}

// runRoomOp runs the step's operation and compares its result or its error.
func runRoomOp(t *testing.T, l *Ledger, what string, st roomStep) {
	t.Helper()
	if st.NowMs == nil {
		t.Fatalf("%s: no nowMs", what)
	}
	now := time.UnixMilli(*st.NowMs)
	var got any
	var err error
	switch st.Op {
	case "admit":
		var a Admission
		a, err = l.AdmitAt(bg, st.AppID, st.GroupID, st.MemberID, now)
		got = a
	case "admit_and_issue":
		var a Admission
		var ticket JoinTicket
		a, ticket, err = l.AdmitAndIssueAt(bg, st.AppID, st.GroupID, st.MemberID, st.SessionKey, roomTypeOf(st.RoomType), now)
		if err == nil {
			checkTicket(t, what, st, ticket)
		}
		got = map[string]any{"admission": a, "ticket": map[string]any{
			"groupId": ticket.GroupID, "timeStamp": ticket.TimeStamp, "roomType": ticket.RoomType}}
	case "heartbeat":
		var exp UnixMilli
		exp, err = l.HeartbeatAt(bg, st.AppID, st.GroupID, st.MemberID, now)
		got = map[string]any{"leaseExpiresAt": exp}
	case "leave":
		var removed bool
		removed, err = l.LeaveAt(bg, st.AppID, st.GroupID, st.MemberID, now)
		got = map[string]any{"removed": removed}
	case "sync":
		var r Room
		r, err = l.SyncAt(bg, st.AppID, st.GroupID, st.OpenIDs, now)
		got = r
	case "room":
		var r Room
		r, err = l.RoomAt(bg, st.AppID, st.GroupID, now)
		got = r
	case "usage":
		var u Usage
		if st.Day == nil {
			u, err = l.UsageAt(bg, st.AppID, now)
		} else {
			u, err = l.UsageOfDayAt(bg, st.AppID, *st.Day, now)
		}
		got = u
	case "rooms":
		limit := 100 // the default of the languages with optional arguments
		if st.Limit != nil {
			limit = *st.Limit
		}
		var p RoomPage
		p, err = l.RoomsAt(bg, st.AppID, limit, st.After, now)
		got = p
	default:
		t.Fatalf("%s: unknown op %q", what, st.Op)
	}
	if st.Error != "" {
		checkCode(t, what, err, st.Error, st.SessionKey)
		return
	}
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	compareJSON(t, what, st.Expect, got)
}

// compareJSON compares want (the file's object) with got field by field, after
// a round trip of got through JSON (the records' generated tags); every field of either side must be in both.
func compareJSON(t *testing.T, what string, want json.RawMessage, got any) {
	t.Helper()
	var w, g map[string]any
	if err := json.Unmarshal(want, &w); err != nil || w == nil {
		t.Fatalf("%s: expect: %v", what, err)
	}
	data, _ := json.Marshal(got)
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for k := range w {
		keys[k] = true
	}
	for k := range g {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !reflect.DeepEqual(w[k], g[k]) {
			t.Errorf("%s: %s = %v, want %v", what, k, g[k], w[k])
		}
	}
}

// checkTicket: the nonceStr's shape, and the signature is Sign's over the
// ticket's values under the step's key (Verify agrees).
func checkTicket(t *testing.T, what string, st roomStep, ticket JoinTicket) {
	t.Helper()
	if !nonceShape.MatchString(ticket.NonceStr) {
		t.Errorf("%s: nonceStr %q is not 32 [A-Za-z0-9]", what, ticket.NonceStr)
	}
	p := Params{AppID: st.AppID, GroupID: ticket.GroupID, NonceStr: ticket.NonceStr, TimeStamp: ticket.TimeStamp}
	sig, err := Sign(p, st.SessionKey)
	if err != nil || sig != ticket.Signature {
		t.Errorf("%s: signature %q, Sign gives %q (%v)", what, ticket.Signature, sig, err)
	}
	if ok, err := Verify(p, st.SessionKey, ticket.Signature); !ok || err != nil {
		t.Errorf("%s: Verify(ticket) = %v, %v", what, ok, err)
	}
	noKey(t, what+" ticket", ticket, st.SessionKey)
}
