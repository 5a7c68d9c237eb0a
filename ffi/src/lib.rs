//! # libvoipsign: the C ABI of voipsign
//!
//! Conventions (the same for every function):
//! - Strings come in as `(const char *ptr, size_t len)` pairs: UTF-8, not
//!   NUL-terminated, borrowed only for the duration of the call. `(NULL, 0)` is the
//!   empty string; NULL with a non-zero length is `VOIPSIGN_NULL_ARGUMENT`.
//! - Fallible functions return a `voipsign_status`; `VOIPSIGN_OK` is 0.
//! - Outputs go into caller-owned buffers with their capacity, written only on
//!   success. The library never allocates memory that the caller must free and
//!   keeps no pointer after returning.
//! - The last argument `voipsign_error *err` may be NULL; when non-NULL and the call
//!   fails, it receives the status and a message naming the field and the reason.
//!   Messages never contain the session_key.
//! - When several arguments are bad, the status names the first of: NULL or
//!   non-UTF-8 arguments in parameter order; then the values in the order of
//!   docs/CONTRACT.md (decided by `voipsign::request`, as in every language);
//!   then `VOIPSIGN_BUFFER_TOO_SMALL`.
//! - Every function is reentrant and thread-safe: there is no global or
//!   thread-local state. A panic inside the library is caught and reported as
//!   `VOIPSIGN_INTERNAL`; nothing aborts the host process.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod args;
mod diagnose;
mod ledger;
mod options;
mod redis;
mod status;
mod status_codes;
#[cfg(feature = "test-panic")]
mod test_panic;
mod usage;

use std::ffi::c_char;

use args::{
    bytes_arg, guard, key_arg, key_list, require, str_arg, too_small, values_arg, write_fixed,
    write_signature, write_text,
};
pub use diagnose::{voipsign_diagnose, voipsign_explain};
pub use ledger::{
    voipsign_ledger_admit, voipsign_ledger_admit_and_issue, voipsign_ledger_free,
    voipsign_ledger_heartbeat, voipsign_ledger_leave, voipsign_ledger_new_memory,
    voipsign_ledger_room, voipsign_ledger_sync, voipsign_on_unavailable_from_name,
    voipsign_rules_default, VoipsignAdmission, VoipsignLedger, VoipsignRules, VOIPSIGN_UNSET,
};
pub use options::{
    voipsign_ledger_open, voipsign_room_json_bound, voipsign_status_kind, VoipsignKind,
    VoipsignSpelling,
};
pub use redis::{voipsign_ledger_new_redis, voipsign_redis_options_default, VoipsignRedisOptions};
pub use status::{VoipsignError, VoipsignStatus, VOIPSIGN_ERROR_MESSAGE_CAP};
#[cfg(feature = "test-panic")]
pub use test_panic::voipsign_test_panic;
pub use usage::{
    voipsign_ledger_rooms, voipsign_ledger_usage, voipsign_room_page_json_bound, VoipsignUsage,
};
use voipsign::request;

/// Length of a signature: 64 lowercase hex digits (no NUL terminator counted).
pub const VOIPSIGN_SIGNATURE_LEN: usize = 64;

/// Compute the `signature` for `wx.joinVoIPChat`.
///
/// Writes exactly `VOIPSIGN_SIGNATURE_LEN` (64) lowercase hex digits to `out`, plus
/// a NUL terminator when `out_cap > 64`. Requires `out_cap >= 64`, else
/// `VOIPSIGN_BUFFER_TOO_SMALL`. `out` is written only on success.
///
/// Ownership: all inputs are borrowed for the call; `out` and `err` are caller-owned.
/// Thread safety: reentrant; may be called from any number of threads at once.
///
/// # Safety
/// Every `(ptr, len)` pair must be `(NULL, 0)` or `len` readable bytes; `out` must
/// be NULL or `out_cap` writable bytes; `err` NULL or a writable `voipsign_error`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_sign(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
    timestamp: i64,
    session_key: *const c_char,
    session_key_len: usize,
    out: *mut c_char,
    out_cap: usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let [app, group, nonce] = values_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
            )?;
            let key = key_arg(session_key, session_key_len)?;
            require(out, "out")?;
            let sig = request::sign(app, group, nonce, timestamp, key)?;
            write_signature(out, out_cap, &sig)
        }
    })
}

/// Check a signature in constant time. On success `*out_valid` is true when
/// `signature` is the right one and false otherwise (including a well-formed but
/// upper-case signature). A signature that is not 64 hex digits, or a cloud-issued
/// one with a `_` suffix, is `VOIPSIGN_INVALID_SIGNATURE`.
///
/// Ownership: inputs borrowed for the call. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_sign`; `out_valid` must be NULL or a writable `bool`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_verify(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
    timestamp: i64,
    session_key: *const c_char,
    session_key_len: usize,
    signature: *const c_char,
    signature_len: usize,
    out_valid: *mut bool,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let [app, group, nonce] = values_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
            )?;
            let key = key_arg(session_key, session_key_len)?;
            let sig = str_arg(signature, signature_len, "signature")?;
            require(out_valid, "out_valid")?;
            *out_valid = request::verify(app, group, nonce, timestamp, key, sig)?;
            Ok(())
        }
    })
}

/// Write the canonical string (the four values sorted in code-unit order and
/// joined) to `out`, NUL-terminated. It contains no secret.
///
/// `*out_len` (when `out_len` is non-NULL) receives the length without the NUL, also
/// on `VOIPSIGN_BUFFER_TOO_SMALL`, so a caller can retry with `*out_len + 1` bytes.
/// At most 64 + 1024 + 127 + 10 = 1225 bytes plus the NUL.
///
/// Ownership: inputs borrowed; buffers caller-owned. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_sign`; `out_len` must be NULL or a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_canonical(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
    timestamp: i64,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let [app, group, nonce] = values_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
            )?;
            require(out, "out")?;
            let s = request::canonical(app, group, nonce, timestamp)?;
            write_text(out, out_cap, out_len, s.as_bytes())
        }
    })
}

/// Issue a join ticket: a fresh 32-character nonce from the OS CSPRNG, the current
/// time in seconds and the signature, written to `out` as the NUL-terminated JSON
/// object `wx.joinVoIPChat` takes:
/// `{"groupId":"…","nonceStr":"…","timeStamp":1559129714,"signature":"…","roomType":"voice"}`.
///
/// `room_type` is `"voice"` or `"video"`; `(NULL, 0)` means `"voice"`.
/// `*out_len` (when non-NULL) receives the JSON length without the NUL, also on
/// `VOIPSIGN_BUFFER_TOO_SMALL`. 4096 bytes always suffice.
///
/// Ownership: inputs borrowed; buffers caller-owned. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_canonical`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_issue(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    session_key: *const c_char,
    session_key_len: usize,
    room_type: *const c_char,
    room_type_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let app = str_arg(app_id, app_id_len, "appId")?;
            let group = str_arg(group_id, group_id_len, "groupId")?;
            let key = key_arg(session_key, session_key_len)?;
            // (NULL, 0) is the default roomType; an empty non-NULL string is an error.
            let room = match str_arg(room_type, room_type_len, "roomType")? {
                "" if room_type.is_null() => None,
                s => Some(s),
            };
            require(out, "out")?;
            let ticket = request::issue(app, group, key, room)?;
            write_text(
                out,
                out_cap,
                out_len,
                crate::args::json(&ticket)?.as_bytes(),
            )
        }
    })
}

/// Sign one room for `count` members at once: the canonical string is built once,
/// then one HMAC per session_key. Writes `count * 64` hex digits to `out`,
/// back to back with no separators or NUL: member `i`'s signature is
/// `out[64*i .. 64*i+64]`. Requires `out_cap >= 64 * count`.
///
/// `session_keys[i]` / `session_key_lens[i]` give key `i`; both arrays and `out`
/// may be NULL when `count` is 0 (the other inputs are still validated). A bad
/// key's message gives its index.
///
/// Ownership: inputs borrowed; `out` caller-owned. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_sign`; `session_keys` and `session_key_lens` must each be NULL or
/// point to `count` readable elements.
#[no_mangle]
pub unsafe extern "C" fn voipsign_sign_many(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
    timestamp: i64,
    session_keys: *const *const c_char,
    session_key_lens: *const usize,
    count: usize,
    out: *mut c_char,
    out_cap: usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let [app, group, nonce] = values_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
            )?;
            let keys = key_list(session_keys, session_key_lens, count, "sessionKeys")?;
            if count > 0 {
                require(out, "out")?;
            }
            let sigs = request::sign_many(app, group, nonce, timestamp, &keys)?;
            let need = count.saturating_mul(VOIPSIGN_SIGNATURE_LEN);
            if out_cap < need {
                return Err(too_small(need, out_cap));
            }
            for (i, s) in sigs.iter().enumerate() {
                write_fixed(
                    out.add(i * VOIPSIGN_SIGNATURE_LEN),
                    VOIPSIGN_SIGNATURE_LEN,
                    s.as_bytes(),
                )?;
            }
            Ok(())
        }
    })
}

/// WeChat's "user login state signature": HMAC-SHA256 of `body` keyed by the
/// session_key string, as 64 lowercase hex digits. With an empty body (`NULL, 0`)
/// it is the `signature` of `GET /wxa/checksession`. `body` is arbitrary bytes.
/// Output as `voipsign_sign`.
///
/// Ownership: inputs borrowed; `out` caller-owned. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_sign`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_session_signature(
    session_key: *const c_char,
    session_key_len: usize,
    body: *const c_char,
    body_len: usize,
    out: *mut c_char,
    out_cap: usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let key = key_arg(session_key, session_key_len)?;
            let body = bytes_arg(body, body_len, "body")?;
            require(out, "out")?;
            write_signature(out, out_cap, &request::session_signature(key, body)?)
        }
    })
}

/// The name of a status as a static NUL-terminated string: `"OK"`, a docs/CONTRACT.md
/// code such as `"INVALID_NONCE"`, or `"UNKNOWN"` for a number no version defines.
/// Never NULL; never free it. Thread safety: reentrant.
#[no_mangle]
pub extern "C" fn voipsign_status_name(status: i32) -> *const c_char {
    std::panic::catch_unwind(|| status::status_name(status)).unwrap_or(c"INTERNAL".as_ptr())
}

/// A one-line English description of a status (generic: for the specific reason
/// pass a `voipsign_error`). Static NUL-terminated string; never NULL; never free it.
/// Thread safety: reentrant.
#[no_mangle]
pub extern "C" fn voipsign_status_message(status: i32) -> *const c_char {
    std::panic::catch_unwind(|| status::status_message(status))
        .unwrap_or(c"internal error".as_ptr())
}

/// The library version, e.g. `"0.1.0"`: a static NUL-terminated string; never free it.
#[no_mangle]
pub extern "C" fn voipsign_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The length of a signature in hex digits: 64, the same as `VOIPSIGN_SIGNATURE_LEN`.
#[no_mangle]
pub extern "C" fn voipsign_signature_len() -> usize {
    VOIPSIGN_SIGNATURE_LEN
}
