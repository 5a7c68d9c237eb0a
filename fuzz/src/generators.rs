//! Generators of the C arguments' values, biased toward the interesting ones of
//! each field: valid values, the length limits, one bad byte, non-UTF-8, empty,
//! long; session_keys of every wrong shape; signatures built around the right one.

use arbitrary::{Arbitrary, Unstructured};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::input::{inject, int, printable, raw, raw_exact, strip_controls, truncate, utf8};

/// A value for appId (valid most of the time).
pub fn gen_app_id(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=7) {
        0..=2 => printable(u, 1, 64),
        3 => printable(u, 60, 70),
        4 => raw(u, 80),
        5 => {
            let v = printable(u, 1, 64);
            inject(u, v)
        }
        6 => utf8(u, 80).into_bytes(),
        _ => Vec::new(),
    }
}

/// A value for nonceStr (valid most of the time).
pub fn gen_nonce(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=7) {
        0..=2 => printable(u, 1, 127),
        3 => printable(u, 120, 135),
        4 => raw(u, 140),
        5 => {
            let v = printable(u, 1, 127);
            inject(u, v)
        }
        6 => utf8(u, 140).into_bytes(),
        _ => Vec::new(),
    }
}

/// A valid groupId: 1..=max bytes of UTF-8 without control characters.
pub fn valid_group(u: &mut Unstructured, max: usize) -> String {
    let mut s = strip_controls(&utf8(u, 4 * max));
    truncate(&mut s, max);
    if s.is_empty() {
        s.push('g');
    }
    s
}

/// A value for groupId (valid most of the time).
pub fn gen_group(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=7) {
        0 | 1 => valid_group(u, 64).into_bytes(),
        2 => valid_group(u, 1024).into_bytes(),
        3 => {
            // Around the 1024-byte limit, with multi-byte characters.
            let unit = valid_group(u, 8);
            let target = int(u, 1020usize..=1030);
            let mut s = unit.repeat(target / unit.len() + 1);
            truncate(&mut s, target);
            s.into_bytes()
        }
        4 => raw(u, 1100),
        5 => {
            let v = valid_group(u, 64).into_bytes();
            inject(u, v)
        }
        6 => printable(u, 1, 40),
        _ => Vec::new(),
    }
}

/// A timeStamp: valid seconds, milliseconds, the edges, anything.
pub fn gen_ts(u: &mut Unstructured) -> i64 {
    const EDGES: &[i64] = &[
        0,
        -1,
        1,
        9,
        10,
        999_999_999,
        1_000_000_000,
        1_559_129_714,
        9_999_999_999,
        10_000_000_000,
        999_999_999_999,
        1_000_000_000_000,
        1_559_129_714_000,
        9_999_999_999_999,
        10_000_000_000_000,
        i64::MIN,
        i64::MIN + 1,
        i64::MAX,
        i32::MAX as i64,
        u32::MAX as i64,
    ];
    match int(u, 0u8..=7) {
        0..=2 => int(u, 1i64..=9_999_999_999),
        3 => int(u, 1_000_000_000_000i64..=9_999_999_999_999),
        4 => EDGES[int(u, 0..=EDGES.len() - 1)],
        5 => i64::arbitrary(u).unwrap_or(0),
        6 => int(u, -10i64..=10),
        _ => int(u, 10_000_000_000i64..=999_999_999_999),
    }
}

/// A valid session_key: the base64 of 16 bytes from the input.
pub fn valid_key(u: &mut Unstructured) -> String {
    let mut b = raw_exact(u, 16);
    b.resize(16, 0);
    STANDARD.encode(b)
}

/// A value for a session_key (valid half of the time).
pub fn gen_key(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=11) {
        0..=4 => valid_key(u).into_bytes(),
        5 => {
            let ws: &[&str] = &["\n", "\r\n", " ", "\t", "\r"];
            let w = ws[int(u, 0..=ws.len() - 1)];
            format!("{}{w}", valid_key(u)).into_bytes()
        }
        6 => {
            // One byte replaced by anything.
            let mut k = valid_key(u).into_bytes();
            let i = int(u, 0..=k.len() - 1);
            k[i] = int(u, 0u8..=255);
            k
        }
        7 => {
            // The base64 of another length, sometimes base64url.
            let n = int(u, 0usize..=40);
            let mut b = raw_exact(u, n);
            b.resize(n, 0xfb);
            let s = STANDARD.encode(b);
            if int(u, 0u8..=1) == 1 {
                s.replace('+', "-").replace('/', "_").into_bytes()
            } else {
                s.into_bytes()
            }
        }
        8 => raw(u, 64),
        9 => {
            // An openid: 28 characters starting with 'o'.
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut v = vec![b'o'];
            v.extend(raw_exact(u, 27).iter().map(|b| A[*b as usize % A.len()]));
            v.resize(28, b'A');
            v
        }
        10 => {
            // Not canonical: trailing bits set, or the padding moved.
            let mut k = valid_key(u).into_bytes();
            match int(u, 0u8..=2) {
                0 => k[21] = b"BCDEFGHIJKLMNOPRSTUVWXYZbcdef"[int(u, 0usize..=28)],
                1 => k[22] = int(u, 0u8..=255),
                _ => k.swap(21, 22),
            }
            k
        }
        _ => Vec::new(),
    }
}

/// Bytes of 32 hex digits of both cases or a given alphabet.
pub fn hex_lower(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signature-like value for verify / diagnose: built around `right` (the right
/// signature when it can be computed).
pub fn gen_signature(u: &mut Unstructured, right: Option<&str>) -> Vec<u8> {
    let random_hex = |u: &mut Unstructured| {
        let mut b = raw_exact(u, 32);
        b.resize(32, 0x5c);
        hex_lower(&b)
    };
    let right = match right {
        Some(r) => r.to_owned(),
        None => random_hex(u),
    };
    match int(u, 0u8..=9) {
        0 | 1 => right.into_bytes(),
        2 => right.to_ascii_uppercase().into_bytes(),
        3 => {
            let mut v = right.into_bytes();
            let i = int(u, 0usize..=63);
            v[i] = int(u, 0u8..=255);
            v
        }
        4 => random_hex(u).into_bytes(),
        5 => {
            let mut v = right.into_bytes();
            v.push(b'_');
            v.extend(raw(u, 40));
            v
        }
        6 => {
            let mut v = right.into_bytes();
            let n = int(u, 0usize..=66);
            v.resize(n, b'a');
            v
        }
        7 => raw(u, 100),
        8 => {
            let mut b = raw_exact(u, 32);
            b.resize(32, 0x11);
            STANDARD.encode(b).into_bytes()
        }
        _ => Vec::new(),
    }
}
