package voipsign

/*
#include "voipsign.h"
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// Admission is the result of Admit and AdmitAndIssue.
type Admission struct {
	// Opened: this call opened the room (it was not live) and was charged to
	// today's quota.
	Opened bool
	// Renewed: the member already held a seat; its lease was refreshed and
	// nothing was charged (Admit is idempotent: retrying never double-counts).
	Renewed bool
	// Members is the number of live seats after the call.
	Members int
	// Generation is how many times the room has been opened.
	Generation int
	// RoomsToday is the number of openings charged to the appId on the day of
	// the call.
	RoomsToday int
	// DailyRoomLimit is the daily limit of openings (Rules.DailyRoomLimit).
	DailyRoomLimit int
	// QuotaWarning: RoomsToday has reached Rules.DailyRoomWarning.
	QuotaWarning bool
	// LeaseExpiresAt is when the member's seat expires unless renewed
	// (exclusive: the seat is live before this instant).
	LeaseExpiresAt time.Time
	// Degraded: the store could not be reached and the rules allow admitting
	// anyway; nothing was counted.
	Degraded bool
}

// Seat is a member's place in a room.
type Seat struct {
	// MemberID is the member's openid.
	MemberID string
	// Since is when the seat was granted or adopted (renewals keep it).
	Since time.Time
	// Expires is when the lease ends (exclusive).
	Expires time.Time
}

// Room is a room as the ledger sees it.
type Room struct {
	// Members are the live seats, sorted by member id (byte order); never nil.
	Members []Seat
	// Generation is how many times the room has been opened (0: never seen).
	Generation int
	// Live: at least one seat is live. A room that is not live does not exist:
	// the next admission opens it again.
	Live bool
}

// Usage is the quota of one appId on one day.
type Usage struct {
	// Day is the day, in days since 1970-01-01 in Rules.DayOffsetMinutes.
	Day int64
	// Rooms is the number of openings charged that day.
	Rooms int
	// DailyRoomLimit is the daily limit (Rules.DailyRoomLimit).
	DailyRoomLimit int
}

// Admit seats memberID (the user's openid) in the room (appID, groupID),
// opening the room when it is not live (charged to today's quota). A member
// who already holds a seat is Renewed, never refused or charged. Errors:
// ErrRoomFull, ErrDailyRoomLimit, ErrLedgerUnavailable, and the input errors
// (ErrInvalidAppID, ErrInvalidGroupID, ErrInvalidMemberID, ...).
func (l *Ledger) Admit(appID, groupID, memberID string) (Admission, error) {
	return l.admit(appID, groupID, memberID, unset)
}

// AdmitAt is Admit at the time now instead of the store's clock.
func (l *Ledger) AdmitAt(appID, groupID, memberID string, now time.Time) (Admission, error) {
	return l.admit(appID, groupID, memberID, msAt(now))
}

func (l *Ledger) admit(appID, groupID, memberID string, now C.int64_t) (Admission, error) {
	h, err := l.acquire()
	if err != nil {
		return Admission{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	m, ml := cstr(memberID)
	var out C.voipsign_admission
	var e C.voipsign_error
	if st := C.voipsign_ledger_admit(h, a, al, g, gl, m, ml, now, &out, &e); st != C.VOIPSIGN_OK {
		return Admission{}, newError(st, st, &e)
	}
	return admissionOf(&out), nil
}

// AdmitAndIssue admits memberID as Admit does and issues its join ticket as
// Issue does (roomType Voice or Video). Every input, the session_key included,
// is checked before anything is written: a bad key takes no seat.
func (l *Ledger) AdmitAndIssue(appID, groupID, memberID, sessionKey string, roomType RoomType) (Admission, JoinTicket, error) {
	return l.admitAndIssue(appID, groupID, memberID, sessionKey, roomType, unset)
}

// AdmitAndIssueAt is AdmitAndIssue at the time now: the ticket's TimeStamp is
// now in whole seconds (rounded down).
func (l *Ledger) AdmitAndIssueAt(appID, groupID, memberID, sessionKey string, roomType RoomType, now time.Time) (Admission, JoinTicket, error) {
	return l.admitAndIssue(appID, groupID, memberID, sessionKey, roomType, msAt(now))
}

func (l *Ledger) admitAndIssue(appID, groupID, memberID, sessionKey string, roomType RoomType, now C.int64_t) (Admission, JoinTicket, error) {
	h, err := l.acquire()
	if err != nil {
		return Admission{}, JoinTicket{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	m, ml := cstr(memberID)
	k, kl := cstr(sessionKey)
	r, rl := cgiven(string(roomType))
	// "4096 bytes of ticket always suffice" (voipsign.h); a smaller buffer would
	// be refused before the admission, so it is never retried after one.
	buf := make([]byte, 4096)
	var n C.size_t
	var out C.voipsign_admission
	var e C.voipsign_error
	st := C.voipsign_ledger_admit_and_issue(h, a, al, g, gl, m, ml, k, kl, r, rl, now, &out,
		(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n, &e)
	if st != C.VOIPSIGN_OK {
		return Admission{}, JoinTicket{}, newError(st, st, &e)
	}
	var t JoinTicket
	if err := decodeJSON(buf[:n], &t, "voipsign_ledger_admit_and_issue"); err != nil {
		return Admission{}, JoinTicket{}, err
	}
	return admissionOf(&out), t, nil
}

// Heartbeat extends memberID's lease (call it every 15 s while the phone is in
// the call) and returns the new expiry. ErrNotAdmitted: the member holds no live
// seat; the phone must be admitted again.
func (l *Ledger) Heartbeat(appID, groupID, memberID string) (time.Time, error) {
	return l.heartbeat(appID, groupID, memberID, unset)
}

// HeartbeatAt is Heartbeat at the time now.
func (l *Ledger) HeartbeatAt(appID, groupID, memberID string, now time.Time) (time.Time, error) {
	return l.heartbeat(appID, groupID, memberID, msAt(now))
}

func (l *Ledger) heartbeat(appID, groupID, memberID string, now C.int64_t) (time.Time, error) {
	h, err := l.acquire()
	if err != nil {
		return time.Time{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	m, ml := cstr(memberID)
	var expires C.int64_t
	var e C.voipsign_error
	if st := C.voipsign_ledger_heartbeat(h, a, al, g, gl, m, ml, now, &expires, &e); st != C.VOIPSIGN_OK {
		return time.Time{}, newError(st, st, &e)
	}
	return time.UnixMilli(int64(expires)), nil
}

// Leave removes memberID's seat (on wx.exitVoIPChat) and reports whether there
// was one. It is idempotent; when the last seat goes, the room is gone.
func (l *Ledger) Leave(appID, groupID, memberID string) (bool, error) {
	return l.leave(appID, groupID, memberID, unset)
}

// LeaveAt is Leave at the time now.
func (l *Ledger) LeaveAt(appID, groupID, memberID string, now time.Time) (bool, error) {
	return l.leave(appID, groupID, memberID, msAt(now))
}

func (l *Ledger) leave(appID, groupID, memberID string, now C.int64_t) (bool, error) {
	h, err := l.acquire()
	if err != nil {
		return false, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	m, ml := cstr(memberID)
	var removed C.bool
	var e C.voipsign_error
	if st := C.voipsign_ledger_leave(h, a, al, g, gl, m, ml, now, &removed, &e); st != C.VOIPSIGN_OK {
		return false, newError(st, st, &e)
	}
	return bool(removed), nil
}

// Sync reconciles the room with the member list a phone reported
// (wx.onVoIPChatMembersChanged, or joinVoIPChat's openIdList) and returns the
// room: listed members get a fresh lease, listed members without a seat are
// adopted (WeChat says they are in: never refused, never charged), and unlisted
// seats older than Rules.SyncGrace are removed. A bad id is ErrInvalidMemberID.
func (l *Ledger) Sync(appID, groupID string, openIDs []string) (Room, error) {
	return l.sync(appID, groupID, openIDs, unset)
}

// SyncAt is Sync at the time now.
func (l *Ledger) SyncAt(appID, groupID string, openIDs []string, now time.Time) (Room, error) {
	return l.sync(appID, groupID, openIDs, msAt(now))
}

func (l *Ledger) sync(appID, groupID string, openIDs []string, now C.int64_t) (Room, error) {
	h, err := l.acquire()
	if err != nil {
		return Room{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	var pin runtime.Pinner
	defer pin.Unpin()
	ptrs, lens := keyArrays(openIDs, &pin)
	var pp **C.char
	var lp *C.size_t
	if len(ptrs) > 0 {
		pp, lp = &ptrs[0], &lens[0]
	}
	// "332 bytes per member plus 64 suffice" (voipsign.h): room for a full room
	// plus every listed id.
	buf := make([]byte, 64+332*(10+len(openIDs)))
	var n C.size_t
	var e C.voipsign_error
	st := C.voipsign_ledger_sync(h, a, al, g, gl, pp, lp, C.size_t(len(openIDs)), now,
		(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n, &e)
	runtime.KeepAlive(openIDs)
	switch st {
	case C.VOIPSIGN_OK:
		return roomOf(buf[:n], "voipsign_ledger_sync")
	case C.VOIPSIGN_BUFFER_TOO_SMALL:
		// The sync was applied (it is never repeated): read the room it left.
		return roomLocked(h, a, al, g, gl, now, int(n)+1)
	}
	return Room{}, newError(st, st, &e)
}

// Room returns the room (appID, groupID) without changing it. A room never seen
// has Generation 0 and is not Live.
func (l *Ledger) Room(appID, groupID string) (Room, error) {
	return l.room(appID, groupID, unset)
}

// RoomAt is Room at the time now (seats expired by then are not listed).
func (l *Ledger) RoomAt(appID, groupID string, now time.Time) (Room, error) {
	return l.room(appID, groupID, msAt(now))
}

func (l *Ledger) room(appID, groupID string, now C.int64_t) (Room, error) {
	h, err := l.acquire()
	if err != nil {
		return Room{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	return roomLocked(h, a, al, g, gl, now, 64+332*10)
}

// roomLocked calls voipsign_ledger_room (the caller holds l.mu for reading),
// with a buffer of size bytes, grown if the library asks.
func roomLocked(h *C.voipsign_ledger, a *C.char, al C.size_t, g *C.char, gl C.size_t, now C.int64_t, size int) (Room, error) {
	out, err := textCall(size, func(o *C.char, cap C.size_t, outLen *C.size_t, e *C.voipsign_error) uint32 {
		return C.voipsign_ledger_room(h, a, al, g, gl, now, o, cap, outLen, e)
	})
	if err != nil {
		return Room{}, err
	}
	return roomOf(out, "voipsign_ledger_room")
}

// Usage returns today's openings of appID and the limit.
func (l *Ledger) Usage(appID string) (Usage, error) {
	return l.usage(appID, unset, unset)
}

// UsageAt returns the openings of appID on the day of now.
func (l *Ledger) UsageAt(appID string, now time.Time) (Usage, error) {
	return l.usage(appID, unset, msAt(now))
}

// UsageOfDay returns the openings of appID on day (days since 1970-01-01 in
// Rules.DayOffsetMinutes: Usage.Day-1 is yesterday). The memory store forgets
// days before yesterday.
func (l *Ledger) UsageOfDay(appID string, day int64) (Usage, error) {
	return l.usage(appID, C.int64_t(day), unset)
}

// UsageOfDayAt is UsageOfDay at the time now ("yesterday" is the day before
// now's).
func (l *Ledger) UsageOfDayAt(appID string, day int64, now time.Time) (Usage, error) {
	return l.usage(appID, C.int64_t(day), msAt(now))
}

func (l *Ledger) usage(appID string, day, now C.int64_t) (Usage, error) {
	h, err := l.acquire()
	if err != nil {
		return Usage{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	var out C.voipsign_usage
	var e C.voipsign_error
	if st := C.voipsign_ledger_usage(h, a, al, day, now, &out, &e); st != C.VOIPSIGN_OK {
		return Usage{}, newError(st, st, &e)
	}
	return Usage{Day: int64(out.day), Rooms: int(out.rooms), DailyRoomLimit: int(out.daily_room_limit)}, nil
}

func admissionOf(c *C.voipsign_admission) Admission {
	return Admission{
		Opened:         bool(c.opened),
		Renewed:        bool(c.renewed),
		Members:        int(c.members),
		Generation:     int(c.generation),
		RoomsToday:     int(c.rooms_today),
		DailyRoomLimit: int(c.daily_room_limit),
		QuotaWarning:   bool(c.quota_warning),
		LeaseExpiresAt: time.UnixMilli(int64(c.lease_expires_at)),
		Degraded:       bool(c.degraded),
	}
}

// roomOf decodes the room JSON of voipsign_ledger_sync / _room.
func roomOf(data []byte, fn string) (Room, error) {
	var j struct {
		Members []struct {
			MemberID string `json:"memberId"`
			Since    int64  `json:"since"`
			Expires  int64  `json:"expires"`
		} `json:"members"`
		Generation int  `json:"generation"`
		Live       bool `json:"live"`
	}
	if err := decodeJSON(data, &j, fn); err != nil {
		return Room{}, err
	}
	r := Room{Members: make([]Seat, len(j.Members)), Generation: j.Generation, Live: j.Live}
	for i, m := range j.Members {
		r.Members[i] = Seat{MemberID: m.MemberID, Since: time.UnixMilli(m.Since), Expires: time.UnixMilli(m.Expires)}
	}
	return r, nil
}
