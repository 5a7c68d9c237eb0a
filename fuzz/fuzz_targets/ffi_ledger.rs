//! The room ledger (docs/ROOMS.md) through the C ABI: one ledger per input, created
//! from fuzzed rules (NULL rules / NULL out now and then), then up to 64 random
//! operations — admit, admit_and_issue, heartbeat, leave, sync, room, usage, or any
//! of them on a NULL ledger — with pooled and arbitrary appIds, groupIds and member
//! ids (NULL with any length, non-UTF-8, bad bytes, the 128-byte limit), explicit
//! times from a drifting clock, `VOIPSIGN_UNSET`, edges and anything, open id lists
//! with NULL arrays and any count, and output buffers and out-parameters of random
//! capacity or NULL. Checks:
//!
//! - the ledger is created exactly when the rules are in range (an independent check
//!   of the documented ranges), and `*out` is untouched on failure;
//! - every status is a known one, never INTERNAL, and names one of the call's
//!   problems (NULL / non-UTF-8 / invalid inputs by the documented rules; a NULL or
//!   short output); state errors (ROOM_FULL, DAILY_ROOM_LIMIT, NOT_ADMITTED) only for
//!   valid inputs; LEDGER_UNAVAILABLE never (a memory store);
//! - on failure every output (admission, expiry, bool, usage, buffers, `*out_len` but
//!   on BUFFER_TOO_SMALL) is untouched and `voipsign_error` filled; on success `err`
//!   is untouched;
//! - admissions: never more seats than the capacity (`members`) in a room no sync
//!   ever touched (sync adopts without checking it); opened → one member, not
//!   renewed; the lease of a new seat; roomsToday, quotaWarning and DAILY_ROOM_LIMIT
//!   against the openings counted here per (appId, day); never degraded;
//! - ROOM_FULL only when the room holds `capacity` seats, NOT_ADMITTED only when
//!   the member holds none (asked with `voipsign_ledger_room` at the same time);
//! - room / sync JSON: exactly members / generation / live, seats sorted by member
//!   id, live, capacity as above, the documented size bound; sync lists every id
//!   it was given; usage against the counted openings;
//! - admit_and_issue's ticket: JSON keys, groupId, 32-alphanumeric nonce, timeStamp
//!   (`floor(now_ms / 1000)`), roomType, signature == plain reference.
#![no_main]

use std::collections::{HashMap, HashSet};
use std::mem::MaybeUninit;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use voipsign_ffi::{
    VoipsignAdmission, VoipsignLedger, VoipsignRules, VoipsignUsage, VOIPSIGN_UNSET,
};
use voipsign_fuzz::*;

// The ledger's statuses (include/voipsign.h), beyond those of src/status.rs.
const ROOM_FULL: i32 = 13;
const DAILY_ROOM_LIMIT: i32 = 14;
const NOT_ADMITTED: i32 = 15;
const INVALID_MEMBER_ID: i32 = 16;
const INVALID_RULES: i32 = 17;

const TICKET_CAP: usize = 4096;
/// Enough for any room JSON here (up to 12 listed ids + 10 seats, ids ≤ 128 bytes
/// that may need escaping).
const ROOM_BIG: usize = 16384;
const MAX_OPS: usize = 64;
/// The documented size of a room JSON: "160 bytes per member plus 64 suffice".
const ROOM_JSON_PER_MEMBER: usize = 160;
const ROOM_JSON_FIXED: usize = 64;

const APPS: &[&str] = &["wx20afc706a711eefc", "wxledger0000000002"];
const GROUPS: &[&str] = &["1559129713_672975982", "room-2", "房间 一"];
const KEY: &str = "gDyVgzwa0mFz9uUP7M6GQQ==";

/// The rules' values, as the header documents them (ranges, defaults).
#[derive(Clone, Copy, Debug)]
struct Lim {
    capacity: usize,
    limit: u64,
    warning: u64,
    reserve: i64,
    lease: i64,
    offset_min: i64,
}

/// The rules' validity by the documented ranges (not the core's code).
fn lim_of(r: &VoipsignRules) -> Option<Lim> {
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

/// One rule's value: mostly valid, sometimes an edge, `VOIPSIGN_UNSET` or anything.
fn gen_rule(u: &mut Unstructured, valid: std::ops::RangeInclusive<i64>) -> i64 {
    let (lo, hi) = (*valid.start(), *valid.end());
    match int(u, 0u8..=9) {
        0..=5 => int(u, valid),
        6 => [lo, hi, lo - 1, hi + 1][int(u, 0usize..=3)],
        7 => VOIPSIGN_UNSET,
        8 => int(u, -10i64..=10),
        _ => i64::arbitrary(u).unwrap_or(0),
    }
}

fn gen_rules(u: &mut Unstructured) -> VoipsignRules {
    let mut r = voipsign_ffi::voipsign_rules_default();
    if int(u, 0u8..=3) == 0 {
        return r;
    }
    // Each rule changed one time in two; a small limit now and then to reach it.
    if int(u, 0u8..=1) == 0 {
        r.capacity = gen_rule(u, 1..=10);
    }
    if int(u, 0u8..=1) == 0 {
        r.daily_room_limit = gen_rule(u, 1..=8);
    }
    if int(u, 0u8..=1) == 0 {
        r.daily_room_warning = gen_rule(u, 0..=r.daily_room_limit.clamp(0, 100_000));
    }
    if int(u, 0u8..=1) == 0 {
        r.reserve_ttl_ms = gen_rule(u, 1000..=3_600_000);
    }
    if int(u, 0u8..=1) == 0 {
        r.lease_ttl_ms = gen_rule(u, 1000..=3_600_000);
    }
    if int(u, 0u8..=1) == 0 {
        r.sync_grace_ms = gen_rule(u, 0..=3_600_000);
    }
    if int(u, 0u8..=1) == 0 {
        r.day_offset_minutes = gen_rule(u, -720..=840);
    }
    if int(u, 0u8..=3) == 0 {
        r.on_unavailable = gen_rule(u, 0..=1);
    }
    r
}

/// A member id, valid by the documented rule: 1–128 bytes of printable ASCII.
fn member_ok(b: &[u8]) -> bool {
    (1..=128).contains(&b.len()) && b.iter().all(|c| (0x21..=0x7e).contains(c))
}

/// A member id: from a pool of 12 (more than any capacity) most of the time.
fn gen_member(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=11) {
        0..=6 => format!("m{}", int(u, 0u8..=11)).into_bytes(),
        7 => printable(u, 1, 128),
        8 => printable(u, 126, 130),
        9 => {
            let v = format!("m{}", int(u, 0u8..=11)).into_bytes();
            inject(u, v)
        }
        10 => raw(u, 140),
        _ => Vec::new(),
    }
}

fn gen_pooled(u: &mut Unstructured, pool: &[&str], other: fn(&mut Unstructured) -> Vec<u8>) -> Arg {
    let b = if int(u, 0u8..=7) < 6 {
        pool[int(u, 0..=pool.len() - 1)].as_bytes().to_vec()
    } else {
        other(u)
    };
    Arg::wrap(u, b)
}

/// A time: the drifting clock most of the time, else VOIPSIGN_UNSET, an edge or
/// anything.
fn gen_now(u: &mut Unstructured, clock: &mut i64) -> i64 {
    const EDGES: &[i64] = &[
        0,
        -1,
        999,
        1000,
        9_999_999_999_999,
        10_000_000_000_000,
        -86_400_000,
        i64::MIN + 1,
        i64::MAX,
        i64::MAX - 3_600_000,
        i64::MIN + 3_600_000,
    ];
    match int(u, 0u8..=15) {
        0..=11 => {
            // Forward by up to 90 s (seats expire), now and then back or a day on.
            *clock = match int(u, 0u8..=9) {
                0 => clock.saturating_sub(int(u, 0i64..=120_000)),
                1 => clock.saturating_add(86_400_000),
                _ => clock.saturating_add(int(u, 0i64..=90_000)),
            };
            *clock
        }
        12 => VOIPSIGN_UNSET,
        n => {
            // The same bytes are read whether or not the edges are switched off, so
            // that an input means the same with and without VOIPSIGN_FUZZ_KNOWN.
            let t = if n < 15 {
                EDGES[int(u, 0..=EDGES.len() - 1)]
            } else {
                i64::arbitrary(u).unwrap_or(0)
            };
            if known("ledger-extreme-now") {
                *clock
            } else {
                t
            }
        }
    }
}

/// The documented day: floor((now + offset) / 1 day), in exact arithmetic.
fn day_of(now: i64, offset_min: i64) -> i64 {
    (now as i128 + offset_min as i128 * 60_000).div_euclid(86_400_000) as i64
}

/// A fixed-size out-parameter filled with a sentinel before the call (the library
/// writes a whole value on success; the bytes are compared on failure).
struct Out<T> {
    v: Box<MaybeUninit<T>>,
    null: bool,
}

impl<T: Copy> Out<T> {
    fn gen(u: &mut Unstructured) -> Out<T> {
        Out::new(int(u, 0u8..=15) == 15)
    }

    fn new(null: bool) -> Out<T> {
        let mut v = Box::new(MaybeUninit::<T>::uninit());
        // SAFETY: `v` is a live allocation of size_of::<T>() bytes; after this every
        // byte is initialised (to the sentinel), so reading them as u8 is sound.
        unsafe {
            v.as_mut_ptr()
                .cast::<u8>()
                .write_bytes(SENTINEL, std::mem::size_of::<T>())
        };
        Out { v, null }
    }

    fn ptr(&mut self) -> *mut T {
        if self.null {
            std::ptr::null_mut()
        } else {
            self.v.as_mut_ptr()
        }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: every byte was initialised by `new` (and the library writes only
        // whole values of T), the box lives as long as `self`.
        unsafe {
            std::slice::from_raw_parts(self.v.as_ptr().cast::<u8>(), std::mem::size_of::<T>())
        }
    }

    fn check_untouched(&self, what: &str, st: i32) {
        assert!(
            self.bytes().iter().all(|&b| b == SENTINEL),
            "{what} written on status {st}"
        );
    }
}

impl Out<bool> {
    /// The bool the library wrote: 0 or 1, nothing else.
    fn get_bool(&self) -> bool {
        let b = self.bytes()[0];
        assert!(b <= 1, "*out_removed is {b}, not a bool");
        b == 1
    }
}

impl Out<VoipsignAdmission> {
    fn get(&self) -> VoipsignAdmission {
        let b = self.bytes();
        // The four bools (first in the struct) must be 0 or 1 before being read as bools.
        for (i, &x) in b[..4].iter().enumerate() {
            assert!(x <= 1, "admission bool field {i} is {x}");
        }
        // SAFETY: written whole by the library on success (every field: bools checked
        // above to be 0/1, integers of any bit pattern are valid).
        unsafe { self.v.assume_init_read() }
    }
}

impl<T: Copy> Out<T> {
    /// The value the library wrote (types without invalid bit patterns only).
    fn get_plain(&self) -> T {
        // SAFETY: initialised (sentinel or the library's value); used for i64 and
        // VoipsignUsage, whose fields accept any bit pattern.
        unsafe { self.v.assume_init_read() }
    }
}

/// What this input did to the ledger, for the exact checks.
struct Shadow {
    lim: Lim,
    /// Openings per (appId, day) made with an explicit time.
    openings: HashMap<(Vec<u8>, i64), u64>,
    /// appIds that opened a room at the store's clock (their counts are not exact).
    clock_apps: HashSet<Vec<u8>>,
    /// Rooms a sync touched (it may seat more than the capacity).
    synced: HashSet<(Vec<u8>, Vec<u8>)>,
}

impl Shadow {
    fn count(&self, app: &[u8], day: i64) -> Option<u64> {
        (!self.clock_apps.contains(app))
            .then(|| *self.openings.get(&(app.to_vec(), day)).unwrap_or(&0))
    }
}

/// The problem the library must find with a member id argument (NULL with a
/// length, not UTF-8, not 1–128 bytes of printable ASCII).
fn member_defect(a: &Arg) -> Option<i32> {
    match a.value().map(std::str::from_utf8) {
        None => Some(NULL_ARGUMENT),
        Some(Err(_)) => Some(INVALID_UTF8),
        Some(Ok(s)) => (!member_ok(s.as_bytes())).then_some(INVALID_MEMBER_ID),
    }
}

fn ledger_ptr(l: *mut VoipsignLedger, null: bool) -> *const VoipsignLedger {
    if null {
        std::ptr::null()
    } else {
        l
    }
}

/// A room as JSON, checked: exactly the documented keys, seats sorted by member id
/// and live at `now` (when explicit). Returns the member ids and the generation.
fn check_room_json(text: &str, now: i64) -> (Vec<String>, u64) {
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
        assert!(since < expires, "seat since {since} >= expires {expires}");
        ids.push(id.to_owned());
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "seats not sorted by member id or repeated");
    let bound = ROOM_JSON_PER_MEMBER * ids.len() + ROOM_JSON_FIXED;
    if !known("ledger-room-json-bound") {
        assert!(
            text.len() < bound,
            "room JSON of {} bytes + NUL for {} seats: more than the documented {bound}",
            text.len(),
            ids.len()
        );
    }
    (ids, generation)
}

/// The room at `now`, read back with a big buffer (for ROOM_FULL / NOT_ADMITTED).
fn read_room(l: *mut VoipsignLedger, app: &Arg, group: &Arg, now: i64) -> Vec<String> {
    let mut out = OutBuf::with_cap(ROOM_BIG);
    let mut out_len = OutLen::new(true);
    let mut err = ErrBuf::new(true);
    // SAFETY: `l` is the live ledger; app/group are live `Vec`s with their lengths (valid
    // here: the caller only reads rooms of calls that passed validation); `out` has
    // ROOM_BIG writable bytes; `out_len` and `err` are live. The library keeps nothing.
    let st = status(unsafe {
        voipsign_ffi::voipsign_ledger_room(
            l,
            app.ptr(),
            app.len(),
            group.ptr(),
            group.len(),
            now,
            out.ptr(),
            out.cap,
            out_len.ptr(),
            err.ptr(),
        )
    });
    assert_eq!(st, OK, "room read back failed");
    let text = check_text(st, &out, &out_len, &err, ROOM_BIG).unwrap();
    check_room_json(&text, now).0
}

/// After a call: `err` untouched on success, filled on failure.
fn check_err(st: i32, err: &ErrBuf) {
    if st == OK {
        err.check_untouched();
    } else {
        err.check_failure(st);
    }
}

fn check_admission(
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
    let want = now as i128 + lim.reserve as i128;
    if a.renewed {
        assert!(
            a.lease_expires_at as i128 >= want,
            "renewal shortened the lease"
        );
    } else if i64::try_from(want).is_ok() {
        assert_eq!(a.lease_expires_at as i128, want, "lease of a new seat");
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
fn check_ticket(text: &str, app: &str, group: &str, key: &str, room: &str, now: i64) {
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

/// The inputs every room operation shares.
struct Common {
    null_ledger: bool,
    app: Arg,
    group: Arg,
    now: i64,
}

impl Common {
    /// Problems of the ledger, appId and groupId (in that order).
    fn problems(&self) -> Vec<i32> {
        let mut v = Vec::new();
        if self.null_ledger {
            v.push(NULL_ARGUMENT);
        }
        v.extend(defect(&self.app, voipsign::validate_app_id));
        v.extend(defect(&self.group, voipsign::validate_group_id));
        v
    }
}

/// The statuses a call may answer: one of its problems; with none, OK or one of
/// `state` (the state errors of the operation).
fn check_status(st: i32, problems: &[i32], state: &[i32]) {
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

fn op_admit(u: &mut Unstructured, l: *mut VoipsignLedger, c: &Common, sh: &mut Shadow) {
    let member = gen_member(u);
    let member = Arg::wrap(u, member);
    let mut out = Out::<VoipsignAdmission>::gen(u);
    let mut err = ErrBuf::gen(u);
    // SAFETY: the ledger is NULL or the live ledger; every (pointer, length) pair is a live
    // `Vec`'s pointer with its length or NULL with any length (refused as NULL_ARGUMENT
    // before anything is read); `out` is NULL or a live `VoipsignAdmission`; `err` NULL or a
    // live `RawError` (the layout of `voipsign_error`). The library keeps no pointer.
    let st = status(unsafe {
        voipsign_ffi::voipsign_ledger_admit(
            ledger_ptr(l, c.null_ledger),
            c.app.ptr(),
            c.app.len(),
            c.group.ptr(),
            c.group.len(),
            member.ptr(),
            member.len(),
            c.now,
            out.ptr(),
            err.ptr(),
        )
    });
    check_err(st, &err);
    let mut problems = c.problems();
    problems.extend(member_defect(&member));
    if out.null {
        problems.push(NULL_ARGUMENT);
    }
    check_status(st, &problems, &[ROOM_FULL, DAILY_ROOM_LIMIT]);
    if st != OK {
        out.check_untouched("admission", st);
    }
    let m = String::from_utf8_lossy(&member.bytes).into_owned();
    after_admit(st, &out, l, c, &m, sh);
}

/// Shared by admit and admit_and_issue: the admission, or the state error's cause.
fn after_admit(
    st: i32,
    out: &Out<VoipsignAdmission>,
    l: *mut VoipsignLedger,
    c: &Common,
    member: &str,
    sh: &mut Shadow,
) {
    match st {
        OK => check_admission(sh, &out.get(), &c.app, &c.group, member, c.now),
        ROOM_FULL if c.now != VOIPSIGN_UNSET => {
            let seats = read_room(l, &c.app, &c.group, c.now);
            assert!(
                seats.len() >= sh.lim.capacity && !seats.iter().any(|s| s == member),
                "ROOM_FULL for {member} with seats {seats:?} (capacity {})",
                sh.lim.capacity
            );
        }
        DAILY_ROOM_LIMIT if c.now != VOIPSIGN_UNSET => {
            let day = day_of(c.now, sh.lim.offset_min);
            if let Some(n) = sh.count(&c.app.bytes, day) {
                assert_eq!(
                    n, sh.lim.limit,
                    "DAILY_ROOM_LIMIT after {n} openings on day {day}"
                );
            }
            assert!(
                read_room(l, &c.app, &c.group, c.now).is_empty(),
                "DAILY_ROOM_LIMIT for a live room"
            );
        }
        _ => {}
    }
}

fn op_admit_and_issue(u: &mut Unstructured, l: *mut VoipsignLedger, c: &Common, sh: &mut Shadow) {
    let member = gen_member(u);
    let member = Arg::wrap(u, member);
    let key = if int(u, 0u8..=3) < 3 {
        KEY.as_bytes().to_vec()
    } else {
        gen_key(u)
    };
    let key = Arg::wrap(u, key);
    let room = match int(u, 0u8..=5) {
        0 | 1 => Arg::null_empty(),
        2 => Arg::new(b"voice".to_vec()),
        3 => Arg::new(b"video".to_vec()),
        _ => {
            let v = inject(u, b"video".to_vec());
            Arg::wrap(u, v)
        }
    };
    let mut out = Out::<VoipsignAdmission>::gen(u);
    let mut ticket = OutBuf::gen(u, TICKET_CAP, TICKET_CAP);
    let mut ticket_len = OutLen::gen(u);
    let mut err = ErrBuf::gen(u);
    // SAFETY: as in op_admit; `ticket` is NULL (any capacity) or a live buffer of at
    // least `ticket.cap` writable bytes plus the guard zone; `ticket_len` NULL or a live
    // `usize`.
    let st = status(unsafe {
        voipsign_ffi::voipsign_ledger_admit_and_issue(
            ledger_ptr(l, c.null_ledger),
            c.app.ptr(),
            c.app.len(),
            c.group.ptr(),
            c.group.len(),
            member.ptr(),
            member.len(),
            key.ptr(),
            key.len(),
            room.ptr(),
            room.len(),
            c.now,
            out.ptr(),
            ticket.ptr(),
            ticket.cap,
            ticket_len.ptr(),
            err.ptr(),
        )
    });
    check_err(st, &err);
    let mut problems = c.problems();
    if c.now != VOIPSIGN_UNSET && !(1..=9_999_999_999).contains(&c.now.div_euclid(1000)) {
        problems.push(INVALID_TIMESTAMP);
    }
    problems.extend(defect(&key, |s| {
        voipsign::validate_session_key(s.as_bytes())
    }));
    problems.extend(member_defect(&member));
    let room_type = match room.value() {
        Some(_) if room.null => Some("voice"),
        Some(b) => match b {
            b"voice" => Some("voice"),
            b"video" => Some("video"),
            _ => None,
        },
        None => None,
    };
    problems.extend(defect(&room, |_| match room_type {
        Some(_) => Ok(()),
        None => Err(voipsign::Error::new(
            voipsign::ErrorCode::InvalidRoomType,
            "roomType",
        )),
    }));
    if out.null || ticket.null {
        problems.push(NULL_ARGUMENT);
    } else if ticket.cap < TICKET_CAP {
        problems.push(BUFFER_TOO_SMALL);
    }
    check_status(st, &problems, &[ROOM_FULL, DAILY_ROOM_LIMIT]);
    ticket.check_guard();
    if st != OK {
        out.check_untouched("admission", st);
        ticket.check_untouched(st);
        // *ticket_len: untouched, except that BUFFER_TOO_SMALL may report a length.
        if st != BUFFER_TOO_SMALL {
            if let Some(n) = ticket_len.get() {
                assert_eq!(n, OUT_LEN_SENTINEL, "*ticket_len written on status {st}");
            }
        }
    } else {
        let text = check_text(st, &ticket, &ticket_len, &ErrBuf::new(false), TICKET_CAP).unwrap();
        check_ticket(
            &text,
            c.app.str().unwrap(),
            c.group.str().unwrap(),
            key.str().unwrap(),
            room_type.unwrap(),
            c.now,
        );
    }
    let m = String::from_utf8_lossy(&member.bytes).into_owned();
    after_admit(st, &out, l, c, &m, sh);
}

fn op_heartbeat_or_leave(
    u: &mut Unstructured,
    l: *mut VoipsignLedger,
    c: &Common,
    sh: &mut Shadow,
    leave: bool,
) {
    let member = gen_member(u);
    let member = Arg::wrap(u, member);
    let mut exp = Out::<i64>::gen(u);
    let mut removed = Out::<bool>::gen(u);
    let mut err = ErrBuf::gen(u);
    let null_out = if leave { removed.null } else { exp.null };
    // SAFETY: as in op_admit; `exp` / `removed` are NULL or a live i64 / bool-sized byte
    // (the library writes 0 or 1 into it).
    let st = status(unsafe {
        if leave {
            voipsign_ffi::voipsign_ledger_leave(
                ledger_ptr(l, c.null_ledger),
                c.app.ptr(),
                c.app.len(),
                c.group.ptr(),
                c.group.len(),
                member.ptr(),
                member.len(),
                c.now,
                removed.ptr(),
                err.ptr(),
            )
        } else {
            voipsign_ffi::voipsign_ledger_heartbeat(
                ledger_ptr(l, c.null_ledger),
                c.app.ptr(),
                c.app.len(),
                c.group.ptr(),
                c.group.len(),
                member.ptr(),
                member.len(),
                c.now,
                exp.ptr(),
                err.ptr(),
            )
        }
    });
    check_err(st, &err);
    let mut problems = c.problems();
    problems.extend(member_defect(&member));
    if null_out {
        problems.push(NULL_ARGUMENT);
    }
    check_status(st, &problems, if leave { &[] } else { &[NOT_ADMITTED] });
    let m = String::from_utf8_lossy(&member.bytes).into_owned();
    if leave {
        exp.check_untouched("*out_expires of leave", st);
        if st == OK {
            let was = removed.get_bool();
            if c.now != VOIPSIGN_UNSET {
                let seats = read_room(l, &c.app, &c.group, c.now);
                assert!(
                    !seats.contains(&m),
                    "{m} still seated after leave (removed {was})"
                );
            }
        } else {
            removed.check_untouched("*out_removed", st);
        }
        return;
    }
    removed.check_untouched("*out_removed of heartbeat", st);
    match st {
        OK => {
            let e = exp.get_plain();
            if c.now != VOIPSIGN_UNSET {
                let want = c.now as i128 + sh.lim.lease as i128;
                assert!(
                    e as i128 >= want,
                    "heartbeat: expires {e} < now + lease {want}"
                );
            }
        }
        NOT_ADMITTED if c.now != VOIPSIGN_UNSET => {
            exp.check_untouched("*out_expires", st);
            let seats = read_room(l, &c.app, &c.group, c.now);
            assert!(!seats.contains(&m), "NOT_ADMITTED for the seated {m}");
        }
        _ => exp.check_untouched("*out_expires", st),
    }
}

fn op_sync_or_room(
    u: &mut Unstructured,
    l: *mut VoipsignLedger,
    c: &Common,
    sh: &mut Shadow,
    sync: bool,
) {
    let ids = ArgList::gen(u, 12, gen_member);
    let need = 64 + 160 * 4;
    let mut out = OutBuf::gen(u, need, ROOM_BIG);
    let mut out_len = OutLen::gen(u);
    let mut err = ErrBuf::gen(u);
    // SAFETY: as in op_admit; the id arrays are NULL (any count) or live `Vec`s of
    // exactly `count` elements whose pairs are live `Vec`s or NULL with any length; `out` is
    // NULL (any capacity) or a live buffer of `out.cap` writable bytes plus the guard zone;
    // `out_len` NULL or a live `usize`.
    let st = status(unsafe {
        if sync {
            voipsign_ffi::voipsign_ledger_sync(
                ledger_ptr(l, c.null_ledger),
                c.app.ptr(),
                c.app.len(),
                c.group.ptr(),
                c.group.len(),
                ids.ptrs(),
                ids.lens(),
                ids.count,
                c.now,
                out.ptr(),
                out.cap,
                out_len.ptr(),
                err.ptr(),
            )
        } else {
            voipsign_ffi::voipsign_ledger_room(
                ledger_ptr(l, c.null_ledger),
                c.app.ptr(),
                c.app.len(),
                c.group.ptr(),
                c.group.len(),
                c.now,
                out.ptr(),
                out.cap,
                out_len.ptr(),
                err.ptr(),
            )
        }
    });
    let text = check_text(st, &out, &out_len, &err, ROOM_BIG);
    let mut problems = c.problems();
    if sync {
        if ids.count > 0 && !ids.arrays_ok() {
            problems.push(NULL_ARGUMENT);
        } else if ids.count > 0 {
            problems.extend(ids.args[..ids.count].iter().filter_map(member_defect));
        }
    }
    if out.null {
        problems.push(NULL_ARGUMENT);
    } else if st == BUFFER_TOO_SMALL {
        // The size is known only to the library; check_text checked *out_len + 1 > cap.
        problems.push(BUFFER_TOO_SMALL);
    }
    check_status(st, &problems, &[]);
    let input_ok = c.problems().is_empty();
    if sync && input_ok {
        // Any sync of a valid room may have adopted members (also before a short buffer).
        sh.synced
            .insert((c.app.bytes.clone(), c.group.bytes.clone()));
    }
    let Some(text) = text else { return };
    let (seats, _) = check_room_json(&text, c.now);
    let synced = sh
        .synced
        .contains(&(c.app.bytes.clone(), c.group.bytes.clone()));
    if !synced {
        assert!(
            seats.len() <= sh.lim.capacity,
            "{} seats in a room of capacity {}: {text}",
            seats.len(),
            sh.lim.capacity
        );
    }
    if sync {
        for id in ids.strs().unwrap_or_default() {
            assert!(
                seats.iter().any(|s| s == id),
                "sync: listed {id} not seated after: {text}"
            );
        }
    }
    if st == OK && out.cap > text.len() + 1 {
        // A retry into exactly the reported size gives the same room (room only: sync
        // changes the state).
        if !sync {
            let mut again = OutBuf::with_cap(text.len() + 1);
            let mut l2 = OutLen::new(true);
            let mut e2 = ErrBuf::new(true);
            // SAFETY: as above, with a live buffer of exactly text.len() + 1 bytes.
            let s2 = status(unsafe {
                voipsign_ffi::voipsign_ledger_room(
                    ledger_ptr(l, c.null_ledger),
                    c.app.ptr(),
                    c.app.len(),
                    c.group.ptr(),
                    c.group.len(),
                    c.now,
                    again.ptr(),
                    again.cap,
                    l2.ptr(),
                    e2.ptr(),
                )
            });
            if c.now != VOIPSIGN_UNSET {
                assert_eq!(check_text(s2, &again, &l2, &e2, ROOM_BIG), Some(text));
            }
        }
    }
}

fn op_usage(u: &mut Unstructured, l: *mut VoipsignLedger, c: &Common, sh: &mut Shadow) {
    let day = match int(u, 0u8..=5) {
        0..=2 => VOIPSIGN_UNSET,
        3 if c.now != VOIPSIGN_UNSET => day_of(c.now, sh.lim.offset_min) + int(u, -1i64..=1),
        4 => int(u, -2i64..=30_000),
        _ => i64::arbitrary(u).unwrap_or(0),
    };
    let mut out = Out::<VoipsignUsage>::gen(u);
    let mut err = ErrBuf::gen(u);
    // SAFETY: the ledger is NULL or live; appId a live `Vec` with its length or NULL with
    // any length; `out` NULL or a live `VoipsignUsage`; `err` NULL or a live `RawError`.
    let st = status(unsafe {
        voipsign_ffi::voipsign_ledger_usage(
            ledger_ptr(l, c.null_ledger),
            c.app.ptr(),
            c.app.len(),
            day,
            c.now,
            out.ptr(),
            err.ptr(),
        )
    });
    check_err(st, &err);
    let mut problems = Vec::new();
    if c.null_ledger {
        problems.push(NULL_ARGUMENT);
    }
    problems.extend(defect(&c.app, voipsign::validate_app_id));
    if out.null {
        problems.push(NULL_ARGUMENT);
    }
    check_status(st, &problems, &[]);
    if st != OK {
        out.check_untouched("usage", st);
        return;
    }
    let got = out.get_plain();
    assert_eq!(got.daily_room_limit, sh.lim.limit, "usage dailyRoomLimit");
    let d = if day != VOIPSIGN_UNSET {
        day
    } else if c.now != VOIPSIGN_UNSET {
        day_of(c.now, sh.lim.offset_min)
    } else {
        return;
    };
    assert_eq!(got.day, d, "usage day");
    if let Some(n) = sh.count(&c.app.bytes, d) {
        assert_eq!(got.rooms, n, "usage rooms: {n} openings counted on day {d}");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);

    // The ledger: fuzzed rules, now and then NULL rules or a NULL out.
    let rules = gen_rules(&mut u);
    let (null_rules, null_out) = match int(&mut u, 0u8..=31) {
        30 => (true, false),
        31 => (false, true),
        _ => (false, false),
    };
    let sentinel = 0x5A5A_5A5A_usize as *mut VoipsignLedger;
    let mut ledger = sentinel;
    let mut err = ErrBuf::gen(&mut u);
    // SAFETY: `rules` is a live `VoipsignRules` (or NULL), `ledger` a live pointer variable
    // (or NULL), `err` NULL or a live `RawError`; the library only writes `*out` on success.
    let st = status(unsafe {
        voipsign_ffi::voipsign_ledger_new_memory(
            if null_rules { std::ptr::null() } else { &rules },
            if null_out {
                std::ptr::null_mut()
            } else {
                &mut ledger
            },
            err.ptr(),
        )
    });
    check_err(st, &err);
    let lim = lim_of(&rules);
    match (null_rules || null_out, lim) {
        (true, _) => assert_eq!(st, NULL_ARGUMENT, "new_memory with a NULL argument"),
        (false, None) => assert_eq!(
            st, INVALID_RULES,
            "new_memory with rules out of range {rules:?}"
        ),
        (false, Some(_)) => assert_eq!(st, OK, "new_memory with valid rules {rules:?}"),
    }
    if st != OK {
        assert_eq!(ledger, sentinel, "*out written on status {st}");
        return;
    }
    assert!(!ledger.is_null() && ledger != sentinel, "no ledger on OK");
    let mut sh = Shadow {
        lim: lim.unwrap(),
        openings: HashMap::new(),
        clock_apps: HashSet::new(),
        synced: HashSet::new(),
    };

    let mut clock = match int(&mut u, 0u8..=3) {
        0 => 1_000,
        1 => 1_719_763_200_000 - 480 * 60_000 - int(&mut u, 0i64..=120_000), // near a day's end
        _ => 1_717_214_400_000,
    };
    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        let op = int(&mut u, 0u8..=7);
        let c = Common {
            null_ledger: int(&mut u, 0u8..=31) == 31,
            app: gen_pooled(&mut u, APPS, gen_app_id),
            group: gen_pooled(&mut u, GROUPS, gen_group),
            now: gen_now(&mut u, &mut clock),
        };
        match op {
            0 | 1 => op_admit(&mut u, ledger, &c, &mut sh),
            2 => op_admit_and_issue(&mut u, ledger, &c, &mut sh),
            3 => op_heartbeat_or_leave(&mut u, ledger, &c, &mut sh, false),
            4 => op_heartbeat_or_leave(&mut u, ledger, &c, &mut sh, true),
            5 => op_sync_or_room(&mut u, ledger, &c, &mut sh, true),
            6 => op_sync_or_room(&mut u, ledger, &c, &mut sh, false),
            _ => op_usage(&mut u, ledger, &c, &mut sh),
        }
    }
    // SAFETY: `ledger` came from voipsign_ledger_new_memory and is freed once; no call
    // is in flight. Freeing NULL is a no-op.
    unsafe {
        voipsign_ffi::voipsign_ledger_free(ledger);
        voipsign_ffi::voipsign_ledger_free(std::ptr::null_mut());
    }
});
