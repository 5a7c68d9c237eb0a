//! `diagnose`: which known mistake reproduces a signature WeChat rejected.
//!
//! The search covers the product of every variant — the 24 orders of the four
//! values, comma joins, the timestamp in milliseconds, the key base64-decoded or with
//! trailing whitespace, key and message swapped, plain SHA-256, older session keys —
//! and compares digests, so the digest's encoding (upper-case hex, base64) costs
//! nothing extra. About 2,000 hashes per key: well under a millisecond.

mod messages;
mod variants;
mod verdict;

use zeroize::Zeroizing;

use crate::error::Error;
use crate::key::SessionKey;
use crate::params::{validate_app_id, validate_group_id, validate_nonce, Params};
use crate::sign::{canonical, sign};

use messages::{correct_message, malformed_message, mistake_message, unknown_message};
use variants::{decode_rejected, digest, permutations, Algo, Encoding};
pub use verdict::{Diagnosis, Mistake, Verdict};

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
