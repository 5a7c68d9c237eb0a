"""Type stubs of the native module (src/*.rs), re-exported by ``voipsign``.

The one place the signatures are written; ``mypy.stubtest`` checks them against
the built module (tests/test_typing.py).
"""

from collections.abc import Iterable
from typing import SupportsIndex, final

from voipsign._types import Cause, DiagnosisDict, ExplanationDict, JoinTicketDict, Mistake, RoomType, Verdict

__all__ = [
    "__version__",
    "_ERROR_CODES",
    "JoinTicket",
    "Diagnosis",
    "Explanation",
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
