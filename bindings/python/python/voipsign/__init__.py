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

The room ledger enforces WeChat's room rules (10 people a room, 100,000 rooms a
day per appId) before a ticket is issued::

    >>> ledger = voipsign.Ledger.memory(capacity=2)
    >>> a = ledger.admit("wx20afc706a711eefc", "room-1", "openid-a", now_ms=1796083200000)
    >>> a.opened, a.members, a.rooms_today
    (True, 1, 1)

``voipsign.Ledger.redis(url)`` keeps the same ledger on a Redis server or
cluster, shared by every worker process and machine; ``with`` closes it::

    >>> with voipsign.Ledger.memory(daily_room_limit=5) as ledger:
    ...     ledger.usage("wx20afc706a711eefc", day=20788).daily_room_limit
    5
    >>> ledger.closed
    True

Errors are :class:`VoipSignError` s with a ``code``; an ``InputError`` (a bad
value) is a :class:`ValueError`, a ``RefusalError`` (a full room) is not, an
``OutageError`` (the store is down) is an :class:`OSError`.
"""

import typing as _typing

from voipsign import _contract, _native, errors
from voipsign._contract import *  # noqa: F403 (the generated types: _contract.__all__)
from voipsign._native import *  # noqa: F403 (the functions and classes: _native.__all__)
from voipsign.errors import *  # noqa: F403 (the generated exceptions: errors.__all__)

if not _typing.TYPE_CHECKING:
    # Type checkers take the names from the star imports (which re-export);
    # they could not read this list of the three.
    __all__ = [
        name
        for name in (*_native.__all__, *_contract.__all__, *errors.__all__)
        if name == "__version__" or not name.startswith("_")
    ]
