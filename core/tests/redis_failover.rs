//! Failover drills (docs/ROOMS.md, "Failover"): 4 processes × 8 threads admit,
//! heartbeat and leave on one ledger object each while the master is SIGKILLed —
//! on Redis Sentinel and on a Redis Cluster with replicas (tests/common/topology.rs,
//! private servers) — then measure the unavailability window (first failed call →
//! first good call after it), the calls that failed, the calls that took longer
//! than their timeouts allow (hung: must be 0), and the seats and openings lost
//! (what the clients were told, compared with what the new master holds). With
//! `min_replica_acks = 1`, no acknowledged opening may be lost.
//!
//! The workers are this test binary run again (`drill_worker`, ignored unless
//! `VOIPSIGN_DRILL_WORKER` is set); each prints one `DRILL {json}` line.
//! `VOIPSIGN_DRILL_SECONDS` lengthens the drills (`make soak`).
#![cfg(feature = "redis")]

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::redis_servers::unique_prefix;
use common::topology::{ReplicaCluster, SentinelSet};
use serde_json::{json, Value};
use voipsign::rooms::{Ledger, OnUnavailable, RedisOptions, Rules};

const APP: &str = "wxdrill0000000001";
const PROCESSES: usize = 4;
const THREADS: usize = 8;
const CONNECT_MS: i64 = 100;
const COMMAND_MS: i64 = 300;
/// How long the workers go on at least after the topology recovered.
const AFTER_MS: u64 = 3_000;
/// The longest a call may take: a closed reused connection, then (Sentinel) the
/// cached master tried, three sentinels asked, the new master connected and
/// checked with ROLE, the script and its WAIT — each step within its timeout.
const HUNG_MS: u128 = ((CONNECT_MS + COMMAND_MS) * 7) as u128;

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn seconds() -> f64 {
    std::env::var("VOIPSIGN_DRILL_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9.0)
}

fn ledger(url: &str, prefix: &str, acks: i64) -> Ledger {
    let rules = Rules {
        on_unavailable: OnUnavailable::Refuse,
        member_daily_openings: 0,
        ..Rules::default()
    };
    let options = RedisOptions {
        key_prefix: prefix.to_owned(),
        connect_timeout_ms: CONNECT_MS,
        command_timeout_ms: COMMAND_MS,
        min_replica_acks: acks,
    };
    Ledger::redis(url, rules, options).unwrap()
}

/// What one thread saw.
#[derive(Default)]
struct Seen {
    calls: u64,
    failed: u64,
    hung: u64,
    max_ms: u128,
    /// Unix ms of every failed call, and of every good one.
    fails: Vec<i64>,
    goods: Vec<i64>,
    openings: u64,
    /// (group, member) the thread was told it holds at the end.
    held: Option<(String, String)>,
}

impl Seen {
    fn note<T>(&mut self, r: &Result<T, voipsign::Error>, t0: Instant, at: i64) {
        let ms = t0.elapsed().as_millis();
        self.calls += 1;
        self.max_ms = self.max_ms.max(ms);
        if ms > HUNG_MS {
            self.hung += 1;
        }
        match r {
            Ok(_) => self.goods.push(at),
            Err(_) => {
                self.failed += 1;
                self.fails.push(at);
            }
        }
    }
}

fn thread_loop(l: &Ledger, id: usize, t: usize, stop: &AtomicBool) -> Seen {
    let mut s = Seen::default();
    let member = format!("p{id}t{t}");
    let mut rng = fastrand::Rng::with_seed((id * 100 + t) as u64);
    while !stop.load(Ordering::Relaxed) {
        let group = format!("g{}", rng.u32(0..24));
        let (t0, at) = (Instant::now(), unix_ms());
        let r = l.admit(APP, &group, &member, None);
        s.note(&r, t0, at);
        match r {
            Ok(a) => {
                if a.opened {
                    s.openings += 1;
                }
                s.held = Some((group.clone(), member.clone()));
            }
            Err(_) => {
                // Unknown whether it was written: not a seat the client was told of.
                s.held = None;
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
        }
        if stop.load(Ordering::Relaxed) {
            break; // the run ends with this seat held
        }
        for _ in 0..2 {
            let (t0, at) = (Instant::now(), unix_ms());
            let r = l.heartbeat(APP, &group, &member, None);
            s.note(&r, t0, at);
        }
        let (t0, at) = (Instant::now(), unix_ms());
        let r = l.leave(APP, &group, &member, None);
        s.note(&r, t0, at);
        s.held = None;
        if r.is_err() {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    s
}

/// A worker process: THREADS threads on one ledger for VOIPSIGN_DRILL_MS.
#[test]
#[ignore = "a worker of the failover drills, run by them"]
fn drill_worker() {
    let Ok(url) = std::env::var("VOIPSIGN_DRILL_URL") else {
        return;
    };
    let var = |k: &str| std::env::var(k).unwrap();
    let id: usize = var("VOIPSIGN_DRILL_ID").parse().unwrap();
    let ms: u64 = var("VOIPSIGN_DRILL_MS").parse().unwrap();
    let stop_file = std::path::PathBuf::from(var("VOIPSIGN_DRILL_STOP"));
    let acks: i64 = var("VOIPSIGN_DRILL_ACKS").parse().unwrap();
    let l = Arc::new(ledger(&url, &var("VOIPSIGN_DRILL_PREFIX"), acks));
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (l, stop, seen) = (l.clone(), stop.clone(), seen.clone());
            std::thread::spawn(move || {
                let s = thread_loop(&l, id, t, &stop);
                seen.lock().unwrap().push(s);
            })
        })
        .collect();
    // Until the drill writes the stop file (the time the topology had
    // recovered): the run lasts as long as the failover takes, plus a while.
    let t = Instant::now();
    let recovered = loop {
        if let Ok(text) = std::fs::read_to_string(&stop_file) {
            if let Ok(at) = text.trim().parse::<i64>() {
                break at;
            }
        }
        assert!(
            t.elapsed() < Duration::from_millis(ms * 10 + 120_000),
            "no stop file from the drill"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    let seen = seen.lock().unwrap();
    let sum = |f: fn(&Seen) -> u64| seen.iter().map(f).sum::<u64>();
    let fails: Vec<i64> = seen.iter().flat_map(|s| s.fails.iter().copied()).collect();
    let goods: Vec<i64> = seen.iter().flat_map(|s| s.goods.iter().copied()).collect();
    let goods_after_recovery = goods.iter().filter(|&&g| g >= recovered).count();
    let first_fail = fails.iter().min().copied();
    let first_good_after = first_fail.and_then(|f| goods.iter().filter(|&&g| g > f).min().copied());
    let last_fail = fails.iter().max().copied();
    // The good calls' times in 10 ms steps: the parent finds the longest gap.
    let good_steps: BTreeSet<i64> = goods.iter().map(|g| g / 10).collect();
    let held: Vec<Value> = seen
        .iter()
        .filter_map(|s| s.held.clone())
        .map(|(g, m)| json!([g, m]))
        .collect();
    let out = json!({
        "calls": sum(|s| s.calls), "failed": sum(|s| s.failed), "hung": sum(|s| s.hung),
        "max_ms": seen.iter().map(|s| s.max_ms).max().unwrap_or(0) as u64,
        "openings": sum(|s| s.openings), "first_fail": first_fail,
        "first_good_after": first_good_after, "last_fail": last_fail, "held": held,
        "good_steps": good_steps, "goods_after_recovery": goods_after_recovery,
    });
    println!("DRILL {out}");
}

/// The drill's figures, summed over the workers.
struct Summary {
    calls: u64,
    failed: u64,
    hung: u64,
    max_ms: u64,
    window_ms: Option<i64>,
    /// The fewest good calls one worker had after the topology recovered.
    fewest_goods_after: u64,
    openings_told: u64,
    openings_counted: u64,
    seats_told: usize,
    seats_lost: usize,
}

/// Run the workers against `url`; `fail` runs (in this process) once they are
/// going, kills the master and returns when the new one serves.
fn drill(what: &str, url: &str, acks: i64, fail: impl FnOnce()) -> Summary {
    let prefix = unique_prefix(&format!("drill{what}{acks}"));
    let ms = (seconds() * 1000.0) as u64;
    let stop_file = std::env::temp_dir().join(format!("{prefix}.stop"));
    let _ = std::fs::remove_file(&stop_file);
    let exe = std::env::current_exe().unwrap();
    let workers: Vec<_> = (0..PROCESSES)
        .map(|id| {
            Command::new(&exe)
                .args([
                    "--ignored",
                    "--exact",
                    "drill_worker",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env("VOIPSIGN_DRILL_URL", url)
                .env("VOIPSIGN_DRILL_PREFIX", &prefix)
                .env("VOIPSIGN_DRILL_ID", id.to_string())
                .env("VOIPSIGN_DRILL_MS", ms.to_string())
                .env("VOIPSIGN_DRILL_ACKS", acks.to_string())
                .env("VOIPSIGN_DRILL_STOP", &stop_file)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap()
        })
        .collect();
    let t = Instant::now();
    std::thread::sleep(Duration::from_millis(ms / 4));
    fail();
    // However long the failover took (a busy machine), the workers go on for
    // the rest of the drill's time and at least AFTER_MS after it.
    let recovered = unix_ms();
    let rest = Duration::from_millis(ms).saturating_sub(t.elapsed());
    std::thread::sleep(rest.max(Duration::from_millis(AFTER_MS)));
    let partial = stop_file.with_extension("tmp");
    std::fs::write(&partial, recovered.to_string()).unwrap();
    std::fs::rename(&partial, &stop_file).unwrap();
    let mut outs = Vec::new();
    for w in workers {
        let o = w.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "{what}: a worker crashed: {:?}",
            o.status
        );
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let line = text
            .lines()
            // libtest prints "test drill_worker ... " before the worker's output.
            .find_map(|l| l.find("DRILL {").map(|i| &l[i + 6..]))
            .unwrap_or_else(|| panic!("{what}: a worker printed no DRILL line:\n{text}"));
        outs.push(serde_json::from_str::<Value>(line).unwrap());
    }
    let _ = std::fs::remove_file(&stop_file);
    let n = |k: &str| outs.iter().map(|o| o[k].as_u64().unwrap()).sum::<u64>();
    // The window: the longest time no call of any worker succeeded (10 ms steps).
    let steps: BTreeSet<i64> = outs
        .iter()
        .flat_map(|o| {
            o["good_steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
        })
        .collect();
    let steps: Vec<i64> = steps.into_iter().collect();
    let window = steps
        .windows(2)
        .map(|w| (w[1] - w[0] - 1) * 10)
        .max()
        .filter(|&w| w > 0);
    let held: BTreeSet<(String, String)> = outs
        .iter()
        .flat_map(|o| o["held"].as_array().unwrap().clone())
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // What the (new) master holds, read through a ledger made after the failover.
    let l = ledger(url, &prefix, 0);
    let lost = held
        .iter()
        .filter(|(g, m)| {
            let room = l.room(APP, g, None).unwrap();
            !room.members.iter().any(|s| s.member_id == *m)
        })
        .count();
    let usage = l.usage(APP, None, None).unwrap();
    let s = Summary {
        calls: n("calls"),
        failed: n("failed"),
        hung: n("hung"),
        max_ms: outs
            .iter()
            .map(|o| o["max_ms"].as_u64().unwrap())
            .max()
            .unwrap(),
        window_ms: window,
        fewest_goods_after: outs
            .iter()
            .map(|o| o["goods_after_recovery"].as_u64().unwrap())
            .min()
            .unwrap(),
        openings_told: n("openings"),
        openings_counted: usage.openings,
        seats_told: held.len(),
        seats_lost: lost,
    };
    // Written to fd 2 itself: libtest captures a passing test's output (the
    // macros and std's handles), and `make test` should show the figures.
    let mut err: Box<dyn Write> = match std::fs::OpenOptions::new().write(true).open("/dev/stderr")
    {
        Ok(f) => Box::new(f),
        Err(_) => Box::new(std::io::stderr()),
    };
    let _ = writeln!(
        err,
        "\ndrill {what}, min_replica_acks {acks}: {} processes x {} threads, {:.0} s: {} calls, {} failed, {} hung (> {HUNG_MS} ms; slowest {} ms); window {} ms; good calls after recovery ≥ {} per process; openings told {} / counted {} (lost {}); seats held {} (lost {})",
        PROCESSES, THREADS, seconds(), s.calls, s.failed, s.hung, s.max_ms,
        s.window_ms.map_or("none".into(), |w| w.to_string()), s.fewest_goods_after,
        s.openings_told, s.openings_counted, s.openings_told.saturating_sub(s.openings_counted),
        s.seats_told, s.seats_lost
    );
    s
}

fn required() -> bool {
    common::topology::available()
}

#[test]
fn sentinel_failover() {
    if !required() {
        return;
    }
    for acks in [0, 1] {
        let mut set = SentinelSet::start(None);
        let url = set.url();
        let s = drill("sentinel", &url, acks, || {
            let old = set.kill_master();
            let new = set.wait_failover(old, Duration::from_secs(30));
            // The other replica follows the new master (it acknowledges the
            // writes of min_replica_acks 1 from then on).
            set.wait_settled(Duration::from_secs(30));
            for p in set
                .data_ports()
                .into_iter()
                .filter(|&p| p != old && p != new)
            {
                set.wait_replica_of(p, Some(new), Duration::from_secs(30));
            }
        });
        assert_eq!(s.hung, 0, "every call returned within its timeouts");
        assert!(
            s.failed > 0 && s.window_ms.is_some(),
            "the master was killed: calls failed, then worked"
        );
        assert!(
            s.fewest_goods_after > 0,
            "the same ledger objects served after the failover"
        );
        if acks == 1 {
            assert!(
                s.openings_counted >= s.openings_told,
                "min_replica_acks 1: every acknowledged opening survived ({} told, {} counted)",
                s.openings_told,
                s.openings_counted
            );
            assert_eq!(
                s.seats_lost, 0,
                "min_replica_acks 1: every acknowledged seat survived"
            );
        }
    }
}

#[test]
fn cluster_failover() {
    if !required() {
        return;
    }
    let mut cluster = ReplicaCluster::start();
    let url = cluster.url();
    // The drill's keys are in one slot: the appId's hash tag.
    let probe = unique_prefix("drillclusterprobe");
    let key = format!("{probe}:{{{}}}:days", hex(APP));
    let master = cluster.master_of(&key);
    let s = drill("cluster", &url, 1, || {
        cluster.kill(master);
        cluster.wait_promoted(master, Duration::from_secs(30));
        // The promoted replica has no replica of its own to acknowledge writes
        // (min_replica_acks 1) until the old master rejoins as one.
        cluster.restart(master);
        cluster.wait_replica_up(master, Duration::from_secs(30));
    });
    assert_eq!(s.hung, 0, "every call returned within its timeouts");
    assert!(
        s.failed > 0 && s.window_ms.is_some(),
        "calls failed, then worked"
    );
    assert!(
        s.fewest_goods_after > 0,
        "the same ledger objects served after the failover"
    );
    assert!(
        s.openings_counted >= s.openings_told,
        "min_replica_acks 1: every acknowledged opening survived ({} told, {} counted)",
        s.openings_told,
        s.openings_counted
    );
    assert_eq!(
        s.seats_lost, 0,
        "min_replica_acks 1: every acknowledged seat survived"
    );
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Sentinels and master behind one password (`requirepass` on both): the URL's
/// password reaches both, never an error message or `Debug`; a wrong one is
/// LEDGER_UNAVAILABLE naming the sentinels, not the password.
#[test]
fn sentinel_with_a_password() {
    if !required() {
        return;
    }
    let pw = "drill-pw-5e0c";
    let set = SentinelSet::start(Some(pw));
    let url = set.url();
    assert!(url.contains(pw), "the topology's URL carries the password");
    let l = ledger(&url, &unique_prefix("drillpw"), 1);
    let a = l.admit(APP, "g", "m", None).unwrap();
    assert!(a.opened && !a.degraded, "{a:?}");
    assert!(!format!("{l:?}").contains(pw));
    let wrong = url.replace(pw, "not-the-pw-77");
    let e = ledger(&wrong, &unique_prefix("drillpw2"), 0)
        .admit(APP, "g", "m", None)
        .unwrap_err();
    assert_eq!(e.code().name(), "LEDGER_UNAVAILABLE");
    assert!(
        !e.message().contains("not-the-pw-77") && !e.message().contains(pw),
        "{}",
        e.message()
    );
    assert!(e.message().contains("127.0.0.1"), "{}", e.message());
}
