"""Scenarios of the day counters, the member limit and the list of live rooms
(docs/ROOMS.md, "Day counters", "Defending the day's quota", rooms), for
tests/vectors/gen_rooms.py."""
from rooms_model import APP, APP2, DAY_MS, GROUP, GROUP2, GROUP3, S, T0, Scenario, at, has

# 23:59:00 in Beijing on 2024-06-01, and the next midnight.
LATE = at(2024, 6, 1, 23, 59)
MIDNIGHT = at(2024, 6, 2)


def counter_scenarios():
    s = Scenario("counters-every-kind", "Each counter moves: admissions, renewals, both refusals of a full room, "
                                        "refused heartbeats, leaves, adoption and removal by sync.",
                 capacity=2, syncGraceMs=1000)
    s.admit("alice", T0), s.admit("bob", T0 + S)
    has(s.admit("alice", T0 + 2 * S), renewed=True)
    assert s.admit("carol", T0 + 3 * S) == "ROOM_FULL"
    assert s.heartbeat("carol", T0 + 4 * S) == "NOT_ADMITTED"
    has(s.leave("bob", T0 + 5 * S), removed=True)
    has(s.leave("bob", T0 + 6 * S), removed=False)
    s.sync(["dave", "erin"], T0 + 10 * S)  # alice unlisted and past the grace: removed; two adopted
    u = has(s.usage(T0 + 11 * S), openings=1, admissions=2, renewals=1, refusedRoomFull=1, heartbeatsRefused=1,
            leaves=1, adoptedBySync=2, removedBySync=1, expired=0, peakSeats=2, liveRooms=1, liveSeats=2)
    assert u["admissions"] + u["adoptedBySync"] - u["leaves"] - u["removedBySync"] - u["expired"] == u["liveSeats"]
    assert s.admit("bad id", T0 + 12 * S) == "INVALID_MEMBER_ID"  # input errors count nothing
    has(s.usage(T0 + 13 * S), refusedRoomFull=1, admissions=2)

    s = Scenario("counters-expiry-once", "A seat whose lease ended is counted expired once, whoever finds it "
                                         "(its room, usage, rooms).", reserveTtlMs=10000)
    s.admit("alice", T0), s.admit("bob", T0 + S, group=GROUP2)
    has(s.usage(T0 + 10 * S + 500), expired=1, liveSeats=1, liveRooms=1)  # alice ended at T0 + 10 s
    has(s.room(T0 + 12 * S), live=False)
    has(s.admit("carol", T0 + 13 * S), opened=True, generation=2)
    has(s.usage(T0 + 20 * S), expired=2, liveSeats=1, openings=3, admissions=3)  # bob too
    assert s.rooms(T0 + 21 * S)["rooms"][0]["groupId"] == GROUP
    has(s.usage(T0 + 22 * S), expired=2)
    has(s.usage(T0 + 23 * S), expired=3, liveSeats=0, liveRooms=0)

    s = Scenario("counters-expiry-day", "An expiry is counted on the day its lease ended, even when found the "
                                        "next day; the new day's peak counts the seats carried over.",
                 reserveTtlMs=30000)
    s.admit("alice", LATE), s.admit("bob", LATE + 20 * S)    # alice ends 23:59:30, bob 23:59:50
    has(s.heartbeat("bob", LATE + 40 * S), leaseExpiresAt=MIDNIGHT + 25 * S)
    late_day = has(s.usage(LATE + 41 * S), peakSeats=2, liveSeats=1, expired=1)["day"]
    has(s.heartbeat("bob", MIDNIGHT + 10 * S), leaseExpiresAt=MIDNIGHT + 55 * S)
    has(s.usage(MIDNIGHT + 11 * S, day=late_day), expired=1, peakSeats=2, liveRooms=None, liveSeats=None)
    has(s.usage(MIDNIGHT + 12 * S), day=late_day + 1, expired=0, peakSeats=1, liveSeats=1, openings=0)
    has(s.usage(MIDNIGHT + 60 * S), expired=1, liveSeats=0, peakSeats=1)

    s = Scenario("counters-peak-across-rooms", "peakSeats is the most live seats of the appId over all its rooms; "
                                               "another appId has its own.")
    for i, g in enumerate([GROUP, GROUP2, GROUP3]):
        s.admit("alice", T0 + 2 * i, group=g), s.admit("bob", T0 + 2 * i + 1, group=g)
    s.leave("alice", T0 + S), s.leave("bob", T0 + S + 1)
    has(s.usage(T0 + 2 * S), peakSeats=6, liveSeats=4, liveRooms=2, leaves=2)
    s.admit("carol", T0 + 3 * S, app=APP2)
    has(s.usage(T0 + 4 * S, app=APP2), peakSeats=1, openings=1)


def member_limit_scenarios():
    s = Scenario("member-limit", "memberDailyOpenings=3: a member's 4th opening of the day is refused with "
                                 "MEMBER_DAILY_LIMIT; joining a live room still works; others are not affected; "
                                 "the next UTC+8 day resets it.", memberDailyOpenings=3)
    for i in range(3):
        has(s.admit("spammer", T0 + i, group=f"r{i}"), opened=True)
    assert s.admit("spammer", T0 + 10, group="r3") == "MEMBER_DAILY_LIMIT"
    has(s.admit("alice", T0 + 11, group="r4"), opened=True)
    has(s.admit("spammer", T0 + 12, group="r4"), opened=False, members=2)  # a live room: joined
    has(s.admit("spammer", T0 + 13, group="r0"), renewed=True)
    assert s.admit("spammer", T0 + 14, group="r5") == "MEMBER_DAILY_LIMIT"
    has(s.usage(T0 + 15), refusedMemberLimit=2, openings=4, admissions=5)
    next_day = at(2024, 6, 2, 0, 0, 1)
    has(s.admit("spammer", next_day, group="r6"), opened=True, roomsToday=1)
    has(s.usage(next_day + 1), refusedMemberLimit=0, openings=1)

    s = Scenario("member-limit-1-leave-and-reopen", "memberDailyOpenings=1: leaving and reopening one's own room "
                                                    "is a second opening: refused.", memberDailyOpenings=1)
    has(s.admit("alice", T0), opened=True)
    has(s.leave("alice", T0 + S), removed=True)
    assert s.admit("alice", T0 + 2 * S) == "MEMBER_DAILY_LIMIT"
    has(s.admit("bob", T0 + 3 * S), opened=True, generation=2)
    has(s.admit("alice", T0 + 4 * S), opened=False, members=2)

    s = Scenario("member-limit-0-off", "memberDailyOpenings=0 never refuses.", memberDailyOpenings=0)
    for i in range(5):
        has(s.admit("alice", T0 + i, group=f"r{i}"), opened=True)
    has(s.usage(T0 + 10), openings=5, refusedMemberLimit=0)

    s = Scenario("member-limit-default-100", "The default allows 100 openings a member a day; the 101st is refused.")
    for i in range(100):
        has(s.admit("alice", T0 + i, group=f"r{i:03d}"), opened=True)
    assert s.admit("alice", T0 + 100, group="r100") == "MEMBER_DAILY_LIMIT"

    s = Scenario("daily-limit-wins-over-member-limit", "DAILY_ROOM_LIMIT is reported before MEMBER_DAILY_LIMIT.",
                 dailyRoomLimit=2, memberDailyOpenings=2)
    s.admit("alice", T0, group="r0"), s.admit("alice", T0 + 1, group="r1")
    assert s.admit("alice", T0 + 2, group="r2") == "DAILY_ROOM_LIMIT"
    assert s.admit("bob", T0 + 3, group="r3") == "DAILY_ROOM_LIMIT"
    has(s.usage(T0 + 4), refusedDailyLimit=2, refusedMemberLimit=0)

    for bad in (-1, 100001):
        s = Scenario(f"member-limit-out-of-range-{bad}", f"memberDailyOpenings={bad} is INVALID_RULES.",
                     memberDailyOpenings=bad)
        assert s.data["error"] == "INVALID_RULES"
    s = Scenario("member-limit-at-most", "memberDailyOpenings=100000 is allowed.", memberDailyOpenings=100000)
    has(s.admit("alice", T0), opened=True)


def listing_scenarios():
    s = Scenario("rooms-pages", "rooms lists live rooms in groupId byte order, a page at a time; next is null on "
                                "the last page; ended rooms are not listed.", reserveTtlMs=20000)
    groups = ["b", "a", "é", "B", "a-2"]
    for i, g in enumerate(groups):
        s.admit("alice", T0 + i, group=g)
    s.admit("bob", T0 + 10, group="a")
    p = s.rooms(T0 + S, limit=2)
    assert [r["groupId"] for r in p["rooms"]] == ["B", "a"] and p["next"] == "a", p
    has(p["rooms"][1], seats=2, capacity=10, generation=1, openedAt=T0 + 1)
    p = s.rooms(T0 + S + 1, limit=2, after="a")
    assert [r["groupId"] for r in p["rooms"]] == ["a-2", "b"] and p["next"] == "b", p
    p = s.rooms(T0 + S + 2, limit=2, after="b")
    assert [r["groupId"] for r in p["rooms"]] == ["é"] and p["next"] is None, p
    p = s.rooms(T0 + S + 3, limit=1, after="é")
    assert p == {"rooms": [], "next": None}, p
    assert len(s.rooms(T0 + S + 4)["rooms"]) == 5
    assert s.rooms(T0 + S + 5, limit=5)["next"] is None
    s.heartbeat("alice", T0 + 15 * S, group="b")  # b lives on; the others end at T0 + 20 s
    p = s.rooms(T0 + 21 * S)
    assert [r["groupId"] for r in p["rooms"]] == ["b"] and p["next"] is None, p
    has(s.usage(T0 + 22 * S), expired=5, liveRooms=1, liveSeats=1)
    s.sync(["carol"], T0 + 23 * S, group="z")  # made live by sync: listed, openedAt = the sync
    has(s.rooms(T0 + 24 * S, after="b")["rooms"][0], groupId="z", seats=1, generation=1, openedAt=T0 + 23 * S)

    s = Scenario("rooms-errors", "rooms checks appId, then limit (1-1000: INVALID_LIMIT), then after (a groupId).")
    s.admit("alice", T0)
    assert s.rooms(T0 + 1, limit=0) == "INVALID_LIMIT"
    assert s.rooms(T0 + 2, limit=1001) == "INVALID_LIMIT"
    assert s.rooms(T0 + 3, limit=-1) == "INVALID_LIMIT"
    assert s.rooms(T0 + 4, after="") == "INVALID_GROUP_ID"
    assert s.rooms(T0 + 5, after="tab\tgroup") == "INVALID_GROUP_ID"
    assert s.rooms(T0 + 6, limit=0, after="") == "INVALID_LIMIT"
    assert s.rooms(T0 + 7, limit=0, app="") == "INVALID_APP_ID"
    assert len(s.rooms(T0 + 8, limit=1000)["rooms"]) == 1
    has(s.rooms(T0 + 9, after="0")["rooms"][0], groupId=GROUP)
    assert s.rooms(T0 + 10, app=APP2) == {"rooms": [], "next": None}


def gap_scenarios():
    s = Scenario("counters-expiry-found-next-day", "A lease that ended before midnight, first found after it, is "
                                                   "counted on its own day; one ending at 00:00:00.000 on the new "
                                                   "day (the day of its expires).")
    has(s.admit("alice", LATE - 60 * S), leaseExpiresAt=LATE)  # ends 23:59:00, no step until after midnight
    has(s.admit("carol", LATE, group=GROUP2), leaseExpiresAt=MIDNIGHT)  # the step's usage finds alice on day 1
    has(s.admit("bob", MIDNIGHT + 10 * S, group=GROUP3), opened=True, roomsToday=1)
    day2 = has(s.data["steps"][-1]["usage"], expired=1, liveSeats=1, peakSeats=1)["day"]  # carol, ended at midnight
    has(s.usage(MIDNIGHT + 11 * S, day=day2 - 1), expired=1, openings=2, peakSeats=1)  # alice ended as carol came
    has(s.usage(MIDNIGHT + 12 * S), expired=1, openings=1)

    s = Scenario("counters-expiry-found-first-after-midnight", "Without any step between a seat's end and "
                                                               "midnight, the first step of the new day counts it "
                                                               "on the old day.", reserveTtlMs=30000)
    s.admit("alice", LATE)  # ends 23:59:30
    has(s.leave("alice", MIDNIGHT + S), removed=False)
    day2 = has(s.data["steps"][-1]["usage"], expired=0, peakSeats=0, liveSeats=0)["day"]
    has(s.usage(MIDNIGHT + 2 * S, day=day2 - 1), expired=1, admissions=1, peakSeats=1)

    s = Scenario("member-limit-per-app", "A member's openings are counted per appId.", memberDailyOpenings=1)
    has(s.admit("alice", T0), opened=True)
    has(s.admit("alice", T0 + 1, app=APP2), opened=True)
    assert s.admit("alice", T0 + 2, group=GROUP2) == "MEMBER_DAILY_LIMIT"
    assert s.admit("alice", T0 + 3, group=GROUP2, app=APP2) == "MEMBER_DAILY_LIMIT"

    s = Scenario("rooms-pages-of-one", "Five live rooms read one page of limit 1 at a time, following next.")
    for i, g in enumerate(["é", "b", "B", "a", "Z"]):
        s.admit("alice", T0 + i, group=g)
    after, seen = None, []
    while True:
        p = s.rooms(T0 + S + len(seen), limit=1, after=after)
        seen += [r["groupId"] for r in p["rooms"]]
        if p["next"] is None:
            break
        after = p["next"]
    assert seen == ["B", "Z", "a", "b", "é"], seen
    assert s.rooms(T0 + 2 * S, after="g" * 1025) == "INVALID_GROUP_ID"
