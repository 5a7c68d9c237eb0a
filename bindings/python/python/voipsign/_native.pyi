"""The native module (private): import ``voipsign`` instead."""

from typing import List

from voipsign import (
    Diagnosis as Diagnosis,
    Explanation as Explanation,
    JoinTicket as JoinTicket,
    canonical as canonical,
    diagnose as diagnose,
    explain as explain,
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
    "_FASTCALL",
]

__version__: str
_ERROR_CODES: List[str]
_FAST_UTF8: bool
_FASTCALL: bool
