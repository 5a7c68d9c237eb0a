//! `voipsign_status` and `voipsign_error`: how the C ABI reports failures.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use voipsign::{Error, ErrorCode};

/// Capacity of `voipsign_error.message`, including its NUL terminator.
pub const VOIPSIGN_ERROR_MESSAGE_CAP: usize = 256;

pub use crate::status_codes::VoipsignStatus;

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
