//! Generators of the room ledger's inputs (for `ffi_ledger`): rules (each field
//! valid, an edge, `VOIPSIGN_UNSET` or anything), member ids from a pool of 12 or
//! of any shape, pooled appIds / groupIds, and times from a drifting clock with
//! `VOIPSIGN_UNSET`, the edges of int64 and anything.

use arbitrary::{Arbitrary, Unstructured};
use voipsign_ffi::{VoipsignRules, VOIPSIGN_UNSET};

use crate::c_args::Arg;
use crate::input::{inject, int, printable, raw};

/// The pooled appIds (valid).
pub const APPS: &[&str] = &["wx20afc706a711eefc", "wxledger0000000002"];
/// The pooled groupIds (valid).
pub const GROUPS: &[&str] = &["1559129713_672975982", "room-2", "房间 一"];
/// The usual session_key of admit_and_issue (valid).
pub const KEY: &str = "gDyVgzwa0mFz9uUP7M6GQQ==";

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

/// The rules of a ledger: the defaults one time in four, else each rule changed one
/// time in two.
pub fn gen_rules(u: &mut Unstructured) -> VoipsignRules {
    let mut r = voipsign_ffi::voipsign_rules_default();
    // The model (ledger_model.rs) has no member limit: tests/vectors/rooms.json
    // covers it in every language; here it is off.
    r.member_daily_openings = 0;
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

/// A member id: from a pool of 12 (more than any capacity) most of the time.
pub fn gen_member(u: &mut Unstructured) -> Vec<u8> {
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

/// A value from `pool` three times in four, else one made by `other`; as an
/// argument, now and then NULL.
pub fn gen_pooled(
    u: &mut Unstructured,
    pool: &[&str],
    other: fn(&mut Unstructured) -> Vec<u8>,
) -> Arg {
    let b = if int(u, 0u8..=7) < 6 {
        pool[int(u, 0..=pool.len() - 1)].as_bytes().to_vec()
    } else {
        other(u)
    };
    Arg::wrap(u, b)
}

/// A time: the drifting clock most of the time, else VOIPSIGN_UNSET, an edge (the
/// ends of int64 among them) or anything.
pub fn gen_now(u: &mut Unstructured, clock: &mut i64) -> i64 {
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
        13 | 14 => EDGES[int(u, 0..=EDGES.len() - 1)],
        _ => i64::arbitrary(u).unwrap_or(0),
    }
}
