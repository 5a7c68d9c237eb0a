//! The room ledger's shadow model (for `ffi_ledger`): the rules' documented ranges,
//! the member id rule, the day of a time, the openings counted per (appId, day),
//! and the checks of what the ledger answers against them (admissions, room JSON,
//! tickets, statuses).
//!
//! Times at the ends of int64 follow the core's saturating arithmetic: a lease
//! `now + ttl` saturates at `i64::MAX`, and since a seat is live while
//! `now < expires`, no seat is ever live at `now == i64::MAX` itself (a seat made
//! there has `since == expires == i64::MAX` and shows only at earlier times).

use std::collections::{HashMap, HashSet};

use voipsign_ffi::{VoipsignAdmission, VoipsignRules, VOIPSIGN_UNSET};

use crate::c_args::Arg;
use crate::out_params::ErrBuf;
use crate::output_checks::{check_keys, json_object};
use crate::reference::ref_sign;
use crate::status::{INVALID_UTF8, NULL_ARGUMENT, OK};

// The ledger's statuses (include/voipsign.h), beyond those of src/status.rs.
/// `VOIPSIGN_ROOM_FULL`.
pub const ROOM_FULL: i32 = 13;
/// `VOIPSIGN_DAILY_ROOM_LIMIT`.
pub const DAILY_ROOM_LIMIT: i32 = 14;
/// `VOIPSIGN_NOT_ADMITTED`.
pub const NOT_ADMITTED: i32 = 15;
/// `VOIPSIGN_INVALID_MEMBER_ID`.
pub const INVALID_MEMBER_ID: i32 = 16;
/// `VOIPSIGN_INVALID_RULES`.
pub const INVALID_RULES: i32 = 17;

/// The ticket's documented size: "4096 bytes of `ticket` always suffice".
pub const TICKET_CAP: usize = 4096;
/// Enough for any room JSON here (up to 12 listed ids + 10 seats, ids ≤ 128 bytes
/// that may need escaping).
pub const ROOM_BIG: usize = 16384;
/// The documented size of a room JSON (`voipsign_ledger_sync`): "332 bytes per
/// member plus 64 always suffice", NUL included.
pub const ROOM_JSON_PER_MEMBER: usize = 332;
/// See [`ROOM_JSON_PER_MEMBER`].
pub const ROOM_JSON_FIXED: usize = 64;

/// The rules' values, as the header documents them (ranges, defaults).
#[derive(Clone, Copy, Debug)]
pub struct Lim {
    /// Seats per room.
    pub capacity: usize,
    /// Openings per appId and day.
    pub limit: u64,
    /// `quotaWarning` from this many openings on.
    pub warning: u64,
    /// The lease of a new seat, ms.
    pub reserve: i64,
    /// The lease a heartbeat or sync gives, ms.
    pub lease: i64,
    /// The day's UTC offset, minutes.
    pub offset_min: i64,
}

/// The rules' validity by the documented ranges (not the core's code).
pub fn lim_of(r: &VoipsignRules) -> Option<Lim> {
    let ttl = 1000..=3_600_000;
    let ok = (1..=10).contains(&r.capacity)
        && (1..=100_000).contains(&r.daily_room_limit)
        && (r.daily_room_warning == VOIPSIGN_UNSET
            || (0..=r.daily_room_limit).contains(&r.daily_room_warning))
        && ttl.contains(&r.reserve_ttl_ms)
        && ttl.contains(&r.lease_ttl_ms)
        && (r.sync_grace_ms == VOIPSIGN_UNSET || (0..=3_600_000).contains(&r.sync_grace_ms))
        && (-720..=840).contains(&r.day_offset_minutes)
        && (r.on_unavailable == 0 || r.on_unavailable == 1);
    ok.then(|| Lim {
        capacity: r.capacity as usize,
        limit: r.daily_room_limit as u64,
        warning: if r.daily_room_warning == VOIPSIGN_UNSET {
            r.daily_room_limit as u64 * 9 / 10
        } else {
            r.daily_room_warning as u64
        },
        reserve: r.reserve_ttl_ms,
        lease: r.lease_ttl_ms,
        offset_min: r.day_offset_minutes,
    })
}

/// A member id, valid by the documented rule: 1–128 bytes of printable ASCII.
pub fn member_ok(b: &[u8]) -> bool {
    (1..=128).contains(&b.len()) && b.iter().all(|c| (0x21..=0x7e).contains(c))
}

/// The documented day: floor((now + offset) / 1 day), in exact arithmetic. (The
/// core saturates `now + offset` instead; the two agree for every `now`, as
/// `i64::MAX` and `i64::MIN` are both more than 14 hours from a day's ends.)
pub fn day_of(now: i64, offset_min: i64) -> i64 {
    (now as i128 + offset_min as i128 * 60_000).div_euclid(86_400_000) as i64
}

/// What this input did to the ledger, for the exact checks.
pub struct Shadow {
    /// The ledger's rules.
    pub lim: Lim,
    /// Openings per (appId, day) made with an explicit time.
    openings: HashMap<(Vec<u8>, i64), u64>,
    /// appIds that opened a room at the store's clock (their counts are not exact).
    clock_apps: HashSet<Vec<u8>>,
    /// Rooms (appId, groupId) a sync touched (it may seat more than the capacity).
    pub synced: HashSet<(Vec<u8>, Vec<u8>)>,
    /// (appId, groupId, memberId) that left by `leave` (a sync may not adopt them).
    pub left: HashSet<(Vec<u8>, Vec<u8>, Vec<u8>)>,
}

impl Shadow {
    /// A new ledger's: nothing opened, nothing synced.
    pub fn new(lim: Lim) -> Shadow {
        Shadow {
            lim,
            openings: HashMap::new(),
            clock_apps: HashSet::new(),
            synced: HashSet::new(),
            left: HashSet::new(),
        }
    }

    /// The openings counted for `app` on `day`; `None` when the app opened rooms at
    /// the store's clock (the count is not known exactly).
    pub fn count(&self, app: &[u8], day: i64) -> Option<u64> {
        (!self.clock_apps.contains(app))
            .then(|| *self.openings.get(&(app.to_vec(), day)).unwrap_or(&0))
    }
}

/// The problem the library must find with a member id argument (NULL with a
/// length, not UTF-8, not 1–128 bytes of printable ASCII).
pub fn member_defect(a: &Arg) -> Option<i32> {
    match a.value().map(std::str::from_utf8) {
        None => Some(NULL_ARGUMENT),
        Some(Err(_)) => Some(INVALID_UTF8),
        Some(Ok(s)) => (!member_ok(s.as_bytes())).then_some(INVALID_MEMBER_ID),
    }
}

/// A room as JSON, checked: exactly the documented keys, seats sorted by member id
/// and live at `now` (when explicit). Returns the member ids and the generation.
pub fn check_room_json(text: &str, now: i64) -> (Vec<String>, u64) {
    let m = json_object(text);
    check_keys(&m, &["members", "generation", "live"]);
    let members = m["members"].as_array().expect("members is an array");
    let generation = m["generation"].as_u64().expect("generation is a u64");
    let live = m["live"].as_bool().expect("live is a bool");
    assert_eq!(
        live,
        !members.is_empty(),
        "live {live} with {} seats",
        members.len()
    );
    assert!(!live || generation >= 1, "a live room of generation 0");
    let mut ids = Vec::new();
    for seat in members {
        let s = seat.as_object().expect("a seat is an object");
        check_keys(s, &["memberId", "since", "expires"]);
        let id = s["memberId"].as_str().expect("memberId is a string");
        assert!(
            member_ok(id.as_bytes()),
            "seat of an invalid member id {id:?}"
        );
        let since = s["since"].as_i64().expect("since is an i64");
        let expires = s["expires"].as_i64().expect("expires is an i64");
        if now != VOIPSIGN_UNSET {
            assert!(expires > now, "a seat expired at {expires} listed at {now}");
        }
        // A seat made at i64::MAX itself: its lease saturates there (since ==
        // expires), so it is live only at earlier times.
        assert!(
            since < expires || (since == i64::MAX && expires == i64::MAX),
            "seat since {since} >= expires {expires}"
        );
        ids.push(id.to_owned());
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "seats not sorted by member id or repeated");
    let bound = ROOM_JSON_PER_MEMBER * ids.len() + ROOM_JSON_FIXED;
    assert!(
        text.len() < bound,
        "room JSON of {} bytes + NUL for {} seats: more than the documented {bound}",
        text.len(),
        ids.len()
    );
    (ids, generation)
}

/// After a call: `err` untouched on success, filled on failure.
pub fn check_err(st: i32, err: &ErrBuf) {
    if st == OK {
        err.check_untouched();
    } else {
        err.check_failure(st);
    }
}

/// The checks of an admission (`members`, opened / renewed, lease, roomsToday,
/// quotaWarning) against the shadow, which counts it when it opened the room.
pub fn check_admission(
    sh: &mut Shadow,
    a: &VoipsignAdmission,
    app: &Arg,
    group: &Arg,
    member: &str,
    now: i64,
) {
    let lim = sh.lim;
    assert!(!a.degraded, "degraded admission from a memory store");
    let synced = sh
        .synced
        .contains(&(app.bytes.clone(), group.bytes.clone()));
    assert!(
        a.members >= 1,
        "admitted into a room of {} seats",
        a.members
    );
    if !synced {
        assert!(
            a.members as usize <= lim.capacity,
            "{} seats in a room of capacity {} ({member})",
            a.members,
            lim.capacity
        );
    }
    assert!(!(a.opened && a.renewed), "opened and renewed");
    if a.opened {
        assert_eq!(a.members, 1, "opened a room with {} seats", a.members);
    }
    assert!(a.generation >= 1, "generation 0 after an admission");
    assert_eq!(a.daily_room_limit, lim.limit, "dailyRoomLimit");
    assert_eq!(
        a.quota_warning,
        a.rooms_today >= lim.warning,
        "quotaWarning"
    );
    assert!(
        a.rooms_today <= lim.limit,
        "roomsToday {} over the limit",
        a.rooms_today
    );
    let app_b = app.bytes.clone();
    if now == VOIPSIGN_UNSET {
        if a.opened {
            sh.clock_apps.insert(app_b);
        }
        return;
    }
    // A lease saturates at i64::MAX.
    let want = now.saturating_add(lim.reserve);
    if a.renewed {
        assert!(a.lease_expires_at >= want, "renewal shortened the lease");
    } else {
        assert_eq!(a.lease_expires_at, want, "lease of a new seat");
    }
    let day = day_of(now, lim.offset_min);
    if a.opened {
        *sh.openings.entry((app_b.clone(), day)).or_insert(0) += 1;
    }
    if let Some(n) = sh.count(&app_b, day) {
        assert_eq!(
            a.rooms_today, n,
            "roomsToday, {n} openings counted on day {day}"
        );
    }
}

/// The checks of a ticket JSON.
pub fn check_ticket(text: &str, app: &str, group: &str, key: &str, room: &str, now: i64) {
    let m = json_object(text);
    check_keys(
        &m,
        &["groupId", "nonceStr", "timeStamp", "signature", "roomType"],
    );
    assert_eq!(m["groupId"].as_str(), Some(group), "ticket groupId");
    let nonce = m["nonceStr"].as_str().expect("nonceStr is a string");
    assert!(
        nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_alphanumeric()),
        "nonceStr {nonce:?}"
    );
    let ts = m["timeStamp"].as_i64().expect("timeStamp is an integer");
    if now != VOIPSIGN_UNSET {
        assert_eq!(ts, now.div_euclid(1000), "timeStamp of now_ms {now}");
    }
    assert_eq!(m["roomType"].as_str(), Some(room), "roomType");
    assert_eq!(
        m["signature"].as_str(),
        Some(ref_sign(app, group, nonce, ts, key).as_str()),
        "ticket signature"
    );
}

/// The statuses a call may answer: one of its problems; with none, OK or one of
/// `state` (the state errors of the operation).
pub fn check_status(st: i32, problems: &[i32], state: &[i32]) {
    if problems.is_empty() && st != OK {
        assert!(
            state.contains(&st),
            "a call without any input problem failed with status {st} (state errors {state:?})"
        );
    } else if !problems.is_empty() {
        assert!(
            problems.contains(&st),
            "status {st} is none of the call's problems {problems:?}"
        );
    }
}
