//! Join tickets: a fresh nonce, the current time and the signature, shaped exactly
//! like the object `wx.joinVoIPChat` takes.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};
use crate::key::SessionKey;
use crate::params::Params;
use crate::sign::sign;

/// Length of a nonce made by [`issue`] / [`generate_nonce`].
pub const NONCE_LEN: usize = 32;

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The kind of room: audio only or audio and video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoomType {
    /// Audio only (`"voice"`, the default of `wx.joinVoIPChat`).
    #[default]
    Voice,
    /// Audio and video (`"video"`).
    Video,
}

impl RoomType {
    /// `"voice"` or `"video"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RoomType::Voice => "voice",
            RoomType::Video => "video",
        }
    }
}

impl fmt::Display for RoomType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RoomType {
    type Err = Error;

    /// Exactly `"voice"` or `"video"`; anything else is `INVALID_ROOM_TYPE`.
    fn from_str(s: &str) -> Result<RoomType, Error> {
        match s {
            "voice" => Ok(RoomType::Voice),
            "video" => Ok(RoomType::Video),
            _ => Err(Error::new(
                ErrorCode::InvalidRoomType,
                // Quote the value only when it cannot be a secret put in the wrong
                // place: a short lower-case word such as "audio".
                if s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
                    format!("roomType {s:?} is not \"voice\" or \"video\"")
                } else {
                    format!("roomType ({} bytes) is not \"voice\" or \"video\"", s.len())
                },
            )),
        }
    }
}

/// Everything a mini program needs to call `wx.joinVoIPChat`. Serialises (serde) to
/// exactly `{"groupId","nonceStr","timeStamp","signature","roomType"}` with
/// `timeStamp` a JSON number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinTicket {
    /// The room.
    #[serde(rename = "groupId")]
    pub group_id: String,
    /// A fresh 32-character nonce of `[A-Za-z0-9]`.
    #[serde(rename = "nonceStr")]
    pub nonce_str: String,
    /// The time of issue, Unix seconds.
    #[serde(rename = "timeStamp")]
    pub timestamp: i64,
    /// The signature over appId, groupId, nonceStr and timeStamp.
    pub signature: String,
    /// Voice or video.
    #[serde(rename = "roomType")]
    pub room_type: RoomType,
}

impl JoinTicket {
    /// The ticket as the JSON object `wx.joinVoIPChat` takes.
    pub fn to_json(&self) -> String {
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A nonce of 32 characters from `[A-Za-z0-9]`, drawn from the operating system's
/// CSPRNG by rejection sampling (bytes ≥ 248 are discarded), so every character is
/// equally likely. Fails only with `RNG_FAILURE`.
pub fn generate_nonce() -> Result<String, Error> {
    let mut out = String::with_capacity(NONCE_LEN);
    let mut buf = [0u8; 64];
    while out.len() < NONCE_LEN {
        getrandom::getrandom(&mut buf).map_err(|e| {
            Error::new(
                ErrorCode::RngFailure,
                format!("the operating system's random number generator failed: {e}"),
            )
        })?;
        for &b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == NONCE_LEN {
                break;
            }
            out.push(ALPHABET[(b % 62) as usize] as char);
        }
    }
    Ok(out)
}

/// The current Unix time in seconds.
pub(crate) fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Make a join ticket: a fresh nonce, the current time in seconds and the signature.
pub fn issue(
    app_id: &str,
    group_id: &str,
    session_key: &SessionKey,
    room_type: RoomType,
) -> Result<JoinTicket, Error> {
    issue_at(app_id, group_id, session_key, room_type, now_seconds())
}

/// Like [`issue`] with a given time (seconds): for tests and for servers that sign
/// for a clock of their own.
pub fn issue_at(
    app_id: &str,
    group_id: &str,
    session_key: &SessionKey,
    room_type: RoomType,
    timestamp: i64,
) -> Result<JoinTicket, Error> {
    // Validate the caller's inputs before spending randomness.
    Params::new(app_id, group_id, "x", timestamp).validate()?;
    let nonce_str = generate_nonce()?;
    let signature = sign(
        &Params::new(app_id, group_id, &nonce_str, timestamp),
        session_key,
    )?;
    Ok(JoinTicket {
        group_id: group_id.to_owned(),
        nonce_str,
        timestamp,
        signature: signature.into(),
        room_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::verify;
    use std::collections::HashSet;

    #[test]
    fn nonces_are_32_alphanumerics_and_differ() {
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let n = generate_nonce().unwrap();
            assert_eq!(n.len(), NONCE_LEN);
            assert!(n.bytes().all(|b| b.is_ascii_alphanumeric()));
            assert!(seen.insert(n));
        }
    }

    #[test]
    fn nonce_characters_are_roughly_uniform() {
        // 62 symbols, 62 * 2000 draws: each count should be near 2000. A modulo bias
        // over 256 (the first 8 symbols drawn 5/4 as often) would show plainly.
        let mut counts = [0u32; 128];
        for _ in 0..(62 * 2000 / NONCE_LEN) {
            for b in generate_nonce().unwrap().bytes() {
                counts[b as usize] += 1;
            }
        }
        for &c in ALPHABET {
            let n = counts[c as usize];
            assert!((1700..2300).contains(&n), "{} drawn {n} times", c as char);
        }
    }

    #[test]
    fn ticket_json_is_the_join_object() {
        let k = SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap();
        let t = issue_at("wx20afc706a711eefc", "g1", &k, RoomType::Video, 1559129714).unwrap();
        let v: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 5);
        assert_eq!(v["timeStamp"], 1559129714);
        assert_eq!(v["roomType"], "video");
        assert_eq!(v["groupId"], "g1");
        let p = Params::new("wx20afc706a711eefc", "g1", &t.nonce_str, t.timestamp);
        assert!(verify(&p, &k, &t.signature).unwrap());
        let t = issue("wx20afc706a711eefc", "g1", &k, RoomType::Voice).unwrap();
        assert!(t.timestamp > 1_700_000_000);
        assert_eq!("video".parse::<RoomType>().unwrap(), RoomType::Video);
        assert_eq!(
            "Video".parse::<RoomType>().unwrap_err().code(),
            ErrorCode::InvalidRoomType
        );
    }
}
