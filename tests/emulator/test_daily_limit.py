"""The daily limit on room openings (--daily-room-limit), a reused groupId counting again."""

import datetime

from conftest import APP2, FAST

LIMIT_2 = {"errCode": -1000,
           "errMsg": "joinVoIPChat:fail daily room limit reached (2 rooms opened today, assumed)"}


def beijing_today(offset_minutes=480):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (now + datetime.timedelta(minutes=offset_minutes)).strftime("%Y-%m-%d")


def test_limit_counts_reuse(start_emulator):
    e = start_emulator(*FAST, "--daily-room-limit", "2")
    ids, keys = {}, {}
    for p in ("a", "b", "c", "d"):
        ids[p], keys[p] = e.login(p)
    assert e.join("a", "room-A", keys["a"])["errCode"] == 0
    assert e.join("b", "room-B", keys["b"])["errCode"] == 0
    assert e.join("c", "room-C", keys["c"]) == LIMIT_2
    # joining a live room never counts
    r = e.join("d", "room-B", keys["d"])
    assert r["errCode"] == 0 and r["openIdList"] == [ids["b"], ids["d"]]
    # A's only phone exits: the room is destroyed
    assert e.exit("a")["groupId"] == "room-A"
    assert [x["groupId"] for x in e.rooms()["rooms"]] == ["room-B"]
    # reopening room-A is a new opening, and over the limit
    assert e.join("a", "room-A", keys["a"]) == LIMIT_2
    assert e.room("room-A") is None
    before = beijing_today()
    u = e.usage()
    after = beijing_today()
    assert set(u) == {"appId", "dailyRoomLimit", "dayOffsetMinutes", "today",
                      "openingsToday", "days"}
    assert u["openingsToday"] == 2
    assert u["dailyRoomLimit"] == 2 and u["dayOffsetMinutes"] == 480
    assert u["today"] in (before, after)
    assert u["days"] == [{"day": u["today"], "openings": 2}]
    # the limit is per app
    _, k2 = e.login("a", app=APP2)
    assert e.join("a", "room-C", k2, app=APP2)["errCode"] == 0
    assert e.usage(APP2)["openingsToday"] == 1
    assert e.usage()["openingsToday"] == 2


def test_day_offset(start_emulator):
    e = start_emulator(*FAST, "--day-offset-minutes", "0")
    _, k = e.login("a")
    assert e.join("a", "g", k)["errCode"] == 0
    before = beijing_today(0)
    u = e.usage()
    after = beijing_today(0)
    assert u["dayOffsetMinutes"] == 0 and u["dailyRoomLimit"] == 100000
    assert u["today"] in (before, after)
    assert u["openingsToday"] == 1
