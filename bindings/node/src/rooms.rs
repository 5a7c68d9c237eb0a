//! The room ledger's results as napi-rs objects (declared in binding.d.ts): the
//! core's `Admission`, `Room`, `Seat`, `Usage` and `Limits`, field for field, with
//! the names of their serde (camelCase) form, so that a result equals the JSON of
//! tests/vectors/rooms.json. Counts are `u32`/`i64` (JavaScript numbers): a
//! generation or a day count never comes near 2^53.

use napi_derive::napi;
use voipsign::rooms;

use crate::objects::JoinTicket;

/// A count of the core as a JavaScript number (saturated; never reached).
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The result of `admit` (and the admission of `admitAndIssue`).
#[napi(object)]
pub struct Admission {
    /// This call opened the room (it was not live) and was charged to today.
    pub opened: bool,
    /// The member already held a seat: its lease was refreshed, nothing charged.
    pub renewed: bool,
    /// Live seats after the call.
    pub members: u32,
    /// How many times this groupId was opened (or made live by `sync`) while
    /// the store remembered it.
    pub generation: i64,
    /// Openings charged to the appId on the day of the call.
    pub rooms_today: i64,
    /// The daily limit of openings.
    pub daily_room_limit: i64,
    /// `roomsToday >= dailyRoomWarning`.
    pub quota_warning: bool,
    /// The member's lease expiry, unix ms (exclusive).
    pub lease_expires_at: i64,
    /// The store could not be reached and `onUnavailable: 'allow'` admitted
    /// anyway: nothing was counted.
    pub degraded: bool,
}

impl From<rooms::Admission> for Admission {
    fn from(a: rooms::Admission) -> Admission {
        Admission {
            opened: a.opened,
            renewed: a.renewed,
            members: a.members,
            generation: count(a.generation),
            rooms_today: count(a.rooms_today),
            daily_room_limit: count(a.daily_room_limit),
            quota_warning: a.quota_warning,
            lease_expires_at: a.lease_expires_at,
            degraded: a.degraded,
        }
    }
}

/// The result of `admitAndIssue`: the admission, and the join ticket to return to
/// the mini program (exactly what `wx.joinVoIPChat` takes, as `issue` makes it).
#[napi(object)]
pub struct AdmissionAndTicket {
    /// The seat granted or renewed.
    pub admission: Admission,
    /// The join ticket.
    pub ticket: JoinTicket,
}

impl From<(rooms::Admission, voipsign::JoinTicket)> for AdmissionAndTicket {
    fn from((admission, ticket): (rooms::Admission, voipsign::JoinTicket)) -> Self {
        AdmissionAndTicket {
            admission: admission.into(),
            ticket: ticket.into(),
        }
    }
}

/// A member's seat in a room.
#[napi(object)]
pub struct Seat {
    /// The member id (openid).
    pub member_id: String,
    /// When the seat was granted or adopted, unix ms (renewals keep it).
    pub since: i64,
    /// When the lease ends, unix ms (exclusive: live while `now < expires`).
    pub expires: i64,
}

/// A room as the ledger sees it (`room`, `sync`).
#[napi(object)]
pub struct Room {
    /// Live seats, sorted by member id (byte order).
    pub members: Vec<Seat>,
    /// How many times the room became live (0: never seen).
    pub generation: i64,
    /// Whether at least one seat is live.
    pub live: bool,
}

impl From<rooms::Room> for Room {
    fn from(r: rooms::Room) -> Room {
        let seat = |s: rooms::Seat| Seat {
            member_id: s.member_id,
            since: s.since,
            expires: s.expires,
        };
        Room {
            members: r.members.into_iter().map(seat).collect(),
            generation: count(r.generation),
            live: r.live,
        }
    }
}

/// Openings of one day (`usage`).
#[napi(object)]
pub struct Usage {
    /// The day: days since 1970-01-01 in the rules' UTC offset.
    pub day: i64,
    /// Openings charged that day.
    pub rooms: i64,
    /// The daily limit.
    pub daily_room_limit: i64,
}

impl From<rooms::Usage> for Usage {
    fn from(u: rooms::Usage) -> Usage {
        Usage {
            day: u.day,
            rooms: count(u.rooms),
            daily_room_limit: count(u.daily_room_limit),
        }
    }
}

/// What admissions do when the store cannot be reached: `"allow"` (admit,
/// flagged `degraded`) or `"refuse"` (`LEDGER_UNAVAILABLE`).
#[napi(string_enum = "lowercase")]
pub enum OnUnavailable {
    /// Admit anyway, with `degraded: true`.
    Allow,
    /// Refuse with `LEDGER_UNAVAILABLE`.
    Refuse,
}

/// The rules a ledger enforces, every default filled in (`ledger.rules`).
#[napi(object)]
pub struct Limits {
    /// Seats per room.
    pub capacity: u32,
    /// Openings per appId per day.
    pub daily_room_limit: i64,
    /// Openings from which admissions report `quotaWarning`.
    pub daily_room_warning: i64,
    /// Lease of a new seat, ms.
    pub reserve_ttl_ms: i64,
    /// Lease after a heartbeat or a sync, ms.
    pub lease_ttl_ms: i64,
    /// Youngest seat `sync` may remove, ms.
    pub sync_grace_ms: i64,
    /// The UTC offset of the day quotas count, minutes.
    pub day_offset_minutes: i64,
    /// What admissions do when the store cannot be reached.
    pub on_unavailable: OnUnavailable,
}

impl From<&rooms::Limits> for Limits {
    fn from(l: &rooms::Limits) -> Limits {
        Limits {
            capacity: l.capacity,
            daily_room_limit: count(l.daily_room_limit),
            daily_room_warning: count(l.daily_room_warning),
            reserve_ttl_ms: l.reserve_ttl_ms,
            lease_ttl_ms: l.lease_ttl_ms,
            sync_grace_ms: l.sync_grace_ms,
            day_offset_minutes: l.day_offset_ms / 60_000,
            on_unavailable: match l.on_unavailable {
                rooms::OnUnavailable::Allow => OnUnavailable::Allow,
                rooms::OnUnavailable::Refuse => OnUnavailable::Refuse,
            },
        }
    }
}
