//! Reading requests and shaping answers: a bad body or query is a 400 naming
//! what is wrong, never a 500.

use crate::state::World;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use tokio::sync::watch;

/// The largest accepted request body.
pub const BODY_LIMIT: usize = 16 * 1024;

/// What every handler shares.
pub struct Shared {
    /// The emulator's memory.
    pub world: Mutex<World>,
    /// The longest hold of an events request.
    pub poll_timeout: std::time::Duration,
    /// Becomes `true` when the server stops (long polls answer at once).
    pub stop: watch::Receiver<bool>,
}

impl Shared {
    /// The world, locked (a panic elsewhere does not poison it for good).
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A query string, as name → value.
pub type Params = HashMap<String, String>;

/// `{"error": code, "message"}` with this status.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": code, "message": message.into()})),
    )
        .into_response()
}

/// A 400 `BAD_REQUEST` with this message.
pub fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// A 404 `UNKNOWN_APP` for `/_phone/events` and `/_emulator/*`.
pub fn unknown_app(app_id: &str) -> Response {
    let shown: String = app_id.chars().take(64).collect();
    error(
        StatusCode::NOT_FOUND,
        "UNKNOWN_APP",
        format!("appId {shown:?} is not an app of this emulator (--app)"),
    )
}

/// 200 with this JSON.
pub fn ok(v: Value) -> Response {
    Json(v).into_response()
}

/// The body as a JSON object: 413 over [`BODY_LIMIT`], else 400 when it is
/// not a JSON object.
pub fn body(b: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, Response> {
    let b = b.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BODY_TOO_LARGE",
                "bodies over 16 KiB are refused",
            )
        } else {
            bad_request(format!("unreadable body: {e}"))
        }
    })?;
    match serde_json::from_slice::<Value>(&b) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(bad_request("the body must be a JSON object")),
        Err(e) => Err(bad_request(format!("the body is not JSON: {e}"))),
    }
}

/// A string field of a body: 400 naming it when missing or not a string.
pub fn field<'a>(m: &'a Map<String, Value>, name: &str) -> Result<&'a str, Response> {
    match m.get(name) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(bad_request(format!("missing field `{name}`"))),
        Some(_) => Err(bad_request(format!("field `{name}` must be a string"))),
    }
}

/// An integer field given as a JSON number or a string of 1-18 ASCII digits (no
/// sign, no space; read as its number, so a leading zero is not kept).
pub fn int_field(m: &Map<String, Value>, name: &str) -> Result<i64, Response> {
    let v = match m.get(name) {
        None | Some(Value::Null) => return Err(bad_request(format!("missing field `{name}`"))),
        Some(v) => v,
    };
    v.as_i64()
        .or_else(|| {
            v.as_str()
                .filter(|s| (1..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse().ok())
        })
        .ok_or_else(|| {
            bad_request(format!(
                "field `{name}` must be an integer (a number or a string of digits)"
            ))
        })
}

/// The query string: 400 when it cannot be read.
pub fn query(q: Result<Query<Params>, QueryRejection>) -> Result<Params, Response> {
    q.map(|Query(q)| q)
        .map_err(|e| bad_request(format!("unreadable query string: {e}")))
}

/// A query parameter: 400 naming it when missing or empty.
pub fn param<'a>(q: &'a Params, name: &str) -> Result<&'a str, Response> {
    match q.get(name) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(bad_request(format!("missing query parameter `{name}`"))),
    }
}

/// A phone's name: 1–256 bytes.
pub fn phone_name(m: &Map<String, Value>) -> Result<&str, Response> {
    let p = field(m, "phone")?;
    if p.is_empty() || p.len() > 256 {
        return Err(bad_request("field `phone` must be 1-256 bytes"));
    }
    Ok(p)
}
