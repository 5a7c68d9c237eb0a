//! `min_replica_acks` against real servers (tests/redis/servers.sh): on a server
//! without replicas (every write waits, then refuse / degraded), and the
//! scenario table through Sentinel and on a cluster with replicas, every write
//! acknowledged — the same answers as everywhere else.
#![cfg(feature = "redis")]

mod common;

use std::time::Duration;

use common::redis_servers::{timed, unique_prefix, url};
use voipsign::rooms::{Ledger, OnUnavailable, RedisOptions, Rules};

const APP: &str = "wx20afc706a711eefc";

/// Through Redis Sentinel (tests/redis/servers.sh's master with two replicas),
/// every write acknowledged by both replicas (`WAIT`): the same answers.
#[test]
fn scenario_table_through_sentinel_with_replica_acks() {
    let Some(u) = url("VOIPSIGN_REDIS_SENTINEL_URL") else {
        return;
    };
    let (sc, steps) =
        common::rooms_table::run_all(|name, rules| Ledger::redis(&u, rules, replicated(name, 2)));
    eprintln!("sentinel: {sc} scenarios, {steps} steps");
}

/// On a cluster whose masters have a replica each, every write acknowledged by
/// it: the same answers.
#[test]
fn scenario_table_on_a_cluster_with_replica_acks() {
    let Some(u) = url("VOIPSIGN_REDIS_REPLICA_CLUSTER_URL") else {
        return;
    };
    common::rooms_table::run_all(|name, rules| Ledger::redis(&u, rules, replicated(name, 1)));
}

/// Options for the replicated servers: `acks` replica acknowledgements per
/// write, patient timeouts (WAIT gets half the command timeout; the machine is
/// shared with other suites).
fn replicated(name: &str, acks: i64) -> RedisOptions {
    RedisOptions {
        min_replica_acks: acks,
        command_timeout_ms: 5_000,
        key_prefix: unique_prefix(&name.replace(' ', "_")),
        ..RedisOptions::default()
    }
}

/// `min_replica_acks` on a server without replicas: every write waits (WAIT) at
/// most half the command timeout and is acknowledged by 0 replicas; with
/// `refuse` that is LEDGER_UNAVAILABLE (the write is on the master all the
/// same), with `allow` the real answer, an admission flagged `degraded`.
#[test]
fn min_replica_acks_without_replicas() {
    let Some(u) = url("VOIPSIGN_REDIS_URL") else {
        return;
    };
    let opts = |prefix: &str| RedisOptions {
        key_prefix: prefix.to_owned(),
        command_timeout_ms: 300,
        min_replica_acks: 1,
        ..RedisOptions::default()
    };
    let refuse = Rules {
        on_unavailable: OnUnavailable::Refuse,
        ..Rules::default()
    };
    let prefix = unique_prefix("acks");
    let l = Ledger::redis(&u, refuse, opts(&prefix)).unwrap();
    let (r, t) = timed(|| l.admit(APP, "g", "m1", None));
    let e = r.unwrap_err();
    assert_eq!(e.code().name(), "LEDGER_UNAVAILABLE");
    assert!(
        e.message().contains("0 of the 1 replicas"),
        "{}",
        e.message()
    );
    assert!(
        t >= Duration::from_millis(140) && t < Duration::from_millis(1_000),
        "{t:?}"
    );
    // The write happened on the master: the seat is there.
    assert_eq!(l.room(APP, "g", None).unwrap().members.len(), 1);
    for r in [
        l.heartbeat(APP, "g", "m1", None).map(|_| ()),
        l.sync(APP, "g", &["m1"], None).map(|_| ()),
        l.leave(APP, "g", "m1", None).map(|_| ()),
    ] {
        assert_eq!(r.unwrap_err().code().name(), "LEDGER_UNAVAILABLE");
    }
    let allow = Ledger::redis(&u, Rules::default(), opts(&unique_prefix("acks2"))).unwrap();
    let a = allow.admit(APP, "g", "m1", None).unwrap();
    assert!(a.degraded && a.opened && a.members == 1, "{a:?}");
    assert!(allow.heartbeat(APP, "g", "m1", None).is_ok());
    assert!(allow.leave(APP, "g", "m1", None).unwrap());
    // The option's range.
    let bad = RedisOptions {
        min_replica_acks: 17,
        ..RedisOptions::default()
    };
    assert_eq!(
        Ledger::redis(&u, Rules::default(), bad)
            .unwrap_err()
            .code()
            .name(),
        "INVALID_RULES"
    );
}
