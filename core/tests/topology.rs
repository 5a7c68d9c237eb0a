//! The private Redis topologies of the failover drills (tests/common/topology.rs)
//! do what they say: a Sentinel set replicates, fails over and takes its old
//! master back as a replica; a password guards data nodes and sentinels alike;
//! a Redis Cluster promotes the replica of a killed master. Skipped when Redis is
//! not installed, unless VOIPSIGN_REDIS_REQUIRED=1.
mod common;

use std::time::{Duration, Instant};

use common::topology::{info_field, redis_cli, redis_installed, ReplicaCluster, SentinelSet};

/// `SET key value` then `WAIT replicas 100` on one connection, until that many
/// replicas acknowledged it (a few tries: WAIT may time out on a busy machine).
fn write_replicated(cli: impl Fn(&str) -> String, key: &str, value: &str, replicas: usize) {
    let mut last = String::new();
    for _ in 0..10 {
        last = cli(&format!("SET {key} {value}\nWAIT {replicas} 100\n"));
        let mut lines = last.lines();
        if lines.next() == Some("OK") && lines.next() == Some(&replicas.to_string()) {
            return;
        }
    }
    panic!("SET {key} + WAIT {replicas} 100 did not replicate: {last}");
}

/// One failover, agreed: every sentinel holds the same master configuration,
/// of an epoch ≥ 1 (1 when the first election succeeds; a busy machine can
/// need a second vote, which raises it without a second failover).
fn one_config(set: &SentinelSet) {
    let epochs: Vec<(u16, Option<String>)> = set
        .sentinel_ports()
        .into_iter()
        .map(|s| (s, set.sentinel_master(s).get("config-epoch").cloned()))
        .collect();
    let first = epochs[0].1.clone();
    assert!(
        first
            .as_deref()
            .and_then(|e| e.parse::<u64>().ok())
            .is_some_and(|e| e >= 1)
            && epochs.iter().all(|(_, e)| *e == first),
        "the sentinels' config epochs: {epochs:?}"
    );
}

/// Poll `f` until it is true, at most `timeout`.
fn eventually(timeout: Duration, what: &str, f: impl Fn() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < timeout, "not within {timeout:?}: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_sentinel_set_starts_and_its_replicas_follow_the_master() {
    if !redis_installed() {
        return;
    }
    let t = Instant::now();
    let set = SentinelSet::start(None);
    eprintln!("sentinel set up in {:?}", t.elapsed());

    let s = set.sentinel_ports();
    let data = set.data_ports();
    assert_eq!(s.len(), 3);
    assert_eq!(data.len(), 3);
    assert_eq!(
        set.url(),
        format!(
            "redis+sentinel://127.0.0.1:{},127.0.0.1:{},127.0.0.1:{}/vsmaster",
            s[0], s[1], s[2]
        )
    );
    let master = set.master_port();
    assert_eq!(master, data[0]);
    assert_eq!(set.role(master), "master");
    for &p in &s {
        assert_eq!(set.role(p), "sentinel");
        let r = set.cli(p, &["sentinel", "get-master-addr-by-name", "vsmaster"]);
        assert_eq!(
            r.lines().collect::<Vec<_>>(),
            ["127.0.0.1", &master.to_string()]
        );
    }

    write_replicated(|sc| set.cli_script(master, sc), "vs:topo:k", "v1", 2);
    for &r in &data[1..] {
        assert_eq!(set.role(r), "slave");
        assert_eq!(set.cli(r, &["get", "vs:topo:k"]).trim(), "v1");
        // A replica refuses writes.
        assert!(set.cli(r, &["set", "vs:topo:k", "x"]).contains("READONLY"));
    }
}

#[test]
fn a_killed_sentinel_master_fails_over_and_comes_back_as_a_replica() {
    if !redis_installed() {
        return;
    }
    let mut set = SentinelSet::start(None);
    let first = set.master_port();
    write_replicated(|sc| set.cli_script(first, sc), "vs:topo:before", "1", 2);

    let old = set.kill_master();
    assert_eq!(old, first);
    let t = Instant::now();
    let new = set.wait_failover(old, Duration::from_secs(20));
    let window = t.elapsed();
    eprintln!("sentinel failover window (kill -> new master answers ROLE master): {window:?}");
    assert_ne!(new, old);
    assert!(set.data_ports().contains(&new));
    assert_eq!(set.master_port(), new);
    assert!(set.cli(new, &["set", "vs:topo:after", "2"]).contains("OK"));
    assert_eq!(set.wait_settled(Duration::from_secs(15)), new);
    one_config(&set);
    eprintln!(
        "sentinel failover settled (switch-master everywhere) after {:?}",
        t.elapsed()
    );
    // What the old master had replicated survived the failover.
    assert_eq!(set.cli(new, &["get", "vs:topo:before"]).trim(), "1");

    let t = Instant::now();
    set.restart(old);
    set.wait_replica_up(old, Duration::from_secs(15));
    eprintln!("old master back as an in-sync replica in {:?}", t.elapsed());
    assert_eq!(set.role(old), "slave");
    let info = set.cli(old, &["info", "replication"]);
    assert_eq!(info_field(&info, "master_port"), Some(new.to_string()));
    eventually(
        Duration::from_secs(5),
        "the old master has the new write",
        || set.cli(old, &["get", "vs:topo:after"]).trim() == "2",
    );
    // The sentinels name the new master still, and each lists the old one as a
    // replica that is up again.
    assert_eq!(set.master_port(), new);
    let name = format!("127.0.0.1:{old}");
    for s in set.sentinel_ports() {
        eventually(
            Duration::from_secs(10),
            "the sentinels see the old master up as a replica",
            || {
                set.sentinel_replicas(s).iter().any(|r| {
                    r.get("name") == Some(&name)
                        && r.get("flags").map(String::as_str) == Some("slave")
                })
            },
        );
    }
    eprintln!(
        "sentinels list the old master as an up replica after {:?}",
        t.elapsed()
    );
}

#[test]
fn a_password_guards_data_nodes_and_sentinels_and_failover_still_works() {
    if !redis_installed() {
        return;
    }
    let pw = "s3cr3t-Pw";
    let mut set = SentinelSet::start(Some(pw));
    let s = set.sentinel_ports();
    assert_eq!(
        set.url(),
        format!(
            "redis+sentinel://:{pw}@127.0.0.1:{},127.0.0.1:{},127.0.0.1:{}/vsmaster",
            s[0], s[1], s[2]
        )
    );
    let master = set.master_port();
    for &p in s.iter().chain(&set.data_ports()) {
        let refused = redis_cli(p, None, &["ping"]);
        assert!(refused.contains("NOAUTH"), "{p} without auth: {refused}");
        let wrong = redis_cli(p, Some("wrong"), &["ping"]);
        assert!(
            !wrong.contains("PONG"),
            "{p} with a wrong password: {wrong}"
        );
        assert_eq!(
            set.cli(p, &["ping"]).trim(),
            "PONG",
            "{p} with the password"
        );
    }
    let r = redis_cli(
        s[0],
        None,
        &["sentinel", "get-master-addr-by-name", "vsmaster"],
    );
    assert!(r.contains("NOAUTH"), "{r}");
    let r = set.cli(s[0], &["sentinel", "get-master-addr-by-name", "vsmaster"]);
    assert_eq!(r.lines().nth(1), Some(master.to_string().as_str()));

    // The sentinels vote with each other through the password too.
    write_replicated(|sc| set.cli_script(master, sc), "vs:topo:pw", "1", 2);
    let old = set.kill_master();
    let t = Instant::now();
    let new = set.wait_failover(old, Duration::from_secs(20));
    eprintln!(
        "sentinel failover window with a password: {:?}",
        t.elapsed()
    );
    assert_ne!(new, old);
    assert_eq!(set.cli(new, &["get", "vs:topo:pw"]).trim(), "1");
    assert!(set.cli(new, &["set", "vs:topo:pw", "2"]).contains("OK"));
    assert!(redis_cli(new, None, &["set", "vs:topo:pw", "3"]).contains("NOAUTH"));
    assert_eq!(set.wait_settled(Duration::from_secs(15)), new);
    one_config(&set);
}

#[test]
fn a_cluster_promotes_the_replica_of_a_killed_master() {
    if !redis_installed() {
        return;
    }
    let t = Instant::now();
    let mut c = ReplicaCluster::start();
    eprintln!("cluster up in {:?}", t.elapsed());

    let masters = c.masters_at_start();
    assert_eq!(masters.len(), 3);
    assert_eq!(
        c.url(),
        format!(
            "redis+cluster://127.0.0.1:{},127.0.0.1:{},127.0.0.1:{}",
            masters[0], masters[1], masters[2]
        )
    );
    assert_eq!(c.ports().len(), 6);
    for &p in &c.ports() {
        let info = c.cli(p, &["cluster", "info"]);
        assert_eq!(
            info_field(&info, "cluster_state").as_deref(),
            Some("ok"),
            "{p}"
        );
    }

    let key = "vs:topo:{room}:k";
    let owner = c.master_of(key);
    assert!(masters.contains(&owner));
    let replica = c.replica_of(owner);
    assert!(!masters.contains(&replica));
    // The owner takes the key; another master redirects.
    let other = *masters.iter().find(|&&m| m != owner).unwrap();
    assert!(c.cli(other, &["set", key, "x"]).contains("MOVED"));
    write_replicated(|sc| c.cli_script(owner, sc), key, "v1", 1);

    c.kill(owner);
    let t = Instant::now();
    let promoted = c.wait_promoted(owner, Duration::from_secs(20));
    eprintln!(
        "cluster failover window (kill -> replica master, cluster ok): {:?}",
        t.elapsed()
    );
    assert_eq!(promoted, replica);
    assert_eq!(c.master_of(key), promoted);
    assert_eq!(c.cli(promoted, &["get", key]).trim(), "v1");
    assert!(c.cli(promoted, &["set", key, "v2"]).contains("OK"));
    for p in c.ports().into_iter().filter(|&p| p != owner) {
        let info = c.cli(p, &["cluster", "info"]);
        assert_eq!(
            info_field(&info, "cluster_state").as_deref(),
            Some("ok"),
            "{p}"
        );
    }

    let t = Instant::now();
    c.restart(owner);
    c.wait_replica_up(owner, Duration::from_secs(15));
    eprintln!(
        "old cluster master back as an in-sync replica in {:?}",
        t.elapsed()
    );
    eventually(
        Duration::from_secs(5),
        "every node sees the old master as the replica",
        || c.replica_of(promoted) == owner,
    );
    eventually(
        Duration::from_secs(5),
        "the old master has the new write",
        || {
            c.cli_script(owner, &format!("READONLY\nGET {key}\n"))
                .lines()
                .nth(1)
                == Some("v2")
        },
    );
}

#[test]
fn a_panicking_test_leaves_no_server_and_no_dir_behind() {
    if !redis_installed() {
        return;
    }
    // (The deliberate panic below prints its message: that is expected.)
    let (tx, rx) = std::sync::mpsc::channel();
    let r = std::panic::catch_unwind(move || {
        let c = ReplicaCluster::start();
        tx.send((c.ports(), c.dir().to_owned())).unwrap();
        panic!("a drill fails with its cluster up");
    });
    assert!(r.is_err());
    let (ports, dir) = rx.recv().unwrap();
    assert!(!dir.exists(), "{} is left behind", dir.display());
    for p in ports {
        let r = redis_cli(p, None, &["ping"]);
        assert!(!r.contains("PONG"), "{p} still answers");
    }
}
