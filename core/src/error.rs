//! The error type of the core (its codes are the table of `contract::codes`).

use std::fmt;

pub use crate::contract::codes::ErrorCode;

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
