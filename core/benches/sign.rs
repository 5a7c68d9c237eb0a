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

/// Criterion's point estimate (ns) of the median of a benchmark, from its files.
fn median_ns(name: &str) -> Option<f64> {
    let dir = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    let path = format!("{dir}/criterion/core/{name}/new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
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

    let (Some(s), Some(m), Some(f)) = (
        median_ns("sign"),
        median_ns("sign_many_10"),
        median_ns("compress256_x1024"),
    ) else {
        eprintln!("criterion estimates not found; no ratio table");
        return;
    };
    let floor = 5.0 * f / BLOCKS as f64;
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
        "floor: 5 x compress256 block", floor, 1.0
    );
    println!("  {:<28} {:>9.1}  {:>7.2}", "sign (one-shot)", s, s / floor);
    println!(
        "  {:<28} {:>9.1}  {:>7.2}",
        "sign_many(10) per member",
        m / 10.0,
        m / 10.0 / floor
    );
    println!("sign/floor ratio: {:.2}", s / floor);
    if let Some(d) = median_ns("diagnose_full_search") {
        println!(
            "diagnose (full search, 1 older key): {:.2} ms (limit 5 ms: {})",
            d / 1e6,
            if d < 5e6 { "within" } else { "OVER" }
        );
    }
}
