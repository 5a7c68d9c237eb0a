package voipsign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const ledgerApp = "wx20afc706a711eefc"

func newLedger(t *testing.T, opts ...Option) *Ledger {
	t.Helper()
	l, err := NewMemoryLedger(opts...)
	if err != nil {
		t.Fatalf("NewMemoryLedger: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Goroutines, each with its own member, admit, heartbeat, leave and read a few
// small rooms at once. Each goroutine knows whether its member is seated (no
// one else removes its seat; leases outlast the test), so every answer is
// checked against that; no room ever holds more than its capacity; and the day
// counters are the sum of what the goroutines were told (openings, seats,
// renewals, each refusal, leaves; the live seats at the end). Members open more
// rooms than memberDailyOpenings (10) allows: past it, their openings are
// refused with ErrMemberDailyLimit, never their joins.
func TestLedgerConcurrentRooms(t *testing.T) {
	const capacity, rooms, workers, ops = 3, 3, 8, 3000
	l := newLedger(t, WithCapacity(capacity), WithMemberDailyOpenings(10))
	var wg sync.WaitGroup
	told := make([]Usage, workers+1) // what goroutine w was told, as counters
	// Goroutines may run one after the other (each alone never meets a full
	// room): one ROOM_FULL first, for sure, counted in told[workers].
	first := &told[workers]
	for i := 0; i <= capacity; i++ {
		_, err := l.Admit(bg, ledgerApp, "room-0", fmt.Sprintf("filler-%d", i))
		switch {
		case i == capacity && errors.Is(err, ErrRoomFull):
			first.RefusedRoomFull++
		case i < capacity && err == nil:
			first.Admissions++
		default:
			t.Fatalf("filler %d: %v", i, err)
		}
	}
	first.Openings = 1
	for i := 0; i < capacity; i++ {
		if removed, err := l.Leave(bg, ledgerApp, "room-0", fmt.Sprintf("filler-%d", i)); err != nil || !removed {
			t.Fatalf("filler %d Leave = %v, %v", i, removed, err)
		}
		first.Leaves++
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := &told[w]
			member := fmt.Sprintf("member-%d", w)
			seated := make([]bool, rooms)
			defer func() {
				for _, s := range seated {
					if s {
						c.PeakSeats++ // its live seats at the end
					}
				}
			}()
			rnd := uint32(w*7919 + 1)
			for i := 0; i < ops; i++ {
				rnd = rnd*1664525 + 1013904223
				r := int(rnd>>8) % rooms
				group := fmt.Sprintf("room-%d", r)
				switch (rnd >> 16) % 5 {
				case 0, 1:
					a, err := l.Admit(bg, ledgerApp, group, member)
					switch {
					case errors.Is(err, ErrRoomFull) && !seated[r]:
						c.RefusedRoomFull++
					case errors.Is(err, ErrMemberDailyLimit) && !seated[r]:
						c.RefusedMemberLimit++
					case err != nil:
						t.Errorf("%s Admit(%s): %v (seated %v)", member, group, err, seated[r])
						return
					case a.Renewed != seated[r] || a.Members > capacity || a.Members < 1 || a.Opened && a.Members != 1:
						t.Errorf("%s Admit(%s) = %+v (seated %v)", member, group, a, seated[r])
						return
					default:
						if a.Opened {
							c.Openings++
						}
						if a.Renewed {
							c.Renewals++
						} else {
							c.Admissions++
						}
						seated[r] = true
					}
				case 2:
					_, err := l.Heartbeat(bg, ledgerApp, group, member)
					if seated[r] && err != nil || !seated[r] && !errors.Is(err, ErrNotAdmitted) {
						t.Errorf("%s Heartbeat(%s): %v (seated %v)", member, group, err, seated[r])
						return
					}
					if err != nil {
						c.HeartbeatsRefused++
					}
				case 3:
					removed, err := l.Leave(bg, ledgerApp, group, member)
					if err != nil || removed != seated[r] {
						t.Errorf("%s Leave(%s) = %v, %v (seated %v)", member, group, removed, err, seated[r])
						return
					}
					if removed {
						c.Leaves++
					}
					seated[r] = false
				case 4:
					room, err := l.Room(bg, ledgerApp, group)
					if err != nil || len(room.Members) > capacity || room.Live != (len(room.Members) > 0) {
						t.Errorf("Room(%s) = %+v, %v", group, room, err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	var sum Usage
	for _, c := range told {
		sum.Openings += c.Openings
		sum.Admissions += c.Admissions
		sum.Renewals += c.Renewals
		sum.RefusedRoomFull += c.RefusedRoomFull
		sum.RefusedMemberLimit += c.RefusedMemberLimit
		sum.HeartbeatsRefused += c.HeartbeatsRefused
		sum.Leaves += c.Leaves
		sum.PeakSeats += c.PeakSeats // the live seats at the end
	}
	u, err := l.Usage(bg, ledgerApp)
	if err != nil || u.LiveSeats == nil || u.LiveRooms == nil {
		t.Fatalf("Usage = %+v, %v", u, err)
	}
	got := Usage{Openings: u.Openings, Admissions: u.Admissions, Renewals: u.Renewals, RefusedRoomFull: u.RefusedRoomFull,
		RefusedMemberLimit: u.RefusedMemberLimit, HeartbeatsRefused: u.HeartbeatsRefused, Leaves: u.Leaves, PeakSeats: *u.LiveSeats}
	if got != sum || sum.Openings == 0 || sum.RefusedRoomFull == 0 {
		t.Errorf("Usage = %+v\nthe goroutines were told %+v (PeakSeats: the live seats)", got, sum)
	}
	t.Logf("%d openings, %d refused by the member limit, %d as full", u.Openings, u.RefusedMemberLimit, u.RefusedRoomFull)
	if u.PeakSeats < *u.LiveSeats || u.PeakSeats > capacity*rooms || u.Expired != 0 || u.AdoptedBySync != 0 {
		t.Errorf("Usage = %+v", u)
	}
	if live := u.Admissions - u.Leaves; live != *u.LiveSeats || *u.LiveRooms > rooms {
		t.Errorf("admissions - leaves = %d, live seats %d (%d rooms)", live, *u.LiveSeats, *u.LiveRooms)
	}
}

// Close while goroutines are calling: each call either completes or returns
// ErrLedgerClosed, never touches a freed ledger (run under -race too).
func TestLedgerCloseWhileInUse(t *testing.T) {
	// No member limit: each round reopens the room for the same member, as many
	// rounds as fit before Close (past the default 100 openings a day).
	l, err := NewMemoryLedger(WithMemberDailyOpenings(0))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	started := make(chan struct{}, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			member := fmt.Sprintf("m%d", w)
			for i := 0; ; i++ {
				_, err := l.Admit(bg, ledgerApp, "room", member)
				if i == 10 {
					started <- struct{}{}
				}
				if err == nil {
					_, err = l.Sync(bg, ledgerApp, "room", []string{member})
				}
				if err == nil {
					_, err = l.Leave(bg, ledgerApp, "room", member)
				}
				if err != nil {
					if err != ErrLedgerClosed {
						t.Errorf("after %d rounds: %v", i, err)
					}
					return
				}
			}
		}(w)
	}
	for w := 0; w < 4; w++ {
		<-started
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}

// A closed ledger refuses every method with ErrLedgerClosed (its own code,
// LEDGER_CLOSED, an input error); Close twice is fine.
func TestLedgerClosedWhileIdle(t *testing.T) {
	l, err := NewMemoryLedger()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Admit(bg, ledgerApp, "room", "alice"); err != nil {
		t.Fatal(err)
	}
	if l.Close() != nil || l.Close() != nil {
		t.Fatal("Close returned an error")
	}
	now := time.Now()
	_, err1 := l.Admit(bg, ledgerApp, "room", "alice")
	_, _, err2 := l.AdmitAndIssueAt(bg, ledgerApp, "room", "alice", docKey, RoomTypeVoice, now)
	_, err3 := l.Heartbeat(bg, ledgerApp, "room", "alice")
	_, err4 := l.LeaveAt(bg, ledgerApp, "room", "alice", now)
	_, err5 := l.Sync(bg, ledgerApp, "room", nil)
	_, err6 := l.RoomAt(bg, ledgerApp, "room", now)
	_, err7 := l.UsageOfDay(bg, ledgerApp, 1)
	_, err8 := l.Rooms(bg, ledgerApp, 100, nil)
	for i, err := range []error{err1, err2, err3, err4, err5, err6, err7, err8} {
		if err != ErrLedgerClosed || !errors.Is(err, ErrInput) || errors.Is(err, ErrRefusal) {
			t.Errorf("call %d after Close: %v", i+1, err)
		}
		checkCode(t, fmt.Sprintf("call %d after Close", i+1), err, "LEDGER_CLOSED", "")
	}
	var e *Error
	if !errors.As(ErrLedgerClosed, &e) || e.Code.String() != "LEDGER_CLOSED" || e.Code.Kind() != KindInput {
		t.Errorf("ErrLedgerClosed = %#v", ErrLedgerClosed)
	}
	// A done context is refused before the library is called, on a closed
	// ledger too.
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if _, err := l.Admit(ctx, ledgerApp, "room", "alice"); err != context.Canceled {
		t.Errorf("Admit(cancelled ctx) = %v", err)
	}
}

// A context that is done is ctx.Err() and nothing happens; a live one changes
// nothing.
func TestLedgerContext(t *testing.T) {
	l := newLedger(t)
	ctx, cancel := context.WithTimeout(bg, time.Hour)
	if _, err := l.Admit(ctx, ledgerApp, "ctx", "alice"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := l.Admit(ctx, ledgerApp, "ctx", "bob"); !errors.Is(err, context.Canceled) {
		t.Errorf("Admit(cancelled) = %v", err)
	}
	past, cancel2 := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancel2()
	if _, err := l.Sync(past, ledgerApp, "ctx", []string{"carol"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Sync(past deadline) = %v", err)
	}
	if r, err := l.Room(bg, ledgerApp, "ctx"); err != nil || len(r.Members) != 1 || r.Members[0].MemberID != "alice" {
		t.Errorf("a done context changed the room: %+v, %v", r, err)
	}
}

// A ledger nobody closed is freed by its finalizer once unreachable.
func TestLedgerFinalizer(t *testing.T) {
	before := liveLedgers.Load()
	for i := 0; i < 50; i++ {
		l, err := NewMemoryLedger()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Admit(bg, ledgerApp, "room", "alice"); err != nil {
			t.Fatal(err)
		}
	}
	if got := liveLedgers.Load(); got != before+50 {
		t.Fatalf("%d live ledgers, want %d", got, before+50)
	}
	deadline := time.Now().Add(10 * time.Second)
	for liveLedgers.Load() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := liveLedgers.Load(); got != before {
		t.Errorf("%d ledgers not freed", got-before)
	}
}

func TestLedgerRules(t *testing.T) {
	bad := []struct {
		opts  []Option
		field string
	}{
		{[]Option{WithCapacity(11)}, "capacity"},
		{[]Option{WithCapacity(-1)}, "capacity"},
		{[]Option{WithCapacity(0)}, "capacity"},
		{[]Option{WithDailyRoomLimit(100001)}, "dailyRoomLimit"},
		{[]Option{WithDailyRoomLimit(5), WithDailyRoomWarning(6)}, "dailyRoomWarning"},
		{[]Option{WithReserveTTL(time.Second - time.Millisecond)}, "reserveTtlMs"},
		{[]Option{WithReserveTTL(time.Second + time.Microsecond)}, "reserveTtlMs"}, // not whole ms: refused, not rounded
		{[]Option{WithLeaseTTL(time.Hour + time.Millisecond)}, "leaseTtlMs"},
		{[]Option{WithSyncGrace(-time.Millisecond)}, "syncGraceMs"},
		{[]Option{WithDayOffsetMinutes(841)}, "dayOffsetMinutes"},
		{[]Option{WithOnUnavailable("maybe")}, "onUnavailable"},
		{[]Option{WithKeyPrefix("tests")}, "keyPrefix"}, // a Redis option on a memory ledger
		{[]Option{WithCommandTimeout(time.Second)}, "commandTimeoutMs"},
	}
	for i, c := range bad {
		l, err := NewMemoryLedger(c.opts...)
		what := fmt.Sprintf("NewMemoryLedger(case %d)", i)
		checkCode(t, what, err, "INVALID_RULES", "")
		if l != nil || err != nil && !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s = %v, %v; want a message naming %s", what, l, err, c.field)
		}
		if !errors.Is(err, ErrInput) || errors.Is(err, ErrRefusal) {
			t.Errorf("%s: %v is not an input error", what, err)
		}
	}
	// An unknown name (only reachable through the JSON the options become) is
	// refused by the library, named as Go users spell options.
	_, err := openJSON(nil, map[string]any{"dailyRoomLimt": 5})
	checkCode(t, "unknown option", err, "INVALID_RULES", "")
	if err == nil || !strings.Contains(err.Error(), "dailyRoomLimt") || !strings.Contains(err.Error(), "dailyRoomLimit") {
		t.Errorf("unknown option: %v; want it named and dailyRoomLimit suggested", err)
	}
	_, err = openJSON(nil, map[string]any{"capacity": "4"})
	if err == nil || !strings.Contains(err.Error(), "capacity") || strings.Contains(err.Error(), "daily_room") {
		t.Errorf("capacity as a string: %v", err)
	}
	// The last of repeated options wins.
	l := newLedger(t, WithCapacity(11), WithCapacity(1))
	if _, err := l.Admit(bg, ledgerApp, "one", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Admit(bg, ledgerApp, "one", "b"); !errors.Is(err, ErrRoomFull) {
		t.Errorf("capacity 1: %v", err)
	}

	// 0 is a real 0: days in UTC, no sync grace, warning from 0.
	l = newLedger(t, WithDayOffsetMinutes(0), WithSyncGrace(0), WithDailyRoomWarning(0))
	at := time.Date(2024, 6, 30, 23, 0, 0, 0, time.UTC) // 07:00 on July 1st in Beijing
	u, err := l.UsageAt(bg, ledgerApp, at)
	if err != nil || u.Day != at.Unix()/86400 {
		t.Errorf("UsageAt: %+v, %v; want the UTC day %d", u, err, at.Unix()/86400)
	}
	a, err := l.AdmitAt(bg, ledgerApp, "room", "alice", at)
	if err != nil || !a.QuotaWarning || !a.LeaseExpiresAt.Time().Equal(at.Add(time.Minute)) {
		t.Errorf("AdmitAt = %+v, %v", a, err)
	}
	r, err := l.SyncAt(bg, ledgerApp, "room", nil, at) // alice is 0 ms old: no grace
	if err != nil || r.Live || r.Generation != 1 || r.Members == nil {
		t.Errorf("SyncAt(no ids) = %+v, %v", r, err)
	}
	// No options: Beijing days, 60 s reservations on the store's clock.
	l = newLedger(t)
	u, _ = l.UsageAt(bg, ledgerApp, at)
	if u.Day != at.Unix()/86400+1 || u.DailyRoomLimit != 100000 {
		t.Errorf("defaults: UsageAt = %+v", u)
	}
	before := time.Now()
	a, err = l.Admit(bg, ledgerApp, "room", "alice")
	if err != nil || a.LeaseExpiresAt.Time().Before(before.Add(time.Minute-time.Millisecond)) || a.LeaseExpiresAt.Time().After(time.Now().Add(time.Minute)) {
		t.Errorf("Admit on the store's clock = %+v, %v (called at %v)", a, err, before)
	}
}

func TestLedgerInputErrors(t *testing.T) {
	l := newLedger(t)
	now := time.UnixMilli(1717214400000)
	for _, id := range []string{"", "bad id", strings.Repeat("m", 129), "caf\u00e9", "tab\there", "del\x7f"} {
		_, err := l.AdmitAt(bg, ledgerApp, "room", id, now)
		checkCode(t, fmt.Sprintf("AdmitAt(%q)", id), err, "INVALID_MEMBER_ID", "")
		_, err = l.HeartbeatAt(bg, ledgerApp, "room", id, now)
		checkCode(t, fmt.Sprintf("HeartbeatAt(%q)", id), err, "INVALID_MEMBER_ID", "")
		_, err = l.LeaveAt(bg, ledgerApp, "room", id, now)
		checkCode(t, fmt.Sprintf("LeaveAt(%q)", id), err, "INVALID_MEMBER_ID", "")
		_, err = l.SyncAt(bg, ledgerApp, "room", []string{"alice", id}, now)
		checkCode(t, fmt.Sprintf("SyncAt(%q)", id), err, "INVALID_MEMBER_ID", "")
	}
	_, err := l.AdmitAt(bg, ledgerApp, "room", "m\xff", now)
	checkCode(t, "AdmitAt(invalid UTF-8)", err, "INVALID_UTF8", "")
	_, err = l.AdmitAt(bg, "", "", "bad id", now)
	checkCode(t, "AdmitAt(all bad)", err, "INVALID_APP_ID", "")

	// roomType "" is refused like any other bad value, and takes no seat.
	_, _, err = l.AdmitAndIssueAt(bg, ledgerApp, "room", "alice", docKey, "", now)
	checkCode(t, `AdmitAndIssueAt(roomType "")`, err, "INVALID_ROOM_TYPE", docKey)
	if r, _ := l.RoomAt(bg, ledgerApp, "room", now); r.Generation != 0 || len(r.Members) != 0 {
		t.Errorf("a refused AdmitAndIssue took a seat: %+v", r)
	}
	a, ticket, err := l.AdmitAndIssue(bg, ledgerApp, "room", "alice", docKey, RoomTypeVideo)
	if err != nil || !a.Opened || ticket.RoomType != RoomTypeVideo || ticket.GroupID != "room" {
		t.Errorf("AdmitAndIssue = %+v, %+v, %v", a, ticket, err)
	}
	if d := time.Now().Unix() - ticket.TimeStamp; d < 0 || d > 5 {
		t.Errorf("the ticket's timeStamp %d is not now", ticket.TimeStamp)
	}
}

// A room whose JSON outgrows the first buffer of Sync (ids of 128 '"', each
// escaped in JSON): the sync is applied once and the room read back whole.
func TestLedgerSyncLargeRoom(t *testing.T) {
	l := newLedger(t)
	now := time.UnixMilli(1717214400000)
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = fmt.Sprintf("%03d", i) + strings.Repeat(`"\`, 62) + "x"
	}
	r, err := l.SyncAt(bg, ledgerApp, "room", ids, now)
	if err != nil || len(r.Members) != len(ids) || !r.Live || r.Generation != 1 {
		t.Fatalf("SyncAt = %d members, %v, %v", len(r.Members), r.Generation, err)
	}
	for i, s := range r.Members {
		if s.MemberID != ids[i] || !s.Since.Time().Equal(now) || !s.Expires.Time().Equal(now.Add(45*time.Second)) {
			t.Errorf("seat %d = %+v", i, s)
		}
	}
	if u, _ := l.UsageAt(bg, ledgerApp, now); u.Openings != 0 {
		t.Errorf("sync charged the quota: %+v", u)
	}
}

// Rooms: pages in groupId byte order chained through Next (nil after the
// last), a page's fields, and what the binding itself must get right: nil after
// is "from the first", a non-nil "" is a groupId (refused naming after), and a
// limit beyond uint32_t is refused as INVALID_LIMIT with the caller's number.
func TestLedgerRooms(t *testing.T) {
	l := newLedger(t)
	at := time.UnixMilli(1717214400000)
	page, err := l.RoomsAt(bg, ledgerApp, 100, nil, at)
	if err != nil || page.Rooms == nil || len(page.Rooms) != 0 || page.Next != nil {
		t.Fatalf("no rooms: %+v, %v", page, err)
	}
	if data, _ := json.Marshal(page); string(data) != `{"rooms":[],"next":null}` {
		t.Errorf("no rooms as JSON: %s", data)
	}
	for i, g := range []string{"room-b", "room-a", "room-c", "room-a"} {
		if _, err := l.AdmitAt(bg, ledgerApp, g, fmt.Sprintf("m%d", i), at.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	var got []RoomSummary
	var after *string
	for pages := 0; ; pages++ {
		page, err := l.RoomsAt(bg, ledgerApp, 2, after, at.Add(time.Minute/2))
		if err != nil || pages > 2 {
			t.Fatalf("page %d: %+v, %v", pages, page, err)
		}
		got = append(got, page.Rooms...)
		if page.Next == nil {
			break
		}
		if *page.Next != page.Rooms[len(page.Rooms)-1].GroupID {
			t.Errorf("next %q after %+v", *page.Next, page.Rooms)
		}
		after = page.Next
	}
	want := []RoomSummary{
		{GroupID: "room-a", Seats: 2, Capacity: 10, Generation: 1, OpenedAt: UnixMilli(at.Add(time.Second).UnixMilli())},
		{GroupID: "room-b", Seats: 1, Capacity: 10, Generation: 1, OpenedAt: UnixMilli(at.UnixMilli())},
		{GroupID: "room-c", Seats: 1, Capacity: 10, Generation: 1, OpenedAt: UnixMilli(at.Add(2 * time.Second).UnixMilli())},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pages of 2: %+v, want %+v", got, want)
	}
	if page, err := l.Rooms(bg, ledgerApp, 1000, nil); err != nil || len(page.Rooms) != 0 {
		// the store's clock: every reservation of 2024 has expired
		t.Errorf("Rooms now: %+v, %v", page, err)
	}

	empty := ""
	_, err = l.RoomsAt(bg, ledgerApp, 100, &empty, at)
	checkCode(t, `Rooms(after "")`, err, "INVALID_GROUP_ID", "")
	if err != nil && !strings.Contains(err.Error(), "after") {
		t.Errorf("the message does not name after: %v", err)
	}
	for _, limit := range []int{0, -1, 1001, 1 << 32, 1<<32 + 5, -1 << 40} {
		_, err := l.RoomsAt(bg, ledgerApp, limit, nil, at)
		checkCode(t, fmt.Sprintf("Rooms(limit %d)", limit), err, "INVALID_LIMIT", "")
		if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("limit is %d;", limit)) {
			t.Errorf("limit %d: the message does not give it: %v", limit, err)
		}
	}
	// The order of the checks: appId, limit, after.
	_, err = l.RoomsAt(bg, "", 0, &empty, at)
	checkCode(t, "Rooms(no appId, limit 0)", err, "INVALID_APP_ID", "")
	_, err = l.RoomsAt(bg, ledgerApp, -1<<40, &empty, at)
	checkCode(t, "Rooms(limit -2^40, after \"\")", err, "INVALID_LIMIT", "")
	after = new(string)
	*after = "bad groupId \x00"
	_, err = l.RoomsAt(bg, ledgerApp, 1, after, at)
	checkCode(t, "Rooms(after with NUL)", err, "INVALID_GROUP_ID", "")
}

// Usage: every counter, and the live counts only for the call's own day (nil
// for yesterday). memberDailyOpenings refuses a member's next opening with
// ErrMemberDailyLimit (a refusal, not an input error); joining a live room passes.
func TestLedgerUsageAndMemberLimit(t *testing.T) {
	l := newLedger(t, WithMemberDailyOpenings(1), WithCapacity(2))
	at := time.UnixMilli(1717214400000)
	step := func(i int) time.Time { return at.Add(time.Duration(i) * time.Second) }
	if _, err := l.AdmitAt(bg, ledgerApp, "r1", "alice", step(0)); err != nil {
		t.Fatal(err)
	}
	_, err := l.AdmitAt(bg, ledgerApp, "r2", "alice", step(1))
	checkCode(t, "alice's second opening", err, "MEMBER_DAILY_LIMIT", "")
	if !errors.Is(err, ErrRefusal) || errors.Is(err, ErrInput) {
		t.Errorf("MEMBER_DAILY_LIMIT's kind: %v", err)
	}
	if a, err := l.AdmitAt(bg, ledgerApp, "r2", "bob", step(2)); err != nil || !a.Opened {
		t.Fatalf("bob opens r2: %+v, %v", a, err)
	}
	if a, err := l.AdmitAt(bg, ledgerApp, "r2", "alice", step(3)); err != nil || a.Opened || a.Members != 2 {
		t.Errorf("alice joins the live r2: %+v, %v", a, err)
	}
	if _, err := l.AdmitAt(bg, ledgerApp, "r2", "carol", step(4)); !errors.Is(err, ErrRoomFull) {
		t.Errorf("carol: %v", err)
	}
	if _, err := l.AdmitAt(bg, ledgerApp, "r2", "bob", step(5)); err != nil {
		t.Error(err)
	}
	if _, err := l.HeartbeatAt(bg, ledgerApp, "r3", "dave", step(6)); !errors.Is(err, ErrNotAdmitted) {
		t.Errorf("dave: %v", err)
	}
	if _, err := l.LeaveAt(bg, ledgerApp, "r1", "alice", step(7)); err != nil {
		t.Error(err)
	}
	if _, err := l.SyncAt(bg, ledgerApp, "r4", []string{"erin"}, step(8)); err != nil {
		t.Error(err)
	}
	u, err := l.UsageAt(bg, ledgerApp, step(9))
	two, three := 2, 3
	want := Usage{Day: u.Day, Openings: 2, Admissions: 3, Renewals: 1, RefusedRoomFull: 1, RefusedMemberLimit: 1,
		HeartbeatsRefused: 1, Leaves: 1, AdoptedBySync: 1, PeakSeats: 3, LiveRooms: &two, LiveSeats: &three,
		DailyRoomLimit: 100000}
	if err != nil || !reflect.DeepEqual(u, want) {
		t.Errorf("UsageAt = %+v, %v\nwant %+v", u, err, want)
	}
	y, err := l.UsageOfDayAt(bg, ledgerApp, u.Day-1, step(9))
	if err != nil || y.LiveRooms != nil || y.LiveSeats != nil || y.Openings != 0 || y.Day != u.Day-1 {
		t.Errorf("yesterday = %+v, %v", y, err)
	}
	if data, _ := json.Marshal(y); !strings.Contains(string(data), `"liveRooms":null,"liveSeats":null`) {
		t.Errorf("yesterday as JSON: %s", data)
	}
	// The next day (UTC+8) resets the member's openings.
	tomorrow := at.Add(24 * time.Hour)
	if a, err := l.AdmitAt(bg, ledgerApp, "r5", "alice", tomorrow); err != nil || !a.Opened {
		t.Errorf("alice the next day: %+v, %v", a, err)
	}
}
