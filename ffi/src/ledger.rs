//! The room ledger through the C ABI: an opaque `voipsign_ledger` handle (it has
//! state), a `voipsign_rules` struct, and one function per operation filling
//! caller-owned results. The rules and their order are the core's
//! (`voipsign::rooms`).

use std::ffi::c_char;

use voipsign::rooms::{Admission, Ledger, OnUnavailable, Rules};
use voipsign::Error;

use crate::args::{guard, id_list, key_arg, require, str_arg, write_text};
use crate::status::{VoipsignError, VoipsignStatus};

/// "Not given": in `voipsign_rules`, the default; as a time, the store's clock;
/// as a day, today.
pub const VOIPSIGN_UNSET: i64 = i64::MIN;

/// A room ledger: WeChat's room rules over a store. Create with
/// `voipsign_ledger_new_memory` (one process's rooms) or
/// `voipsign_ledger_new_redis` (shared by every instance using the server), free
/// with `voipsign_ledger_free`. Thread safety: one ledger may be used by any
/// number of threads at once (every operation is atomic). On a Redis ledger every
/// `voipsign_ledger_*` call may block on network I/O, up to about the connect
/// timeout plus two command timeouts (`voipsign_redis_options`) when the server is
/// slow or gone.
pub struct VoipsignLedger(pub(crate) Ledger);

/// The rules a ledger enforces. Start from `voipsign_rules_default()` and change
/// what you need; `VOIPSIGN_UNSET` in `daily_room_warning` or `sync_grace_ms`
/// means its default (90 % of the limit; `reserve_ttl_ms`). Out of range:
/// `VOIPSIGN_INVALID_RULES` when the ledger is created.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VoipsignRules {
    /// Seats per room, 1–10.
    pub capacity: i64,
    /// Openings per appId per day, 1–100000.
    pub daily_room_limit: i64,
    /// Openings from which admissions report quota_warning, 0–daily_room_limit.
    pub daily_room_warning: i64,
    /// Rooms one member may open per day, 0–100000 (0: no limit; default 100).
    pub member_daily_openings: i64,
    /// Lease of a new seat in ms, 1000–3600000.
    pub reserve_ttl_ms: i64,
    /// Lease after a heartbeat or sync in ms, 1000–3600000.
    pub lease_ttl_ms: i64,
    /// A seat younger than this is never removed by sync, ms, 0–3600000.
    pub sync_grace_ms: i64,
    /// UTC offset of the quota's day in minutes, -720–840 (480: Beijing time).
    pub day_offset_minutes: i64,
    /// When the store cannot be reached: 0 admit (flagged degraded), 1 refuse.
    pub on_unavailable: i64,
}

/// The result of an admission (see `voipsign_ledger_admit`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VoipsignAdmission {
    /// This call opened the room and was charged to today's quota.
    pub opened: bool,
    /// The member already held a seat: lease refreshed, nothing charged.
    pub renewed: bool,
    /// rooms_today >= daily_room_warning.
    pub quota_warning: bool,
    /// The store could not be reached and the rules allow: nothing was counted.
    pub degraded: bool,
    /// Live seats after the call.
    pub members: u32,
    /// How many times the room was opened.
    pub generation: u64,
    /// Openings charged to the appId on the day of the call.
    pub rooms_today: u64,
    /// The daily limit of openings.
    pub daily_room_limit: u64,
    /// The member's lease expiry, unix ms (exclusive).
    pub lease_expires_at: i64,
}

impl From<&Admission> for VoipsignAdmission {
    fn from(a: &Admission) -> Self {
        VoipsignAdmission {
            opened: a.opened,
            renewed: a.renewed,
            quota_warning: a.quota_warning,
            degraded: a.degraded,
            members: a.members,
            generation: a.generation,
            rooms_today: a.rooms_today,
            daily_room_limit: a.daily_room_limit,
            lease_expires_at: a.lease_expires_at,
        }
    }
}

pub(crate) fn unset(v: i64) -> Option<i64> {
    (v != VOIPSIGN_UNSET).then_some(v)
}

impl VoipsignRules {
    pub(crate) fn to_rules(self) -> Result<Rules, Error> {
        Ok(Rules {
            capacity: self.capacity,
            daily_room_limit: self.daily_room_limit,
            daily_room_warning: unset(self.daily_room_warning),
            member_daily_openings: self.member_daily_openings,
            reserve_ttl_ms: self.reserve_ttl_ms,
            lease_ttl_ms: self.lease_ttl_ms,
            sync_grace_ms: unset(self.sync_grace_ms),
            day_offset_minutes: self.day_offset_minutes,
            on_unavailable: OnUnavailable::try_from(self.on_unavailable)?,
        })
    }
}

/// The default rules: capacity 10, 100000 openings a day (warning from 90000),
/// reserve 60 s, lease 45 s, sync grace = reserve, UTC+8 days, allow when the
/// store is unreachable. Thread safety: reentrant.
#[no_mangle]
pub extern "C" fn voipsign_rules_default() -> VoipsignRules {
    let d = Rules::default();
    VoipsignRules {
        capacity: d.capacity,
        daily_room_limit: d.daily_room_limit,
        daily_room_warning: VOIPSIGN_UNSET,
        member_daily_openings: d.member_daily_openings,
        reserve_ttl_ms: d.reserve_ttl_ms,
        lease_ttl_ms: d.lease_ttl_ms,
        sync_grace_ms: VOIPSIGN_UNSET,
        day_offset_minutes: d.day_offset_minutes,
        on_unavailable: 0,
    }
}

/// The number of an `on_unavailable` setting by its name (`"allow"` → 0,
/// `"refuse"` → 1), for bindings whose users write the name:
/// `VOIPSIGN_INVALID_RULES` for any other text. `*out` is written only on success.
///
/// # Safety
/// `(name, name_len)` `(NULL, 0)` or readable; `out` writable; `err` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_on_unavailable_from_name(
    name: *const c_char,
    name_len: usize,
    out: *mut i64,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let name = str_arg(name, name_len, "on_unavailable")?;
            require(out, "out")?;
            *out = match name.parse::<OnUnavailable>()? {
                OnUnavailable::Allow => 0,
                OnUnavailable::Refuse => 1,
            };
        }
        Ok(())
    })
}

/// Create a ledger over an in-process memory store (one process's rooms;
/// thread-safe, bounded). On success `*out` receives a ledger the caller owns and
/// must release with `voipsign_ledger_free`; on failure `*out` is untouched.
///
/// # Safety
/// `rules` NULL or a readable `voipsign_rules`; `out` NULL or writable; `err` NULL
/// or a writable `voipsign_error`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_new_memory(
    rules: *const VoipsignRules,
    out: *mut *mut VoipsignLedger,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        require(rules, "rules")?;
        require(out, "out")?;
        // SAFETY: both checked non-NULL; the caller guarantees they are valid.
        unsafe {
            let ledger = Ledger::memory((*rules).to_rules()?)?;
            *out = Box::into_raw(Box::new(VoipsignLedger(ledger)));
        }
        Ok(())
    })
}

/// Release a ledger (NULL is a no-op). Not while another thread uses it. A Redis
/// ledger closes its idle connections (no network round trip).
///
/// # Safety
/// `ledger` NULL or a pointer from `voipsign_ledger_new_*`, not freed before.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_free(ledger: *mut VoipsignLedger) {
    if !ledger.is_null() {
        // SAFETY: from Box::into_raw in voipsign_ledger_new_*, freed only once.
        let boxed = unsafe { Box::from_raw(ledger) };
        // Dropping frees memory only; a panic in it must not cross into C.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(boxed)));
    }
}

/// Borrow the ledger behind a handle.
///
/// # Safety
/// `ledger` NULL or a live handle.
pub(crate) unsafe fn ledger_ref<'a>(ledger: *const VoipsignLedger) -> Result<&'a Ledger, Error> {
    require(ledger, "ledger")?;
    // SAFETY: non-NULL and live per the contract.
    Ok(unsafe { &(*ledger).0 })
}

/// appId, groupId and memberId as text (NULL / UTF-8 errors in that order).
///
/// # Safety
/// Each pair `(NULL, 0)` or `len` readable bytes.
unsafe fn room_member<'a>(
    a: (*const c_char, usize),
    g: (*const c_char, usize),
    m: (*const c_char, usize),
) -> Result<[&'a str; 3], Error> {
    // SAFETY: forwarded contract.
    unsafe {
        Ok([
            str_arg(a.0, a.1, "appId")?,
            str_arg(g.0, g.1, "groupId")?,
            str_arg(m.0, m.1, "memberId")?,
        ])
    }
}

/// Seat `member_id` in the room (appId, groupId), opening it when it is not live
/// (charged to today's quota). `now_ms` is an explicit time (unix ms) or
/// `VOIPSIGN_UNSET` for the store's clock. Errors: input errors, then
/// `VOIPSIGN_ROOM_FULL`, `VOIPSIGN_DAILY_ROOM_LIMIT`, `VOIPSIGN_LEDGER_UNAVAILABLE`.
/// `*out` is written only on success.
///
/// Ownership: inputs borrowed; `out` caller-owned. Thread safety: any thread.
///
/// # Safety
/// `ledger` a live handle; each `(ptr, len)` pair `(NULL, 0)` or readable; `out`
/// writable; `err` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_admit(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    member_id: *const c_char,
    member_id_len: usize,
    now_ms: i64,
    out: *mut VoipsignAdmission,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let l = ledger_ref(ledger)?;
            let [app, group, member] = room_member(
                (app_id, app_id_len),
                (group_id, group_id_len),
                (member_id, member_id_len),
            )?;
            require(out, "out")?;
            let a = l.admit(app, group, member, unset(now_ms))?;
            *out = VoipsignAdmission::from(&a);
            Ok(())
        }
    })
}

/// Admit, then write the join ticket for `wx.joinVoIPChat` as JSON (as
/// `voipsign_issue`) to `ticket`. Every input is checked before anything is
/// written: a bad session_key takes no seat. With an explicit `now_ms` the ticket's
/// timeStamp is `now_ms / 1000`. `room_type` `(NULL, 0)` is voice. 4096 bytes of
/// `ticket` always suffice; a too small buffer is reported before the admission.
///
/// # Safety
/// As `voipsign_ledger_admit`; `ticket` `ticket_cap` writable bytes; `ticket_len`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_admit_and_issue(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    member_id: *const c_char,
    member_id_len: usize,
    session_key: *const c_char,
    session_key_len: usize,
    room_type: *const c_char,
    room_type_len: usize,
    now_ms: i64,
    out: *mut VoipsignAdmission,
    ticket: *mut c_char,
    ticket_cap: usize,
    ticket_len: *mut usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let l = ledger_ref(ledger)?;
            let [app, group, member] = room_member(
                (app_id, app_id_len),
                (group_id, group_id_len),
                (member_id, member_id_len),
            )?;
            let key = key_arg(session_key, session_key_len)?;
            let room = match str_arg(room_type, room_type_len, "roomType")? {
                "" if room_type.is_null() => None,
                s => Some(s),
            };
            require(out, "out")?;
            require(ticket, "ticket")?;
            // The JSON of a ticket is at most ~1.3 KB; refuse a small buffer before
            // taking a seat rather than after.
            const TICKET_MAX: usize = 4096;
            if ticket_cap < TICKET_MAX {
                return Err(crate::args::too_small(TICKET_MAX, ticket_cap));
            }
            let (a, t) = l.admit_and_issue(app, group, member, key, room, unset(now_ms))?;
            write_text(
                ticket,
                ticket_cap,
                ticket_len,
                crate::args::json(&t)?.as_bytes(),
            )?;
            *out = VoipsignAdmission::from(&a);
            Ok(())
        }
    })
}

/// Refresh a seat's lease (every 15 s while the phone is in the call):
/// `*out_expires` receives the new expiry (unix ms). `VOIPSIGN_NOT_ADMITTED` when
/// the member holds no live seat.
///
/// # Safety
/// As `voipsign_ledger_admit`; `out_expires` writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_heartbeat(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    member_id: *const c_char,
    member_id_len: usize,
    now_ms: i64,
    out_expires: *mut i64,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let l = ledger_ref(ledger)?;
            let [app, group, member] = room_member(
                (app_id, app_id_len),
                (group_id, group_id_len),
                (member_id, member_id_len),
            )?;
            require(out_expires, "out_expires")?;
            *out_expires = l.heartbeat(app, group, member, unset(now_ms))?;
            Ok(())
        }
    })
}

/// Remove the member's seat (on `wx.exitVoIPChat`): `*out_removed` tells whether
/// there was one. Idempotent.
///
/// # Safety
/// As `voipsign_ledger_admit`; `out_removed` writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_leave(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    member_id: *const c_char,
    member_id_len: usize,
    now_ms: i64,
    out_removed: *mut bool,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let l = ledger_ref(ledger)?;
            let [app, group, member] = room_member(
                (app_id, app_id_len),
                (group_id, group_id_len),
                (member_id, member_id_len),
            )?;
            require(out_removed, "out_removed")?;
            *out_removed = l.leave(app, group, member, unset(now_ms))?;
            Ok(())
        }
    })
}

/// Reconcile the room with the member list a phone reported
/// (`wx.onVoIPChatMembersChanged`), then write the room as JSON to `out`:
/// `{"members":[{"memberId":"…","since":…,"expires":…}],"generation":1,"live":true}`.
/// `open_ids` / `open_id_lens` give `count` ids (both may be NULL when `count` is
/// 0). `*out_len` as in `voipsign_canonical`; `voipsign_room_json_bound(capacity +
/// count)` bytes always suffice (a member id of 128 quotes or backslashes doubles
/// when escaped). On
/// `VOIPSIGN_BUFFER_TOO_SMALL` the sync has been applied: read the room with
/// `voipsign_ledger_room` rather than syncing again.
///
/// # Safety
/// As `voipsign_ledger_admit`; the id arrays as in `voipsign_sign_many`; `out`
/// `out_cap` writable bytes; `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_sync(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    open_ids: *const *const c_char,
    open_id_lens: *const usize,
    count: usize,
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
            let group = str_arg(group_id, group_id_len, "groupId")?;
            let ids = id_list(open_ids, open_id_lens, count, "openIds")?;
            require(out, "out")?;
            let room = l.sync(app, group, &ids, unset(now_ms))?;
            write_text(out, out_cap, out_len, room_json(&room)?.as_bytes())
        }
    })
}

/// Write the room (live seats sorted by member id, generation, live) as JSON, as
/// `voipsign_ledger_sync` does, without changing it.
///
/// # Safety
/// As `voipsign_ledger_sync`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_room(
    ledger: *const VoipsignLedger,
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
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
            let group = str_arg(group_id, group_id_len, "groupId")?;
            require(out, "out")?;
            let room = l.room(app, group, unset(now_ms))?;
            write_text(out, out_cap, out_len, room_json(&room)?.as_bytes())
        }
    })
}

fn room_json(room: &voipsign::rooms::Room) -> Result<String, Error> {
    crate::args::json(room)
}
