//! The objects the addon returns, as napi-rs converts them to JavaScript and
//! declares them in binding.d.ts. The string enums mirror the core's enums; the
//! `From` conversions match them exhaustively, so a code added to the core fails
//! to compile here until it is added too.

use napi_derive::napi;

/// `"voice"` (audio only, the default of `wx.joinVoIPChat`) or `"video"`.
#[napi(string_enum = "lowercase")]
pub enum RoomType {
    /// Audio only.
    Voice,
    /// Audio and video.
    Video,
}

impl From<voipsign::RoomType> for RoomType {
    fn from(r: voipsign::RoomType) -> RoomType {
        match r {
            voipsign::RoomType::Voice => RoomType::Voice,
            voipsign::RoomType::Video => RoomType::Video,
        }
    }
}

/// A join ticket: exactly the object `wx.joinVoIPChat` takes. Send it to the mini
/// program as JSON and pass it on unchanged.
#[napi(object)]
pub struct JoinTicket {
    /// The room.
    pub group_id: String,
    /// A fresh nonce: 32 characters of `[A-Za-z0-9]` from the operating system's CSPRNG.
    pub nonce_str: String,
    /// The time of issue, Unix seconds.
    pub time_stamp: i64,
    /// The signature over appId, groupId, nonceStr and timeStamp (64 lowercase hex digits).
    pub signature: String,
    /// `"voice"` or `"video"`.
    pub room_type: RoomType,
}

impl From<voipsign::JoinTicket> for JoinTicket {
    fn from(t: voipsign::JoinTicket) -> JoinTicket {
        JoinTicket {
            group_id: t.group_id,
            nonce_str: t.nonce_str,
            time_stamp: t.timestamp,
            signature: t.signature,
            room_type: t.room_type.into(),
        }
    }
}

/// The outcome of `diagnose`: `CORRECT` (the signature is the right one),
/// `MISTAKE_FOUND` (a known mistake, or a combination, reproduces it) or
/// `UNKNOWN` (nothing known reproduces it).
#[napi(string_enum = "UPPER_SNAKE")]
pub enum Verdict {
    /// The signature is the right one.
    Correct,
    /// A known mistake (or a combination) reproduces it.
    MistakeFound,
    /// Nothing known reproduces it.
    Unknown,
}

impl From<voipsign::Verdict> for Verdict {
    fn from(v: voipsign::Verdict) -> Verdict {
        match v {
            voipsign::Verdict::Correct => Verdict::Correct,
            voipsign::Verdict::MistakeFound => Verdict::MistakeFound,
            voipsign::Verdict::Unknown => Verdict::Unknown,
        }
    }
}

/// A known way to get the signature wrong, as `diagnose` names it:
/// `NOT_SORTED` (joined in another order than code-unit sorted), `COMMA_JOINED`
/// (joined with `,`), `KEY_BASE64_DECODED` (HMAC keyed with the decoded bytes),
/// `KEY_MESSAGE_SWAPPED`, `KEY_WHITESPACE` (a trailing newline or space),
/// `TIMESTAMP_MILLISECONDS`, `UPPERCASE_HEX`, `BASE64_DIGEST`, `PLAIN_SHA256`
/// (SHA-256 of key and string, not HMAC), `STALE_SESSION_KEY` (an older key).
#[napi(string_enum)]
pub enum Mistake {
    /// Joined in another order than code-unit sorted.
    #[napi(value = "NOT_SORTED")]
    NotSorted,
    /// Joined with `,`.
    #[napi(value = "COMMA_JOINED")]
    CommaJoined,
    /// HMAC keyed with the base64-decoded key.
    #[napi(value = "KEY_BASE64_DECODED")]
    KeyBase64Decoded,
    /// Key and message swapped.
    #[napi(value = "KEY_MESSAGE_SWAPPED")]
    KeyMessageSwapped,
    /// The key had trailing whitespace.
    #[napi(value = "KEY_WHITESPACE")]
    KeyWhitespace,
    /// The timestamp in milliseconds.
    #[napi(value = "TIMESTAMP_MILLISECONDS")]
    TimestampMilliseconds,
    /// Upper-case hex digits.
    #[napi(value = "UPPERCASE_HEX")]
    UppercaseHex,
    /// The digest in base64.
    #[napi(value = "BASE64_DIGEST")]
    Base64Digest,
    /// SHA-256, not HMAC.
    #[napi(value = "PLAIN_SHA256")]
    PlainSha256,
    /// An older session_key.
    #[napi(value = "STALE_SESSION_KEY")]
    StaleSessionKey,
}

impl From<voipsign::Mistake> for Mistake {
    fn from(m: voipsign::Mistake) -> Mistake {
        use voipsign::Mistake as M;
        match m {
            M::NotSorted => Mistake::NotSorted,
            M::CommaJoined => Mistake::CommaJoined,
            M::KeyBase64Decoded => Mistake::KeyBase64Decoded,
            M::KeyMessageSwapped => Mistake::KeyMessageSwapped,
            M::KeyWhitespace => Mistake::KeyWhitespace,
            M::TimestampMilliseconds => Mistake::TimestampMilliseconds,
            M::UppercaseHex => Mistake::UppercaseHex,
            M::Base64Digest => Mistake::Base64Digest,
            M::PlainSha256 => Mistake::PlainSha256,
            M::StaleSessionKey => Mistake::StaleSessionKey,
        }
    }
}

/// What `diagnose` found. Never contains a session_key.
#[napi(object)]
pub struct Diagnosis {
    /// Correct, mistake found, or unknown.
    pub verdict: Verdict,
    /// Every mistake involved, in a stable order; empty unless the verdict is `"MISTAKE_FOUND"`.
    pub mistakes: Vec<Mistake>,
    /// What happened and the exact fix, in words a person can act on.
    pub message: String,
    /// The right signature (with the timestamp in seconds).
    pub expected: String,
    /// The right canonical string.
    pub canonical: String,
}

impl From<voipsign::Diagnosis> for Diagnosis {
    fn from(d: voipsign::Diagnosis) -> Diagnosis {
        Diagnosis {
            verdict: d.verdict.into(),
            mistakes: d.mistakes.into_iter().map(Mistake::from).collect(),
            message: d.message,
            expected: d.expected,
            canonical: d.canonical,
        }
    }
}

/// The cause of a `wx.joinVoIPChat` failure, as `explain` names it:
/// `ALREADY_IN_ROOM` (-1), `DEVICE_BUSY` (-2, the microphone is in use),
/// `JOIN_INTERRUPTED` (-3, the user left while joining), `SYSTEM_ERROR` (-1000
/// with nothing more specific), `INVALID_SIGNATURE` (-12020, or "invalid
/// signature" in errMsg), `DAILY_ROOM_LIMIT` (-13000), `UNKNOWN`.
#[napi(string_enum = "UPPER_SNAKE")]
pub enum Cause {
    /// -1: the user is already in the room.
    AlreadyInRoom,
    /// -2: the microphone is busy.
    DeviceBusy,
    /// -3: the user left while joining.
    JoinInterrupted,
    /// -1000 with nothing more specific inside.
    SystemError,
    /// -12020, or "invalid signature" in errMsg.
    InvalidSignature,
    /// -13000: the daily room quota is used up.
    DailyRoomLimit,
    /// Nothing known.
    Unknown,
}

impl From<voipsign::Cause> for Cause {
    fn from(c: voipsign::Cause) -> Cause {
        use voipsign::Cause as C;
        match c {
            C::AlreadyInRoom => Cause::AlreadyInRoom,
            C::DeviceBusy => Cause::DeviceBusy,
            C::JoinInterrupted => Cause::JoinInterrupted,
            C::SystemError => Cause::SystemError,
            C::InvalidSignature => Cause::InvalidSignature,
            C::DailyRoomLimit => Cause::DailyRoomLimit,
            C::Unknown => Cause::Unknown,
        }
    }
}

/// What `explain` says about a `wx.joinVoIPChat` failure.
#[napi(object)]
pub struct Explanation {
    /// The cause, e.g. `"INVALID_SIGNATURE"`.
    pub cause: Cause,
    /// What happened.
    pub meaning: String,
    /// What to do.
    pub action: String,
}

impl From<voipsign::Explanation> for Explanation {
    fn from(e: voipsign::Explanation) -> Explanation {
        Explanation {
            cause: e.cause.into(),
            meaning: e.meaning,
            action: e.action,
        }
    }
}
