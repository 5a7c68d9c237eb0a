//! `make bench` (core part): `sign` one-shot, `sign_many` of 10 keys, and the floor,
//! 5 × the per-block cost of `sha2::compress256` over a long run of blocks (a
//! signature over a 64-byte canonical string needs exactly 5 compressions: two for
//! the inner hash with its 64-byte key block, one for the key block of the outer
//! hash, ... in all 5). Prints the ratio sign / floor at the end.
//!
//! It also measures the Rust idiom voipsign replaces (sort, concatenate, the `hmac`
//! crate, `hex`), once and for the 10 members of a room; the idiom and `sign` must
//! first reproduce the documentation's example signature.
//!
//! `BENCH_QUICK=1` shortens every measurement (a smoke run, not for reading).
//! `BENCH_JSON=path` writes the figures as one JSON object (the keys of
//! `bench/c/bench.c`, plus the floor), for `make -C bench all`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use hmac::{Hmac, Mac};
use sha2::digest::generic_array::GenericArray;
use sha2::Sha256;
use voipsign::{sign, sign_many, Params, SessionKey};

const BLOCKS: usize = 1024;
const KEYS: [&str; 10] = [
    "gDyVgzwa0mFz9uUP7M6GQQ==",
    "o0q0otL8aEzpcZL/FT9WsQ==",
    "kUpBwvRHPfIDSEEATFMKZg==",
    "AAAAAAAAAAAAAAAAAAAAAA==",
    "/////////////////////w==",
    "MDEyMzQ1Njc4OWFiY2RlZg==",
    "ZmVkY2JhOTg3NjU0MzIxMA==",
    "c2Vzc2lvbl9rZXlfMTIzNA==",
    "cXdlcnR5dWlvcGFzZGZnaA==",
    "emF4Y3Zibm1xd2VydHl1aQ==",
];

const DOC_SIGNATURE: &str = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617";
const IDIOM: &str = "sort + concat + hmac crate Hmac<Sha256> + hex::encode";

/// What a Rust backend writes by hand: the documented formula, literally.
fn idiom(app_id: &str, group_id: &str, nonce_str: &str, ts: i64, key: &str) -> String {
    let ts = ts.to_string();
    let mut v = [app_id, group_id, nonce_str, ts.as_str()];
    v.sort();
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(v.concat().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn params() -> Params<'static> {
    // Canonical string of exactly 64 bytes: 18 + 20 + 16 + 10.
    Params::new(
        "wx20afc706a711eefc",
        "1559129713_672975982",
        "8AP6DT9ybtniUJfb",
        1559129714,
    )
}

fn benches(c: &mut Criterion) {
    let key = SessionKey::new(KEYS[0]).unwrap();
    let p = params();
    assert_eq!(voipsign::canonical(&p).unwrap().len(), 64);
    // Both sides must reproduce the documentation's example, or comparing is moot.
    let (app, group, nonce, ts) = (p.app_id, p.group_id, p.nonce_str, p.timestamp);
    assert_eq!(
        idiom(app, group, nonce, ts, KEYS[0]),
        DOC_SIGNATURE,
        "the idiom does not reproduce the documentation's signature"
    );
    assert_eq!(
        sign(&p, &key).unwrap().as_str(),
        DOC_SIGNATURE,
        "sign does not reproduce the documentation's signature"
    );
    let many = sign_many(&p, &KEYS).unwrap();
    for (k, s) in KEYS.iter().zip(&many) {
        assert_eq!(
            s.as_str(),
            idiom(app, group, nonce, ts, k),
            "sign_many differs from the idiom"
        );
    }

    let mut g = c.benchmark_group("core");
    g.bench_function("sign", |b| {
        b.iter(|| sign(black_box(&p), black_box(&key)).unwrap())
    });
    g.bench_function("sign_many_10", |b| {
        b.iter(|| sign_many(black_box(&p), black_box(&KEYS)).unwrap())
    });
    g.bench_function("idiom", |b| {
        b.iter(|| {
            idiom(
                black_box(app),
                black_box(group),
                black_box(nonce),
                black_box(ts),
                black_box(KEYS[0]),
            )
        })
    });
    g.bench_function("idiom_x10", |b| {
        b.iter(|| {
            black_box(&KEYS)
                .iter()
                .map(|k| {
                    idiom(
                        black_box(app),
                        black_box(group),
                        black_box(nonce),
                        black_box(ts),
                        k,
                    )
                })
                .collect::<Vec<String>>()
        })
    });
    if std::env::var("BENCH_PIECES").is_ok() {
        let k = KEYS[0].as_bytes();
        let msg = voipsign::canonical(&p).unwrap();
        g.bench_function("piece_hmac_fast", |b| {
            b.iter(|| voipsign::__bench::hmac(black_box(k), black_box(msg.as_bytes())))
        });
        g.bench_function("piece_validate", |b| {
            b.iter(|| black_box(&p).validate().unwrap())
        });
        g.bench_function("piece_key_new", |b| {
            b.iter(|| SessionKey::new(black_box(KEYS[0])).unwrap())
        });
    }
    // The full search: a signature nothing reproduces, with one older key.
    let older = [SessionKey::new(KEYS[1]).unwrap()];
    let random = "0123456789abcdef".repeat(4);
    // The room ledger (memory store): a member joins and leaves a live room (one
    // member stays seated, so the pair never opens a room nor uses quota).
    let ledger = voipsign::rooms::Ledger::memory(voipsign::rooms::Rules::default()).unwrap();
    let now = Some(1_796_083_200_000);
    ledger.admit(app, group, "host-openid", now).unwrap();
    g.bench_function("ledger_admit_leave", |b| {
        b.iter(|| {
            let a = ledger
                .admit(app, group, black_box("guest-openid"), now)
                .unwrap();
            assert!(!a.opened);
            ledger
                .leave(app, group, black_box("guest-openid"), now)
                .unwrap()
        })
    });
    g.bench_function("diagnose_full_search", |b| {
        b.iter(|| voipsign::diagnose(black_box(&p), &key, black_box(&random), &older).unwrap())
    });
    let blocks = vec![GenericArray::from([0x5au8; 64]); BLOCKS];
    g.throughput(Throughput::Elements(BLOCKS as u64));
    g.bench_function("compress256_x1024", |b| {
        b.iter(|| {
            let mut state = [0x6a09e667u32; 8];
            sha2::compress256(&mut state, black_box(&blocks));
            state
        })
    });
    g.finish();
}

/// Criterion's point estimate (ns) of the median of a benchmark, and the fastest and
/// slowest of its samples (ns per iteration), from its files.
#[derive(Clone, Copy)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
}

impl Stat {
    fn scaled(self, k: f64) -> Stat {
        Stat {
            median: self.median * k,
            min: self.min * k,
            max: self.max * k,
        }
    }
}

fn read_json(name: &str, file: &str) -> Option<serde_json::Value> {
    let dir = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    let path = format!("{dir}/criterion/core/{name}/new/{file}");
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn stat(name: &str) -> Option<Stat> {
    let median = read_json(name, "estimates.json")?["median"]["point_estimate"].as_f64()?;
    let sample = read_json(name, "sample.json")?;
    let (iters, times) = (sample["iters"].as_array()?, sample["times"].as_array()?);
    let per: Vec<f64> = iters
        .iter()
        .zip(times)
        .filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()?))
        .collect();
    let min = per.iter().copied().fold(f64::INFINITY, f64::min);
    let max = per.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (!per.is_empty()).then_some(Stat { median, min, max })
}

fn main() {
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1");
    let mut c = Criterion::default().configure_from_args();
    c = if quick {
        c.warm_up_time(Duration::from_millis(50))
            .measurement_time(Duration::from_millis(100))
            .sample_size(10)
    } else {
        c.warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
    };
    benches(&mut c);
    c.final_summary();

    let (Some(s), Some(m), Some(f), Some(i1), Some(i10)) = (
        stat("sign"),
        stat("sign_many_10"),
        stat("compress256_x1024"),
        stat("idiom"),
        stat("idiom_x10"),
    ) else {
        eprintln!("criterion estimates not found; no ratio table");
        if std::env::var_os("BENCH_JSON").is_some() {
            std::process::exit(1);
        }
        return;
    };
    let floor = f.scaled(5.0 / BLOCKS as f64);
    let member = m.scaled(0.1);
    println!(
        "\ncore ratios (medians{}):",
        if quick {
            ", BENCH_QUICK: not for reading"
        } else {
            ""
        }
    );
    println!("  {:<28} {:>9}  {:>7}", "measurement", "ns", "/floor");
    println!(
        "  {:<28} {:>9.1}  {:>7.2}",
        "floor: 5 x compress256 block", floor.median, 1.0
    );
    println!(
        "  {:<28} {:>9.1}  {:>7.2}",
        "sign (one-shot)",
        s.median,
        s.median / floor.median
    );
    println!(
        "  {:<28} {:>9.1}  {:>7.2}",
        "sign_many(10) per member",
        member.median,
        member.median / floor.median
    );
    println!(
        "  {:<28} {:>9.1}  {:>7.2}",
        "idiom (hmac crate)",
        i1.median,
        i1.median / floor.median
    );
    println!("sign/floor ratio: {:.2}", s.median / floor.median);
    println!(
        "sign vs the hmac-crate idiom: {:.2}x; sign_many(10) vs 10 idioms: {:.2}x",
        i1.median / s.median,
        i10.median / m.median
    );
    let diagnose = stat("diagnose_full_search");
    if let Some(d) = diagnose {
        println!(
            "diagnose (full search, 1 older key): {:.2} ms (limit 5 ms: {})",
            d.median / 1e6,
            if d.median < 5e6 { "within" } else { "OVER" }
        );
    }
    let ledger = stat("ledger_admit_leave");
    if let Some(l) = ledger {
        println!(
            "ledger admit+leave pair (memory store): {:.0} ns = {:.1} x sign (target <= 1000 ns: {})",
            l.median,
            l.median / s.median,
            if l.median <= 1000.0 { "met" } else { "MISSED" }
        );
    }
    if let Some(path) = std::env::var_os("BENCH_JSON") {
        let json = serde_json::json!({
            "ledger_pair_ns": ledger.map(|l| l.median),
            "ledger_pair_us": ledger.map(|l| l.median / 1000.0),
            "ledger_pair_vs_sign": ledger.map(|l| l.median / s.median),
            "language": "Rust (core)",
            "idiom": IDIOM,
            "idiom_ns": i1.median, "idiom_min": i1.min, "idiom_max": i1.max,
            "voipsign_ns": s.median, "voipsign_min": s.min, "voipsign_max": s.max,
            "ratio": i1.median / s.median,
            "idiom10_ns": i10.median,
            "sign_many10_ns": m.median,
            "sign_many_per_member_ns": member.median,
            "sign_many_per_member_min": member.min,
            "sign_many_per_member_max": member.max,
            "sign_many_ratio": i10.median / m.median,
            "floor_ns": floor.median, "floor_min": floor.min, "floor_max": floor.max,
            "floor_description": "5 x the per-block cost of sha2::compress256 over 1024 blocks",
            "sign_floor_ratio": s.median / floor.median,
            "sign_many_floor_ratio": member.median / floor.median,
            "diagnose_full_search_ns": diagnose.map(|d| d.median),
            "spread": "min/max of criterion's samples (ns per iteration); medians are criterion's estimates",
            "quick": quick,
        });
        if let Err(e) = std::fs::write(&path, format!("{json}\n")) {
            eprintln!("cannot write {}: {e}", path.to_string_lossy());
            std::process::exit(1);
        }
    }
}
