//! The room ledger: WeChat's room rules enforced before a ticket is issued.
//!
//! WeChat seats at most 10 people in a room, opens at most 100,000 rooms a day per
//! mini program, destroys a room when its last member leaves, and counts a reused
//! groupId as a new room. The ledger is authoritative about the seats it granted;
//! leaves it learns are hints, and lease expiry is the backstop. See
//! `docs/ROOMS.md` for the rules, operations and stores.
//!
//! ```
//! use voipsign::rooms::{Ledger, Rules};
//!
//! let ledger = Ledger::memory(Rules { capacity: 2, ..Rules::default() })?;
//! let t = Some(1_796_083_200_000); // explicit times make it reproducible
//! let a = ledger.admit("wx20afc706a711eefc", "room-1", "openid-a", t)?;
//! assert!(a.opened && a.generation == 1 && a.rooms_today == 1);
//! ledger.admit("wx20afc706a711eefc", "room-1", "openid-b", t)?;
//! let full = ledger.admit("wx20afc706a711eefc", "room-1", "openid-c", t).unwrap_err();
//! assert_eq!(full.code().name(), "ROOM_FULL");
//! # Ok::<(), voipsign::Error>(())
//! ```

mod counters;
#[cfg(test)]
mod hours_tests;
mod memory;
mod model;
#[cfg(feature = "redis")]
mod redis;
mod rules;
mod store;

#[cfg(feature = "redis")]
pub(crate) use self::redis::check_key_prefix;
#[cfg(feature = "redis")]
pub use self::redis::{
    RedisOptions, RedisStore, DEFAULT_TIMEOUT_MS, EXPIRY_MARGIN_MS, KEY_PREFIX,
    MAX_EXPLICIT_TIME_MS, MAX_TIMEOUT_MS,
};
pub use counters::{Counter, DayCounts, Hours, Usage, COUNTERS};
pub use memory::{MemoryStore, FORGET_EMPTY_ROOMS_MS};
pub use model::{
    room_json_bound, room_page_json_bound, Admission, Room, RoomPage, RoomSummary, Seat,
    DEFAULT_PAGE, MAX_PAGE, ROOM_JSON_FIXED, ROOM_JSON_PER_SEAT,
};
pub use rules::{
    Limits, OnUnavailable, Rules, DEFAULT_MEMBER_DAILY_OPENINGS, MAX_CAPACITY,
    MAX_DAILY_ROOM_LIMIT, MAX_TTL_MS, MIN_TTL_MS,
};
pub use store::Store;

use crate::error::{Error, ErrorCode};
use crate::key::SessionKey;
use crate::params::{validate_app_id, validate_group_id, validate_member_id};
use crate::request::{room_type, Timestamp};
use crate::ticket::JoinTicket;

/// A ledger: validated rules over a store. `Send + Sync`: share one per process
/// (every operation is atomic in the store).
#[derive(Debug)]
pub struct Ledger {
    limits: Limits,
    store: Box<dyn Store>,
}

/// The list name in errors about `sync`'s member list (`openIds[2]: …`).
pub const OPEN_IDS_FIELD: &str = "openIds";

impl Ledger {
    /// A ledger over `store`; `INVALID_RULES` when a rule is out of range.
    pub fn new(rules: Rules, store: Box<dyn Store>) -> Result<Ledger, Error> {
        Ok(Ledger {
            limits: rules.validate()?,
            store,
        })
    }

    /// A ledger over a new [`MemoryStore`].
    pub fn memory(rules: Rules) -> Result<Ledger, Error> {
        Ledger::new(rules, Box::new(MemoryStore::new()))
    }

    /// A ledger over a [`RedisStore`] at `url` (one server or a Redis Cluster, see
    /// [`RedisStore::open`]), shared with every other instance using the same
    /// server. Checks the url (`INVALID_REDIS_URL`), then the rules and the
    /// options (`INVALID_RULES`); connects lazily.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str, rules: Rules, options: RedisOptions) -> Result<Ledger, Error> {
        let store = RedisStore::open(url, &options);
        let limits = rules.validate();
        let (store, limits) = match (store, limits) {
            (Err(e), _) if e.code() == ErrorCode::InvalidRedisUrl => return Err(e),
            (_, Err(e)) => return Err(e),
            (Err(e), _) => return Err(e),
            (Ok(s), Ok(l)) => (s, l),
        };
        Ok(Ledger {
            limits,
            store: Box::new(store),
        })
    }

    /// A ledger from options as a binding's user gave them (name → value, see
    /// [`crate::contract::options`]): over a new memory store when `redis_url`
    /// is `None`, else over a [`RedisStore`] at the URL. Checks the URL first
    /// (`INVALID_REDIS_URL`), then the options (`INVALID_RULES`: an unknown name,
    /// a Redis option on a memory ledger, a wrong type, a value out of range, in
    /// the description's order), every message in the caller's spelling.
    pub fn open<K: AsRef<str>>(
        redis_url: Option<&str>,
        options: &[(K, crate::contract::Value)],
        sp: crate::contract::Spelling,
    ) -> Result<Ledger, Error> {
        match redis_url {
            None => {
                let s = crate::contract::parse_options(options, false, sp)?;
                Ledger::memory(s.rules)
            }
            #[cfg(feature = "redis")]
            Some(url) => {
                RedisStore::check_url(url)?;
                let s = crate::contract::parse_options(options, true, sp)?;
                let store = RedisStore::open_as(url, &s.redis, sp)?;
                Ledger::new(s.rules, Box::new(store))
            }
            #[cfg(not(feature = "redis"))]
            Some(_) => Err(Error::new(
                ErrorCode::InvalidRedisUrl,
                "this build of voipsign has no Redis store",
            )),
        }
    }

    /// The rules in force, every default filled in.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Seat `member_id` in the room (appId, groupId), opening it when it is not
    /// live. Checks appId, groupId, memberId, in that order.
    pub fn admit(
        &self,
        app_id: &str,
        group_id: &str,
        member_id: &str,
        now_ms: Option<i64>,
    ) -> Result<Admission, Error> {
        validate_app_id(app_id)?;
        validate_group_id(group_id)?;
        validate_member_id(member_id)?;
        self.admit_valid(app_id, group_id, member_id, now_ms)
    }

    fn admit_valid(
        &self,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<Admission, Error> {
        match self.store.admit(&self.limits, app, group, member, now) {
            Err(e) if e.code() == ErrorCode::LedgerUnavailable => self.unavailable(e, now),
            other => other,
        }
    }

    /// `on_unavailable`: admit flagged `degraded`, or refuse.
    fn unavailable(&self, e: Error, now: Option<i64>) -> Result<Admission, Error> {
        match self.limits.on_unavailable {
            OnUnavailable::Refuse => Err(e),
            OnUnavailable::Allow => Ok(Admission {
                opened: false,
                renewed: false,
                members: 0,
                generation: 0,
                rooms_today: 0,
                daily_room_limit: self.limits.daily_room_limit,
                quota_warning: false,
                lease_expires_at: now
                    .unwrap_or_else(memory::clock_ms)
                    .saturating_add(self.limits.reserve_ttl_ms),
                degraded: true,
            }),
        }
    }

    /// Admit, then hand out the join ticket the phone passes to
    /// `wx.joinVoIPChat`. Every input is checked before anything is written (a bad
    /// session_key takes no seat), in the order appId, groupId, the timeStamp of
    /// an explicit time (`floor(now_ms / 1000)`), the session_key, memberId,
    /// roomType (`None` = voice).
    pub fn admit_and_issue(
        &self,
        app_id: &str,
        group_id: &str,
        member_id: &str,
        session_key: &str,
        room_type_name: Option<&str>,
        now_ms: Option<i64>,
    ) -> Result<(Admission, JoinTicket), Error> {
        validate_app_id(app_id)?;
        validate_group_id(group_id)?;
        let timestamp = match now_ms {
            Some(ms) => Timestamp::from(ms.div_euclid(1000)).seconds()?,
            None => crate::ticket::now_seconds(),
        };
        let key = SessionKey::new(session_key)?;
        validate_member_id(member_id)?;
        let room = room_type(room_type_name)?;
        let ticket = crate::ticket::issue_at(app_id, group_id, &key, room, timestamp)?;
        let admission = self.admit_valid(app_id, group_id, member_id, now_ms)?;
        Ok((admission, ticket))
    }

    /// Refresh a seat's lease (phones heartbeat every 15 s while in the call): the
    /// new expiry, or `NOT_ADMITTED`. When the store cannot be reached and
    /// `on_unavailable = allow`, answers `now + lease_ttl` (a ledger outage never
    /// sends a phone out of its call); with `refuse`, `LEDGER_UNAVAILABLE`.
    pub fn heartbeat(
        &self,
        app_id: &str,
        group_id: &str,
        member_id: &str,
        now_ms: Option<i64>,
    ) -> Result<i64, Error> {
        validate_app_id(app_id)?;
        validate_group_id(group_id)?;
        validate_member_id(member_id)?;
        match self
            .store
            .heartbeat(&self.limits, app_id, group_id, member_id, now_ms)
        {
            Err(e)
                if e.code() == ErrorCode::LedgerUnavailable
                    && self.limits.on_unavailable == OnUnavailable::Allow =>
            {
                Ok(now_ms
                    .unwrap_or_else(memory::clock_ms)
                    .saturating_add(self.limits.lease_ttl_ms))
            }
            other => other,
        }
    }

    /// Remove the member's seat (on `wx.exitVoIPChat`); whether there was one.
    pub fn leave(
        &self,
        app_id: &str,
        group_id: &str,
        member_id: &str,
        now_ms: Option<i64>,
    ) -> Result<bool, Error> {
        validate_app_id(app_id)?;
        validate_group_id(group_id)?;
        validate_member_id(member_id)?;
        self.store
            .leave(&self.limits, app_id, group_id, member_id, now_ms)
    }

    /// Reconcile with the members a phone reported (`wx.onVoIPChatMembersChanged`):
    /// listed seats refreshed, listed members without one adopted (never refused,
    /// never charged), unlisted seats older than `sync_grace` removed. Each id is
    /// checked; an error names it `openIds[i]`.
    pub fn sync<K: AsRef<str>>(
        &self,
        app_id: &str,
        group_id: &str,
        open_ids: &[K],
        now_ms: Option<i64>,
    ) -> Result<Room, Error> {
        validate_app_id(app_id)?;
        validate_group_id(group_id)?;
        let mut listed: Vec<&str> = Vec::with_capacity(open_ids.len());
        for (i, id) in open_ids.iter().enumerate() {
            let id = id.as_ref();
            validate_member_id(id).map_err(|e| {
                Error::new(e.code(), format!("{OPEN_IDS_FIELD}[{i}]: {}", e.message()))
            })?;
            if !listed.contains(&id) {
                listed.push(id);
            }
        }
        self.store
            .sync(&self.limits, app_id, group_id, &listed, now_ms)
    }

    /// The room's live seats (sorted by member id), generation and liveness.
    pub fn room(&self, app_id: &str, group_id: &str, now_ms: Option<i64>) -> Result<Room, Error> {
        validate_app_id(app_id)?;
        validate_group_id(group_id)?;
        self.store.room(&self.limits, app_id, group_id, now_ms)
    }

    /// The day counters of `app_id` on `day` (default: the day of `now_ms`, in
    /// the rules' UTC offset), the limit, and for today the live rooms and seats
    /// (docs/ROOMS.md, "Day counters").
    pub fn usage(
        &self,
        app_id: &str,
        day: Option<i64>,
        now_ms: Option<i64>,
    ) -> Result<Usage, Error> {
        validate_app_id(app_id)?;
        self.store.usage(&self.limits, app_id, day, now_ms)
    }

    /// One page of the appId's live rooms in groupId byte order: at most `limit`
    /// (1–1000, else `INVALID_LIMIT`) of those after `after` (a groupId, else
    /// `INVALID_GROUP_ID` naming `after`), and the cursor of the next page.
    /// Checks appId, limit, after, in that order.
    pub fn rooms(
        &self,
        app_id: &str,
        limit: u32,
        after: Option<&str>,
        now_ms: Option<i64>,
    ) -> Result<RoomPage, Error> {
        validate_app_id(app_id)?;
        check_limit(i64::from(limit))?;
        if let Some(a) = after {
            validate_group_id(a).map_err(|e| {
                let why = e.message().strip_prefix("groupId ").unwrap_or(e.message());
                Error::new(e.code(), format!("after (a groupId) {why}"))
            })?;
        }
        self.store.rooms(&self.limits, app_id, limit, after, now_ms)
    }

    /// The openings and refused admissions (`ROOM_FULL`, `DAILY_ROOM_LIMIT`,
    /// `MEMBER_DAILY_LIMIT`) of `app_id` per hour of `day` (default: the day of
    /// `now_ms`; hour 0 starts at midnight in the rules' UTC offset). Checks
    /// appId; changes nothing (docs/ROOMS.md, "Hours").
    pub fn hours(
        &self,
        app_id: &str,
        day: Option<i64>,
        now_ms: Option<i64>,
    ) -> Result<Hours, Error> {
        validate_app_id(app_id)?;
        self.store.hours(&self.limits, app_id, day, now_ms)
    }

    /// The appIds that had an operation on the day of `now_ms` (the store's
    /// clock when `None`), sorted in byte order, each once; changes nothing
    /// (docs/ROOMS.md, "Apps").
    pub fn apps(&self, now_ms: Option<i64>) -> Result<Vec<String>, Error> {
        self.store.apps(&self.limits, now_ms)
    }
}

/// A member id (an openid: personal data) as an operator may see it: its first
/// four characters followed by `…` (U+2026); an id of at most four characters
/// is `…` alone. Enough to tell members apart in a room, not to identify a user.
pub fn mask_member_id(id: &str) -> String {
    match id.char_indices().nth(4) {
        Some((end, _)) => format!("{}\u{2026}", &id[..end]),
        None => "\u{2026}".to_owned(),
    }
}

/// `limit` of [`Ledger::rooms`]: 1–1000, else `INVALID_LIMIT` (for bindings
/// whose integers are wider than `u32`).
pub fn check_limit(limit: i64) -> Result<u32, Error> {
    if (1..=i64::from(MAX_PAGE)).contains(&limit) {
        Ok(limit as u32)
    } else {
        Err(Error::new(
            ErrorCode::InvalidLimit,
            format!("limit is {limit}; it must be 1-{MAX_PAGE} rooms per page"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::mask_member_id;

    #[test]
    fn a_masked_id_keeps_four_characters() {
        assert_eq!(mask_member_id("oVXYZ5abcdef"), "oVXY\u{2026}");
        assert_eq!(mask_member_id("abcde"), "abcd\u{2026}");
        assert_eq!(mask_member_id("abcd"), "\u{2026}");
        assert_eq!(mask_member_id("a"), "\u{2026}");
        assert_eq!(mask_member_id(""), "\u{2026}");
        // Characters, not bytes.
        assert_eq!(mask_member_id("éàüöß"), "éàüö\u{2026}");
        assert_eq!(mask_member_id("éàüö"), "\u{2026}");
    }
}
