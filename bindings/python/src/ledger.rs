//! `voipsign.Ledger`: the core's room ledger (docs/ROOMS.md). Each method reads
//! its arguments (src/args.rs) and makes ONE call into `voipsign::rooms::Ledger`,
//! which validates every value in the contract's order and applies the rules;
//! nothing here checks a value. The options of `Ledger.memory` and
//! `Ledger.redis` are handed to core as the user gave them
//! (`rooms::Ledger::open`): core knows their names, defaults, ranges and order,
//! and src/contract.rs (generated) documents them.
//!
//! Two stores: the memory store (`Ledger.memory`), whose calls keep the GIL,
//! and the Redis store (`Ledger.redis`), whose calls release it (they wait for
//! the network). `close()` (or the end of a `with` block) lets the store go;
//! every later call raises `LedgerClosed`.

use std::sync::{Arc, PoisonError, RwLock};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyString, PyTuple};
use voipsign::contract::{Spelling, Value};
use voipsign::rooms::{self, RedisStore};
use voipsign::{Error, ErrorCode};

use crate::args::field::{After, AppId, GroupId, MemberId, RedisUrl, RoomType, SessionKey};
use crate::args::int::{Day, Limit, NowMs};
use crate::args::{options, Int, Keys, OpenIds, Str};
use crate::contract::{memory_signature, redis_options_doc, redis_signature, rules_doc};
use crate::errors::{guarded, to_py_err};
use crate::records::{Admission, JoinTicket, Room, RoomPage, Usage};

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

/// The room ledger: WeChat's room rules (10 people a room, 100,000 rooms a day
/// per appId, a room emptied is gone) enforced before a join ticket is issued.
/// Thread-safe: share one per process. Made by :meth:`Ledger.memory` (one
/// process) or :meth:`Ledger.redis` (every process and server sharing a Redis);
/// a context manager: ``with Ledger.redis(url) as ledger:`` closes it at the end
/// of the block (or call :meth:`close`).
///
/// Every method takes ``now_ms`` (keyword-only): an explicit time in unix
/// milliseconds for tests and replays; ``None`` means the process clock (on
/// the Redis store: the server's clock).
#[pyclass(frozen, module = "voipsign")]
pub struct Ledger {
    /// The core's ledger; `None` once closed. A call clones the `Arc` and
    /// holds no lock while it runs: `close()` never waits for a call in flight,
    /// which keeps its ledger until it ends.
    open: RwLock<Option<Arc<rooms::Ledger>>>,
    /// The Redis store: calls release the GIL.
    detach: bool,
    /// ``repr``: the constructor and the options as given (the URL redacted).
    shown: String,
}

/// An option's value as Python would show it (valid: core accepted it).
fn shown(py: Python<'_>, v: &Value) -> PyResult<String> {
    Ok(match v {
        Value::Int(i) => i.to_string(),
        Value::Float(x) => PyFloat::new(py, *x).repr()?.to_string(),
        Value::Str(s) => PyString::new(py, s).repr()?.to_string(),
        other => format!("{other:?}"),
    })
}

impl Ledger {
    /// A ledger over the memory store (`url` `None`) or a Redis store.
    fn open(
        py: Python<'_>,
        url: Option<&str>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Ledger> {
        let entries = options(kwargs)?;
        let ledger = guarded(|| rooms::Ledger::open(url, &entries, Spelling::Snake))?;
        let mut parts = Vec::new();
        if let Some(url) = url {
            let redacted = RedisStore::redacted_url(url).unwrap_or_default();
            parts.push(PyString::new(py, &redacted).repr()?.to_string());
        }
        for (name, v) in entries.iter().filter(|e| e.1 != Value::Null) {
            parts.push(format!("{name}={}", shown(py, v)?));
        }
        let store = if url.is_some() { "redis" } else { "memory" };
        Ok(Ledger {
            open: RwLock::new(Some(Arc::new(ledger))),
            detach: url.is_some(),
            shown: format!("Ledger.{store}({})", parts.join(", ")),
        })
    }

    /// The core's ledger, or `LedgerClosed`.
    fn ledger(&self) -> PyResult<Arc<rooms::Ledger>> {
        let open = self.open.read().unwrap_or_else(PoisonError::into_inner);
        open.clone().ok_or_else(|| {
            let code = ErrorCode::LedgerClosed;
            to_py_err(Error::new(code, code.description()))
        })
    }

    /// One call into the core ledger, guarded against panics
    /// (`errors::guarded`); on the Redis store with the GIL released.
    fn call<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&rooms::Ledger) -> Result<T, voipsign::Error> + Send,
    ) -> PyResult<T> {
        let ledger = self.ledger()?;
        if self.detach {
            guarded(|| py.detach(|| f(&ledger)))
        } else {
            guarded(|| f(&ledger))
        }
    }
}

#[pymethods]
impl Ledger {
    #[doc = memory_signature!()]
    /// A ledger over an in-process store: thread-safe, bounded (rooms empty and
    /// idle for a minute and day counts older than yesterday are forgotten). For
    /// one-process servers and tests.
    ///
    /// The options are keyword-only and checked by core, in this order; ``None``
    /// means the default. An unknown name, a wrong type or a value out of range
    /// raises an ``InputError`` naming the option (``err.code`` ``"INVALID_RULES"``).
    ///
    #[doc = rules_doc!()]
    #[staticmethod]
    #[pyo3(signature = (**options), text_signature = None)]
    fn memory(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Ledger> {
        Ledger::open(py, None, options)
    }

    #[doc = redis_signature!()]
    /// A ledger over a Redis server (>= 6.2) or a Redis Cluster, shared by every
    /// process and machine using it: each operation is one atomic script on
    /// the server, timed by the server's clock. Thread-safe; make one per
    /// process (a forked child opens its own connections by itself).
    ///
    /// Nothing is connected here: the first call connects, and a call that
    /// cannot reach the server within the timeouts follows ``on_unavailable``
    /// (``"allow"``: :meth:`admit` answers ``degraded=True``, uncounted;
    /// ``"refuse"``: an ``OutageError``; the other operations raise it either
    /// way, except :meth:`heartbeat` under ``"allow"``). The same ledger works
    /// again once the server is back. Calls release the GIL while they wait.
    ///
    /// ``url`` is checked first: ``redis://[user:password@]host[:port][/db]``,
    /// ``rediss://...`` (TLS), ``redis+cluster://[user:password@]host:port[,...]``
    /// or ``rediss+cluster://...`` (seed nodes of a cluster). It is never shown:
    /// not in an error, not in ``repr``. Then the options, keyword-only, in this
    /// order (``None`` means the default; as :meth:`memory`, then the store's):
    ///
    #[doc = rules_doc!()]
    #[doc = redis_options_doc!()]
    #[staticmethod]
    #[pyo3(signature = (url, **options), text_signature = None)]
    fn redis(
        py: Python<'_>,
        url: Str<'_, RedisUrl>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Ledger> {
        Ledger::open(py, Some(url.0), options)
    }

    /// Close the ledger: its store (the Redis connections) goes once the calls
    /// in flight end, and every later call raises ``LedgerClosed`` (an
    /// ``InputError``, like a closed file's ``ValueError``). Closing again does
    /// nothing.
    fn close(&self, py: Python<'_>) {
        let open = self
            .open
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        py.detach(|| drop(open));
    }

    /// Whether :meth:`close` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.open
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }

    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        slf.get().ledger()?;
        Ok(slf)
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) {
        self.close(py);
    }

    /// Seat ``member_id`` (the user's openid) in the room (``app_id``,
    /// ``group_id``), opening it when it is not live. A member already seated is
    /// renewed: never refused, never charged (a retry is safe).
    ///
    /// :raises RefusalError: every seat is taken by others (``RoomFull``),
    ///     opening the room would exceed today's limit (``DailyRoomLimit``), or
    ///     the member has already opened ``member_daily_openings`` rooms today
    ///     (``MemberDailyLimit``: joining a live room is never refused by it),
    ///     in that order.
    /// :raises InputError: ``app_id``, ``group_id`` or ``member_id`` (1-128
    ///     bytes of printable ASCII) is refused, checked in that order.
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
    /// :raises RefusalError: as :meth:`admit`.
    /// :raises InputError: an input is refused (appId, groupId, the timeStamp of
    ///     ``now_ms``, the session_key, memberId, roomType, in that order).
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
    /// :raises RefusalError: the member holds no live seat: admit it again.
    /// :raises InputError: an input is refused.
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
    /// :raises InputError: an input is refused.
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
    /// :raises InputError: an id is malformed (``openIds[2]: ...``); nothing is
    ///     changed.
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

    /// The day counters of ``app_id`` on ``day`` (days since 1970-01-01 in the
    /// rules' UTC offset; ``None``: the day of ``now_ms``): openings (the
    /// quota), admissions, renewals, refusals by cause, leaves, seats adopted
    /// and removed by sync, expired leases, the peak of live seats, and the
    /// daily limit; for today also the live rooms and seats at the call's time
    /// (``None`` for another day).
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

    /// One page of ``app_id``'s live rooms, in groupId byte order: at most
    /// ``limit`` rooms (1-1000; ``None``: 100) whose groupId comes after
    /// ``after`` (``None``: from the first), each with its live seats, capacity,
    /// generation and opening time. Pass the page's ``next`` as ``after`` for
    /// the next page; it is ``None`` on the last one. Changes nothing.
    ///
    /// :raises InputError: ``app_id``, ``limit`` (``InvalidLimit``) or ``after``
    ///     (a groupId, ``InvalidGroupId``) is refused, checked in that order.
    /// :raises TypeError: ``limit`` is not an ``int`` (a ``bool`` or ``float``
    ///     neither) or ``after`` not a ``str``.
    /// :raises OverflowError: ``limit`` is beyond 64 bits.
    #[pyo3(
        signature = (app_id, *, limit = None, after = None, now_ms = None),
        text_signature = "($self, app_id, *, limit=100, after=None, now_ms=None)"
    )]
    fn rooms(
        &self,
        py: Python<'_>,
        app_id: Str<'_, AppId>,
        limit: Option<Int<Limit>>,
        after: Option<Str<'_, After>>,
        now_ms: Option<Int<NowMs>>,
    ) -> PyResult<RoomPage> {
        let (a, n, t) = (app_id.0, limit.map(|n| n.0), now(now_ms));
        let after = after.map(|s| s.0);
        self.call(py, |l| {
            // Core's order: appId, then the limit (an `int` of Python's is
            // wider than core's `u32`: `check_limit` names it as given), then
            // `after` (`rooms` checks it).
            voipsign::validate_app_id(a)?;
            let limit = n.map_or(Ok(rooms::DEFAULT_PAGE), rooms::check_limit)?;
            l.rooms(a, limit, after, t)
        })
        .map(RoomPage::from)
    }

    /// ``Ledger.memory(capacity=3)`` or ``Ledger.redis('redis://***@host:6379',
    /// key_prefix='staging')``: the store and the options as given (the rest
    /// are core's defaults), never a password; ``<closed Ledger...>`` once closed.
    fn __repr__(&self) -> String {
        if self.closed() {
            format!("<closed {}>", self.shown)
        } else {
            self.shown.clone()
        }
    }
}
