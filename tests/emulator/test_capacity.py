"""Room capacity (--capacity; the failure is the emulator's documented assumption)."""

from conftest import FAST


def test_fourth_phone_is_refused_when_capacity_is_3(start_emulator):
    e = start_emulator(*FAST, "--capacity", "3")
    assert e.rooms()["capacity"] == 3
    ids = {}
    keys = {}
    for p in ("p1", "p2", "p3", "p4"):
        ids[p], keys[p] = e.login(p)
    for n, p in enumerate(("p1", "p2", "p3"), start=1):
        r = e.join(p, "g", keys[p])
        assert r == {"errCode": 0, "errMsg": "joinVoIPChat:ok",
                     "openIdList": [ids[q] for q in ("p1", "p2", "p3")[:n]]}
    r = e.join("p4", "g", keys["p4"])
    assert r == {"errCode": -1000,
                 "errMsg": "joinVoIPChat:fail room is full (capacity 3, assumed)"}
    assert e.room("g")["openIdList"] == [ids["p1"], ids["p2"], ids["p3"]]
    # another room is fine for p4, and a seat freed in g takes it (no new opening)
    e.exit("p2")
    r = e.join("p4", "g", keys["p4"])
    assert r["errCode"] == 0 and r["openIdList"] == [ids["p1"], ids["p3"], ids["p4"]]
    assert e.room("g")["generation"] == 1
    assert e.usage()["openingsToday"] == 1


def test_default_capacity_is_10(start_emulator):
    e = start_emulator(*FAST)
    assert e.rooms()["capacity"] == 10
    for i in range(11):
        _, k = e.login(f"p{i}")
        r = e.join(f"p{i}", "g", k)
        if i < 10:
            assert r["errCode"] == 0 and len(r["openIdList"]) == i + 1
        else:
            assert r == {"errCode": -1000,
                         "errMsg": "joinVoIPChat:fail room is full (capacity 10, assumed)"}
