//! `diagnose`: which known mistake reproduces a signature WeChat rejected.
//!
//! The search covers the product of every variant — the 24 orders of the four
//! values, comma joins, the timestamp in milliseconds, the key base64-decoded or with
//! trailing whitespace, key and message swapped, plain SHA-256, older session keys —
//! and compares digests, so the digest's encoding (upper-case hex, base64) costs
//! nothing extra. About 2,000 hashes per key: well under a millisecond.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::key::SessionKey;
use crate::params::{validate_app_id, validate_group_id, validate_nonce, Params};
use crate::sign::{canonical, sign};
use crate::signature::SIGNATURE_LEN;

/// A known way to get the signature wrong. The declaration order is the stable
/// order in which [`Diagnosis::mistakes`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mistake {
    /// The four values were joined in another order than code-unit sorted.
    NotSorted,
    /// Joined with `,` (`String(array)` / `array.toString()`).
    CommaJoined,
    /// HMAC keyed with the base64-decoded session_key instead of the string.
    KeyBase64Decoded,
    /// Key and message swapped in the HMAC call.
    KeyMessageSwapped,
    /// The key had a trailing `\n`, `\r\n` or space.
    KeyWhitespace,
    /// Signed with the timestamp in milliseconds.
    TimestampMilliseconds,
    /// Hex digits in upper case.
    UppercaseHex,
    /// The digest in base64 instead of hex.
    Base64Digest,
    /// SHA-256 of the string (with the key prepended or appended), not HMAC.
    PlainSha256,
    /// Signed with an older session_key (a later `wx.login` replaced it).
    StaleSessionKey,
}

impl Mistake {
    /// The code name, e.g. `"NOT_SORTED"`.
    pub const fn name(self) -> &'static str {
        match self {
            Mistake::NotSorted => "NOT_SORTED",
            Mistake::CommaJoined => "COMMA_JOINED",
            Mistake::KeyBase64Decoded => "KEY_BASE64_DECODED",
            Mistake::KeyMessageSwapped => "KEY_MESSAGE_SWAPPED",
            Mistake::KeyWhitespace => "KEY_WHITESPACE",
            Mistake::TimestampMilliseconds => "TIMESTAMP_MILLISECONDS",
            Mistake::UppercaseHex => "UPPERCASE_HEX",
            Mistake::Base64Digest => "BASE64_DIGEST",
            Mistake::PlainSha256 => "PLAIN_SHA256",
            Mistake::StaleSessionKey => "STALE_SESSION_KEY",
        }
    }
}

/// The outcome of a diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// The signature is the right one for these values.
    Correct,
    /// A known mistake (or a combination) reproduces the signature.
    MistakeFound,
    /// Nothing known reproduces it.
    Unknown,
}

impl Verdict {
    /// `"CORRECT"`, `"MISTAKE_FOUND"` or `"UNKNOWN"`.
    pub const fn name(self) -> &'static str {
        match self {
            Verdict::Correct => "CORRECT",
            Verdict::MistakeFound => "MISTAKE_FOUND",
            Verdict::Unknown => "UNKNOWN",
        }
    }
}

/// What [`diagnose`] found. Serialises to
/// `{"verdict","mistakes","message","expected","canonical"}`; never contains the
/// session_key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// Correct, mistake found, or unknown.
    pub verdict: Verdict,
    /// Every mistake involved, in the stable order of [`Mistake`]; empty unless
    /// the verdict is `MISTAKE_FOUND`.
    pub mistakes: Vec<Mistake>,
    /// What happened and the exact fix, in words a person can act on.
    pub message: String,
    /// The right signature (with the timestamp in seconds).
    pub expected: String,
    /// The right canonical string.
    pub canonical: String,
}

impl Diagnosis {
    /// The diagnosis as one JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// How the rejected signature encodes its 32-byte digest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    LowerHex,
    UpperHex,
    Base64,
}

/// Read the rejected signature's digest, if it has a known form.
fn decode_rejected(s: &str) -> Option<([u8; 32], Encoding)> {
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

const FIELDS: [&str; 4] = ["appId", "groupId", "nonceStr", "timeStamp"];

/// PHP's `sort()` without `SORT_STRING` on `[appId, groupId, nonceStr, timeStamp]`:
/// numeric strings compare as numbers, other pairs as text (PHP 8). For four
/// elements PHP's zend_sort runs a fixed insertion network (`zend_sort_4`), emulated
/// here step by step because the comparison is not transitive.
fn php_numeric_order(values: &[String; 4]) -> [usize; 4] {
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

fn permutations() -> Vec<[usize; 4]> {
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
enum Algo {
    Hmac,
    Swapped,
    ShaKeyFirst,
    ShaKeyLast,
    ShaNoKey,
}

fn digest(algo: Algo, key: &[u8], msg: &[u8]) -> [u8; 32] {
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

/// One way the signature could have been made.
struct Candidate {
    mistakes: Vec<Mistake>,
    order: [usize; 4],
    whitespace: &'static str,
    stale_index: Option<usize>,
    algo: Algo,
}

/// Find which known mistake reproduces `rejected_signature` for these values.
///
/// `timestamp` may be in milliseconds (13 digits) and `rejected_signature` may have
/// any form: those are findings, not errors. The other values and every session key
/// must be valid (`Err` otherwise, as for [`sign`]). `other_session_keys` are older
/// keys of the same user, tried for `STALE_SESSION_KEY`.
pub fn diagnose(
    params: &Params,
    session_key: &SessionKey,
    rejected_signature: &str,
    other_session_keys: &[SessionKey],
) -> Result<Diagnosis, Error> {
    validate_app_id(params.app_id)?;
    validate_group_id(params.group_id)?;
    validate_nonce(params.nonce_str)?;
    let given_ms = (1_000_000_000_000..=9_999_999_999_999).contains(&params.timestamp);
    let seconds = if given_ms {
        params.timestamp / 1000
    } else {
        params.timestamp
    };
    let right = Params {
        timestamp: seconds,
        ..*params
    };
    let expected = sign(&right, session_key)?.to_string();
    let canonical = canonical(&right)?;

    let finish = |verdict: Verdict, mistakes: Vec<Mistake>, message: String| Diagnosis {
        verdict,
        mistakes,
        message,
        expected: expected.clone(),
        canonical: canonical.clone(),
    };

    if rejected_signature == expected && !given_ms {
        return Ok(finish(Verdict::Correct, vec![], correct_message()));
    }
    let Some((target, encoding)) = decode_rejected(rejected_signature) else {
        return Ok(finish(
            Verdict::Unknown,
            vec![],
            malformed_message(rejected_signature, &expected),
        ));
    };

    let values = [
        params.app_id.to_owned(),
        params.group_id.to_owned(),
        params.nonce_str.to_owned(),
        seconds.to_string(),
    ];
    let mut sorted_idx = [0usize, 1, 2, 3];
    sorted_idx.sort_by(|&a, &b| values[a].as_bytes().cmp(values[b].as_bytes()));
    let sorted_values: Vec<&str> = sorted_idx.iter().map(|&i| values[i].as_str()).collect();

    let mut keys: Vec<(&SessionKey, Option<usize>)> = vec![(session_key, None)];
    keys.extend(
        other_session_keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k, Some(i))),
    );

    // (timestamp text, whether it is a milliseconds mistake)
    let ts_variants: Vec<(String, bool)> = if given_ms {
        vec![
            (params.timestamp.to_string(), true),
            (seconds.to_string(), true),
        ]
    } else {
        vec![
            (seconds.to_string(), false),
            ((seconds as i128 * 1000).to_string(), true),
        ]
    };
    // (key bytes, trailing whitespace added, base64-decoded, index of an older key);
    // every copy of key material is zeroized when dropped.
    type KeyVariant = (Zeroizing<Vec<u8>>, &'static str, bool, Option<usize>);
    let mut key_variants: Vec<KeyVariant> = Vec::new();
    for (key, stale) in &keys {
        let string_key = key.hmac_key();
        key_variants.push((Zeroizing::new(string_key.to_vec()), "", false, *stale));
        let decoded = Zeroizing::new(key.decoded());
        key_variants.push((Zeroizing::new(decoded.to_vec()), "", true, *stale));
        for ws in ["\n", "\r\n", " "] {
            let with_ws = Zeroizing::new([string_key.as_slice(), ws.as_bytes()].concat());
            key_variants.push((with_ws, ws, false, *stale));
        }
    }
    const ALGOS: [Algo; 5] = [
        Algo::Hmac,
        Algo::Swapped,
        Algo::ShaKeyFirst,
        Algo::ShaKeyLast,
        Algo::ShaNoKey,
    ];

    let mut best: Option<Candidate> = None;
    for (ts_text, ms) in &ts_variants {
        let mut vals = values.clone();
        vals[3] = ts_text.clone();
        for order in permutations() {
            let seq: Vec<&str> = order.iter().map(|&i| vals[i].as_str()).collect();
            let seq_plain: Vec<&str> = order.iter().map(|&i| values[i].as_str()).collect();
            let unsorted = seq_plain != sorted_values;
            for comma in [false, true] {
                let msg = seq.join(if comma { "," } else { "" });
                for (kb, ws, b64, stale) in &key_variants {
                    for algo in ALGOS {
                        if algo == Algo::ShaNoKey && (*b64 || !ws.is_empty() || stale.is_some()) {
                            continue; // the key plays no part: one variant is enough
                        }
                        if digest(algo, kb, msg.as_bytes()) != target {
                            continue;
                        }
                        let plain_sha =
                            matches!(algo, Algo::ShaKeyFirst | Algo::ShaKeyLast | Algo::ShaNoKey);
                        let flags = [
                            (unsorted, Mistake::NotSorted),
                            (comma, Mistake::CommaJoined),
                            (*b64, Mistake::KeyBase64Decoded),
                            (algo == Algo::Swapped, Mistake::KeyMessageSwapped),
                            (!ws.is_empty(), Mistake::KeyWhitespace),
                            (*ms, Mistake::TimestampMilliseconds),
                            (encoding == Encoding::UpperHex, Mistake::UppercaseHex),
                            (encoding == Encoding::Base64, Mistake::Base64Digest),
                            (plain_sha, Mistake::PlainSha256),
                            (stale.is_some(), Mistake::StaleSessionKey),
                        ];
                        let m: Vec<Mistake> = flags
                            .iter()
                            .filter(|(on, _)| *on)
                            .map(|(_, m)| *m)
                            .collect();
                        let better = match &best {
                            None => true,
                            Some(b) => m.len() < b.mistakes.len(),
                        };
                        if better {
                            best = Some(Candidate {
                                mistakes: m,
                                order,
                                whitespace: ws,
                                stale_index: *stale,
                                algo,
                            });
                        }
                    }
                }
            }
        }
    }

    Ok(match best {
        Some(c) if c.mistakes.is_empty() => finish(Verdict::Correct, vec![], correct_message()),
        Some(c) => {
            let message = mistake_message(
                &c,
                &values,
                &sorted_idx,
                seconds,
                params.timestamp,
                given_ms,
                &expected,
            );
            finish(Verdict::MistakeFound, c.mistakes, message)
        }
        None => finish(Verdict::Unknown, vec![], unknown_message(&expected)),
    })
}

const REMAINING_CAUSES: &str = "If WeChat still answers \"invalid signature\": \
(1) the session_key may be stale: a later wx.login (on any page) replaced it, so sign with the newest one; \
ask WeChat with GET /wxa/checksession?access_token=...&openid=...&signature=<session_signature(session_key)>&sig_method=hmac_sha256; \
(2) the mini program's appId is not the one you signed with (another app, or a test appId); \
(3) the front end passed other values to wx.joinVoIPChat than the ones you signed (timeStamp must be the same number, groupId and nonceStr byte for byte); \
(4) a signature from WeChat's cloud signing (cloud.getVoIPSign) is not interchangeable with this HMAC.";

fn correct_message() -> String {
    format!("The signature is right for these values and this session_key. {REMAINING_CAUSES}")
}

fn unknown_message(expected: &str) -> String {
    format!(
        "No known mistake reproduces this signature (searched: every order of the four values, comma joins, \
         milliseconds, base64-decoded key, trailing whitespace on the key, key and message swapped, plain SHA-256, \
         upper-case hex, base64 digest, and the older session keys given). The right signature is {expected}. \
         Most likely it was made with another session_key (pass older ones to check) or other values. {REMAINING_CAUSES}"
    )
}

fn malformed_message(rejected: &str, expected: &str) -> String {
    let b = rejected.as_bytes();
    let form = if b.len() > SIGNATURE_LEN
        && b[..SIGNATURE_LEN].iter().all(u8::is_ascii_hexdigit)
        && b[SIGNATURE_LEN] == b'_'
    {
        "It has a \"_...\" suffix after 64 hex digits: it was issued by WeChat's cloud signing (cloud.getVoIPSign or /wxa/getvoipsign), \
         which is not this HMAC; use either cloud signing or voipsign for a room, not both.".to_string()
    } else if b.len() == SIGNATURE_LEN {
        "It has 64 characters but is not lowercase hex.".to_string()
    } else {
        format!(
            "It has {} characters; a signature is 64 lowercase hex digits.",
            b.len()
        )
    };
    format!("The rejected signature is not in a form any known mistake produces. {form} The right signature is {expected}.")
}

fn mistake_message(
    c: &Candidate,
    values: &[String; 4],
    sorted_idx: &[usize; 4],
    seconds: i64,
    given_ts: i64,
    given_ms: bool,
    expected: &str,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    for m in &c.mistakes {
        parts.push(match m {
            Mistake::NotSorted => {
                let names = |o: &[usize; 4]| o.iter().map(|&i| FIELDS[i]).collect::<Vec<_>>().join(", ");
                let php = php_numeric_order(values);
                let why = if c.order == php && php != *sorted_idx {
                    " That is PHP's sort() without SORT_STRING, which orders numeric strings as numbers: \
                     use sort($values, SORT_STRING)."
                } else if c.order == [0, 1, 2, 3] {
                    " That is the order of the documentation's parameter list, not sorted."
                } else {
                    ""
                };
                format!(
                    "The values were joined in the order {} instead of sorted as text (code-unit order, like JavaScript's \
                     default sort()): {}.{why}",
                    names(&c.order),
                    names(sorted_idx)
                )
            }
            Mistake::CommaJoined => {
                "They were joined with commas (String(array) or array.toString()): use .join('') with no separator.".into()
            }
            Mistake::KeyBase64Decoded => {
                "The HMAC key was the base64-decoded session_key: key the HMAC with the session_key string itself.".into()
            }
            Mistake::KeyMessageSwapped => {
                "Key and message were swapped in the HMAC call: the session_key is the key, the joined string the message."
                    .into()
            }
            Mistake::KeyWhitespace => format!(
                "The key had a trailing {}: strip it where the session_key is read from storage.",
                match c.whitespace {
                    "\n" => "newline (\\n)",
                    "\r\n" => "\\r\\n",
                    _ => "space",
                }
            ),
            Mistake::TimestampMilliseconds if given_ms => format!(
                "timeStamp {given_ts} is in milliseconds: pass seconds ({seconds}) both to the signature and to wx.joinVoIPChat."
            ),
            Mistake::TimestampMilliseconds => format!(
                "It was signed with the timestamp in milliseconds ({}): sign with seconds ({seconds}), the value given to wx.joinVoIPChat.",
                seconds * 1000
            ),
            Mistake::UppercaseHex => "The hex digits are upper case: WeChat expects lowercase hex.".into(),
            Mistake::Base64Digest => "The digest was encoded in base64: WeChat expects 64 lowercase hex digits.".into(),
            Mistake::PlainSha256 => match c.algo {
                Algo::ShaNoKey => "It is a plain SHA-256 of the string without the key: use HMAC-SHA256 keyed by the session_key.".into(),
                _ => "It is a plain SHA-256 of the string with the key concatenated: use HMAC-SHA256 keyed by the session_key.".into(),
            },
            Mistake::StaleSessionKey => format!(
                "It was signed with older session key #{} of those given: a later wx.login replaced it; sign with the newest session_key.",
                c.stale_index.unwrap_or(0)
            ),
        });
    }
    format!("{} The right signature is {expected}.", parts.join(" "))
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
