//! voipsign's errors as JavaScript errors.
//!
//! A `napi::Error` whose status is a string becomes, in JavaScript, an `Error`
//! whose `code` is that string: here the core's stable name (`INVALID_NONCE`, …),
//! and whose `message` is the core's message (which never contains a
//! session_key). lib/errors.js rebuilds it as a `VoipSignError`.

/// What the addon's functions return: a value, or an error with the core's code.
pub type Result<T> = napi::Result<T, &'static str>;

/// The JavaScript error for a core error: `code` is its name, `message` its message.
pub fn js_error(e: voipsign::Error) -> napi::Error<&'static str> {
    napi::Error::new(e.code().name(), e.message())
}
