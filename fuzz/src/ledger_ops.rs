//! The room ledger through the C ABI (for `ffi_ledger`): creating a ledger from
//! fuzzed rules, one fuzzed operation at a time, and the seat operations (admit,
//! admit_and_issue, heartbeat, leave), each with fuzzed arguments and
//! out-parameters, checked against the shadow model of [`crate::ledger_model`].
//! The room operations (sync, room, usage) are in [`crate::ledger_room_ops`].
//!
//! Every pointer these functions pass is made here: the ledger is owned by
//! [`Ledger`], and each string argument comes from the [`Arg`] constructors (a
//! non-NULL pointer is a live `Vec` with its own length; NULL goes with any length).

use arbitrary::Unstructured;
use voipsign_ffi::{VoipsignAdmission, VoipsignLedger, VOIPSIGN_UNSET};

use crate::c_args::Arg;
use crate::expected::defect;
use crate::generators::{gen_app_id, gen_group, gen_key};
use crate::input::{inject, int};
use crate::ledger_gen::{gen_member, gen_now, gen_pooled, gen_rules, APPS, GROUPS, KEY};
use crate::ledger_model::{
    check_admission, check_err, check_room_json, check_status, check_ticket, day_of, lim_of,
    member_defect, Shadow, DAILY_ROOM_LIMIT, INVALID_RULES, NOT_ADMITTED, ROOM_BIG, ROOM_FULL,
    TICKET_CAP,
};
use crate::ledger_room_ops::{op_sync_or_room, op_usage};
use crate::out_params::{ErrBuf, Out, OutBuf, OutLen, OUT_LEN_SENTINEL};
use crate::output_checks::check_text;
use crate::status::{status, BUFFER_TOO_SMALL, INVALID_TIMESTAMP, NULL_ARGUMENT, OK};

/// A ledger made by `voipsign_ledger_new_memory`, freed (once) on drop.
pub struct Ledger(*mut VoipsignLedger);

impl Ledger {
    /// The `const voipsign_ledger *` passed: NULL when `null`, else the live ledger.
    pub(crate) fn ptr(&self, null: bool) -> *const VoipsignLedger {
        if null {
            std::ptr::null()
        } else {
            self.0
        }
    }
}

impl Drop for Ledger {
    fn drop(&mut self) {
        // SAFETY: `self.0` came from voipsign_ledger_new_memory and is freed only here,
        // once; no call is in flight (every call borrows `self`).
        unsafe { voipsign_ffi::voipsign_ledger_free(self.0) };
    }
}

/// `voipsign_ledger_new_memory` with fuzzed rules, now and then NULL rules or a
/// NULL out, checked: created exactly when the rules are in the documented ranges,
/// `*out` untouched otherwise. Returns the ledger and its shadow when created.
pub fn new_ledger(u: &mut Unstructured) -> Option<(Ledger, Shadow)> {
    let rules = gen_rules(u);
    let (null_rules, null_out) = match int(u, 0u8..=31) {
        30 => (true, false),
        31 => (false, true),
        _ => (false, false),
    };
    let sentinel = 0x5A5A_5A5A_usize as *mut VoipsignLedger;
    let mut ledger = sentinel;
    let mut err = ErrBuf::gen(u);
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
        return None;
    }
    assert!(!ledger.is_null() && ledger != sentinel, "no ledger on OK");
    Some((Ledger(ledger), Shadow::new(lim.unwrap())))
}

/// The clock's start: near a day's end now and then.
pub fn start_clock(u: &mut Unstructured) -> i64 {
    match int(u, 0u8..=3) {
        0 => 1_000,
        1 => 1_719_763_200_000 - 480 * 60_000 - int(u, 0i64..=120_000), // near a day's end
        _ => 1_717_214_400_000,
    }
}

/// One operation (now and then on a NULL ledger) with fuzzed arguments, checked.
pub fn step(u: &mut Unstructured, l: &Ledger, sh: &mut Shadow, clock: &mut i64) {
    let op = int(u, 0u8..=7);
    let c = Common::gen(u, clock);
    match op {
        0 | 1 => op_admit(u, l, &c, sh),
        2 => op_admit_and_issue(u, l, &c, sh),
        3 => op_heartbeat_or_leave(u, l, &c, sh, false),
        4 => op_heartbeat_or_leave(u, l, &c, sh, true),
        5 => op_sync_or_room(u, l, &c, sh, true),
        6 => op_sync_or_room(u, l, &c, sh, false),
        _ => op_usage(u, l, &c, sh),
    }
}

/// The inputs every room operation shares.
pub(crate) struct Common {
    /// Pass NULL as the ledger.
    pub(crate) null_ledger: bool,
    /// appId: pooled most of the time.
    pub(crate) app: Arg,
    /// groupId: pooled most of the time.
    pub(crate) group: Arg,
    /// `now_ms`.
    pub(crate) now: i64,
}

impl Common {
    fn gen(u: &mut Unstructured, clock: &mut i64) -> Common {
        Common {
            null_ledger: int(u, 0u8..=31) == 31,
            app: gen_pooled(u, APPS, gen_app_id),
            group: gen_pooled(u, GROUPS, gen_group),
            now: gen_now(u, clock),
        }
    }

    /// Problems of the ledger, appId and groupId (in that order).
    pub(crate) fn problems(&self) -> Vec<i32> {
        let mut v = Vec::new();
        if self.null_ledger {
            v.push(NULL_ARGUMENT);
        }
        v.extend(defect(&self.app, voipsign::validate_app_id));
        v.extend(defect(&self.group, voipsign::validate_group_id));
        v
    }
}

/// The room of `c` at `c.now`, read back with a big buffer (for ROOM_FULL /
/// NOT_ADMITTED / leave).
fn read_room(l: &Ledger, c: &Common) -> Vec<String> {
    let mut out = OutBuf::with_cap(ROOM_BIG);
    let mut out_len = OutLen::new(true);
    let mut err = ErrBuf::new(true);
    // SAFETY: `l` is the live ledger; app/group are live `Vec`s with their lengths (valid
    // here: the caller only reads rooms of calls that passed validation); `out` has
    // ROOM_BIG writable bytes; `out_len` and `err` are live. The library keeps nothing.
    let st = status(unsafe {
        voipsign_ffi::voipsign_ledger_room(
            l.ptr(false),
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
    });
    assert_eq!(st, OK, "room read back failed");
    let text = check_text(st, &out, &out_len, &err, ROOM_BIG).unwrap();
    check_room_json(&text, c.now).0
}

/// admit: the status against the call's problems (ROOM_FULL / DAILY_ROOM_LIMIT
/// only for valid inputs), the admission against the shadow.
pub(crate) fn op_admit(u: &mut Unstructured, l: &Ledger, c: &Common, sh: &mut Shadow) {
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
            l.ptr(c.null_ledger),
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
    l: &Ledger,
    c: &Common,
    member: &str,
    sh: &mut Shadow,
) {
    match st {
        OK => check_admission(sh, &out.get(), &c.app, &c.group, member, c.now),
        ROOM_FULL if c.now != VOIPSIGN_UNSET => {
            let seats = read_room(l, c);
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
                read_room(l, c).is_empty(),
                "DAILY_ROOM_LIMIT for a live room"
            );
        }
        _ => {}
    }
}

/// admit_and_issue: as admit, with a session_key (usually valid) and a roomType;
/// the ticket checked as `ffi_issue` checks it, with timeStamp = floor(now_ms / 1000).
pub(crate) fn op_admit_and_issue(u: &mut Unstructured, l: &Ledger, c: &Common, sh: &mut Shadow) {
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
            l.ptr(c.null_ledger),
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

/// heartbeat (the new expiry, or NOT_ADMITTED only for a member holding no seat)
/// or leave (the member holds no seat after).
pub(crate) fn op_heartbeat_or_leave(
    u: &mut Unstructured,
    l: &Ledger,
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
                l.ptr(c.null_ledger),
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
                l.ptr(c.null_ledger),
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
            // A member who left is not adopted by a sync for sync_grace_ms
            // (docs/ROOMS.md): the sync check below leaves it out.
            sh.left
                .insert((c.app.bytes.clone(), c.group.bytes.clone(), member.bytes.clone()));
            if c.now != VOIPSIGN_UNSET {
                let seats = read_room(l, c);
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
                // A lease saturates at i64::MAX.
                let want = c.now.saturating_add(sh.lim.lease);
                assert!(e >= want, "heartbeat: expires {e} < now + lease {want}");
            }
        }
        NOT_ADMITTED if c.now != VOIPSIGN_UNSET => {
            exp.check_untouched("*out_expires", st);
            let seats = read_room(l, c);
            assert!(!seats.contains(&m), "NOT_ADMITTED for the seated {m}");
        }
        _ => exp.check_untouched("*out_expires", st),
    }
}
