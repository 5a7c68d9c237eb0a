"""The exceptions of voipsign: one class per error code of docs/CONTRACT.md.

Every error the library raises for a bad *value* is a :class:`VoipSignError`
(a :class:`ValueError`) whose ``code`` is the stable name shared by every
language binding (``"INVALID_NONCE"``, ...). When several values are bad, the
first in the contract's order is reported (appId, groupId, nonceStr, timeStamp,
the session_key or key list, then the function's own arguments): the core
decides, as in every language. A bad *type* (``bytes`` where a ``str`` is
expected, a ``float`` or ``bool`` timestamp) is a :class:`TypeError`, raised as
the argument is read, before any value is checked; so is :class:`InvalidUtf8`.

Messages name the field and the reason; they never contain the session_key or
any part of it.
"""

from typing import Dict, Optional, Type

__all__ = [
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
    "RoomFull",
    "DailyRoomLimit",
    "NotAdmitted",
    "InvalidMemberId",
    "InvalidRules",
    "LedgerUnavailable",
    "InvalidRedisUrl",
]


class VoipSignError(ValueError):
    """Base class of every voipsign error; ``code`` is the code name of docs/CONTRACT.md.

    Catch this to handle any refused input; catch a subclass (or compare
    ``err.code``) to handle one kind.
    """

    code: str = "VOIPSIGN_ERROR"

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None and code != type(self).code:
            # Only for a code without a class of its own (never expected).
            self.code = code

    @property
    def message(self) -> str:
        """The message: which field and why (never the session_key)."""
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidAppId(VoipSignError):
    """appId is not 1-64 bytes of printable ASCII (0x21-0x7E)."""

    code: str = "INVALID_APP_ID"


class InvalidGroupId(VoipSignError):
    """groupId is not 1-1024 bytes of UTF-8 without control characters."""

    code: str = "INVALID_GROUP_ID"


class InvalidNonce(VoipSignError):
    """nonceStr is not 1-127 characters of printable ASCII."""

    code: str = "INVALID_NONCE"


class InvalidTimestamp(VoipSignError):
    """timeStamp is not whole seconds in 1..9999999999 (13 digits are milliseconds)."""

    code: str = "INVALID_TIMESTAMP"


class InvalidSessionKey(VoipSignError):
    """The session_key is not the 24-character base64 string code2Session returns."""

    code: str = "INVALID_SESSION_KEY"


class InvalidSignature(VoipSignError):
    """A signature to verify is not 64 hex digits (or carries a cloud-signing suffix)."""

    code: str = "INVALID_SIGNATURE"


class InvalidRoomType(VoipSignError):
    """roomType is neither ``"voice"`` nor ``"video"``."""

    code: str = "INVALID_ROOM_TYPE"


class InvalidUtf8(VoipSignError):
    """A ``str`` argument has no UTF-8 form (it contains a lone surrogate)."""

    code: str = "INVALID_UTF8"


class RngFailure(VoipSignError):
    """The operating system's random number generator failed (issue)."""

    code: str = "RNG_FAILURE"


class InternalError(VoipSignError):
    """A bug in voipsign (a caught panic): never expected, please report it."""

    code: str = "INTERNAL"


class RoomFull(VoipSignError):
    """The room's seats are all taken by others (``Ledger.admit``; WeChat seats at most 10)."""

    code: str = "ROOM_FULL"


class DailyRoomLimit(VoipSignError):
    """Opening this room would exceed today's limit of rooms for the appId."""

    code: str = "DAILY_ROOM_LIMIT"


class NotAdmitted(VoipSignError):
    """``Ledger.heartbeat``: the member holds no live seat (admit it again)."""

    code: str = "NOT_ADMITTED"


class InvalidMemberId(VoipSignError):
    """A member id (openid) is not 1-128 bytes of printable ASCII (0x21-0x7E)."""

    code: str = "INVALID_MEMBER_ID"


class InvalidRules(VoipSignError):
    """A rule given to ``Ledger.memory`` or ``Ledger.redis`` (or one of the latter's
    timeouts or its ``key_prefix``) is out of its range."""

    code: str = "INVALID_RULES"


class LedgerUnavailable(VoipSignError):
    """The ledger's store cannot be reached within its timeouts (never the memory store).

    The message names the server (``host:port``) and what happened, never a password.
    """

    code: str = "LEDGER_UNAVAILABLE"


class InvalidRedisUrl(VoipSignError):
    """The URL given to ``Ledger.redis`` is malformed.

    The message says what is wrong and never repeats the URL (it may carry a password).
    """

    code: str = "INVALID_REDIS_URL"


#: The class raised for each code name.
ERROR_CLASSES: Dict[str, Type[VoipSignError]] = {
    cls.code: cls
    for cls in (
        InvalidAppId,
        InvalidGroupId,
        InvalidNonce,
        InvalidTimestamp,
        InvalidSessionKey,
        InvalidSignature,
        InvalidRoomType,
        InvalidUtf8,
        RngFailure,
        InternalError,
        RoomFull,
        DailyRoomLimit,
        NotAdmitted,
        InvalidMemberId,
        InvalidRules,
        LedgerUnavailable,
        InvalidRedisUrl,
    )
}
