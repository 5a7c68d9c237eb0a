#!/usr/bin/env python3
"""Generate tests/vectors/rooms.json: scenarios of the room ledger (docs/ROOMS.md).

Independent of voipsign: the ledger rules (seats, leases, openings, days, quota,
validation and its precedence) are modelled again here, in a few lines of plain
Python, and every expectation is computed by running the scenario's steps through
this model. The scenario builders only choose the inputs; their `assert`s check
that each scenario really reaches the case it is named after.

Each scenario starts from a fresh ledger with its rules; every step has an
explicit nowMs (times never go backwards within a scenario). A step holds its op,
its inputs, nowMs, and "expect" (the answer) or "error" (the code); a step whose
appId is valid also holds "usage": the appId's day counters right after the step,
as a usage call at nowMs answers them (every language checks them after every
step). The ops: admit, admit_and_issue, heartbeat, leave, sync, room, usage and
rooms (limit: absent = 100; after: absent = from the first).

The model and the builder: rooms_model.py; the scenarios of the counters, the
member limit and the listing: rooms_scenarios_counters.py.

Run: python3 tests/vectors/gen_rooms.py [--check]
"""
import json
import pathlib
import sys
from datetime import timedelta, timezone

from rooms_model import (APP, APP2, BAD_KEY, BEIJING, DAY_MS, DEFAULTS, GROUP, GROUP2, GROUP3, GROUP4, KEY, S, T0,
                         Scenario, at, has, ids)
import rooms_scenarios_counters

PATH = pathlib.Path(__file__).with_name("rooms.json")

# --- scenarios ----------------------------------------------------------------

def capacity_scenarios():
    s = Scenario("room-full-then-leave", "The 11th member is refused with ROOM_FULL and admitted once a seat is left.")
    has(s.admit("m00", T0), opened=True, generation=1, roomsToday=1, members=1)
    for i in range(1, 10):
        has(s.admit(f"m{i:02d}", T0 + i * S), opened=False, members=i + 1)
    assert s.admit("m10", T0 + 10 * S) == "ROOM_FULL"
    has(s.admit("m03", T0 + 11 * S), renewed=True, members=10)  # a seated member is never refused
    assert len(s.room(T0 + 12 * S)["members"]) == 10
    has(s.leave("m05", T0 + 13 * S), removed=True)
    has(s.admit("m10", T0 + 14 * S), opened=False, renewed=False, members=10, generation=1, roomsToday=1)
    assert s.admit("m11", T0 + 15 * S) == "ROOM_FULL"
    has(s.usage(T0 + 16 * S), openings=1)

    s = Scenario("capacity-2", "A room of capacity 2 refuses the third member until one leaves.", capacity=2)
    s.admit("alice", T0), s.admit("bob", T0 + S)
    assert s.admit("carol", T0 + 2 * S) == "ROOM_FULL"
    has(s.admit("bob", T0 + 3 * S), renewed=True, members=2)
    has(s.leave("alice", T0 + 4 * S), removed=True)
    has(s.admit("carol", T0 + 5 * S), opened=False, members=2)
    assert ids(s.room(T0 + 6 * S)) == ["bob", "carol"]

    s = Scenario("capacity-1", "A room of capacity 1 holds one member; after the leave the next one reopens it.",
                 capacity=1)
    has(s.admit("alice", T0), opened=True)
    assert s.admit("bob", T0 + S) == "ROOM_FULL"
    has(s.admit("alice", T0 + 2 * S), renewed=True, members=1)
    s.leave("alice", T0 + 3 * S)
    has(s.admit("bob", T0 + 4 * S), opened=True, generation=2, roomsToday=2)
    assert s.admit("alice", T0 + 5 * S) == "ROOM_FULL"

    s = Scenario("member-order", "room lists seats sorted by member id in byte order.")
    for i, m in enumerate(["b", "_x", "a", "B", "A1", "~", "!", "0"]):
        s.admit(m, T0 + i)
    assert ids(s.room(T0 + S)) == ["!", "0", "A1", "B", "_x", "a", "b", "~"]
    assert s.room(T0 + S, group="never-seen") == {"members": [], "generation": 0, "live": False}


def lifecycle_scenarios():
    s = Scenario("readmit-is-idempotent", "Admitting a seated member again renews its lease and charges nothing.")
    has(s.admit("alice", T0), opened=True, roomsToday=1, generation=1, leaseExpiresAt=T0 + 60 * S)
    has(s.admit("alice", T0 + 10 * S), opened=False, renewed=True, generation=1, roomsToday=1,
        leaseExpiresAt=T0 + 70 * S)
    has(s.admit("alice", T0 + 10 * S), renewed=True, roomsToday=1)  # a retry in the same millisecond
    has(s.usage(T0 + 11 * S), openings=1)
    assert s.room(T0 + 12 * S)["members"] == [{"memberId": "alice", "since": T0, "expires": T0 + 70 * S}]

    s = Scenario("reopen-after-leave", "A room emptied by leaves is gone; the next admission opens it again.")
    s.admit("alice", T0), s.admit("bob", T0 + S)
    has(s.leave("alice", T0 + 2 * S), removed=True)
    has(s.leave("alice", T0 + 3 * S), removed=False)
    has(s.room(T0 + 4 * S), live=True, generation=1)
    has(s.leave("bob", T0 + 5 * S), removed=True)
    assert s.room(T0 + 6 * S) == {"members": [], "generation": 1, "live": False}
    has(s.admit("bob", T0 + 7 * S), opened=True, renewed=False, generation=2, roomsToday=2)
    has(s.usage(T0 + 8 * S), openings=2)

    s = Scenario("reopen-after-lease-expiry", "Seats expire without a leave; the next admission reopens the room.")
    s.admit("alice", T0), s.admit("bob", T0 + 20 * S)
    assert ids(s.room(T0 + 60 * S - 1)) == ["alice", "bob"]
    assert ids(s.room(T0 + 60 * S)) == ["bob"]  # expires is exclusive
    assert s.room(T0 + 80 * S) == {"members": [], "generation": 1, "live": False}
    has(s.admit("alice", T0 + 90 * S), opened=True, renewed=False, generation=2, roomsToday=2, members=1)
    has(s.leave("bob", T0 + 91 * S), removed=False)  # an expired seat counts as none
    has(s.usage(T0 + 92 * S), openings=2)

    s = Scenario("heartbeats-keep-a-seat", "Heartbeats every 15 s keep alice past reserveTtl; bob, silent, expires.")
    s.admit("alice", T0), s.admit("bob", T0)
    has(s.heartbeat("alice", T0 + S), leaseExpiresAt=T0 + 60 * S)  # never shortens the reserve lease
    for k in range(1, 4):
        has(s.heartbeat("alice", T0 + 15 * k * S), leaseExpiresAt=max(T0 + 60 * S, T0 + (15 * k + 45) * S))
    assert ids(s.room(T0 + 60 * S - 1)) == ["alice", "bob"]
    assert s.heartbeat("bob", T0 + 60 * S) == "NOT_ADMITTED"
    for k in range(4, 9):
        s.heartbeat("alice", T0 + 15 * k * S)
    has(s.room(T0 + 121 * S), live=True, generation=1,
        members=[{"memberId": "alice", "since": T0, "expires": T0 + 165 * S}])
    has(s.admit("alice", T0 + 125 * S), renewed=True, opened=False, leaseExpiresAt=T0 + 185 * S, roomsToday=1)
    has(s.admit("bob", T0 + 126 * S), renewed=False, opened=False, members=2, generation=1)

    s = Scenario("not-admitted", "heartbeat without a live seat (never admitted, elsewhere, expired, left) fails.")
    assert s.heartbeat("alice", T0) == "NOT_ADMITTED"
    s.admit("alice", T0 + S)
    assert s.heartbeat("zoe", T0 + 2 * S) == "NOT_ADMITTED"
    assert s.heartbeat("alice", T0 + 3 * S, group=GROUP2) == "NOT_ADMITTED"
    assert s.heartbeat("alice", T0 + 4 * S, app=APP2) == "NOT_ADMITTED"
    assert s.heartbeat("alice", T0 + 61 * S) == "NOT_ADMITTED"
    has(s.leave("alice", T0 + 62 * S), removed=False)
    has(s.admit("alice", T0 + 70 * S), opened=True, generation=2)
    s.leave("alice", T0 + 71 * S)
    assert s.heartbeat("alice", T0 + 72 * S) == "NOT_ADMITTED"

    s = Scenario("renewals-never-shorten", "A heartbeat lease longer than reserveTtl is kept by admit renewals.",
                 leaseTtlMs=120000)
    s.admit("alice", T0)
    has(s.heartbeat("alice", T0 + 10 * S), leaseExpiresAt=T0 + 130 * S)
    has(s.admit("alice", T0 + 20 * S), renewed=True, leaseExpiresAt=T0 + 130 * S)
    s.admit("bob", T0 + 30 * S)
    has(s.heartbeat("bob", T0 + 40 * S), leaseExpiresAt=T0 + 160 * S)
    assert [m["expires"] for m in s.sync(["alice", "bob"], T0 + 41 * S)["members"]] == [T0 + 161 * S] * 2


def sync_scenarios():
    s = Scenario("sync-reconcile", "sync refreshes listed seats, adopts listed strangers, removes old unlisted seats "
                                   "and keeps young ones; it charges nothing.")
    for m in ("alice", "bob", "carol"):
        s.admit(m, T0)
    s.admit("frank", T0 + 10 * S)
    events = [(k, s.heartbeat, m) for k in (15, 30, 45, 60) for m in ("alice", "bob", "carol")]
    events += [(k, s.heartbeat, "frank") for k in (25, 40, 55)] + [(50, s.admit, "dave")]
    for k, op, m in sorted(events, key=lambda e: (e[0], e[2])):
        op(m, T0 + k * S)
    room = s.sync(["alice", "carol", "erin", "alice"], T0 + 70 * S)
    # bob (70 s old) and frank (exactly syncGrace old) removed; dave (20 s) kept; erin adopted
    assert ids(room) == ["alice", "carol", "dave", "erin"] and room["generation"] == 1, room
    assert room["members"][0]["expires"] == T0 + 115 * S and room["members"][3]["since"] == T0 + 70 * S
    has(s.usage(T0 + 71 * S), openings=1)
    has(s.admit("bob", T0 + 72 * S), opened=False, generation=1, roomsToday=1, members=5)

    s = Scenario("sync-revives-room", "sync on a room that is not live makes it live (generation + 1) but never "
                                      "charges; the next admission joins it. (alice left more than syncGraceMs ago, "
                                      "so the list adopts her.)")
    s.admit("alice", T0), s.leave("alice", T0 + S)
    has(s.sync(["alice", "bob"], T0 + 61 * S), live=True, generation=2)
    has(s.usage(T0 + 62 * S), openings=1)
    has(s.admit("carol", T0 + 63 * S), opened=False, generation=2, roomsToday=1, members=3)
    has(s.admit("alice", T0 + 64 * S), renewed=True)
    room = s.sync(["alice", "bob", "carol"], T0 + 65 * S)  # carol's reserve lease is longer than a sync lease
    assert room["members"][2] == {"memberId": "carol", "since": T0 + 63 * S, "expires": T0 + 123 * S}

    s = Scenario("sync-skips-recent-leavers", "a member who left by leave less than syncGraceMs ago is not adopted "
                                              "by sync (the list is older than the leave), in this room only; after "
                                              "syncGraceMs it is; a stale list of the last member does not revive "
                                              "the room; an admission after the leave is a seat like any other.",
                 reserveTtlMs=600 * S, leaseTtlMs=600 * S, syncGraceMs=60 * S)
    for m in ("alice", "bob", "carol"):
        s.admit(m, T0)
    has(s.leave("alice", T0 + 10 * S), removed=True)
    room = s.sync(["alice", "bob", "carol"], T0 + 20 * S)
    assert ids(room) == ["bob", "carol"], room
    has(s.usage(T0 + 21 * S), adoptedBySync=0, leaves=1)
    s.admit("alice", T0 + 22 * S, group=GROUP2)  # another room: alice is a stranger there
    assert ids(s.sync(["alice", "bob"], T0 + 23 * S, group=GROUP2)) == ["alice", "bob"]
    has(s.usage(T0 + 24 * S), adoptedBySync=1)
    assert ids(s.sync(["alice", "bob", "carol"], T0 + 69 * S)) == ["bob", "carol"]  # 59 s after the leave
    assert ids(s.sync(["alice", "bob", "carol"], T0 + 70 * S)) == ["alice", "bob", "carol"]  # exactly syncGraceMs
    has(s.usage(T0 + 71 * S), adoptedBySync=2)
    has(s.leave("bob", T0 + 72 * S), removed=True)
    has(s.admit("bob", T0 + 73 * S), opened=False, renewed=False, members=3)  # back through admit
    assert ids(s.sync(["alice", "bob", "carol"], T0 + 74 * S)) == ["alice", "bob", "carol"]
    for m in ("alice", "bob", "carol"):
        s.leave(m, T0 + 80 * S)
    has(s.sync(["carol"], T0 + 81 * S), live=False, generation=1)  # the stale list of the last one out
    has(s.sync(["dave"], T0 + 82 * S), live=True, generation=2)
    has(s.usage(T0 + 83 * S), adoptedBySync=3, openings=2)

    s = Scenario("sync-adopts-leavers-without-grace", "with syncGraceMs 0 nothing is noted: sync adopts a member "
                                                      "who just left.", syncGraceMs=0)
    s.admit("alice", T0), s.admit("bob", T0), s.leave("alice", T0 + S)
    assert ids(s.sync(["alice", "bob"], T0 + 2 * S)) == ["alice", "bob"]

    s = Scenario("sync-unknown-room", "sync with an empty list leaves an unseen room as it is; with members it makes "
                                      "it live uncharged, so a later admission reports roomsToday 0.")
    assert s.sync([], T0) == {"members": [], "generation": 0, "live": False}
    has(s.sync(["alice"], T0 + S), live=True, generation=1)
    has(s.admit("bob", T0 + 2 * S), opened=False, generation=1, roomsToday=0, members=2, quotaWarning=False)
    has(s.usage(T0 + 3 * S), openings=0)
    assert s.sync([], T0 + 70 * S) == {"members": [], "generation": 1, "live": False}  # everyone expired

    s = Scenario("sync-beyond-capacity", "sync adopts every listed member even beyond capacity; admissions stay "
                                         "refused until the room is below capacity again.", capacity=2)
    s.admit("alice", T0), s.admit("bob", T0)
    assert len(s.sync(["alice", "bob", "carol", "dave"], T0 + S)["members"]) == 4
    assert s.admit("erin", T0 + 2 * S) == "ROOM_FULL"
    has(s.admit("alice", T0 + 3 * S), renewed=True, members=4)
    s.leave("carol", T0 + 4 * S), s.leave("dave", T0 + 5 * S)
    assert s.admit("erin", T0 + 6 * S) == "ROOM_FULL"
    s.leave("bob", T0 + 7 * S)
    has(s.admit("erin", T0 + 8 * S), opened=False, members=2, roomsToday=1)

    s = Scenario("sync-empty-list", "sync with no one listed removes only the seats older than syncGrace.")
    s.admit("alice", T0)
    s.heartbeat("alice", T0 + 30 * S), s.admit("bob", T0 + 40 * S), s.heartbeat("alice", T0 + 50 * S)
    assert ids(s.sync([], T0 + 59 * S)) == ["alice", "bob"]
    assert ids(s.sync([], T0 + 60 * S)) == ["bob"]
    has(s.sync([], T0 + 100 * S), live=False, generation=1)  # bob expired at +100 s
    has(s.admit("alice", T0 + 101 * S), opened=True, generation=2, roomsToday=2)

    s = Scenario("sync-grace-follows-reserve-ttl", "Without syncGraceMs, the grace is reserveTtlMs (30 s here).",
                 reserveTtlMs=30000)
    has(s.admit("alice", T0), leaseExpiresAt=T0 + 30 * S)
    s.heartbeat("alice", T0 + 20 * S)
    assert ids(s.sync([], T0 + 30 * S - 1)) == ["alice"]
    has(s.sync([], T0 + 30 * S), live=False, generation=1)

    s = Scenario("sync-grace-zero", "With syncGraceMs 0 every unlisted seat is removed, even one granted now.",
                 syncGraceMs=0)
    s.admit("alice", T0), s.admit("bob", T0 + S)
    assert ids(s.sync(["carol"], T0 + S)) == ["carol"]
    has(s.admit("alice", T0 + 2 * S), opened=False, generation=1, members=2)

    s = Scenario("sync-invalid-open-ids", "A bad id anywhere in openIds refuses the whole sync: nothing changes.")
    s.admit("alice", T0)
    for i, bad in enumerate(["", "a b", "x" * 129, "用户", "tab\there"]):
        assert s.sync(["bob", bad], T0 + i + 1) == "INVALID_MEMBER_ID"
    assert s.sync(["bob", "bad id"], T0 + 10, app="") == "INVALID_APP_ID"
    assert s.sync(["bob", "bad id"], T0 + 11, group="") == "INVALID_GROUP_ID"
    assert ids(s.room(T0 + 12)) == ["alice"]


def day_scenarios():
    s = Scenario("day-boundary-beijing", "Openings at 23:59:59.999 and 00:00:00.000 Beijing time count on two days.")
    last = at(2024, 6, 30, 23, 59, 59, 999)
    day1 = has(s.usage(last - 10 * S), openings=0)["day"]
    has(s.admit("alice", last, group=GROUP), opened=True, roomsToday=1)
    has(s.admit("bob", last + 1, group=GROUP2), opened=True, roomsToday=1)
    has(s.admit("alice", last + 2, group=GROUP), renewed=True, roomsToday=1)  # renewal reports the new day
    has(s.admit("carol", last + 3, group=GROUP3), opened=True, roomsToday=2)
    has(s.usage(last + 4), day=day1 + 1, openings=2)
    has(s.usage(last + 5, day=day1), day=day1, openings=1)
    has(s.usage(last + 6, day=day1 + 1), openings=2)

    s = Scenario("day-offset-utc", "With dayOffsetMinutes 0 the day turns at UTC midnight, not Beijing's.",
                 dayOffsetMinutes=0)
    bj_midnight, utc_midnight = at(2024, 7, 1), at(2024, 7, 1, tz=timezone.utc)
    s.admit("alice", bj_midnight - 1, group=GROUP)
    has(s.admit("bob", bj_midnight, group=GROUP2), roomsToday=2)
    has(s.admit("carol", utc_midnight - 1, group=GROUP3), roomsToday=3)
    has(s.admit("dave", utc_midnight, group=GROUP4), roomsToday=1)
    has(s.usage(utc_midnight + 1), day=utc_midnight // DAY_MS, openings=1)
    has(s.usage(utc_midnight + 2, day=utc_midnight // DAY_MS - 1), openings=3)

    s = Scenario("day-offset-minus-300", "With dayOffsetMinutes -300 the day turns at midnight UTC-5.",
                 dayOffsetMinutes=-300)
    minus5 = timezone(timedelta(hours=-5))
    midnight = at(2024, 7, 1, tz=minus5)
    has(s.admit("alice", midnight - 1, group=GROUP), roomsToday=1)
    has(s.admit("bob", midnight, group=GROUP2), roomsToday=1)
    today = has(s.usage(midnight + 1), openings=1)["day"]
    assert today == (at(2024, 7, 1, tz=timezone.utc) // DAY_MS)
    has(s.usage(midnight + 2, day=today - 1), openings=1)

    s = Scenario("day-offset-negative-day", "day() is a floor division: with offset -720 at nowMs 1000 the day is -1.",
                 dayOffsetMinutes=-720)
    has(s.admit("alice", 1000), opened=True, roomsToday=1)
    has(s.usage(1001), day=-1, openings=1)
    has(s.admit("bob", 12 * 3600 * S, group=GROUP2), roomsToday=1)
    has(s.usage(12 * 3600 * S + 1), day=0, openings=1)
    has(s.usage(12 * 3600 * S + 2, day=-1), openings=1)


def quota_scenarios():
    s = Scenario("quota-warning", "From dailyRoomWarning openings on, every admission reports quotaWarning.",
                 dailyRoomLimit=5, dailyRoomWarning=3)
    groups = [f"g{i}" for i in range(1, 7)]
    has(s.admit("alice", T0, group=groups[0]), roomsToday=1, quotaWarning=False, dailyRoomLimit=5)
    has(s.admit("alice", T0 + S, group=groups[1]), roomsToday=2, quotaWarning=False)
    has(s.admit("alice", T0 + 2 * S, group=groups[2]), roomsToday=3, quotaWarning=True)
    has(s.admit("alice", T0 + 3 * S, group=groups[0]), renewed=True, quotaWarning=True)
    has(s.admit("bob", T0 + 4 * S, group=groups[1]), opened=False, quotaWarning=True)
    has(s.admit("alice", T0 + 5 * S, group=groups[3]), roomsToday=4, quotaWarning=True)
    has(s.admit("alice", T0 + 6 * S, group=groups[4]), roomsToday=5, quotaWarning=True)
    assert s.admit("alice", T0 + 7 * S, group=groups[5]) == "DAILY_ROOM_LIMIT"
    has(s.usage(T0 + 8 * S), openings=5, dailyRoomLimit=5)

    s = Scenario("quota-warning-default", "Without dailyRoomWarning the warning starts at floor(limit * 9 / 10) "
                                          "(4 of 5).", dailyRoomLimit=5)
    for i in range(5):
        has(s.admit("alice", T0 + i * S, group=f"g{i}"), roomsToday=i + 1, quotaWarning=i + 1 >= 4)

    s = Scenario("quota-limit-1", "With dailyRoomLimit 1 the default warning is 0: every admission warns.",
                 dailyRoomLimit=1)
    has(s.admit("alice", T0), opened=True, quotaWarning=True, roomsToday=1)
    assert s.admit("alice", T0 + S, group=GROUP2) == "DAILY_ROOM_LIMIT"
    has(s.admit("bob", T0 + 2 * S), opened=False, quotaWarning=True)

    s = Scenario("daily-limit", "At the limit openings are refused, renewals and joins of live rooms pass; "
                                "the next day openings pass again.", dailyRoomLimit=3)
    t = at(2024, 6, 30, 23, 59, 0)
    for i, g in enumerate(["g1", "g2", "g3"]):
        has(s.admit("alice", t + i * S, group=g), opened=True, roomsToday=i + 1)
    assert s.admit("alice", t + 3 * S, group="g4") == "DAILY_ROOM_LIMIT"
    has(s.admit("alice", t + 4 * S, group="g1"), renewed=True, roomsToday=3)
    has(s.admit("bob", t + 5 * S, group="g2"), opened=False, renewed=False, members=2, roomsToday=3)
    s.leave("alice", t + 6 * S, group="g3")
    assert s.admit("alice", t + 7 * S, group="g3") == "DAILY_ROOM_LIMIT"  # a reused groupId is a new room
    assert s.room(t + 8 * S, group="g3") == {"members": [], "generation": 1, "live": False}
    has(s.usage(t + 9 * S), openings=3)
    next_day = at(2024, 7, 1)
    has(s.admit("alice", next_day, group="g4"), opened=True, roomsToday=1, generation=1)
    has(s.admit("alice", next_day + S, group="g3"), opened=True, roomsToday=2, generation=2)
    has(s.admit("carol", next_day + 2 * S, group="g2"), opened=False, roomsToday=2)
    day2 = has(s.usage(next_day + 3 * S), openings=2)["day"]
    has(s.usage(next_day + 4 * S, day=day2 - 1), openings=3)

    s = Scenario("room-full-before-daily-limit", "A full room refuses with ROOM_FULL even when the quota is used up.",
                 capacity=2, dailyRoomLimit=1)
    s.admit("alice", T0), s.admit("bob", T0 + S)
    assert s.admit("carol", T0 + 2 * S) == "ROOM_FULL"
    assert s.admit("carol", T0 + 3 * S, group=GROUP2) == "DAILY_ROOM_LIMIT"
    has(s.usage(T0 + 4 * S), openings=1)

    s = Scenario("two-apps-interleaved", "Quota is counted per appId; rooms are per (appId, groupId).",
                 dailyRoomLimit=2)
    has(s.admit("alice", T0, app=APP, group=GROUP), opened=True, roomsToday=1)
    has(s.admit("bob", T0 + S, app=APP2, group=GROUP), opened=True, roomsToday=1, members=1, generation=1)
    has(s.admit("carol", T0 + 2 * S, app=APP, group=GROUP2), opened=True, roomsToday=2)
    has(s.admit("dave", T0 + 3 * S, app=APP, group=GROUP), opened=False, members=2, roomsToday=2)
    assert s.admit("erin", T0 + 4 * S, app=APP, group=GROUP3) == "DAILY_ROOM_LIMIT"
    has(s.admit("erin", T0 + 5 * S, app=APP2, group=GROUP3), opened=True, roomsToday=2)
    assert s.heartbeat("alice", T0 + 6 * S, app=APP2, group=GROUP) == "NOT_ADMITTED"
    has(s.leave("alice", T0 + 7 * S, app=APP, group=GROUP), removed=True)
    has(s.leave("dave", T0 + 8 * S, app=APP, group=GROUP), removed=True)
    assert ids(s.room(T0 + 9 * S, app=APP2, group=GROUP)) == ["bob"]
    has(s.room(T0 + 10 * S, app=APP, group=GROUP), live=False, generation=1)
    assert s.admit("alice", T0 + 11 * S, app=APP, group=GROUP) == "DAILY_ROOM_LIMIT"
    has(s.admit("frank", T0 + 12 * S, app=APP2, group=GROUP), opened=False, members=2, roomsToday=2)
    has(s.usage(T0 + 13 * S, app=APP), openings=2)
    has(s.usage(T0 + 14 * S, app=APP2), openings=2)
    has(s.usage(T0 + 15 * S, app="wx-never-used"), openings=0)


def rules_scenarios():
    low = dict(capacity=1, dailyRoomLimit=1, dailyRoomWarning=0, reserveTtlMs=1000, leaseTtlMs=1000,
               syncGraceMs=0, dayOffsetMinutes=-720, onUnavailable="refuse")
    high = dict(capacity=10, dailyRoomLimit=100000, dailyRoomWarning=100000, reserveTtlMs=3600000,
                leaseTtlMs=3600000, syncGraceMs=3600000, dayOffsetMinutes=840, onUnavailable="allow")
    for name, rules in (("rules-lowest", low), ("rules-highest", high)):
        s = Scenario(name, "Every rule at its " + name[6:] + " accepted value.", **rules)
        has(s.admit("alice", T0), leaseExpiresAt=T0 + rules["reserveTtlMs"], dailyRoomLimit=rules["dailyRoomLimit"],
            quotaWarning=rules["dailyRoomWarning"] <= 1)
        has(s.heartbeat("alice", T0 + 500), leaseExpiresAt=T0 + 500 + rules["leaseTtlMs"])
    bad = [("capacity", 0), ("capacity", 11), ("dailyRoomLimit", 0), ("dailyRoomLimit", 100001),
           ("dailyRoomWarning", -1), ("dailyRoomWarning", 100001), ("reserveTtlMs", 999),
           ("reserveTtlMs", 3600001), ("leaseTtlMs", 999), ("leaseTtlMs", 3600001), ("syncGraceMs", -1),
           ("syncGraceMs", 3600001), ("dayOffsetMinutes", -721), ("dayOffsetMinutes", 841),
           ("onUnavailable", "maybe")]
    for key, value in bad:
        kebab = "".join("-" + c.lower() if c.isupper() else c for c in key)
        s = Scenario(f"invalid-rules-{kebab}-{value}", f"{key} {value!r} is out of range.", **{key: value})
        assert s.data["error"] == "INVALID_RULES"
    s = Scenario("invalid-rules-warning-above-limit", "dailyRoomWarning may not exceed dailyRoomLimit.",
                 dailyRoomLimit=5, dailyRoomWarning=6)
    assert s.data["error"] == "INVALID_RULES"
    s = Scenario("invalid-rules-warning-90000-limit-5", "A warning of 90000 given with a limit of 5 is above "
                 "the limit.", dailyRoomLimit=5, dailyRoomWarning=90000)
    assert s.data["error"] == "INVALID_RULES"


BAD_MEMBERS = ["", "a b", "x" * 129, "用户", "é"]


def input_scenarios():
    s = Scenario("invalid-member-ids", "Member ids must be 1-128 bytes of printable ASCII, on every operation.")
    t = T0
    for bad in BAD_MEMBERS:
        for op in (s.admit, s.heartbeat, s.leave):
            t += 1
            assert op(bad, t) == "INVALID_MEMBER_ID"
        t += 1
        assert s.sync([bad], t) == "INVALID_MEMBER_ID"
    assert s.room(t + 1) == {"members": [], "generation": 0, "live": False}
    for i, good in enumerate(["x" * 128, "!", "~", "oABCD-_efgh1234"]):
        has(s.admit(good, t + 10 + i), renewed=False)
    assert len(s.sync(["x" * 128, "!", "~", "oABCD-_efgh1234"], t + 20)["members"]) == 4
    has(s.heartbeat("~", t + 21), leaseExpiresAt=t + 12 + 60 * S)
    has(s.leave("!", t + 22), removed=True)

    s = Scenario("invalid-input-precedence", "appId, then groupId, then the member id; input errors before "
                                             "state errors.", capacity=1)
    t = T0
    for op in (s.admit, s.heartbeat, s.leave):
        assert op("bad id", t, app="wx 1") == "INVALID_APP_ID"
        assert op("bad id", t + 1, group="") == "INVALID_GROUP_ID"
        assert op("bad id", t + 2, group="tab\tgroup") == "INVALID_GROUP_ID"
        assert op("", t + 3, app="", group="") == "INVALID_APP_ID"
        t += 10
    assert s.room(t, app="x" * 65) == "INVALID_APP_ID"
    assert s.room(t + 1, group="g" * 1025) == "INVALID_GROUP_ID"
    assert s.usage(t + 2, app="") == "INVALID_APP_ID"
    has(s.admit("alice", t + 3, group="g" * 1024), opened=True)
    has(s.admit("alice", t + 4, group="房间 一"), opened=True, roomsToday=2)
    s.admit("alice", t + 6)
    assert s.admit("bad id", t + 7) == "INVALID_MEMBER_ID"  # not ROOM_FULL
    assert s.heartbeat("bad id", t + 8, group=GROUP2) == "INVALID_MEMBER_ID"  # not NOT_ADMITTED
    assert s.admit("bob", t + 9) == "ROOM_FULL"

    s = Scenario("admit-and-issue", "admit_and_issue admits and returns a ticket signed at floor(nowMs / 1000).")
    r = s.issue("alice", T0 + 123)
    has(r["admission"], opened=True, generation=1, roomsToday=1)
    assert r["ticket"] == {"groupId": GROUP, "timeStamp": (T0 + 123) // 1000, "roomType": "voice"}
    r = s.issue("bob", T0 + 1999, room_type="video")
    has(r["admission"], opened=False, members=2), has(r["ticket"], roomType="video")
    r = s.issue("alice", T0 + 5 * S, room_type="voice")
    has(r["admission"], renewed=True, leaseExpiresAt=T0 + 65 * S)
    r = s.issue("carol", T0 + 6 * S, group="房间 一", app=APP2)
    has(r["admission"], opened=True, roomsToday=1), has(r["ticket"], groupId="房间 一")
    assert ids(s.room(T0 + 7 * S)) == ["alice", "bob"]

    s = Scenario("admit-and-issue-errors", "Inputs are validated before anything is written: appId, groupId, "
                                           "timeStamp, sessionKey, memberId, roomType; a refused call takes no seat.",
                 capacity=1)
    assert s.issue("alice", 999, group=GROUP4) == "INVALID_TIMESTAMP"
    assert s.issue("bad id", 999, key=BAD_KEY, group=GROUP4) == "INVALID_TIMESTAMP"
    assert s.issue("alice", 999, group="") == "INVALID_GROUP_ID"
    has(s.issue("alice", 1000, group=GROUP4)["ticket"], timeStamp=1)
    t = T0
    assert s.issue("alice", t, key=BAD_KEY) == "INVALID_SESSION_KEY"
    assert s.room(t + 1) == {"members": [], "generation": 0, "live": False}
    assert s.issue("bad id", t + 2, key=BAD_KEY) == "INVALID_SESSION_KEY"
    assert s.issue("alice", t + 3, key=KEY + "\n") == "INVALID_SESSION_KEY"
    assert s.issue("bad id", t + 4, room_type="audio") == "INVALID_MEMBER_ID"
    assert s.issue("alice", t + 5, room_type="Video") == "INVALID_ROOM_TYPE"
    assert s.issue("alice", t + 6, room_type="") == "INVALID_ROOM_TYPE"
    assert s.issue("bad id", t + 7, key=BAD_KEY, app="") == "INVALID_APP_ID"
    assert s.issue("bad id", t + 8, key=BAD_KEY, group="") == "INVALID_GROUP_ID"
    assert s.room(t + 9) == {"members": [], "generation": 0, "live": False}
    has(s.usage(t + 11), openings=0)
    has(s.issue("alice", t + 12)["admission"], opened=True, generation=1, roomsToday=1)
    assert s.issue("bob", t + 13, room_type="audio") == "INVALID_ROOM_TYPE"  # not ROOM_FULL
    assert s.issue("bob", t + 14) == "ROOM_FULL"
    last_ok = 9_999_999_999_999
    has(s.issue("alice", last_ok, group=GROUP2)["ticket"], timeStamp=9_999_999_999)
    assert s.issue("bob", last_ok + 1, group=GROUP3) == "INVALID_TIMESTAMP"
    assert s.room(last_ok + 2, group=GROUP3) == {"members": [], "generation": 0, "live": False}


def build():
    Scenario.all = []
    for make in (capacity_scenarios, lifecycle_scenarios, sync_scenarios, day_scenarios, quota_scenarios,
                 rules_scenarios, input_scenarios, rooms_scenarios_counters.counter_scenarios,
                 rooms_scenarios_counters.member_limit_scenarios, rooms_scenarios_counters.listing_scenarios,
                 rooms_scenarios_counters.gap_scenarios):
        make()
    names = [sc["name"] for sc in Scenario.all]
    assert len(names) == len(set(names)), "duplicate scenario names"
    return {
        "about": "Room ledger scenarios (docs/ROOMS.md), generated by tests/vectors/gen_rooms.py: an independent "
                 "model of the contract in plain Python, not voipsign's code, computes every expectation. Each "
                 "scenario starts from a fresh ledger with the defaults overridden by its rules.",
        "defaults": DEFAULTS,
        "scenarios": Scenario.all,
    }


def render(doc):
    """JSON with one line per step, so that a diff shows the steps that changed."""
    def one(v):
        return json.dumps(v, ensure_ascii=False)
    scenarios = []
    for sc in doc["scenarios"]:
        lines = [f'      {one(k)}: {one(v)},' for k, v in sc.items() if k != "steps"]
        if sc["steps"]:
            steps = ",\n".join("        " + one(st) for st in sc["steps"])
            lines.append(f'      "steps": [\n{steps}\n      ]')
        else:
            lines.append('      "steps": []')
        scenarios.append("    {\n" + "\n".join(lines) + "\n    }")
    text = ("{\n" + f'  "about": {one(doc["about"])},\n' + f'  "defaults": {one(doc["defaults"])},\n'
            + '  "scenarios": [\n' + ",\n".join(scenarios) + "\n  ]\n}\n")
    assert json.loads(text) == doc
    return text


def main():
    doc = build()
    text = render(doc)
    steps = sum(len(sc["steps"]) for sc in doc["scenarios"])
    summary = f"{PATH.name}: {len(doc['scenarios'])} scenarios, {steps} steps"
    if "--check" in sys.argv:
        if not PATH.exists() or PATH.read_text(encoding="utf-8") != text:
            sys.exit(f"{PATH} is out of date: run python3 {sys.argv[0]}")
        print(summary + ", up to date")
        return
    PATH.write_text(text, encoding="utf-8")
    print(summary)


if __name__ == "__main__":
    main()
