//! The addon's functions: one per operation of `voipsign::request`, arguments
//! positional (lib/api.js reads them from the caller's object and checks their
//! JavaScript types). Internal: the public API is index.js's. Records (a join
//! ticket, a diagnosis, an explanation) are returned as core's JSON, which
//! lib/api.js parses (their shapes are declared in lib/types.d.ts).
//!
//! Strings arrive as [`Text`] (a fast copy; `ts_arg_type` declares them as
//! `string`) in the functions called per request; `diagnose` and `explain`, for
//! error paths, take napi-rs's `String`. A timeStamp is a `number | bigint`, a
//! body a `string | Uint8Array`. Session_keys are wrapped in [`Zeroizing`] at once, so
//! the addon's copies are zeroed when dropped (best effort: the key also lives in
//! the JavaScript heap).

use napi::bindgen_prelude::{BigInt, Either, Latin1String, Unknown};
use napi::Env;
use napi_derive::napi;
use voipsign::contract::Spelling;
use voipsign::{request, ExplainContext};
use zeroize::Zeroizing;

use crate::args::{body_bytes, timestamp};
use crate::errors::{js_error, json, Result};
use crate::text::Text;

/// The signature for `wx.joinVoIPChat` (64 lowercase hex digits).
#[napi(catch_unwind)]
pub fn sign(
    env: Env,
    #[napi(ts_arg_type = "string")] app_id: Text,
    #[napi(ts_arg_type = "string")] group_id: Text,
    #[napi(ts_arg_type = "string")] nonce_str: Text,
    time_stamp: Either<f64, BigInt>,
    #[napi(ts_arg_type = "string")] session_key: Text,
) -> Result<Latin1String> {
    let key = Zeroizing::new(session_key);
    let (app, group, nonce) = (app_id.as_str(), group_id.as_str(), nonce_str.as_str());
    let sig = request::sign(app, group, nonce, timestamp(time_stamp), key.as_str())
        .map_err(|e| js_error(&env, e))?;
    Ok(Latin1String::from(sig.as_str().to_owned()))
}

/// Whether `signature` is the right one (compared in constant time).
#[napi(catch_unwind)]
pub fn verify(
    env: Env,
    #[napi(ts_arg_type = "string")] app_id: Text,
    #[napi(ts_arg_type = "string")] group_id: Text,
    #[napi(ts_arg_type = "string")] nonce_str: Text,
    time_stamp: Either<f64, BigInt>,
    #[napi(ts_arg_type = "string")] session_key: Text,
    #[napi(ts_arg_type = "string")] signature: Text,
) -> Result<bool> {
    let key = Zeroizing::new(session_key);
    let (app, group, nonce) = (app_id.as_str(), group_id.as_str(), nonce_str.as_str());
    let ts = timestamp(time_stamp);
    request::verify(app, group, nonce, ts, key.as_str(), signature.as_str())
        .map_err(|e| js_error(&env, e))
}

/// The canonical string: the four values sorted and joined (what is signed).
#[napi(catch_unwind)]
pub fn canonical(
    env: Env,
    #[napi(ts_arg_type = "string")] app_id: Text,
    #[napi(ts_arg_type = "string")] group_id: Text,
    #[napi(ts_arg_type = "string")] nonce_str: Text,
    time_stamp: Either<f64, BigInt>,
) -> Result<String> {
    let (app, group, nonce) = (app_id.as_str(), group_id.as_str(), nonce_str.as_str());
    request::canonical(app, group, nonce, timestamp(time_stamp)).map_err(|e| js_error(&env, e))
}

/// The signatures of one room for many session_keys, in their order, joined
/// into one string of 64 hex digits each (lib/api.js slices it: cheaper than
/// building a JavaScript array element by element through N-API).
#[napi(catch_unwind)]
pub fn sign_many(
    env: Env,
    #[napi(ts_arg_type = "string")] app_id: Text,
    #[napi(ts_arg_type = "string")] group_id: Text,
    #[napi(ts_arg_type = "string")] nonce_str: Text,
    time_stamp: Either<f64, BigInt>,
    #[napi(ts_arg_type = "Array<string>")] session_keys: Vec<Text>,
) -> Result<Latin1String> {
    let keys = Zeroizing::new(session_keys);
    let (app, group, nonce) = (app_id.as_str(), group_id.as_str(), nonce_str.as_str());
    let ts = timestamp(time_stamp);
    let sigs = request::sign_many(app, group, nonce, ts, &keys).map_err(|e| js_error(&env, e))?;
    let mut joined = String::with_capacity(sigs.len() * voipsign::SIGNATURE_LEN);
    for sig in &sigs {
        joined.push_str(sig.as_str());
    }
    Ok(Latin1String::from(joined))
}

/// A join ticket for now: a fresh nonce, the current time and the signature.
/// `roomType` `undefined` is `"voice"`.
#[napi(catch_unwind)]
pub fn issue(
    env: Env,
    #[napi(ts_arg_type = "string")] app_id: Text,
    #[napi(ts_arg_type = "string")] group_id: Text,
    #[napi(ts_arg_type = "string")] session_key: Text,
    room_type: Option<String>,
) -> Result<String> {
    let key = Zeroizing::new(session_key);
    let (app, group) = (app_id.as_str(), group_id.as_str());
    let ticket = request::issue(app, group, key.as_str(), room_type.as_deref());
    ticket.and_then(|t| json(&t)).map_err(|e| js_error(&env, e))
}

/// WeChat's user login state signature of `body` (`undefined`: the empty body
/// of `GET /wxa/checksession`).
#[napi(catch_unwind)]
pub fn session_signature(
    env: Env,
    #[napi(ts_arg_type = "string")] session_key: Text,
    body: Option<Either<String, &[u8]>>,
) -> Result<Latin1String> {
    let key = Zeroizing::new(session_key);
    let sig = request::session_signature(key.as_str(), body_bytes(&body))
        .map_err(|e| js_error(&env, e))?;
    Ok(Latin1String::from(sig.as_str().to_owned()))
}

/// Which known mistake reproduces `rejectedSignature` (any string).
/// `otherSessionKeys` `undefined` is none.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn diagnose(
    env: Env,
    app_id: String,
    group_id: String,
    nonce_str: String,
    time_stamp: Either<f64, BigInt>,
    session_key: String,
    rejected_signature: String,
    other_session_keys: Option<Vec<String>>,
) -> Result<String> {
    let key = Zeroizing::new(session_key);
    let others = Zeroizing::new(other_session_keys.unwrap_or_default());
    let ts = timestamp(time_stamp);
    let (app, group, nonce, rejected) = (&app_id, &group_id, &nonce_str, &rejected_signature);
    request::diagnose(app, group, nonce, ts, &key, rejected, &others)
        .and_then(|d| json(&d))
        .map_err(|e| js_error(&env, e))
}

/// What a `wx.joinVoIPChat` failure means, from its `errCode` (a safe integer,
/// checked by lib/args.js) and `errMsg` (`undefined` is `''`), refined by the
/// ledger context `names[i]` = `values[i]` (the context object's own fields,
/// parsed by core in camelCase; none: the plain explanation).
#[napi(catch_unwind)]
pub fn explain(
    env: Env,
    err_code: i64,
    err_msg: Option<String>,
    names: Vec<String>,
    #[napi(ts_arg_type = "unknown[]")] values: Vec<Unknown>,
) -> Result<String> {
    let err = |e| js_error(&env, e);
    let mut entries = Vec::with_capacity(names.len());
    for (name, v) in names.into_iter().zip(values) {
        entries.push((name, crate::ledger::value(v)?));
    }
    let ctx = ExplainContext::parse(&entries, Spelling::Camel).map_err(err)?;
    json(&voipsign::explain_with(
        err_code,
        err_msg.as_deref().unwrap_or(""),
        &ctx,
    ))
    .map_err(err)
}
