//! `Ledger`: the core's room ledger (docs/ROOMS.md) as one napi-rs class over
//! either store. Internal: lib/ledger.js wraps it in the public `Ledger`, which
//! checks the JavaScript types of each method's arguments and makes every
//! method a Promise.
//!
//! `open` hands the user's options (lib/ledger.js lists the object's own
//! properties) to [`rooms::Ledger::open`] as name → [`Value`], camelCase: core
//! refuses unknown names, applies the defaults and checks types and ranges in
//! its one order, with messages in Node's spelling. Nothing here decides a rule.
//!
//! Every method returns its result as core's JSON (serde; lib/ledger.js parses
//! it), so the records' shapes are core's (declared in lib/types.d.ts).
//! - Over the memory store a method makes ONE call into the core on the
//!   JavaScript thread and returns the JSON: a hop to libuv's thread pool costs
//!   far more than the work (measured on the 2-core project machine, Node 20.20,
//!   an awaited `admit` + `leave` pair: 4.5 µs on the JavaScript thread against
//!   36–132 µs through an `AsyncTask`; the core takes 0.4–0.7 µs).
//! - Over the Redis store it returns an `AsyncTask` ([`Call`]) that makes the
//!   call on a thread of libuv's pool, where it may wait on the network (up to
//!   the connect and command timeouts), never on the JavaScript thread. The task
//!   holds its own `Arc` of the core ledger: a ledger closed or collected while
//!   calls are in flight lives on until they settle; its connections close with
//!   the last `Arc`.
//!
//! `close` drops the handle's `Arc`: every later call is refused (closed).
//! The URL may carry a password: the copy taken here is zeroed when dropped; the
//! core never shows it (its errors and `Debug` are redacted).

use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::{AsyncTask, Either, FromNapiValue, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use serde::Serialize;
use voipsign::contract::{Spelling, Value};
use voipsign::rooms::{self, RedisStore};
use voipsign::ErrorCode;
use zeroize::Zeroizing;

use crate::errors::{js_error, json, Result};
use crate::task::Call;
use crate::text::Text;

/// A result: the JSON (memory store) or a Promise of it (Redis store).
type Json = Either<String, AsyncTask<Call<String>>>;

/// An operation of the core ledger, run where the store wants it.
type Op = Box<dyn FnOnce(&rooms::Ledger) -> std::result::Result<String, voipsign::Error> + Send>;

/// The room ledger (internal: the package's `Ledger` in lib/ledger.js wraps it).
#[napi]
pub struct Ledger {
    /// `None` once closed (a lock, not `&mut self`: calls in flight borrow the handle).
    inner: Mutex<Option<Arc<rooms::Ledger>>>,
    /// What lib/ledger.js shows: the rules and (Redis) the store's settings, as JSON.
    settings: String,
    /// Over Redis: calls run on libuv's pool.
    redis: bool,
}

/// The rules in force (`ledger.rules`, lib/types.d.ts's `Limits`) and, over
/// Redis, the store's settings: what lib/ledger.js shows in `util.inspect`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    capacity: u32,
    daily_room_limit: u64,
    daily_room_warning: u64,
    member_daily_openings: u64,
    reserve_ttl_ms: i64,
    lease_ttl_ms: i64,
    sync_grace_ms: i64,
    day_offset_minutes: i64,
    on_unavailable: rooms::OnUnavailable,
    #[serde(flatten)]
    redis: Option<Redis>,
}

/// A Redis store's settings; nothing secret (the URL redacted).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Redis {
    connect_timeout_ms: i64,
    command_timeout_ms: i64,
    key_prefix: String,
    redacted_url: String,
}

/// The result of `admitAndIssue` (index.d.ts's `AdmissionAndTicket`).
#[derive(Serialize)]
struct AdmissionAndTicket {
    admission: rooms::Admission,
    ticket: voipsign::JoinTicket,
}

/// `limit` of `rooms` (a JavaScript number; `None`: the default page) as core
/// takes it, or `INVALID_LIMIT` naming the number: core's [`rooms::check_limit`]
/// for a whole number, the same error for a fraction, NaN, an infinity or a
/// number beyond 2^53 (which no page size comes near).
fn page_limit(limit: Option<f64>) -> std::result::Result<u32, voipsign::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let Some(x) = limit else {
        return Ok(rooms::DEFAULT_PAGE);
    };
    if x.is_finite() && x.fract() == 0.0 && x.abs() <= EXACT {
        return rooms::check_limit(x as i64);
    }
    let shown = match x {
        _ if x.is_nan() => "NaN".to_owned(),
        _ if x.is_infinite() => (if x > 0.0 { "Infinity" } else { "-Infinity" }).to_owned(),
        _ if x.abs() > EXACT => format!("{x:e}"),
        _ => x.to_string(),
    };
    Err(voipsign::Error::new(
        ErrorCode::InvalidLimit,
        format!(
            "limit is {shown}; it must be a whole number, 1-{} rooms per page",
            rooms::MAX_PAGE
        ),
    ))
}

/// A JavaScript value as core's option [`Value`] (a number is a `Float`: core
/// takes whole ones).
pub(crate) fn value(v: Unknown) -> napi::Result<Value> {
    Ok(match v.get_type()? {
        ValueType::Undefined | ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(bool::from_unknown(v)?),
        ValueType::Number => Value::Float(f64::from_unknown(v)?),
        ValueType::String => Value::Str(String::from_unknown(v)?),
        _ => Value::Other,
    })
}

#[napi]
impl Ledger {
    /// A ledger over the memory store (`url` null) or the Redis store at `url`,
    /// with the options `names[i]` = `values[i]` (parsed by the core: the URL
    /// first, then the options). Nothing is
    /// connected here: an unreachable server is found by the first call.
    #[napi(factory, catch_unwind)]
    pub fn open(
        env: Env,
        url: Option<String>,
        names: Vec<String>,
        #[napi(ts_arg_type = "unknown[]")] values: Vec<Unknown>,
    ) -> Result<Ledger> {
        let url = url.map(Zeroizing::new);
        let mut entries = Vec::with_capacity(names.len());
        for (name, v) in names.into_iter().zip(values) {
            entries.push((name, value(v)?));
        }
        let url = url.as_ref().map(|u| u.as_str());
        let err = |e| js_error(&env, e);
        let inner = rooms::Ledger::open(url, &entries, Spelling::Camel).map_err(err)?;
        let l = inner.limits();
        let mut settings = Settings {
            capacity: l.capacity,
            daily_room_limit: l.daily_room_limit,
            daily_room_warning: l.daily_room_warning,
            member_daily_openings: l.member_daily_openings,
            reserve_ttl_ms: l.reserve_ttl_ms,
            lease_ttl_ms: l.lease_ttl_ms,
            sync_grace_ms: l.sync_grace_ms,
            day_offset_minutes: l.day_offset_ms / 60_000,
            on_unavailable: l.on_unavailable,
            redis: None,
        };
        if let Some(url) = url {
            // The store's settings as core parsed them, and the URL as it may be shown.
            let redis = voipsign::contract::parse_options(&entries, true, Spelling::Camel);
            let r = redis.map_err(err)?.redis;
            settings.redis = Some(Redis {
                connect_timeout_ms: r.connect_timeout_ms,
                command_timeout_ms: r.command_timeout_ms,
                key_prefix: r.key_prefix,
                redacted_url: RedisStore::redacted_url(url).unwrap_or_default(),
            });
        }
        Ok(Ledger {
            inner: Mutex::new(Some(Arc::new(inner))),
            settings: json(&settings).map_err(err)?,
            redis: url.is_some(),
        })
    }

    /// The rules in force, every default filled in, and (Redis) the store's
    /// settings and the URL as it may be shown (`redactedUrl`), as JSON.
    #[napi(catch_unwind)]
    pub fn settings(&self) -> String {
        self.settings.clone()
    }

    /// Drop this handle's core ledger (calls in flight finish): every later call
    /// is refused (closed). Closing again does nothing.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// `op` on the core ledger: at once (memory) or on libuv's pool (Redis).
    fn run(&self, env: &Env, op: Op) -> Result<Json> {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(ledger) = inner else {
            let closed = voipsign::Error::new(ErrorCode::LedgerClosed, "the ledger is closed");
            return Err(js_error(env, closed));
        };
        if self.redis {
            return Ok(Either::B(AsyncTask::new(Call::new(move || op(&ledger)))));
        }
        op(&ledger).map(Either::A).map_err(|e| js_error(env, e))
    }

    /// Seat `memberId` in the room, opening it when it is not live: an Admission.
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn admit(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        self.run(
            &env,
            Box::new(move |l| {
                let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
                json(&l.admit(app, group, member, now_ms)?)
            }),
        )
    }

    /// Admit, then issue the join ticket (`roomType` `undefined` is voice):
    /// `{ admission, ticket }`.
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    #[allow(clippy::too_many_arguments)]
    pub fn admit_and_issue(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        #[napi(ts_arg_type = "string")] session_key: Text,
        room_type: Option<String>,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        let key = Zeroizing::new(session_key);
        self.run(
            &env,
            Box::new(move |l| {
                let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
                let (admission, ticket) = l.admit_and_issue(
                    app,
                    group,
                    member,
                    key.as_str(),
                    room_type.as_deref(),
                    now_ms,
                )?;
                json(&AdmissionAndTicket { admission, ticket })
            }),
        )
    }

    /// Refresh the member's lease: the new expiry (unix ms).
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn heartbeat(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        self.run(
            &env,
            Box::new(move |l| {
                let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
                json(&l.heartbeat(app, group, member, now_ms)?)
            }),
        )
    }

    /// Remove the member's seat; whether there was a live one.
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn leave(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        self.run(
            &env,
            Box::new(move |l| {
                let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
                json(&l.leave(app, group, member, now_ms)?)
            }),
        )
    }

    /// Reconcile with the members a phone reported: the Room after.
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "Array<string>")] open_ids: Vec<Text>,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        self.run(
            &env,
            Box::new(move |l| {
                json(&l.sync(app_id.as_str(), group_id.as_str(), &open_ids, now_ms)?)
            }),
        )
    }

    /// The Room: its live seats, generation and liveness (changes nothing).
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn room(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        self.run(
            &env,
            Box::new(move |l| json(&l.room(app_id.as_str(), group_id.as_str(), now_ms)?)),
        )
    }

    /// One RoomPage of `appId`'s live rooms after `after` (`undefined`: from
    /// the first), at most `limit` (`undefined`: 100; checked after the appId).
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn rooms(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        limit: Option<f64>,
        after: Option<String>,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        self.run(
            &env,
            Box::new(move |l| {
                // Core's order: appId, limit (a JavaScript number: `page_limit`),
                // then `after` (checked by `rooms`).
                let app = app_id.as_str();
                voipsign::validate_app_id(app)?;
                json(&l.rooms(app, page_limit(limit)?, after.as_deref(), now_ms)?)
            }),
        )
    }

    /// The Usage (day counters) of `appId` on `day` (`undefined`: the day of `nowMs`).
    #[napi(catch_unwind, ts_return_type = "string | Promise<string>")]
    pub fn usage(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] app_id: Text,
        day: Option<i64>,
        now_ms: Option<i64>,
    ) -> Result<Json> {
        self.run(
            &env,
            Box::new(move |l| json(&l.usage(app_id.as_str(), day, now_ms)?)),
        )
    }
}
