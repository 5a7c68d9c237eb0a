//! WeChat's server API: `GET /sns/jscode2session` (what a backend calls).
//! Answers are HTTP 200 with WeChat's JSON, errors included, as WeChat does.

use crate::http::{self, Params, Shared};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// `GET /sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code`
/// → `{"openid", "session_key"}` or `{"errcode", "errmsg"}`.
pub async fn jscode2session(
    State(sh): State<Arc<Shared>>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    let q = match http::query(q) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let g = |k: &str| q.get(k).map(String::as_str);
    let answer = sh
        .world()
        .code2session(g("appid"), g("secret"), g("js_code"), g("grant_type"));
    match answer {
        Ok((openid, session_key)) => {
            http::ok(json!({"openid": openid, "session_key": session_key}))
        }
        Err((errcode, errmsg)) => http::ok(json!({"errcode": errcode, "errmsg": errmsg})),
    }
}
