//! `RedisLedger`: the core's room ledger over the Redis store (one Redis server or
//! a Redis Cluster shared by every backend instance; docs/ROOMS.md) as a napi-rs
//! class. Internal: lib/ledger.js wraps it in the public `Ledger`
//! (`Ledger.redis(url, { ... })`), with the same Promise methods as the memory
//! ledger ([`crate::ledger`]).
//!
//! The class holds an `Arc` of the core's [`rooms::Ledger`]; each method copies
//! its arguments and returns an `AsyncTask` ([`Call`]) that makes ONE call into
//! the core ledger on a thread of libuv's pool, where it may wait on the network
//! (up to the connect and command timeouts), never on the JavaScript thread
//! ([`crate::task`] says why a `Task`). The task holds its own `Arc`, so a ledger
//! collected by the GC lives on until its last call settles; its connections
//! close when the last `Arc` goes.
//!
//! The URL may carry a password: the copy taken here is zeroed when dropped, the
//! core keeps it only in its connection settings and never shows it (its errors
//! and `Debug` are redacted), and nothing here formats it.

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;
use voipsign::rooms::{self, RedisOptions, RedisStore, DEFAULT_TIMEOUT_MS, KEY_PREFIX};
use voipsign::ErrorCode;
use zeroize::Zeroizing;

use crate::errors::{js_error, Result};
use crate::ledger::rules_of;
use crate::rooms::{Admission, AdmissionAndTicket, Limits, Room, Usage};
use crate::task::Call;
use crate::text::Text;

/// The room ledger over Redis (internal: the package's `Ledger.redis` in
/// lib/ledger.js wraps it).
#[napi]
pub struct RedisLedger {
    inner: Arc<rooms::Ledger>,
    options: RedisOptions,
    redacted_url: String,
}

/// The connection settings of a Redis ledger, every default filled in (shown by
/// `util.inspect(ledger)`; nothing secret: the URL is not among them).
#[napi(object)]
pub struct RedisSettings {
    /// Opening a connection (TCP, TLS, AUTH), ms.
    pub connect_timeout_ms: i64,
    /// Each command (one script run), ms.
    pub command_timeout_ms: i64,
    /// The first part of every key.
    pub key_prefix: String,
    /// The URL as it may be shown: scheme, hosts, database; credentials as `***`
    /// (the core's `RedisStore::redacted_url`).
    pub redacted_url: String,
}

#[napi]
impl RedisLedger {
    /// A ledger over the Redis server or cluster at `url`; every rule and option
    /// `undefined` is the default. Checked in the core's order: the URL
    /// (`INVALID_REDIS_URL`, never echoing it), the rules' numbers, then
    /// `onUnavailable`, then the options (`INVALID_RULES`). Nothing is connected
    /// here (no I/O on the JavaScript thread): an unreachable server is found by
    /// the first call, which then follows `onUnavailable`.
    #[napi(factory, catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn open(
        url: String,
        capacity: Option<i64>,
        daily_room_limit: Option<i64>,
        daily_room_warning: Option<i64>,
        reserve_ttl_ms: Option<i64>,
        lease_ttl_ms: Option<i64>,
        sync_grace_ms: Option<i64>,
        day_offset_minutes: Option<i64>,
        on_unavailable: Option<String>,
        connect_timeout_ms: Option<i64>,
        command_timeout_ms: Option<i64>,
        key_prefix: Option<String>,
    ) -> Result<RedisLedger> {
        let url = Zeroizing::new(url);
        let options = RedisOptions {
            connect_timeout_ms: connect_timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            command_timeout_ms: command_timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            key_prefix: key_prefix.unwrap_or_else(|| KEY_PREFIX.to_owned()),
        };
        // As rooms::Ledger::redis: the URL first, then the rules (here with
        // onUnavailable after the numbers, as Ledger.memory), then the options.
        let store = match RedisStore::open(&url, &options) {
            Err(e) if e.code() == ErrorCode::InvalidRedisUrl => return Err(js_error(e)),
            store => store,
        };
        let rules = rules_of(
            capacity,
            daily_room_limit,
            daily_room_warning,
            reserve_ttl_ms,
            lease_ttl_ms,
            sync_grace_ms,
            day_offset_minutes,
            on_unavailable,
        )
        .map_err(js_error)?;
        let store = store.map_err(js_error)?;
        let inner = rooms::Ledger::new(rules, Box::new(store)).map_err(js_error)?;
        Ok(RedisLedger {
            inner: Arc::new(inner),
            options,
            redacted_url: RedisStore::redacted_url(&url).unwrap_or_default(),
        })
    }

    /// The connection settings, every default filled in.
    #[napi(catch_unwind)]
    pub fn settings(&self) -> RedisSettings {
        RedisSettings {
            connect_timeout_ms: self.options.connect_timeout_ms,
            command_timeout_ms: self.options.command_timeout_ms,
            key_prefix: self.options.key_prefix.clone(),
            redacted_url: self.redacted_url.clone(),
        }
    }

    /// The rules in force, every default filled in.
    #[napi(catch_unwind)]
    pub fn limits(&self) -> Limits {
        Limits::from(self.inner.limits())
    }

    /// Seat `memberId` in the room, opening it when it is not live.
    #[napi(catch_unwind, ts_return_type = "Promise<Admission>")]
    pub fn admit(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> AsyncTask<Call<Admission>> {
        let ledger = Arc::clone(&self.inner);
        AsyncTask::new(Call::new(move || {
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            ledger
                .admit(app, group, member, now_ms)
                .map(Admission::from)
        }))
    }

    /// Admit, then issue the join ticket (`roomType` `undefined` is voice).
    #[napi(catch_unwind, ts_return_type = "Promise<AdmissionAndTicket>")]
    pub fn admit_and_issue(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        #[napi(ts_arg_type = "string")] session_key: Text,
        room_type: Option<String>,
        now_ms: Option<i64>,
    ) -> AsyncTask<Call<AdmissionAndTicket>> {
        let ledger = Arc::clone(&self.inner);
        let key = Zeroizing::new(session_key);
        AsyncTask::new(Call::new(move || {
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            let room = room_type.as_deref();
            ledger
                .admit_and_issue(app, group, member, key.as_str(), room, now_ms)
                .map(AdmissionAndTicket::from)
        }))
    }

    /// Refresh the member's lease: the new expiry (unix ms), or `NOT_ADMITTED`.
    #[napi(catch_unwind, ts_return_type = "Promise<number>")]
    pub fn heartbeat(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> AsyncTask<Call<i64>> {
        let ledger = Arc::clone(&self.inner);
        AsyncTask::new(Call::new(move || {
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            ledger.heartbeat(app, group, member, now_ms)
        }))
    }

    /// Remove the member's seat; whether there was a live one.
    #[napi(catch_unwind, ts_return_type = "Promise<boolean>")]
    pub fn leave(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> AsyncTask<Call<bool>> {
        let ledger = Arc::clone(&self.inner);
        AsyncTask::new(Call::new(move || {
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            ledger.leave(app, group, member, now_ms)
        }))
    }

    /// Reconcile with the members a phone reported; the room after.
    #[napi(catch_unwind, ts_return_type = "Promise<Room>")]
    pub fn sync(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "Array<string>")] open_ids: Vec<Text>,
        now_ms: Option<i64>,
    ) -> AsyncTask<Call<Room>> {
        let ledger = Arc::clone(&self.inner);
        AsyncTask::new(Call::new(move || {
            let (app, group) = (app_id.as_str(), group_id.as_str());
            ledger.sync(app, group, &open_ids, now_ms).map(Room::from)
        }))
    }

    /// The room's live seats, generation and liveness (changes nothing).
    #[napi(catch_unwind, ts_return_type = "Promise<Room>")]
    pub fn room(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        now_ms: Option<i64>,
    ) -> AsyncTask<Call<Room>> {
        let ledger = Arc::clone(&self.inner);
        AsyncTask::new(Call::new(move || {
            let (app, group) = (app_id.as_str(), group_id.as_str());
            ledger.room(app, group, now_ms).map(Room::from)
        }))
    }

    /// Openings charged to `appId` on `day` (`undefined`: the day of `nowMs`).
    #[napi(catch_unwind, ts_return_type = "Promise<Usage>")]
    pub fn usage(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        day: Option<i64>,
        now_ms: Option<i64>,
    ) -> AsyncTask<Call<Usage>> {
        let ledger = Arc::clone(&self.inner);
        AsyncTask::new(Call::new(move || {
            ledger.usage(app_id.as_str(), day, now_ms).map(Usage::from)
        }))
    }
}
