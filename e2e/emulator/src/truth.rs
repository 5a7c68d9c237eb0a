//! Truth for tests: `GET /_emulator/rooms`, `GET /_emulator/usage`,
//! `POST /_emulator/faults`.

use crate::http::{self, Params, Shared};
use crate::ids;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;

/// `GET /_emulator/rooms?appId=` → `{"appId", "capacity", "rooms": [{"groupId",
/// "openIdList", "generation", "roomType", "openedAtMs"}]}`: the live rooms,
/// members in the order they joined.
pub async fn rooms(
    State(sh): State<Arc<Shared>>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    let q = match http::query(q) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let app_id = match http::param(&q, "appId") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let w = sh.world();
    let Some(app) = w.apps.get(app_id) else {
        return http::unknown_app(app_id);
    };
    let list: Vec<Value> = app
        .rooms
        .iter()
        .map(|(g, r)| {
            let ids: Vec<&str> = r
                .members
                .iter()
                .filter_map(|m| app.phones.get(m).map(|p| p.openid.as_str()))
                .collect();
            json!({
                "groupId": g,
                "openIdList": ids,
                "generation": r.generation,
                "roomType": r.room_type,
                "openedAtMs": r.opened_at_ms,
            })
        })
        .collect();
    http::ok(
        json!({"appId": app_id, "capacity": w.cfg.capacity, "rooms": list, "dropped": app.drops}),
    )
}

/// `GET /_emulator/usage?appId=` → `{"appId", "dailyRoomLimit",
/// "dayOffsetMinutes", "today", "openingsToday", "days": [{"day", "openings"}]}`
/// (days as `YYYY-MM-DD` in UTC + the offset, oldest first).
pub async fn usage(
    State(sh): State<Arc<Shared>>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    let q = match http::query(q) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let app_id = match http::param(&q, "appId") {
        Ok(a) => a,
        Err(r) => return r,
    };
    let w = sh.world();
    let Some(app) = w.apps.get(app_id) else {
        return http::unknown_app(app_id);
    };
    let offset = w.cfg.day_offset_minutes;
    let today = ids::day_of(ids::now_ms(), offset);
    let days: Vec<Value> = app
        .openings
        .iter()
        .map(|(d, n)| json!({"day": ids::day_name(*d), "openings": n}))
        .collect();
    http::ok(json!({
        "appId": app_id,
        "dailyRoomLimit": w.cfg.daily_room_limit,
        "dayOffsetMinutes": offset,
        "today": ids::day_name(today),
        "openingsToday": app.openings.get(&today).copied().unwrap_or(0),
        "days": days,
    }))
}

/// `POST /_emulator/faults` with either or both of `{"code2SessionErrors": N}`
/// (the next N code2Session calls, of any app, answer `-1 system error`; 0
/// clears) and `{"rotateSessionKey": PHONE, "appId"}` or `{"rotateSessionKey":
/// {"appId", "phone"}}` (replace that phone's session_key now). → `{"ok": true,
/// "code2SessionErrors": pending, "rotated"?: {"appId", "phone", "openid"}}`;
/// 404 for an unknown app (`UNKNOWN_APP`) or a phone that never logged in
/// (`UNKNOWN_PHONE`).
pub async fn faults(State(sh): State<Arc<Shared>>, b: Result<Bytes, BytesRejection>) -> Response {
    let m = match http::body(b) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let errors = match m.get("code2SessionErrors") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(n),
            None => return http::bad_request("field `code2SessionErrors` must be a whole number"),
        },
    };
    let rotate =
        match m.get("rotateSessionKey") {
            None | Some(Value::Null) => None,
            Some(Value::String(phone)) => match http::field(&m, "appId") {
                Ok(app) => Some((app.to_string(), phone.clone())),
                Err(r) => return r,
            },
            Some(Value::Object(o)) => match (http::field(o, "appId"), http::field(o, "phone")) {
                (Ok(a), Ok(p)) => Some((a.to_string(), p.to_string())),
                (Err(r), _) | (_, Err(r)) => return r,
            },
            Some(_) => return http::bad_request(
                "field `rotateSessionKey` must be a phone (with `appId`) or {\"appId\", \"phone\"}",
            ),
        };
    if errors.is_none() && rotate.is_none() {
        return http::bad_request("expected `code2SessionErrors` or `rotateSessionKey`");
    }
    let mut w = sh.world();
    let mut out = json!({"ok": true});
    if let Some((app, phone)) = rotate {
        if !w.apps.contains_key(&app) {
            return http::unknown_app(&app);
        }
        let Some(openid) = w.rotate(&app, &phone) else {
            return http::error(
                StatusCode::NOT_FOUND,
                "UNKNOWN_PHONE",
                "that phone never logged in: it has no session_key to replace",
            );
        };
        out["rotated"] = json!({"appId": app, "phone": phone, "openid": openid});
    }
    if let Some(n) = errors {
        w.code2session_errors = n;
    }
    out["code2SessionErrors"] = json!(w.code2session_errors);
    http::ok(out)
}
