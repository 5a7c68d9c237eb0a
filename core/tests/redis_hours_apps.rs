//! `hours` and `apps` on the Redis store (tests/redis/servers.sh): the hour
//! fields of the days hash and their pruning, the appIds of today on one server
//! and on a 3-master cluster (SCAN on every master), the server's clock, and
//! LEDGER_UNAVAILABLE when the store cannot be reached. The memory store is
//! compared with them in redis_store.rs (`the_redis_store_answers_as_the_memory_store`).
#![cfg(feature = "redis")]

mod common;

use std::collections::BTreeSet;

use common::redis_servers::{cli, unique_prefix, url};
use voipsign::rooms::{Hours, Ledger, RedisOptions, Rules};

const APP: &str = "wx20afc706a711eefc";
/// 2026-12-01 00:00:00 Beijing time (UTC+8).
const MIDNIGHT: i64 = 1_796_083_200_000 - 8 * 3_600_000;
/// 2020-01-01 12:00 Beijing time: the apps tests' day, long before the clock's.
const NOON_2020: i64 = 1_577_808_000_000 + 12 * HOUR;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;

fn options(prefix: &str) -> RedisOptions {
    RedisOptions {
        key_prefix: prefix.to_owned(),
        ..RedisOptions::default()
    }
}

fn rules() -> Rules {
    Rules {
        capacity: 1,
        daily_room_limit: 2,
        member_daily_openings: 0,
        ..Rules::default()
    }
}

fn days_key(prefix: &str, app: &str) -> String {
    format!("{prefix}:{{{}}}:days", hex::encode(app))
}

/// The fields of a hash on the single server, sorted.
fn fields(port: u16, key: &str) -> BTreeSet<String> {
    cli(port, &["hkeys", key])
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn hours_count_openings_and_refusals_per_hour() {
    let Some(u) = url("VOIPSIGN_REDIS_URL") else {
        return;
    };
    let port: u16 = std::env::var("VOIPSIGN_REDIS_SINGLE_PORT")
        .unwrap()
        .parse()
        .unwrap();
    let prefix = unique_prefix("hours");
    let l = Ledger::redis(&u, rules(), options(&prefix)).unwrap();
    let day = l.limits().day(MIDNIGHT);
    let t = MIDNIGHT + 5 * HOUR;
    l.admit(APP, "a", "m", Some(t)).unwrap(); // hour 5: opening
    assert!(l.admit(APP, "a", "n", Some(t + 1)).is_err()); // hour 5: room full
    l.admit(APP, "a", "m", Some(t + 2)).unwrap(); // renewal: nothing
    assert!(l.heartbeat(APP, "a", "n", Some(t + 3)).is_err()); // not a refused admission
    l.admit(APP, "b", "m", Some(MIDNIGHT + DAY - 1)).unwrap(); // hour 23: opening
    assert!(l.admit(APP, "c", "m", Some(MIDNIGHT + DAY - 1)).is_err()); // daily limit
    let mut want = Hours::empty(day);
    want.openings[5] = 1;
    want.refused[5] = 1;
    want.openings[23] = 1;
    want.refused[23] = 1;
    assert_eq!(l.hours(APP, None, Some(MIDNIGHT + DAY - 1)).unwrap(), want);
    assert_eq!(l.hours(APP, Some(day), None).unwrap(), want);
    assert_eq!(
        l.hours(APP, Some(day + 1), None).unwrap(),
        Hours::empty(day + 1)
    );
    let key = days_key(&prefix, APP);
    let f = fields(port, &key);
    for name in ["h05:openings", "h05:refused", "h23:openings", "h23:refused"] {
        assert!(f.contains(&format!("{day}:{name}")), "{name} in {f:?}");
    }
    let hourly = |x: &&String| {
        x.split(':')
            .nth(1)
            .is_some_and(|s| s.len() == 3 && s.starts_with('h'))
    };
    assert_eq!(f.iter().filter(hourly).count(), 4, "{f:?}");
    // The next day counts apart; two days later the first day's fields are gone.
    l.admit(APP, "d", "m", Some(MIDNIGHT + DAY)).unwrap();
    let next = l.hours(APP, None, Some(MIDNIGHT + DAY)).unwrap();
    assert_eq!((next.day, next.openings[0]), (day + 1, 1));
    assert_eq!(l.hours(APP, Some(day), None).unwrap(), want);
    l.admit(APP, "e", "m", Some(MIDNIGHT + 2 * DAY)).unwrap();
    let f = fields(port, &key);
    assert!(
        f.iter().all(|x| !x.starts_with(&format!("{day}:"))),
        "{f:?}"
    );
    assert!(f.contains(&format!("{}:h00:openings", day + 1)), "{f:?}");
    assert_eq!(l.hours(APP, Some(day), None).unwrap(), Hours::empty(day));
    // Without a time: the day of the server's clock.
    let h = l.hours(APP, None, None).unwrap();
    let today = l.limits().day(now_ms());
    assert!(h.day == today || h.day == today + 1, "{} {today}", h.day);
    // Lua numbers: explicit days and times within ±2^52.
    let e = l.hours(APP, Some(1 << 53), None).unwrap_err();
    assert_eq!(e.code().name(), "INVALID_TIMESTAMP");
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn apps_of_today_on_one_server() {
    let Some(u) = url("VOIPSIGN_REDIS_URL") else {
        return;
    };
    // A prefix with glob characters: they must not widen the SCAN pattern.
    let prefix = format!("{}*?[x]", unique_prefix("apps"));
    let l = Ledger::redis(&u, Rules::default(), options(&prefix)).unwrap();
    let other = Ledger::redis(&u, Rules::default(), options(&unique_prefix("apps2"))).unwrap();
    let t = NOON_2020;
    assert!(l.apps(Some(t)).unwrap().is_empty());
    l.admit("wx_c{x}", "g", "m", Some(t)).unwrap();
    l.heartbeat("wx_a", "g", "m", Some(t)).unwrap_err(); // refused, still an operation
    l.admit("wx_b", "g", "m", Some(t - DAY)).unwrap(); // yesterday only
    l.hours("wx_d", None, Some(t)).unwrap(); // reads only: not an operation
    other.admit("wx_e", "g", "m", Some(t)).unwrap(); // another prefix
    assert_eq!(l.apps(Some(t)).unwrap(), ["wx_a", "wx_c{x}"]);
    assert_eq!(l.apps(Some(t - DAY)).unwrap(), ["wx_a", "wx_b", "wx_c{x}"]);
    assert!(l.apps(Some(t + DAY)).unwrap().is_empty());
    assert_eq!(other.apps(Some(t)).unwrap(), ["wx_e"]);
    // The server's clock: an app of now is listed, the apps of 2020 are not.
    l.admit("wx_now", "g", "m", None).unwrap();
    let now = l.apps(None).unwrap();
    assert!(now.contains(&"wx_now".to_owned()), "{now:?}");
    assert!(!now.contains(&"wx_b".to_owned()), "{now:?}");
}

/// The port of the master holding `key` (redis-cli without -c answers MOVED
/// elsewhere).
fn owner(port: u16, key: &str) -> u16 {
    let out = cli(port, &["exists", key]);
    match out.trim().strip_prefix("MOVED ") {
        Some(to) => to.rsplit(':').next().unwrap().parse().unwrap(),
        None => port,
    }
}

#[test]
fn apps_of_today_on_every_master_of_a_cluster() {
    let Some(u) = url("VOIPSIGN_REDIS_CLUSTER_URL") else {
        return;
    };
    let ports: Vec<u16> = std::env::var("VOIPSIGN_REDIS_CLUSTER_PORTS")
        .unwrap()
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    let prefix = unique_prefix("clusterapps");
    let l = Ledger::redis(&u, Rules::default(), options(&prefix)).unwrap();
    // Three appIds whose keys land on three different masters.
    let mut chosen: Vec<(u16, String)> = Vec::new();
    for i in 0..64 {
        let app = format!("wxcluster{i:02}");
        let port = owner(ports[0], &days_key(&prefix, &app));
        if chosen.iter().all(|(p, _)| *p != port) {
            chosen.push((port, app));
        }
        if chosen.len() == 3 {
            break;
        }
    }
    assert_eq!(chosen.len(), 3, "{chosen:?}");
    let t = NOON_2020;
    for (_, app) in &chosen {
        l.admit(app, "g", "m", Some(t)).unwrap();
    }
    l.admit("wxclusterold", "g", "m", Some(t - DAY)).unwrap();
    let mut want: Vec<String> = chosen.iter().map(|(_, a)| a.clone()).collect();
    want.sort();
    for (port, app) in &chosen {
        assert_eq!(owner(*port, &days_key(&prefix, app)), *port, "{app}");
    }
    assert_eq!(l.apps(Some(t)).unwrap(), want);
    assert_eq!(l.apps(Some(t + 1)).unwrap(), want);
    let mut yesterday = want.clone();
    yesterday.push("wxclusterold".to_owned());
    yesterday.sort();
    assert_eq!(l.apps(Some(t - DAY)).unwrap(), yesterday);
    // Hours through the cluster too.
    assert_eq!(l.hours(&want[0], None, Some(t)).unwrap().openings[12], 1);
    // The cluster's clock.
    for (_, app) in &chosen {
        l.admit(app, "g2", "m", None).unwrap();
    }
    let now: Vec<String> = l.apps(None).unwrap();
    assert_eq!(now, want, "apps of now");
}

#[test]
fn an_unreachable_store_is_unavailable() {
    for u in [
        "redis://127.0.0.1:1",
        "redis+cluster://127.0.0.1:1,127.0.0.1:2",
    ] {
        let l = Ledger::redis(u, Rules::default(), RedisOptions::default()).unwrap();
        let e = l.apps(None).unwrap_err();
        assert_eq!(
            e.code().name(),
            "LEDGER_UNAVAILABLE",
            "{u}: {}",
            e.message()
        );
        let e = l.hours(APP, None, None).unwrap_err();
        assert_eq!(
            e.code().name(),
            "LEDGER_UNAVAILABLE",
            "{u}: {}",
            e.message()
        );
        assert_eq!(
            l.hours("bad app", None, None).unwrap_err().code().name(),
            "INVALID_APP_ID"
        );
    }
}
