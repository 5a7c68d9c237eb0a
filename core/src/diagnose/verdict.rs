//! What a diagnosis finds: the known mistakes, the verdict, the result.

use serde::Serialize;

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
    /// Every mistake, in the stable order.
    pub const ALL: [Mistake; 10] = [
        Mistake::NotSorted,
        Mistake::CommaJoined,
        Mistake::KeyBase64Decoded,
        Mistake::KeyMessageSwapped,
        Mistake::KeyWhitespace,
        Mistake::TimestampMilliseconds,
        Mistake::UppercaseHex,
        Mistake::Base64Digest,
        Mistake::PlainSha256,
        Mistake::StaleSessionKey,
    ];

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
