//! `Ledger`: the core's room ledger (docs/ROOMS.md) as a napi-rs class.
//! Internal: lib/ledger.js wraps it in the public `Ledger`, which reads each
//! method's object argument, checks the JavaScript types and passes the values
//! here positionally.
//!
//! The class holds the core's [`rooms::Ledger`] over the memory store; each
//! method makes ONE call into it and returns the result. lib/ledger.js wraps
//! every method in an `async` function, so the public API is Promises; the Redis
//! store, which does I/O, is another class ([`crate::redis`]) whose methods run
//! on libuv's thread pool behind the same API. The memory store runs on the
//! JavaScript thread, because
//! a hop to libuv's thread pool costs far more than the work (measured on the
//! 2-core project machine, Node 20.20, an awaited `admit` + `leave` pair: 4.5 µs
//! on the JavaScript thread against 36–132 µs through an `AsyncTask`, the thread
//! wake-ups dominating, and the pool is shared with `fs`, `dns` and `zlib`); the
//! core itself takes 0.4–0.7 µs. The core validates every value in the
//! contract's order and applies the rules; nothing here checks a value.
//! Integers (`nowMs`, `day`, the rules) arrive as safe integers: lib/args.js
//! refuses fractions, NaN and beyond ±(2^53 − 1) with a `RangeError` before the
//! addon is called.

use napi_derive::napi;
use voipsign::rooms::{self, Rules};
use zeroize::Zeroizing;

use crate::errors::{js_error, Result};
use crate::rooms::{Admission, AdmissionAndTicket, Limits, Room, Usage};
use crate::text::Text;

/// The rules from the JavaScript values (`undefined`: the default), or the first
/// error in the order of the core: the numbers in the order of the rules (as in
/// Python), then `onUnavailable`, parsed by the core (`INVALID_RULES`). Shared by
/// `Ledger.memory` and `RedisLedger.open` (src/redis.rs).
#[allow(clippy::too_many_arguments)]
pub(crate) fn rules_of(
    capacity: Option<i64>,
    daily_room_limit: Option<i64>,
    daily_room_warning: Option<i64>,
    reserve_ttl_ms: Option<i64>,
    lease_ttl_ms: Option<i64>,
    sync_grace_ms: Option<i64>,
    day_offset_minutes: Option<i64>,
    on_unavailable: Option<String>,
) -> std::result::Result<Rules, voipsign::Error> {
    let d = Rules::default();
    let mut rules = Rules {
        capacity: capacity.unwrap_or(d.capacity),
        daily_room_limit: daily_room_limit.unwrap_or(d.daily_room_limit),
        daily_room_warning,
        reserve_ttl_ms: reserve_ttl_ms.unwrap_or(d.reserve_ttl_ms),
        lease_ttl_ms: lease_ttl_ms.unwrap_or(d.lease_ttl_ms),
        sync_grace_ms,
        day_offset_minutes: day_offset_minutes.unwrap_or(d.day_offset_minutes),
        on_unavailable: d.on_unavailable,
    };
    rules.validate()?;
    if let Some(name) = on_unavailable {
        rules.on_unavailable = name.parse()?;
    }
    Ok(rules)
}

/// The room ledger (internal: the package's `Ledger` in lib/ledger.js wraps it).
#[napi]
pub struct Ledger {
    inner: rooms::Ledger,
}

#[napi]
impl Ledger {
    /// A ledger over the in-process memory store. Every rule `undefined` is the
    /// default. The numbers are checked first (by the core, in this order), then
    /// `onUnavailable`, parsed by the core (`INVALID_RULES`).
    #[napi(factory, catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn memory(
        capacity: Option<i64>,
        daily_room_limit: Option<i64>,
        daily_room_warning: Option<i64>,
        reserve_ttl_ms: Option<i64>,
        lease_ttl_ms: Option<i64>,
        sync_grace_ms: Option<i64>,
        day_offset_minutes: Option<i64>,
        on_unavailable: Option<String>,
    ) -> Result<Ledger> {
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
        let inner = rooms::Ledger::memory(rules).map_err(js_error)?;
        Ok(Ledger { inner })
    }

    /// The rules in force, every default filled in.
    #[napi(catch_unwind)]
    pub fn limits(&self) -> Limits {
        Limits::from(self.inner.limits())
    }

    /// Seat `memberId` in the room, opening it when it is not live.
    #[napi(catch_unwind)]
    pub fn admit(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> Result<Admission> {
        let ledger = &self.inner;
        ({
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            ledger
                .admit(app, group, member, now_ms)
                .map(Admission::from)
        })
        .map_err(js_error)
    }

    /// Admit, then issue the join ticket (`roomType` `undefined` is voice).
    #[napi(catch_unwind)]
    pub fn admit_and_issue(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        #[napi(ts_arg_type = "string")] session_key: Text,
        room_type: Option<String>,
        now_ms: Option<i64>,
    ) -> Result<AdmissionAndTicket> {
        let ledger = &self.inner;
        let key = Zeroizing::new(session_key);
        ({
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            let room = room_type.as_deref();
            ledger
                .admit_and_issue(app, group, member, key.as_str(), room, now_ms)
                .map(AdmissionAndTicket::from)
        })
        .map_err(js_error)
    }

    /// Refresh the member's lease: the new expiry (unix ms), or `NOT_ADMITTED`.
    #[napi(catch_unwind)]
    pub fn heartbeat(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> Result<i64> {
        let ledger = &self.inner;
        ({
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            ledger.heartbeat(app, group, member, now_ms)
        })
        .map_err(js_error)
    }

    /// Remove the member's seat; whether there was a live one.
    #[napi(catch_unwind)]
    pub fn leave(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "string")] member_id: Text,
        now_ms: Option<i64>,
    ) -> Result<bool> {
        let ledger = &self.inner;
        ({
            let (app, group, member) = (app_id.as_str(), group_id.as_str(), member_id.as_str());
            ledger.leave(app, group, member, now_ms)
        })
        .map_err(js_error)
    }

    /// Reconcile with the members a phone reported; the room after.
    #[napi(catch_unwind)]
    pub fn sync(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        #[napi(ts_arg_type = "Array<string>")] open_ids: Vec<Text>,
        now_ms: Option<i64>,
    ) -> Result<Room> {
        let ledger = &self.inner;
        ({
            let (app, group) = (app_id.as_str(), group_id.as_str());
            ledger.sync(app, group, &open_ids, now_ms).map(Room::from)
        })
        .map_err(js_error)
    }

    /// The room's live seats, generation and liveness (changes nothing).
    #[napi(catch_unwind)]
    pub fn room(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        #[napi(ts_arg_type = "string")] group_id: Text,
        now_ms: Option<i64>,
    ) -> Result<Room> {
        let ledger = &self.inner;
        ({
            let (app, group) = (app_id.as_str(), group_id.as_str());
            ledger.room(app, group, now_ms).map(Room::from)
        })
        .map_err(js_error)
    }

    /// Openings charged to `appId` on `day` (`undefined`: the day of `nowMs`).
    #[napi(catch_unwind)]
    pub fn usage(
        &self,
        #[napi(ts_arg_type = "string")] app_id: Text,
        day: Option<i64>,
        now_ms: Option<i64>,
    ) -> Result<Usage> {
        let ledger = &self.inner;
        ({ ledger.usage(app_id.as_str(), day, now_ms).map(Usage::from) }).map_err(js_error)
    }
}
