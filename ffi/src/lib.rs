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
//! - Every function is reentrant and thread-safe: there is no global or
//!   thread-local state. A panic inside the library is caught and reported as
//!   `VOIPSIGN_INTERNAL`; nothing aborts the host process.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod args;
mod status;

use std::ffi::c_char;

use args::{bytes_arg, guard, key_arg, require, str_arg, too_small, write_fixed, write_text};
pub use status::{VoipsignError, VoipsignStatus, VOIPSIGN_ERROR_MESSAGE_CAP};
use voipsign::{Error, Params, RoomType, SessionKey};

/// Length of a signature: 64 lowercase hex digits (no NUL terminator counted).
pub const VOIPSIGN_SIGNATURE_LEN: usize = 64;

/// Build `Params` from C arguments.
///
/// # Safety
/// Each pointer is NULL (with length 0) or points to `len` readable bytes.
#[allow(clippy::too_many_arguments)]
unsafe fn params_arg<'a>(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
    timestamp: i64,
) -> Result<Params<'a>, Error> {
    // SAFETY: forwarded from the exported function's contract.
    unsafe {
        Ok(Params::new(
            str_arg(app_id, app_id_len, "appId")?,
            str_arg(group_id, group_id_len, "groupId")?,
            str_arg(nonce_str, nonce_str_len, "nonceStr")?,
            timestamp,
        ))
    }
}

/// Build and validate `Params`, then the session_key: errors come in the field
/// order appId, groupId, nonceStr, timeStamp, sessionKey, as in every binding.
///
/// # Safety
/// Each pointer is NULL (with length 0) or points to `len` readable bytes.
#[allow(clippy::too_many_arguments)]
unsafe fn params_and_key<'a>(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
    timestamp: i64,
    session_key: *const c_char,
    session_key_len: usize,
) -> Result<(Params<'a>, SessionKey), Error> {
    // SAFETY: forwarded from the exported function's contract.
    unsafe {
        let p = params_arg(
            app_id,
            app_id_len,
            group_id,
            group_id_len,
            nonce_str,
            nonce_str_len,
            timestamp,
        )?;
        p.validate()?;
        let key = SessionKey::new(key_arg(session_key, session_key_len)?)?;
        Ok((p, key))
    }
}

/// Write the 64 hex digits of `sig` to `out`, and a NUL when there is room for one.
///
/// # Safety
/// `out` is non-NULL with `out_cap >= VOIPSIGN_SIGNATURE_LEN` writable bytes.
unsafe fn write_signature(
    out: *mut c_char,
    out_cap: usize,
    sig: &voipsign::Signature,
) -> Result<(), Error> {
    // SAFETY: forwarded contract: `out` has `out_cap` writable bytes.
    unsafe {
        write_fixed(out, out_cap, sig.as_bytes())?;
        if out_cap > VOIPSIGN_SIGNATURE_LEN {
            *out.add(VOIPSIGN_SIGNATURE_LEN) = 0;
        }
    }
    Ok(())
}

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
            let (p, key) = params_and_key(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
                timestamp,
                session_key,
                session_key_len,
            )?;
            require(out, "out")?;
            if out_cap < VOIPSIGN_SIGNATURE_LEN {
                return Err(too_small(VOIPSIGN_SIGNATURE_LEN, out_cap));
            }
            write_signature(out, out_cap, &voipsign::sign(&p, &key)?)
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
            let (p, key) = params_and_key(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
                timestamp,
                session_key,
                session_key_len,
            )?;
            let sig = str_arg(signature, signature_len, "signature")?;
            require(out_valid, "out_valid")?;
            let valid = voipsign::verify(&p, &key, sig)?;
            *out_valid = valid;
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
            let p = params_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
                timestamp,
            )?;
            require(out, "out")?;
            let s = voipsign::canonical(&p)?;
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
            // Report errors in field order: appId, groupId, then the key.
            voipsign::validate_app_id(app)?;
            voipsign::validate_group_id(group)?;
            let key = SessionKey::new(key_arg(session_key, session_key_len)?)?;
            let room: RoomType = match str_arg(room_type, room_type_len, "roomType")? {
                "" if room_type.is_null() => RoomType::Voice,
                s => s.parse()?,
            };
            require(out, "out")?;
            let ticket = voipsign::issue(app, group, &key, room)?;
            write_text(out, out_cap, out_len, ticket.to_json().as_bytes())
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
            let p = params_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
                timestamp,
            )?;
            let keys = key_list(session_keys, session_key_lens, count, "sessionKeys")?;
            if count == 0 {
                // Nothing to write: `out` may be NULL; the inputs are still checked.
                voipsign::sign_many(&p, &keys)?;
                return Ok(());
            }
            require(out, "out")?;
            let need = count.saturating_mul(VOIPSIGN_SIGNATURE_LEN);
            if out_cap < need {
                return Err(too_small(need, out_cap));
            }
            let sigs = voipsign::sign_many(&p, &keys)?;
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
            let key = SessionKey::new(key_arg(session_key, session_key_len)?)?;
            let body = bytes_arg(body, body_len, "body")?;
            require(out, "out")?;
            if out_cap < VOIPSIGN_SIGNATURE_LEN {
                return Err(too_small(VOIPSIGN_SIGNATURE_LEN, out_cap));
            }
            write_signature(out, out_cap, &voipsign::session_signature(&key, body))
        }
    })
}

/// The name of a status as a static NUL-terminated string: `"OK"`, a DESIGN.md
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

/// Diagnose a signature WeChat rejected: which known mistake (or combination)
/// reproduces it. Writes one NUL-terminated JSON object to `out`:
/// `{"verdict":"MISTAKE_FOUND","mistakes":["TIMESTAMP_MILLISECONDS"],"message":"…","expected":"…","canonical":"…"}`
/// (`verdict` is `CORRECT`, `MISTAKE_FOUND` or `UNKNOWN`). A 13-digit timestamp
/// and a malformed `rejected_signature` are findings, not errors. `other_session_keys`
/// (may be NULL when `other_count` is 0) are older keys of the same user, tried for
/// `STALE_SESSION_KEY`. The result never contains a session key. 8192 bytes always
/// suffice; `*out_len` as in `voipsign_canonical`.
///
/// Ownership: inputs borrowed; buffers caller-owned. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_sign_many`, with `other_session_keys` / `other_session_key_lens`
/// pointing to `other_count` elements each; `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_diagnose(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
    timestamp: i64,
    session_key: *const c_char,
    session_key_len: usize,
    rejected_signature: *const c_char,
    rejected_signature_len: usize,
    other_session_keys: *const *const c_char,
    other_session_key_lens: *const usize,
    other_count: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let p = params_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
                timestamp,
            )?;
            // Field order: appId, groupId, nonceStr, then the key (any timestamp).
            voipsign::validate_app_id(p.app_id)?;
            voipsign::validate_group_id(p.group_id)?;
            voipsign::validate_nonce(p.nonce_str)?;
            let key = SessionKey::new(key_arg(session_key, session_key_len)?)?;
            let rejected = str_arg(rejected_signature, rejected_signature_len, "signature")?;
            let others = key_list(
                other_session_keys,
                other_session_key_lens,
                other_count,
                "otherSessionKeys",
            )?;
            let others = voipsign::parse_session_keys("otherSessionKeys", &others)?;
            require(out, "out")?;
            let d = voipsign::diagnose(&p, &key, rejected, &others)?;
            write_text(out, out_cap, out_len, d.to_json().as_bytes())
        }
    })
}

/// Explain a `wx.joinVoIPChat` failure: writes the NUL-terminated JSON object
/// `{"cause":"INVALID_SIGNATURE","meaning":"…","action":"…"}`. Codes nested in
/// `err_msg` count too (e.g. -12020 inside a -10088). `err_msg` may be `(NULL, 0)`.
/// 4096 bytes always suffice; `*out_len` as in `voipsign_canonical`.
///
/// Ownership: inputs borrowed; buffers caller-owned. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_canonical`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_explain(
    err_code: i64,
    err_msg: *const c_char,
    err_msg_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let msg = str_arg(err_msg, err_msg_len, "errMsg")?;
            require(out, "out")?;
            write_text(
                out,
                out_cap,
                out_len,
                voipsign::explain(err_code, msg).to_json().as_bytes(),
            )
        }
    })
}

/// Prefix an error about element `i` of a list with its index.
fn indexed(list: &str, i: usize, e: Error) -> Error {
    Error::new(e.code(), format!("{list}[{i}]: {}", e.message()))
}

/// Borrow `count` strings given as parallel arrays of pointers and lengths.
///
/// # Safety
/// `ptrs` and `lens` are NULL (only when `count` is 0) or point to `count` readable
/// elements; each `(ptrs[i], lens[i])` pair as in `str_arg`.
unsafe fn key_list<'a>(
    ptrs: *const *const c_char,
    lens: *const usize,
    count: usize,
    list: &str,
) -> Result<Vec<&'a str>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    require(ptrs, list)?;
    require(lens, list)?;
    // SAFETY: both arrays are non-NULL with `count` readable elements (contract).
    let (ptrs, lens) = unsafe {
        (
            std::slice::from_raw_parts(ptrs, count),
            std::slice::from_raw_parts(lens, count),
        )
    };
    ptrs.iter()
        .zip(lens)
        .enumerate()
        // SAFETY: each pair is a valid (pointer, length) per the contract.
        .map(|(i, (&p, &n))| unsafe { key_arg(p, n) }.map_err(|e| indexed(list, i, e)))
        .collect()
}

/// Test-only (cargo feature `test-panic`, never in a release build nor in
/// `voipsign.h`): panics inside the same panic boundary every entry uses, so that
/// the tests of the C ABI and of every binding can prove that a panic comes out
/// as `VOIPSIGN_INTERNAL` with a message, and that the process carries on.
///
/// # Safety
/// `err` must be NULL or a writable `voipsign_error`.
#[cfg(feature = "test-panic")]
#[no_mangle]
pub unsafe extern "C" fn voipsign_test_panic(err: *mut VoipsignError) -> VoipsignStatus {
    guard(err, || {
        panic!("deliberate panic from voipsign_test_panic (the test-panic feature)")
    })
}

/// The panic boundary from Rust (`cargo test -p voipsign-ffi --features
/// test-panic`; `make test-ffi-panic`). The C, Go, PHP suites prove the same
/// through the built library.
#[cfg(all(test, feature = "test-panic"))]
mod panic_boundary {
    use std::ffi::CStr;

    use super::{voipsign_status_name, voipsign_test_panic, VoipsignError, VoipsignStatus};

    fn blank() -> VoipsignError {
        VoipsignError {
            status: VoipsignStatus::VoipsignOk,
            message_len: 0,
            message: [0; super::VOIPSIGN_ERROR_MESSAGE_CAP],
        }
    }

    #[test]
    fn a_panic_is_internal_with_a_message() {
        let mut err = blank();
        // SAFETY: `err` is a writable voipsign_error.
        let st = unsafe { voipsign_test_panic(&mut err) };
        assert_eq!(st, VoipsignStatus::VoipsignInternal);
        assert_eq!(err.status, VoipsignStatus::VoipsignInternal);
        // SAFETY: the library NUL-terminates the message within its capacity.
        let msg = unsafe { CStr::from_ptr(err.message.as_ptr()) };
        let msg = msg.to_str().unwrap();
        assert_eq!(msg.len(), err.message_len);
        assert!(msg.contains("panic"), "{msg}");
        // SAFETY: voipsign_status_name returns a static NUL-terminated string.
        let name = unsafe { CStr::from_ptr(voipsign_status_name(st as i32)) };
        assert_eq!(name.to_str().unwrap(), "INTERNAL");
        // SAFETY: `err` may be NULL.
        let st = unsafe { voipsign_test_panic(std::ptr::null_mut()) };
        assert_eq!(st, VoipsignStatus::VoipsignInternal);
    }

    #[test]
    fn panics_from_many_threads() {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..25 {
                        let mut err = blank();
                        // SAFETY: `err` is a writable voipsign_error.
                        let st = unsafe { voipsign_test_panic(&mut err) };
                        assert_eq!(st, VoipsignStatus::VoipsignInternal);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
}
