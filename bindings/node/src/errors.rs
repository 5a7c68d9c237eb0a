//! voipsign's errors as JavaScript errors, and results as JSON.
//!
//! A core error becomes an `Error` whose `message` is the core's (which never
//! contains a session_key nor a password), `code` the code's name and `kind` its
//! kind, both from [`voipsign::ErrorCode`]; lib/codes.js (generated) makes it an
//! instance of the code's class (of its kind's base class for a code newer than
//! lib/codes.js).

use napi::bindgen_prelude::JsObjectValue;
use napi::{Env, JsValue, Status};
use voipsign::ErrorCode;

/// What the addon's functions return.
pub type Result<T> = napi::Result<T>;

/// The JavaScript error for a core error, made on the JavaScript thread and
/// handed to napi-rs as a value, which it throws (or rejects with) as it is.
pub fn js_error(env: &Env, e: voipsign::Error) -> napi::Error {
    let code = e.code();
    let built = env
        .create_error(napi::Error::new(Status::GenericFailure, e.message()))
        .and_then(|mut error| {
            error.set_named_property("code", code.name())?;
            error.set_named_property("kind", code.kind().as_str())?;
            Ok(napi::Error::from(error.to_unknown()))
        });
    // Only if V8 could not allocate the error: a GenericFailure (INTERNAL).
    built.unwrap_or_else(|failed| failed)
}

/// `value` as JSON (what lib/ parses); a failure (never expected) is `INTERNAL`.
pub fn json(value: &impl serde::Serialize) -> std::result::Result<String, voipsign::Error> {
    serde_json::to_string(value).map_err(|_| {
        voipsign::Error::new(ErrorCode::Internal, "a result could not be written as JSON")
    })
}
