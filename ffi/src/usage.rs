//! The ledger's day counters and its list of live rooms through the C ABI
//! (docs/ROOMS.md, "Day counters"; `voipsign::rooms::Ledger::usage` and
//! `rooms`).

use std::ffi::c_char;

use voipsign::rooms::{room_page_json_bound, Usage};

use crate::args::{guard, require, str_arg, write_text};
use crate::ledger::{ledger_ref, unset, VoipsignLedger};
use crate::status::{VoipsignError, VoipsignStatus};

/// The day counters of an appId (see `voipsign_ledger_usage`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VoipsignUsage {
    /// Days since 1970-01-01 in the rules' UTC offset.
    pub day: i64,
    /// Admissions that opened a room (the quota).
    pub openings: u64,
    /// New seats granted by an admission (openings included).
    pub admissions: u64,
    /// Admissions of a member already seated.
    pub renewals: u64,
    /// Admissions refused with `VOIPSIGN_ROOM_FULL`.
    pub refused_room_full: u64,
    /// Admissions refused with `VOIPSIGN_DAILY_ROOM_LIMIT`.
    pub refused_daily_limit: u64,
    /// Admissions refused with `VOIPSIGN_MEMBER_DAILY_LIMIT`.
    pub refused_member_limit: u64,
    /// Heartbeats answered `VOIPSIGN_NOT_ADMITTED`.
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
    /// Live rooms at the call's time; -1 unless `day` is the call's own day.
    pub live_rooms: i64,
    /// Live seats at the call's time; -1 unless `day` is the call's own day.
    pub live_seats: i64,
    /// The daily limit of openings.
    pub daily_room_limit: u64,
}

impl From<&Usage> for VoipsignUsage {
    fn from(u: &Usage) -> Self {
        let live = |v: Option<u64>| v.map_or(-1, |n| n as i64);
        VoipsignUsage {
            day: u.day,
            openings: u.openings,
            admissions: u.admissions,
            renewals: u.renewals,
            refused_room_full: u.refused_room_full,
            refused_daily_limit: u.refused_daily_limit,
            refused_member_limit: u.refused_member_limit,
            heartbeats_refused: u.heartbeats_refused,
            leaves: u.leaves,
            adopted_by_sync: u.adopted_by_sync,
            removed_by_sync: u.removed_by_sync,
            expired: u.expired,
            peak_seats: u.peak_seats,
            live_rooms: live(u.live_rooms),
            live_seats: live(u.live_seats),
            daily_room_limit: u.daily_room_limit,
        }
    }
}

/// The day counters of `app_id` on `day` (`VOIPSIGN_UNSET`: the day of
/// `now_ms`), every ended seat of the appId counted first, into `*out` (written
/// only on success). Errors: `VOIPSIGN_INVALID_APP_ID`,
/// `VOIPSIGN_LEDGER_UNAVAILABLE`.
///
/// Ownership: inputs borrowed; `out` caller-owned. Thread safety: any thread.
///
/// # Safety
/// `ledger` live; `(app_id, app_id_len)` `(NULL, 0)` or readable; `out`
/// writable; `err` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_usage(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    day: i64,
    now_ms: i64,
    out: *mut VoipsignUsage,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let l = ledger_ref(ledger)?;
            let app = str_arg(app_id, app_id_len, "appId")?;
            require(out, "out")?;
            let u = l.usage(app, unset(day), unset(now_ms))?;
            *out = VoipsignUsage::from(&u);
            Ok(())
        }
    })
}

/// A buffer of this many bytes always holds the JSON of a page of at most
/// `limit` rooms (`voipsign_ledger_rooms`). Thread safety: reentrant.
#[no_mangle]
pub extern "C" fn voipsign_room_page_json_bound(limit: u32) -> usize {
    room_page_json_bound(limit)
}

/// One page of the appId's live rooms in groupId byte order, as JSON
/// (`{"rooms":[{"groupId","seats","capacity","generation","openedAt"}…],"next"}`,
/// `next` null on the last page): at most `limit` (1–1000, else
/// `VOIPSIGN_INVALID_LIMIT`) of the rooms after `(after, after_len)` (`(NULL, 0)`:
/// from the first; else a groupId, `VOIPSIGN_INVALID_GROUP_ID` naming `after`).
/// `now_ms` an explicit time or `VOIPSIGN_UNSET`. `out` gets the JSON and a NUL
/// (`voipsign_room_page_json_bound(limit)` bytes always suffice); `*out_len`
/// (when non-NULL) its length, also on `VOIPSIGN_BUFFER_TOO_SMALL`.
///
/// Ownership: inputs borrowed; `out` caller-owned. Thread safety: any thread.
///
/// # Safety
/// `ledger` live; each `(ptr, len)` pair `(NULL, 0)` or readable; `out`
/// `out_cap` writable bytes (NULL: `VOIPSIGN_NULL_ARGUMENT`); `out_len` and
/// `err` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_rooms(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    limit: u32,
    after: *const c_char,
    after_len: usize,
    now_ms: i64,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let l = ledger_ref(ledger)?;
            let app = str_arg(app_id, app_id_len, "appId")?;
            // The contract's order: appId, limit, then after (read only now).
            voipsign::validate_app_id(app)?;
            voipsign::rooms::check_limit(i64::from(limit))?;
            let after = if after.is_null() && after_len == 0 {
                None
            } else {
                Some(str_arg(after, after_len, "after")?)
            };
            require(out, "out")?;
            let page = l.rooms(app, limit, after, unset(now_ms))?;
            write_text(out, out_cap, out_len, crate::args::json(&page)?.as_bytes())
        }
    })
}
