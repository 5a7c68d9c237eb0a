//! `voipsign_diagnose` and `voipsign_explain`: why WeChat rejected a signature,
//! and what a `wx.joinVoIPChat` failure means.

use std::ffi::c_char;

use voipsign::{request, ErrorCode, ExplainContext};

use crate::args::{guard, key_arg, key_list, require, str_arg, values_arg, write_text};
use crate::status::{VoipsignError, VoipsignStatus};

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
            let [app, group, nonce] = values_arg(
                app_id,
                app_id_len,
                group_id,
                group_id_len,
                nonce_str,
                nonce_str_len,
            )?;
            let key = key_arg(session_key, session_key_len)?;
            let rejected = str_arg(rejected_signature, rejected_signature_len, "signature")?;
            let others = key_list(
                other_session_keys,
                other_session_key_lens,
                other_count,
                "otherSessionKeys",
            )?;
            require(out, "out")?;
            let d = request::diagnose(app, group, nonce, timestamp, key, rejected, &others)?;
            write_text(out, out_cap, out_len, crate::args::json(&d)?.as_bytes())
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
                crate::args::json(&voipsign::explain(err_code, msg))?.as_bytes(),
            )
        }
    })
}

/// Explain a `wx.joinVoIPChat` failure with what the backend knows (the
/// ledger-aware `explain`): `context` is a JSON object of the context's fields
/// (docs/CONTRACT.md, "explain"), spelled as `spelling` says
/// (`VOIPSIGN_SPELLING_SNAKE`: `key_replaced`; `VOIPSIGN_SPELLING_CAMEL`:
/// `keyReplaced`), each optional. It names causes only the ledger can tell
/// apart: `SESSION_KEY_REPLACED`, `SEATED_ELSEWHERE`, a `ROOM_FULL` the ledger
/// did not count (a ghost), a `DAILY_ROOM_LIMIT` reached outside the ledger.
/// `context` may be `(NULL, 0)`: the answer of `voipsign_explain`. An unknown
/// field or a value of the wrong type is `VOIPSIGN_INVALID_CONTEXT`.
/// Writes the JSON object of `voipsign_explain`; 4096 bytes always suffice.
///
/// Ownership: inputs borrowed; buffers caller-owned. Thread safety: reentrant.
///
/// # Safety
/// As `voipsign_canonical`, with `context` readable for `context_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn voipsign_explain_with(
    err_code: i64,
    err_msg: *const c_char,
    err_msg_len: usize,
    context: *const c_char,
    context_len: usize,
    spelling: i32,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let msg = str_arg(err_msg, err_msg_len, "errMsg")?;
            let text = str_arg(context, context_len, "context")?;
            let sp = crate::args::spelling_arg(spelling, ErrorCode::InvalidContext)?;
            let ctx = if text.is_empty() {
                ExplainContext::default()
            } else {
                ExplainContext::from_json(text, sp)?
            };
            require(out, "out")?;
            write_text(
                out,
                out_cap,
                out_len,
                crate::args::json(&voipsign::explain_with(err_code, msg, &ctx))?.as_bytes(),
            )
        }
    })
}
