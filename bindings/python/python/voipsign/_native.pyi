"""The native module (private): import ``voipsign`` instead."""

from typing import List

from voipsign import (
    JoinTicket as JoinTicket,
    canonical as canonical,
    issue as issue,
    session_signature as session_signature,
    sign as sign,
    sign_many as sign_many,
    verify as verify,
)

__all__ = [
    "__version__",
    "_ERROR_CODES",
    "_FAST_UTF8",
    "JoinTicket",
    "sign",
    "verify",
    "canonical",
    "sign_many",
    "session_signature",
    "issue",
    "_FASTCALL",
]

__version__: str
_ERROR_CODES: List[str]
_FAST_UTF8: bool
_FASTCALL: bool
