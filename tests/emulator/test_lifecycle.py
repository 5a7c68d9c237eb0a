"""A room lives while it has members: the last one out destroys it, and the next
join into that groupId opens a new generation."""

from conftest import FAST


def test_destroy_on_empty_and_new_generation(start_emulator):
    e = start_emulator(*FAST)
    o1, k1 = e.login("p1")
    o2, k2 = e.login("p2")
    o3, k3 = e.login("p3")
    assert e.join("p1", "g", k1)["errCode"] == 0
    assert e.join("p2", "g", k2)["errCode"] == 0
    rooms = e.rooms()
    assert set(rooms) == {"appId", "capacity", "dropped", "rooms"}
    assert rooms["appId"] == "wx20afc706a711eefc"
    assert set(rooms["rooms"][0]) == {"groupId", "openIdList", "generation", "roomType",
                                      "openedAtMs"}
    first = e.room("g")
    assert first["generation"] == 1 and first["openIdList"] == [o1, o2]

    assert e.exit("p1")["groupId"] == "g"
    room = e.room("g")  # not empty: the same room
    assert room["generation"] == 1 and room["openIdList"] == [o2]
    assert room["openedAtMs"] == first["openedAtMs"]

    assert e.exit("p2")["groupId"] == "g"
    assert e.rooms()["rooms"] == []  # the last one out destroyed it

    r = e.join("p3", "g", k3)
    assert r["errCode"] == 0 and r["openIdList"] == [o3]  # nobody left over
    second = e.room("g")
    assert second["generation"] == 2 and second["openedAtMs"] >= first["openedAtMs"]
    e.exit("p3")
    assert e.join("p1", "g", k1)["errCode"] == 0
    assert e.room("g")["generation"] == 3
    assert e.usage()["openingsToday"] == 3
    # generations are per groupId
    assert e.join("p2", "h", k2)["errCode"] == 0
    assert e.room("h")["generation"] == 1
