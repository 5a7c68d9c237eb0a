//! The words of a diagnosis: what was found and what to do.

use super::variants::{php_numeric_order, Algo, FIELDS};
use super::{Candidate, Mistake};
use crate::signature::SIGNATURE_LEN;

pub(super) const REMAINING_CAUSES: &str = "If WeChat still answers \"invalid signature\": \
(1) the session_key may be stale: a later wx.login (on any page) replaced it, so sign with the newest one; \
ask WeChat with GET /wxa/checksession?access_token=...&openid=...&signature=<session_signature(session_key)>&sig_method=hmac_sha256; \
(2) the mini program's appId is not the one you signed with (another app, or a test appId); \
(3) the front end passed other values to wx.joinVoIPChat than the ones you signed (timeStamp must be the same number, groupId and nonceStr byte for byte); \
(4) a signature from WeChat's cloud signing (cloud.getVoIPSign) is not interchangeable with this HMAC.";

pub(super) fn correct_message() -> String {
    format!("The signature is right for these values and this session_key. {REMAINING_CAUSES}")
}

pub(super) fn unknown_message(expected: &str) -> String {
    format!(
        "No known mistake reproduces this signature (searched: every order of the four values, comma joins, \
         milliseconds, base64-decoded key, trailing whitespace on the key, key and message swapped, plain SHA-256, \
         upper-case hex, base64 digest, and the older session keys given). The right signature is {expected}. \
         Most likely it was made with another session_key (pass older ones to check) or other values. {REMAINING_CAUSES}"
    )
}

pub(super) fn malformed_message(rejected: &str, expected: &str) -> String {
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

pub(super) fn mistake_message(
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
