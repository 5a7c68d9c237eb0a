//! Every operation from the raw inputs a binding receives, validated in the one
//! order of `docs/CONTRACT.md` ("When several inputs are bad"): appId, groupId,
//! nonceStr, timeStamp, then the session_key (or the key list, first bad index
//! first), then the operation's own inputs in parameter order.
//!
//! This module is the rule book. The C ABI, the CLI and every binding call these
//! functions and only translate their language's types and errors; none of them
//! checks a value or decides an order. The typed API ([`crate::sign`] with
//! [`Params`] and [`SessionKey`]) is for Rust callers that validated earlier.
//!
//! ```
//! use voipsign::request;
//!
//! let sig = request::sign("wx20afc706a711eefc", "1559129713_672975982",
//!                         "8AP6DT9ybtniUJfb", 1559129714_i64, "gDyVgzwa0mFz9uUP7M6GQQ==")?;
//! assert_eq!(sig.as_str(), "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617");
//!
//! // Several bad inputs: the first in the contract's order is reported.
//! let err = request::sign("", "", "", 5_i64, "x").unwrap_err();
//! assert_eq!(err.code().name(), "INVALID_APP_ID");
//! # Ok::<(), voipsign::Error>(())
//! ```

use crate::diagnose::Diagnosis;
use crate::error::{Error, ErrorCode};
use crate::key::{parse_session_keys, SessionKey};
use crate::params::{
    timestamp_error, validate_app_id, validate_group_id, validate_nonce, Params, MS_TIMESTAMPS,
};
use crate::signature::{validate_signature, Signature};
use crate::ticket::{now_seconds, JoinTicket, RoomType};

/// The list name in errors about [`sign_many`]'s keys (`sessionKeys[3]: …`).
pub const SESSION_KEYS_FIELD: &str = "sessionKeys";
/// The list name in errors about [`diagnose`]'s older keys.
pub const OTHER_SESSION_KEYS_FIELD: &str = "otherSessionKeys";

/// A timeStamp as the caller's language holds it: an integer of any width (Python
/// `int`, JavaScript `BigInt`, C `int64_t`), a JavaScript number, or the text of a
/// command-line argument. Which values are accepted is decided here, in the
/// field's turn: text that is not an integer, a fraction, NaN, an infinity and
/// anything out of range are `INVALID_TIMESTAMP`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timestamp<'a> {
    /// A whole number (exact, wider than `i64` so that no language truncates).
    Integer(i128),
    /// A floating-point number (JavaScript's `number`).
    Number(f64),
    /// Decimal text (the CLI's `--timestamp`).
    Text(&'a str),
}

impl From<i64> for Timestamp<'_> {
    fn from(t: i64) -> Self {
        Timestamp::Integer(t.into())
    }
}

impl From<i128> for Timestamp<'_> {
    fn from(t: i128) -> Self {
        Timestamp::Integer(t)
    }
}

impl From<f64> for Timestamp<'_> {
    fn from(t: f64) -> Self {
        Timestamp::Number(t)
    }
}

impl<'a> From<&'a str> for Timestamp<'a> {
    fn from(t: &'a str) -> Self {
        Timestamp::Text(t)
    }
}

impl Timestamp<'_> {
    /// The whole number this is, or why it is none.
    fn integer(self) -> Result<i128, Error> {
        const HINT: &str = "pass Unix time in whole seconds";
        let err = |why: String| Error::new(ErrorCode::InvalidTimestamp, format!("timeStamp {why}"));
        match self {
            Timestamp::Integer(i) => Ok(i),
            Timestamp::Text(t) => t.parse::<i128>().map_err(|_| {
                // Quote the text only when it looks like a number gone wrong (1.5e9,
                // 12a): anything else could be a secret pasted in the wrong place.
                let numeric = t.len() <= 24
                    && t.bytes()
                        .all(|b| b.is_ascii_digit() || b".eE+-,_ ".contains(&b));
                let what = if numeric {
                    format!("{t:?}")
                } else {
                    format!("({} characters)", t.chars().count())
                };
                err(format!("{what} is not an integer; {HINT}"))
            }),
            Timestamp::Number(d) if d.is_nan() => Err(err(format!("is NaN; {HINT}"))),
            Timestamp::Number(d) if d.is_infinite() => {
                let s = if d > 0.0 { "Infinity" } else { "-Infinity" };
                Err(err(format!("is {s}; {HINT}")))
            }
            Timestamp::Number(d) if d.fract() != 0.0 => {
                Err(err(format!("{d} is not a whole number; {HINT}")))
            }
            // Whole and finite: every such f64 below 2^127 is exact in i128; larger
            // ones saturate, which the range check refuses all the same.
            Timestamp::Number(d) => Ok(d as i128),
        }
    }

    /// Seconds in 1..=9 999 999 999 (a 13-digit value is named as milliseconds).
    pub fn seconds(self) -> Result<i64, Error> {
        let i = self.integer()?;
        match i64::try_from(i) {
            Ok(t) if (1..=crate::MAX_TIMESTAMP).contains(&t) => Ok(t),
            _ => Err(timestamp_error(i)),
        }
    }

    /// As [`Timestamp::seconds`], except that milliseconds (13 digits) are
    /// accepted and returned as they are: diagnose reports them as a finding.
    pub fn seconds_or_milliseconds(self) -> Result<i64, Error> {
        let i = self.integer()?;
        match i64::try_from(i) {
            Ok(t) if MS_TIMESTAMPS.contains(&t) => Ok(t),
            _ => self.seconds(),
        }
    }
}

/// appId, groupId, nonceStr, timeStamp, in that order.
fn params<'a>(
    app_id: &'a str,
    group_id: &'a str,
    nonce_str: &'a str,
    timestamp: Timestamp<'_>,
) -> Result<Params<'a>, Error> {
    validate_app_id(app_id)?;
    validate_group_id(group_id)?;
    validate_nonce(nonce_str)?;
    Ok(Params::new(
        app_id,
        group_id,
        nonce_str,
        timestamp.seconds()?,
    ))
}

/// roomType: `None` is the default, `voice`.
pub fn room_type(room_type: Option<&str>) -> Result<RoomType, Error> {
    room_type.map_or(Ok(RoomType::Voice), str::parse)
}

/// The canonical string (sorted, joined): appId, groupId, nonceStr, timeStamp.
pub fn canonical<'t>(
    app_id: &str,
    group_id: &str,
    nonce_str: &str,
    timestamp: impl Into<Timestamp<'t>>,
) -> Result<String, Error> {
    crate::sign::canonical(&params(app_id, group_id, nonce_str, timestamp.into())?)
}

/// The signature for `wx.joinVoIPChat`. No heap allocation unless it fails.
pub fn sign<'t>(
    app_id: &str,
    group_id: &str,
    nonce_str: &str,
    timestamp: impl Into<Timestamp<'t>>,
    session_key: &str,
) -> Result<Signature, Error> {
    let p = params(app_id, group_id, nonce_str, timestamp.into())?;
    crate::sign::sign(&p, &SessionKey::new(session_key)?)
}

/// Whether `signature` is right (constant-time). The signature is checked last.
pub fn verify<'t>(
    app_id: &str,
    group_id: &str,
    nonce_str: &str,
    timestamp: impl Into<Timestamp<'t>>,
    session_key: &str,
    signature: &str,
) -> Result<bool, Error> {
    let p = params(app_id, group_id, nonce_str, timestamp.into())?;
    let key = SessionKey::new(session_key)?;
    validate_signature(signature)?;
    crate::sign::verify(&p, &key, signature)
}

/// One room, many members: the signatures in the order of `session_keys`. A bad
/// key's error starts with `sessionKeys[i]: `. No keys is no signatures.
pub fn sign_many<'t, K: AsRef<str>>(
    app_id: &str,
    group_id: &str,
    nonce_str: &str,
    timestamp: impl Into<Timestamp<'t>>,
    session_keys: &[K],
) -> Result<Vec<Signature>, Error> {
    let p = params(app_id, group_id, nonce_str, timestamp.into())?;
    let keys = parse_session_keys(SESSION_KEYS_FIELD, session_keys)?;
    Ok(crate::sign::sign_many_keys(&p, &keys))
}

/// A join ticket for now: appId, groupId, the session_key, then roomType
/// (`None` = voice).
pub fn issue(
    app_id: &str,
    group_id: &str,
    session_key: &str,
    room_type: Option<&str>,
) -> Result<JoinTicket, Error> {
    issue_at(app_id, group_id, now_seconds(), session_key, room_type)
}

/// A join ticket with an explicit timeStamp (tests, replays, the room ledger's
/// explicit time): appId, groupId, timeStamp, the session_key, roomType.
pub fn issue_at<'t>(
    app_id: &str,
    group_id: &str,
    timestamp: impl Into<Timestamp<'t>>,
    session_key: &str,
    room_type: Option<&str>,
) -> Result<JoinTicket, Error> {
    validate_app_id(app_id)?;
    validate_group_id(group_id)?;
    let timestamp = timestamp.into().seconds()?;
    let key = SessionKey::new(session_key)?;
    let room_type = self::room_type(room_type)?;
    crate::ticket::issue_at(app_id, group_id, &key, room_type, timestamp)
}

/// WeChat's user login state signature of `body` (empty: checksession's).
pub fn session_signature(session_key: &str, body: &[u8]) -> Result<Signature, Error> {
    Ok(crate::sign::session_signature(
        &SessionKey::new(session_key)?,
        body,
    ))
}

/// Which known mistake reproduces `rejected_signature`. The timeStamp may be in
/// milliseconds and the rejected signature in any form (findings, not errors);
/// older keys come last, their errors prefixed `otherSessionKeys[i]: `.
pub fn diagnose<'t, K: AsRef<str>>(
    app_id: &str,
    group_id: &str,
    nonce_str: &str,
    timestamp: impl Into<Timestamp<'t>>,
    session_key: &str,
    rejected_signature: &str,
    other_session_keys: &[K],
) -> Result<Diagnosis, Error> {
    validate_app_id(app_id)?;
    validate_group_id(group_id)?;
    validate_nonce(nonce_str)?;
    let timestamp = timestamp.into().seconds_or_milliseconds()?;
    let key = SessionKey::new(session_key)?;
    let others = parse_session_keys(OTHER_SESSION_KEYS_FIELD, other_session_keys)?;
    let p = Params::new(app_id, group_id, nonce_str, timestamp);
    crate::diagnose::diagnose(&p, &key, rejected_signature, &others)
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "wx20afc706a711eefc";
    const GROUP: &str = "1559129713_672975982";
    const NONCE: &str = "8AP6DT9ybtniUJfb";
    const TS: i64 = 1559129714;
    const KEY: &str = "gDyVgzwa0mFz9uUP7M6GQQ==";

    fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> &'static str {
        r.unwrap_err().code().name()
    }

    #[test]
    fn first_bad_field_wins() {
        assert_eq!(code(sign("", "", "", 5_i64, "x")), "INVALID_APP_ID");
        assert_eq!(code(sign(APP, "", "", 5_i64, "x")), "INVALID_GROUP_ID");
        assert_eq!(code(sign(APP, GROUP, "", 5_i64, "x")), "INVALID_NONCE");
        assert_eq!(
            code(sign(APP, GROUP, NONCE, 0_i64, "x")),
            "INVALID_TIMESTAMP"
        );
        assert_eq!(
            code(sign(APP, GROUP, NONCE, TS, "x")),
            "INVALID_SESSION_KEY"
        );
        assert_eq!(code(issue("", "", "x", Some("x"))), "INVALID_APP_ID");
        assert_eq!(
            code(issue(APP, GROUP, "x", Some("x"))),
            "INVALID_SESSION_KEY"
        );
        assert_eq!(code(issue(APP, GROUP, KEY, Some("x"))), "INVALID_ROOM_TYPE");
        assert_eq!(
            code(verify(APP, GROUP, NONCE, TS, "x", "y")),
            "INVALID_SESSION_KEY"
        );
        assert_eq!(
            code(verify(APP, GROUP, NONCE, TS, KEY, "y")),
            "INVALID_SIGNATURE"
        );
        assert_eq!(
            code(verify(APP, "", NONCE, TS, KEY, "y")),
            "INVALID_GROUP_ID"
        );
        let keys = [KEY, "bad", "worse"];
        let e = sign_many(APP, GROUP, NONCE, TS, &keys).unwrap_err();
        assert!(
            e.message().starts_with("sessionKeys[1]: "),
            "{}",
            e.message()
        );
        assert_eq!(
            code(sign_many(APP, GROUP, NONCE, 0_i64, &keys)),
            "INVALID_TIMESTAMP"
        );
        assert_eq!(
            code(diagnose(APP, GROUP, "", 0_i64, "x", "", &["y"])),
            "INVALID_NONCE"
        );
        assert_eq!(
            code(diagnose(APP, GROUP, NONCE, 0_i64, "x", "", &["y"])),
            "INVALID_TIMESTAMP"
        );
        let e = diagnose(APP, GROUP, NONCE, TS, KEY, "", &["y"]).unwrap_err();
        assert!(
            e.message().starts_with("otherSessionKeys[0]: "),
            "{}",
            e.message()
        );
    }

    #[test]
    fn timestamps_of_every_kind() {
        assert_eq!(Timestamp::from(TS).seconds().unwrap(), TS);
        assert_eq!(Timestamp::from(TS as f64).seconds().unwrap(), TS);
        assert_eq!(Timestamp::from(i128::from(TS)).seconds().unwrap(), TS);
        for bad in [
            Timestamp::from(f64::NAN),
            Timestamp::from(f64::INFINITY),
            Timestamp::from(-f64::INFINITY),
            Timestamp::from(1.5),
            Timestamp::from(1e300),
            Timestamp::from(i128::MAX),
            Timestamp::from(i128::MIN),
            Timestamp::from(1_i128 << 64),
            Timestamp::from(0_i64),
        ] {
            assert_eq!(code(bad.seconds()), "INVALID_TIMESTAMP", "{bad:?}");
        }
        let e = Timestamp::from(1_i128 << 64).seconds().unwrap_err();
        assert_eq!(
            e.message(),
            "timeStamp 18446744073709551616 is too large; pass Unix time in seconds (at most 9999999999)"
        );
        assert_eq!(Timestamp::from("1559129714").seconds().unwrap(), TS);
        let e = Timestamp::from("1.5e9").seconds().unwrap_err();
        assert_eq!(
            e.message(),
            "timeStamp \"1.5e9\" is not an integer; pass Unix time in whole seconds"
        );
        let e = Timestamp::from("gDyVgzwa0mFz9uUP7M6GQQ==")
            .seconds()
            .unwrap_err();
        assert!(!e.message().contains("gDy"), "{}", e.message());
        let ms = Timestamp::from(1_559_129_714_000_i64);
        assert!(ms.seconds().unwrap_err().message().contains("milliseconds"));
        assert_eq!(ms.seconds_or_milliseconds().unwrap(), 1_559_129_714_000);
    }

    #[test]
    fn room_type_defaults_to_voice() {
        assert_eq!(room_type(None).unwrap(), RoomType::Voice);
        assert_eq!(room_type(Some("video")).unwrap(), RoomType::Video);
        assert_eq!(code(room_type(Some(""))), "INVALID_ROOM_TYPE");
        let t = issue_at(APP, GROUP, TS, KEY, None).unwrap();
        assert_eq!(t.room_type, RoomType::Voice);
        assert_eq!(t.timestamp, TS);
    }
}
