"""WeChat's server API: GET /sns/jscode2session (docs/EMULATOR.md "WeChat's server API")."""

import base64
import hashlib
import time

from conftest import APP, APP2, FAST, SECRET, SECRET2


def test_success_shape_and_stable_openid(start_emulator):
    e = start_emulator(*FAST)
    lr = e.wx_login("alice")
    assert lr.body.keys() == {"code", "openid", "errMsg"} and lr["errMsg"] == "login:ok"
    assert len(lr["code"]) == 32 and lr["code"].isalnum() and lr["code"].isascii()
    r = e.code2session(lr["code"])
    assert r.status == 200
    assert set(r.body) == {"openid", "session_key"}  # no unionid, no errcode
    openid, key = r["openid"], r["session_key"]
    assert openid == lr["openid"]
    assert len(openid) == 28 and openid.startswith("o")
    # as documented: "o" + the first 27 characters of base64url(SHA-256(appId \n phone))
    digest = hashlib.sha256(f"{APP}\nalice".encode()).digest()
    assert openid == "o" + base64.urlsafe_b64encode(digest).decode()[:27]
    assert len(key) == 24
    assert len(base64.b64decode(key, validate=True)) == 16

    openid2, key2 = e.login("alice")
    assert openid2 == openid  # stable across logins
    assert key2 == key  # --rotate-session-key never is the default
    bob, bob_key = e.login("bob")
    assert bob != openid and len(bob) == 28 and bob_key != key
    other_app, _ = e.login("alice", app=APP2)
    assert other_app != openid  # different between apps
    # stable across emulator processes too: a function of (appId, phone)
    e2 = start_emulator(*FAST)
    assert e2.login("alice")[0] == openid


def test_code_is_single_use(start_emulator):
    e = start_emulator(*FAST)
    code = e.wx_login("alice")["code"]
    assert e.code2session(code).status == 200
    r = e.code2session(code)
    assert r.status == 200
    assert r.body == {"errcode": 40029, "errmsg": "invalid code"}
    assert e.code2session("0" * 32).body == {"errcode": 40029, "errmsg": "invalid code"}


def test_code_expires(start_emulator):
    e = start_emulator(*FAST, "--code-ttl-ms", "300")
    old = e.wx_login("alice")["code"]
    fresh_before = e.wx_login("bob")["code"]
    assert "openid" in e.code2session(fresh_before).body  # a live code works
    time.sleep(0.5)
    r = e.code2session(old)
    assert r.status == 200
    assert r.body == {"errcode": 40029, "errmsg": "invalid code"}
    assert "openid" in e.code2session(e.wx_login("alice")["code"]).body


def test_wrong_app_or_secret_and_other_checks(start_emulator):
    e = start_emulator(*FAST)
    code = e.wx_login("alice")["code"]
    cases = [
        (dict(appid="wxunknown"), {"errcode": 40013, "errmsg": "invalid appid"}),
        (dict(secret="not-the-secret"), {"errcode": 40125, "errmsg": "invalid appsecret"}),
        (dict(secret=SECRET + "x"), {"errcode": 40125, "errmsg": "invalid appsecret"}),
        (dict(secret=SECRET.split(":")[0]), {"errcode": 40125, "errmsg": "invalid appsecret"}),
        (dict(grant_type="client_credential"), {"errcode": 40002, "errmsg": "invalid grant_type"}),
        (dict(grant_type=None), {"errcode": 40002, "errmsg": "invalid grant_type"}),
        (dict(appid=None), {"errcode": 41002, "errmsg": "appid missing"}),
        (dict(secret=None), {"errcode": 41004, "errmsg": "appsecret missing"}),
    ]
    for kw, want in cases:
        r = e.code2session(code, **kw)
        assert r.status == 200, (kw, r)
        assert r.body == want, (kw, r)
    r = e.code2session(None)
    assert (r.status, r.body) == (200, {"errcode": 41008, "errmsg": "missing code"})
    # a code of APP presented by APP2 (with APP2's right secret) is not valid there
    r = e.code2session(code, appid=APP2, secret=SECRET2)
    assert r.body == {"errcode": 40029, "errmsg": "invalid code"}
    # only a successful call uses a code up: after all those failures it still works
    r = e.code2session(code)
    assert set(r.body) == {"openid", "session_key"}, r


def test_fault_switch(start_emulator):
    e = start_emulator(*FAST)
    code = e.wx_login("alice")["code"]
    r = e.faults({"code2SessionErrors": 2})
    assert r.status == 200 and r.body == {"ok": True, "code2SessionErrors": 2}
    for _ in range(2):
        r = e.code2session(code)
        assert (r.status, r.body) == (200, {"errcode": -1, "errmsg": "system error"})
    # the switch is off again, and the code was not used up by the faulted calls
    r = e.code2session(code)
    assert set(r.body) == {"openid", "session_key"}, r

    # it applies to any app, counts pending calls, and 0 clears it
    assert e.faults({"code2SessionErrors": 5}).body["code2SessionErrors"] == 5
    c2 = e.wx_login("bob", app=APP2)["code"]
    assert e.code2session(c2, appid=APP2, secret=SECRET2).body["errcode"] == -1
    assert e.faults({"code2SessionErrors": 0}).body == {"ok": True, "code2SessionErrors": 0}
    assert "openid" in e.code2session(c2, appid=APP2, secret=SECRET2).body
