"""Type stubs of the native module (src/*.rs), re-exported by ``voipsign``.

The one place the signatures are written; ``mypy.stubtest`` checks them against
the built module (tests/test_typing.py).
"""

from collections.abc import Iterable
from typing import SupportsIndex, final

from voipsign._types import (
    AdmissionDict,
    Cause,
    DiagnosisDict,
    ExplanationDict,
    JoinTicketDict,
    Mistake,
    OnUnavailable,
    RoomDict,
    RoomType,
    SeatDict,
    UsageDict,
    Verdict,
)

__all__ = [
    "__version__",
    "_ERROR_CODES",
    "JoinTicket",
    "Diagnosis",
    "Explanation",
    "Ledger",
    "Admission",
    "Room",
    "Seat",
    "Usage",
    "sign",
    "verify",
    "canonical",
    "sign_many",
    "session_signature",
    "issue",
    "diagnose",
    "explain",
]

__version__: str
_ERROR_CODES: list[str]

def sign(
    app_id: str,
    group_id: str,
    nonce_str: str,
    timestamp: SupportsIndex,
    session_key: str,
) -> str:
    """The ``signature`` of ``wx.joinVoIPChat`` (64 lowercase hex digits)."""

def verify(
    app_id: str,
    group_id: str,
    nonce_str: str,
    timestamp: SupportsIndex,
    session_key: str,
    signature: str,
) -> bool:
    """Whether ``signature`` is the right one, compared in constant time."""

def canonical(app_id: str, group_id: str, nonce_str: str, timestamp: SupportsIndex) -> str:
    """The four values sorted in code-unit order and joined (no secret: safe to log)."""

def sign_many(
    app_id: str,
    group_id: str,
    nonce_str: str,
    timestamp: SupportsIndex,
    session_keys: Iterable[str],
) -> list[str]:
    """One signature per session_key, in order; the canonical string is built once."""

def session_signature(session_key: str, body: str | bytes = b"") -> str:
    """HMAC-SHA256 of ``body`` keyed by the session_key (``/wxa/checksession`` when empty)."""

def issue(
    app_id: str,
    group_id: str,
    session_key: str,
    room_type: RoomType = "voice",
) -> JoinTicket:
    """A join ticket: fresh nonce, current time in seconds, signature."""

def diagnose(
    app_id: str,
    group_id: str,
    nonce_str: str,
    timestamp: SupportsIndex,
    session_key: str,
    rejected_signature: str,
    other_session_keys: Iterable[str] = (),
) -> Diagnosis:
    """Which known mistake reproduces a signature WeChat rejected (never contains a key)."""

def explain(err_code: SupportsIndex, err_msg: str = "") -> Explanation:
    """What a ``wx.joinVoIPChat`` failure (``errCode``, ``errMsg``) means and what to do."""

@final
class JoinTicket:
    """Everything ``wx.joinVoIPChat`` needs; immutable, comparable, hashable."""

    @property
    def group_id(self) -> str:
        """The room."""
    @property
    def nonce_str(self) -> str:
        """A fresh 32-character nonce of ``[A-Za-z0-9]``."""
    @property
    def timestamp(self) -> int:
        """The time of issue, Unix seconds."""
    @property
    def signature(self) -> str:
        """64 lowercase hex digits."""
    @property
    def room_type(self) -> RoomType:
        """``"voice"`` or ``"video"``."""
    def to_dict(self) -> JoinTicketDict:
        """``{"groupId", "nonceStr", "timeStamp", "signature", "roomType"}``."""
    def to_json(self) -> str:
        """``to_dict()`` as JSON text."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Diagnosis:
    """What :func:`diagnose` found; immutable, comparable, hashable, no secret."""

    @property
    def verdict(self) -> Verdict:
        """``"CORRECT"``, ``"MISTAKE_FOUND"`` or ``"UNKNOWN"``."""
    @property
    def mistakes(self) -> tuple[Mistake, ...]:
        """The mistakes involved, in a stable order; empty unless ``MISTAKE_FOUND``."""
    @property
    def message(self) -> str:
        """What happened and the exact fix."""
    @property
    def expected(self) -> str:
        """The right signature (timestamp in seconds)."""
    @property
    def canonical(self) -> str:
        """The right canonical string."""
    def to_dict(self) -> DiagnosisDict:
        """``{"verdict", "mistakes", "message", "expected", "canonical"}``."""
    def to_json(self) -> str:
        """``to_dict()`` as JSON text."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Explanation:
    """What :func:`explain` says; immutable, comparable, hashable."""

    @property
    def cause(self) -> Cause:
        """The cause code, e.g. ``"INVALID_SIGNATURE"``."""
    @property
    def meaning(self) -> str:
        """What happened."""
    @property
    def action(self) -> str:
        """What to do."""
    def to_dict(self) -> ExplanationDict:
        """``{"cause", "meaning", "action"}``."""
    def to_json(self) -> str:
        """``to_dict()`` as JSON text."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Ledger:
    """The room ledger (docs/ROOMS.md); thread-safe, one per process."""

    @staticmethod
    def memory(
        *,
        capacity: int = 10,
        daily_room_limit: int = 100000,
        daily_room_warning: int | None = None,
        reserve_ttl_ms: int = 60000,
        lease_ttl_ms: int = 45000,
        sync_grace_ms: int | None = None,
        day_offset_minutes: int = 480,
        on_unavailable: OnUnavailable = "allow",
    ) -> Ledger:
        """A ledger over an in-process store; the rules are checked by the core."""
    @staticmethod
    def redis(
        url: str,
        *,
        connect_timeout_ms: int = 250,
        command_timeout_ms: int = 250,
        key_prefix: str = "voipsign",
        capacity: int = 10,
        daily_room_limit: int = 100000,
        daily_room_warning: int | None = None,
        reserve_ttl_ms: int = 60000,
        lease_ttl_ms: int = 45000,
        sync_grace_ms: int | None = None,
        day_offset_minutes: int = 480,
        on_unavailable: OnUnavailable = "allow",
    ) -> Ledger:
        """A ledger on a Redis server or cluster, shared by every process using it.

        ``url``: ``redis://[user:password@]host[:port][/db]``, ``rediss://...``,
        ``redis+cluster://host:port[,host:port...]`` or ``rediss+cluster://...``;
        never shown. Checks the url (``InvalidRedisUrl``), then the rules, then the
        timeouts and ``key_prefix`` (``InvalidRules``). Connects lazily; calls
        release the GIL while they wait for the server.
        """
    def admit(
        self, app_id: str, group_id: str, member_id: str, *, now_ms: int | None = None
    ) -> Admission:
        """Seat the member, opening the room when it is not live."""
    def admit_and_issue(
        self,
        app_id: str,
        group_id: str,
        member_id: str,
        session_key: str,
        room_type: RoomType = "voice",
        *,
        now_ms: int | None = None,
    ) -> tuple[Admission, JoinTicket]:
        """Admit, then issue the join ticket (nothing is written if an input is bad)."""
    def heartbeat(
        self, app_id: str, group_id: str, member_id: str, *, now_ms: int | None = None
    ) -> int:
        """Refresh the member's lease; the new expiry (unix ms)."""
    def leave(
        self, app_id: str, group_id: str, member_id: str, *, now_ms: int | None = None
    ) -> bool:
        """Remove the member's seat; whether there was one."""
    def sync(
        self, app_id: str, group_id: str, open_ids: Iterable[str], *, now_ms: int | None = None
    ) -> Room:
        """Reconcile with the members a phone reported; the room after."""
    def room(self, app_id: str, group_id: str, *, now_ms: int | None = None) -> Room:
        """The room's live seats, generation and liveness."""
    def usage(self, app_id: str, *, day: int | None = None, now_ms: int | None = None) -> Usage:
        """Openings charged to ``app_id`` on ``day`` (default: today) and the limit."""

@final
class Admission:
    """The result of an admission; immutable, comparable, hashable."""

    @property
    def opened(self) -> bool:
        """This call opened the room and was charged to today."""
    @property
    def renewed(self) -> bool:
        """The member already held a seat: renewed, nothing charged."""
    @property
    def members(self) -> int:
        """Live seats after the call."""
    @property
    def generation(self) -> int:
        """How many times the room was opened (or made live by ``sync``)."""
    @property
    def rooms_today(self) -> int:
        """Openings charged to the appId on the day of the call."""
    @property
    def daily_room_limit(self) -> int:
        """The daily limit of openings."""
    @property
    def quota_warning(self) -> bool:
        """``rooms_today >= daily_room_warning``."""
    @property
    def lease_expires_at(self) -> int:
        """The member's lease expiry, unix ms (exclusive)."""
    @property
    def degraded(self) -> bool:
        """The store was unreachable and the admission was allowed uncounted."""
    def to_dict(self) -> AdmissionDict:
        """``{"opened", "renewed", "members", "generation", "roomsToday", ...}``."""
    def to_json(self) -> str:
        """``to_dict()`` as JSON text."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Seat:
    """A member's seat in a room; immutable, comparable, hashable."""

    @property
    def member_id(self) -> str:
        """The member id (openid)."""
    @property
    def since(self) -> int:
        """When the seat was granted or adopted, unix ms."""
    @property
    def expires(self) -> int:
        """When the lease ends, unix ms (exclusive)."""
    def to_dict(self) -> SeatDict:
        """``{"memberId", "since", "expires"}``."""
    def to_json(self) -> str:
        """``to_dict()`` as JSON text."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Room:
    """A room as the ledger sees it; immutable, comparable, hashable."""

    @property
    def members(self) -> tuple[Seat, ...]:
        """The live seats, sorted by member id."""
    @property
    def generation(self) -> int:
        """How many times the room became live (0: never seen)."""
    @property
    def live(self) -> bool:
        """Whether at least one seat is live."""
    def to_dict(self) -> RoomDict:
        """``{"members": [...], "generation", "live"}``."""
    def to_json(self) -> str:
        """``to_dict()`` as JSON text."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Usage:
    """Openings of one day for one appId; immutable, comparable, hashable."""

    @property
    def day(self) -> int:
        """Days since 1970-01-01 in the rules' UTC offset."""
    @property
    def rooms(self) -> int:
        """Openings charged that day."""
    @property
    def daily_room_limit(self) -> int:
        """The daily limit."""
    def to_dict(self) -> UsageDict:
        """``{"day", "rooms", "dailyRoomLimit"}``."""
    def to_json(self) -> str:
        """``to_dict()`` as JSON text."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
