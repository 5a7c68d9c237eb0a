//! The memory store stays bounded by forgetting: a room with no live seat and
//! no operation for FORGET_EMPTY_ROOMS_MS is dropped at the next sweep, its
//! generation with it (docs/ROOMS.md, "Expiry"); a room idle for less keeps it.

use voipsign::rooms::{Ledger, Rules, FORGET_EMPTY_ROOMS_MS};

/// No member limit: the filler operations open many rooms as one member.
fn ledger() -> Ledger {
    Ledger::memory(Rules {
        member_daily_openings: 0,
        ..Rules::default()
    })
    .unwrap()
}

const APP: &str = "wx20afc706a711eefc";
/// 2026-12-01 12:00 Beijing time.
const NOON: i64 = 1_796_083_200_000 - 8 * 3_600_000 + 12 * 3_600_000;

/// Open `room-a` twice (generation 2), empty it, let `idle` ms pass, run enough
/// operations on other rooms for a sweep, and open it again: its generation.
fn reopened_after(idle: i64) -> (u64, u64) {
    let l = ledger();
    let t = NOON;
    for (i, at) in [t, t + 10].into_iter().enumerate() {
        let a = l.admit(APP, "room-a", "openid-a", Some(at)).unwrap();
        assert!(a.opened && a.generation == i as u64 + 1, "{a:?}");
        assert!(l.leave(APP, "room-a", "openid-a", Some(at + 5)).unwrap());
    }
    let later = t + 15 + idle;
    // More than a sweep's worth of operations (at least 1024), on other rooms.
    for i in 0..1100 {
        let g = format!("other-{}", i % 7);
        l.admit(APP, &g, "openid-b", Some(later)).unwrap();
        l.leave(APP, &g, "openid-b", Some(later)).unwrap();
    }
    let a = l.admit(APP, "room-a", "openid-a", Some(later + 1)).unwrap();
    assert!(a.opened, "{a:?}");
    let u = l.usage(APP, None, Some(later + 1)).unwrap();
    (a.generation, u.openings)
}

#[test]
fn a_room_idle_for_less_keeps_its_generation() {
    let (generation, _) = reopened_after(FORGET_EMPTY_ROOMS_MS - 20);
    assert_eq!(generation, 3);
}

#[test]
fn a_room_idle_that_long_is_forgotten_and_opens_at_generation_one() {
    let (generation, openings) = reopened_after(FORGET_EMPTY_ROOMS_MS);
    assert_eq!(generation, 1);
    // The quota never depends on the generation: three openings of room-a
    // (plus the other rooms') are counted all the same.
    assert!(openings >= 3 + 7, "{openings}");
}

#[test]
fn a_room_with_a_live_seat_is_never_forgotten() {
    let l = ledger();
    let a = l.admit(APP, "room-a", "openid-a", Some(NOON)).unwrap();
    assert_eq!(a.generation, 1);
    // Renewed by heartbeats far apart (each within the lease): never empty.
    let mut t = NOON;
    for _ in 0..4 {
        t += 40_000;
        l.heartbeat(APP, "room-a", "openid-a", Some(t)).unwrap();
        for i in 0..1100 {
            let g = format!("other-{}", i % 7);
            l.admit(APP, &g, "openid-b", Some(t)).unwrap();
            l.leave(APP, &g, "openid-b", Some(t)).unwrap();
        }
    }
    let room = l.room(APP, "room-a", Some(t)).unwrap();
    assert_eq!(room.generation, 1);
    assert_eq!(room.members.len(), 1);
}
