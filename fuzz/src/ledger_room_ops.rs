//! The room ledger's room operations through the C ABI (for `ffi_ledger`): sync
//! and room (the room JSON) and usage (a day's openings), checked against the
//! shadow model of [`crate::ledger_model`].

use arbitrary::{Arbitrary, Unstructured};
use voipsign_ffi::{VoipsignUsage, VOIPSIGN_UNSET};

use crate::c_args::ArgList;
use crate::expected::defect;
use crate::input::int;
use crate::ledger_gen::gen_member;
use crate::ledger_model::{
    check_err, check_room_json, check_status, day_of, member_defect, Shadow, ROOM_BIG,
    ROOM_JSON_FIXED, ROOM_JSON_PER_MEMBER,
};
use crate::ledger_ops::{Common, Ledger};
use crate::out_params::{ErrBuf, Out, OutBuf, OutLen};
use crate::output_checks::check_text;
use crate::status::{status, BUFFER_TOO_SMALL, NULL_ARGUMENT, OK};

/// sync (with 0..=12 member ids) or room: the room JSON (see
/// [`check_room_json`]), within the capacity in a room no sync touched; sync seats
/// every listed id; a room read again into exactly its size gives the same text.
pub(crate) fn op_sync_or_room(
    u: &mut Unstructured,
    l: &Ledger,
    c: &Common,
    sh: &mut Shadow,
    sync: bool,
) {
    let ids = ArgList::gen(u, 12, gen_member);
    // The documented size of a room of 4 seats.
    let need = ROOM_JSON_FIXED + ROOM_JSON_PER_MEMBER * 4;
    let mut out = OutBuf::gen(u, need, ROOM_BIG);
    let mut out_len = OutLen::gen(u);
    let mut err = ErrBuf::gen(u);
    // SAFETY: as in ledger_ops::op_admit; the id arrays are NULL (any count) or live `Vec`s of
    // exactly `count` elements whose pairs are live `Vec`s or NULL with any length; `out` is
    // NULL (any capacity) or a live buffer of `out.cap` writable bytes plus the guard zone;
    // `out_len` NULL or a live `usize`.
    let st = status(unsafe {
        if sync {
            voipsign_ffi::voipsign_ledger_sync(
                l.ptr(c.null_ledger),
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
                l.ptr(c.null_ledger),
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
    // At now == i64::MAX no seat is live (a lease saturates there and live means
    // now < expires): the ids are seated, but do not show at that time.
    if sync && c.now != i64::MAX {
        for id in ids.strs().unwrap_or_default() {
            let key = (c.app.bytes.clone(), c.group.bytes.clone(), id.as_bytes().to_vec());
            if sh.left.contains(&key) {
                continue; // left: not adopted within sync_grace_ms
            }
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
                    l.ptr(c.null_ledger),
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

/// usage of a day (the call's, one around it, or any): dailyRoomLimit, the day,
/// and the openings counted by the shadow.
pub(crate) fn op_usage(u: &mut Unstructured, l: &Ledger, c: &Common, sh: &mut Shadow) {
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
            l.ptr(c.null_ledger),
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
        assert_eq!(got.openings, n, "usage openings: {n} counted on day {d}");
    }
}
