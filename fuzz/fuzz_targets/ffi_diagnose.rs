//! voipsign_diagnose through the C ABI. The rejected signature is either anything
//! (see `gen_signature`) or made with a random combination of the known mistakes
//! (order, comma join, milliseconds, key decoded / with whitespace / stale, key and
//! message swapped, plain SHA-256, upper-case hex, base64 digest), computed here
//! with the `hmac` and `sha2` crates. Checks the status against the call's problems
//! (a 13-digit timestamp and any UTF-8 rejected signature are not errors), the JSON
//! (keys, verdict, mistakes in declaration order, `expected` and `canonical` equal
//! to the plain references, CORRECT exactly when the rejected signature is the
//! right one with seconds), that an injected combination is found with at most as
//! many mistakes, the 8192-byte bound, *out_len and the retry after
//! BUFFER_TOO_SMALL, voipsign_error, and that neither the JSON nor a message
//! contains any session_key.
#![no_main]

use arbitrary::Unstructured;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use voipsign_fuzz::*;

const MAX: usize = 8192;
const MISTAKES: [&str; 10] = [
    "NOT_SORTED",
    "COMMA_JOINED",
    "KEY_BASE64_DECODED",
    "KEY_MESSAGE_SWAPPED",
    "KEY_WHITESPACE",
    "TIMESTAMP_MILLISECONDS",
    "UPPERCASE_HEX",
    "BASE64_DIGEST",
    "PLAIN_SHA256",
    "STALE_SESSION_KEY",
];

#[allow(clippy::too_many_arguments)]
fn call(
    p: &ParamArgs,
    key: &Arg,
    rejected: &Arg,
    others: &ArgList,
    out: &mut OutBuf,
    out_len: &mut OutLen,
    err: &mut ErrBuf,
) -> i32 {
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; each key
    // list's pointer and length arrays are NULL (any count) or live `Vec`s of exactly
    // `count` elements; `out` is NULL (any capacity) or a live buffer of at least `out.cap`
    // writable bytes (plus the guard zone); `out_len` is NULL or a live `usize`; `err` is
    // NULL or a live `RawError` (the layout of `voipsign_error`, asserted in
    // out_params.rs). Everything outlives the call and the library keeps no pointer after
    // it.
    status(unsafe {
        voipsign_ffi::voipsign_diagnose(
            p.app.ptr(),
            p.app.len(),
            p.group.ptr(),
            p.group.len(),
            p.nonce.ptr(),
            p.nonce.len(),
            p.ts,
            key.ptr(),
            key.len(),
            rejected.ptr(),
            rejected.len(),
            others.ptrs(),
            others.lens(),
            others.count,
            out.ptr(),
            out.cap,
            out_len.ptr(),
            err.ptr(),
        )
    })
}

fn is_ms(ts: i64) -> bool {
    (1_000_000_000_000..=9_999_999_999_999).contains(&ts)
}

/// A signature made with a random combination of known mistakes, and how many
/// mistakes `diagnose` counts for that combination.
fn injected(
    u: &mut Unstructured,
    a: &str,
    g: &str,
    n: &str,
    ts: i64,
    key: &str,
    others: &[&str],
) -> (Vec<u8>, usize) {
    let given_ms = is_ms(ts);
    let seconds = if given_ms { ts / 1000 } else { ts };
    let mut count = 0;
    let ts_text = if given_ms {
        count += 1;
        if int(u, 0u8..=1) == 0 {
            ts.to_string()
        } else {
            seconds.to_string()
        }
    } else if int(u, 0u8..=3) == 0 {
        count += 1;
        (seconds as i128 * 1000).to_string()
    } else {
        seconds.to_string()
    };
    let plain = [
        a.to_owned(),
        g.to_owned(),
        n.to_owned(),
        seconds.to_string(),
    ];
    let vals = [a.to_owned(), g.to_owned(), n.to_owned(), ts_text];
    let mut order = [0usize, 1, 2, 3];
    let mut sorted: Vec<&String> = plain.iter().collect();
    sorted.sort();
    if int(u, 0u8..=2) == 0 {
        for i in (1..4).rev() {
            order.swap(i, int(u, 0..=i));
        }
    } else {
        order.sort_by(|&x, &y| plain[x].cmp(&plain[y]));
    }
    if order.iter().map(|&i| &plain[i]).collect::<Vec<_>>() != sorted {
        count += 1;
    }
    let comma = int(u, 0u8..=3) == 0;
    count += comma as usize;
    let msg = order
        .iter()
        .map(|&i| vals[i].as_str())
        .collect::<Vec<_>>()
        .join(if comma { "," } else { "" });

    let mut k = key.as_bytes().to_vec();
    if !others.is_empty() && int(u, 0u8..=3) == 0 {
        k = others[int(u, 0..=others.len() - 1)].as_bytes().to_vec();
        count += 1;
    }
    match int(u, 0u8..=7) {
        0 => {
            k = STANDARD.decode(&k).unwrap();
            count += 1;
        }
        1 => {
            k.extend_from_slice([&b"\n"[..], b"\r\n", b" "][int(u, 0usize..=2)]);
            count += 1;
        }
        _ => {}
    }
    let digest: [u8; 32] = match int(u, 0u8..=7) {
        0 => {
            count += 1;
            ref_hmac(msg.as_bytes(), &k)
        }
        1 => {
            count += 1;
            Sha256::new()
                .chain_update(&k)
                .chain_update(&msg)
                .finalize()
                .into()
        }
        2 => {
            count += 1;
            Sha256::new()
                .chain_update(&msg)
                .chain_update(&k)
                .finalize()
                .into()
        }
        3 => {
            count += 1;
            Sha256::digest(&msg).into()
        }
        _ => ref_hmac(&k, msg.as_bytes()),
    };
    let sig = match int(u, 0u8..=5) {
        0 => {
            let h = hex_lower(&digest);
            count += h.bytes().any(|c| c.is_ascii_alphabetic()) as usize;
            h.to_ascii_uppercase()
        }
        1 => {
            count += 1;
            STANDARD.encode(digest)
        }
        _ => hex_lower(&digest),
    };
    (sig.into_bytes(), count)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let p = ParamArgs::gen(&mut u);
    let key = gen_key(&mut u);
    let key = Arg::wrap(&mut u, key);
    let others = ArgList::gen(&mut u, 3, |u| {
        if int(u, 0u8..=3) == 0 {
            gen_key(u)
        } else {
            valid_key(u).into_bytes()
        }
    });

    let seconds = if is_ms(p.ts) { p.ts / 1000 } else { p.ts };
    let ts_ok = voipsign::validate_timestamp(seconds).is_ok();
    let valid = match (p.strs(), key.str(), others.strs()) {
        (Some((a, g, n)), Some(k), Some(o))
            if p.string_defects().is_empty()
                && ts_ok
                && voipsign::validate_session_key(k.as_bytes()).is_ok()
                && list_defects(&others).is_empty() =>
        {
            Some((a, g, n, k, o))
        }
        _ => None,
    };
    let mut inject_count = None;
    let rejected = match &valid {
        Some((a, g, n, k, o)) if int(&mut u, 0u8..=1) == 0 => {
            let (sig, c) = injected(&mut u, a, g, n, p.ts, k, o);
            inject_count = Some(c);
            Arg::new(sig)
        }
        _ => {
            let right = valid
                .as_ref()
                .map(|(a, g, n, k, _)| ref_sign(a, g, n, seconds, k));
            let s = gen_signature(&mut u, right.as_deref());
            Arg::wrap(&mut u, s)
        }
    };
    let mut out = OutBuf::gen(&mut u, 1500, MAX);
    let mut out_len = OutLen::gen(&mut u);
    let mut err = ErrBuf::gen(&mut u);

    let st = call(
        &p,
        &key,
        &rejected,
        &others,
        &mut out,
        &mut out_len,
        &mut err,
    );
    let text = check_text(st, &out, &out_len, &err, MAX);

    let mut problems = p.string_defects();
    if !ts_ok {
        problems.push(INVALID_TIMESTAMP);
    }
    problems.extend(defect(&key, |s| {
        voipsign::validate_session_key(s.as_bytes())
    }));
    problems.extend(defect(&rejected, |_| Ok(())));
    problems.extend(list_defects(&others));
    if out.null {
        problems.push(NULL_ARGUMENT);
    } else if st == BUFFER_TOO_SMALL {
        // Whether out_cap is short is checked below, with a retry.
        problems.push(BUFFER_TOO_SMALL);
    }
    check_against(st, &problems);

    let mut secrets: Vec<&[u8]> = others.values();
    secrets.push(&key.bytes);
    let mut public = p.public();
    public.push(rejected.bytes.clone());
    if let Some(text) = text {
        let (a, g, n, k, _) = valid.expect("OK although an input is invalid");
        let m = json_object(&text);
        check_keys(
            &m,
            &["verdict", "mistakes", "message", "expected", "canonical"],
        );
        let expected = ref_sign(a, g, n, seconds, k);
        assert_eq!(m["expected"].as_str(), Some(expected.as_str()), "expected");
        assert_eq!(
            m["canonical"].as_str(),
            Some(ref_canonical(a, g, n, seconds).as_str()),
            "canonical"
        );
        assert!(
            m["message"].as_str().is_some_and(|s| !s.is_empty()),
            "message"
        );
        let mistakes: Vec<usize> = m["mistakes"]
            .as_array()
            .expect("mistakes is an array")
            .iter()
            .map(|v| {
                MISTAKES
                    .iter()
                    .position(|x| Some(*x) == v.as_str())
                    .unwrap_or_else(|| panic!("unknown mistake {v}"))
            })
            .collect();
        assert!(
            mistakes.windows(2).all(|w| w[0] < w[1]),
            "mistakes not in declaration order: {mistakes:?}"
        );
        let right = rejected.value().unwrap() == expected.as_bytes() && !is_ms(p.ts);
        match m["verdict"].as_str() {
            Some("CORRECT") => {
                assert!(right, "CORRECT for a signature that is not the right one");
                assert!(mistakes.is_empty());
            }
            Some("MISTAKE_FOUND") => {
                assert!(!right, "MISTAKE_FOUND for the right signature");
                assert!(!mistakes.is_empty(), "MISTAKE_FOUND without mistakes");
                if let Some(c) = inject_count {
                    assert!(
                        mistakes.len() <= c,
                        "{} mistakes reported for a combination of {c}",
                        mistakes.len()
                    );
                }
            }
            Some("UNKNOWN") => {
                assert!(!right, "UNKNOWN for the right signature");
                assert!(mistakes.is_empty());
                assert!(
                    inject_count.is_none(),
                    "an injected combination of known mistakes was not found"
                );
            }
            v => panic!("verdict {v:?}"),
        }
        check_no_leak(
            "the diagnosis",
            text.as_bytes(),
            &secrets,
            &slices(&public),
            || {
                let twin = Arg {
                    bytes: twin_key(&key.bytes),
                    ..key.clone()
                };
                let twin_others = others.with_args(twin_args(&others.args));
                let mut o = OutBuf::with_cap(MAX);
                let s = call(
                    &p,
                    &twin,
                    &rejected,
                    &twin_others,
                    &mut o,
                    &mut OutLen::new(false),
                    &mut ErrBuf::new(false),
                );
                check_text(s, &o, &OutLen::new(false), &ErrBuf::new(false), MAX)
                    .unwrap_or_default()
                    .into_bytes()
            },
        );
    } else if let Some(msg) = err.check_failure(st) {
        check_no_leak(
            "err->message",
            msg.as_bytes(),
            &secrets,
            &slices(&public),
            || {
                let twin = Arg {
                    bytes: twin_key(&key.bytes),
                    ..key.clone()
                };
                let twin_others = others.with_args(twin_args(&others.args));
                let mut e = ErrBuf::new(true);
                let s = call(
                    &p,
                    &twin,
                    &rejected,
                    &twin_others,
                    &mut out.like(),
                    &mut OutLen::new(true),
                    &mut e,
                );
                e.check_failure(s).unwrap_or_default().into_bytes()
            },
        );
    }
    if st == BUFFER_TOO_SMALL {
        let (mut again, exact) = match out_len.get() {
            Some(len) => (OutBuf::with_cap(len + 1), true),
            None => (OutBuf::with_cap(MAX), false),
        };
        let (mut l2, mut e2) = (OutLen::new(true), ErrBuf::new(true));
        let s2 = call(&p, &key, &rejected, &others, &mut again, &mut l2, &mut e2);
        assert_eq!(
            s2, OK,
            "retry after BUFFER_TOO_SMALL with {} bytes (exact: {exact}) failed",
            again.cap
        );
        let len = l2.get().unwrap();
        assert!(
            len + 1 > out.cap,
            "BUFFER_TOO_SMALL but {len} bytes + NUL fit in out_cap {}",
            out.cap
        );
        check_text(s2, &again, &l2, &e2, MAX);
    }
});
