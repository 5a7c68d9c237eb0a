"""joinVoIPChat at /_phone/joinVoIPChat, with tickets signed by this client."""

import time

import pytest

from conftest import ALREADY_IN_ROOM, APP, FAST, INVALID_SIGNATURE, new_nonce, signature


def test_correct_signature_joins(start_emulator):
    e = start_emulator(*FAST)
    openid, key = e.login("alice")
    r = e.join("alice", "group-1", key)
    assert r == {"errCode": 0, "errMsg": "joinVoIPChat:ok", "openIdList": [openid]}
    room = e.room("group-1")
    assert room["openIdList"] == [openid]
    assert room["generation"] == 1 and room["roomType"] == "voice"
    assert abs(room["openedAtMs"] / 1000 - time.time()) < 60
    bob, bkey = e.login("bob")
    # timeStamp as a string of digits is accepted too; roomType is not matched
    r = e.join("bob", "group-1", bkey, timestamp=str(int(time.time())), room_type="video")
    assert r == {"errCode": 0, "errMsg": "joinVoIPChat:ok", "openIdList": [openid, bob]}
    assert e.room("group-1")["roomType"] == "voice"  # the opener's


def test_wrong_signature_is_invalid_signature(start_emulator):
    e = start_emulator(*FAST)
    openid, key = e.login("alice")
    _, other_key = e.login("bob")
    ts = int(time.time())
    nonce = new_nonce()
    wrong = [
        signature(APP, "group-1", nonce, ts, other_key),  # another phone's key
        signature(APP, "group-2", nonce, ts, key),  # signed for another room
        signature(APP, "group-1", nonce, ts + 1, key),  # another timeStamp
        signature("wxsomeotherapp0000", "group-1", nonce, ts, key),  # another appId
        signature(APP, "group-1", nonce, ts, key).upper(),  # not lower-case hex
        "0" * 64,
        "",
    ]
    for sig in wrong:
        r = e.join("alice", "group-1", key, nonce=nonce, timestamp=ts, signature_override=sig)
        assert r == INVALID_SIGNATURE, sig
    # values the documented rules refuse (a millisecond timeStamp, an empty nonceStr)
    ms = int(time.time() * 1000)
    assert e.join("alice", "group-1", key, timestamp=ms) == INVALID_SIGNATURE
    assert e.join("alice", "group-1", key, nonce="") == INVALID_SIGNATURE
    assert e.rooms()["rooms"] == []  # nobody got in
    # the same values, rightly signed, join
    r = e.join("alice", "group-1", key, nonce=nonce, timestamp=ts)
    assert r["errCode"] == 0 and r["openIdList"] == [openid]


def test_second_join_while_in_a_room(start_emulator):
    e = start_emulator(*FAST)
    openid, key = e.login("alice")
    assert e.join("alice", "group-1", key)["errCode"] == 0
    for group in ("group-1", "group-2"):  # the same room or another one
        r = e.join("alice", group, key)
        assert r == {"errCode": -1, "errMsg": ALREADY_IN_ROOM}, group
    assert [(x["groupId"], x["openIdList"]) for x in e.rooms()["rooms"]] == [("group-1", [openid])]
    # exit first, then the other room is fine
    assert e.exit("alice") == {"errCode": 0, "errMsg": "exitVoIPChat:ok", "groupId": "group-1"}
    assert e.join("alice", "group-2", key)["errCode"] == 0


def test_other_refusals(start_emulator):
    e = start_emulator(*FAST)
    # never logged in
    r = e.join("nobody", "group-1", "gDyVgzwa0mFz9uUP7M6GQQ==")
    assert r == {"errCode": -1000,
                 "errMsg": "joinVoIPChat:fail not logged in: call wx.login first (assumed)"}
    _, key = e.login("alice")
    r = e.join("alice", "group-1", key, room_type="screen")
    assert r == {"errCode": -1000,
                 "errMsg": "joinVoIPChat:fail parameter error: roomType must be voice or video"}
    r = e.join("alice", "group-1", key, app="wxunknown")
    assert r == {"errCode": -1000,
                 "errMsg": "joinVoIPChat:fail invalid appId: not an app of this emulator"}
    # a missing roomType is voice
    r = e.post("/_phone/joinVoIPChat", {"appId": APP, "phone": "alice",
                                        **e.ticket("group-1", key)})
    assert r.status == 200 and r["errCode"] == 0, r
    assert e.room("group-1")["roomType"] == "voice"
    # exit when in no room is still ok
    assert e.exit("alice")["groupId"] == "group-1"
    assert e.exit("alice") == {"errCode": 0, "errMsg": "exitVoIPChat:ok", "groupId": None}
    # login of an unknown app
    r = e.post("/_phone/login", {"appId": "wxunknown", "phone": "alice"})
    assert r.status == 200 and r.body == {"errMsg": "login:fail invalid appId", "errCode": -1}


def test_ticket_max_age(start_emulator):
    e = start_emulator(*FAST, "--ticket-max-age-s", "60")
    _, key = e.login("alice")
    old = int(time.time()) - 3600
    r = e.join("alice", "group-1", key, timestamp=old)
    assert r["errCode"] == -1000
    assert r["errMsg"].startswith("joinVoIPChat:fail ticket expired: timeStamp is ")
    assert r["errMsg"].endswith(" s away from now (assumed)")
    assert e.join("alice", "group-1", key)["errCode"] == 0


def test_order_of_the_join_checks(start_emulator):
    # documented: app → logged in → roomType → signature → ticket age → already in
    # a room → room full / daily limit
    e = start_emulator(*FAST, "--capacity", "1", "--daily-room-limit", "2",
                       "--ticket-max-age-s", "60")
    bad = "0" * 64
    old = int(time.time()) - 3600
    r = e.join("ghost", "g", "x", room_type="screen", signature_override=bad)
    assert r["errMsg"].startswith("joinVoIPChat:fail not logged in"), r
    _, ka = e.login("a")
    _, kb = e.login("b")
    r = e.join("a", "g", ka, room_type="screen", signature_override=bad)
    assert r["errMsg"].startswith("joinVoIPChat:fail parameter error"), r
    assert e.join("a", "g", ka, timestamp=old, signature_override=bad) == INVALID_SIGNATURE
    assert e.join("a", "full", ka)["errCode"] == 0  # a is in "full" (capacity 1)
    r = e.join("a", "g", ka, timestamp=old)
    assert r["errMsg"].startswith("joinVoIPChat:fail ticket expired"), r
    # in a room beats the room being full
    assert e.join("a", "full", ka) == {"errCode": -1, "errMsg": ALREADY_IN_ROOM}
    assert e.join("b", "full", kb)["errMsg"] == (
        "joinVoIPChat:fail room is full (capacity 1, assumed)")
    assert e.join("b", "second", kb)["errCode"] == 0  # the 2nd opening
    _, kc = e.login("c")
    assert e.join("c", "third", kc)["errMsg"].startswith(
        "joinVoIPChat:fail daily room limit reached")
    # a full live room is "full", not "daily limit", even at the limit
    assert e.join("c", "full", kc)["errMsg"].startswith("joinVoIPChat:fail room is full")


@pytest.mark.parametrize("form", [" {ts}", "{ts} ", "+{ts}"])
def test_timestamp_string_must_be_digits(start_emulator, form):
    e = start_emulator(*FAST)
    _, key = e.login("alice")
    ts = int(time.time())
    body = {"appId": APP, "phone": "alice", **e.ticket("g", key, timestamp=ts),
            "timeStamp": form.format(ts=ts)}
    r = e.post("/_phone/joinVoIPChat", body)
    assert r.status == 400 and "`timeStamp`" in r["message"], r
