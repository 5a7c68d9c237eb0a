//! The room ledger's result classes: Admission, Seat, Room, Usage. Like the
//! other result classes (src/classes.rs): immutable, comparable and hashable by
//! declaration, one read-only attribute per field, `to_dict()` the core's serde
//! serialisation as Python objects and `to_json()` the same as JSON text
//! (camelCase keys, as in tests/vectors/rooms.json and every language).

use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use voipsign::rooms;

use crate::classes::{repr_fields, Core};

/// The result of :meth:`Ledger.admit`: whether the call opened the room (and was
/// charged to today's count) or renewed the member's seat, and the room and
/// quota after it. Immutable, comparable and hashable.
///
/// ``to_dict()`` gives ``{"opened", "renewed", "members", "generation",
/// "roomsToday", "dailyRoomLimit", "quotaWarning", "leaseExpiresAt",
/// "degraded"}``, which ``to_json()`` returns as text.
#[pyclass(frozen, eq, hash, module = "voipsign")]
#[derive(PartialEq, Eq, Hash)]
pub struct Admission {
    /// This call opened the room (it was not live) and was charged to today.
    #[pyo3(get)]
    opened: bool,
    /// The member already held a seat: its lease was refreshed, nothing charged.
    #[pyo3(get)]
    renewed: bool,
    /// Live seats after the call.
    #[pyo3(get)]
    members: u32,
    /// How many times the room was opened (or made live by ``sync``).
    #[pyo3(get)]
    generation: u64,
    /// Openings charged to the appId on the day of the call.
    #[pyo3(get)]
    rooms_today: u64,
    /// The daily limit of openings.
    #[pyo3(get)]
    daily_room_limit: u64,
    /// ``rooms_today >= daily_room_warning``: the quota is running out.
    #[pyo3(get)]
    quota_warning: bool,
    /// The member's lease expiry, unix ms (exclusive).
    #[pyo3(get)]
    lease_expires_at: i64,
    /// The store could not be reached and ``on_unavailable="allow"`` admitted
    /// anyway: nothing was counted.
    #[pyo3(get)]
    degraded: bool,
    core: Core<rooms::Admission>,
}

impl From<rooms::Admission> for Admission {
    fn from(a: rooms::Admission) -> Self {
        Admission {
            opened: a.opened,
            renewed: a.renewed,
            members: a.members,
            generation: a.generation,
            rooms_today: a.rooms_today,
            daily_room_limit: a.daily_room_limit,
            quota_warning: a.quota_warning,
            lease_expires_at: a.lease_expires_at,
            degraded: a.degraded,
            core: Core(a),
        }
    }
}

#[pymethods]
impl Admission {
    /// ``{"opened", "renewed", "members", "generation", "roomsToday",
    /// "dailyRoomLimit", "quotaWarning", "leaseExpiresAt", "degraded"}``, a new
    /// ``dict`` each time.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.to_dict(py)
    }

    /// :meth:`to_dict` as JSON text.
    fn to_json(&self) -> String {
        self.core.to_json()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let fields = [
            "opened",
            "renewed",
            "members",
            "generation",
            "rooms_today",
            "daily_room_limit",
            "quota_warning",
            "lease_expires_at",
            "degraded",
        ];
        repr_fields(slf.as_any(), "Admission", &fields)
    }
}

/// A member's seat in a room (an item of :attr:`Room.members`). Immutable,
/// comparable and hashable.
///
/// ``to_dict()`` gives ``{"memberId", "since", "expires"}``.
#[pyclass(frozen, eq, hash, module = "voipsign")]
#[derive(PartialEq, Eq, Hash)]
pub struct Seat {
    /// The member id (openid).
    #[pyo3(get)]
    member_id: String,
    /// When the seat was granted or adopted, unix ms (renewals keep it).
    #[pyo3(get)]
    since: i64,
    /// When the lease ends, unix ms (exclusive: live while ``now < expires``).
    #[pyo3(get)]
    expires: i64,
    core: Core<rooms::Seat>,
}

impl From<rooms::Seat> for Seat {
    fn from(s: rooms::Seat) -> Self {
        Seat {
            member_id: s.member_id.clone(),
            since: s.since,
            expires: s.expires,
            core: Core(s),
        }
    }
}

#[pymethods]
impl Seat {
    /// ``{"memberId", "since", "expires"}``, a new ``dict`` each time.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.to_dict(py)
    }

    /// :meth:`to_dict` as JSON text.
    fn to_json(&self) -> String {
        self.core.to_json()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_fields(slf.as_any(), "Seat", &["member_id", "since", "expires"])
    }
}

/// A room's seats; a Python ``tuple`` of new :class:`Seat` objects on each
/// access (immutable, like the room holding it).
#[derive(PartialEq, Eq)]
pub struct Seats(Vec<rooms::Seat>);

impl Hash for Seats {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The core's Seat is not `Hash`: its fields are.
        for s in &self.0 {
            (&s.member_id, s.since, s.expires).hash(state);
        }
    }
}

impl<'py> IntoPyObject<'py> for &Seats {
    type Target = PyTuple;
    type Output = Bound<'py, PyTuple>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let seats = self
            .0
            .iter()
            .map(|s| Bound::new(py, Seat::from(s.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, seats)
    }
}

/// A room as the ledger sees it (:meth:`Ledger.room`, :meth:`Ledger.sync`).
/// Immutable, comparable and hashable.
///
/// ``to_dict()`` gives ``{"members": [{"memberId", "since", "expires"}, ...],
/// "generation", "live"}``, which ``to_json()`` returns as text.
#[pyclass(frozen, eq, hash, module = "voipsign")]
#[derive(PartialEq, Eq, Hash)]
pub struct Room {
    /// The live seats, a ``tuple`` of :class:`Seat` sorted by member id (byte
    /// order).
    #[pyo3(get)]
    members: Seats,
    /// How many times the room became live (0: never seen).
    #[pyo3(get)]
    generation: u64,
    /// Whether at least one seat is live.
    #[pyo3(get)]
    live: bool,
    core: Core<rooms::Room>,
}

impl From<rooms::Room> for Room {
    fn from(r: rooms::Room) -> Self {
        Room {
            members: Seats(r.members.clone()),
            generation: r.generation,
            live: r.live,
            core: Core(r),
        }
    }
}

#[pymethods]
impl Room {
    /// ``{"members": [{"memberId", "since", "expires"}, ...], "generation",
    /// "live"}``, a new ``dict`` each time.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.to_dict(py)
    }

    /// :meth:`to_dict` as JSON text.
    fn to_json(&self) -> String {
        self.core.to_json()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_fields(slf.as_any(), "Room", &["members", "generation", "live"])
    }
}

/// Openings of one day for one appId (:meth:`Ledger.usage`). Immutable,
/// comparable and hashable.
///
/// ``to_dict()`` gives ``{"day", "rooms", "dailyRoomLimit"}``.
#[pyclass(frozen, eq, hash, module = "voipsign")]
#[derive(PartialEq, Eq, Hash)]
pub struct Usage {
    /// The day: days since 1970-01-01 in the rules' UTC offset.
    #[pyo3(get)]
    day: i64,
    /// Openings charged that day.
    #[pyo3(get)]
    rooms: u64,
    /// The daily limit.
    #[pyo3(get)]
    daily_room_limit: u64,
    core: Core<rooms::Usage>,
}

impl From<rooms::Usage> for Usage {
    fn from(u: rooms::Usage) -> Self {
        Usage {
            day: u.day,
            rooms: u.rooms,
            daily_room_limit: u.daily_room_limit,
            core: Core(u),
        }
    }
}

#[pymethods]
impl Usage {
    /// ``{"day", "rooms", "dailyRoomLimit"}``, a new ``dict`` each time.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.to_dict(py)
    }

    /// :meth:`to_dict` as JSON text.
    fn to_json(&self) -> String {
        self.core.to_json()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_fields(slf.as_any(), "Usage", &["day", "rooms", "daily_room_limit"])
    }
}
