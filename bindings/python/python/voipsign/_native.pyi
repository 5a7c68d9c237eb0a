"""Type stubs of the native module (src/*.rs), re-exported by ``voipsign``.

The one place the signatures are written, but for the result classes' (generated
into ``_records.pyi``, a stub-only module); ``mypy.stubtest`` checks them all
against the built module (tests/test_typing.py).
"""

from collections.abc import Iterable
from typing import SupportsIndex, final

from typing_extensions import Unpack

from voipsign._contract import ExplainContext, LedgerOptions, RedisLedgerOptions, RoomType
from voipsign._records import Admission as Admission
from voipsign._records import Diagnosis as Diagnosis
from voipsign._records import Explanation as Explanation
from voipsign._records import JoinTicket as JoinTicket
from voipsign._records import Room as Room
from voipsign._records import RoomPage as RoomPage
from voipsign._records import RoomSummary as RoomSummary
from voipsign._records import Seat as Seat
from voipsign._records import Usage as Usage

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
    "RoomPage",
    "RoomSummary",
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

def explain(
    err_code: SupportsIndex, err_msg: str = "", context: ExplainContext | None = None
) -> Explanation:
    """What a ``wx.joinVoIPChat`` failure (``errCode``, ``errMsg``) means and what to do,
    refined by what the backend knows (``context``)."""

@final
class Ledger:
    """The room ledger (docs/ROOMS.md); thread-safe, one per process."""

    @staticmethod
    def memory(**options: Unpack[LedgerOptions]) -> Ledger:
        """A ledger over an in-process store; core checks the options (``LedgerOptions``)."""
    @staticmethod
    def redis(url: str, **options: Unpack[RedisLedgerOptions]) -> Ledger:
        """A ledger on a Redis server or cluster, shared by every process using it.

        ``url``: ``redis://[user:password@]host[:port][/db]``, ``rediss://...``,
        ``redis+cluster://host:port[,host:port...]`` or ``rediss+cluster://...``;
        never shown. Core checks the url, then the options (``RedisLedgerOptions``).
        Connects lazily; calls release the GIL while they wait for the server.
        """
    def close(self) -> None:
        """Let the store go; every later call raises ``LedgerClosed``. Idempotent."""
    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
    def __enter__(self) -> Ledger: ...
    def __exit__(self, *_exc: object) -> None: ...
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
        """The day counters of ``app_id`` on ``day`` (default: today), the limit,
        and for today the live rooms and seats."""
    def rooms(
        self,
        app_id: str,
        *,
        limit: int = 100,
        after: str | None = None,
        now_ms: int | None = None,
    ) -> RoomPage:
        """One page of the live rooms (1-1000, groupId byte order) after ``after``;
        pass the page's ``next`` as ``after`` for the next one."""
