"""The typing names of voipsign: the codes as ``Literal`` types and the shapes of
``to_dict()`` as ``TypedDict`` s. Re-exported by :mod:`voipsign`; used by the
stubs of the native module (``_native.pyi``)."""

from typing import Literal, TypedDict

#: The ``roomType`` of ``wx.joinVoIPChat``: audio only or audio and video.
RoomType = Literal["voice", "video"]

#: ``Diagnosis.verdict``: the signature is right, a known mistake reproduces it,
#: or nothing known does.
Verdict = Literal["CORRECT", "MISTAKE_FOUND", "UNKNOWN"]

#: The codes of ``Diagnosis.mistakes``, in the order they are listed in.
Mistake = Literal[
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

#: ``Explanation.cause``: the cause of a ``wx.joinVoIPChat`` failure.
Cause = Literal[
    "ALREADY_IN_ROOM",
    "DEVICE_BUSY",
    "JOIN_INTERRUPTED",
    "SYSTEM_ERROR",
    "INVALID_SIGNATURE",
    "DAILY_ROOM_LIMIT",
    "UNKNOWN",
]


#: ``Ledger.memory(on_unavailable=...)``: what admissions do when the ledger's
#: store cannot be reached.
OnUnavailable = Literal["allow", "refuse"]


class JoinTicketDict(TypedDict):
    """The object ``wx.joinVoIPChat`` takes (``JoinTicket.to_dict()``)."""

    groupId: str
    nonceStr: str
    timeStamp: int
    signature: str
    roomType: RoomType


class DiagnosisDict(TypedDict):
    """``Diagnosis.to_dict()``: the core's JSON (``voipsign diagnose --json``)."""

    verdict: Verdict
    mistakes: list[Mistake]
    message: str
    expected: str
    canonical: str


class ExplanationDict(TypedDict):
    """``Explanation.to_dict()``: the core's JSON (``voipsign explain --json``)."""

    cause: Cause
    meaning: str
    action: str


class AdmissionDict(TypedDict):
    """``Admission.to_dict()`` (camelCase, as in every language)."""

    opened: bool
    renewed: bool
    members: int
    generation: int
    roomsToday: int
    dailyRoomLimit: int
    quotaWarning: bool
    leaseExpiresAt: int
    degraded: bool


class SeatDict(TypedDict):
    """``Seat.to_dict()``, an item of ``RoomDict["members"]``."""

    memberId: str
    since: int
    expires: int


class RoomDict(TypedDict):
    """``Room.to_dict()``."""

    members: list[SeatDict]
    generation: int
    live: bool


class UsageDict(TypedDict):
    """``Usage.to_dict()``."""

    day: int
    rooms: int
    dailyRoomLimit: int
