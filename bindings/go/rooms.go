package voipsign

/*
#include "voipsign.h"
*/
import "C"

import (
	"context"
	"runtime"
	"time"
	"unsafe"
)

// Admit seats memberID (the user's openid) in the room (appID, groupID),
// opening the room when it is not live (charged to today's quota). A member
// who already holds a seat is Renewed, never refused or charged. Errors:
// refusals (ErrRefusal: a full room, the day's limit), ErrOutage (the store
// cannot be reached and WithOnUnavailable refuses), and input errors (ErrInput).
func (l *Ledger) Admit(ctx context.Context, appID, groupID, memberID string) (Admission, error) {
	return l.admit(ctx, appID, groupID, memberID, unset)
}

// AdmitAt is Admit at the time now instead of the store's clock.
func (l *Ledger) AdmitAt(ctx context.Context, appID, groupID, memberID string, now time.Time) (Admission, error) {
	return l.admit(ctx, appID, groupID, memberID, msAt(now))
}

func (l *Ledger) admit(ctx context.Context, appID, groupID, memberID string, now C.int64_t) (Admission, error) {
	h, err := l.acquire(ctx)
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
// Issue does. Every input, the session_key included, is checked before
// anything is written: a bad key takes no seat.
func (l *Ledger) AdmitAndIssue(ctx context.Context, appID, groupID, memberID, sessionKey string, roomType RoomType) (Admission, JoinTicket, error) {
	return l.admitAndIssue(ctx, appID, groupID, memberID, sessionKey, roomType, unset)
}

// AdmitAndIssueAt is AdmitAndIssue at the time now: the ticket's TimeStamp is
// now in whole seconds (rounded down).
func (l *Ledger) AdmitAndIssueAt(ctx context.Context, appID, groupID, memberID, sessionKey string, roomType RoomType, now time.Time) (Admission, JoinTicket, error) {
	return l.admitAndIssue(ctx, appID, groupID, memberID, sessionKey, roomType, msAt(now))
}

func (l *Ledger) admitAndIssue(ctx context.Context, appID, groupID, memberID, sessionKey string, roomType RoomType, now C.int64_t) (Admission, JoinTicket, error) {
	h, err := l.acquire(ctx)
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
func (l *Ledger) Heartbeat(ctx context.Context, appID, groupID, memberID string) (UnixMilli, error) {
	return l.heartbeat(ctx, appID, groupID, memberID, unset)
}

// HeartbeatAt is Heartbeat at the time now.
func (l *Ledger) HeartbeatAt(ctx context.Context, appID, groupID, memberID string, now time.Time) (UnixMilli, error) {
	return l.heartbeat(ctx, appID, groupID, memberID, msAt(now))
}

func (l *Ledger) heartbeat(ctx context.Context, appID, groupID, memberID string, now C.int64_t) (UnixMilli, error) {
	h, err := l.acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	m, ml := cstr(memberID)
	var expires C.int64_t
	var e C.voipsign_error
	if st := C.voipsign_ledger_heartbeat(h, a, al, g, gl, m, ml, now, &expires, &e); st != C.VOIPSIGN_OK {
		return 0, newError(st, st, &e)
	}
	return UnixMilli(expires), nil
}

// Leave removes memberID's seat (on wx.exitVoIPChat) and reports whether there
// was one. It is idempotent; when the last seat goes, the room is gone.
func (l *Ledger) Leave(ctx context.Context, appID, groupID, memberID string) (bool, error) {
	return l.leave(ctx, appID, groupID, memberID, unset)
}

// LeaveAt is Leave at the time now.
func (l *Ledger) LeaveAt(ctx context.Context, appID, groupID, memberID string, now time.Time) (bool, error) {
	return l.leave(ctx, appID, groupID, memberID, msAt(now))
}

func (l *Ledger) leave(ctx context.Context, appID, groupID, memberID string, now C.int64_t) (bool, error) {
	h, err := l.acquire(ctx)
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
// seats older than the sync grace are removed. A bad id is an input error.
func (l *Ledger) Sync(ctx context.Context, appID, groupID string, openIDs []string) (Room, error) {
	return l.sync(ctx, appID, groupID, openIDs, unset)
}

// SyncAt is Sync at the time now.
func (l *Ledger) SyncAt(ctx context.Context, appID, groupID string, openIDs []string, now time.Time) (Room, error) {
	return l.sync(ctx, appID, groupID, openIDs, msAt(now))
}

func (l *Ledger) sync(ctx context.Context, appID, groupID string, openIDs []string, now C.int64_t) (Room, error) {
	h, err := l.acquire(ctx)
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
	// A full room plus every listed id (voipsign.h); should the library ever ask
	// for more, the sync has been applied: the room it left is read instead.
	buf := make([]byte, C.voipsign_room_json_bound(C.size_t(maxCapacity+len(openIDs))))
	var n C.size_t
	var e C.voipsign_error
	st := C.voipsign_ledger_sync(h, a, al, g, gl, pp, lp, C.size_t(len(openIDs)), now,
		(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n, &e)
	runtime.KeepAlive(openIDs)
	switch st {
	case C.VOIPSIGN_OK:
		return roomOf(buf[:n], "voipsign_ledger_sync")
	case C.VOIPSIGN_BUFFER_TOO_SMALL:
		return roomLocked(h, a, al, g, gl, now, int(n)+1)
	}
	return Room{}, newError(st, st, &e)
}

// Room returns the room (appID, groupID) without changing it. A room never seen
// has Generation 0 and is not Live.
func (l *Ledger) Room(ctx context.Context, appID, groupID string) (Room, error) {
	return l.room(ctx, appID, groupID, unset)
}

// RoomAt is Room at the time now (seats expired by then are not listed).
func (l *Ledger) RoomAt(ctx context.Context, appID, groupID string, now time.Time) (Room, error) {
	return l.room(ctx, appID, groupID, msAt(now))
}

func (l *Ledger) room(ctx context.Context, appID, groupID string, now C.int64_t) (Room, error) {
	h, err := l.acquire(ctx)
	if err != nil {
		return Room{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	g, gl := cstr(groupID)
	return roomLocked(h, a, al, g, gl, now, int(C.voipsign_room_json_bound(maxCapacity)))
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
func (l *Ledger) Usage(ctx context.Context, appID string) (Usage, error) {
	return l.usage(ctx, appID, unset, unset)
}

// UsageAt returns the openings of appID on the day of now.
func (l *Ledger) UsageAt(ctx context.Context, appID string, now time.Time) (Usage, error) {
	return l.usage(ctx, appID, unset, msAt(now))
}

// UsageOfDay returns the openings of appID on day (days since 1970-01-01 in the
// day offset: Usage.Day-1 is yesterday). The memory store forgets days before
// yesterday.
func (l *Ledger) UsageOfDay(ctx context.Context, appID string, day int64) (Usage, error) {
	return l.usage(ctx, appID, C.int64_t(day), unset)
}

// UsageOfDayAt is UsageOfDay at the time now ("yesterday" is the day before
// now's).
func (l *Ledger) UsageOfDayAt(ctx context.Context, appID string, day int64, now time.Time) (Usage, error) {
	return l.usage(ctx, appID, C.int64_t(day), msAt(now))
}

func (l *Ledger) usage(ctx context.Context, appID string, day, now C.int64_t) (Usage, error) {
	h, err := l.acquire(ctx)
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
		LeaseExpiresAt: UnixMilli(c.lease_expires_at),
		Degraded:       bool(c.degraded),
	}
}

// roomOf decodes the room JSON of voipsign_ledger_sync / _room.
func roomOf(data []byte, fn string) (Room, error) {
	r := Room{Members: []Seat{}}
	err := decodeJSON(data, &r, fn)
	return r, err
}
