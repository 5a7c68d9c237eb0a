//! The day counters of an appId (docs/ROOMS.md, "Day counters"): what each
//! store keeps per day, and the `Usage` and `Hours` it reports.

use serde::Serialize;

/// One counter of a day. Its [`Counter::name`] is the name docs/ROOMS.md gives
/// it (and the Redis store's field name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Admissions that opened a room (the quota).
    Openings,
    /// New seats granted by an admission (openings included).
    Admissions,
    /// Admissions of a member already seated.
    Renewals,
    /// Admissions refused with `ROOM_FULL`.
    RefusedRoomFull,
    /// Admissions refused with `DAILY_ROOM_LIMIT`.
    RefusedDailyLimit,
    /// Admissions refused with `MEMBER_DAILY_LIMIT`.
    RefusedMemberLimit,
    /// Heartbeats answered `NOT_ADMITTED`.
    HeartbeatsRefused,
    /// Leaves that removed a seat.
    Leaves,
    /// Seats adopted by sync.
    AdoptedBySync,
    /// Seats removed by sync.
    RemovedBySync,
    /// Seats whose lease ended (on the day of their expiry).
    Expired,
}

impl Counter {
    /// The counter's name (snake_case).
    pub const fn name(self) -> &'static str {
        match self {
            Counter::Openings => "openings",
            Counter::Admissions => "admissions",
            Counter::Renewals => "renewals",
            Counter::RefusedRoomFull => "refused_room_full",
            Counter::RefusedDailyLimit => "refused_daily_limit",
            Counter::RefusedMemberLimit => "refused_member_limit",
            Counter::HeartbeatsRefused => "heartbeats_refused",
            Counter::Leaves => "leaves",
            Counter::AdoptedBySync => "adopted_by_sync",
            Counter::RemovedBySync => "removed_by_sync",
            Counter::Expired => "expired",
        }
    }
}

/// The counters of one appId and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayCounts {
    /// Indexed by `Counter as usize`.
    pub counts: [u64; 11],
    /// The most live seats an operation saw that day.
    pub peak_seats: u64,
}

impl DayCounts {
    /// Add one to `c`.
    pub fn bump(&mut self, c: Counter) {
        self.counts[c as usize] += 1;
    }

    /// The value of `c`.
    pub fn get(&self, c: Counter) -> u64 {
        self.counts[c as usize]
    }

    /// Raise the peak to `live`.
    pub fn peak(&mut self, live: u64) {
        self.peak_seats = self.peak_seats.max(live);
    }

    /// The usage report of `day` from these counters.
    pub fn usage(&self, day: i64, daily_room_limit: u64, live: Option<(u64, u64)>) -> Usage {
        let g = |c| self.get(c);
        Usage {
            day,
            openings: g(Counter::Openings),
            admissions: g(Counter::Admissions),
            renewals: g(Counter::Renewals),
            refused_room_full: g(Counter::RefusedRoomFull),
            refused_daily_limit: g(Counter::RefusedDailyLimit),
            refused_member_limit: g(Counter::RefusedMemberLimit),
            heartbeats_refused: g(Counter::HeartbeatsRefused),
            leaves: g(Counter::Leaves),
            adopted_by_sync: g(Counter::AdoptedBySync),
            removed_by_sync: g(Counter::RemovedBySync),
            expired: g(Counter::Expired),
            peak_seats: self.peak_seats,
            live_rooms: live.map(|l| l.0),
            live_seats: live.map(|l| l.1),
            daily_room_limit,
        }
    }
}

/// Every counter, in [`DayCounts::counts`] order.
pub const COUNTERS: [Counter; 11] = [
    Counter::Openings,
    Counter::Admissions,
    Counter::Renewals,
    Counter::RefusedRoomFull,
    Counter::RefusedDailyLimit,
    Counter::RefusedMemberLimit,
    Counter::HeartbeatsRefused,
    Counter::Leaves,
    Counter::AdoptedBySync,
    Counter::RemovedBySync,
    Counter::Expired,
];

/// The counters of one appId and day, and (for the call's own day) the live
/// rooms and seats at the call's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// The day: days since 1970-01-01 in the rules' UTC offset.
    pub day: i64,
    /// Admissions that opened a room (the quota: `rooms_today`).
    pub openings: u64,
    /// New seats granted by admit (openings included).
    pub admissions: u64,
    /// Admits of a member already seated.
    pub renewals: u64,
    /// Admits refused with `ROOM_FULL`.
    pub refused_room_full: u64,
    /// Admits refused with `DAILY_ROOM_LIMIT`.
    pub refused_daily_limit: u64,
    /// Admits refused with `MEMBER_DAILY_LIMIT`.
    pub refused_member_limit: u64,
    /// Heartbeats answered `NOT_ADMITTED`.
    pub heartbeats_refused: u64,
    /// Leaves that removed a seat.
    pub leaves: u64,
    /// Seats adopted by sync.
    pub adopted_by_sync: u64,
    /// Seats removed by sync.
    pub removed_by_sync: u64,
    /// Seats whose lease ended that day (counted once).
    pub expired: u64,
    /// The most live seats of the appId an operation saw that day.
    pub peak_seats: u64,
    /// Live rooms at the call's time (null unless `day` is the call's own day).
    pub live_rooms: Option<u64>,
    /// Live seats at the call's time (null unless `day` is the call's own day).
    pub live_seats: Option<u64>,
    /// The daily limit of openings.
    pub daily_room_limit: u64,
}

/// Openings and refused admissions of one appId per hour of a day (hour 0 starts at midnight in the rules' UTC offset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hours {
    /// The day: days since 1970-01-01 in the rules' UTC offset.
    pub day: i64,
    /// Admissions that opened a room, per hour (`openings` of the day, spread).
    pub openings: [u64; 24],
    /// Admissions refused with `ROOM_FULL`, `DAILY_ROOM_LIMIT` or
    /// `MEMBER_DAILY_LIMIT`, per hour (heartbeats not included).
    pub refused: [u64; 24],
}

impl Hours {
    /// A day with nothing counted.
    pub fn empty(day: i64) -> Hours {
        Hours {
            day,
            openings: [0; 24],
            refused: [0; 24],
        }
    }
}

/// Whether `c` is counted in [`Hours::refused`] too.
pub(crate) const fn refusal(c: Counter) -> bool {
    matches!(
        c,
        Counter::RefusedRoomFull | Counter::RefusedDailyLimit | Counter::RefusedMemberLimit
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_in_index_order() {
        for (i, c) in COUNTERS.iter().enumerate() {
            assert_eq!(*c as usize, i, "{}", c.name());
        }
    }
}
