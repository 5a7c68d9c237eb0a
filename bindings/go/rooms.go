package voipsign

/*
#include "voipsign.h"
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Admit seats memberID (the user's openid) in the room (appID, groupID),
// opening the room when it is not live (charged to today's quota). A member
// who already holds a seat is Renewed, never refused or charged. Errors:
// refusals (ErrRefusal: ErrRoomFull, ErrDailyRoomLimit, and ErrMemberDailyLimit
// when the admission would open a room and memberID already opened
// WithMemberDailyOpenings rooms today; joining a live room is never refused by
// it), ErrOutage (the store cannot be reached and WithOnUnavailable refuses),
// and input errors (ErrInput).
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

// Usage returns today's day counters of appID (docs/ROOMS.md, "Day counters":
// openings and the limit, admissions, refusals by reason, leaves, expiries, the
// peak) and the live rooms and seats now. Every seat of the appID that has
// ended is counted first.
func (l *Ledger) Usage(ctx context.Context, appID string) (Usage, error) {
	return l.usage(ctx, appID, unset, unset)
}

// UsageAt returns the counters of appID on the day of now (LiveRooms and
// LiveSeats at now).
func (l *Ledger) UsageAt(ctx context.Context, appID string, now time.Time) (Usage, error) {
	return l.usage(ctx, appID, unset, msAt(now))
}

// UsageOfDay returns the counters of appID on day (days since 1970-01-01 in the
// day offset: Usage.Day-1 is yesterday). LiveRooms and LiveSeats are nil unless
// day is today. The memory store forgets days before yesterday.
func (l *Ledger) UsageOfDay(ctx context.Context, appID string, day int64) (Usage, error) {
	return l.usage(ctx, appID, C.int64_t(day), unset)
}

// UsageOfDayAt is UsageOfDay at the time now ("today" and "yesterday" are
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
	return usageOf(&out), nil
}

func usageOf(c *C.voipsign_usage) Usage {
	return Usage{
		Day:                int64(c.day),
		Openings:           int(c.openings),
		Admissions:         int(c.admissions),
		Renewals:           int(c.renewals),
		RefusedRoomFull:    int(c.refused_room_full),
		RefusedDailyLimit:  int(c.refused_daily_limit),
		RefusedMemberLimit: int(c.refused_member_limit),
		HeartbeatsRefused:  int(c.heartbeats_refused),
		Leaves:             int(c.leaves),
		AdoptedBySync:      int(c.adopted_by_sync),
		RemovedBySync:      int(c.removed_by_sync),
		Expired:            int(c.expired),
		PeakSeats:          int(c.peak_seats),
		LiveRooms:          liveCount(c.live_rooms),
		LiveSeats:          liveCount(c.live_seats),
		DailyRoomLimit:     int(c.daily_room_limit),
	}
}

// liveCount is a live count of voipsign_usage: -1 (not the call's own day) is nil.
func liveCount(n C.int64_t) *int {
	if n < 0 {
		return nil
	}
	v := int(n)
	return &v
}

// maxPage is the largest page of Rooms (INVALID_LIMIT above it); the package
// uses it only to size the buffer of voipsign_ledger_rooms, never to refuse.
const maxPage = 1000

// Rooms returns one page of appID's live rooms in groupId byte order: at most
// limit rooms (1–1000, else ErrInvalidLimit; 100 is the default of the
// languages with optional arguments), starting after the groupId *after (nil:
// from the first room). RoomPage.Next is the after of the next page, nil on the
// last page, so a loop passes it straight back:
//
//	var after *string
//	for {
//		page, err := ledger.Rooms(ctx, appID, 100, after)
//		if err != nil {
//			return err
//		}
//		for _, r := range page.Rooms { /* r.GroupID, r.Seats, r.OpenedAt */ }
//		if page.Next == nil {
//			break
//		}
//		after = page.Next
//	}
//
// A pointer, not "" for "from the start": "" is a groupId the library refuses
// (ErrInvalidGroupID naming after, as in every language), and nil is what Next
// is on the last page. Errors are checked in the order appID, limit, after. A
// page reflects the rooms at the time of the call: rooms opened or closed
// between two pages may be missed or seen once more.
func (l *Ledger) Rooms(ctx context.Context, appID string, limit int, after *string) (RoomPage, error) {
	return l.rooms(ctx, appID, limit, after, unset)
}

// RoomsAt is Rooms at the time now (rooms whose last seat expired by then are
// not listed).
func (l *Ledger) RoomsAt(ctx context.Context, appID string, limit int, after *string, now time.Time) (RoomPage, error) {
	return l.rooms(ctx, appID, limit, after, msAt(now))
}

func (l *Ledger) rooms(ctx context.Context, appID string, limit int, after *string, now C.int64_t) (RoomPage, error) {
	h, err := l.acquire(ctx)
	if err != nil {
		return RoomPage{}, err
	}
	defer l.mu.RUnlock()
	a, al := cstr(appID)
	var g *C.char
	var gl C.size_t
	if after != nil {
		g, gl = cgiven(*after) // "" is the value "", refused; only nil is "none"
	}
	// A limit that does not fit the C ABI's uint32_t goes as 0, which the library
	// refuses (after the appId) as it refuses every limit outside 1–1000; the
	// message then gives the caller's number.
	lim := C.uint32_t(0)
	if limit >= 0 && uint64(limit) <= math.MaxUint32 {
		lim = C.uint32_t(limit)
	}
	size := C.voipsign_room_page_json_bound(0) // an invalid limit: refused before anything is written
	if limit >= 1 && limit <= maxPage {
		size = C.voipsign_room_page_json_bound(lim)
	}
	out, err := textCall(int(size), func(o *C.char, cap C.size_t, outLen *C.size_t, e *C.voipsign_error) uint32 {
		return C.voipsign_ledger_rooms(h, a, al, lim, g, gl, now, o, cap, outLen, e)
	})
	runtime.KeepAlive(after)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == CodeInvalidLimit && C.int64_t(lim) != C.int64_t(limit) {
			e.Message = strings.Replace(e.Message, "limit is 0", "limit is "+strconv.Itoa(limit), 1)
		}
		return RoomPage{}, err
	}
	p := RoomPage{Rooms: []RoomSummary{}}
	if err := decodeJSON(out, &p, "voipsign_ledger_rooms"); err != nil {
		return RoomPage{}, err
	}
	return p, nil
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
