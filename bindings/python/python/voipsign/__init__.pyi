"""Type stubs of voipsign (hand-written; checked against the built module by stubtest)."""

from typing import Iterable, List, Literal, SupportsIndex, Tuple, TypedDict, Union, final

from typing_extensions import TypeAlias

from voipsign.errors import (
    InternalError as InternalError,
    InvalidAppId as InvalidAppId,
    InvalidGroupId as InvalidGroupId,
    InvalidNonce as InvalidNonce,
    InvalidRoomType as InvalidRoomType,
    InvalidSessionKey as InvalidSessionKey,
    InvalidSignature as InvalidSignature,
    InvalidTimestamp as InvalidTimestamp,
    InvalidUtf8 as InvalidUtf8,
    RngFailure as RngFailure,
    VoipSignError as VoipSignError,
)

__version__: str
__all__ = [
    "__version__",
    "sign",
    "verify",
    "canonical",
    "issue",
    "sign_many",
    "session_signature",
    "diagnose",
    "explain",
    "JoinTicket",
    "JoinTicketDict",
    "RoomType",
    "Diagnosis",
    "DiagnosisDict",
    "Verdict",
    "Mistake",
    "Explanation",
    "ExplanationDict",
    "Cause",
    "VoipSignError",
    "InvalidAppId",
    "InvalidGroupId",
    "InvalidNonce",
    "InvalidTimestamp",
    "InvalidSessionKey",
    "InvalidSignature",
    "InvalidRoomType",
    "InvalidUtf8",
    "RngFailure",
    "InternalError",
]

RoomType: TypeAlias = Literal["voice", "video"]

class JoinTicketDict(TypedDict):
    """The object ``wx.joinVoIPChat`` takes (``JoinTicket.to_dict()``)."""

    groupId: str
    nonceStr: str
    timeStamp: int
    signature: str
    roomType: RoomType

Verdict: TypeAlias = Literal["CORRECT", "MISTAKE_FOUND", "UNKNOWN"]
Mistake: TypeAlias = Literal[
    "NOT_SORTED",
    "COMMA_JOINED",
    "KEY_BASE64_DECODED",
    "KEY_MESSAGE_SWAPPED",
    "KEY_WHITESPACE",
    "TIMESTAMP_MILLISECONDS",
    "UPPERCASE_HEX",
    "BASE64_DIGEST",
    "PLAIN_SHA256",
    "STALE_SESSION_KEY",
]
Cause: TypeAlias = Literal[
    "ALREADY_IN_ROOM",
    "DEVICE_BUSY",
    "JOIN_INTERRUPTED",
    "SYSTEM_ERROR",
    "INVALID_SIGNATURE",
    "DAILY_ROOM_LIMIT",
    "UNKNOWN",
]

class DiagnosisDict(TypedDict):
    """``Diagnosis.to_dict()``: the core's JSON (``voipsign diagnose --json``)."""

    verdict: Verdict
    mistakes: List[Mistake]
    message: str
    expected: str
    canonical: str

class ExplanationDict(TypedDict):
    """``Explanation.to_dict()``: the core's JSON (``voipsign explain --json``)."""

    cause: Cause
    meaning: str
    action: str

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
) -> List[str]:
    """One signature per session_key, in order; the canonical string is built once."""

def session_signature(session_key: str, body: Union[str, bytes] = b"") -> str:
    """HMAC-SHA256 of ``body`` keyed by the session_key (``/wxa/checksession`` when empty)."""

def issue(
    app_id: str,
    group_id: str,
    session_key: str,
    room_type: RoomType = "voice",
) -> JoinTicket:
    """A join ticket: fresh nonce, current time in seconds, signature."""

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
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

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
class Diagnosis:
    """What :func:`diagnose` found; immutable, comparable, hashable, no secret."""

    @property
    def verdict(self) -> Verdict:
        """``"CORRECT"``, ``"MISTAKE_FOUND"`` or ``"UNKNOWN"``."""
    @property
    def mistakes(self) -> Tuple[Mistake, ...]:
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
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
