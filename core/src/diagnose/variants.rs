//! The variants the search tries: how a rejected signature is encoded, the orders
//! of the four values (PHP's numeric `sort()` among them), and the digest
//! algorithms of the classic mistakes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::signature::SIGNATURE_LEN;

/// How the rejected signature encodes its 32-byte digest.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    LowerHex,
    UpperHex,
    Base64,
}

/// Read the rejected signature's digest, if it has a known form.
pub(super) fn decode_rejected(s: &str) -> Option<([u8; 32], Encoding)> {
    let b = s.as_bytes();
    if b.len() == SIGNATURE_LEN && b.iter().all(u8::is_ascii_hexdigit) {
        let enc = if b.iter().any(u8::is_ascii_lowercase) {
            if b.iter().any(u8::is_ascii_uppercase) {
                return None; // mixed case: no encoder writes that
            }
            Encoding::LowerHex
        } else if b.iter().any(u8::is_ascii_uppercase) {
            Encoding::UpperHex
        } else {
            Encoding::LowerHex // digits only: either case
        };
        let mut d = [0u8; 32];
        for (i, pair) in b.chunks(2).enumerate() {
            let v = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            d[i] = v(pair[0]) << 4 | v(pair[1]);
        }
        return Some((d, enc));
    }
    if b.len() == 44 {
        let mut d = [0u8; 33];
        if let Ok(32) = STANDARD.decode_slice(b, &mut d) {
            let mut out = [0u8; 32];
            out.copy_from_slice(&d[..32]);
            return Some((out, Encoding::Base64));
        }
    }
    None
}

pub(super) const FIELDS: [&str; 4] = ["appId", "groupId", "nonceStr", "timeStamp"];

/// PHP's `sort()` without `SORT_STRING` on `[appId, groupId, nonceStr, timeStamp]`:
/// numeric strings compare as numbers, other pairs as text (PHP 8). For four
/// elements PHP's zend_sort runs a fixed insertion network (`zend_sort_4`), emulated
/// here step by step because the comparison is not transitive.
pub(super) fn php_numeric_order(values: &[String; 4]) -> [usize; 4] {
    fn numeric(s: &str) -> Option<f64> {
        let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
        let body = t.strip_prefix(['+', '-']).unwrap_or(t);
        let ok = !body.is_empty()
            && body
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'E')
            && body
                .bytes()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == b'.');
        if ok {
            t.parse::<f64>().ok()
        } else {
            None
        }
    }
    let greater = |a: usize, b: usize| match (numeric(&values[a]), numeric(&values[b])) {
        (Some(x), Some(y)) => x > y,
        _ => values[a].as_bytes() > values[b].as_bytes(),
    };
    let mut v = [0usize, 1, 2, 3];
    // zend_sort_3(a, b, c)
    if !greater(v[0], v[1]) {
        if greater(v[1], v[2]) {
            v.swap(1, 2);
            if greater(v[0], v[1]) {
                v.swap(0, 1);
            }
        }
    } else if !greater(v[2], v[1]) {
        v.swap(0, 2);
    } else {
        v.swap(0, 1);
        if greater(v[1], v[2]) {
            v.swap(1, 2);
        }
    }
    // then insert d
    if greater(v[2], v[3]) {
        v.swap(2, 3);
        if greater(v[1], v[2]) {
            v.swap(1, 2);
            if greater(v[0], v[1]) {
                v.swap(0, 1);
            }
        }
    }
    v
}

pub(super) fn permutations() -> Vec<[usize; 4]> {
    let mut out = Vec::with_capacity(24);
    for a in 0..4 {
        for b in 0..4 {
            for c in 0..4 {
                for d in 0..4 {
                    let p = [a, b, c, d];
                    let mut seen = [false; 4];
                    p.iter().for_each(|&i| seen[i] = true);
                    if seen.iter().all(|&s| s) {
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Algo {
    Hmac,
    Swapped,
    ShaKeyFirst,
    ShaKeyLast,
    ShaNoKey,
}

pub(super) fn digest(algo: Algo, key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mac = |k: &[u8], m: &[u8]| -> [u8; 32] {
        let mut h = Hmac::<Sha256>::new_from_slice(k).expect("any key length");
        h.update(m);
        h.finalize().into_bytes().into()
    };
    match algo {
        Algo::Hmac => mac(key, msg),
        Algo::Swapped => mac(msg, key),
        Algo::ShaKeyFirst => Sha256::new()
            .chain_update(key)
            .chain_update(msg)
            .finalize()
            .into(),
        Algo::ShaKeyLast => Sha256::new()
            .chain_update(msg)
            .chain_update(key)
            .finalize()
            .into(),
        Algo::ShaNoKey => Sha256::digest(msg).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_order_of_the_numeric_case() {
        let v = [
            "wx20afc706a711eefc".to_string(),
            "99".into(),
            "8AP6DT9ybtniUJfb".into(),
            "1559129714".into(),
        ];
        // Text order: 1559129714, 8AP6..., 99, wx... ; PHP numeric: 99 < 1559129714.
        let php = php_numeric_order(&v);
        let pos = |i: usize| php.iter().position(|&x| x == i).unwrap();
        assert!(pos(1) < pos(3), "{php:?}");
        assert_eq!(permutations().len(), 24);
    }
}
