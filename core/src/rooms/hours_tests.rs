//! Hours and apps on the memory store (docs/ROOMS.md, "Hours", "Apps").

use super::{Hours, Ledger, Rules};

const APP: &str = "wx20afc706a711eefc";
/// 2026-12-01 00:00:00 Beijing time (UTC+8), the start of a day.
const MIDNIGHT: i64 = 1_796_083_200_000 - 8 * 3_600_000;
const HOUR: i64 = 3_600_000;

fn ledger(capacity: i64, day_offset_minutes: i64) -> Ledger {
    Ledger::memory(Rules {
        capacity,
        daily_room_limit: 2,
        member_daily_openings: 0,
        day_offset_minutes,
        ..Rules::default()
    })
    .unwrap()
}

/// `(hour, n)` pairs as 24 buckets.
fn buckets(at: &[(usize, u64)]) -> [u64; 24] {
    let mut b = [0; 24];
    for &(h, n) in at {
        b[h] = n;
    }
    b
}

#[test]
fn an_opening_and_a_refusal_land_in_their_hour() {
    let l = ledger(1, 480);
    let t = MIDNIGHT + 5 * HOUR + 59 * 60_000;
    l.admit(APP, "g", "a", Some(t)).unwrap();
    // Room full (refused), a renewal and a refused heartbeat: none is an opening,
    // and only the admission refused counts as refused.
    assert!(l.admit(APP, "g", "b", Some(t + 1)).is_err());
    l.admit(APP, "g", "a", Some(t + 2)).unwrap();
    assert!(l.heartbeat(APP, "g", "b", Some(t + 3)).is_err());
    let day = l.limits().day(t);
    let h = l.hours(APP, None, Some(t + 4)).unwrap();
    assert_eq!(
        h,
        Hours {
            day,
            openings: buckets(&[(5, 1)]),
            refused: buckets(&[(5, 1)])
        }
    );
    assert_eq!(l.hours(APP, Some(day), None).unwrap(), h);
    // The sums are the day's counters.
    let u = l.usage(APP, Some(day), Some(t + 4)).unwrap();
    assert_eq!(h.openings.iter().sum::<u64>(), u.openings);
    assert_eq!(
        h.refused.iter().sum::<u64>(),
        u.refused_room_full + u.refused_daily_limit + u.refused_member_limit
    );
}

#[test]
fn hours_follow_the_day_offset() {
    // UTC-5: the day starts at 05:00 UTC.
    let l = ledger(1, -300);
    let start = MIDNIGHT + 8 * HOUR + 5 * HOUR; // 00:00 at UTC-5
    let day = l.limits().day(start);
    assert_eq!(l.limits().day(start - 1), day - 1);
    l.admit(APP, "a", "m", Some(start)).unwrap(); // hour 0
    l.admit(APP, "b", "m", Some(start + HOUR - 1)).unwrap(); // hour 0, its last ms
    assert!(l.admit(APP, "c", "m", Some(start + HOUR)).is_err()); // hour 1: daily limit
    assert!(l.admit(APP, "a", "n", Some(start + 24 * HOUR - 1)).is_err()); // hour 23: refused (the daily limit)
    let h = l.hours(APP, None, Some(start + 24 * HOUR - 1)).unwrap();
    assert_eq!(h.day, day);
    assert_eq!(h.openings, buckets(&[(0, 2)]));
    assert_eq!(h.refused, buckets(&[(1, 1), (23, 1)]));
    // The last millisecond before the day counted on the day before, hour 23.
    l.leave(APP, "a", "m", Some(start - 2)).unwrap();
    l.admit(APP, "z", "m", Some(start - 1)).unwrap();
    let before = l.hours(APP, Some(day - 1), Some(start)).unwrap();
    assert_eq!(before.openings, buckets(&[(23, 1)]));
    assert_eq!(l.hours(APP, None, Some(start)).unwrap(), h);
}

#[test]
fn another_day_and_another_app_are_apart() {
    let l = ledger(2, 480);
    let t = MIDNIGHT + 10 * HOUR;
    let day = l.limits().day(t);
    l.admit(APP, "g", "a", Some(t)).unwrap();
    l.admit(APP, "h", "a", Some(t + 86_400_000)).unwrap(); // tomorrow, hour 10
    assert_eq!(
        l.hours(APP, Some(day), Some(t)).unwrap().openings,
        buckets(&[(10, 1)])
    );
    let tomorrow = l.hours(APP, None, Some(t + 86_400_000)).unwrap();
    assert_eq!(
        (tomorrow.day, tomorrow.openings),
        (day + 1, buckets(&[(10, 1)]))
    );
    assert_eq!(
        l.hours(APP, Some(day + 2), Some(t)).unwrap(),
        Hours::empty(day + 2)
    );
    assert_eq!(
        l.hours("wx0000000000000000", None, Some(t)).unwrap(),
        Hours::empty(day)
    );
    assert_eq!(
        l.hours("bad app", None, Some(t)).unwrap_err().code().name(),
        "INVALID_APP_ID"
    );
}

#[test]
fn apps_are_those_of_today() {
    let l = ledger(2, 480);
    let t = 1_577_808_000_000 + 12 * HOUR; // 2020-01-01 12:00 Beijing time
    assert!(l.apps(Some(t)).unwrap().is_empty());
    l.admit("wx_b", "g", "a", Some(t - 86_400_000)).unwrap(); // yesterday only
    l.admit("wx_c", "g", "a", Some(t)).unwrap();
    l.admit("wx_a", "g", "a", Some(t)).unwrap();
    l.heartbeat("wx_a", "g", "a", Some(t + 1)).unwrap();
    // Reads of an appId the ledger never saw create nothing (a dashboard's read).
    l.usage("wx_d", None, Some(t)).unwrap();
    l.rooms("wx_d", 10, None, Some(t)).unwrap();
    l.room("wx_d", "g", Some(t)).unwrap();
    l.hours("wx_e", None, Some(t)).unwrap();
    assert_eq!(l.apps(Some(t)).unwrap(), ["wx_a", "wx_c"]);
    // A read of a known appId is its day's housekeeping: it is seen that day.
    l.usage("wx_b", None, Some(t)).unwrap();
    assert_eq!(l.apps(Some(t)).unwrap(), ["wx_a", "wx_b", "wx_c"]);
    assert_eq!(
        l.apps(Some(t - 86_400_000)).unwrap(),
        ["wx_a", "wx_b", "wx_c"]
    );
    assert!(l.apps(Some(t + 86_400_000)).unwrap().is_empty());
    // The process clock: 2020 is over.
    l.admit("wx_now", "g", "a", None).unwrap();
    assert_eq!(l.apps(None).unwrap(), ["wx_now"]);
}
