"""Bad input: a 400 naming the field, 413 over 16 KiB, 404s; never a 500."""

import json
import time

import pytest

from conftest import APP, FAST

POSTS = ["/_phone/login", "/_phone/joinVoIPChat", "/_phone/exitVoIPChat", "/_emulator/faults"]


def assert_bad_request(r, names=None):
    assert r.status == 400, r
    assert r.body is not None and r["error"] == "BAD_REQUEST", r
    assert isinstance(r["message"], str) and r["message"], r
    if names:
        assert f"`{names}`" in r["message"], r


def join_body(e, key, **over):
    b = {"appId": APP, "phone": "alice", "roomType": "voice", **e.ticket("g", key)}
    b.update(over)
    return {k: v for k, v in b.items() if v is not ...}


def test_malformed_bodies(start_emulator):
    e = start_emulator(*FAST)
    for path in POSTS:
        for raw in (b"{", b"not json", b"", b"[1, 2]", b"\"a string\"", b"null", b"42",
                    b"\xff\xfe\x00garbage", b'{"appId": }'):
            r = e.post(path, raw)
            assert_bad_request(r)
            assert r.status != 500


def test_missing_or_wrong_fields_are_named(start_emulator):
    e = start_emulator(*FAST)
    _, key = e.login("alice")
    for field in ("appId", "phone", "groupId", "nonceStr", "timeStamp", "signature"):
        r = e.post("/_phone/joinVoIPChat", join_body(e, key, **{field: ...}))
        assert_bad_request(r, field)
        r = e.post("/_phone/joinVoIPChat", join_body(e, key, **{field: None}))
        assert_bad_request(r, field)
    for field, value in (("appId", 7), ("phone", ["x"]), ("groupId", {}), ("nonceStr", 1.5),
                         ("signature", True), ("timeStamp", "12a"), ("timeStamp", [1]),
                         ("roomType", 3)):
        r = e.post("/_phone/joinVoIPChat", join_body(e, key, **{field: value}))
        assert_bad_request(r, field)
    for path in ("/_phone/login", "/_phone/exitVoIPChat"):
        assert_bad_request(e.post(path, {"phone": "alice"}), "appId")
        assert_bad_request(e.post(path, {"appId": APP}), "phone")
        assert_bad_request(e.post(path, {"appId": APP, "phone": ""}), "phone")
        assert_bad_request(e.post(path, {"appId": APP, "phone": "x" * 257}), "phone")
    assert e.post("/_phone/login", {"appId": APP, "phone": "x" * 256}).status == 200
    # after all that, alice is not in a room and a good join works
    assert e.rooms()["rooms"] == []
    assert e.join("alice", "g", key)["errCode"] == 0


def test_body_over_16_kib_is_413(start_emulator):
    e = start_emulator(*FAST)
    big = json.dumps({"appId": APP, "phone": "alice", "pad": "x" * (16 * 1024)}).encode()
    assert len(big) > 16 * 1024
    for path in POSTS:
        r = e.post(path, big)
        assert r.status == 413, (path, r)
        assert r["error"] == "BODY_TOO_LARGE"
    # just under the limit is read
    pad = 16 * 1024 - len(json.dumps({"appId": APP, "phone": "alice", "pad": ""}))
    ok = json.dumps({"appId": APP, "phone": "alice", "pad": "x" * pad}).encode()
    assert len(ok) == 16 * 1024
    r = e.post("/_phone/login", ok)
    assert r.status == 200 and r["errMsg"] == "login:ok", r


def test_truth_queries_and_unknown_paths(start_emulator):
    e = start_emulator(*FAST)
    for path in ("/_emulator/rooms", "/_emulator/usage"):
        assert_bad_request(e.get(path), "appId")
        r = e.get(path, {"appId": "wxunknown"})
        assert r.status == 404 and r["error"] == "UNKNOWN_APP"
    r = e.get("/nope")
    assert r.status == 404 and r["error"] == "NOT_FOUND"
    r = e.get("/healthz")
    assert r.status == 200 and r.body == {"ok": True}
    # code2Session with nothing is WeChat's error, HTTP 200, not a 400
    r = e.get("/sns/jscode2session")
    assert (r.status, r.body) == (200, {"errcode": 41002, "errmsg": "appid missing"})
    # a wrong method is not a 500
    r = e.get("/_phone/login")
    assert 400 <= r.status < 500


@pytest.mark.parametrize("path", POSTS)
def test_never_500_on_odd_values(start_emulator, path):
    e = start_emulator(*FAST)
    _, key = e.login("alice")
    odd = [
        {"appId": APP, "phone": "alice", "groupId": "g", "nonceStr": "n", "timeStamp": -1,
         "signature": "s"},
        {"appId": APP, "phone": "alice", "groupId": "g" * 2000, "nonceStr": "n" * 2000,
         "timeStamp": 2 ** 63 - 1, "signature": "z" * 64},
        {"appId": APP, "phone": "alice", "groupId": "", "nonceStr": "\u0000",
         "timeStamp": "99999999999999999999999", "signature": ""},
        {"appId": "", "phone": "\u732b", "rotateSessionKey": 5},
        {"appId": APP, "phone": "alice", "code2SessionErrors": 1.5},
        {"appId": APP, "phone": "alice", "timeStamp": 1.5, **e.ticket("g", key)},
    ]
    for body in odd:
        r = e.post(path, body)
        assert r.status in (200, 400, 404), (body, r)
        assert r.body is not None, r
    assert e.get("/healthz").status == 200
    time.sleep(0.05)
