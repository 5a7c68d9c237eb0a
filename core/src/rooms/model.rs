//! The rules of one room, as plain functions over its state: what every store
//! computes (the memory store runs these; the Redis store's scripts do the same
//! steps on the server, and both pass the same scenario table).

use serde::Serialize;

use super::counters::Counter;
use super::rules::Limits;
use crate::error::{Error, ErrorCode};

/// The result of an admission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Admission {
    /// This call opened the room (it was not live) and was charged to today.
    pub opened: bool,
    /// The member already held a seat: its lease was refreshed, nothing charged.
    pub renewed: bool,
    /// Live seats after the call.
    pub members: u32,
    /// The room's generation: how many times this groupId was opened (or made
    /// live by `sync`) while the store remembered it.
    pub generation: u64,
    /// Openings charged to the appId on the day of the call.
    pub rooms_today: u64,
    /// The daily limit of openings.
    pub daily_room_limit: u64,
    /// `rooms_today >= daily_room_warning`.
    pub quota_warning: bool,
    /// The member's lease expiry, unix ms (exclusive).
    pub lease_expires_at: i64,
    /// The store could not be reached and `on_unavailable = allow` admitted
    /// anyway: nothing was counted.
    pub degraded: bool,
}

/// A member's seat in a room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Seat {
    /// The member id (openid).
    pub member_id: String,
    /// When the seat was granted or adopted, unix ms (renewals keep it).
    pub since: i64,
    /// When the lease ends, unix ms (exclusive: live while `now < expires`).
    pub expires: i64,
}

/// Bytes of a room's JSON form (`Room`, as the C ABI writes it) besides its
/// seats.
pub const ROOM_JSON_FIXED: usize = 64;
/// The most bytes one seat takes in a room's JSON form: a 128-byte member id
/// whose every byte is escaped (`\"`) plus the keys and two 20-digit times.
pub const ROOM_JSON_PER_SEAT: usize = 332;

/// A buffer of this many bytes always holds the JSON form of a room of at most
/// `seats` seats (`sync` may adopt listed members beyond the capacity: pass
/// capacity + the number listed).
pub const fn room_json_bound(seats: usize) -> usize {
    ROOM_JSON_FIXED + ROOM_JSON_PER_SEAT * seats
}

/// A buffer of this many bytes always holds the JSON form of a [`RoomPage`] of
/// at most `limit` rooms: each a groupId of at most 1024 bytes whose every byte
/// may be escaped (`\"`), three numbers of up to 20 digits and the keys; `next`
/// a groupId as well.
pub const fn room_page_json_bound(limit: u32) -> usize {
    const GROUP: usize = 2 * crate::params::MAX_GROUP_ID_LEN + 2;
    const SUMMARY: usize = GROUP + 100;
    32 + GROUP + SUMMARY * limit as usize
}

/// A room as the ledger sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Room {
    /// Live seats, sorted by member id (byte order).
    pub members: Vec<Seat>,
    /// How many times the room became live (0: never seen).
    pub generation: u64,
    /// Whether at least one seat is live.
    pub live: bool,
}

/// One live room of a [`RoomPage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomSummary {
    /// The room's groupId.
    pub group_id: String,
    /// Its live seats at the call's time.
    pub seats: u32,
    /// Seats per room (the rule).
    pub capacity: u32,
    /// The room's generation.
    pub generation: u64,
    /// When its current generation became live, unix ms.
    pub opened_at: i64,
}

/// One page of an appId's live rooms, in groupId byte order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RoomPage {
    /// At most `limit` live rooms.
    pub rooms: Vec<RoomSummary>,
    /// The groupId to pass as `after` for the next page; `None` on the last.
    pub next: Option<String>,
}

impl RoomPage {
    /// A page of `rooms`; `more`: live rooms follow (the last one is the cursor).
    pub fn new(rooms: Vec<RoomSummary>, more: bool) -> RoomPage {
        let next = if more {
            rooms.last().map(|r| r.group_id.clone())
        } else {
            None
        };
        RoomPage { rooms, next }
    }
}

/// The most rooms one page of `rooms` holds.
pub const MAX_PAGE: u32 = 1000;
/// The page size of `rooms` unless told.
pub const DEFAULT_PAGE: u32 = 100;

/// What a room's rules tell the store that keeps the appId's books: its day
/// counters, its members' openings and its live seats (implemented by each
/// store; `now` and the day are the operation's).
pub(crate) trait Books {
    /// Openings charged to the appId today.
    fn openings(&mut self) -> u64;
    /// Rooms `member` opened today.
    fn member_openings(&mut self, member: &str) -> u64;
    /// `member` opened a room (counted in [`Counter::Openings`] too).
    fn opened_by(&mut self, member: &str);
    /// Add one to today's `c`.
    fn count(&mut self, c: Counter);
    /// A seat was granted or adopted with this lease end.
    fn added(&mut self, expires: i64);
    /// A seat's lease end moved.
    fn extended(&mut self, from: i64, to: i64);
    /// A live seat was removed (leave, sync).
    fn removed(&mut self, expires: i64);
    /// A seat whose lease ended was dropped (counted `expired` on its day).
    fn ended(&mut self, expires: i64);
    /// `member` left this room by `leave` (noted for `sync_grace_ms`; older
    /// notes of the appId dropped).
    fn left(&mut self, member: &str);
    /// Whether `member` left this room less than `sync_grace_ms` before now
    /// (sync does not adopt it: the list is older than the leave). The first
    /// call of an operation drops the appId's older notes.
    fn left_recently(&mut self, member: &str) -> bool;
}

/// `ROOM_FULL`: `seated` live seats, all taken by others (every store's message).
pub(crate) fn room_full(seated: usize, l: &Limits) -> Error {
    Error::new(
        ErrorCode::RoomFull,
        format!(
            "the room is full: {seated} of {} seats are taken",
            l.capacity
        ),
    )
}

/// `DAILY_ROOM_LIMIT`: `today` openings already charged.
pub(crate) fn daily_limit(today: u64, l: &Limits) -> Error {
    Error::new(
        ErrorCode::DailyRoomLimit,
        format!(
            "opening this room would exceed today's limit: {today} of {} rooms opened",
            l.daily_room_limit
        ),
    )
}

/// `MEMBER_DAILY_LIMIT`: the member opened `opened` rooms today.
pub(crate) fn member_limit(opened: u64, l: &Limits) -> Error {
    Error::new(
        ErrorCode::MemberDailyLimit,
        format!(
            "memberId already opened {opened} rooms today, the most one member may open in a day ({}): it may join a live room, not open one",
            l.member_daily_openings
        ),
    )
}

/// `NOT_ADMITTED`.
pub(crate) fn not_admitted() -> Error {
    Error::new(
        ErrorCode::NotAdmitted,
        "memberId holds no live seat in this room (never admitted, left, or its lease expired): admit it again",
    )
}

/// The stored state of one room.
#[derive(Debug, Clone, Default)]
pub(crate) struct RoomState {
    /// Seats, possibly expired until [`RoomState::expire`] runs.
    pub seats: Vec<Seat>,
    pub generation: u64,
    /// When the current generation became live.
    pub opened_at: i64,
    /// The last time anything happened to the room (for the memory store's sweep).
    pub touched: i64,
}

impl RoomState {
    /// Drop the seats whose lease ended by `now` (each counted `expired`).
    pub fn expire(&mut self, now: i64, b: &mut impl Books) {
        self.seats.retain(|s| {
            let live = now < s.expires;
            if !live {
                b.ended(s.expires);
            }
            live
        });
    }

    fn seat(&mut self, member: &str) -> Option<&mut Seat> {
        self.seats.iter_mut().find(|s| s.member_id == member)
    }

    /// admit (docs/ROOMS.md, "Exact semantics"), counted in `b`.
    pub fn admit(
        &mut self,
        l: &Limits,
        b: &mut impl Books,
        member: &str,
        now: i64,
    ) -> Result<Admission, Error> {
        self.expire(now, b);
        self.touched = now;
        let (opened, renewed, expires) = match self.seat(member) {
            Some(seat) => {
                let to = seat.expires.max(now.saturating_add(l.reserve_ttl_ms));
                b.extended(seat.expires, to);
                seat.expires = to;
                b.count(Counter::Renewals);
                (false, true, to)
            }
            None => {
                if self.seats.len() >= l.capacity as usize {
                    b.count(Counter::RefusedRoomFull);
                    return Err(room_full(self.seats.len(), l));
                }
                let opening = self.seats.is_empty();
                if opening {
                    let today = b.openings();
                    if today >= l.daily_room_limit {
                        b.count(Counter::RefusedDailyLimit);
                        return Err(daily_limit(today, l));
                    }
                    if l.member_daily_openings > 0 {
                        let mine = b.member_openings(member);
                        if mine >= l.member_daily_openings {
                            b.count(Counter::RefusedMemberLimit);
                            return Err(member_limit(mine, l));
                        }
                    }
                    b.opened_by(member);
                    self.generation += 1;
                    self.opened_at = now;
                }
                b.count(Counter::Admissions);
                let expires = now.saturating_add(l.reserve_ttl_ms);
                b.added(expires);
                self.seats.push(Seat {
                    member_id: member.to_owned(),
                    since: now,
                    expires,
                });
                (opening, false, expires)
            }
        };
        let today = b.openings();
        Ok(Admission {
            opened,
            renewed,
            members: self.seats.len() as u32,
            generation: self.generation,
            rooms_today: today,
            daily_room_limit: l.daily_room_limit,
            quota_warning: today >= l.daily_room_warning,
            lease_expires_at: expires,
            degraded: false,
        })
    }

    /// heartbeat: the new lease expiry, or `NOT_ADMITTED`.
    pub fn heartbeat(
        &mut self,
        l: &Limits,
        b: &mut impl Books,
        member: &str,
        now: i64,
    ) -> Result<i64, Error> {
        self.expire(now, b);
        self.touched = now;
        match self.seat(member) {
            Some(seat) => {
                let to = seat.expires.max(now.saturating_add(l.lease_ttl_ms));
                b.extended(seat.expires, to);
                seat.expires = to;
                Ok(to)
            }
            None => {
                b.count(Counter::HeartbeatsRefused);
                Err(not_admitted())
            }
        }
    }

    /// leave: whether a live seat was removed.
    pub fn leave(&mut self, b: &mut impl Books, member: &str, now: i64) -> bool {
        self.expire(now, b);
        self.touched = now;
        match self.seats.iter().position(|s| s.member_id == member) {
            Some(i) => {
                let seat = self.seats.swap_remove(i);
                b.removed(seat.expires);
                b.count(Counter::Leaves);
                b.left(member);
                true
            }
            None => false,
        }
    }

    /// sync with the member list a phone reported (duplicates ignored).
    pub fn sync(&mut self, l: &Limits, b: &mut impl Books, listed: &[&str], now: i64) {
        self.expire(now, b);
        self.touched = now;
        let was_live = !self.seats.is_empty();
        self.seats.retain(|s| {
            let keep = listed.contains(&s.member_id.as_str())
                || now.saturating_sub(s.since) < l.sync_grace_ms;
            if !keep {
                b.removed(s.expires);
                b.count(Counter::RemovedBySync);
            }
            keep
        });
        for &member in listed {
            let lease = now.saturating_add(l.lease_ttl_ms);
            match self.seat(member) {
                Some(seat) => {
                    let to = seat.expires.max(lease);
                    b.extended(seat.expires, to);
                    seat.expires = to;
                }
                None if b.left_recently(member) => {}
                None => {
                    b.added(lease);
                    b.count(Counter::AdoptedBySync);
                    self.seats.push(Seat {
                        member_id: member.to_owned(),
                        since: now,
                        expires: lease,
                    });
                }
            }
        }
        if !was_live && !self.seats.is_empty() {
            self.generation += 1;
            self.opened_at = now;
        }
    }

    /// This room as a [`RoomSummary`] (its seats must be expired first).
    pub fn summary(&self, group: &str, l: &Limits) -> RoomSummary {
        RoomSummary {
            group_id: group.to_owned(),
            seats: self.seats.len() as u32,
            capacity: l.capacity,
            generation: self.generation,
            opened_at: self.opened_at,
        }
    }

    /// The room at `now` (expired seats left out), seats sorted by member id.
    pub fn snapshot(&self, now: i64) -> Room {
        let mut members: Vec<Seat> = self
            .seats
            .iter()
            .filter(|s| now < s.expires)
            .cloned()
            .collect();
        members.sort_by(|a, b| a.member_id.as_bytes().cmp(b.member_id.as_bytes()));
        Room {
            live: !members.is_empty(),
            members,
            generation: self.generation,
        }
    }
}
