"""voipsign.Ledger beyond the scenarios of rooms.json (test_rooms.py): the Python
surface, arguments and their types, rules, precedence, secrecy, the process
clock, and 4 threads against one ledger.

VOIPSIGN_TEST_CALLS sets the operations per thread (``make test-valgrind``
lowers it)."""

import inspect
import os
import pickle
import random
import sys
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import voipsign
from voipsign import Ledger

from conftest import APP_ID, GROUP_ID, KEY

T0 = 1_796_083_200_000 + 6 * 3_600_000  # 2026-12-01 14:00 in Beijing: far from midnight
MEMBER = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


def ledger(**rules: Any) -> Ledger:
    return Ledger.memory(**rules)


# --- surface ------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, params",
    [
        ("admit", "app_id, group_id, member_id, *, now_ms=None"),
        (
            "admit_and_issue",
            "app_id, group_id, member_id, session_key, room_type='voice', *, now_ms=None",
        ),
        ("heartbeat", "app_id, group_id, member_id, *, now_ms=None"),
        ("leave", "app_id, group_id, member_id, *, now_ms=None"),
        ("sync", "app_id, group_id, open_ids, *, now_ms=None"),
        ("room", "app_id, group_id, *, now_ms=None"),
        ("usage", "app_id, *, day=None, now_ms=None"),
        ("rooms", "app_id, *, limit=100, after=None, now_ms=None"),
    ],
)
def test_method_signatures_and_docs(method: str, params: str) -> None:
    func = getattr(ledger(), method)
    assert str(inspect.signature(func)) == f"({params})"
    doc = inspect.getdoc(func)
    assert doc is not None and len(doc) > 60


def test_memory_signature_and_repr() -> None:
    # The text signature is generated from core's options (src/contract.rs).
    assert str(inspect.signature(Ledger.memory)) == (
        "(*, capacity=10, daily_room_limit=100000, daily_room_warning=None, "
        "member_daily_openings=100, reserve_ttl_ms=60000, lease_ttl_ms=45000, sync_grace_ms=None, "
        "day_offset_minutes=480, on_unavailable='allow')"
    )
    doc = inspect.getdoc(Ledger.memory)
    assert doc is not None and ":param daily_room_warning:" in doc and "1 to 10" in doc
    # repr: the options as given, in the order given.
    assert repr(ledger(capacity=3, daily_room_limit=50, sync_grace_ms=0, day_offset_minutes=-300,
                       on_unavailable="refuse", reserve_ttl_ms=5_000.0)) == (
        "Ledger.memory(capacity=3, daily_room_limit=50, sync_grace_ms=0, "
        "day_offset_minutes=-300, on_unavailable='refuse', reserve_ttl_ms=5000.0)"
    )
    # None is the default, as for every optional argument of voipsign.
    assert repr(ledger(capacity=None, on_unavailable=None)) == repr(ledger()) == "Ledger.memory()"


def test_classes_are_not_constructible_or_picklable() -> None:
    for cls in (Ledger, voipsign.Admission, voipsign.Room, voipsign.Seat, voipsign.Usage,
                voipsign.RoomPage, voipsign.RoomSummary):
        assert cls.__module__ == "voipsign"
        with pytest.raises(TypeError):
            cls()
    with pytest.raises(TypeError):
        pickle.dumps(ledger())


def test_rules_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Ledger.memory(10)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "kw, message",
    [
        # Core refuses an unknown name, naming it and what was probably meant,
        # in Python's spelling.
        (dict(dailyRoomLimit=5), "unknown option dailyRoomLimit (did you mean daily_room_limit?)"),
        (dict(seats=10), "unknown option seats; the options are capacity, daily_room_limit"),
        (dict(capacity=2, capacty=2), "unknown option capacty; "),
        # Options of the Redis store only.
        (dict(key_prefix="p"), "key_prefix applies to a Redis ledger only"),
        (dict(command_timeout_ms=5), "command_timeout_ms applies to a Redis ledger only"),
        ({"\ud800": 1}, "unknown option (a name that is not an identifier)"),
    ],
)
def test_unknown_options_are_refused_by_name(kw: Dict[str, Any], message: str) -> None:
    with pytest.raises(voipsign.InvalidRules) as info:
        Ledger.memory(**kw)
    assert str(info.value).startswith(message), str(info.value)
    assert isinstance(info.value, ValueError) and info.value.kind == "input"


def test_results_are_frozen_comparable_hashable() -> None:
    a, b = ledger(), ledger()
    adm = a.admit(APP_ID, GROUP_ID, MEMBER, now_ms=T0)
    assert adm == b.admit(APP_ID, GROUP_ID, MEMBER, now_ms=T0)
    assert adm != a.admit(APP_ID, GROUP_ID, MEMBER, now_ms=T0)  # renewed now
    room = a.room(APP_ID, GROUP_ID, now_ms=T0)
    usage = a.usage(APP_ID, now_ms=T0)
    page = a.rooms(APP_ID, now_ms=T0)
    summary = page.rooms[0]
    seat = room.members[0]
    assert room == b.room(APP_ID, GROUP_ID, now_ms=T0) and hash(room) == hash(b.room(APP_ID, GROUP_ID, now_ms=T0))
    assert seat == b.room(APP_ID, GROUP_ID, now_ms=T0).members[0]
    assert page == b.rooms(APP_ID, now_ms=T0) and hash(page) == hash(b.rooms(APP_ID, now_ms=T0))
    assert len({adm, room, usage, seat, room, usage, page, summary, page}) == 6
    assert (room == "x") is False
    for obj, attr in [(adm, "opened"), (room, "members"), (seat, "since"), (usage, "openings"),
                      (page, "next"), (summary, "seats")]:
        with pytest.raises(AttributeError):
            setattr(obj, attr, 1)
        with pytest.raises(AttributeError):
            obj.extra = 1  # type: ignore[attr-defined]
    assert room.members is not room.members and room.members == room.members
    d = room.to_dict()
    d["members"].clear()
    assert room.to_dict()["members"]  # a new dict each time


def test_reprs() -> None:
    lg = ledger()
    adm = lg.admit(APP_ID, "it's", MEMBER, now_ms=T0)
    assert repr(adm) == (
        "Admission(opened=True, renewed=False, members=1, generation=1, rooms_today=1, "
        f"daily_room_limit=100000, quota_warning=False, lease_expires_at={T0 + 60_000}, degraded=False)"
    )
    room = lg.room(APP_ID, "it's", now_ms=T0)
    seat = f"Seat(member_id='{MEMBER}', since={T0}, expires={T0 + 60_000})"
    assert repr(room.members[0]) == seat
    assert repr(room) == f"Room(members=({seat},), generation=1, live=True)"
    assert repr(lg.room(APP_ID, "never", now_ms=T0)) == "Room(members=(), generation=0, live=False)"
    assert repr(lg.usage(APP_ID, now_ms=T0)) == (
        "Usage(day=20788, openings=1, admissions=1, renewals=0, refused_room_full=0, "
        "refused_daily_limit=0, refused_member_limit=0, heartbeats_refused=0, leaves=0, "
        "adopted_by_sync=0, removed_by_sync=0, expired=0, peak_seats=1, live_rooms=1, "
        "live_seats=1, daily_room_limit=100000)"
    )
    assert repr(lg.usage(APP_ID, day=20787, now_ms=T0)).endswith(
        "peak_seats=0, live_rooms=None, live_seats=None, daily_room_limit=100000)"
    )
    summary = f"RoomSummary(group_id=\"it's\", seats=1, capacity=10, generation=1, opened_at={T0})"
    assert repr(lg.rooms(APP_ID, now_ms=T0)) == f"RoomPage(rooms=({summary},), next=None)"
    lg.admit(APP_ID, "z", MEMBER, now_ms=T0)
    assert repr(lg.rooms(APP_ID, limit=1, now_ms=T0)) == f"RoomPage(rooms=({summary},), next=\"it's\")"
    assert repr(lg.rooms(APP_ID, limit=1, after="it's", now_ms=T0)) == (
        f"RoomPage(rooms=(RoomSummary(group_id='z', seats=1, capacity=10, generation=1, "
        f"opened_at={T0}),), next=None)"
    )


# --- rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "rules, named",
    [
        (dict(capacity=0), "capacity"),
        (dict(capacity=11), "capacity"),
        (dict(daily_room_limit=100_001), "daily_room_limit"),
        (dict(daily_room_limit=10, daily_room_warning=11), "daily_room_warning"),
        (dict(member_daily_openings=-1), "member_daily_openings"),
        (dict(member_daily_openings=100_001), "member_daily_openings"),
        (dict(reserve_ttl_ms=999), "reserve_ttl_ms"),
        (dict(lease_ttl_ms=-1), "lease_ttl_ms"),
        (dict(sync_grace_ms=3_600_001), "sync_grace_ms"),
        (dict(day_offset_minutes=841), "day_offset_minutes"),
        (dict(on_unavailable="Allow"), "on_unavailable"),
        (dict(on_unavailable=""), "on_unavailable"),
        (dict(on_unavailable="\ud800"), "on_unavailable"),
        # Several bad: the first in the order of the rules; on_unavailable last.
        (dict(on_unavailable="x", day_offset_minutes=-721, capacity=0), "capacity"),
        (dict(on_unavailable="x", lease_ttl_ms=0), "lease_ttl_ms"),
    ],
)
def test_bad_rules(rules: Dict[str, Any], named: str) -> None:
    with pytest.raises((voipsign.InvalidRules, voipsign.InvalidUtf8)) as info:
        Ledger.memory(**rules)
    if "\ud800" in rules.values():
        assert type(info.value) is voipsign.InvalidUtf8
    else:
        assert type(info.value) is voipsign.InvalidRules and info.value.code == "INVALID_RULES"
    assert str(info.value).startswith(named), str(info.value)


@pytest.mark.parametrize("rule", ["capacity", "daily_room_limit", "daily_room_warning",
                                  "member_daily_openings", "reserve_ttl_ms", "lease_ttl_ms", "sync_grace_ms",
                                  "day_offset_minutes"])
def test_rule_types(rule: str) -> None:
    # Core checks the types, as every language passes them: a bool is never a
    # number, a float must be whole; in the order of the rules like a range.
    bads: List[Tuple[Any, str]] = [
        (True, "a number, not a boolean"),
        ("5", "a number, not a string"),
        (b"5", "a number, not a list or an object"),
        ([5], "a number, not a list or an object"),
    ]
    for bad, why in bads:
        kw: Dict[str, Any] = {rule: bad}
        with pytest.raises(voipsign.InvalidRules) as info:
            Ledger.memory(**kw)
        assert str(info.value) == f"{rule} must be {why}"
    with pytest.raises(voipsign.InvalidRules, match=f"^{rule} is 2.5; it must be a whole number"):
        Ledger.memory(**{rule: 2.5})  # type: ignore[arg-type]
    with pytest.raises(OverflowError, match=rule):
        Ledger.memory(**{rule: 2**64})  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidRules, match="^on_unavailable must be a string"):
        Ledger.memory(on_unavailable=b"allow")  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidRules, match="^capacity"):
        Ledger.memory(**{rule: "5", "capacity": True})  # type: ignore[arg-type]


def test_whole_floats_are_numbers() -> None:
    # As in every language (JavaScript has only floats): 2.0 is 2.
    assert Ledger.memory(capacity=2.0).admit(  # type: ignore[arg-type]
        APP_ID, GROUP_ID, "a", now_ms=T0
    ).members == 1
    lg = Ledger.memory(capacity=1.0)  # type: ignore[arg-type]
    lg.admit(APP_ID, GROUP_ID, "a", now_ms=T0)
    with pytest.raises(voipsign.RoomFull):
        lg.admit(APP_ID, GROUP_ID, "b", now_ms=T0)


def test_rules_take_int_subclasses_and_index() -> None:
    class Idx:
        def __index__(self) -> int:
            return 3

    assert "capacity=3" in repr(Ledger.memory(capacity=Idx()))  # type: ignore[arg-type]
    assert "capacity=2" in repr(Ledger.memory(capacity=type("I", (int,), {})(2)))


# --- arguments and precedence ------------------------------------------------------------

CALLS: Dict[str, Callable[..., Any]] = {
    "admit": lambda lg, a, g, m, **kw: lg.admit(a, g, m, **kw),
    "admit_and_issue": lambda lg, a, g, m, **kw: lg.admit_and_issue(a, g, m, KEY, **kw),
    "heartbeat": lambda lg, a, g, m, **kw: lg.heartbeat(a, g, m, **kw),
    "leave": lambda lg, a, g, m, **kw: lg.leave(a, g, m, **kw),
    "sync": lambda lg, a, g, m, **kw: lg.sync(a, g, [MEMBER, m], **kw),
}


@pytest.mark.parametrize("op", CALLS)
@pytest.mark.parametrize(
    "member, code",
    [
        ("", "INVALID_MEMBER_ID"),
        ("x" * 129, "INVALID_MEMBER_ID"),
        ("has space", "INVALID_MEMBER_ID"),
        ("tab\t", "INVALID_MEMBER_ID"),
        ("中文", "INVALID_MEMBER_ID"),
        ("\ud800", "INVALID_UTF8"),
    ],
)
def test_bad_member_ids(op: str, member: str, code: str) -> None:
    lg = ledger()
    with pytest.raises(voipsign.VoipSignError) as info:
        CALLS[op](lg, APP_ID, GROUP_ID, member, now_ms=T0)
    assert info.value.code == code
    prefix = "openIds[1]" if op == "sync" else "memberId"
    assert str(info.value).startswith(prefix), str(info.value)
    assert lg.room(APP_ID, GROUP_ID, now_ms=T0).generation == 0  # nothing written
    # The longest id is valid: heartbeat goes on to the state error.
    if op == "heartbeat":
        with pytest.raises(voipsign.NotAdmitted):
            CALLS[op](lg, APP_ID, GROUP_ID, "x" * 128, now_ms=T0)
    else:
        CALLS[op](lg, APP_ID, GROUP_ID, "x" * 128, now_ms=T0)


@pytest.mark.parametrize("op", CALLS)
def test_precedence_app_then_group_then_member(op: str) -> None:
    lg = ledger()
    with pytest.raises(voipsign.InvalidAppId):
        CALLS[op](lg, "", "", "", now_ms=T0)
    with pytest.raises(voipsign.InvalidGroupId):
        CALLS[op](lg, APP_ID, "a\nb", "bad member", now_ms=T0)


def test_precedence_of_admit_and_issue() -> None:
    lg = ledger(capacity=1)
    lg.admit(APP_ID, GROUP_ID, "host", now_ms=T0)
    ai = lg.admit_and_issue
    # appId, groupId, the timeStamp of now_ms, the session_key, memberId, roomType.
    with pytest.raises(voipsign.InvalidAppId):
        ai("", GROUP_ID, "", "bad key", "audio", now_ms=0)  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidTimestamp):
        ai(APP_ID, GROUP_ID, "", "bad key", now_ms=999)
    with pytest.raises(voipsign.InvalidSessionKey):
        ai(APP_ID, GROUP_ID, "", "bad key", "audio", now_ms=T0)  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidMemberId):
        ai(APP_ID, GROUP_ID, "", KEY, "audio", now_ms=T0)  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidRoomType):
        ai(APP_ID, GROUP_ID, "guest", KEY, "audio", now_ms=T0)  # type: ignore[arg-type]
    # State errors only once every input is valid.
    with pytest.raises(voipsign.RoomFull):
        ai(APP_ID, GROUP_ID, "guest", KEY, now_ms=T0)
    with pytest.raises(voipsign.InvalidMemberId):
        lg.admit(APP_ID, GROUP_ID, " ", now_ms=T0)
    assert [s.member_id for s in lg.room(APP_ID, GROUP_ID, now_ms=T0).members] == ["host"]


def test_bad_session_key_takes_no_seat_and_is_never_shown() -> None:
    lg = ledger()
    bad = "gDyVgzwa0mFz9uUP7M6GQQ==\n"
    with pytest.raises(voipsign.InvalidSessionKey) as info:
        lg.admit_and_issue(APP_ID, GROUP_ID, MEMBER, bad, now_ms=T0)
    shown = str(info.value) + repr(info.value) + repr(info.value.args)
    assert all(bad[i : i + 6] not in shown for i in range(len(bad) - 6))
    assert lg.room(APP_ID, GROUP_ID, now_ms=T0).live is False
    assert lg.usage(APP_ID, now_ms=T0).openings == 0
    adm, ticket = lg.admit_and_issue(APP_ID, GROUP_ID, MEMBER, KEY, "video", now_ms=T0)
    for text in (repr(adm), repr(ticket), adm.to_json(), ticket.to_json()):
        assert KEY[:8] not in text


NOW_CALLS: List[Callable[..., Any]] = [
    lambda lg, **kw: lg.admit(APP_ID, GROUP_ID, MEMBER, **kw),
    lambda lg, **kw: lg.admit_and_issue(APP_ID, GROUP_ID, MEMBER, KEY, **kw),
    lambda lg, **kw: lg.heartbeat(APP_ID, GROUP_ID, MEMBER, **kw),
    lambda lg, **kw: lg.leave(APP_ID, GROUP_ID, MEMBER, **kw),
    lambda lg, **kw: lg.sync(APP_ID, GROUP_ID, [MEMBER], **kw),
    lambda lg, **kw: lg.room(APP_ID, GROUP_ID, **kw),
    lambda lg, **kw: lg.usage(APP_ID, **kw),
    lambda lg, **kw: lg.rooms(APP_ID, **kw),
]


@pytest.mark.parametrize("call", range(len(NOW_CALLS)))
def test_now_ms_types(call: int) -> None:
    lg = ledger()
    for bad in (True, False, float(T0), "1796083200000", b"1"):
        with pytest.raises(TypeError) as info:
            NOW_CALLS[call](lg, now_ms=bad)
        assert "now_ms" in str(info.value) or "now_ms" in repr(getattr(info.value, "__notes__", ""))
    with pytest.raises(OverflowError):
        NOW_CALLS[call](lg, now_ms=2**63)
    with pytest.raises(TypeError):
        NOW_CALLS[call](lg, T0)  # now_ms is keyword-only
    with pytest.raises(TypeError):
        lg.usage(APP_ID, day=True)
    with pytest.raises(TypeError):
        lg.usage(APP_ID, day=20788.0)  # type: ignore[arg-type]


def test_bad_app_and_group_everywhere() -> None:
    lg = ledger()
    with pytest.raises(voipsign.InvalidAppId):
        lg.room("", GROUP_ID)
    with pytest.raises(voipsign.InvalidAppId):
        lg.usage("wx 1")
    with pytest.raises(voipsign.InvalidGroupId):
        lg.room(APP_ID, "")
    with pytest.raises(TypeError):
        lg.room(APP_ID, b"g")  # type: ignore[arg-type]


# --- rooms: the pages of live rooms -------------------------------------------------------


def test_rooms_pages_list_every_live_room_once_in_byte_order() -> None:
    lg = ledger()
    groups = [f"g{i:03d}" for i in range(250)] + ["Z", "é", "a-b"]
    for i, g in enumerate(groups):
        lg.admit(APP_ID, g, f"m{i}", now_ms=T0 + i)
    seen: List[str] = []
    after: Any = None
    pages = 0
    while True:
        page = lg.rooms(APP_ID, after=after, now_ms=T0 + 1_000)
        pages += 1
        assert 0 < len(page.rooms) <= 100
        seen += [r.group_id for r in page.rooms]
        if page.next is None:
            break
        assert page.next == page.rooms[-1].group_id
        after = page.next
    # Byte order of the UTF-8 groupIds: Python's order of code points.
    assert seen == sorted(groups, key=lambda g: g.encode()) and pages == 3
    everything = lg.rooms(APP_ID, limit=1000, now_ms=T0 + 1_000)
    assert everything.next is None and [r.group_id for r in everything.rooms] == seen
    opened = {g: T0 + i for i, g in enumerate(groups)}
    for r in everything.rooms:
        assert (r.seats, r.capacity, r.generation, r.opened_at) == (1, 10, 1, opened[r.group_id])
    # Another appId has none; an empty room is not listed.
    assert lg.rooms("wxd930ea5d5a258f4f", now_ms=T0).rooms == ()
    lg.leave(APP_ID, "Z", f"m{groups.index('Z')}", now_ms=T0 + 1_000)
    assert "Z" not in [r.group_id for r in lg.rooms(APP_ID, limit=1000, now_ms=T0 + 1_000).rooms]


@pytest.mark.parametrize("limit", [0, -1, 1001, 2**32, 2**32 + 5, -(2**40), 2**63 - 1, -(2**63)])
def test_rooms_limit_out_of_range_is_invalid_limit(limit: int) -> None:
    # An int of Python's is wider than core's page size: the message gives it as passed.
    with pytest.raises(voipsign.InvalidLimit) as info:
        ledger().rooms(APP_ID, limit=limit, now_ms=T0)
    err = info.value
    assert type(err) is voipsign.InvalidLimit and err.code == "INVALID_LIMIT" and err.kind == "input"
    assert isinstance(err, voipsign.InputError) and isinstance(err, ValueError)
    assert str(err) == f"limit is {limit}; it must be 1-1000 rooms per page"


def test_rooms_limits_in_range() -> None:
    lg = ledger()
    for g in "abc":
        lg.admit(APP_ID, g, MEMBER, now_ms=T0)
    assert [len(lg.rooms(APP_ID, limit=n, now_ms=T0).rooms) for n in (1, 2, 3, 1000)] == [1, 2, 3, 3]
    assert lg.rooms(APP_ID, limit=2, now_ms=T0).next == "b"
    assert lg.rooms(APP_ID, limit=3, now_ms=T0).next is None
    # None is the default (100), as for every optional argument; int subclasses
    # and __index__ are ints.
    assert lg.rooms(APP_ID, limit=None, after=None, now_ms=T0) == lg.rooms(  # type: ignore[arg-type]
        APP_ID, now_ms=T0
    )

    class Idx:
        def __index__(self) -> int:
            return 1

    assert len(lg.rooms(APP_ID, limit=Idx(), now_ms=T0).rooms) == 1  # type: ignore[arg-type]
    assert len(lg.rooms(APP_ID, limit=type("I", (int,), {})(2), now_ms=T0).rooms) == 2


def test_rooms_argument_types() -> None:
    lg = ledger()
    bad_limits: List[Any] = [True, False, 10.0, "10", b"1", [10]]
    for bad in bad_limits:
        with pytest.raises(TypeError, match="^limit must be an int"):
            lg.rooms(APP_ID, limit=bad, now_ms=T0)
    with pytest.raises(OverflowError, match="^limit"):
        lg.rooms(APP_ID, limit=2**64)
    with pytest.raises(OverflowError, match="^limit"):
        lg.rooms(APP_ID, limit=-(2**63) - 1)
    bad_afters: List[Any] = [b"g", 1, ["g"]]
    for bad in bad_afters:
        with pytest.raises(TypeError):
            lg.rooms(APP_ID, after=bad, now_ms=T0)
    with pytest.raises(voipsign.InvalidUtf8, match="^after"):
        lg.rooms(APP_ID, after="\ud800", now_ms=T0)
    with pytest.raises(TypeError):
        lg.rooms(APP_ID, 10)  # type: ignore[call-arg]
    # Types are read first, as every argument, before any value is checked.
    with pytest.raises(TypeError):
        lg.rooms("", limit=1.5)  # type: ignore[arg-type]


def test_rooms_precedence_app_then_limit_then_after() -> None:
    lg = ledger()
    with pytest.raises(voipsign.InvalidAppId):
        lg.rooms("", limit=0, after="", now_ms=T0)
    with pytest.raises(voipsign.InvalidLimit):
        lg.rooms(APP_ID, limit=0, after="", now_ms=T0)
    with pytest.raises(voipsign.InvalidGroupId, match=r"^after \(a groupId\)"):
        lg.rooms(APP_ID, after="a\nb", now_ms=T0)
    with pytest.raises(voipsign.InvalidGroupId, match="^after"):
        lg.rooms(APP_ID, after="", now_ms=T0)


# --- the member's daily openings ------------------------------------------------------------


def test_member_daily_limit_refuses_new_openings_not_joins() -> None:
    lg = ledger(member_daily_openings=2)
    assert lg.admit(APP_ID, "r1", MEMBER, now_ms=T0).opened
    assert lg.admit(APP_ID, "r2", MEMBER, now_ms=T0).opened
    with pytest.raises(voipsign.MemberDailyLimit) as info:
        lg.admit(APP_ID, "r3", MEMBER, now_ms=T0 + 1)
    err = info.value
    assert type(err) is voipsign.MemberDailyLimit
    assert err.code == "MEMBER_DAILY_LIMIT" and err.kind == "refusal" and str(err)
    assert isinstance(err, voipsign.RefusalError) and isinstance(err, voipsign.VoipSignError)
    assert not isinstance(err, ValueError) and not isinstance(err, OSError)
    assert lg.room(APP_ID, "r3", now_ms=T0 + 1).generation == 0  # nothing opened
    # A live room opened by another member: joining it is never refused.
    lg.admit(APP_ID, "theirs", "host", now_ms=T0 + 2)
    assert lg.admit(APP_ID, "theirs", MEMBER, now_ms=T0 + 3).members == 2
    # A seated member's admit is a renewal, never refused.
    assert lg.admit(APP_ID, "r1", MEMBER, now_ms=T0 + 4).renewed
    # admit_and_issue: refused alike, no ticket.
    with pytest.raises(voipsign.MemberDailyLimit):
        lg.admit_and_issue(APP_ID, "r4", MEMBER, KEY, now_ms=T0 + 5)
    # An except ValueError around input handling does not swallow it.
    with pytest.raises(voipsign.MemberDailyLimit):
        try:
            lg.admit(APP_ID, "r5", MEMBER, now_ms=T0 + 6)
        except ValueError:  # pragma: no cover - the point: it is not one
            pytest.fail("MemberDailyLimit caught as a ValueError")
    u = lg.usage(APP_ID, now_ms=T0 + 6)
    assert (u.openings, u.admissions, u.renewals, u.refused_member_limit) == (3, 4, 1, 3)
    # Another member still opens rooms; the next day (UTC+8) resets the count.
    assert lg.admit(APP_ID, "r6", "someone-else", now_ms=T0 + 7).opened
    midnight = ((T0 + 480 * 60_000) // 86_400_000 + 1) * 86_400_000 - 480 * 60_000
    with pytest.raises(voipsign.MemberDailyLimit):
        lg.admit(APP_ID, "r7", MEMBER, now_ms=midnight - 1)
    assert lg.admit(APP_ID, "r7", MEMBER, now_ms=midnight).opened


def test_member_daily_openings_default_and_zero() -> None:
    lg = ledger()  # the default: 100 openings a member a day
    for i in range(100):
        assert lg.admit(APP_ID, f"r{i}", MEMBER, now_ms=T0).opened
    with pytest.raises(voipsign.MemberDailyLimit):
        lg.admit(APP_ID, "r100", MEMBER, now_ms=T0)
    unlimited = ledger(member_daily_openings=0)
    for i in range(150):
        assert unlimited.admit(APP_ID, f"r{i}", MEMBER, now_ms=T0).opened
    assert unlimited.usage(APP_ID, now_ms=T0).refused_member_limit == 0


def test_usage_counters() -> None:
    lg = ledger(capacity=2, reserve_ttl_ms=1_000, lease_ttl_ms=1_000)
    lg.admit(APP_ID, "g", "a", now_ms=T0)
    lg.admit(APP_ID, "g", "b", now_ms=T0)
    with pytest.raises(voipsign.RoomFull):
        lg.admit(APP_ID, "g", "c", now_ms=T0)
    with pytest.raises(voipsign.NotAdmitted):
        lg.heartbeat(APP_ID, "g", "c", now_ms=T0)
    assert lg.leave(APP_ID, "g", "b", now_ms=T0)
    lg.sync(APP_ID, "h", ["x", "y"], now_ms=T0)
    u = lg.usage(APP_ID, now_ms=T0)
    assert u.to_dict() == {
        "day": 20788, "openings": 1, "admissions": 2, "renewals": 0, "refusedRoomFull": 1,
        "refusedDailyLimit": 0, "refusedMemberLimit": 0, "heartbeatsRefused": 1, "leaves": 1,
        "adoptedBySync": 2, "removedBySync": 0, "expired": 0, "peakSeats": 3, "liveRooms": 2,
        "liveSeats": 3, "dailyRoomLimit": 100000,
    }
    # The leases end: counted once as expired, by usage itself.
    later = lg.usage(APP_ID, now_ms=T0 + 1_000)
    assert (later.expired, later.live_rooms, later.live_seats, later.peak_seats) == (3, 0, 0, 3)
    assert lg.usage(APP_ID, now_ms=T0 + 2_000).expired == 3
    # Another day: its counters, no live figures.
    other = lg.usage(APP_ID, day=20787, now_ms=T0)
    assert other.openings == 0 and other.live_rooms is None and other.live_seats is None


def open_ids(kind: str) -> Any:
    ids = ["b", "a", "b"]
    return {"list": ids, "tuple": tuple(ids), "generator": (i for i in ids),
            "dict keys": dict.fromkeys(ids).keys(), "set": set(ids)}[kind]


@pytest.mark.parametrize("kind", ["list", "tuple", "generator", "dict keys", "set"])
def test_sync_takes_any_iterable_of_str(kind: str) -> None:
    room = ledger().sync(APP_ID, GROUP_ID, open_ids(kind), now_ms=T0)
    assert [s.member_id for s in room.members] == ["a", "b"]
    assert room.generation == 1 and room.live


def test_sync_argument_errors_change_nothing() -> None:
    lg = ledger()
    lg.admit(APP_ID, GROUP_ID, "a", now_ms=T0)
    before = lg.room(APP_ID, GROUP_ID, now_ms=T0 + 1)
    with pytest.raises(TypeError, match="single str"):
        lg.sync(APP_ID, GROUP_ID, "ab", now_ms=T0 + 70_000)
    with pytest.raises(TypeError, match=r"open_ids\[1\] must be str, not bytes"):
        lg.sync(APP_ID, GROUP_ID, ["a", b"b"], now_ms=T0 + 70_000)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not int"):
        lg.sync(APP_ID, GROUP_ID, 5, now_ms=T0 + 70_000)  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidUtf8, match=r"^openIds\[2\]"):
        lg.sync(APP_ID, GROUP_ID, ["a", "b", "\udc00"], now_ms=T0 + 70_000)
    with pytest.raises(voipsign.InvalidMemberId, match=r"^openIds\[1\]: memberId is empty"):
        lg.sync(APP_ID, GROUP_ID, ["b", ""], now_ms=T0 + 70_000)

    def boom() -> Iterator[str]:
        yield "b"
        raise KeyError("from the iterable")

    with pytest.raises(KeyError):
        lg.sync(APP_ID, GROUP_ID, boom(), now_ms=T0 + 70_000)
    assert lg.room(APP_ID, GROUP_ID, now_ms=T0 + 1) == before
    assert lg.sync(APP_ID, GROUP_ID, [], now_ms=T0 + 1).members == before.members


# --- lifecycle ----------------------------------------------------------------------


def test_with_block_closes_the_ledger() -> None:
    with Ledger.memory(capacity=2) as lg:
        assert type(lg) is Ledger and lg.closed is False
        assert lg.admit(APP_ID, GROUP_ID, MEMBER, now_ms=T0).opened
    assert lg.closed is True
    assert repr(lg) == "<closed Ledger.memory(capacity=2)>"
    with pytest.raises(voipsign.LedgerClosed) as info:
        lg.room(APP_ID, GROUP_ID, now_ms=T0)
    err = info.value
    assert err.code == "LEDGER_CLOSED" and err.kind == "input"
    assert isinstance(err, voipsign.InputError) and isinstance(err, ValueError)
    assert str(err) == "the ledger is closed"


def test_an_exception_in_the_block_closes_it_and_propagates() -> None:
    with pytest.raises(KeyError):
        with Ledger.memory() as lg:
            raise KeyError("inside")
    assert lg.closed


@pytest.mark.parametrize("call", range(len(NOW_CALLS)))
def test_every_method_after_close_raises_ledger_closed(call: int) -> None:
    lg = ledger()
    lg.close()
    with pytest.raises(voipsign.LedgerClosed):
        NOW_CALLS[call](lg, now_ms=T0)
    with pytest.raises(voipsign.LedgerClosed):  # before any value is checked
        NOW_CALLS[call](lg, now_ms=-1)
    # Argument types are still read first (TypeError), like every call.
    with pytest.raises(TypeError):
        NOW_CALLS[call](lg, now_ms=1.5)


def test_close_is_idempotent_and_enter_after_close_refuses() -> None:
    lg = ledger()
    lg.close()
    lg.close()
    assert lg.closed
    with pytest.raises(voipsign.LedgerClosed):
        with lg:
            pass  # pragma: no cover - never entered


def test_close_while_other_threads_call() -> None:
    # Calls in flight keep their ledger; later ones raise LedgerClosed; nothing else.
    lg = ledger(reserve_ttl_ms=1_000, lease_ttl_ms=1_000)
    outcomes: List[str] = []
    barrier = threading.Barrier(5)
    # make test-valgrind lowers VOIPSIGN_TEST_CALLS: fewer calls there.
    calls = int(os.environ.get("VOIPSIGN_TEST_CALLS", "100000"))

    def run(t: int) -> None:
        barrier.wait()
        try:
            for i in range(calls):
                lg.admit(APP_ID, f"room-{t}", f"m{i % 10}", now_ms=T0 + i)
            outcomes.append("finished")
        except voipsign.LedgerClosed:
            outcomes.append("closed")

    workers = [threading.Thread(target=run, args=(t,)) for t in range(4)]
    for w in workers:
        w.start()
    barrier.wait()
    time.sleep(0.01)
    lg.close()
    for w in workers:
        w.join()
    assert len(outcomes) == 4 and set(outcomes) <= {"finished", "closed"}, outcomes


# --- the process clock ------------------------------------------------------------------


def test_without_now_ms_the_process_clock_is_used() -> None:
    lg = ledger()
    t = time.time_ns() // 1_000_000
    adm = lg.admit(APP_ID, GROUP_ID, MEMBER)
    assert t + 60_000 <= adm.lease_expires_at <= time.time_ns() // 1_000_000 + 60_000
    hb = lg.heartbeat(APP_ID, GROUP_ID, MEMBER)
    assert hb == adm.lease_expires_at  # max(expires, now + 45 s)
    _, ticket = lg.admit_and_issue(APP_ID, GROUP_ID, "other", KEY)
    assert abs(ticket.timestamp - time.time()) < 5
    usage = lg.usage(APP_ID)
    assert usage.openings == 1 and usage.admissions == 2 and usage.live_seats == 2
    assert usage.day == (time.time_ns() // 1_000_000 + 480 * 60_000) // 86_400_000
    assert lg.leave(APP_ID, GROUP_ID, MEMBER) is True
    assert [s.member_id for s in lg.room(APP_ID, GROUP_ID).members] == ["other"]


# --- threads ----------------------------------------------------------------------------

CALLS_PER_THREAD = int(os.environ.get("VOIPSIGN_TEST_CALLS", "20000"))


def test_threads_never_overfill_and_count_every_opening() -> None:
    # 4 threads x many admit / heartbeat / leave / room calls on 3 rooms of 3
    # seats, 8 members each; the lease (1 s) ends while they run, so rooms empty
    # and reopen. Never more seats than capacity; every opening counted once.
    capacity, threads, rooms, members = 3, 4, 3, 8
    lg = ledger(capacity=capacity, reserve_ttl_ms=1_000, lease_ttl_ms=1_000)
    barrier = threading.Barrier(threads)
    errors: List[BaseException] = []
    openings = [0] * threads
    clock = [T0]
    clock_lock = threading.Lock()

    def tick() -> int:
        with clock_lock:
            clock[0] += 7
            return clock[0]

    def run(t: int) -> None:
        rng = random.Random(t)
        barrier.wait()
        try:
            for _ in range(CALLS_PER_THREAD):
                room, member = f"room-{rng.randrange(rooms)}", f"m{rng.randrange(members)}"
                op, now = rng.random(), tick()
                if op < 0.45:
                    try:
                        adm = lg.admit(APP_ID, room, member, now_ms=now)
                    except voipsign.RoomFull:
                        continue
                    assert 1 <= adm.members <= capacity
                    openings[t] += adm.opened
                elif op < 0.65:
                    try:
                        assert lg.heartbeat(APP_ID, room, member, now_ms=now) > now
                    except voipsign.NotAdmitted:
                        pass
                elif op < 0.9:
                    lg.leave(APP_ID, room, member, now_ms=now)
                else:
                    assert len(lg.room(APP_ID, room, now_ms=now).members) <= capacity
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors[0]
    usage = lg.usage(APP_ID, now_ms=clock[0])
    assert usage.openings == sum(openings) > rooms
    generations = sum(lg.room(APP_ID, f"room-{r}", now_ms=clock[0]).generation for r in range(rooms))
    assert generations == usage.openings


# --- leaks ------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="uses the resource module")
def test_ledger_paths_do_not_leak() -> None:
    import resource

    lg = ledger(capacity=1)
    lg.admit(APP_ID, GROUP_ID, "host", now_ms=T0)

    def work(n: int) -> None:
        for i in range(n):
            lg.admit(APP_ID, "r", "a", now_ms=T0).to_dict()
            lg.sync(APP_ID, "r", ["a", "b"], now_ms=T0).to_json()
            lg.leave(APP_ID, "r", "b", now_ms=T0)
            lg.admit_and_issue(APP_ID, "r", "a", KEY, now_ms=T0)
            for bad in (
                lambda: lg.admit(APP_ID, GROUP_ID, "guest", now_ms=T0),  # RoomFull
                lambda: lg.admit(APP_ID, GROUP_ID, "\ud800", now_ms=T0),
                lambda: lg.sync(APP_ID, GROUP_ID, ["a", ""], now_ms=T0),
                lambda: lg.heartbeat(APP_ID, GROUP_ID, "nobody", now_ms=T0),
                lambda: lg.room(APP_ID, GROUP_ID, now_ms=1.5),  # type: ignore[arg-type]
            ):
                with pytest.raises((voipsign.VoipSignError, TypeError)):
                    bad()

    work(5_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    work(20_000)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert after - before < 16 * 1024, f"max RSS grew by {after - before} KiB"
