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
//!
//! Times at the ends of int64 are fuzzed too: leases saturate at `i64::MAX`, and at
//! `now_ms == INT64_MAX` itself no seat is ever live (live means `now < expires`).
//!
//! The shadow model and its checks are in `src/ledger_model.rs`, the generators in
//! `src/ledger_gen.rs`, the operations in `src/ledger_ops.rs` (ledger, seats) and
//! `src/ledger_room_ops.rs` (sync, room, usage).
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::ledger_ops::{new_ledger, start_clock, step};

/// Operations per input.
const MAX_OPS: usize = 64;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // The ledger: fuzzed rules, now and then NULL rules or a NULL out.
    let Some((ledger, mut sh)) = new_ledger(&mut u) else {
        return;
    };
    let mut clock = start_clock(&mut u);
    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        step(&mut u, &ledger, &mut sh, &mut clock);
    }
    // Frees the ledger (once).
    drop(ledger);
    // SAFETY: freeing NULL is a documented no-op; no pointer is involved.
    unsafe { voipsign_ffi::voipsign_ledger_free(std::ptr::null_mut()) };
});
