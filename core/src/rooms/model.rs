//! The rules of one room, as plain functions over its state: what every store
//! computes (the memory store runs these; the Redis store's scripts do the same
//! steps on the server, and both pass the same scenario table).

use serde::Serialize;

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

/// Openings of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// The day: days since 1970-01-01 in the rules' UTC offset.
    pub day: i64,
    /// Openings charged that day.
    pub rooms: u64,
    /// The daily limit.
    pub daily_room_limit: u64,
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
    /// The last time anything happened to the room (for the memory store's sweep).
    pub touched: i64,
}

impl RoomState {
    /// Drop the seats whose lease ended by `now`.
    pub fn expire(&mut self, now: i64) {
        self.seats.retain(|s| now < s.expires);
    }

    fn seat(&mut self, member: &str) -> Option<&mut Seat> {
        self.seats.iter_mut().find(|s| s.member_id == member)
    }

    /// admit: `today` is the appId's count of openings on the day of `now`.
    pub fn admit(
        &mut self,
        l: &Limits,
        today: &mut u64,
        member: &str,
        now: i64,
    ) -> Result<Admission, Error> {
        self.expire(now);
        self.touched = now;
        let (opened, renewed, expires) = match self.seat(member) {
            Some(seat) => {
                seat.expires = seat.expires.max(now.saturating_add(l.reserve_ttl_ms));
                (false, true, seat.expires)
            }
            None => {
                if self.seats.len() >= l.capacity as usize {
                    return Err(room_full(self.seats.len(), l));
                }
                let opening = self.seats.is_empty();
                if opening && *today >= l.daily_room_limit {
                    return Err(daily_limit(*today, l));
                }
                if opening {
                    *today += 1;
                    self.generation += 1;
                }
                let expires = now.saturating_add(l.reserve_ttl_ms);
                self.seats.push(Seat {
                    member_id: member.to_owned(),
                    since: now,
                    expires,
                });
                (opening, false, expires)
            }
        };
        Ok(Admission {
            opened,
            renewed,
            members: self.seats.len() as u32,
            generation: self.generation,
            rooms_today: *today,
            daily_room_limit: l.daily_room_limit,
            quota_warning: *today >= l.daily_room_warning,
            lease_expires_at: expires,
            degraded: false,
        })
    }

    /// heartbeat: the new lease expiry, or `NOT_ADMITTED`.
    pub fn heartbeat(&mut self, l: &Limits, member: &str, now: i64) -> Result<i64, Error> {
        self.expire(now);
        self.touched = now;
        match self.seat(member) {
            Some(seat) => {
                seat.expires = seat.expires.max(now.saturating_add(l.lease_ttl_ms));
                Ok(seat.expires)
            }
            None => Err(not_admitted()),
        }
    }

    /// leave: whether a live seat was removed.
    pub fn leave(&mut self, member: &str, now: i64) -> bool {
        self.expire(now);
        self.touched = now;
        let before = self.seats.len();
        self.seats.retain(|s| s.member_id != member);
        self.seats.len() != before
    }

    /// sync with the member list a phone reported (duplicates ignored).
    pub fn sync(&mut self, l: &Limits, listed: &[&str], now: i64) {
        self.expire(now);
        self.touched = now;
        let was_live = !self.seats.is_empty();
        self.seats.retain(|s| {
            listed.contains(&s.member_id.as_str()) || now.saturating_sub(s.since) < l.sync_grace_ms
        });
        for &member in listed {
            match self.seat(member) {
                Some(seat) => seat.expires = seat.expires.max(now.saturating_add(l.lease_ttl_ms)),
                None => self.seats.push(Seat {
                    member_id: member.to_owned(),
                    since: now,
                    expires: now.saturating_add(l.lease_ttl_ms),
                }),
            }
        }
        if !was_live && !self.seats.is_empty() {
            self.generation += 1;
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
