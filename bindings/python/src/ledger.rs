//! `voipsign.Ledger`: the core's room ledger (docs/ROOMS.md). Each method reads
//! its arguments (src/args.rs) and makes ONE call into `voipsign::rooms::Ledger`,
//! which validates every value in the contract's order and applies the rules;
//! nothing here checks a value.

use pyo3::prelude::*;
use voipsign::rooms::{self, Rules};

use crate::args::field::{AppId, GroupId, MemberId, OnUnavailable, RoomType, SessionKey};
use crate::args::int::{
    Capacity, DailyRoomLimit, DailyRoomWarning, Day, DayOffsetMinutes, LeaseTtlMs, NowMs,
    ReserveTtlMs, SyncGraceMs,
};
use crate::args::{Int, Keys, OpenIds, Str};
use crate::classes::JoinTicket;
use crate::errors::guarded;
use crate::rooms::{Admission, Room, Usage};

/// Whether the memory store's operations release the GIL.
///
/// They do not: an operation is a few hundred nanoseconds under the store's
/// mutex, which no two Python threads contend for while they hold the GIL (abi3
/// has no free-threaded build). Measured (README, "Threads and the GIL"):
/// releasing it made an admit+leave pair 30-50 % slower in one thread, twice as
/// slow with 4 threads, and 3 to 17 times slower beside a busy Python thread
/// (each call queues to take the GIL back). A store that waits for a server
/// (Redis, a later release) will release it.
const MEMORY_DETACH: bool = false;

/// ``now_ms`` as the core takes it.
fn now(now_ms: Option<Int<NowMs>>) -> Option<i64> {
    now_ms.map(|t| t.0)
}

/// The room ledger: WeChat's room rules (10 people a room, 100,000 rooms a day
/// per appId, a room emptied is gone) enforced before a join ticket is issued.
/// Thread-safe: share one per process. Made by :meth:`Ledger.memory`.
///
/// Every method takes ``now_ms`` (keyword-only): an explicit time in unix
/// milliseconds for tests and replays; ``None`` means the process clock.
#[pyclass(frozen, module = "voipsign")]
pub struct Ledger {
    inner: rooms::Ledger,
    /// The store's name, for ``repr``.
    store: &'static str,
    /// Whether calls release the GIL (see [`MEMORY_DETACH`]).
    detach: bool,
}

impl Ledger {
    /// One call into the core ledger, with the GIL released when the store's
    /// calls are worth it, and a panic turned into `InternalError`.
    fn call<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&rooms::Ledger) -> Result<T, voipsign::Error> + Send,
    ) -> PyResult<T> {
        let ledger = &self.inner;
        if self.detach {
            guarded(|| py.detach(|| f(ledger)))
        } else {
            guarded(|| f(ledger))
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
        on_unavailable: Option<Str<'_, OnUnavailable>>,
    ) -> PyResult<Ledger> {
        let d = Rules::default();
        let mut rules = Rules {
            capacity: capacity.map_or(d.capacity, |v| v.0),
            daily_room_limit: daily_room_limit.map_or(d.daily_room_limit, |v| v.0),
            daily_room_warning: daily_room_warning.map(|v| v.0),
            reserve_ttl_ms: reserve_ttl_ms.map_or(d.reserve_ttl_ms, |v| v.0),
            lease_ttl_ms: lease_ttl_ms.map_or(d.lease_ttl_ms, |v| v.0),
            sync_grace_ms: sync_grace_ms.map(|v| v.0),
            day_offset_minutes: day_offset_minutes.map_or(d.day_offset_minutes, |v| v.0),
            on_unavailable: d.on_unavailable,
        };
        let inner = guarded(|| {
            // The numbers first, in the order of the rules; on_unavailable (a
            // name the core parses) is the last rule.
            rules.validate()?;
            if let Some(name) = on_unavailable {
                rules.on_unavailable = name.0.parse()?;
            }
            rooms::Ledger::memory(rules)
        })?;
        Ok(Ledger {
            inner,
            store: "memory",
            detach: MEMORY_DETACH,
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

    /// ``Ledger.memory(capacity=10, ...)``: the store and every rule in force.
    fn __repr__(&self) -> String {
        let l = self.inner.limits();
        format!(
            "Ledger.{}(capacity={}, daily_room_limit={}, daily_room_warning={}, \
             reserve_ttl_ms={}, lease_ttl_ms={}, sync_grace_ms={}, day_offset_minutes={}, \
             on_unavailable='{}')",
            self.store,
            l.capacity,
            l.daily_room_limit,
            l.daily_room_warning,
            l.reserve_ttl_ms,
            l.lease_ttl_ms,
            l.sync_grace_ms,
            l.day_offset_ms / 60_000,
            l.on_unavailable,
        )
    }
}
