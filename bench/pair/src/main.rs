//! The room ledger's admit+leave pair: a guest joins a live room (its host stays
//! seated, so the pair never opens a room nor uses quota) and leaves, timed on
//! the memory store and, with `VOIPSIGN_REDIS_URL`, on that Redis server (one
//! client; a round trip per operation). Prints one JSON object: the median of
//! `--rounds` batches, ns per pair. Built against this checkout's core and, by
//! bench/pair/run.py, against a baseline commit's, to compare in one run.
//!
//! Uses only the API both versions share (`Ledger::memory`, `Ledger::redis`,
//! `admit`, `leave`).

use std::time::Instant;

use voipsign::rooms::{Ledger, RedisOptions, Rules};

const APP: &str = "wx20afc706a711eefc";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// ns per admit+leave pair: the median of `rounds` batches of `n` pairs.
fn pairs(ledger: &Ledger, group: &str, n: u32, rounds: u32) -> f64 {
    ledger.admit(APP, group, "host-openid", None).expect("host");
    let mut batches = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..n {
            ledger
                .admit(APP, group, "guest-openid", None)
                .expect("admit");
            ledger
                .leave(APP, group, "guest-openid", None)
                .expect("leave");
        }
        batches.push(t.elapsed().as_nanos() as f64 / f64::from(n));
        // The host's lease is renewed so that the room stays live.
        ledger.admit(APP, group, "host-openid", None).expect("host");
    }
    median(batches)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (mem_n, redis_n, rounds) = if quick {
        (1_000, 50, 3)
    } else {
        (200_000, 4_000, 9)
    };
    let mem = Ledger::memory(Rules::default()).expect("memory ledger");
    let memory_ns = pairs(&mem, "bench-room", mem_n, rounds);
    let redis_ns = std::env::var("VOIPSIGN_REDIS_URL").ok().map(|url| {
        let prefix = format!("bench-pair-{}", std::process::id());
        let options = RedisOptions {
            key_prefix: prefix,
            ..RedisOptions::default()
        };
        let l = Ledger::redis(&url, Rules::default(), options).expect("redis ledger");
        pairs(&l, "bench-room", redis_n, rounds)
    });
    println!(
        "{{\"memory_pair_ns\": {memory_ns:.1}, \"redis_pair_ns\": {}}}",
        redis_ns.map_or("null".to_owned(), |r| format!("{r:.1}"))
    );
}
