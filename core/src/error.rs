//! Error codes shared by every language, and the error type of the core.

use std::fmt;

/// The stable code of an error. Every binding exposes the same names
/// ([`ErrorCode::name`]) and the C ABI the same numbers ([`ErrorCode::number`]).
///
/// Numbers are stable forever: new codes are only ever appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// appId is not 1–64 bytes of printable ASCII.
    InvalidAppId,
    /// groupId is not 1–1024 bytes of UTF-8 without control characters.
    InvalidGroupId,
    /// nonceStr is not 1–127 characters of printable ASCII.
    InvalidNonce,
    /// timeStamp is not whole seconds in 1..=9 999 999 999.
    InvalidTimestamp,
    /// The session_key is not the 24-character base64 string code2Session returns.
    InvalidSessionKey,
    /// A signature to verify is not 64 hex digits.
    InvalidSignature,
    /// A required pointer was NULL (C ABI only).
    NullArgument,
    /// A string argument was not valid UTF-8 (C ABI only).
    InvalidUtf8,
    /// A caller buffer was too small for the output (C ABI only).
    BufferTooSmall,
    /// The operating system's random number generator failed.
    RngFailure,
    /// A panic was caught at a language boundary: a bug, never expected.
    Internal,
    /// roomType is neither `voice` nor `video`.
    InvalidRoomType,
    /// The room ledger: capacity seats are taken by other members.
    RoomFull,
    /// The room ledger: the admission would open a room and today's openings
    /// reached the daily limit.
    DailyRoomLimit,
    /// The room ledger: the member holds no live seat (admit it again).
    NotAdmitted,
    /// A member id (openid) is not 1–128 bytes of printable ASCII.
    InvalidMemberId,
    /// Room ledger rules out of range.
    InvalidRules,
    /// The room ledger's store cannot be reached (with `on_unavailable = refuse`).
    LedgerUnavailable,
    /// A Redis store URL is malformed or uses an unknown scheme (it is never
    /// echoed: it may carry a password).
    InvalidRedisUrl,
}

impl ErrorCode {
    /// Every code, in the order of their numbers (1, 2, …).
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::InvalidAppId,
        ErrorCode::InvalidGroupId,
        ErrorCode::InvalidNonce,
        ErrorCode::InvalidTimestamp,
        ErrorCode::InvalidSessionKey,
        ErrorCode::InvalidSignature,
        ErrorCode::NullArgument,
        ErrorCode::InvalidUtf8,
        ErrorCode::BufferTooSmall,
        ErrorCode::RngFailure,
        ErrorCode::Internal,
        ErrorCode::InvalidRoomType,
        ErrorCode::RoomFull,
        ErrorCode::DailyRoomLimit,
        ErrorCode::NotAdmitted,
        ErrorCode::InvalidMemberId,
        ErrorCode::InvalidRules,
        ErrorCode::LedgerUnavailable,
        ErrorCode::InvalidRedisUrl,
    ];

    /// The code name (docs/CONTRACT.md), e.g. `"INVALID_NONCE"`.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::InvalidAppId => "INVALID_APP_ID",
            ErrorCode::InvalidGroupId => "INVALID_GROUP_ID",
            ErrorCode::InvalidNonce => "INVALID_NONCE",
            ErrorCode::InvalidTimestamp => "INVALID_TIMESTAMP",
            ErrorCode::InvalidSessionKey => "INVALID_SESSION_KEY",
            ErrorCode::InvalidSignature => "INVALID_SIGNATURE",
            ErrorCode::NullArgument => "NULL_ARGUMENT",
            ErrorCode::InvalidUtf8 => "INVALID_UTF8",
            ErrorCode::BufferTooSmall => "BUFFER_TOO_SMALL",
            ErrorCode::RngFailure => "RNG_FAILURE",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::InvalidRoomType => "INVALID_ROOM_TYPE",
            ErrorCode::RoomFull => "ROOM_FULL",
            ErrorCode::DailyRoomLimit => "DAILY_ROOM_LIMIT",
            ErrorCode::NotAdmitted => "NOT_ADMITTED",
            ErrorCode::InvalidMemberId => "INVALID_MEMBER_ID",
            ErrorCode::InvalidRules => "INVALID_RULES",
            ErrorCode::LedgerUnavailable => "LEDGER_UNAVAILABLE",
            ErrorCode::InvalidRedisUrl => "INVALID_REDIS_URL",
        }
    }

    /// The stable number of the C ABI's `voipsign_status` (0 is OK, so codes start at 1).
    pub const fn number(self) -> u32 {
        match self {
            ErrorCode::InvalidAppId => 1,
            ErrorCode::InvalidGroupId => 2,
            ErrorCode::InvalidNonce => 3,
            ErrorCode::InvalidTimestamp => 4,
            ErrorCode::InvalidSessionKey => 5,
            ErrorCode::InvalidSignature => 6,
            ErrorCode::NullArgument => 7,
            ErrorCode::InvalidUtf8 => 8,
            ErrorCode::BufferTooSmall => 9,
            ErrorCode::RngFailure => 10,
            ErrorCode::Internal => 11,
            ErrorCode::InvalidRoomType => 12,
            ErrorCode::RoomFull => 13,
            ErrorCode::DailyRoomLimit => 14,
            ErrorCode::NotAdmitted => 15,
            ErrorCode::InvalidMemberId => 16,
            ErrorCode::InvalidRules => 17,
            ErrorCode::LedgerUnavailable => 18,
            ErrorCode::InvalidRedisUrl => 19,
        }
    }

    /// A one-line generic description of the code (no specifics of the input).
    pub const fn description(self) -> &'static str {
        match self {
            ErrorCode::InvalidAppId => "appId must be 1-64 bytes of printable ASCII",
            ErrorCode::InvalidGroupId => {
                "groupId must be 1-1024 bytes of UTF-8 without control characters"
            }
            ErrorCode::InvalidNonce => "nonceStr must be 1-127 characters of printable ASCII",
            ErrorCode::InvalidTimestamp => {
                "timeStamp must be whole seconds between 1 and 9999999999"
            }
            ErrorCode::InvalidSessionKey => {
                "session_key must be the 24-character base64 string code2Session returns"
            }
            ErrorCode::InvalidSignature => "signature must be 64 hex digits",
            ErrorCode::NullArgument => "a required pointer argument was NULL",
            ErrorCode::InvalidUtf8 => "a string argument was not valid UTF-8",
            ErrorCode::BufferTooSmall => "the output buffer is too small",
            ErrorCode::RngFailure => "the operating system's random number generator failed",
            ErrorCode::Internal => "internal error (a bug in voipsign): please report it",
            ErrorCode::InvalidRoomType => "roomType must be \"voice\" or \"video\"",
            ErrorCode::RoomFull => "the room is full: every seat is taken",
            ErrorCode::DailyRoomLimit => "today's room openings reached the daily limit",
            ErrorCode::NotAdmitted => "the member holds no live seat in the room: admit it again",
            ErrorCode::InvalidMemberId => "a member id must be 1-128 bytes of printable ASCII",
            ErrorCode::InvalidRules => "the room ledger's rules are out of range",
            ErrorCode::LedgerUnavailable => "the room ledger's store cannot be reached",
            ErrorCode::InvalidRedisUrl => "the Redis store URL is malformed",
        }
    }

    /// The code with this name, if any.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error: a stable [`ErrorCode`] and a message that names the field and the
/// reason. The message never contains the session_key or any part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// An error with this code and message. Callers must never put a secret in `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message: which field and why (never the session_key).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_unique_and_roundtrip() {
        for (i, c) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(c.number() as usize, i + 1);
            assert_eq!(ErrorCode::from_name(c.name()), Some(*c));
        }
        assert_eq!(ErrorCode::from_name("OK"), None);
    }
}
