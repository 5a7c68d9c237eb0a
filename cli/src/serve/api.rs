//! The routes: the JSON API (docs/DASHBOARD.md), `/metrics`, the dashboard's
//! assets; the access check and the bound on requests in flight around all of
//! them. Every error is JSON with a code; input errors answer 400, an
//! unreachable store 503, never 500 for anything a client sent.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use voipsign::rooms::{check_limit, mask_member_id, DEFAULT_PAGE};
use voipsign::{Error, ErrorCode, Kind};

use super::access::Access;
use super::source::Source;
use super::{assets, metrics};

type Q = Query<HashMap<String, String>>;

/// The server's routes over `source`, behind `access`, at most `max_requests`
/// handled at once.
pub fn router(source: Arc<Source>, access: Arc<Access>, max_requests: usize) -> Router {
    let busy = Arc::new(Semaphore::new(max_requests.max(1)));
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::asset))
        .route("/metrics", get(metrics::metrics))
        .route("/api/status", get(status))
        .route("/api/apps", get(apps))
        .route("/api/usage", get(usage))
        .route("/api/rooms", get(rooms))
        .route("/api/rooms/{group}", get(room))
        .fallback(not_found)
        .method_not_allowed_fallback(read_only)
        .with_state(source)
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let access = access.clone();
            let busy = busy.clone();
            async move { guard(&access, &busy, req, next).await }
        }))
}

/// The access check, the bound on requests in flight, and the headers every
/// response carries.
async fn guard(access: &Access, busy: &Semaphore, req: Request, next: Next) -> Response {
    let mut response = if !access.allows(req.headers()) {
        let mut r = problem(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "this server needs Authorization: Bearer <token> (the token of its --token-env)",
        );
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        r
    } else {
        match busy.try_acquire() {
            Ok(_permit) => next.run(req).await,
            Err(_) => problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVER_BUSY",
                "too many requests in flight; retry shortly",
            ),
        }
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `{"error": {"code", "message"}}` with `status`.
pub fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

/// A ledger error as a response: 400 for input, 503 for an outage, 409 for a
/// refusal, 500 only for the ledger's own internal failures.
pub fn ledger_error(e: &Error) -> Response {
    let status = match e.code().kind() {
        Kind::Input => StatusCode::BAD_REQUEST,
        Kind::Outage => StatusCode::SERVICE_UNAVAILABLE,
        Kind::Refusal => StatusCode::CONFLICT,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    };
    problem(status, e.code().name(), e.message())
}

async fn read_only() -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this server is read-only: GET (or HEAD) only",
    )
}

async fn not_found() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no such page: see docs/DASHBOARD.md",
    )
}

/// The `appId` of the query: present, valid and served (one of `--app`, else
/// one the ledger saw today: a read for any other appId would create its keys).
async fn app_of(source: &Source, q: &HashMap<String, String>) -> Result<String, Response> {
    let app = q.get("appId").map(String::as_str).unwrap_or("");
    voipsign::validate_app_id(app).map_err(|e| ledger_error(&e))?;
    let served = if source.fixed_apps.is_empty() {
        let known = |apps: Vec<String>| apps.iter().any(|a| a == app);
        // An appId new since the list was read: read it again (at most once a second).
        known(source.apps().await.map_err(|e| ledger_error(&e))?)
            || known(
                source
                    .apps_within(Duration::from_secs(1))
                    .await
                    .map_err(|e| ledger_error(&e))?,
            )
    } else {
        source.fixed_apps.iter().any(|a| a == app)
    };
    if !served {
        return Err(problem(
            StatusCode::NOT_FOUND,
            "APP_NOT_SERVED",
            "this server shows the appIds of its --app options, else those the ledger saw today; this is neither",
        ));
    }
    Ok(app.to_owned())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

async fn status(State(s): State<Arc<Source>>) -> Response {
    // A cheap probe: today's usage of the first appId served, else the list.
    let probe = match s.fixed_apps.first().cloned() {
        Some(app) => s.call(move |l| l.usage(&app, None, None).map(|_| ())).await,
        None => s.apps().await.map(|_| ()),
    };
    let mut body = json!({
        "ledgerUp": probe.is_ok(),
        "store": s.store.name(),
        "now": now_ms(),
        "maskMemberIds": s.mask,
    });
    if let Err(e) = probe {
        body["error"] = json!({"code": e.code().name(), "message": e.message()});
    }
    Json(body).into_response()
}

async fn apps(State(s): State<Arc<Source>>) -> Response {
    match s.apps().await {
        Ok(apps) => Json(json!({"day": s.limits().day(now_ms()), "apps": apps})).into_response(),
        Err(e) => ledger_error(&e),
    }
}

async fn usage(State(s): State<Arc<Source>>, Query(q): Q) -> Response {
    let app = match app_of(&s, &q).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let a = app.clone();
    let read = s
        .call(move |l| Ok((l.usage(&a, None, None)?, l.hours(&a, None, None)?)))
        .await;
    let (u, h) = match read {
        Ok(v) => v,
        Err(e) => return ledger_error(&e),
    };
    let limits = s.limits();
    let mut body = serde_json::to_value(u).unwrap_or(Value::Null);
    body["appId"] = json!(app);
    body["dailyRoomWarning"] = json!(limits.daily_room_warning);
    body["capacity"] = json!(limits.capacity);
    body["dayOffsetMinutes"] = json!(limits.day_offset_ms / 60_000);
    body["now"] = json!(now_ms());
    body["hours"] = json!({"openings": h.openings, "refused": h.refused});
    Json(body).into_response()
}

async fn rooms(State(s): State<Arc<Source>>, Query(q): Q) -> Response {
    let app = match app_of(&s, &q).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let limit = match q.get("limit") {
        None => DEFAULT_PAGE,
        Some(text) => match text
            .trim()
            .parse::<i64>()
            .map_err(|_| {
                Error::new(
                    ErrorCode::InvalidLimit,
                    format!("limit {text:?} is not a whole number of rooms per page"),
                )
            })
            .and_then(check_limit)
        {
            Ok(n) => n,
            Err(e) => return ledger_error(&e),
        },
    };
    let after = q.get("after").cloned();
    let a = app.clone();
    match s
        .call(move |l| l.rooms(&a, limit, after.as_deref(), None))
        .await
    {
        Ok(page) => {
            let rooms: Vec<Value> = page
                .rooms
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                    v["full"] = json!(r.seats >= r.capacity);
                    v
                })
                .collect();
            Json(json!({"appId": app, "rooms": rooms, "next": page.next})).into_response()
        }
        Err(e) => ledger_error(&e),
    }
}

async fn room(
    State(s): State<Arc<Source>>,
    group: Result<Path<String>, axum::extract::rejection::PathRejection>,
    Query(q): Q,
) -> Response {
    let app = match app_of(&s, &q).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(Path(group)) = group else {
        return problem(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidGroupId.name(),
            "groupId in the path is not valid UTF-8 percent-encoding",
        );
    };
    let (a, g) = (app.clone(), group.clone());
    match s.call(move |l| l.room(&a, &g, None)).await {
        Ok(room) => {
            let members: Vec<Value> = room
                .members
                .iter()
                .map(|m| {
                    let id = if s.mask {
                        mask_member_id(&m.member_id)
                    } else {
                        m.member_id.clone()
                    };
                    json!({"memberId": id, "since": m.since, "expires": m.expires})
                })
                .collect();
            Json(json!({
                "appId": app,
                "groupId": group,
                "live": room.live,
                "generation": room.generation,
                "capacity": s.limits().capacity,
                "members": members,
            }))
            .into_response()
        }
        Err(e) => ledger_error(&e),
    }
}
