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
	RoomType   *string         `json:"roomType"` // absent: Voice
	OpenIDs    []string        `json:"openIds"`
	Day        *int64          `json:"day"` // null: the day of nowMs
	NowMs      *int64          `json:"nowMs"`
	Expect     json.RawMessage `json:"expect"`
	Error      string          `json:"error"`
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

// rulesOf translates a scenario's camelCase rules into Rules: a 0 in the file is
// ExplicitZero (a zero field of Rules is the default), an onUnavailable other
// than "allow"/"refuse" is a value out of range. An unknown key fails the test.
func rulesOf(t *testing.T, raw map[string]json.RawMessage) Rules {
	t.Helper()
	var r Rules
	num := func(key string) int {
		var n int
		if err := json.Unmarshal(raw[key], &n); err != nil {
			t.Fatalf("rules.%s: %v", key, err)
		}
		if n == 0 {
			return ExplicitZero
		}
		return n
	}
	ms := func(key string) time.Duration {
		n := num(key)
		if n == ExplicitZero {
			return ExplicitZero
		}
		return time.Duration(n) * time.Millisecond
	}
	for key := range raw {
		switch key {
		case "capacity":
			r.Capacity = num(key)
		case "dailyRoomLimit":
			r.DailyRoomLimit = num(key)
		case "dailyRoomWarning":
			r.DailyRoomWarning = num(key)
		case "reserveTtlMs":
			r.ReserveTTL = ms(key)
		case "leaseTtlMs":
			r.LeaseTTL = ms(key)
		case "syncGraceMs":
			r.SyncGrace = ms(key)
		case "dayOffsetMinutes":
			r.DayOffsetMinutes = num(key)
		case "onUnavailable":
			var s string
			if err := json.Unmarshal(raw[key], &s); err != nil {
				t.Fatalf("rules.onUnavailable: %v", err)
			}
			switch s {
			case "allow":
				r.OnUnavailable = OnUnavailableAllow
			case "refuse":
				r.OnUnavailable = OnUnavailableRefuse
			default:
				r.OnUnavailable = OnUnavailable(2) // no such setting
			}
		default:
			t.Fatalf("rules: unknown key %q", key)
		}
	}
	return r
}

// The file's defaults are the library's: given explicitly they translate to
// what Rules{} does, except the two settings whose default is derived (90 % of
// the limit; ReserveTTL), which Rules{} leaves to the library (VOIPSIGN_UNSET).
func TestRoomVectorDefaultsAreTheZeroRules(t *testing.T) {
	v := loadRoomVectors(t)
	explicit := rulesOf(t, v.Defaults)
	zero := (Rules{}).toC()
	if zero.daily_room_warning != unset || zero.sync_grace_ms != unset {
		t.Errorf("Rules{}: warning %d, grace %d, want VOIPSIGN_UNSET", zero.daily_room_warning, zero.sync_grace_ms)
	}
	if explicit.DailyRoomWarning != 90000 || explicit.SyncGrace != time.Minute {
		t.Errorf("the file's defaults: %+v", explicit)
	}
	explicit.DailyRoomWarning, explicit.SyncGrace = 0, 0
	if got := explicit.toC(); got != zero {
		t.Errorf("the file's defaults translate to %+v, Rules{} to %+v", got, zero)
	}
}

var nonceShape = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

func TestRoomVectors(t *testing.T) {
	runRoomVectors(t, func(_ string, r Rules) (*Ledger, error) { return NewMemoryLedger(r) })
}

// runRoomVectors runs every scenario on a fresh ledger newLedger makes from the
// scenario's name and rules (the memory store here, the Redis store in
// redis_test.go).
func runRoomVectors(t *testing.T, newLedger func(name string, r Rules) (*Ledger, error)) {
	v := loadRoomVectors(t)
	steps := 0
	for _, sc := range v.Scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			l, err := newLedger(sc.Name, rulesOf(t, sc.Rules))
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
			}
		})
	}
	t.Logf("%d scenarios, %d steps", len(v.Scenarios), steps)
}

// runRoomStep runs one step and compares its result (as the file's camelCase
// object) or its error.
func runRoomStep(t *testing.T, l *Ledger, what string, st roomStep) {
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
		a, err = l.AdmitAt(st.AppID, st.GroupID, st.MemberID, now)
		got = admissionJSON(a)
	case "admit_and_issue":
		var a Admission
		var ticket JoinTicket
		a, ticket, err = l.AdmitAndIssueAt(st.AppID, st.GroupID, st.MemberID, st.SessionKey, roomTypeOf(st.RoomType), now)
		if err == nil {
			checkTicket(t, what, st, ticket)
		}
		got = map[string]any{"admission": admissionJSON(a), "ticket": map[string]any{
			"groupId": ticket.GroupID, "timeStamp": ticket.TimeStamp, "roomType": ticket.RoomType}}
	case "heartbeat":
		var exp time.Time
		exp, err = l.HeartbeatAt(st.AppID, st.GroupID, st.MemberID, now)
		got = map[string]any{"leaseExpiresAt": exp.UnixMilli()}
	case "leave":
		var removed bool
		removed, err = l.LeaveAt(st.AppID, st.GroupID, st.MemberID, now)
		got = map[string]any{"removed": removed}
	case "sync":
		var r Room
		r, err = l.SyncAt(st.AppID, st.GroupID, st.OpenIDs, now)
		got = roomJSON(r)
	case "room":
		var r Room
		r, err = l.RoomAt(st.AppID, st.GroupID, now)
		got = roomJSON(r)
	case "usage":
		var u Usage
		if st.Day == nil {
			u, err = l.UsageAt(st.AppID, now)
		} else {
			u, err = l.UsageOfDayAt(st.AppID, *st.Day, now)
		}
		got = map[string]any{"day": u.Day, "rooms": u.Rooms, "dailyRoomLimit": u.DailyRoomLimit}
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

func admissionJSON(a Admission) map[string]any {
	return map[string]any{
		"opened": a.Opened, "renewed": a.Renewed, "members": a.Members, "generation": a.Generation,
		"roomsToday": a.RoomsToday, "dailyRoomLimit": a.DailyRoomLimit, "quotaWarning": a.QuotaWarning,
		"leaseExpiresAt": a.LeaseExpiresAt.UnixMilli(), "degraded": a.Degraded,
	}
}

func roomJSON(r Room) map[string]any {
	members := []any{}
	for _, s := range r.Members {
		members = append(members, map[string]any{"memberId": s.MemberID, "since": s.Since.UnixMilli(), "expires": s.Expires.UnixMilli()})
	}
	return map[string]any{"members": members, "generation": r.Generation, "live": r.Live}
}

// compareJSON compares want (the file's object) with got field by field, after
// a round trip of got through JSON; every field of either side must be in both.
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
