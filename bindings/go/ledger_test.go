package voipsign

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const ledgerApp = "wx20afc706a711eefc"

func newLedger(t *testing.T, r Rules) *Ledger {
	t.Helper()
	l, err := NewMemoryLedger(r)
	if err != nil {
		t.Fatalf("NewMemoryLedger(%+v): %v", r, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Goroutines, each with its own member, admit, heartbeat, leave and read a few
// small rooms at once. Each goroutine knows whether its member is seated (no
// one else removes its seat; leases outlast the test), so every answer is
// checked against that; no room ever holds more than its capacity; and the
// openings the goroutines saw are the openings the quota counted.
func TestLedgerConcurrentRooms(t *testing.T) {
	const capacity, rooms, workers, ops = 3, 3, 8, 3000
	l := newLedger(t, Rules{Capacity: capacity})
	var wg sync.WaitGroup
	opened := make([]int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			member := fmt.Sprintf("member-%d", w)
			seated := make([]bool, rooms)
			rnd := uint32(w*7919 + 1)
			for i := 0; i < ops; i++ {
				rnd = rnd*1664525 + 1013904223
				r := int(rnd>>8) % rooms
				group := fmt.Sprintf("room-%d", r)
				switch (rnd >> 16) % 5 {
				case 0, 1:
					a, err := l.Admit(ledgerApp, group, member)
					switch {
					case errors.Is(err, ErrRoomFull) && !seated[r]:
					case err != nil:
						t.Errorf("%s Admit(%s): %v (seated %v)", member, group, err, seated[r])
						return
					case a.Renewed != seated[r] || a.Members > capacity || a.Members < 1:
						t.Errorf("%s Admit(%s) = %+v (seated %v)", member, group, a, seated[r])
						return
					default:
						if a.Opened {
							opened[w]++
						}
						seated[r] = true
					}
				case 2:
					_, err := l.Heartbeat(ledgerApp, group, member)
					if seated[r] && err != nil || !seated[r] && !errors.Is(err, ErrNotAdmitted) {
						t.Errorf("%s Heartbeat(%s): %v (seated %v)", member, group, err, seated[r])
						return
					}
				case 3:
					removed, err := l.Leave(ledgerApp, group, member)
					if err != nil || removed != seated[r] {
						t.Errorf("%s Leave(%s) = %v, %v (seated %v)", member, group, removed, err, seated[r])
						return
					}
					seated[r] = false
				case 4:
					room, err := l.Room(ledgerApp, group)
					if err != nil || len(room.Members) > capacity || room.Live != (len(room.Members) > 0) {
						t.Errorf("Room(%s) = %+v, %v", group, room, err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for _, n := range opened {
		total += n
	}
	u, err := l.Usage(ledgerApp)
	if err != nil || u.Rooms != total || total == 0 {
		t.Errorf("Usage = %+v, %v; the goroutines saw %d openings", u, err, total)
	}
}

// Close while goroutines are calling: each call either completes or returns
// ErrLedgerClosed, never touches a freed ledger (run under -race too).
func TestLedgerCloseWhileInUse(t *testing.T) {
	l, err := NewMemoryLedger(Rules{})
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
				_, err := l.Admit(ledgerApp, "room", member)
				if i == 10 {
					started <- struct{}{}
				}
				if err == nil {
					_, err = l.Sync(ledgerApp, "room", []string{member})
				}
				if err == nil {
					_, err = l.Leave(ledgerApp, "room", member)
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

// A closed ledger refuses every method with ErrLedgerClosed (a NULL_ARGUMENT
// *Error); Close twice is fine.
func TestLedgerClosedWhileIdle(t *testing.T) {
	l, err := NewMemoryLedger(Rules{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Admit(ledgerApp, "room", "alice"); err != nil {
		t.Fatal(err)
	}
	if l.Close() != nil || l.Close() != nil {
		t.Fatal("Close returned an error")
	}
	now := time.Now()
	_, err1 := l.Admit(ledgerApp, "room", "alice")
	_, _, err2 := l.AdmitAndIssueAt(ledgerApp, "room", "alice", docKey, Voice, now)
	_, err3 := l.Heartbeat(ledgerApp, "room", "alice")
	_, err4 := l.LeaveAt(ledgerApp, "room", "alice", now)
	_, err5 := l.Sync(ledgerApp, "room", nil)
	_, err6 := l.RoomAt(ledgerApp, "room", now)
	_, err7 := l.UsageOfDay(ledgerApp, 1)
	for i, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
		if err != ErrLedgerClosed || !errors.Is(err, ErrNullArgument) {
			t.Errorf("call %d after Close: %v", i+1, err)
		}
	}
}

// A ledger nobody closed is freed by its finalizer once unreachable.
func TestLedgerFinalizer(t *testing.T) {
	before := liveLedgers.Load()
	for i := 0; i < 50; i++ {
		l, err := NewMemoryLedger(Rules{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Admit(ledgerApp, "room", "alice"); err != nil {
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
		rules Rules
		field string
	}{
		{Rules{Capacity: 11}, "capacity"},
		{Rules{Capacity: -1}, "capacity"},
		{Rules{Capacity: ExplicitZero}, "capacity"},
		{Rules{DailyRoomLimit: 100001}, "daily_room_limit"},
		{Rules{DailyRoomLimit: 5, DailyRoomWarning: 6}, "daily_room_warning"},
		{Rules{ReserveTTL: time.Second - time.Microsecond}, "reserve_ttl_ms"}, // 999 ms: rounded down
		{Rules{LeaseTTL: time.Hour + time.Millisecond}, "lease_ttl_ms"},
		{Rules{SyncGrace: -time.Nanosecond}, "sync_grace_ms"}, // -1 ms: rounded down
		{Rules{DayOffsetMinutes: 841}, "day_offset_minutes"},
		{Rules{OnUnavailable: 2}, "on_unavailable"},
	}
	for _, c := range bad {
		l, err := NewMemoryLedger(c.rules)
		checkCode(t, fmt.Sprintf("NewMemoryLedger(%+v)", c.rules), err, "INVALID_RULES", "")
		if l != nil || err != nil && !strings.Contains(err.Error(), c.field) {
			t.Errorf("NewMemoryLedger(%+v) = %v, %v; want a message naming %s", c.rules, l, err, c.field)
		}
	}
	if OnUnavailableAllow.String() != "allow" || OnUnavailableRefuse.String() != "refuse" || OnUnavailable(7).String() != "OnUnavailable(7)" {
		t.Error("OnUnavailable.String")
	}

	// ExplicitZero is a real 0: days in UTC, no sync grace, warning from 0.
	l := newLedger(t, Rules{DayOffsetMinutes: ExplicitZero, SyncGrace: ExplicitZero, DailyRoomWarning: ExplicitZero})
	at := time.Date(2024, 6, 30, 23, 0, 0, 0, time.UTC) // 07:00 on July 1st in Beijing
	u, err := l.UsageAt(ledgerApp, at)
	if err != nil || u.Day != at.Unix()/86400 {
		t.Errorf("UsageAt: %+v, %v; want the UTC day %d", u, err, at.Unix()/86400)
	}
	a, err := l.AdmitAt(ledgerApp, "room", "alice", at)
	if err != nil || !a.QuotaWarning || !a.LeaseExpiresAt.Equal(at.Add(time.Minute)) {
		t.Errorf("AdmitAt = %+v, %v", a, err)
	}
	r, err := l.SyncAt(ledgerApp, "room", nil, at) // alice is 0 ms old: no grace
	if err != nil || r.Live || r.Generation != 1 || r.Members == nil {
		t.Errorf("SyncAt(no ids) = %+v, %v", r, err)
	}
	// The zero Rules: Beijing days, 60 s reservations on the store's clock.
	l = newLedger(t, Rules{})
	u, _ = l.UsageAt(ledgerApp, at)
	if u.Day != at.Unix()/86400+1 || u.DailyRoomLimit != 100000 {
		t.Errorf("Rules{}: UsageAt = %+v", u)
	}
	before := time.Now()
	a, err = l.Admit(ledgerApp, "room", "alice")
	if err != nil || a.LeaseExpiresAt.Before(before.Add(time.Minute-time.Millisecond)) || a.LeaseExpiresAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("Admit on the store's clock = %+v, %v (called at %v)", a, err, before)
	}
}

func TestLedgerInputErrors(t *testing.T) {
	l := newLedger(t, Rules{})
	now := time.UnixMilli(1717214400000)
	for _, id := range []string{"", "bad id", strings.Repeat("m", 129), "caf\u00e9", "tab\there", "del\x7f"} {
		_, err := l.AdmitAt(ledgerApp, "room", id, now)
		checkCode(t, fmt.Sprintf("AdmitAt(%q)", id), err, "INVALID_MEMBER_ID", "")
		_, err = l.HeartbeatAt(ledgerApp, "room", id, now)
		checkCode(t, fmt.Sprintf("HeartbeatAt(%q)", id), err, "INVALID_MEMBER_ID", "")
		_, err = l.LeaveAt(ledgerApp, "room", id, now)
		checkCode(t, fmt.Sprintf("LeaveAt(%q)", id), err, "INVALID_MEMBER_ID", "")
		_, err = l.SyncAt(ledgerApp, "room", []string{"alice", id}, now)
		checkCode(t, fmt.Sprintf("SyncAt(%q)", id), err, "INVALID_MEMBER_ID", "")
	}
	_, err := l.AdmitAt(ledgerApp, "room", "m\xff", now)
	checkCode(t, "AdmitAt(invalid UTF-8)", err, "INVALID_UTF8", "")
	_, err = l.AdmitAt("", "", "bad id", now)
	checkCode(t, "AdmitAt(all bad)", err, "INVALID_APP_ID", "")

	// roomType "" is refused like any other bad value, and takes no seat.
	_, _, err = l.AdmitAndIssueAt(ledgerApp, "room", "alice", docKey, "", now)
	checkCode(t, `AdmitAndIssueAt(roomType "")`, err, "INVALID_ROOM_TYPE", docKey)
	if r, _ := l.RoomAt(ledgerApp, "room", now); r.Generation != 0 || len(r.Members) != 0 {
		t.Errorf("a refused AdmitAndIssue took a seat: %+v", r)
	}
	a, ticket, err := l.AdmitAndIssue(ledgerApp, "room", "alice", docKey, Video)
	if err != nil || !a.Opened || ticket.RoomType != Video || ticket.GroupID != "room" {
		t.Errorf("AdmitAndIssue = %+v, %+v, %v", a, ticket, err)
	}
	if d := time.Now().Unix() - ticket.TimeStamp; d < 0 || d > 5 {
		t.Errorf("the ticket's timeStamp %d is not now", ticket.TimeStamp)
	}
}

// A room whose JSON outgrows the first buffer of Sync (ids of 128 '"', each
// escaped in JSON): the sync is applied once and the room read back whole.
func TestLedgerSyncLargeRoom(t *testing.T) {
	l := newLedger(t, Rules{})
	now := time.UnixMilli(1717214400000)
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = fmt.Sprintf("%03d", i) + strings.Repeat(`"\`, 62) + "x"
	}
	r, err := l.SyncAt(ledgerApp, "room", ids, now)
	if err != nil || len(r.Members) != len(ids) || !r.Live || r.Generation != 1 {
		t.Fatalf("SyncAt = %d members, %v, %v", len(r.Members), r.Generation, err)
	}
	for i, s := range r.Members {
		if s.MemberID != ids[i] || !s.Since.Equal(now) || !s.Expires.Equal(now.Add(45*time.Second)) {
			t.Errorf("seat %d = %+v", i, s)
		}
	}
	if u, _ := l.UsageAt(ledgerApp, now); u.Rooms != 0 {
		t.Errorf("sync charged the quota: %+v", u)
	}
}
