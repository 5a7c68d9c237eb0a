"""Every scenario and every step of tests/vectors/rooms.json (the room ledger,
docs/ROOMS.md), each scenario on a fresh ``voipsign.Ledger.memory`` with its
rules: each result compared field by field (attributes and ``to_dict()``), each
refusal by exception class and ``.code``; after every step that carries
``"usage"``, ``ledger.usage(app_id, now_ms=<the step's>)`` compared with it (the
whole record: the day counters, the live rooms and seats). Tickets of
``admit_and_issue`` are checked with ``voipsign.verify`` and the nonce's shape.

``run_scenario`` is the runner; test_redis.py runs the same table on the Redis
store (a server and a cluster)."""

import inspect
import json
import re
from typing import Any, Callable, Dict, List, Optional

import pytest

import voipsign
from voipsign.errors import ERROR_CLASSES

from conftest import ROOMS_VECTORS

SCENARIOS: List[Dict[str, Any]] = ROOMS_VECTORS["scenarios"]
NONCE_RE = re.compile(r"[A-Za-z0-9]{32}")

#: The vectors' rule names (camelCase) -> the keywords of Ledger.memory.
RULES = {
    "capacity": "capacity",
    "dailyRoomLimit": "daily_room_limit",
    "dailyRoomWarning": "daily_room_warning",
    "memberDailyOpenings": "member_daily_openings",
    "reserveTtlMs": "reserve_ttl_ms",
    "leaseTtlMs": "lease_ttl_ms",
    "syncGraceMs": "sync_grace_ms",
    "dayOffsetMinutes": "day_offset_minutes",
    "onUnavailable": "on_unavailable",
}
#: The result fields (camelCase) -> the attributes of the Python classes.
ADMISSION = {
    "opened": "opened",
    "renewed": "renewed",
    "members": "members",
    "generation": "generation",
    "roomsToday": "rooms_today",
    "dailyRoomLimit": "daily_room_limit",
    "quotaWarning": "quota_warning",
    "leaseExpiresAt": "lease_expires_at",
    "degraded": "degraded",
}
SEAT = {"memberId": "member_id", "since": "since", "expires": "expires"}
USAGE = {
    "day": "day",
    "openings": "openings",
    "admissions": "admissions",
    "renewals": "renewals",
    "refusedRoomFull": "refused_room_full",
    "refusedDailyLimit": "refused_daily_limit",
    "refusedMemberLimit": "refused_member_limit",
    "heartbeatsRefused": "heartbeats_refused",
    "leaves": "leaves",
    "adoptedBySync": "adopted_by_sync",
    "removedBySync": "removed_by_sync",
    "expired": "expired",
    "peakSeats": "peak_seats",
    "liveRooms": "live_rooms",
    "liveSeats": "live_seats",
    "dailyRoomLimit": "daily_room_limit",
}
ROOM_SUMMARY = {
    "groupId": "group_id",
    "seats": "seats",
    "capacity": "capacity",
    "generation": "generation",
    "openedAt": "opened_at",
}
OPS = {"admit", "admit_and_issue", "heartbeat", "leave", "sync", "room", "usage", "rooms"}
STEP_KEYS = {"op", "appId", "groupId", "memberId", "sessionKey", "roomType", "openIds", "day",
             "limit", "after", "nowMs", "expect", "error", "usage"}


def rules_of(scenario: Dict[str, Any]) -> Dict[str, Any]:
    return {RULES[k]: v for k, v in scenario["rules"].items()}


def test_rooms_file_is_complete() -> None:
    # Guard against silently testing nothing if the file shrinks or moves.
    assert len(SCENARIOS) >= 69
    assert sum(len(s["steps"]) for s in SCENARIOS) >= 538
    assert {st["op"] for s in SCENARIOS for st in s["steps"]} == OPS
    assert sum(s.get("error") == "INVALID_RULES" for s in SCENARIOS) >= 19
    # The counters after (almost) every step: only a step with a bad appId has none.
    assert sum("usage" in st for s in SCENARIOS for st in s["steps"]) >= 527
    defaults = ROOMS_VECTORS["defaults"]
    assert set(defaults) == set(RULES)
    for s in SCENARIOS:
        assert set(s["rules"]) <= set(RULES), s["name"]
        for st in s["steps"]:
            assert set(st) <= STEP_KEYS, (s["name"], st)
            assert ("expect" in st) != ("error" in st), (s["name"], st)
            assert type(st["nowMs"]) is int
            if "usage" in st:
                assert set(st["usage"]) == set(USAGE), (s["name"], st)
            else:
                assert st.get("error") == "INVALID_APP_ID", (s["name"], st)


def test_defaults_are_the_vectors() -> None:
    # The defaults Ledger.memory documents (its text signature, generated from
    # core's description; None: computed from another option) are the vectors',
    # and a ledger given the vectors' defaults answers as one given nothing.
    d = {RULES[k]: v for k, v in ROOMS_VECTORS["defaults"].items()}
    params = inspect.signature(voipsign.Ledger.memory).parameters
    assert list(params) == list(d)
    for name, value in d.items():
        assert params[name].default in (value, None), name
    t, app = 1_796_083_200_000, "wx20afc706a711eefc"
    answers: List[List[Any]] = []
    for lg in (voipsign.Ledger.memory(), voipsign.Ledger.memory(**d)):
        answers.append([
            lg.admit(app, "g", "a", now_ms=t),
            lg.heartbeat(app, "g", "a", now_ms=t + 1_000),
            lg.sync(app, "g", ["b"], now_ms=t + 59_999),
            lg.sync(app, "g", ["b"], now_ms=t + 60_001),
            lg.usage(app, now_ms=t),
        ])
    assert answers[0] == answers[1]
    assert answers[0][0].lease_expires_at == t + d["reserve_ttl_ms"]


def check_fields(obj: object, expected: Dict[str, Any], names: Dict[str, str]) -> None:
    """Each field of ``expected`` against its attribute (same type: ``True`` is not ``1``)."""
    assert set(expected) == set(names), expected
    for key, value in expected.items():
        got = getattr(obj, names[key])
        assert (type(got), got) == (type(value), value), (key, got, value)
    assert obj.to_dict() == expected  # type: ignore[attr-defined]
    assert json.loads(obj.to_json()) == expected  # type: ignore[attr-defined]


def check_room(room: voipsign.Room, expected: Dict[str, Any]) -> None:
    assert set(expected) == {"members", "generation", "live"}
    assert type(room.members) is tuple and len(room.members) == len(expected["members"])
    for seat, want in zip(room.members, expected["members"]):
        assert type(seat) is voipsign.Seat
        check_fields(seat, want, SEAT)
    assert (room.generation, room.live) == (expected["generation"], expected["live"])
    assert type(room.live) is bool
    assert room.to_dict() == expected
    assert json.loads(room.to_json()) == expected


def check_ticket(step: Dict[str, Any], ticket: voipsign.JoinTicket, expected: Dict[str, Any]) -> None:
    assert set(expected) == {"groupId", "timeStamp", "roomType"}
    assert ticket.group_id == expected["groupId"] == step["groupId"]
    assert ticket.timestamp == expected["timeStamp"] == step["nowMs"] // 1000
    assert ticket.room_type == expected["roomType"] == step.get("roomType", "voice")
    assert NONCE_RE.fullmatch(ticket.nonce_str), ticket.nonce_str
    args = (step["appId"], step["groupId"], ticket.nonce_str, ticket.timestamp)
    assert voipsign.verify(*args, step["sessionKey"], ticket.signature) is True
    assert ticket.signature == voipsign.sign(*args, step["sessionKey"])


def call(ledger: voipsign.Ledger, step: Dict[str, Any]) -> Callable[[], Any]:
    """The step as a call of the Python API (explicit ``now_ms`` always)."""
    op, a, now = step["op"], step["appId"], step["nowMs"]
    if op == "admit":
        return lambda: ledger.admit(a, step["groupId"], step["memberId"], now_ms=now)
    if op == "admit_and_issue":
        extra: Dict[str, Any] = {"room_type": step["roomType"]} if "roomType" in step else {}
        return lambda: ledger.admit_and_issue(
            a, step["groupId"], step["memberId"], step["sessionKey"], **extra, now_ms=now
        )
    if op == "heartbeat":
        return lambda: ledger.heartbeat(a, step["groupId"], step["memberId"], now_ms=now)
    if op == "leave":
        return lambda: ledger.leave(a, step["groupId"], step["memberId"], now_ms=now)
    if op == "sync":
        return lambda: ledger.sync(a, step["groupId"], step["openIds"], now_ms=now)
    if op == "room":
        return lambda: ledger.room(a, step["groupId"], now_ms=now)
    if op == "rooms":
        # Absent: the default (100); a limit out of range is passed as it is
        # (an int of Python's is wider than core's u32: INVALID_LIMIT names it).
        page: Dict[str, Any] = {k: step[k] for k in ("limit", "after") if k in step}
        return lambda: ledger.rooms(a, **page, now_ms=now)
    assert op == "usage", op
    day: Optional[int] = step["day"]
    return lambda: ledger.usage(a, day=day, now_ms=now)


def check_result(step: Dict[str, Any], got: Any) -> None:
    op, expected = step["op"], step["expect"]
    if op == "admit":
        assert type(got) is voipsign.Admission
        check_fields(got, expected, ADMISSION)
    elif op == "admit_and_issue":
        assert type(got) is tuple and len(got) == 2
        admission, ticket = got
        assert type(admission) is voipsign.Admission and type(ticket) is voipsign.JoinTicket
        check_fields(admission, expected["admission"], ADMISSION)
        check_ticket(step, ticket, expected["ticket"])
    elif op == "heartbeat":
        assert (type(got), got) == (int, expected["leaseExpiresAt"])
    elif op == "leave":
        assert (type(got), got) == (bool, expected["removed"])
    elif op in ("sync", "room"):
        assert type(got) is voipsign.Room
        check_room(got, expected)
    elif op == "rooms":
        check_page(got, expected)
    else:
        assert type(got) is voipsign.Usage
        check_fields(got, expected, USAGE)


def check_page(page: voipsign.RoomPage, expected: Dict[str, Any]) -> None:
    assert type(page) is voipsign.RoomPage
    assert set(expected) == {"rooms", "next"}
    assert type(page.rooms) is tuple and len(page.rooms) == len(expected["rooms"])
    for summary, want in zip(page.rooms, expected["rooms"]):
        assert type(summary) is voipsign.RoomSummary
        check_fields(summary, want, ROOM_SUMMARY)
    assert (type(page.next), page.next) == (type(expected["next"]), expected["next"])
    assert page.to_dict() == expected
    assert json.loads(page.to_json()) == expected


def run_scenario(scenario: Dict[str, Any], make: Callable[..., voipsign.Ledger]) -> None:
    """Run ``scenario`` on a fresh ledger ``make(**rules)`` (the rules as keywords)."""
    rules = rules_of(scenario)
    if "error" in scenario:
        assert scenario["error"] == "INVALID_RULES" and scenario["steps"] == []
        with pytest.raises(voipsign.InvalidRules) as refused:
            make(**rules)
        assert type(refused.value) is voipsign.InvalidRules
        assert refused.value.code == "INVALID_RULES"
        # The message names the rule that is out of range.
        assert any(name in str(refused.value) for name in rules), str(refused.value)
        return
    ledger = make(**rules)
    for i, step in enumerate(scenario["steps"]):
        where = f"{scenario['name']} step {i} ({step['op']})"
        run = call(ledger, step)
        if "error" in step:
            cls = ERROR_CLASSES[step["error"]]
            with pytest.raises(voipsign.VoipSignError) as info:
                run()
            assert type(info.value) is cls, (where, info.value)
            assert info.value.code == step["error"], where
            assert str(info.value), where
        else:
            try:
                got = run()
            except voipsign.VoipSignError as e:  # pragma: no cover - a failure's message
                pytest.fail(f"{where}: {e!r}")
            try:
                check_result(step, got)
            except AssertionError as e:  # pragma: no cover - a failure's message
                raise AssertionError(f"{where}: {e}") from None
        if "usage" in step:
            # The appId's counters after the step, as usage answers them today.
            try:
                usage = ledger.usage(step["appId"], now_ms=step["nowMs"])
                assert type(usage) is voipsign.Usage
                check_fields(usage, step["usage"], USAGE)
            except (AssertionError, voipsign.VoipSignError) as e:  # pragma: no cover
                raise AssertionError(f"{where}, the usage after it: {e!r}") from None


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario: Dict[str, Any]) -> None:
    run_scenario(scenario, voipsign.Ledger.memory)
