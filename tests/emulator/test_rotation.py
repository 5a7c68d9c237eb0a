"""session_key rotation: --rotate-session-key, and the faults endpoint."""

from conftest import APP, FAST, INVALID_SIGNATURE


def test_always_rotates_and_old_ticket_fails(start_emulator):
    e = start_emulator(*FAST, "--rotate-session-key", "always")
    o1, old = e.login("alice")
    o2, new = e.login("alice")
    assert o1 == o2 and new != old
    assert e.join("alice", "g", old) == INVALID_SIGNATURE
    assert e.rooms()["rooms"] == []
    r = e.join("alice", "g", new)
    assert r["errCode"] == 0 and r["openIdList"] == [o1]
    # a wx.login whose code is never exchanged still replaces the key
    e.exit("alice")
    e.wx_login("alice")
    assert e.join("alice", "g", new) == INVALID_SIGNATURE


def test_probability_one_is_always_zero_is_never(start_emulator):
    e1 = start_emulator(*FAST, "--rotate-session-key", "1")
    assert e1.login("a")[1] != e1.login("a")[1]
    e0 = start_emulator(*FAST, "--rotate-session-key", "0")
    assert e0.login("a")[1] == e0.login("a")[1]


def test_never_keeps_the_key(start_emulator):
    e = start_emulator(*FAST, "--rotate-session-key", "never")
    _, k1 = e.login("alice")
    _, k2 = e.login("alice")
    _, k3 = e.login("alice")
    assert k1 == k2 == k3
    assert e.join("alice", "g", k1)["errCode"] == 0


def test_fault_rotates_one_phone_now(start_emulator):
    e = start_emulator(*FAST)  # never rotates by itself
    oa, ka = e.login("alice")
    ob, kb = e.login("bob")
    r = e.faults({"rotateSessionKey": "alice", "appId": APP})
    assert r.status == 200
    assert r.body == {"ok": True, "code2SessionErrors": 0,
                      "rotated": {"appId": APP, "phone": "alice", "openid": oa}}
    assert e.join("alice", "g", ka) == INVALID_SIGNATURE
    assert e.join("bob", "g", kb)["errCode"] == 0  # bob's key is untouched
    # a new login hands out the replaced key, which signs
    _, ka2 = e.login("alice")
    assert ka2 != ka
    assert e.join("alice", "g", ka2)["errCode"] == 0

    # the object form
    e.exit("alice")
    r = e.faults({"rotateSessionKey": {"appId": APP, "phone": "alice"}})
    assert r.status == 200 and r["rotated"] == {"appId": APP, "phone": "alice", "openid": oa}
    assert e.join("alice", "g", ka2) == INVALID_SIGNATURE
    # both fields at once
    r = e.faults({"rotateSessionKey": "bob", "appId": APP, "code2SessionErrors": 1})
    assert r.body == {"ok": True, "code2SessionErrors": 1,
                      "rotated": {"appId": APP, "phone": "bob", "openid": ob}}


def test_fault_rotation_refusals(start_emulator):
    e = start_emulator(*FAST)
    e.login("alice")
    r = e.faults({"rotateSessionKey": "nobody", "appId": APP})
    assert r.status == 404 and r["error"] == "UNKNOWN_PHONE"
    r = e.faults({"rotateSessionKey": "alice", "appId": "wxunknown"})
    assert r.status == 404 and r["error"] == "UNKNOWN_APP"
    r = e.faults({"rotateSessionKey": "alice"})
    assert r.status == 400 and "appId" in r["message"]
    r = e.faults({"rotateSessionKey": {"appId": APP}})
    assert r.status == 400 and "phone" in r["message"]
    r = e.faults({})
    assert r.status == 400 and r["error"] == "BAD_REQUEST"
    r = e.faults({"code2SessionErrors": -3})
    assert r.status == 400 and "code2SessionErrors" in r["message"]
    # a phone that only polled (never logged in) has no key to replace
    e.events("poller", 0)
    r = e.faults({"rotateSessionKey": "poller", "appId": APP})
    assert r.status == 404 and r["error"] == "UNKNOWN_PHONE"
