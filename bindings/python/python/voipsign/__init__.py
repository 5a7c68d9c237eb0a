"""voipsign: the ``signature`` of WeChat's ``wx.joinVoIPChat``, computed right.

HMAC-SHA256 over appId, groupId, nonceStr and timeStamp sorted in code-unit
order and joined with no separator, keyed by the user's session_key *string*,
as 64 lowercase hex digits. The work is done by one audited Rust core shared by
every language binding (C, Python, Node, Go, PHP)::

    >>> import voipsign
    >>> voipsign.sign("wx20afc706a711eefc", "1559129713_672975982",
    ...               "8AP6DT9ybtniUJfb", 1559129714, "gDyVgzwa0mFz9uUP7M6GQQ==")
    'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617'

In a web handler, ``return voipsign.issue(app_id, group_id, session_key).to_dict()``
gives the mini program exactly the object ``wx.joinVoIPChat`` takes.

When WeChat refuses a join, ``voipsign.explain(err_code, err_msg)`` says what
the failure means, and ``voipsign.diagnose(...)`` names the mistake that
reproduces a rejected signature::

    >>> voipsign.explain(-1000, "joinVoIPChat:fail invalid signature").cause
    'INVALID_SIGNATURE'
    >>> d = voipsign.diagnose("wx20afc706a711eefc", "1559129713_672975982",
    ...                       "8AP6DT9ybtniUJfb", 1559129714000, "gDyVgzwa0mFz9uUP7M6GQQ==",
    ...                       "3A69ABC093A5D2A3CE5B545856137D01794994E9837907CD1D417607B48FCD87")
    >>> d.verdict, d.mistakes
    ('MISTAKE_FOUND', ('TIMESTAMP_MILLISECONDS', 'UPPERCASE_HEX'))
"""

from typing import List, Literal, TypedDict

from voipsign.errors import (
    InternalError,
    InvalidAppId,
    InvalidGroupId,
    InvalidNonce,
    InvalidRoomType,
    InvalidSessionKey,
    InvalidSignature,
    InvalidTimestamp,
    InvalidUtf8,
    RngFailure,
    VoipSignError,
)
from voipsign._native import (
    Diagnosis,
    Explanation,
    JoinTicket,
    __version__,
    canonical,
    diagnose,
    explain,
    issue,
    session_signature,
    sign,
    sign_many,
    verify,
)

#: The ``roomType`` of ``wx.joinVoIPChat``: audio only or audio and video.
RoomType = Literal["voice", "video"]


class JoinTicketDict(TypedDict):
    """The object ``wx.joinVoIPChat`` takes (``JoinTicket.to_dict()``)."""

    groupId: str
    nonceStr: str
    timeStamp: int
    signature: str
    roomType: RoomType


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
