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
"""

from typing import Literal, TypedDict

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
    JoinTicket,
    __version__,
    canonical,
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
