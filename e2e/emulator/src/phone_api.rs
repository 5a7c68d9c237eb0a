//! WeChat's room service as a phone meets it: `POST /_phone/login`,
//! `/_phone/joinVoIPChat`, `/_phone/exitVoIPChat`. Answers are HTTP 200 with
//! the mini program API's shape (`errMsg`, `errCode`); a malformed body is 400.

use crate::http::{self, Shared};
use crate::state::JoinRequest;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;

/// `POST /_phone/login {"appId", "phone"}` → `{"code", "openid", "errMsg": "login:ok"}`
/// (wx.login); an unknown appId → `{"errMsg": "login:fail invalid appId", "errCode": -1}`.
pub async fn login(State(sh): State<Arc<Shared>>, b: Result<Bytes, BytesRejection>) -> Response {
    let r = (|| -> Result<Value, Response> {
        let m = http::body(b)?;
        let app = http::field(&m, "appId")?;
        let phone = http::phone_name(&m)?;
        Ok(match sh.world().login(app, phone) {
            Some((code, openid)) => json!({"code": code, "openid": openid, "errMsg": "login:ok"}),
            None => json!({"errMsg": "login:fail invalid appId", "errCode": -1}),
        })
    })();
    r.map_or_else(|e| e, http::ok)
}

/// `POST /_phone/joinVoIPChat {"appId", "phone", "groupId", "nonceStr",
/// "timeStamp", "signature", "roomType"}` → `{"errCode": 0, "errMsg":
/// "joinVoIPChat:ok", "openIdList"}` or `{"errCode", "errMsg"}` (see
/// [`crate::state::World::join`]). `timeStamp` is a number or a string of
/// digits; `roomType` defaults to `voice`.
pub async fn join(State(sh): State<Arc<Shared>>, b: Result<Bytes, BytesRejection>) -> Response {
    let r = (|| -> Result<Value, Response> {
        let m = http::body(b)?;
        let room_type = match m.get("roomType") {
            None | Some(Value::Null) => "voice",
            Some(_) => http::field(&m, "roomType")?,
        };
        let req = JoinRequest {
            app_id: http::field(&m, "appId")?,
            phone: http::phone_name(&m)?,
            group_id: http::field(&m, "groupId")?,
            nonce_str: http::field(&m, "nonceStr")?,
            timestamp: http::int_field(&m, "timeStamp")?,
            signature: http::field(&m, "signature")?,
            room_type,
        };
        Ok(match sh.world().join(&req) {
            Ok(list) => json!({"errCode": 0, "errMsg": "joinVoIPChat:ok", "openIdList": list}),
            Err((code, msg)) => json!({"errCode": code, "errMsg": msg}),
        })
    })();
    r.map_or_else(|e| e, http::ok)
}

/// `POST /_phone/exitVoIPChat {"appId", "phone"}` → `{"errCode": 0, "errMsg":
/// "exitVoIPChat:ok", "groupId"}` (`groupId` null when the phone was in no
/// room: still ok). The last member out closes the room.
pub async fn exit(State(sh): State<Arc<Shared>>, b: Result<Bytes, BytesRejection>) -> Response {
    let r = (|| -> Result<Value, Response> {
        let m = http::body(b)?;
        let app = http::field(&m, "appId")?;
        let phone = http::phone_name(&m)?;
        Ok(match sh.world().exit(app, phone) {
            Ok(group) => json!({"errCode": 0, "errMsg": "exitVoIPChat:ok", "groupId": group}),
            Err(()) => json!({"errCode": -1000, "errMsg": "exitVoIPChat:fail invalid appId"}),
        })
    })();
    r.map_or_else(|e| e, http::ok)
}
