//! `voipsign.Ledger`: the core's room ledger (docs/ROOMS.md). Each method reads
//! its arguments (src/args.rs) and makes ONE call into `voipsign::rooms::Ledger`,
//! which validates every value in the contract's order and applies the rules;
//! nothing here checks a value.
//!
//! Two stores: the memory store (`Ledger.memory`), whose calls keep the GIL,
//! and the Redis store (`Ledger.redis`), whose calls release it (they wait for
//! the network).


use pyo3::prelude::*;
use pyo3::types::PyString;
use voipsign::rooms::{self, OnUnavailable, RedisOptions, RedisStore, Rules};
use voipsign::{Error, ErrorCode};

use crate::args::field::{
    AppId, GroupId, KeyPrefix, MemberId, OnUnavailable as OnUnavailableArg, RedisUrl, RoomType,
    SessionKey,
};
use crate::args::int::{
    Capacity, CommandTimeoutMs, ConnectTimeoutMs, DailyRoomLimit, DailyRoomWarning, Day,
    DayOffsetMinutes, LeaseTtlMs, NowMs, ReserveTtlMs, SyncGraceMs,
};
use crate::args::{Int, Keys, OpenIds, Str};
use crate::classes::JoinTicket;
use crate::errors::guarded;
use crate::rooms::{Admission, Room, Usage};

// Whether the memory store's operations release the GIL: they do not (they
// call the core directly, see `Ledger::call`). An operation is a few hundred
// nanoseconds under the store's mutex, which no two Python threads contend for
// while they hold the GIL (abi3 has no free-threaded build). Measured (README,
// "Threads and the GIL"): releasing it made an admit+leave pair 30-50 % slower
// in one thread, twice as slow with 4 threads, and 3 to 17 times slower beside
// a busy Python thread (each call queues to take the GIL back). The Redis
// store's calls wait for a server and release it.

/// ``now_ms`` as the core takes it.
fn now(now_ms: Option<Int<NowMs>>) -> Option<i64> {
    now_ms.map(|t| t.0)
}

/// The rule keywords of `Ledger.memory` and `Ledger.redis`, `None` meaning the
/// default. `on_unavailable` is the core's to parse (see [`parse_on_unavailable`]).
struct RuleArgs {
    capacity: Option<Int<Capacity>>,
    daily_room_limit: Option<Int<DailyRoomLimit>>,
    daily_room_warning: Option<Int<DailyRoomWarning>>,
    reserve_ttl_ms: Option<Int<ReserveTtlMs>>,
    lease_ttl_ms: Option<Int<LeaseTtlMs>>,
    sync_grace_ms: Option<Int<SyncGraceMs>>,
    day_offset_minutes: Option<Int<DayOffsetMinutes>>,
}

impl RuleArgs {
    /// The rules, unchecked, with the default `on_unavailable`.
    fn rules(self) -> Rules {
        let d = Rules::default();
        Rules {
            capacity: self.capacity.map_or(d.capacity, |v| v.0),
            daily_room_limit: self.daily_room_limit.map_or(d.daily_room_limit, |v| v.0),
            daily_room_warning: self.daily_room_warning.map(|v| v.0),
            reserve_ttl_ms: self.reserve_ttl_ms.map_or(d.reserve_ttl_ms, |v| v.0),
            lease_ttl_ms: self.lease_ttl_ms.map_or(d.lease_ttl_ms, |v| v.0),
            sync_grace_ms: self.sync_grace_ms.map(|v| v.0),
            day_offset_minutes: self
                .day_offset_minutes
                .map_or(d.day_offset_minutes, |v| v.0),
            on_unavailable: d.on_unavailable,
        }
    }
}

/// `on_unavailable` parsed by the core (`None`: not given).
fn parse_on_unavailable(
    name: Option<Str<'_, OnUnavailableArg>>,
) -> Option<Result<OnUnavailable, Error>> {
    name.map(|n| n.0.parse())
}

/// The room ledger: WeChat's room rules (10 people a room, 100,000 rooms a day
/// per appId, a room emptied is gone) enforced before a join ticket is issued.
/// Thread-safe: share one per process. Made by :meth:`Ledger.memory` (one
/// process) or :meth:`Ledger.redis` (every process and server sharing a Redis).
///
/// Every method takes ``now_ms`` (keyword-only): an explicit time in unix
/// milliseconds for tests and replays; ``None`` means the process clock (on
/// the Redis store: the server's clock).
#[pyclass(frozen, module = "voipsign")]
pub struct Ledger {
    store: Store,
}

enum Store {
    /// In-process: calls keep the GIL.
    Memory(rooms::Ledger),
    /// A Redis server or cluster: calls release the GIL.
    Redis(Box<Redis>),
}

/// A ledger on the Redis store. Connections are pooled in the core and opened
/// lazily; a child forked after some calls (gunicorn `--preload`, uWSGI without
/// `lazy-apps`, a `multiprocessing` fork) opens its own: the core never uses the
/// parent's (core/src/rooms/redis/pool.rs).
struct Redis {
    ledger: rooms::Ledger,
    options: RedisOptions,
    /// The URL without credentials, for ``repr`` (`RedisStore::redacted_url`).
    shown: String,
}

impl Ledger {
    /// One call into the core ledger, with a panic turned into
    /// `InternalError`; on the Redis store with the GIL released.
    fn call<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&rooms::Ledger) -> Result<T, voipsign::Error> + Send,
    ) -> PyResult<T> {
        match &self.store {
            Store::Memory(ledger) => guarded(|| f(ledger)),
            Store::Redis(redis) => guarded(|| py.detach(|| f(&redis.ledger))),
        }
    }

    fn limits(&self) -> &rooms::Limits {
        match &self.store {
            Store::Memory(ledger) => ledger.limits(),
            Store::Redis(redis) => redis.ledger.limits(),
        }
    }
}

#[pymethods]
impl Ledger {
    /// A ledger over an in-process store: thread-safe, bounded (rooms empty for
    /// two days and day counts older than yesterday are forgotten). For
    /// one-process servers and tests.
    ///
    /// The rules are keyword-only; ``None`` means the default. Each is checked by
    /// the core, in this order.
    ///
    /// :param capacity: seats per room, 1-10.
    /// :param daily_room_limit: openings per appId per day, 1-100000.
    /// :param daily_room_warning: openings from which admissions report
    ///     ``quota_warning``, 0-``daily_room_limit``; default 90 % of the limit.
    /// :param reserve_ttl_ms: lease of a new seat (time for the phone to join),
    ///     1000-3600000.
    /// :param lease_ttl_ms: lease after a heartbeat or a sync, 1000-3600000.
    /// :param sync_grace_ms: a seat younger than this is never removed by
    ///     :meth:`sync`, 0-3600000; default ``reserve_ttl_ms``.
    /// :param day_offset_minutes: the UTC offset of the day quotas count,
    ///     -720-840 (default +480, Beijing time).
    /// :param on_unavailable: ``"allow"`` or ``"refuse"``: what admissions do when
    ///     the store cannot be reached (the memory store always can).
    /// :raises InvalidRules: a rule is out of range.
    /// :raises TypeError: a rule is not an ``int`` (``bool`` and ``float`` are
    ///     refused) or ``on_unavailable`` not a ``str``.
    /// :raises OverflowError: an ``int`` beyond the 64-bit range.
    #[staticmethod]
    #[pyo3(
        signature = (*, capacity = None, daily_room_limit = None, daily_room_warning = None, reserve_ttl_ms = None, lease_ttl_ms = None, sync_grace_ms = None, day_offset_minutes = None, on_unavailable = None),
        text_signature = "(*, capacity=10, daily_room_limit=100000, daily_room_warning=None, reserve_ttl_ms=60000, lease_ttl_ms=45000, sync_grace_ms=None, day_offset_minutes=480, on_unavailable='allow')"
    )]
    #[allow(clippy::too_many_arguments)]
    fn memory(
        capacity: Option<Int<Capacity>>,
        daily_room_limit: Option<Int<DailyRoomLimit>>,
        daily_room_warning: Option<Int<DailyRoomWarning>>,
        reserve_ttl_ms: Option<Int<ReserveTtlMs>>,
        lease_ttl_ms: Option<Int<LeaseTtlMs>>,
        sync_grace_ms: Option<Int<SyncGraceMs>>,
        day_offset_minutes: Option<Int<DayOffsetMinutes>>,
        on_unavailable: Option<Str<'_, OnUnavailableArg>>,
    ) -> PyResult<Ledger> {
        let mut rules = RuleArgs {
            capacity,
            daily_room_limit,
            daily_room_warning,
            reserve_ttl_ms,
            lease_ttl_ms,
            sync_grace_ms,
            day_offset_minutes,
        }
        .rules();
        let inner = guarded(|| {
            // The numbers first, in the order of the rules; on_unavailable (a
            // name the core parses) is the last rule.
            rules.validate()?;
            if let Some(parsed) = parse_on_unavailable(on_unavailable) {
                rules.on_unavailable = parsed?;
            }
            rooms::Ledger::memory(rules)
        })?;
        Ok(Ledger {
            store: Store::Memory(inner),
        })
    }

    /// A ledger over a Redis server (>= 6.2) or a Redis Cluster, shared by every
    /// process and machine using it: each operation is one atomic script on
    /// the server, timed by the server's clock. Thread-safe; make one per
    /// process (a forked child opens its own connections by itself).
    ///
    /// Nothing is connected here: the first call connects, and a call that
    /// cannot reach the server within the timeouts follows ``on_unavailable``
    /// (``"allow"``: :meth:`admit` answers ``degraded=True``, uncounted;
    /// ``"refuse"``: :class:`LedgerUnavailable`; the other operations raise
    /// :class:`LedgerUnavailable` either way, except :meth:`heartbeat` under
    /// ``"allow"``). The same ledger works again once the server is back.
    /// Calls release the GIL while they wait.
    ///
    /// :param url: ``redis://[user:password@]host[:port][/db]``, ``rediss://...``
    ///     (TLS), ``redis+cluster://[user:password@]host:port[,host:port...]`` or
    ///     ``rediss+cluster://...`` (seed nodes of a cluster). Never shown: not
    ///     in an error, not in ``repr``.
    /// :param connect_timeout_ms: opening a connection (TCP, TLS, AUTH),
    ///     1-60000.
    /// :param command_timeout_ms: each operation's script, 1-60000.
    /// :param key_prefix: the first part of every key (1-64 bytes of printable
    ///     ASCII without ``{`` or ``}``): ledgers with different prefixes on one
    ///     server are independent (staging and production, tests).
    /// :param capacity: and the other rules: as :meth:`memory`.
    /// :raises InvalidRedisUrl: the URL is malformed (checked first).
    /// :raises InvalidRules: a rule (checked next), then a timeout or the key
    ///     prefix, is out of range.
    /// :raises TypeError: an argument has the wrong type.
    /// :raises OverflowError: an ``int`` beyond the 64-bit range.
    #[staticmethod]
    #[pyo3(
        signature = (url, *, connect_timeout_ms = None, command_timeout_ms = None, key_prefix = None, capacity = None, daily_room_limit = None, daily_room_warning = None, reserve_ttl_ms = None, lease_ttl_ms = None, sync_grace_ms = None, day_offset_minutes = None, on_unavailable = None),
        text_signature = "(url, *, connect_timeout_ms=250, command_timeout_ms=250, key_prefix='voipsign', capacity=10, daily_room_limit=100000, daily_room_warning=None, reserve_ttl_ms=60000, lease_ttl_ms=45000, sync_grace_ms=None, day_offset_minutes=480, on_unavailable='allow')"
    )]
    #[allow(clippy::too_many_arguments)]
    fn redis(
        url: Str<'_, RedisUrl>,
        connect_timeout_ms: Option<Int<ConnectTimeoutMs>>,
        command_timeout_ms: Option<Int<CommandTimeoutMs>>,
        key_prefix: Option<Str<'_, KeyPrefix>>,
        capacity: Option<Int<Capacity>>,
        daily_room_limit: Option<Int<DailyRoomLimit>>,
        daily_room_warning: Option<Int<DailyRoomWarning>>,
        reserve_ttl_ms: Option<Int<ReserveTtlMs>>,
        lease_ttl_ms: Option<Int<LeaseTtlMs>>,
        sync_grace_ms: Option<Int<SyncGraceMs>>,
        day_offset_minutes: Option<Int<DayOffsetMinutes>>,
        on_unavailable: Option<Str<'_, OnUnavailableArg>>,
    ) -> PyResult<Ledger> {
        let mut rules = RuleArgs {
            capacity,
            daily_room_limit,
            daily_room_warning,
            reserve_ttl_ms,
            lease_ttl_ms,
            sync_grace_ms,
            day_offset_minutes,
        }
        .rules();
        let d = RedisOptions::default();
        let options = RedisOptions {
            connect_timeout_ms: connect_timeout_ms.map_or(d.connect_timeout_ms, |v| v.0),
            command_timeout_ms: command_timeout_ms.map_or(d.command_timeout_ms, |v| v.0),
            key_prefix: key_prefix.map_or(d.key_prefix, |p| p.0.to_owned()),
        };
        let url = url.0;
        let parsed = parse_on_unavailable(on_unavailable);
        if let Some(Ok(chosen)) = &parsed {
            rules.on_unavailable = *chosen;
        }
        let inner = guarded(|| {
            // The core checks the url, then the rules, then the options; a bad
            // on_unavailable (the last rule) comes after the other rules and
            // before the options.
            match rooms::Ledger::redis(url, rules, options.clone()) {
                Err(e) if e.code() == ErrorCode::InvalidRedisUrl => Err(e),
                made => {
                    rules.validate()?;
                    parsed.transpose()?;
                    made
                }
            }
        })?;
        Ok(Ledger {
            store: Store::Redis(Box::new(Redis {
                ledger: inner,
                options,
                shown: RedisStore::redacted_url(url).unwrap_or_default(),
            })),
        })
    }

    /// Seat ``member_id`` (the user's openid) in the room (``app_id``,
    /// ``group_id``), opening it when it is not live. A member already seated is
    /// renewed: never refused, never charged (a retry is safe).
    ///
    /// :raises RoomFull: every seat is taken by others.
    /// :raises DailyRoomLimit: opening the room would exceed today's limit.
    /// :raises InvalidMemberId: ``member_id`` is not 1-128 bytes of printable ASCII.
    /// :raises VoipSignError: ``app_id`` or ``group_id`` breaks a rule of
    ///     :func:`sign` (checked first).
    #[pyo3(signature = (app_id, group_id, member_id, *, now_ms = None))]
    fn admit(
        &self,
        py: Python<'_>,
        app_id: Str<'_, AppId>,
        group_id: Str<'_, GroupId>,
        member_id: Str<'_, MemberId>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<Admission> {
        let (a, g, m, t) = (app_id.0, group_id.0, member_id.0, now(now_ms));
        self.call(py, |l| l.admit(a, g, m, t)).map(Admission::from)
    }

    /// Admit, then issue the join ticket the phone passes to
    /// ``wx.joinVoIPChat``. Every input is checked before anything is written: a
    /// bad session_key takes no seat. With ``now_ms`` the ticket's timeStamp is
    /// ``now_ms // 1000``.
    ///
    /// :returns: ``(admission, ticket)``.
    /// :raises RoomFull: every seat is taken by others.
    /// :raises DailyRoomLimit: opening the room would exceed today's limit.
    /// :raises VoipSignError: an input breaks a rule (appId, groupId, the
    ///     timeStamp of ``now_ms``, the session_key, memberId, roomType, in that
    ///     order).
    #[pyo3(
        signature = (app_id, group_id, member_id, session_key, room_type = None, *, now_ms = None),
        text_signature = "($self, app_id, group_id, member_id, session_key, room_type='voice', *, now_ms=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn admit_and_issue(
        &self,
        py: Python<'_>,
        app_id: Str<'_, AppId>,
        group_id: Str<'_, GroupId>,
        member_id: Str<'_, MemberId>,
        session_key: Str<'_, SessionKey>,
        room_type: Option<Str<'_, RoomType>>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<(Admission, JoinTicket)> {
        let (a, g, m, k) = (app_id.0, group_id.0, member_id.0, session_key.0);
        let (r, t) = (room_type.map(|r| r.0), now(now_ms));
        let (admission, ticket) = self.call(py, |l| l.admit_and_issue(a, g, m, k, r, t))?;
        Ok((Admission::from(admission), JoinTicket::from(ticket)))
    }

    /// Refresh the member's lease (phones report every 15 s while in the call).
    ///
    /// :returns: the new lease expiry, unix ms.
    /// :raises NotAdmitted: the member holds no live seat: admit it again.
    /// :raises VoipSignError: an input breaks a rule.
    #[pyo3(signature = (app_id, group_id, member_id, *, now_ms = None))]
    fn heartbeat(
        &self,
        py: Python<'_>,
        app_id: Str<'_, AppId>,
        group_id: Str<'_, GroupId>,
        member_id: Str<'_, MemberId>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<i64> {
        let (a, g, m, t) = (app_id.0, group_id.0, member_id.0, now(now_ms));
        self.call(py, |l| l.heartbeat(a, g, m, t))
    }

    /// Remove the member's seat (on ``wx.exitVoIPChat``). When the last seat
    /// goes, the room is gone: the next admission opens a new one.
    ///
    /// :returns: whether there was a live seat.
    /// :raises VoipSignError: an input breaks a rule.
    #[pyo3(signature = (app_id, group_id, member_id, *, now_ms = None))]
    fn leave(
        &self,
        py: Python<'_>,
        app_id: Str<'_, AppId>,
        group_id: Str<'_, GroupId>,
        member_id: Str<'_, MemberId>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<bool> {
        let (a, g, m, t) = (app_id.0, group_id.0, member_id.0, now(now_ms));
        self.call(py, |l| l.leave(a, g, m, t))
    }

    /// Reconcile with the members a phone reported (``openIdList`` of
    /// ``wx.onVoIPChatMembersChanged``): listed seats get a fresh lease, listed
    /// members without one are adopted (never refused, never charged), seats of
    /// unlisted members older than ``sync_grace_ms`` are removed.
    ///
    /// :param open_ids: any iterable of ``str`` (a single ``str`` is refused);
    ///     duplicates are ignored.
    /// :returns: the room after the call.
    /// :raises InvalidMemberId: an id is malformed (``openIds[2]: ...``); nothing
    ///     is changed.
    /// :raises TypeError: ``open_ids`` or an item of it has the wrong type.
    #[pyo3(signature = (app_id, group_id, open_ids, *, now_ms = None))]
    fn sync<'py>(
        &self,
        py: Python<'py>,
        app_id: Str<'_, AppId>,
        group_id: Str<'_, GroupId>,
        open_ids: Keys<'py, OpenIds>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<Room> {
        let ids = open_ids.to_strs()?;
        let (a, g, t) = (app_id.0, group_id.0, now(now_ms));
        self.call(py, |l| l.sync(a, g, &ids, t)).map(Room::from)
    }

    /// The room's live seats (sorted by member id), generation and liveness;
    /// changes nothing.
    #[pyo3(signature = (app_id, group_id, *, now_ms = None))]
    fn room(
        &self,
        py: Python<'_>,
        app_id: Str<'_, AppId>,
        group_id: Str<'_, GroupId>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<Room> {
        let (a, g, t) = (app_id.0, group_id.0, now(now_ms));
        self.call(py, |l| l.room(a, g, t)).map(Room::from)
    }

    /// Openings charged to ``app_id`` on ``day`` (days since 1970-01-01 in the
    /// rules' UTC offset; ``None``: the day of ``now_ms``) and the daily limit.
    #[pyo3(signature = (app_id, *, day = None, now_ms = None))]
    fn usage(
        &self,
        py: Python<'_>,
        app_id: Str<'_, AppId>,
        day: Option<Int<Day>>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<Usage> {
        let (a, d, t) = (app_id.0, day.map(|d| d.0), now(now_ms));
        self.call(py, |l| l.usage(a, d, t)).map(Usage::from)
    }

    /// ``Ledger.memory(capacity=10, ...)`` or ``Ledger.redis('redis://***@host:6379',
    /// capacity=10, ..., key_prefix='voipsign')``: the store and everything in
    /// force, never a password.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let l = self.limits();
        let rules = format!(
            "capacity={}, daily_room_limit={}, daily_room_warning={}, \
             reserve_ttl_ms={}, lease_ttl_ms={}, sync_grace_ms={}, day_offset_minutes={}, \
             on_unavailable='{}'",
            l.capacity,
            l.daily_room_limit,
            l.daily_room_warning,
            l.reserve_ttl_ms,
            l.lease_ttl_ms,
            l.sync_grace_ms,
            l.day_offset_ms / 60_000,
            l.on_unavailable,
        );
        Ok(match &self.store {
            Store::Memory(_) => format!("Ledger.memory({rules})"),
            Store::Redis(r) => {
                let quoted = |s: &str| -> PyResult<String> {
                    Ok(PyString::new(py, s).repr()?.to_str()?.to_owned())
                };
                format!(
                    "Ledger.redis({}, {rules}, connect_timeout_ms={}, command_timeout_ms={}, \
                     key_prefix={})",
                    quoted(&r.shown)?,
                    r.options.connect_timeout_ms,
                    r.options.command_timeout_ms,
                    quoted(&r.options.key_prefix)?,
                )
            }
        })
    }
}
