"""The JSON API of `voipsign rooms serve` (docs/DASHBOARD.md, "JSON API") against the
Python binding's own view of the same Redis ledger: /api/status, /api/apps,
/api/usage (every counter, the limit, the warning line, the hours), /api/rooms
(pages), /api/rooms/{groupId} (masked member ids), the input errors (400, never
500), 404s, --app, and the same on a Redis Cluster and on a server with a password."""

from __future__ import annotations

import math
import shutil
import subprocess
import time
import urllib.parse
from typing import Any

import pytest

import voipsign
from conftest import (
    ALICE, APP, APP2, BOB, DAVE, ERIN, ELLIPSIS, SCENARIO_FLAGS, URL_ENV, Ledgers,
    ServerFactory, mask, poll, run_once, scenario,
)

# The fields of /api/usage (docs/DASHBOARD.md): the ledger's usage, camelCase, and the server's own.
USAGE_FIELDS = {
    "day", "openings", "admissions", "renewals", "refusedRoomFull", "refusedDailyLimit",
    "refusedMemberLimit", "heartbeatsRefused", "leaves", "adoptedBySync", "removedBySync",
    "expired", "peakSeats", "liveRooms", "liveSeats", "dailyRoomLimit",
}
SERVER_FIELDS = {"appId", "dailyRoomWarning", "capacity", "now", "hours"}
DAY_OFFSET_MS = 480 * 60_000
APPS_WITHIN = 15.0   # seconds for /api/apps to list an app seen after the server started


def q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def now_ms() -> int:
    return int(time.time() * 1000)


def assert_usage_matches(doc: dict[str, Any], ledger: voipsign.Ledger, app: str, *,
                         limit: int, capacity: int, warning: int | None,
                         offset_ms: int = DAY_OFFSET_MS) -> None:
    """/api/usage equals the binding's usage field by field, plus the server's fields
    (dailyRoomWarning too unless warning is None: test_warning_line checks it)."""
    expected = ledger.usage(app).to_dict()
    assert set(expected) == USAGE_FIELDS, "the binding's usage fields changed: update USAGE_FIELDS"
    missing = (USAGE_FIELDS | SERVER_FIELDS) - set(doc)
    assert not missing, f"/api/usage lacks {sorted(missing)}: {doc}"
    for name in sorted(USAGE_FIELDS):
        assert doc[name] == expected[name], f"usage.{name}: server {doc[name]!r}, binding {expected[name]!r}"
    assert doc["appId"] == app
    assert doc["dailyRoomLimit"] == limit
    assert isinstance(doc["dailyRoomWarning"], int)
    if warning is not None:
        assert doc["dailyRoomWarning"] == warning, f"dailyRoomWarning {doc['dailyRoomWarning']}, expected {warning}"
    assert doc["capacity"] == capacity
    assert isinstance(doc["now"], int) and abs(doc["now"] - now_ms()) < 60_000, doc["now"]
    hours = doc["hours"]
    assert set(hours) >= {"openings", "refused"}, hours
    for series in ("openings", "refused"):
        assert isinstance(hours[series], list) and len(hours[series]) == 24, hours
        assert all(isinstance(n, int) and n >= 0 for n in hours[series]), hours
    assert sum(hours["openings"]) == expected["openings"], hours
    refused = expected["refusedRoomFull"] + expected["refusedDailyLimit"] + expected["refusedMemberLimit"]
    assert sum(hours["refused"]) == refused, hours
    # Everything happened in the last seconds: in this hour of the quota's day (or the
    # previous one, when an hour began meanwhile); hour 0 = midnight at +08:00.
    hour = ((doc["now"] + offset_ms) // 3_600_000) % 24
    recent = {hour, (hour - 1) % 24}
    for series in ("openings", "refused"):
        stray = [h for h, n in enumerate(hours[series]) if n and h not in recent]
        assert not stray, f"hours.{series} counts in hours {stray}, the current hour is {hour}: {hours}"


def expected_page(ledger: voipsign.Ledger, app: str, capacity: int, **kw: Any) -> dict[str, Any]:
    page = ledger.rooms(app, **kw).to_dict()
    rooms = [dict(r, full=r["seats"] == capacity) for r in page["rooms"]]
    return {"appId": app, "rooms": rooms, "next": page["next"]}


def expected_room(ledger: voipsign.Ledger, app: str, group: str, capacity: int, *, masked: bool) -> dict[str, Any]:
    room = ledger.room(app, group).to_dict()
    members = [dict(m, memberId=mask(m["memberId"]) if masked else m["memberId"]) for m in room["members"]]
    return {"appId": app, "groupId": group, "live": room["live"], "generation": room["generation"],
            "capacity": capacity, "members": members}


# --------------------------------------------------------------------------- status, apps


def test_status(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    server = serve(redis_url=redis_url, key_prefix=prefix)
    r = server.get("/api/status")
    assert r.status == 200 and r.content_type.startswith("application/json"), (r.status, r.content_type)
    doc = r.json()
    assert doc["ledgerUp"] is True, doc
    assert doc["store"] == "redis", doc
    assert doc["maskMemberIds"] is True, doc
    assert isinstance(doc["now"], int) and abs(doc["now"] - now_ms()) < 60_000, doc
    assert "error" not in doc, doc


def test_apps_lists_the_apps_seen_today(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    ledger.admit(APP2, "other-room", ALICE)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    doc = server.json("/api/apps")
    assert sorted(doc["apps"]) == sorted([APP, APP2]), doc
    assert doc["day"] == ledger.usage(APP).day, doc
    # An app seen after the start is listed too (the server may reuse its list for a
    # while: polled for up to APPS_WITHIN seconds).
    ledger.admit("wxserve0test00003", "late-room", ALICE)
    # Its usage is served (every appId seen today is served without --app) once the
    # server has read the list again: polled.
    seen = time.monotonic()
    newcomer = "/api/usage?appId=wxserve0test00003"
    got = poll(lambda: server.get(newcomer).status == 200, APPS_WITHIN, 0.2)
    assert got, f"{newcomer} still {server.get(newcomer).status} {APPS_WITHIN} s after the app was seen"
    print(f"a newcomer app served after {time.monotonic() - seen:.2f} s")
    assert server.json(newcomer)["openings"] == 1
    want = sorted([APP, APP2, "wxserve0test00003"])
    got = poll(lambda: sorted(server.json("/api/apps")["apps"]) == want, APPS_WITHIN, 0.2)
    assert got, f"/api/apps still {server.json('/api/apps')['apps']} {APPS_WITHIN} s after a new app was seen"
    print(f"a newcomer app listed after {time.monotonic() - seen:.2f} s")


def test_apps_of_app_flag(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    ledger.admit(APP2, "other-room", ALICE)
    server = serve("--app", APP, *SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    assert server.json("/api/apps")["apps"] == [APP]


def test_apps_empty_ledger(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    server = serve(redis_url=redis_url, key_prefix=prefix)
    doc = server.json("/api/apps")
    assert doc["apps"] == [] and isinstance(doc["day"], int), doc


# --------------------------------------------------------------------------- usage


def test_usage_matches_the_ledger(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/usage?appId={APP}")
    assert_usage_matches(doc, ledger, APP, limit=4, capacity=2, warning=math.floor(4 * 0.9))
    # The scenario's own counts, so that the equality above is not of two zeros.
    assert (doc["openings"], doc["refusedRoomFull"], doc["refusedDailyLimit"], doc["refusedMemberLimit"],
            doc["heartbeatsRefused"], doc["leaves"], doc["renewals"], doc["liveRooms"], doc["liveSeats"]) \
        == (4, 1, 1, 1, 1, 1, 1, 3, 4), doc
    assert sum(doc["hours"]["openings"]) == 4 and sum(doc["hours"]["refused"]) == 3


def test_usage_follows_the_ledger(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    """The server reads the ledger on each request: a change made after its start shows."""
    ledger = scenario(ledgers, redis_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    assert server.json(f"/api/usage?appId={APP}")["liveSeats"] == 4
    ledger.leave(APP, "g-1", BOB)
    ledger.leave(APP, "g-3", ERIN)
    doc = server.json(f"/api/usage?appId={APP}")
    assert_usage_matches(doc, ledger, APP, limit=4, capacity=2, warning=3)
    assert (doc["liveSeats"], doc["liveRooms"], doc["leaves"]) == (2, 2, 3), doc


def test_usage_defaults(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    """No rule flag: limit 100000, capacity 10."""
    ledger = ledgers(redis_url, prefix)
    ledger.admit(APP, "g-1", ALICE)
    server = serve(redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/usage?appId={APP}")
    assert_usage_matches(doc, ledger, APP, limit=100_000, capacity=10, warning=None)


@pytest.mark.parametrize("flags,limit,warning", [
    ((), 100_000, 90_000),                                    # the ledger's default, 90 %
    (("--daily-room-limit", "10"), 10, 9),
    (("--daily-room-limit", "7"), 7, 6),                      # floor(6.3)
    (("--daily-room-limit", "10", "--daily-room-warning", "5"), 10, 5),
    (("--daily-room-warning", "100000"), 100_000, 100_000),
])
def test_warning_line(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers,
                      flags: tuple[str, ...], limit: int, warning: int) -> None:
    """dailyRoomWarning = --daily-room-warning, by default the ledger's: floor(90 % of the limit)."""
    ledger = ledgers(redis_url, prefix, daily_room_limit=limit, capacity=3)
    ledger.admit(APP, "g-1", ALICE)
    server = serve("--capacity", "3", *flags, redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/usage?appId={APP}")
    assert_usage_matches(doc, ledger, APP, limit=limit, capacity=3, warning=warning)


@pytest.mark.parametrize("offset", [0, -300, 330])
def test_hours_follow_the_day_offset(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers,
                                     offset: int) -> None:
    """--day-offset-minutes moves the quota's day and its hour 0 (the ledger's users run
    with the same offset)."""
    ledger = ledgers(redis_url, prefix, day_offset_minutes=offset, capacity=1)
    ledger.admit(APP, "g-1", ALICE)
    ledger.admit(APP, "g-2", BOB)
    with pytest.raises(voipsign.RoomFull):
        ledger.admit(APP, "g-1", BOB)
    server = serve("--day-offset-minutes", str(offset), "--capacity", "1", redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/usage?appId={APP}")
    assert_usage_matches(doc, ledger, APP, limit=100_000, capacity=1, warning=None, offset_ms=offset * 60_000)
    assert sum(doc["hours"]["openings"]) == 2 and sum(doc["hours"]["refused"]) == 1
    assert doc["day"] == (doc["now"] + offset * 60_000) // 86_400_000 or doc["day"] == ledger.usage(APP).day


def test_usage_of_an_app_without_activity(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    """--app names an app the ledger has not seen today: its usage is all zeros, not an error."""
    ledger = ledgers(redis_url, prefix)
    server = serve("--app", APP2, redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/usage?appId={APP2}")
    assert_usage_matches(doc, ledger, APP2, limit=100_000, capacity=10, warning=None)
    assert doc["openings"] == 0 and doc["hours"]["openings"] == [0] * 24


# --------------------------------------------------------------------------- rooms


def test_rooms_page_matches_the_ledger(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/rooms?appId={APP}")
    assert doc == expected_page(ledger, APP, 2)
    assert [(r["groupId"], r["seats"], r["full"]) for r in doc["rooms"]] == \
        [("g-1", 2, True), ("g-2", 1, False), ("g-3", 1, False)]
    assert doc["next"] is None


def test_rooms_paging(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = ledgers(redis_url, prefix, capacity=2)
    groups = [f"room-{i:02d}" for i in range(7)] + ["1559129713_672975982", "Z-upper", "é-room"]
    for i, g in enumerate(groups):
        ledger.admit(APP, g, f"host-openid-{i:04d}")
        if i % 3 == 0:
            ledger.admit(APP, g, f"guest-openid-{i:04d}")
    server = serve("--capacity", "2", redis_url=redis_url, key_prefix=prefix)
    everything = server.json(f"/api/rooms?appId={APP}&limit=1000")
    assert everything == expected_page(ledger, APP, 2, limit=1000)
    assert [r["groupId"] for r in everything["rooms"]] == sorted(groups, key=lambda g: g.encode())
    assert [r["full"] for r in everything["rooms"]] == [r["seats"] == 2 for r in everything["rooms"]]
    assert any(r["full"] for r in everything["rooms"]) and not all(r["full"] for r in everything["rooms"])
    for limit in (1, 3, 4):
        seen: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(len(groups) + 1):
            path = f"/api/rooms?appId={APP}&limit={limit}" + (f"&after={q(after)}" if after is not None else "")
            page = server.json(path)
            assert page == expected_page(ledger, APP, 2, limit=limit, after=after), path
            assert len(page["rooms"]) <= limit
            seen += page["rooms"]
            after = page["next"]
            if after is None:
                break
        assert seen == everything["rooms"], f"limit={limit}"
    # The default page size is 100: all ten rooms, no next.
    assert server.json(f"/api/rooms?appId={APP}")["next"] is None


def test_rooms_empty(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    server = serve("--app", APP, redis_url=redis_url, key_prefix=prefix)
    assert server.json(f"/api/rooms?appId={APP}") == {"appId": APP, "rooms": [], "next": None}


# --------------------------------------------------------------------------- one room


def test_room_members_masked(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/rooms/g-1?appId={APP}")
    assert doc == expected_room(ledger, APP, "g-1", 2, masked=True)
    assert [m["memberId"] for m in doc["members"]] == ["alic" + ELLIPSIS, "bob-" + ELLIPSIS]
    r = server.get(f"/api/rooms/g-1?appId={APP}")
    assert ALICE not in r.text and BOB not in r.text
    # A room that was live and is no more (frank left g-4), and one never seen.
    assert server.json(f"/api/rooms/g-4?appId={APP}") == expected_room(ledger, APP, "g-4", 2, masked=True)
    assert server.json(f"/api/rooms/g-4?appId={APP}")["live"] is False
    never = server.json(f"/api/rooms/never-seen?appId={APP}")
    assert never == expected_room(ledger, APP, "never-seen", 2, masked=True)
    assert (never["live"], never["generation"], never["members"]) == (False, 0, [])
    # No masked id leaks through the other endpoints either.
    for path in (f"/api/rooms?appId={APP}", f"/api/usage?appId={APP}", "/metrics", "/"):
        body = server.get(path).text
        for member in (ALICE, BOB, DAVE, ERIN):
            assert member not in body, (path, member)


def test_room_members_shown(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    server = serve("--show-member-ids", *SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    assert server.json("/api/status")["maskMemberIds"] is False
    doc = server.json(f"/api/rooms/g-1?appId={APP}")
    assert doc == expected_room(ledger, APP, "g-1", 2, masked=False)
    assert [m["memberId"] for m in doc["members"]] == [ALICE, BOB]


def test_room_short_member_ids_masked(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    """The mask never shows a whole id: 4 characters or fewer are "…" alone."""
    ledger = ledgers(redis_url, prefix)
    for member in ("abcde", "abcd", "ab", "x"):
        ledger.admit(APP, "g-short", member)
    server = serve(redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/rooms/g-short?appId={APP}")
    assert doc == expected_room(ledger, APP, "g-short", 10, masked=True)
    assert sorted(m["memberId"] for m in doc["members"]) == sorted(["abcd" + ELLIPSIS] + [ELLIPSIS] * 3)


@pytest.mark.parametrize("group", ["room 1 é", "a/b", "percent%41", "1559129713_672975982"])
def test_room_group_id_in_the_path_is_percent_decoded(serve: ServerFactory, redis_url: str, prefix: str,
                                                      ledgers: Ledgers, group: str) -> None:
    ledger = ledgers(redis_url, prefix)
    ledger.admit(APP, group, ALICE)
    server = serve(redis_url=redis_url, key_prefix=prefix)
    doc = server.json(f"/api/rooms/{q(group)}?appId={APP}")
    assert doc == expected_room(ledger, APP, group, 10, masked=True)
    assert doc["live"] is True
    page = server.json(f"/api/rooms?appId={APP}")
    assert [r["groupId"] for r in page["rooms"]] == [group]


# --------------------------------------------------------------------------- errors


BAD_INPUT = [
    ("/api/usage", "INVALID_APP_ID"),
    ("/api/usage?appId=", "INVALID_APP_ID"),
    ("/api/usage?appId=" + "w" * 65, "INVALID_APP_ID"),
    ("/api/usage?appId=wx%C3%A9", "INVALID_APP_ID"),
    ("/api/usage?appId=wx%01x", "INVALID_APP_ID"),
    ("/api/rooms", "INVALID_APP_ID"),
    ("/api/rooms?limit=5", "INVALID_APP_ID"),
    (f"/api/rooms?appId={APP}&limit=0", "INVALID_LIMIT"),
    (f"/api/rooms?appId={APP}&limit=5000", "INVALID_LIMIT"),
    (f"/api/rooms?appId={APP}&limit=1001", "INVALID_LIMIT"),
    (f"/api/rooms?appId={APP}&limit=abc", "INVALID_LIMIT"),
    (f"/api/rooms?appId={APP}&limit=-1", "INVALID_LIMIT"),
    (f"/api/rooms?appId={APP}&limit=1.5", "INVALID_LIMIT"),
    (f"/api/rooms?appId={APP}&limit=99999999999999999999999", "INVALID_LIMIT"),
    (f"/api/rooms?appId={APP}&after=%07", "INVALID_GROUP_ID"),
    (f"/api/rooms?appId={APP}&after=bad%0Aid", "INVALID_GROUP_ID"),
    (f"/api/rooms?appId={APP}&after=" + "g" * 1025, "INVALID_GROUP_ID"),
    # The contract's order: appId, then limit, then after.
    ("/api/rooms?limit=0&after=%07", "INVALID_APP_ID"),
    (f"/api/rooms?appId={APP}&limit=0&after=%07", "INVALID_LIMIT"),
    ("/api/rooms/g-1", "INVALID_APP_ID"),
    ("/api/rooms/g-1?appId=" + "w" * 65, "INVALID_APP_ID"),
    (f"/api/rooms/%07?appId={APP}", "INVALID_GROUP_ID"),
    (f"/api/rooms/{'g' * 1025}?appId={APP}", "INVALID_GROUP_ID"),
]


def test_bad_input_answers_400(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    scenario(ledgers, redis_url, prefix)   # APP is seen today: served without --app
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    wrong = []
    for path, code in BAD_INPUT:
        r = server.get(path)
        assert r.status != 500, (path, r.body)
        got = r.error_code() if r.content_type.startswith("application/json") and r.status >= 400 else None
        if (r.status, got) != (400, code):
            wrong.append(f"{path}: expected 400 {code}, got {r.status} {got or r.body[:200]!r}")
    assert not wrong, "\n".join(wrong)
    # The same inputs, well formed, answer 200.
    for path in (f"/api/rooms?appId={APP}&limit=1", f"/api/rooms?appId={APP}&limit=1000",
                 f"/api/rooms?appId={APP}&after=g-1", f"/api/rooms/g-1?appId={APP}"):
        assert server.get(path).status == 200, path


NOT_FOUND = ["/nope", "/api", "/api/", "/api/nope", "/api/usage/extra", "/api/rooms/g-1/members",
             "/metrics/extra", "/index.html.bak", "/api/status/x"]


def test_unknown_path_404(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    server = serve(redis_url=redis_url, key_prefix=prefix)
    wrong = []
    for path in NOT_FOUND:
        r = server.get(path)
        code = r.error_code() if r.content_type.startswith("application/json") else None
        if (r.status, code) != (404, "NOT_FOUND"):
            wrong.append(f"{path}: {r.status} {r.content_type} {r.body[:200]!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_read_only(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers, method: str) -> None:
    """No method writes: a POST/PUT/DELETE is a 4xx JSON error (never 200, never 500)."""
    ledger = scenario(ledgers, redis_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    before = ledger.usage(APP).to_dict()
    for path in (f"/api/usage?appId={APP}", f"/api/rooms/g-1?appId={APP}", f"/api/rooms?appId={APP}"):
        r = server.get(path, method=method)
        assert 400 <= r.status < 500, (method, path, r.status, r.body)
        r.error_code()
    after = ledger.usage(APP).to_dict()
    assert after == before


def test_app_not_served(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    ledger.admit(APP2, "g-1", ALICE)     # seen today, but not served
    server = serve("--app", APP, *SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    assert server.get(f"/api/usage?appId={APP}").status == 200
    for path in (f"/api/usage?appId={APP2}", f"/api/rooms?appId={APP2}", f"/api/rooms/g-1?appId={APP2}"):
        r = server.get(path)
        assert (r.status, r.error_code()) == (404, "APP_NOT_SERVED"), (path, r.status, r.body)
    # An input error is still an input error.
    r = server.get("/api/usage?appId=" + "w" * 65)
    assert (r.status, r.error_code()) == (400, "INVALID_APP_ID")


def test_unseen_app_not_served(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    """Without --app, an appId the ledger did not see today is not served."""
    scenario(ledgers, redis_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    for path in (f"/api/usage?appId={APP2}", f"/api/rooms?appId={APP2}", f"/api/rooms/g-1?appId={APP2}"):
        r = server.get(path)
        assert (r.status, r.error_code()) == (404, "APP_NOT_SERVED"), (path, r.status, r.body)


def redis_cli(url: str, *args: str) -> str:
    port = urllib.parse.urlsplit(url).port
    res = subprocess.run(["redis-cli", "-p", str(port), "--raw", *args], capture_output=True, text=True, timeout=10)
    assert res.returncode == 0, res.stderr
    return res.stdout


def keyspace(url: str, key_prefix: str) -> dict[str, str]:
    """Every key under the prefix with its type, content and whether it expires."""
    keys = sorted(k for k in redis_cli(url, "--scan", "--pattern", key_prefix + ":*").split("\n") if k)
    out = {}
    for k in keys:
        kind = redis_cli(url, "TYPE", k).strip()
        read = {"hash": ["HGETALL"], "zset": ["ZRANGE", k, "0", "-1", "WITHSCORES"], "set": ["SMEMBERS"],
                "string": ["GET"], "list": ["LRANGE", k, "0", "-1"]}[kind]
        cmd = read if len(read) > 1 else [read[0], k]
        content = redis_cli(url, *cmd)
        if kind in ("hash", "set"):
            content = "\n".join(sorted(content.splitlines()))
        out[k] = f"{kind} ttl>0:{int(redis_cli(url, 'PTTL', k).strip()) > 0}\n{content}"
    return out


@pytest.mark.parametrize("flags", [(), ("--app", APP, "--app", APP2)], ids=["seen-apps", "app-flag-unseen"])
def test_reads_write_nothing(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers,
                             flags: tuple[str, ...]) -> None:
    """"It never writes to the ledger": every endpoint, for a served app (seen today),
    an app not seen today (APP2: not served, or served by --app) and a bad appId,
    leaves the ledger's keys as they were (contents and whether they expire)."""
    if shutil.which("redis-cli") is None:
        pytest.skip("redis-cli is missing")
    scenario(ledgers, redis_url, prefix)
    before = keyspace(redis_url, prefix)
    assert before
    server = serve(*SCENARIO_FLAGS, *flags, redis_url=redis_url, key_prefix=prefix)
    for app in (APP, APP2, "w" * 65):
        for path in ("/", "/api/status", "/api/apps", "/metrics", f"/api/usage?appId={app}",
                     f"/api/rooms?appId={app}", f"/api/rooms?appId={app}&limit=1&after=g-1",
                     f"/api/rooms/g-1?appId={app}", f"/api/rooms/never-seen?appId={app}"):
            assert server.get(path).status != 500, path
    after = keyspace(redis_url, prefix)
    created = sorted(set(after) - set(before))
    changed = sorted(k for k in before if after.get(k) != before[k])
    assert not created and not changed, f"GETs wrote to the ledger: created {created}, changed {changed}"


def test_several_apps_flag(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    ledger.admit(APP2, "g-7", ALICE)
    server = serve("--app", APP, "--app", APP2, *SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    assert sorted(server.json("/api/apps")["apps"]) == sorted([APP, APP2])
    for app in (APP, APP2):
        assert_usage_matches(server.json(f"/api/usage?appId={app}"), ledger, app, limit=4, capacity=2, warning=3)
    r = server.get("/api/usage?appId=wxserve0test00003")
    assert (r.status, r.error_code()) == (404, "APP_NOT_SERVED")


# --------------------------------------------------------------------------- other stores


def full_check(server: Any, ledger: voipsign.Ledger, *, limit: int = 4, capacity: int = 2) -> None:
    assert server.json("/api/status")["ledgerUp"] is True
    assert APP in server.json("/api/apps")["apps"]
    assert_usage_matches(server.json(f"/api/usage?appId={APP}"), ledger, APP,
                         limit=limit, capacity=capacity, warning=math.floor(limit * 0.8))
    assert server.json(f"/api/rooms?appId={APP}") == expected_page(ledger, APP, capacity)
    assert server.json(f"/api/rooms?appId={APP}&limit=1&after=g-1") == \
        expected_page(ledger, APP, capacity, limit=1, after="g-1")
    assert server.json(f"/api/rooms/g-1?appId={APP}") == expected_room(ledger, APP, "g-1", capacity, masked=True)


def test_redis_url_on_argv(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    """--redis URL (no password) is the other way to name the store."""
    ledger = scenario(ledgers, redis_url, prefix)
    server = serve("--redis", redis_url, "--key-prefix", prefix, *SCENARIO_FLAGS)
    full_check(server, ledger)


def test_cluster(serve: ServerFactory, cluster_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, cluster_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=cluster_url, key_prefix=prefix)
    full_check(server, ledger)


def test_password_server(serve: ServerFactory, password_url: str, password: str, prefix: str,
                         ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, password_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=password_url, key_prefix=prefix)
    assert password not in " ".join(server.args), "the URL must reach the server by its environment only"
    full_check(server, ledger)
    for path in ("/", "/api/status", "/api/apps", f"/api/usage?appId={APP}", f"/api/rooms?appId={APP}",
                 "/metrics", "/nope", "/api/usage"):
        server.get(path)
    assert server.terminate() == 0
    for r in server.responses:
        assert password.encode() not in r.body
        assert password not in " ".join(r.headers.values())
    assert password not in server.output()


def test_wrong_password_is_not_shown(serve: ServerFactory, password_url: str, password: str, prefix: str) -> None:
    """A wrong password: the ledger is down (ledgerUp false, 503), and neither the
    wrong nor the right password shows anywhere."""
    wrong = "wrong-pw-" + prefix[-8:]
    url = password_url.replace(password, wrong)
    assert url != password_url
    server = serve("--connect-timeout-ms", "500", "--command-timeout-ms", "500", redis_url=url, key_prefix=prefix)
    status = server.json("/api/status")
    assert status["ledgerUp"] is False and isinstance(status.get("error"), dict), status
    r = server.get(f"/api/usage?appId={APP}")
    assert (r.status, r.error_code()) == (503, "LEDGER_UNAVAILABLE"), (r.status, r.body)
    server.get("/metrics")
    server.get("/")
    assert server.terminate() == 0
    for secret in (wrong, password):
        for resp in server.responses:
            assert secret.encode() not in resp.body, (secret, resp.body[:500])
        assert secret not in server.output()


# --------------------------------------------------------------------------- the simulation, the page


def test_simulate(serve: ServerFactory) -> None:
    server = serve("--simulate", "--seed", "7")
    status = server.json("/api/status")
    assert status["store"] == "simulated memory" and status["ledgerUp"] is True, status
    apps: list[str] = []
    deadline = time.monotonic() + 10
    while not apps and time.monotonic() < deadline:
        apps = server.json("/api/apps")["apps"]
        time.sleep(0.1)
    assert apps, "the simulation served no appId within 10 s"
    usage = server.json(f"/api/usage?appId={q(apps[0])}")
    assert (USAGE_FIELDS | SERVER_FIELDS) <= set(usage)
    page = server.json(f"/api/rooms?appId={q(apps[0])}")
    assert isinstance(page["rooms"], list)


def test_page(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    server = serve(redis_url=redis_url, key_prefix=prefix)
    r = server.get("/")
    assert r.status == 200 and r.content_type.startswith("text/html"), (r.status, r.content_type)
    # Every asset is embedded: nothing loaded from another host.
    for marker in ("http://", "https://", "//cdn"):
        assert f'src="{marker}' not in r.text and f"href=\"{marker}" not in r.text, marker


def test_sigterm_exits_zero(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    server = serve(redis_url=redis_url, key_prefix=prefix)
    assert server.get("/api/status").status == 200
    assert server.terminate(timeout=5) == 0


def test_url_env_is_required(serve: ServerFactory, prefix: str) -> None:
    """--redis-env naming an unset variable is refused at start, naming the variable."""
    res = run_once(["--listen", "127.0.0.1:0", "--redis-env", URL_ENV + "_UNSET", "--key-prefix", prefix])
    assert res.returncode != 0
    assert URL_ENV + "_UNSET" in res.stdout + res.stderr
