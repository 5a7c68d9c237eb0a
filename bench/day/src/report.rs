//! The numbers of a day: ops/s and latency percentiles of the start and end
//! windows, memory per live seat at the peak, the day's counters against the
//! model, and the keys left after the day; as a table, JSON and Markdown.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Value};
use voipsign::rooms::Usage;

use crate::drive::{Checkpoint, DayRun, Sample};
use crate::probe::KeyReport;
use crate::sim::Kind;

/// What the keys became after the day (Redis; `None` reports for memory).
#[derive(Debug)]
pub struct Retention {
    /// (moment, keys of the bench's prefix by kind) in order.
    pub keys: Vec<(String, Option<KeyReport>)>,
    /// `usage` of the day, asked 5 minutes after midnight (every lease ended).
    pub past_leases: Usage,
    /// `usage` asked two days and a minute after the day's end.
    pub past_retention: Usage,
    /// Fields of the `days` hash before and after that last call.
    pub days_fields_before: Option<u64>,
    /// See `days_fields_before`.
    pub days_fields_after: Option<u64>,
}

/// One store's day.
#[derive(Debug)]
pub struct StoreResult {
    /// `memory`, `redis` or `cluster`.
    pub name: String,
    /// Driver threads.
    pub threads: usize,
    /// Operations (admit + heartbeat + leave).
    pub ops: u64,
    /// Openings the plan makes.
    pub openings_planned: u64,
    /// The measured day.
    pub day: DayRun,
    /// After the day.
    pub retention: Retention,
    /// The day's counters (usage of the day once every lease ended).
    pub day_usage: Usage,
    /// Keys deleted at the end (Redis).
    pub deleted: Option<u64>,
    /// The masters looked at (Redis).
    pub masters: Option<Vec<String>>,
}

/// Percentile `p` (0–1) of sorted `v`, µs.
fn pct(v: &[u32], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    f64::from(v[i]) / 1000.0
}

/// Latencies of one kind in one window, µs.
#[derive(Debug, Clone, Copy)]
struct Lat {
    p50: f64,
    p99: f64,
    mean: f64,
    max: f64,
}

/// The latencies per kind.
fn latencies<'a>(samples: impl Iterator<Item = &'a [Sample]>) -> [Lat; 3] {
    let mut per: [Vec<u32>; 3] = Default::default();
    for s in samples.flatten() {
        per[s.kind.index()].push(s.ns);
    }
    per.map(|mut v| {
        v.sort_unstable();
        let sum: f64 = v.iter().map(|&x| f64::from(x)).sum();
        Lat {
            p50: pct(&v, 0.50),
            p99: pct(&v, 0.99),
            mean: sum / v.len().max(1) as f64 / 1000.0,
            max: pct(&v, 1.0),
        }
    })
}

fn rate(pairs: impl Iterator<Item = (usize, Duration)>) -> f64 {
    pairs
        .map(|(n, d)| n as f64 / d.as_secs_f64().max(1e-9))
        .sum()
}

/// The derived numbers of one store.
struct Derived {
    day_rate: f64,
    start_rate: f64,
    end_rate: f64,
    start_lat: [Lat; 3],
    end_lat: [Lat; 3],
    peak: Checkpoint,
    mem_delta: u64,
}

fn derive(r: &StoreResult) -> Derived {
    let w = &r.day.windows;
    let per_thread = r.ops as usize / r.threads.max(1);
    let day_rate = rate(w.iter().map(|x| (per_thread, x.busy)));
    let start_rate = rate(w.iter().map(|x| (x.start.len(), x.start_busy)));
    let end_rate = rate(w.iter().map(|x| (x.end.len(), x.end_busy)));
    let base = r.day.checkpoints[0];
    let peak = *r.day.checkpoints[1..]
        .iter()
        .max_by_key(|c| c.live)
        .unwrap_or(&base);
    Derived {
        day_rate,
        start_rate,
        end_rate,
        start_lat: latencies(w.iter().map(|x| x.start.as_slice())),
        end_lat: latencies(w.iter().map(|x| x.end.as_slice())),
        peak,
        mem_delta: peak.memory.saturating_sub(base.memory),
    }
}

fn hhmm(t: i64) -> String {
    let m = (t + 8 * 3_600_000).rem_euclid(86_400_000) / 60_000;
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn keys_line(k: &Option<KeyReport>) -> String {
    match k {
        None => "n/a (in-process store)".to_owned(),
        Some(k) if k.is_empty() => "none".to_owned(),
        Some(k) => k
            .iter()
            .map(|(kind, v)| {
                let ttl = |ms: i64| {
                    if ms < 0 {
                        format!("{ms}")
                    } else if ms < 3_600_000 {
                        format!("{:.1} s", ms as f64 / 1000.0)
                    } else {
                        format!("{:.1} h", ms as f64 / 3_600_000.0)
                    }
                };
                if v.count == 1 {
                    format!("{kind} (PTTL {})", ttl(v.max_pttl))
                } else {
                    format!(
                        "{kind} x{} (PTTL {}..{})",
                        v.count,
                        ttl(v.min_pttl),
                        ttl(v.max_pttl)
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn usage_us(r: &StoreResult) -> (f64, f64, f64) {
    let c = &r.day.checkpoints[1..];
    let us = |c: &Checkpoint| c.usage_ns as f64 / 1000.0;
    let max = c.iter().map(us).fold(0.0, f64::max);
    (c.first().map_or(0.0, us), c.last().map_or(0.0, us), max)
}

/// A latency in µs: one decimal below 10.
fn us(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// Prints one table of every store on stdout.
pub fn print_table(results: &[StoreResult]) {
    println!(
        "{:<8} {:>7} {:>9} {:>9} {:>9} {:>6}  {:<24} {:<24} {:<24} {:>6} {:>9}",
        "store",
        "threads",
        "ops",
        "ops/s st",
        "ops/s end",
        "ratio",
        "admit p50/p99 st|end us",
        "heartbeat p50/p99",
        "leave p50/p99",
        "peak",
        "B/seat"
    );
    for r in results {
        let d = derive(r);
        let lat = |i: usize| {
            let (s, e) = (d.start_lat[i], d.end_lat[i]);
            format!("{}/{}|{}/{}", us(s.p50), us(s.p99), us(e.p50), us(e.p99))
        };
        println!(
            "{:<8} {:>7} {:>9} {:>9.0} {:>9.0} {:>6.3}  {:<24} {:<24} {:<24} {:>6} {:>9.0}",
            r.name,
            r.threads,
            r.ops,
            d.start_rate,
            d.end_rate,
            d.end_rate / d.start_rate,
            lat(0),
            lat(1),
            lat(2),
            d.peak.live,
            d.mem_delta as f64 / d.peak.live.max(1) as f64
        );
    }
    for r in results {
        println!("{} keys:", r.name);
        for (when, k) in &r.retention.keys {
            println!("  {when}: {}", keys_line(k));
        }
        if let Some(f) = &r.day.checks.first {
            println!("  first mismatch: {f}");
        }
    }
}

fn usage_json(u: &Usage) -> Value {
    json!({
        "day": u.day, "openings": u.openings, "admissions": u.admissions,
        "renewals": u.renewals, "refused_room_full": u.refused_room_full,
        "refused_daily_limit": u.refused_daily_limit,
        "heartbeats_refused": u.heartbeats_refused, "leaves": u.leaves,
        "expired": u.expired, "peak_seats": u.peak_seats,
        "live_rooms": u.live_rooms, "live_seats": u.live_seats,
    })
}

/// The results as JSON.
pub fn json(results: &[StoreResult], scale: f64, notes: &[String], total: Duration) -> Value {
    let stores: Vec<Value> = results
        .iter()
        .map(|r| {
            let d = derive(r);
            let lat: serde_json::Map<String, Value> = Kind::ALL
                .iter()
                .map(|k| {
                    let (s, e) = (d.start_lat[k.index()], d.end_lat[k.index()]);
                    let j = |l: Lat| json!({"p50": l.p50, "p99": l.p99, "mean": l.mean, "max": l.max});
                    let v = json!({"start": j(s), "end": j(e)});
                    (k.name().to_owned(), v)
                })
                .collect();
            let (u_first, u_last, u_max) = usage_us(r);
            let c = &r.day.checks;
            let keys: Vec<Value> = r
                .retention
                .keys
                .iter()
                .map(|(when, k)| {
                    let kinds = k.as_ref().map(|k| {
                        k.iter()
                            .map(|(n, v)| {
                                (n.clone(), json!({"count": v.count, "min_pttl_ms": v.min_pttl, "max_pttl_ms": v.max_pttl}))
                            })
                            .collect::<serde_json::Map<_, _>>()
                    });
                    json!({"when": when, "keys": kinds})
                })
                .collect();
            json!({
                "store": r.name, "threads": r.threads, "ops": r.ops,
                "ops_by_kind": {"admit": c.per_kind[0], "heartbeat": c.per_kind[1], "leave": c.per_kind[2]},
                "openings_planned": r.openings_planned, "openings_answered": c.opened,
                "wall_s": r.day.wall.as_secs_f64(),
                "ops_per_s": {"day": d.day_rate, "start": d.start_rate, "end": d.end_rate,
                              "ratio_end_start": d.end_rate / d.start_rate},
                "latency_us": lat,
                "peak_live_seats": d.peak.live, "peak_at_beijing": hhmm(d.peak.t),
                "memory_delta_bytes": d.mem_delta,
                "bytes_per_live_seat": d.mem_delta as f64 / d.peak.live.max(1) as f64,
                "keys_at_peak": d.peak.keys,
                "usage_at_checkpoints_us": {"first": u_first, "last": u_last, "max": u_max},
                "checkpoints": r.day.checkpoints.iter().map(|c| json!({
                    "at": hhmm(c.t), "live_seats": c.live, "memory": c.memory, "keys": c.keys,
                    "usage_us": c.usage_ns as f64 / 1000.0})).collect::<Vec<_>>(),
                "mismatches": c.mismatches, "degraded": c.degraded, "first_mismatch": c.first,
                "day_usage": usage_json(&r.day_usage),
                "usage_past_retention": usage_json(&r.retention.past_retention),
                "days_fields": {"before": r.retention.days_fields_before, "after": r.retention.days_fields_after},
                "keys_left": keys, "keys_deleted": r.deleted, "masters": r.masters,
            })
        })
        .collect();
    json!({
        "bench": "bench-day", "scale": scale, "day": "2026-12-01 (Beijing time)",
        "day_start_ms": crate::DAY_START, "notes": notes, "total_s": total.as_secs_f64(),
        "stores": stores,
    })
}

/// The results as Markdown.
pub fn markdown(results: &[StoreResult], scale: f64, notes: &[String], total: Duration) -> String {
    let mut m = String::new();
    let _ = writeln!(
        m,
        "# bench-day: a WeChat day compressed with explicit times\n"
    );
    let _ = writeln!(
        m,
        "Scale {scale}; simulated day 2026-12-01 00:00-24:00 Beijing time; {:.1} s in all. \
         Made by `make bench-day` (bench/day).\n",
        total.as_secs_f64()
    );
    for n in notes {
        let _ = writeln!(m, "- {n}");
    }
    let _ = writeln!(m, "\n| store | threads | ops | ops/s day | ops/s start | ops/s end | end/start | admit p50/p99 µs start → end | heartbeat p50/p99 µs | leave p50/p99 µs | peak live seats (at) | memory Δ | bytes/live seat | keys at peak |");
    let _ = writeln!(
        m,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for r in results {
        let d = derive(r);
        let lat = |i: usize| {
            let (s, e) = (d.start_lat[i], d.end_lat[i]);
            format!("{}/{} → {}/{}", us(s.p50), us(s.p99), us(e.p50), us(e.p99))
        };
        let _ = writeln!(
            m,
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.3} | {} | {} | {} | {} ({}) | {:.1} MB | {:.0} | {} |",
            r.name, r.threads, r.ops, d.day_rate, d.start_rate, d.end_rate,
            d.end_rate / d.start_rate, lat(0), lat(1), lat(2), d.peak.live, hhmm(d.peak.t),
            d.mem_delta as f64 / 1e6, d.mem_delta as f64 / d.peak.live.max(1) as f64,
            d.peak.keys.map_or("n/a".to_owned(), |k| k.to_string())
        );
    }
    let _ = writeln!(m, "\nMean and max latency (µs), start → end:\n");
    for r in results {
        let d = derive(r);
        let parts: Vec<String> = Kind::ALL
            .iter()
            .map(|k| {
                let (s, e) = (d.start_lat[k.index()], d.end_lat[k.index()]);
                format!(
                    "{} mean {} → {}, max {} → {}",
                    k.name(),
                    us(s.mean),
                    us(e.mean),
                    us(s.max),
                    us(e.max)
                )
            })
            .collect();
        let _ = writeln!(m, "- **{}**: {}", r.name, parts.join("; "));
    }
    let _ = writeln!(m, "\n## Counters and checks\n");
    for r in results {
        let u = &r.day_usage;
        let c = &r.day.checks;
        let (f, l, x) = usage_us(r);
        let _ = writeln!(
            m,
            "- **{}**: openings {} (planned {}), admissions {} (admits run {}), leaves {} (run {}), \
             expired {}, heartbeats refused {}, peak_seats {}; mismatches {}, degraded {}; \
             `usage` at the checkpoints {:.0} µs first, {:.0} µs last, {:.0} µs max.",
            r.name, u.openings, r.openings_planned, u.admissions, c.per_kind[0], u.leaves,
            c.per_kind[2], u.expired, u.heartbeats_refused, u.peak_seats, c.mismatches,
            c.degraded, f, l, x
        );
    }
    let _ = writeln!(m, "\n## Keys left (bench prefix)\n");
    for r in results {
        let _ = writeln!(m, "- **{}**:", r.name);
        for (when, k) in &r.retention.keys {
            let _ = writeln!(m, "  - {when}: {}", keys_line(k));
        }
        if let (Some(b), Some(a)) = (
            r.retention.days_fields_before,
            r.retention.days_fields_after,
        ) {
            let _ = writeln!(
                m,
                "  - `days` hash fields: {b} before the last call, {a} after it"
            );
        }
        if let Some((_, Some(last))) = r.retention.keys.last() {
            let _ = writeln!(m, "  - {}", then_none(last));
        }
        let p = &r.retention.past_retention;
        let _ = writeln!(
            m,
            "  - usage two days later: live rooms {}, live seats {}; keys deleted at the end: {}",
            p.live_rooms.map_or("null".to_owned(), |n| n.to_string()),
            p.live_seats.map_or("null".to_owned(), |n| n.to_string()),
            r.deleted.map_or("n/a".to_owned(), |n| n.to_string())
        );
    }
    m
}

/// What the last snapshot promises: keys without a TTL would stay for ever;
/// with one each goes by itself (the `days` hash's TTL runs on the real clock,
/// so a compressed day cannot wait it out: the end of the last call's day plus
/// two days).
fn then_none(last: &KeyReport) -> String {
    let persistent: u64 = last
        .values()
        .filter(|k| k.min_pttl < 0)
        .map(|k| k.count)
        .sum();
    let longest = last.values().map(|k| k.max_pttl).max().unwrap_or(0);
    if persistent == 0 {
        format!(
            "then none: every key left has a TTL, the longest {:.1} h (real clock; set by the last call), \
             and no key is without one",
            longest as f64 / 3.6e6
        )
    } else {
        format!("**{persistent} key(s) without a TTL**: they would never go")
    }
}
