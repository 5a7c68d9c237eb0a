//! The room ledger's invariants under random interleavings: never more seats than
//! capacity, and openings equal the empty → live transitions admit made.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use proptest::prelude::*;
use voipsign::rooms::{Ledger, Rules, FORGET_EMPTY_ROOMS_MS};

const APP: &str = "wx20afc706a711eefc";
/// 2026-12-01 12:00 Beijing time: far from a day boundary for short runs.
const NOON: i64 = 1_796_083_200_000 - 8 * 3_600_000 + 12 * 3_600_000;

#[derive(Debug, Clone)]
enum Op {
    Admit(usize),
    Heartbeat(usize),
    Leave(usize),
    Sync(Vec<usize>),
    Wait(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..6usize).prop_map(Op::Admit),
        2 => (0..6usize).prop_map(Op::Heartbeat),
        2 => (0..6usize).prop_map(Op::Leave),
        1 => proptest::collection::vec(0..6usize, 0..4).prop_map(Op::Sync),
        2 => (0..40_000i64).prop_map(Op::Wait),
    ]
}

fn member(i: usize) -> String {
    format!("openid-{i}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn capacity_and_openings_hold(capacity in 1i64..=4, ops in proptest::collection::vec(op(), 1..120)) {
        let ledger = Ledger::memory(Rules { capacity, ..Rules::default() }).unwrap();
        let mut now = NOON;
        let (mut openings, mut transitions, mut live_by_sync) = (0u64, 0u64, 0u64);
        for op in ops {
            let before = ledger.room(APP, "g", Some(now)).unwrap();
            match op {
                Op::Admit(m) => match ledger.admit(APP, "g", &member(m), Some(now)) {
                    Ok(a) => {
                        prop_assert!(a.members as usize <= before.members.len().max(capacity as usize));
                        prop_assert_eq!(a.opened, !before.live);
                        openings += u64::from(a.opened);
                        transitions += u64::from(!before.live);
                        prop_assert_eq!(a.rooms_today, openings);
                    }
                    Err(e) => {
                        prop_assert_eq!(e.code().name(), "ROOM_FULL");
                        prop_assert!(before.members.len() >= capacity as usize);
                    }
                },
                Op::Heartbeat(m) => {
                    let seated = before.members.iter().any(|s| s.member_id == member(m));
                    prop_assert_eq!(ledger.heartbeat(APP, "g", &member(m), Some(now)).is_ok(), seated);
                }
                Op::Leave(m) => {
                    let seated = before.members.iter().any(|s| s.member_id == member(m));
                    prop_assert_eq!(ledger.leave(APP, "g", &member(m), Some(now)).unwrap(), seated);
                }
                Op::Sync(ms) => {
                    let ids: Vec<String> = ms.into_iter().map(member).collect();
                    let after = ledger.sync(APP, "g", &ids, Some(now)).unwrap();
                    live_by_sync += u64::from(!before.live && after.live);
                }
                Op::Wait(ms) => now += ms,
            }
            let room = ledger.room(APP, "g", Some(now)).unwrap();
            prop_assert_eq!(room.generation, transitions + live_by_sync);
            prop_assert_eq!(ledger.usage(APP, None, Some(now)).unwrap().openings, openings);
        }
        prop_assert_eq!(openings, transitions);
    }
}

/// 23:50 Beijing time on 2026-12-01: a run crosses midnight.
const BEFORE_MIDNIGHT: i64 = 1_796_083_200_000 - 8 * 3_600_000 + 86_400_000 - 600_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Over 3 rooms and across midnight, summed over the days of the run:
    /// openings = the empty → live transitions of admit; admissions +
    /// adopted_by_sync − leaves − removed_by_sync − expired = the live seats;
    /// and at every step each day's peak_seats ≥ the live seats.
    #[test]
    fn counters_balance(capacity in 1i64..=4, ops in proptest::collection::vec((op(), 0..3usize), 1..150)) {
        let ledger = Ledger::memory(Rules { capacity, ..Rules::default() }).unwrap();
        let mut now = BEFORE_MIDNIGHT;
        let first = ledger.limits().day(now);
        let mut transitions = 0u64;
        for (op, g) in ops {
            let group = format!("room-{g}");
            let before = ledger.room(APP, &group, Some(now)).unwrap();
            match op {
                Op::Admit(m) => {
                    if let Ok(a) = ledger.admit(APP, &group, &member(m), Some(now)) {
                        transitions += u64::from(a.opened && !before.live);
                    }
                }
                Op::Heartbeat(m) => { let _ = ledger.heartbeat(APP, &group, &member(m), Some(now)); }
                Op::Leave(m) => { ledger.leave(APP, &group, &member(m), Some(now)).unwrap(); }
                Op::Sync(ms) => {
                    let ids: Vec<String> = ms.into_iter().map(member).collect();
                    ledger.sync(APP, &group, &ids, Some(now)).unwrap();
                }
                Op::Wait(ms) => now += ms,
            }
            let live: u64 = (0..3)
                .map(|g| ledger.room(APP, &format!("room-{g}"), Some(now)).unwrap().members.len() as u64)
                .sum();
            let today = ledger.limits().day(now);
            let days: Vec<_> = (first..=today).map(|d| ledger.usage(APP, Some(d), Some(now)).unwrap()).collect();
            let sum = |f: fn(&voipsign::rooms::Usage) -> u64| days.iter().map(f).sum::<u64>();
            prop_assert_eq!(sum(|u| u.openings), transitions);
            let net = sum(|u| u.admissions) + sum(|u| u.adopted_by_sync)
                - sum(|u| u.leaves) - sum(|u| u.removed_by_sync) - sum(|u| u.expired);
            prop_assert_eq!(net, live, "{:?}", days);
            let u = ledger.usage(APP, None, Some(now)).unwrap();
            prop_assert_eq!(u.live_seats, Some(live));
            prop_assert!(u.peak_seats >= live, "{:?}", u);
        }
    }
}

/// 4 threads × 25,000 operations on 3 rooms: every admission and every snapshot
/// within capacity; the openings the threads saw equal the day's count and the
/// rooms' generations (the pauses stay under FORGET_EMPTY_ROOMS_MS: an emptied
/// room is remembered, with its generation, through them).
#[test]
fn four_threads_hold_the_invariants() {
    let rules = Rules {
        reserve_ttl_ms: 20_000,
        lease_ttl_ms: 15_000,
        ..Rules::default()
    };
    let ledger = Arc::new(Ledger::memory(rules).unwrap());
    let clock = Arc::new(AtomicI64::new(NOON));
    let opened = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let (ledger, clock, opened) = (ledger.clone(), clock.clone(), opened.clone());
            std::thread::spawn(move || {
                let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ t;
                for i in 0..25_000 {
                    if i % 1000 == 999 {
                        // Now and then half a minute passes: every seat expires,
                        // rooms reopen.
                        clock.fetch_add(FORGET_EMPTY_ROOMS_MS / 2, Ordering::Relaxed);
                    }
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // 1 ms a call, plus the jumps above.
                    let now = clock.fetch_add(1, Ordering::Relaxed);
                    let group = format!("room-{}", x % 3);
                    let m = member((x >> 8) as usize % 16);
                    match (x >> 16) % 4 {
                        0 | 1 => match ledger.admit(APP, &group, &m, Some(now)) {
                            Ok(a) => {
                                assert!(a.members <= 10, "{a:?}");
                                opened.fetch_add(u64::from(a.opened), Ordering::Relaxed);
                            }
                            Err(e) => assert_eq!(e.code().name(), "ROOM_FULL"),
                        },
                        2 => {
                            ledger.leave(APP, &group, &m, Some(now)).unwrap();
                        }
                        _ => {
                            let room = ledger.room(APP, &group, Some(now)).unwrap();
                            assert!(room.members.len() <= 10);
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let now = clock.load(Ordering::Relaxed);
    let opened = opened.load(Ordering::Relaxed);
    assert!(opened > 100, "{opened}");
    assert_eq!(ledger.usage(APP, None, Some(now)).unwrap().openings, opened);
    let generations: u64 = (0..3)
        .map(|g| {
            ledger
                .room(APP, &format!("room-{g}"), Some(now))
                .unwrap()
                .generation
        })
        .sum();
    assert_eq!(generations, opened);
}

/// Explicit times at the ends of the 64-bit range neither panic nor wrap: a lease
/// saturates at the largest time, so the seat stays live and a second admit in the
/// same millisecond is a renewal, not a second opening.
#[test]
fn extreme_times_saturate() {
    let ledger = Ledger::memory(Rules::default()).unwrap();
    // (At i64::MAX itself no lease can end after now: nothing is ever live there.)
    for now in [i64::MAX - 1000, i64::MAX - 1, i64::MIN, i64::MIN + 1] {
        let group = format!("g{now}");
        let a = ledger.admit(APP, &group, "m", Some(now)).unwrap();
        assert!(a.opened && a.lease_expires_at >= now, "{now}: {a:?}");
        let b = ledger.admit(APP, &group, "m", Some(now)).unwrap();
        assert!(b.renewed && b.generation == 1, "{now}: {b:?}");
        ledger.heartbeat(APP, &group, "m", Some(now)).unwrap();
        let room = ledger.sync(APP, &group, &["m", "n"], Some(now)).unwrap();
        assert_eq!(room.members.len(), 2);
        assert!(ledger.leave(APP, &group, "m", Some(now)).unwrap());
    }
}
