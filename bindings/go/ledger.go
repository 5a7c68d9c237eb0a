package voipsign

/*
#include "voipsign.h"
*/
import "C"

import (
	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ExplicitZero, in a field of Rules, is the value 0 itself. A zero field of
// Rules means its default, so the settings for which 0 is a real value take
// ExplicitZero instead: DailyRoomWarning (every admission warns), SyncGrace (sync
// may remove any unlisted seat, however young) and DayOffsetMinutes (days in UTC).
// In the other fields 0 is out of range (ErrInvalidRules), as it is in C.
const ExplicitZero = math.MinInt32

// OnUnavailable says what an admission does when the ledger's store cannot be
// reached. Its zero value is the default, OnUnavailableAllow.
type OnUnavailable int

// The values of OnUnavailable (the numbering of voipsign_rules.on_unavailable;
// any other value is ErrInvalidRules).
const (
	// OnUnavailableAllow admits anyway, with Admission.Degraded set (WeChat still
	// enforces its own rules; an outage of the ledger does not lock users out).
	OnUnavailableAllow OnUnavailable = 0
	// OnUnavailableRefuse refuses with ErrLedgerUnavailable.
	OnUnavailableRefuse OnUnavailable = 1
)

// String returns "allow" or "refuse", as the other languages spell the setting.
func (o OnUnavailable) String() string {
	switch o {
	case OnUnavailableAllow:
		return "allow"
	case OnUnavailableRefuse:
		return "refuse"
	}
	return "OnUnavailable(" + strconv.Itoa(int(o)) + ")"
}

// Rules are the room rules a Ledger enforces. A zero field means its default,
// so Rules{} is WeChat's own rules and Rules{Capacity: 4} changes one setting;
// for a real 0 give ExplicitZero. Durations are whole milliseconds (a fraction
// is dropped, rounding down). The library checks the ranges: out of range,
// NewMemoryLedger fails with ErrInvalidRules.
type Rules struct {
	// Capacity is the number of seats per room, 1–10 (default 10: WeChat seats
	// at most 10 people in one room).
	Capacity int
	// DailyRoomLimit is the number of openings per appId per day, 1–100000
	// (default 100000: WeChat's limit per mini program).
	DailyRoomLimit int
	// DailyRoomWarning is the number of openings from which every admission
	// reports QuotaWarning, 0–DailyRoomLimit (default 90 % of DailyRoomLimit,
	// rounded down).
	DailyRoomWarning int
	// ReserveTTL is the lease of a new seat, 1 s–1 h (default 60 s): the time
	// the phone has to call wx.joinVoIPChat.
	ReserveTTL time.Duration
	// LeaseTTL is the lease after a heartbeat or a sync, 1 s–1 h (default 45 s;
	// phones heartbeat every 15 s).
	LeaseTTL time.Duration
	// SyncGrace is the age under which Sync never removes a seat, 0–1 h
	// (default ReserveTTL).
	SyncGrace time.Duration
	// DayOffsetMinutes is the UTC offset of the day the quota counts, in
	// minutes, -720–840 (default 480: Beijing time, UTC+8).
	DayOffsetMinutes int
	// OnUnavailable is what an admission does when the store cannot be reached
	// (default OnUnavailableAllow).
	OnUnavailable OnUnavailable
}

// setting translates one numeric field: 0 keeps the default def, ExplicitZero
// is 0, anything else goes to the library as it is.
func setting(v int64, def C.int64_t) C.int64_t {
	switch v {
	case 0:
		return def
	case ExplicitZero:
		return 0
	}
	return C.int64_t(v)
}

// millis is d in whole milliseconds, rounded down (floor, also below zero).
func millis(d time.Duration) int64 {
	if d == ExplicitZero {
		return ExplicitZero
	}
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond < 0 {
		ms--
	}
	return ms
}

// toC is the voipsign_rules of r: voipsign_rules_default() with the given
// fields replaced.
func (r Rules) toC() C.voipsign_rules {
	c := C.voipsign_rules_default()
	c.capacity = setting(int64(r.Capacity), c.capacity)
	c.daily_room_limit = setting(int64(r.DailyRoomLimit), c.daily_room_limit)
	c.daily_room_warning = setting(int64(r.DailyRoomWarning), c.daily_room_warning)
	c.reserve_ttl_ms = setting(millis(r.ReserveTTL), c.reserve_ttl_ms)
	c.lease_ttl_ms = setting(millis(r.LeaseTTL), c.lease_ttl_ms)
	c.sync_grace_ms = setting(millis(r.SyncGrace), c.sync_grace_ms)
	c.day_offset_minutes = setting(int64(r.DayOffsetMinutes), c.day_offset_minutes)
	c.on_unavailable = C.int64_t(r.OnUnavailable)
	return c
}

// ErrLedgerClosed is returned by every method of a Ledger after Close. Its code
// is NULL_ARGUMENT, the library's answer for a ledger handle that is gone.
var ErrLedgerClosed = &Error{Code: CodeNullArgument, Message: "the ledger is closed"}

// liveLedgers counts the native ledgers not yet freed (tests check the
// finalizer with it).
var liveLedgers atomic.Int64

// Ledger is the room ledger: WeChat's room rules (at most Capacity people in a
// room, at most DailyRoomLimit rooms opened per appId per day, a room is gone
// when everyone has left), enforced by the backend before it hands out a join
// ticket, with named errors instead of WeChat's late, undocumented failures.
// Every rule and every check is the library's (docs/ROOMS.md); the methods only
// translate.
//
// Seats have leases: Admit reserves one for Rules.ReserveTTL, Heartbeat and Sync
// extend it by Rules.LeaseTTL, Leave frees it, and an expired seat is gone.
// Each method has an ...At variant taking the time of the call (tests, replays);
// without it, the store's clock is used.
//
// Two stores: NewMemoryLedger (the rooms of this process) and NewRedisLedger
// (one Redis server or Redis Cluster shared by every backend instance; its
// methods block on network I/O within RedisOptions' timeouts).
//
// A Ledger is safe for concurrent use by any number of goroutines (every
// operation is atomic). Close it when done; a Ledger that becomes unreachable is
// freed by a finalizer, but only Close frees it at a known time.
type Ledger struct {
	mu sync.RWMutex // held for reading by every call; for writing by Close
	h  *C.voipsign_ledger
}

// NewMemoryLedger creates a ledger over an in-process memory store: the rooms
// of this process only (one server, tests). Rules out of range are
// ErrInvalidRules, with a message naming the setting.
func NewMemoryLedger(rules Rules) (*Ledger, error) {
	c := rules.toC()
	var h *C.voipsign_ledger
	var e C.voipsign_error
	if st := C.voipsign_ledger_new_memory(&c, &h, &e); st != C.VOIPSIGN_OK {
		return nil, newError(st, st, &e)
	}
	liveLedgers.Add(1)
	l := &Ledger{h: h}
	runtime.SetFinalizer(l, (*Ledger).free)
	return l, nil
}

// Close frees the native ledger. It waits for calls in progress; every call
// after it returns ErrLedgerClosed. Closing again does nothing and returns nil.
func (l *Ledger) Close() error {
	l.free()
	runtime.SetFinalizer(l, nil)
	return nil
}

// free releases the native ledger once (Close and the finalizer).
func (l *Ledger) free() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.h != nil {
		C.voipsign_ledger_free(l.h)
		l.h = nil
		liveLedgers.Add(-1)
	}
}

// acquire returns the handle, with l.mu held for reading when err is nil: the
// caller releases it with l.mu.RUnlock after the C call.
func (l *Ledger) acquire() (*C.voipsign_ledger, error) {
	l.mu.RLock()
	if l.h == nil {
		l.mu.RUnlock()
		return nil, ErrLedgerClosed
	}
	return l.h, nil
}

// unset is VOIPSIGN_UNSET: "no explicit time", the store's clock.
const unset = C.int64_t(math.MinInt64)

// msAt is t in unix milliseconds (rounded down) for the library; the one
// instant that would read as VOIPSIGN_UNSET moves by a millisecond.
func msAt(t time.Time) C.int64_t {
	ms := t.UnixMilli()
	if ms == math.MinInt64 {
		ms++
	}
	return C.int64_t(ms)
}
