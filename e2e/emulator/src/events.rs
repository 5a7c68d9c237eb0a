//! `GET /_phone/events?appId=&phone=&after=N`: the long poll for
//! `onVoIPChatMembersChanged`, and a phone's presence (a held poll counts).

use crate::http::{self, Params, Shared};
use crate::state::Event;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

/// Counts a poll in progress as presence; when the request ends (answered or
/// dropped by the client), the phone was last seen now.
struct Presence {
    sh: Arc<Shared>,
    app: String,
    phone: String,
}

impl Drop for Presence {
    fn drop(&mut self) {
        let mut w = self.sh.world();
        if let Some(p) = w
            .apps
            .get_mut(&self.app)
            .and_then(|a| a.phones.get_mut(&self.phone))
        {
            p.polls = p.polls.saturating_sub(1);
            p.last_seen = Instant::now();
        }
    }
}

/// The answer: `{"events": [{"seq", "type": "onVoIPChatMembersChanged",
/// "groupId", "openIdList", "errCode": 0}], "next"}`, `next` being the cursor
/// to pass as `after` next time.
fn answer(events: &[Event], after: u64) -> Response {
    let list: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq,
                "type": "onVoIPChatMembersChanged",
                "groupId": e.group,
                "openIdList": e.open_ids,
                "errCode": 0,
            })
        })
        .collect();
    let next = events.last().map_or(after, |e| e.seq.max(after));
    http::ok(json!({"events": list, "next": next}))
}

/// The long poll: the phone's events after `after` at once if there are any,
/// else as soon as one comes, else `{"events": []}` after `--poll-timeout-ms`
/// (or at once when the server stops).
pub async fn poll(
    State(sh): State<Arc<Shared>>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    let q = match http::query(q) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let (app, phone) = match (http::param(&q, "appId"), http::param(&q, "phone")) {
        (Ok(a), Ok(p)) => (a.to_string(), p.to_string()),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let after: u64 = match q.get("after").map(|s| s.trim()) {
        None | Some("") => 0,
        Some(s) => match s.parse() {
            Ok(n) => n,
            Err(_) => return http::bad_request("query parameter `after` must be a whole number"),
        },
    };
    let deadline = tokio::time::Instant::now() + sh.poll_timeout;
    let mut rx = {
        let mut w = sh.world();
        let Some(p) = w.phone_mut(&app, &phone) else {
            return http::unknown_app(&app);
        };
        p.polls += 1;
        p.last_seen = Instant::now();
        p.notify.subscribe()
    };
    let _presence = Presence {
        sh: sh.clone(),
        app: app.clone(),
        phone: phone.clone(),
    };
    let mut stop = sh.stop.clone();
    loop {
        let found: Vec<Event> = {
            let w = sh.world();
            w.apps
                .get(&app)
                .and_then(|a| a.phones.get(&phone))
                .map(|p| p.events.iter().filter(|e| e.seq > after).cloned().collect())
                .unwrap_or_default()
        };
        if !found.is_empty() || *stop.borrow() {
            return answer(&found, after);
        }
        tokio::select! {
            r = rx.changed() => if r.is_err() {
                tokio::time::sleep_until(deadline).await;
                return answer(&[], after);
            },
            _ = tokio::time::sleep_until(deadline) => return answer(&[], after),
            _ = stop.changed() => return answer(&[], after),
        }
    }
}
