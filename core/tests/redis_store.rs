//! The Redis store against real servers (tests/redis/servers.sh; `make test`
//! starts them): the scenario table on one server and on a 3-master cluster,
//! concurrent instances racing for one room, faults (script cache flushed, server
//! killed, restarted, paused), key expiry, and passwords kept out of errors.
#![cfg(feature = "redis")]

mod common;

use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::redis_servers::{cli, timed, unique_prefix, url, Private};
use voipsign::rooms::{Ledger, OnUnavailable, RedisOptions, Rules};

const APP: &str = "wx20afc706a711eefc";

fn options(prefix: &str) -> RedisOptions {
    RedisOptions {
        key_prefix: prefix.to_owned(),
        ..RedisOptions::default()
    }
}

#[test]
fn scenario_table_on_one_server() {
    let Some(u) = url("VOIPSIGN_REDIS_URL") else {
        return;
    };
    let (sc, steps) = common::rooms_table::run_all(|name, rules| {
        Ledger::redis(&u, rules, options(&unique_prefix(&name.replace(' ', "_"))))
    });
    eprintln!("redis: {sc} scenarios, {steps} steps");
}

#[test]
fn scenario_table_on_a_cluster() {
    let Some(u) = url("VOIPSIGN_REDIS_CLUSTER_URL") else {
        return;
    };
    common::rooms_table::run_all(|name, rules| {
        Ledger::redis(&u, rules, options(&unique_prefix(&name.replace(' ', "_"))))
    });
}

#[test]
fn an_apps_keys_share_one_cluster_slot() {
    let Some(u) = url("VOIPSIGN_REDIS_CLUSTER_URL") else {
        return;
    };
    let prefix = unique_prefix("slot");
    let l = Ledger::redis(&u, Rules::default(), options(&prefix)).unwrap();
    for g in ["a", "b{x}", "c:d", "房间"] {
        l.admit("w{x}:1", g, "m1", None).unwrap();
    }
    let ports = std::env::var("VOIPSIGN_REDIS_CLUSTER_PORTS").unwrap();
    let mut slots = std::collections::BTreeSet::new();
    let mut keys = 0;
    for port in ports.split_whitespace() {
        let port: u16 = port.parse().unwrap();
        for k in cli(port, &["--scan", "--pattern", &format!("{prefix}:*")]).lines() {
            slots.insert(cli(port, &["cluster", "keyslot", k]).trim().to_owned());
            keys += 1;
        }
    }
    assert_eq!(
        (keys, slots.len()),
        (9, 1),
        "4 rooms + the day counters, seat index, live rooms, room index, member openings on one slot"
    );
}

/// 4 ledgers (as 4 backend instances) × 8 threads admit 64 distinct members into
/// one room at once, 100 rounds, everyone leaving between rounds.
#[test]
fn racing_instances_never_overfill_a_room() {
    let Some(u) = url("VOIPSIGN_REDIS_URL") else {
        return;
    };
    race(&u);
}

#[test]
fn racing_instances_on_a_cluster() {
    let Some(u) = url("VOIPSIGN_REDIS_CLUSTER_URL") else {
        return;
    };
    race(&u);
}

fn race(u: &str) {
    const INSTANCES: usize = 4;
    const THREADS: usize = 8;
    const ROUNDS: usize = 100;
    let prefix = unique_prefix("race");
    let ledgers: Vec<Arc<Ledger>> = (0..INSTANCES)
        .map(|_| Arc::new(Ledger::redis(u, Rules::default(), options(&prefix)).unwrap()))
        .collect();
    let barrier = Arc::new(Barrier::new(INSTANCES * THREADS));
    let handles: Vec<_> = (0..INSTANCES * THREADS)
        .map(|i| {
            let l = Arc::clone(&ledgers[i % INSTANCES]);
            let b = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut won = Vec::new();
                for round in 0..ROUNDS {
                    b.wait();
                    let mut mine = Vec::new();
                    for j in 0..2 {
                        let m = format!("m{}", i * 2 + j);
                        match l.admit(APP, "race-room", &m, None) {
                            Ok(a) => {
                                assert!(a.members <= 10 && !a.degraded);
                                mine.push((m, a.opened));
                            }
                            Err(e) => assert_eq!(e.code().name(), "ROOM_FULL"),
                        }
                    }
                    b.wait();
                    for (m, _) in &mine {
                        assert!(l.leave(APP, "race-room", m, None).unwrap());
                    }
                    won.push((round, mine.len(), mine.iter().filter(|(_, o)| *o).count()));
                }
                won
            })
        })
        .collect();
    let mut seated = vec![0; ROUNDS];
    let mut opened = vec![0; ROUNDS];
    for h in handles {
        for (round, n, o) in h.join().unwrap() {
            seated[round] += n;
            opened[round] += o;
        }
    }
    assert!(
        seated.iter().all(|&n| n == 10),
        "seats per round: {seated:?}"
    );
    assert!(
        opened.iter().all(|&n| n == 1),
        "openings per round: {opened:?}"
    );
    // The counters equal what the clients were told.
    let u = ledgers[0].usage(APP, None, None).unwrap();
    let rounds = ROUNDS as u64;
    assert_eq!(u.openings, rounds, "openings counted exactly");
    assert_eq!(
        (u.admissions, u.leaves),
        (10 * rounds, 10 * rounds),
        "{u:?}"
    );
    let tried = (INSTANCES * THREADS * 2) as u64 * rounds;
    assert_eq!(u.refused_room_full, tried - 10 * rounds, "{u:?}");
    assert_eq!(
        (u.peak_seats, u.live_seats, u.live_rooms),
        (10, Some(0), Some(0)),
        "{u:?}"
    );
    assert_eq!(
        (
            u.renewals,
            u.expired,
            u.refused_daily_limit,
            u.refused_member_limit
        ),
        (0, 0, 0, 0)
    );
}

#[test]
fn a_flushed_script_cache_is_reloaded() {
    let server = Private::start(&[]);
    let l = Ledger::redis(&server.url(), Rules::default(), RedisOptions::default()).unwrap();
    for i in 0..20 {
        if i % 5 == 0 {
            assert!(server.cli(&["script", "flush"]).contains("OK"));
        }
        let a = l.admit(APP, "g", &format!("m{i}"), None);
        assert!(a.is_ok() || a.unwrap_err().code().name() == "ROOM_FULL");
        l.room(APP, "g", None).unwrap();
    }
    assert_eq!(l.room(APP, "g", None).unwrap().members.len(), 10);
}

#[test]
fn a_killed_server_degrades_or_refuses_then_the_same_ledger_recovers() {
    let mut server = Private::start(&[]);
    let allow = Ledger::redis(&server.url(), Rules::default(), RedisOptions::default()).unwrap();
    let refuse = Ledger::redis(
        &server.url(),
        Rules {
            on_unavailable: OnUnavailable::Refuse,
            ..Rules::default()
        },
        RedisOptions::default(),
    )
    .unwrap();
    assert!(allow.admit(APP, "g", "m1", None).unwrap().opened);
    refuse.room(APP, "g", None).unwrap();
    server.kill();
    for _ in 0..3 {
        let (a, t) = timed(|| allow.admit(APP, "g", "m2", None));
        let a = a.unwrap();
        assert!(a.degraded && !a.opened && a.members == 0, "{a:?}");
        assert!(t < Duration::from_millis(600), "{t:?}");
        let (e, t) = timed(|| refuse.admit(APP, "g", "m2", None));
        let e = e.unwrap_err();
        assert_eq!(e.code().name(), "LEDGER_UNAVAILABLE");
        assert!(e.message().contains("127.0.0.1"), "{}", e.message());
        assert!(t < Duration::from_millis(600), "{t:?}");
        // Every other operation reports the outage (heartbeat under allow: a lease).
        assert!(allow.heartbeat(APP, "g", "m1", None).is_ok());
        for r in [
            refuse.heartbeat(APP, "g", "m1", None).map(|_| ()),
            allow.leave(APP, "g", "m1", None).map(|_| ()),
            allow.room(APP, "g", None).map(|_| ()),
            allow.sync(APP, "g", &["m1"], None).map(|_| ()),
            allow.usage(APP, None, None).map(|_| ()),
        ] {
            assert_eq!(r.unwrap_err().code().name(), "LEDGER_UNAVAILABLE");
        }
    }
    server.restart();
    // The same ledger objects work again: their old connections are replaced.
    let a = allow.admit(APP, "g", "m3", None).unwrap();
    assert!(!a.degraded && a.opened && a.generation == 1, "{a:?}");
    assert_eq!(refuse.room(APP, "g", None).unwrap().members.len(), 1);
}

#[test]
fn a_paused_server_times_out_within_the_timeout() {
    let server = Private::start(&[]);
    let opts = RedisOptions {
        connect_timeout_ms: 200,
        command_timeout_ms: 200,
        ..RedisOptions::default()
    };
    let rules = Rules {
        on_unavailable: OnUnavailable::Refuse,
        ..Rules::default()
    };
    let l = Ledger::redis(&server.url(), rules, opts).unwrap();
    l.admit(APP, "g", "m1", None).unwrap();
    server.pause(true);
    let (r, t) = timed(|| l.admit(APP, "g", "m2", None));
    let e = r.unwrap_err();
    assert_eq!(e.code().name(), "LEDGER_UNAVAILABLE");
    assert!(e.message().contains("within 200 ms"), "{}", e.message());
    assert!(
        t >= Duration::from_millis(150) && t < Duration::from_millis(700),
        "{t:?}"
    );
    // A new connection (the old one was dropped) times out in its handshake too.
    let (r, t) = timed(|| l.room(APP, "g", None));
    assert_eq!(r.unwrap_err().code().name(), "LEDGER_UNAVAILABLE");
    assert!(t < Duration::from_millis(700), "{t:?}");
    server.pause(false);
    // The reply that came late was never read into a later call.
    let room = l.room(APP, "g", None).unwrap();
    assert!(room.members.len() <= 2);
    l.admit(APP, "g", "m3", None).unwrap();
}

#[test]
fn keys_expire_with_the_last_lease() {
    let server = Private::start(&[]);
    let rules = Rules {
        reserve_ttl_ms: 1_000,
        lease_ttl_ms: 1_000,
        ..Rules::default()
    };
    let l = Ledger::redis(&server.url(), rules, RedisOptions::default()).unwrap();
    for g in ["a", "b", "c"] {
        l.admit(APP, g, "m1", None).unwrap();
        l.admit(APP, g, "m2", None).unwrap();
    }
    l.leave(APP, "a", "m1", None).unwrap();
    l.sync(APP, "b", &["m1", "m3"], None).unwrap();
    l.heartbeat(APP, "c", "m2", None).unwrap();
    let keys = |server: &Private| -> Vec<String> {
        let mut k: Vec<String> = server.cli(&["--scan"]).lines().map(str::to_owned).collect();
        k.sort();
        k
    };
    let app_keys = ["days", "index", "live", "openers", "seats"];
    assert_eq!(
        keys(&server).len(),
        3 + app_keys.len() + 1,
        "3 rooms, the appId's keys and the note of the leave: {:?}",
        keys(&server)
    );
    std::thread::sleep(Duration::from_millis(1_000 + 1_000 + 300));
    // The rooms are gone with their last lease; the appId's keys wait for the
    // seats to be counted, each with a lifetime of at most its day + 2 days.
    let left = keys(&server);
    assert_eq!(left.len(), app_keys.len(), "{left:?}");
    for k in &left {
        let ttl: i64 = server.cli(&["pttl", k]).trim().parse().unwrap();
        assert!(
            ttl > 86_400_000 && ttl <= 3 * 86_400_000,
            "{k} expires within its day + 2 days: {ttl}"
        );
    }
    // Counting the ended seats empties the seat and room indexes: they go.
    let u = l.usage(APP, None, None).unwrap();
    assert_eq!(
        (u.expired, u.live_seats, u.live_rooms),
        (6, Some(0), Some(0)),
        "{u:?}"
    );
    let left = keys(&server);
    assert_eq!(
        left.len(),
        2,
        "the day counters and the member openings: {left:?}"
    );
    assert!(
        left[0].ends_with(":days") && left[1].contains(":openers:"),
        "{left:?}"
    );
    // A ledger with explicit times far in the past leaves nothing new behind.
    l.admit(APP, "old", "m1", Some(1_000_000)).unwrap();
    std::thread::sleep(Duration::from_millis(2_300));
    l.usage(APP, None, None).unwrap();
    let left = keys(&server);
    assert!(
        left.len() <= 3 && left.iter().all(|k| !k.contains(":room:")),
        "{left:?}"
    );
    for k in &left {
        let ttl: i64 = server.cli(&["pttl", k]).trim().parse().unwrap();
        assert!(ttl > 0 && ttl <= 3 * 86_400_000, "{k}: {ttl}");
    }
}

#[test]
fn passwords_never_show() {
    let Some(u) = url("VOIPSIGN_REDIS_PASSWORD_URL") else {
        return;
    };
    let password = std::env::var("VOIPSIGN_REDIS_PASSWORD").unwrap();
    let prefix = unique_prefix("pw");
    // The right password works.
    let l = Ledger::redis(&u, Rules::default(), options(&prefix)).unwrap();
    assert!(l.admit(APP, "g", "m1", None).unwrap().opened);
    assert!(!format!("{l:?}").contains(&password), "{l:?}");
    // A wrong password, a missing one, a dead port, a malformed URL: never shown.
    let wrong = u.replace(&password, "not-the-password-x1");
    let missing = u.replace(&format!(":{password}@"), "");
    let dead = format!("redis://:{password}@127.0.0.1:1");
    let refuse = Rules {
        on_unavailable: OnUnavailable::Refuse,
        ..Rules::default()
    };
    for bad in [wrong.as_str(), missing.as_str(), dead.as_str()] {
        let l = Ledger::redis(bad, refuse, options(&prefix)).unwrap();
        let e = l.admit(APP, "g", "m2", None).unwrap_err();
        assert_eq!(e.code().name(), "LEDGER_UNAVAILABLE");
        for text in [
            e.message().to_owned(),
            format!("{e:?}"),
            format!("{e}"),
            format!("{l:?}"),
        ] {
            assert!(
                !text.contains(&password) && !text.contains("not-the-password"),
                "{text}"
            );
        }
    }
    for bad in [
        format!("redis://:{password}@127.0.0.1:notaport"),
        format!("http://:{password}@127.0.0.1"),
        format!("redis://:{password}@h1:1,h2:2"),
    ] {
        let e = Ledger::redis(&bad, Rules::default(), RedisOptions::default()).unwrap_err();
        assert_eq!(e.code().name(), "INVALID_REDIS_URL");
        assert!(!e.message().contains(&password), "{}", e.message());
    }
}

#[test]
fn the_url_is_checked_before_rules_and_options() {
    let bad_rules = Rules {
        capacity: 11,
        ..Rules::default()
    };
    let bad_opts = RedisOptions {
        connect_timeout_ms: 0,
        ..RedisOptions::default()
    };
    let code = |u: &str, r: &Rules, o: &RedisOptions| {
        Ledger::redis(u, *r, o.clone()).unwrap_err().code().name()
    };
    assert_eq!(code("nope", &bad_rules, &bad_opts), "INVALID_REDIS_URL");
    assert_eq!(code("redis://h", &bad_rules, &bad_opts), "INVALID_RULES");
    assert_eq!(
        code("redis://h", &Rules::default(), &bad_opts),
        "INVALID_RULES"
    );
    let e = Ledger::redis(
        "redis://h",
        Rules::default(),
        RedisOptions {
            key_prefix: "a{b}".into(),
            ..RedisOptions::default()
        },
    )
    .unwrap_err();
    assert!(e.message().starts_with("key_prefix"), "{}", e.message());
    // Explicit times beyond 2^52 ms are refused by the Redis store (before any I/O).
    let l = Ledger::redis(
        "redis://127.0.0.1:1",
        Rules::default(),
        RedisOptions::default(),
    )
    .unwrap();
    assert_eq!(
        l.admit(APP, "g", "m", Some(i64::MAX))
            .unwrap_err()
            .code()
            .name(),
        "INVALID_TIMESTAMP"
    );
}

/// The same 3000 pseudo-random operations (4 rooms, 8 members, time passing
/// across midnight, a member limit of 3) on a memory ledger and on the Redis
/// store: every answer, every usage, hours and page of rooms, and the apps equal.
#[test]
fn the_redis_store_answers_as_the_memory_store() {
    let Some(u) = url("VOIPSIGN_REDIS_URL") else {
        return;
    };
    let rules = Rules {
        capacity: 3,
        member_daily_openings: 3,
        reserve_ttl_ms: 20_000,
        lease_ttl_ms: 15_000,
        ..Rules::default()
    };
    let mem = Ledger::memory(rules).unwrap();
    let red = Ledger::redis(&u, rules, options(&unique_prefix("differential"))).unwrap();
    // 23:00 Beijing time: the run crosses midnight.
    let mut now = 1_796_083_200_000 - 8 * 3_600_000 + 23 * 3_600_000;
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..3000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        now += (x % 4_000) as i64;
        let g = format!("room-{}", (x >> 12) % 4);
        let m = format!("openid-{}", (x >> 20) % 8);
        let t = Some(now);
        let (a, b) = match (x >> 32) % 8 {
            0..=2 => (
                format!("{:?}", mem.admit(APP, &g, &m, t)),
                format!("{:?}", red.admit(APP, &g, &m, t)),
            ),
            3 => (
                format!("{:?}", mem.heartbeat(APP, &g, &m, t)),
                format!("{:?}", red.heartbeat(APP, &g, &m, t)),
            ),
            4 => (
                format!("{:?}", mem.leave(APP, &g, &m, t)),
                format!("{:?}", red.leave(APP, &g, &m, t)),
            ),
            5 => {
                let ids = [m.clone(), format!("openid-{}", (x >> 40) % 8)];
                (
                    format!("{:?}", mem.sync(APP, &g, &ids, t)),
                    format!("{:?}", red.sync(APP, &g, &ids, t)),
                )
            }
            6 => (
                format!("{:?}", mem.rooms(APP, 2, None, t)),
                format!("{:?}", red.rooms(APP, 2, None, t)),
            ),
            _ => (
                format!("{:?}", mem.rooms(APP, 3, Some("room-1"), t)),
                format!("{:?}", red.rooms(APP, 3, Some("room-1"), t)),
            ),
        };
        assert_eq!(a, b, "operation {i} at {now}");
        if i % 7 == 0 {
            assert_eq!(
                mem.usage(APP, None, t).unwrap(),
                red.usage(APP, None, t).unwrap(),
                "usage after operation {i}"
            );
            assert_eq!(
                mem.hours(APP, None, t).unwrap(),
                red.hours(APP, None, t).unwrap(),
                "hours after operation {i}"
            );
        }
    }
    let yesterday = Some(mem.limits().day(now) - 1);
    assert_eq!(
        mem.hours(APP, yesterday, None).unwrap(),
        red.hours(APP, yesterday, None).unwrap()
    );
    for t in [now - 86_400_000, now, now + 86_400_000] {
        assert_eq!(
            mem.apps(Some(t)).unwrap(),
            red.apps(Some(t)).unwrap(),
            "{t}"
        );
    }
    let u = mem.usage(APP, None, Some(now)).unwrap();
    assert!(
        u.openings > 0 && u.refused_member_limit + u.refused_room_full > 0,
        "{u:?}"
    );
}
