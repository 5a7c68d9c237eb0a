//! A full WeChat day compressed with explicit times: 100,000 openings (the
//! daily limit) and about 1,000,000 admissions, heartbeats and leaves from
//! 20,000 simulated phones, on the memory store, the Redis server
//! (`VOIPSIGN_REDIS_URL`) and the Redis Cluster (`VOIPSIGN_REDIS_CLUSTER_URL`);
//! a store whose URL is unset is skipped with a note. Measures whether the cost
//! stays flat through the day (first 10 % of operations against the last 10 %),
//! the memory per live seat at the peak, and what the keys become after the day.
//!
//! `BENCH_DAY_SCALE` (default 1.0) scales the day's openings and operations;
//! `BENCH_DAY_THREADS` (default 8) sets the driver threads on Redis (the memory
//! store runs one); `BENCH_DAY_OUT` (default `bench/`) is where
//! results-day.json and results-day.md are written. Run by `make bench-day`.

mod drive;
mod probe;
mod report;
mod sim;

use std::path::PathBuf;
use std::time::Instant;

use voipsign::rooms::{Ledger, RedisOptions, Rules, Usage};

use crate::drive::{run_day, Plan, APP};
use crate::probe::{KeyReport, Nodes};
use crate::report::{Retention, StoreResult};
use crate::sim::{count_ops, DAY_MS};

/// 2026-12-01 00:00 Beijing time (UTC+8) = 2026-11-30 16:00 UTC, unix ms.
const DAY_START: i64 = 1_796_054_400_000;
const OPENINGS: f64 = 100_000.0;
const PHONES: u32 = 20_000;
const SEED: u64 = 0x5EED_DA7E;

fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The plan for `threads` threads at `scale`: openings split evenly, each
/// thread's operations counted by a dry run.
fn plan(threads: usize, scale: f64) -> Plan {
    let total = (OPENINGS * scale).round().max(1.0) as u64;
    let openings: Vec<u64> = (0..threads as u64)
        .map(|i| total / threads as u64 + u64::from(i < total % threads as u64))
        .collect();
    let phones = PHONES / threads as u32;
    let ops: Vec<u64> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let o = openings[t];
                s.spawn(move || count_ops(t, DAY_START, o, phones, SEED))
            })
            .collect();
        hs.into_iter()
            .map(|h| h.join().expect("dry run").0)
            .collect()
    });
    Plan {
        start: DAY_START,
        threads,
        openings,
        phones,
        ops,
        seed: SEED,
    }
}

fn rules() -> Rules {
    Rules {
        daily_room_limit: 100_000,
        member_daily_openings: 0,
        ..Rules::default()
    }
}

/// What a Redis store's keys look like after the day, after an operation past
/// every lease, and after one past the appId's retention.
fn retention(ledger: &Ledger, nodes: Option<&mut Nodes>, prefix: &str) -> Retention {
    let day_end = DAY_START + DAY_MS;
    let mut keys: Vec<(String, Option<KeyReport>)> = Vec::new();
    let mut nodes = nodes;
    let snap = |keys: &mut Vec<(String, Option<KeyReport>)>,
                label: &str,
                nodes: &mut Option<&mut Nodes>| {
        let r = nodes.as_mut().map(|n| n.keys(prefix).expect("scan keys"));
        keys.push((label.to_owned(), r));
    };
    snap(&mut keys, "right after the day", &mut nodes);
    let past_leases = ledger
        .usage(APP, Some(sim_day(DAY_START)), Some(day_end + 5 * 60_000))
        .expect("usage past every lease");
    snap(&mut keys, "after usage at 00:05 the next day", &mut nodes);
    let days_fields_before = nodes.as_mut().map(|n| n.days_fields(prefix).expect("hlen"));
    let later = day_end + 2 * DAY_MS + 60_000;
    let past_retention = ledger
        .usage(APP, None, Some(later))
        .expect("usage past the retention");
    snap(
        &mut keys,
        "after usage at day end + 2 days + 1 min",
        &mut nodes,
    );
    let days_fields_after = nodes.as_mut().map(|n| n.days_fields(prefix).expect("hlen"));
    // Room and `left` keys expire a real-time duration after their last
    // operation (at most a lease plus 1 s): wait for them once, when asked.
    let short = keys
        .last()
        .and_then(|(_, k)| k.as_ref())
        .map(|k| {
            k.iter()
                .filter(|(_, v)| v.max_pttl >= 0 && v.max_pttl <= 120_000)
                .map(|(_, v)| v.max_pttl)
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    if short > 0 && wait_for_expiry() {
        eprintln!(
            "  waiting {:.1} s (real time) for the rooms' keys to expire",
            short as f64 / 1e3
        );
        std::thread::sleep(std::time::Duration::from_millis(short as u64 + 200));
        snap(
            &mut keys,
            "then, once every room's real-time PTTL ran out",
            &mut nodes,
        );
    }
    Retention {
        keys,
        past_leases,
        past_retention,
        days_fields_before,
        days_fields_after,
    }
}

/// `BENCH_DAY_WAIT=1` (the default at scale ≥ 0.5): after the day, wait the
/// rooms' keys out (up to about a minute per Redis store) to see what is left.
fn wait_for_expiry() -> bool {
    match std::env::var("BENCH_DAY_WAIT") {
        Ok(v) => v == "1",
        Err(_) => env_f64("BENCH_DAY_SCALE", 1.0) >= 0.5,
    }
}

fn sim_day(t: i64) -> i64 {
    (t + 8 * 3_600_000).div_euclid(DAY_MS)
}

fn run_store(name: &str, url: Option<&str>, threads: usize, scale: f64) -> StoreResult {
    let plan = plan(threads, scale);
    let total: u64 = plan.ops.iter().sum();
    eprintln!(
        "{name}: {} openings, {total} operations, {threads} thread(s)",
        plan.openings.iter().sum::<u64>()
    );
    let prefix = format!("bench-day-{}", std::process::id());
    let (ledger, mut nodes) = match url {
        None => (Ledger::memory(rules()).expect("memory ledger"), None),
        Some(url) => {
            let options = RedisOptions {
                key_prefix: prefix.clone(),
                ..RedisOptions::default()
            };
            let l = Ledger::redis(url, rules(), options).expect("redis ledger");
            (l, Some(Nodes::open(url).expect("connect to the masters")))
        }
    };
    // Warm up: connections and scripts loaded, outside the measured day (its
    // own appId, a day earlier, keys under the same prefix, deleted below).
    let warm_app = "wx0000000000000001";
    std::thread::scope(|s| {
        for i in 0..threads {
            let ledger = &ledger;
            s.spawn(move || {
                for j in 0..20 {
                    let g = format!("warm-{i}-{j}");
                    let t = Some(DAY_START - DAY_MS);
                    ledger
                        .admit(warm_app, &g, "warm-member", t)
                        .expect("warm admit");
                    ledger
                        .heartbeat(warm_app, &g, "warm-member", t)
                        .expect("warm beat");
                    ledger
                        .leave(warm_app, &g, "warm-member", t)
                        .expect("warm leave");
                }
            });
        }
    });
    if let Some(n) = nodes.as_mut() {
        n.delete(&prefix).expect("delete warm-up keys");
    }
    let probe_nodes = nodes.take().map(std::sync::Mutex::new);
    let probe = |/* checkpoint */| -> (u64, Option<u64>) {
        match &probe_nodes {
            None => (probe::rss(), None),
            Some(n) => {
                let mut n = n.lock().expect("nodes");
                let mem = n.used_memory().expect("INFO memory");
                (mem, Some(n.count(&prefix).expect("scan")))
            }
        }
    };
    let started = Instant::now();
    let day = run_day(&plan, &ledger, &probe);
    eprintln!(
        "{name}: the day took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut nodes = probe_nodes.map(|m| m.into_inner().expect("nodes"));
    let retention = retention(&ledger, nodes.as_mut(), &prefix);
    let deleted = nodes
        .as_mut()
        .map(|n| n.delete(&prefix).expect("delete keys"));
    let day_usage: Usage = retention.past_leases;
    StoreResult {
        name: name.to_owned(),
        threads,
        ops: total,
        openings_planned: plan.openings.iter().sum(),
        day,
        retention,
        day_usage,
        deleted,
        masters: nodes.map(|n| n.addrs.clone()),
    }
}

fn main() {
    let scale = env_f64("BENCH_DAY_SCALE", 1.0);
    assert!(
        scale > 0.0 && scale <= 1.0,
        "BENCH_DAY_SCALE must be in (0, 1]"
    );
    let redis_threads = env_f64("BENCH_DAY_THREADS", 8.0).max(1.0) as usize;
    let out = std::env::var("BENCH_DAY_OUT").map_or_else(
        |_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")),
        PathBuf::from,
    );
    let started = Instant::now();
    let mut results = Vec::new();
    let mut notes = Vec::new();
    results.push(run_store("memory", None, 1, scale));
    for (name, var) in [
        ("redis", "VOIPSIGN_REDIS_URL"),
        ("cluster", "VOIPSIGN_REDIS_CLUSTER_URL"),
    ] {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => {
                results.push(run_store(name, Some(&url), redis_threads, scale));
            }
            _ => {
                let note = format!("{name}: skipped ({var} is unset)");
                eprintln!("{note}");
                notes.push(note);
            }
        }
    }
    let total = started.elapsed();
    report::print_table(&results);
    std::fs::create_dir_all(&out).expect("output directory");
    let json = report::json(&results, scale, &notes, total);
    let (jp, mp) = (out.join("results-day.json"), out.join("results-day.md"));
    std::fs::write(
        &jp,
        serde_json::to_string_pretty(&json).expect("json") + "\n",
    )
    .expect("write json");
    std::fs::write(&mp, report::markdown(&results, scale, &notes, total)).expect("write md");
    eprintln!(
        "wrote {} and {} ({:.1} s in all)",
        jp.display(),
        mp.display(),
        total.as_secs_f64()
    );
    let bad: u64 = results.iter().map(|r| r.day.checks.mismatches).sum();
    if bad > 0 {
        eprintln!("{bad} answers differed from the model (see the results)");
        std::process::exit(1);
    }
}
