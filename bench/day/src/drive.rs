//! Drives one ledger through the day: `threads` threads, each its own [`Day`],
//! all stopping at every checkpoint (every 15 simulated minutes) so that the
//! leader can read the store's memory and the live seats at one simulated
//! instant. Times only the ledger calls and the generator between them, never
//! the checkpoints.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use voipsign::rooms::Ledger;

use crate::sim::{Day, Kind, DAY_MS};

/// The bench's appId (the documentation's example).
pub const APP: &str = "wx20afc706a711eefc";
/// Simulated time between checkpoints.
const CHECK_MS: i64 = 15 * 60_000;

/// The plan of a run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// 00:00 Beijing time of the simulated day, unix ms.
    pub start: i64,
    /// Driver threads (each with its own phones and rooms).
    pub threads: usize,
    /// Openings per thread.
    pub openings: Vec<u64>,
    /// Phones per thread.
    pub phones: u32,
    /// Operations per thread (from a dry run).
    pub ops: Vec<u64>,
    /// The generator's seed.
    pub seed: u64,
}

/// One timed operation of a window.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The operation.
    pub kind: Kind,
    /// Its latency, ns.
    pub ns: u32,
}

/// A thread's start and end windows (its first and last 10 % of operations).
#[derive(Debug, Default)]
pub struct Windows {
    /// Samples of the first window.
    pub start: Vec<Sample>,
    /// Samples of the last window.
    pub end: Vec<Sample>,
    /// Busy time of the first window.
    pub start_busy: Duration,
    /// Busy time of the last window.
    pub end_busy: Duration,
    /// Busy time of the whole day.
    pub busy: Duration,
}

/// What the ledger answered against what the model expected.
#[derive(Debug, Default, Clone)]
pub struct Checks {
    /// Admits that opened a room (answer `opened`).
    pub opened: u64,
    /// Operations whose answer differed from the model (or failed).
    pub mismatches: u64,
    /// Admissions flagged `degraded` (the store could not be reached).
    pub degraded: u64,
    /// The first error or mismatch seen.
    pub first: Option<String>,
    /// Operations run, per kind (in [`Kind::ALL`] order).
    pub per_kind: [u64; 3],
}

/// A checkpoint: the model's live seats and the store's memory then.
#[derive(Debug, Clone, Copy)]
pub struct Checkpoint {
    /// Simulated time.
    pub t: i64,
    /// Live seats of the model (every thread).
    pub live: u64,
    /// The store's memory, bytes (RSS, or Redis used_memory summed over masters).
    pub memory: u64,
    /// Keys of the bench's prefix then (Redis only).
    pub keys: Option<u64>,
    /// Latency of a `usage` call at that time (a dashboard), ns.
    pub usage_ns: u64,
}

/// Everything a day on one store measured.
#[derive(Debug)]
pub struct DayRun {
    /// Per-thread windows.
    pub windows: Vec<Windows>,
    /// Merged checks.
    pub checks: Checks,
    /// Every checkpoint, in time order: the first is the baseline (before any
    /// operation, every thread's generator built).
    pub checkpoints: Vec<Checkpoint>,
    /// Wall time of the day, checkpoints included.
    pub wall: Duration,
}

/// Reads the store's memory (bytes) and, for Redis, the bench's key count.
pub type Probe<'a> = &'a (dyn Fn() -> (u64, Option<u64>) + Sync);

fn check(checks: &mut Checks, ok: bool, what: impl FnOnce() -> String) {
    if !ok {
        checks.mismatches += 1;
        if checks.first.is_none() {
            checks.first = Some(what());
        }
    }
}

fn one_thread(
    tag: usize,
    plan: &Plan,
    ledger: &Ledger,
    barrier: &Barrier,
    live: &[AtomicU64],
) -> (Windows, Checks) {
    let mut day = Day::new(tag, plan.start, plan.openings[tag], plan.phones, plan.seed);
    let total = plan.ops[tag];
    let w = total.div_ceil(10);
    // Touched before the baseline is read, so that filling them costs no RSS.
    let blank = Sample {
        kind: Kind::Admit,
        ns: 0,
    };
    let mut win = Windows {
        start: vec![blank; w as usize],
        end: vec![blank; w as usize],
        ..Windows::default()
    };
    win.start.clear();
    win.end.clear();
    barrier.wait(); // the leader reads the baseline
    barrier.wait();
    let mut checks = Checks::default();
    let mut busy = Duration::ZERO;
    let mut n: u64 = 0;
    let mut end_from = None;
    let mut limit = plan.start;
    while limit < plan.start + DAY_MS {
        limit += CHECK_MS;
        let seg = Instant::now();
        while let Some(step) = day.next_before(limit) {
            let group = day.group(step.room);
            let member = day.member(step.member);
            let t0 = Instant::now();
            match step.kind {
                Kind::Admit => match ledger.admit(APP, group, member, Some(step.t)) {
                    Ok(a) => {
                        checks.opened += u64::from(a.opened);
                        checks.degraded += u64::from(a.degraded);
                        check(&mut checks, a.opened == step.opens && !a.degraded, || {
                            format!("admit {group} {member} at {}: {a:?}", step.t)
                        });
                    }
                    Err(e) => check(&mut checks, false, || format!("admit: {e}")),
                },
                Kind::Heartbeat => {
                    let r = ledger.heartbeat(APP, group, member, Some(step.t));
                    check(&mut checks, r.is_ok(), || format!("heartbeat: {r:?}"));
                }
                Kind::Leave => {
                    let r = ledger.leave(APP, group, member, Some(step.t));
                    check(&mut checks, matches!(r, Ok(true)), || {
                        format!("leave {group} {member} at {}: {r:?}", step.t)
                    });
                }
            }
            checks.per_kind[step.kind.index()] += 1;
            let ns = t0.elapsed().as_nanos().min(u128::from(u32::MAX)) as u32;
            let sample = Sample {
                kind: step.kind,
                ns,
            };
            if n < w {
                win.start.push(sample);
                if n + 1 == w {
                    win.start_busy = busy + seg.elapsed();
                }
            }
            if n + w >= total {
                if end_from.is_none() {
                    end_from = Some(busy + seg.elapsed() - Duration::from_nanos(u64::from(ns)));
                }
                win.end.push(sample);
            }
            n += 1;
        }
        busy += seg.elapsed();
        live[tag].store(day.live, Ordering::Relaxed);
        barrier.wait(); // the leader reads the checkpoint
        barrier.wait(); // and lets everyone go on
    }
    assert_eq!(n, total, "thread {tag}: the day differs from its dry run");
    win.busy = busy;
    win.end_busy = busy - end_from.unwrap_or(Duration::ZERO);
    (win, checks)
}

/// Runs the whole day on `ledger`; `probe` is called at each checkpoint.
pub fn run_day(plan: &Plan, ledger: &Ledger, probe: Probe<'_>) -> DayRun {
    let barrier = Barrier::new(plan.threads + 1);
    let live: Vec<AtomicU64> = (0..plan.threads).map(|_| AtomicU64::new(0)).collect();
    let checkpoints = Mutex::new(Vec::new());
    let wall = Instant::now();
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..plan.threads)
            .map(|tag| {
                let (barrier, live) = (&barrier, &live);
                scope.spawn(move || one_thread(tag, plan, ledger, barrier, live))
            })
            .collect();
        barrier.wait();
        let (memory, keys) = probe();
        checkpoints.lock().expect("lock").push(Checkpoint {
            t: plan.start,
            live: 0,
            memory,
            keys,
            usage_ns: 0,
        });
        barrier.wait();
        let mut t = plan.start;
        while t < plan.start + DAY_MS {
            t += CHECK_MS;
            barrier.wait();
            let seats: u64 = live.iter().map(|a| a.load(Ordering::Relaxed)).sum();
            let (memory, keys) = probe();
            let u0 = Instant::now();
            let usage = ledger.usage(APP, None, Some(t - 1));
            let usage_ns = u0.elapsed().as_nanos() as u64;
            if let Ok(u) = &usage {
                if t < plan.start + DAY_MS && u.live_seats != Some(seats) {
                    eprintln!(
                        "  note: at +{} min the ledger counts {:?} live seats, the model {seats}",
                        (t - plan.start) / 60_000,
                        u.live_seats
                    );
                }
            }
            checkpoints.lock().expect("lock").push(Checkpoint {
                t,
                live: seats,
                memory,
                keys,
                usage_ns,
            });
            barrier.wait();
        }
        handles
            .into_iter()
            .map(|h| h.join().expect("driver thread"))
            .collect::<Vec<_>>()
    });
    let wall = wall.elapsed();
    let mut checks = Checks::default();
    let mut windows = Vec::new();
    for (w, c) in results {
        windows.push(w);
        checks.opened += c.opened;
        checks.mismatches += c.mismatches;
        checks.degraded += c.degraded;
        for (a, b) in checks.per_kind.iter_mut().zip(c.per_kind) {
            *a += b;
        }
        if checks.first.is_none() {
            checks.first = c.first;
        }
    }
    DayRun {
        windows,
        checks,
        checkpoints: checkpoints.into_inner().expect("lock"),
        wall,
    }
}
