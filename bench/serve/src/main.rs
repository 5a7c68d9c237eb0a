//! `CLIENTS` threads, each with its own Redis ledger client, admit a guest into
//! a live room of their own and let it leave, over and over, for `--seconds`;
//! prints one JSON object: admit+leave pairs per second, all clients together.
//! bench/serve/run.py runs it while `voipsign rooms serve` is scraped and while
//! it is not, alternately, to measure what serving the dashboard costs them.
//!
//!     voipsign-bench-serve --url-env VOIPSIGN_REDIS_URL --prefix P [--clients 8] [--seconds 3]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use voipsign::rooms::{Ledger, RedisOptions, Rules};

/// The appId the clients use (the server is told to serve it).
const APP: &str = "wx20afc706a711eefc";

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let url = std::env::var(arg("--url-env").unwrap_or("VOIPSIGN_REDIS_URL".into()))
        .expect("the Redis URL's environment variable is unset");
    let prefix = arg("--prefix").expect("--prefix");
    let clients: usize = arg("--clients").map_or(8, |v| v.parse().expect("--clients"));
    let seconds: f64 = arg("--seconds").map_or(3.0, |v| v.parse().expect("--seconds"));
    let rules = Rules {
        member_daily_openings: 0,
        ..Rules::default()
    };
    let ledgers: Vec<Ledger> = (0..clients)
        .map(|_| {
            let options = RedisOptions {
                key_prefix: prefix.clone(),
                ..RedisOptions::default()
            };
            Ledger::redis(&url, rules, options).expect("redis ledger")
        })
        .collect();
    // Each client's room stays live: its host is seated (renewed each round).
    for (i, l) in ledgers.iter().enumerate() {
        l.admit(APP, &format!("bench-room-{i}"), "host-openid-0000", None)
            .expect("host");
    }
    let go = Arc::new(Barrier::new(clients + 1));
    let stop = Arc::new(AtomicBool::new(false));
    let pairs = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = ledgers
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let (go, stop, pairs) = (go.clone(), stop.clone(), pairs.clone());
            std::thread::spawn(move || {
                let group = format!("bench-room-{i}");
                go.wait();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    l.admit(APP, &group, "guest-openid-0000", None)
                        .expect("admit");
                    l.leave(APP, &group, "guest-openid-0000", None)
                        .expect("leave");
                    n += 1;
                    if n.is_multiple_of(64) {
                        l.admit(APP, &group, "host-openid-0000", None)
                            .expect("host");
                    }
                }
                pairs.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    go.wait();
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    for th in threads {
        th.join().expect("a client panicked");
    }
    let elapsed = t.elapsed().as_secs_f64();
    println!(
        "{{\"clients\": {clients}, \"seconds\": {elapsed:.3}, \"pairs_per_second\": {:.1}}}",
        pairs.load(Ordering::Relaxed) as f64 / elapsed
    );
}
