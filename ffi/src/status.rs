//! `voipsign_status` and `voipsign_error`: how the C ABI reports failures.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use voipsign::{Error, ErrorCode};

/// Capacity of `voipsign_error.message`, including its NUL terminator.
pub const VOIPSIGN_ERROR_MESSAGE_CAP: usize = 256;

/// The result of every fallible `voipsign_*` function. `VOIPSIGN_OK` is 0; every
/// other value names one error code of docs/CONTRACT.md. Values are stable forever: new
/// codes are only appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoipsignStatus {
    /// Success.
    VoipsignOk = 0,
    /// appId is not 1–64 bytes of printable ASCII.
    VoipsignInvalidAppId = 1,
    /// groupId is not 1–1024 bytes of UTF-8 without control characters.
    VoipsignInvalidGroupId = 2,
    /// nonceStr is not 1–127 characters of printable ASCII.
    VoipsignInvalidNonce = 3,
    /// timeStamp is not whole seconds in 1..=9999999999 (13 digits: milliseconds).
    VoipsignInvalidTimestamp = 4,
    /// The session_key is not the 24-character base64 string code2Session returns.
    VoipsignInvalidSessionKey = 5,
    /// The signature to verify is not 64 hex digits.
    VoipsignInvalidSignature = 6,
    /// A required pointer was NULL (or NULL with a non-zero length).
    VoipsignNullArgument = 7,
    /// A string argument was not valid UTF-8.
    VoipsignInvalidUtf8 = 8,
    /// An output buffer was too small; nothing was written to it.
    VoipsignBufferTooSmall = 9,
    /// The operating system's random number generator failed.
    VoipsignRngFailure = 10,
    /// A panic was caught inside the library: a bug, never expected.
    VoipsignInternal = 11,
    /// roomType is neither "voice" nor "video".
    VoipsignInvalidRoomType = 12,
    /// The room ledger: every seat of the room is taken by other members.
    VoipsignRoomFull = 13,
    /// The room ledger: opening the room would exceed today's limit of openings.
    VoipsignDailyRoomLimit = 14,
    /// The room ledger: the member holds no live seat (admit it again).
    VoipsignNotAdmitted = 15,
    /// A member id (openid) is not 1–128 bytes of printable ASCII.
    VoipsignInvalidMemberId = 16,
    /// Room ledger rules out of range.
    VoipsignInvalidRules = 17,
    /// The room ledger's store cannot be reached (with on_unavailable = refuse).
    VoipsignLedgerUnavailable = 18,
    /// A Redis store URL is malformed or has an unknown scheme (the message never
    /// shows the URL: it may carry a password).
    VoipsignInvalidRedisUrl = 19,
}

impl From<ErrorCode> for VoipsignStatus {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::InvalidAppId => VoipsignStatus::VoipsignInvalidAppId,
            ErrorCode::InvalidGroupId => VoipsignStatus::VoipsignInvalidGroupId,
            ErrorCode::InvalidNonce => VoipsignStatus::VoipsignInvalidNonce,
            ErrorCode::InvalidTimestamp => VoipsignStatus::VoipsignInvalidTimestamp,
            ErrorCode::InvalidSessionKey => VoipsignStatus::VoipsignInvalidSessionKey,
            ErrorCode::InvalidSignature => VoipsignStatus::VoipsignInvalidSignature,
            ErrorCode::NullArgument => VoipsignStatus::VoipsignNullArgument,
            ErrorCode::InvalidUtf8 => VoipsignStatus::VoipsignInvalidUtf8,
            ErrorCode::BufferTooSmall => VoipsignStatus::VoipsignBufferTooSmall,
            ErrorCode::RngFailure => VoipsignStatus::VoipsignRngFailure,
            ErrorCode::InvalidRoomType => VoipsignStatus::VoipsignInvalidRoomType,
            ErrorCode::RoomFull => VoipsignStatus::VoipsignRoomFull,
            ErrorCode::DailyRoomLimit => VoipsignStatus::VoipsignDailyRoomLimit,
            ErrorCode::NotAdmitted => VoipsignStatus::VoipsignNotAdmitted,
            ErrorCode::InvalidMemberId => VoipsignStatus::VoipsignInvalidMemberId,
            ErrorCode::InvalidRules => VoipsignStatus::VoipsignInvalidRules,
            ErrorCode::LedgerUnavailable => VoipsignStatus::VoipsignLedgerUnavailable,
            ErrorCode::InvalidRedisUrl => VoipsignStatus::VoipsignInvalidRedisUrl,
            _ => VoipsignStatus::VoipsignInternal,
        }
    }
}

/// Details of a failure, filled in by any `voipsign_*` function that fails when the
/// caller passes a non-NULL pointer to one. Caller-owned (stack or heap); the library
/// keeps no pointer to it. Untouched on success.
#[repr(C)]
pub struct VoipsignError {
    /// The same status the function returned.
    pub status: VoipsignStatus,
    /// Length of `message` in bytes, not counting the NUL terminator.
    pub message_len: usize,
    /// UTF-8 text naming the field and the reason, NUL-terminated, truncated at a
    /// character boundary to fit. Never contains the session_key.
    pub message: [c_char; VOIPSIGN_ERROR_MESSAGE_CAP],
}

impl VoipsignError {
    /// Fill in from a core error.
    pub(crate) fn set(&mut self, e: &Error) {
        let status = VoipsignStatus::from(e.code());
        let msg = e.message();
        let mut n = msg.len().min(VOIPSIGN_ERROR_MESSAGE_CAP - 1);
        while !msg.is_char_boundary(n) {
            n -= 1;
        }
        self.status = status;
        self.message_len = n;
        for (dst, src) in self.message.iter_mut().zip(&msg.as_bytes()[..n]) {
            *dst = *src as c_char;
        }
        self.message[n] = 0;
    }
}

/// The core code for a status number, `None` for OK or an unknown number.
pub(crate) fn code_of(status: i32) -> Option<ErrorCode> {
    ErrorCode::ALL
        .iter()
        .copied()
        .find(|c| c.number() as i64 == status as i64)
}

struct StaticTexts {
    names: Vec<CString>,
    descriptions: Vec<CString>,
}

fn texts() -> &'static StaticTexts {
    static TEXTS: OnceLock<StaticTexts> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let c = |s: &str| CString::new(s).unwrap_or_default();
        StaticTexts {
            names: ErrorCode::ALL.iter().map(|e| c(e.name())).collect(),
            descriptions: ErrorCode::ALL.iter().map(|e| c(e.description())).collect(),
        }
    })
}

/// Static NUL-terminated name of a status: "OK", a docs/CONTRACT.md code or "UNKNOWN".
pub(crate) fn status_name(status: i32) -> *const c_char {
    match (status, code_of(status)) {
        (0, _) => c"OK".as_ptr(),
        (_, Some(code)) => texts().names[code.number() as usize - 1].as_ptr(),
        _ => c"UNKNOWN".as_ptr(),
    }
}

/// Static NUL-terminated description of a status.
pub(crate) fn status_message(status: i32) -> *const c_char {
    match (status, code_of(status)) {
        (0, _) => c"success".as_ptr(),
        (_, Some(code)) => texts().descriptions[code.number() as usize - 1].as_ptr(),
        _ => c"unknown status".as_ptr(),
    }
}
