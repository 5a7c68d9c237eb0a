"""Type stubs of voipsign (hand-written; checked against the built module by stubtest)."""

from typing import Iterable, List, Literal, SupportsIndex, TypedDict, Union, final

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
    "JoinTicket",
    "JoinTicketDict",
    "RoomType",
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
