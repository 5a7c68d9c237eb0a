"""The flow of docs/BACKEND.md on a memory ledger: login → join → heartbeat →
members → leave, the ticket's signature checked here with hmac (docs/CONTRACT.md),
the ledger's refusals and their statuses, explain's context, login failures,
startup with bad rules, SIGTERM."""

import http.client
import json
import re
import time

from conftest import APP_ID, APP_SECRET, Backend, assert_error, assert_no_secrets, expected_signature, free_port


def test_happy_path(start_backend, wechat):
    b = start_backend()
    token, openid, key = b.login(wechat)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 256 random bits, base64url

    r = b.call("POST", "/voip/join", {"groupId": "match-42"}, token=token)
    assert r.status == 200, r
    ticket, admission = r.body["ticket"], r.body["admission"]
    assert set(ticket) == {"groupId", "nonceStr", "timeStamp", "signature", "roomType"}
    assert ticket["groupId"] == "match-42" and ticket["roomType"] == "voice"
    assert re.fullmatch(r"[A-Za-z0-9]{32}", ticket["nonceStr"])
    assert abs(ticket["timeStamp"] - time.time()) < 60  # seconds, not milliseconds
    assert ticket["signature"] == expected_signature(APP_ID, ticket, key)
    assert admission["opened"] and not admission["renewed"] and admission["members"] == 1
    assert admission["degraded"] is False and admission["leaseExpiresAt"] > time.time() * 1000

    # video, and a groupId outside ASCII (code-unit order in the signature)
    r = b.call("POST", "/voip/join", {"groupId": "房间-\U0001f600", "roomType": "video"}, token=token)
    assert r.status == 200 and r.body["ticket"]["roomType"] == "video", r
    assert r.body["ticket"]["signature"] == expected_signature(APP_ID, r.body["ticket"], key)
    assert b.call("POST", "/voip/leave", {"groupId": "房间-\U0001f600"}, token=token).body == {"removed": True}

    # joining again renews: never refused, never charged
    r = b.call("POST", "/voip/join", {"groupId": "match-42"}, token=token)
    assert r.status == 200 and r.body["admission"]["renewed"] and not r.body["admission"]["opened"], r

    r = b.call("POST", "/voip/heartbeat", {"groupId": "match-42"}, token=token)
    assert r.status == 200 and set(r.body) == {"leaseExpiresAt"}, r
    assert r.body["leaseExpiresAt"] > time.time() * 1000

    r = b.call("POST", "/voip/members", {"groupId": "match-42", "openIdList": [openid]}, token=token)
    assert r.status == 200, r
    assert r.body["live"] and [m["memberId"] for m in r.body["members"]] == [openid]

    assert b.call("POST", "/voip/leave", {"groupId": "match-42"}, token=token).body == {"removed": True}
    assert b.call("POST", "/voip/leave", {"groupId": "match-42"}, token=token).body == {"removed": False}
    assert_error(b.call("POST", "/voip/heartbeat", {"groupId": "match-42"}, token=token), 409, "NOT_ADMITTED")
    r = b.call("POST", "/voip/members", {"groupId": "match-42", "openIdList": [openid]}, token=token)
    assert_error(r, 403, "NOT_IN_ROOM")

    # (teardown checks every log line and every answer for the key and the token)
    log = b.output()
    assert re.search(r"^POST /voip/join 200 \d+\.\dms$", log, re.M), log
    assert_no_secrets(log, wechat, [token])


def test_login_answers_no_secret(start_backend, wechat):
    b = start_backend()
    openid, key = "oLoginTest0000000000000000001", "gDyVgzwa0mFz9uUP7M6GQQ=="
    r = b.call("POST", "/login", {"code": wechat.code(openid, key)})
    assert r.status == 200 and set(r.body) <= {"token", "expiresIn"}, r
    assert key.encode() not in r.raw and openid.encode() not in r.raw
    # a code is single-use (the fake, like WeChat): the backend reports WeChat's errcode
    code = wechat.code(openid, key)
    assert b.call("POST", "/login", {"code": code}).status == 200
    r = b.call("POST", "/login", {"code": code})
    assert_error(r, 400, "WECHAT_LOGIN_FAILED")
    assert r.body["errcode"] == 40029, r
    wechat.fail_next = 1
    r = b.call("POST", "/login", {"code": wechat.code(openid, key)})
    assert_error(r, 400, "WECHAT_LOGIN_FAILED")
    assert r.body["errcode"] == -1, r
    wechat.garbage = True
    try:
        assert_error(b.call("POST", "/login", {"code": wechat.code(openid, key)}), 502, "WECHAT_UNAVAILABLE")
    finally:
        wechat.garbage = False


def test_wechat_unreachable_and_wrong_secret(start_backend, wechat):
    closed = "http://127.0.0.1:%d" % free_port()
    b = start_backend(wechat_base=closed)
    r = b.call("POST", "/login", {"code": "abc"})
    assert_error(r, 502, "WECHAT_UNAVAILABLE")
    assert APP_SECRET not in r.raw.decode()
    b2 = start_backend(env={"WECHAT_APP_SECRET": "wrong-secret"})
    r = b2.call("POST", "/login", {"code": wechat.code("oX", "gDyVgzwa0mFz9uUP7M6GQQ==")})
    assert_error(r, 400, "WECHAT_LOGIN_FAILED")
    assert r.body["errcode"] == 40125 and "wrong-secret" not in r.raw.decode(), r


def test_room_full_and_daily_limit(start_backend, wechat):
    b = start_backend(env={"VOIPSIGN_CAPACITY": "2", "VOIPSIGN_DAILY_ROOM_LIMIT": "2"})
    a, c, d, e = (b.login(wechat)[0] for _ in range(4))
    assert b.call("POST", "/voip/join", {"groupId": "r1"}, token=a).status == 200
    assert b.call("POST", "/voip/join", {"groupId": "r1"}, token=c).status == 200
    assert_error(b.call("POST", "/voip/join", {"groupId": "r1"}, token=d), 409, "ROOM_FULL")
    r = b.call("POST", "/voip/join", {"groupId": "r2"}, token=d)
    assert r.status == 200 and r.body["admission"]["roomsToday"] == 2, r
    assert_error(b.call("POST", "/voip/join", {"groupId": "r3"}, token=e), 429, "DAILY_ROOM_LIMIT")
    # a seat freed by leave is taken at once
    assert b.call("POST", "/voip/leave", {"groupId": "r1"}, token=c).body == {"removed": True}
    assert b.call("POST", "/voip/join", {"groupId": "r1"}, token=e).status == 200


def test_member_limit_lease_and_sync(start_backend, wechat):
    b = start_backend(env={
        "VOIPSIGN_MEMBER_DAILY_OPENINGS": "1", "VOIPSIGN_RESERVE_TTL_MS": "1000",
        "VOIPSIGN_LEASE_TTL_MS": "1000", "VOIPSIGN_SYNC_GRACE_MS": "0", "VOIPSIGN_DAY_OFFSET_MINUTES": "0",
    })
    a, a_id, _ = b.login(wechat)
    c, c_id, _ = b.login(wechat)
    assert b.call("POST", "/voip/join", {"groupId": "m1"}, token=a).status == 200
    assert_error(b.call("POST", "/voip/join", {"groupId": "m2"}, token=a), 429, "MEMBER_DAILY_LIMIT")
    assert b.call("POST", "/voip/join", {"groupId": "m1"}, token=c).status == 200  # joining a live room: allowed
    # WeChat lists only a: c's seat goes (syncGraceMs 0), a's is renewed
    r = b.call("POST", "/voip/members", {"groupId": "m1", "openIdList": [a_id]}, token=a)
    assert r.status == 200 and [m["memberId"] for m in r.body["members"]] == [a_id], r
    assert_error(b.call("POST", "/voip/heartbeat", {"groupId": "m1"}, token=c), 409, "NOT_ADMITTED")
    time.sleep(1.2)  # a's lease (1 s) ends without a heartbeat
    assert_error(b.call("POST", "/voip/heartbeat", {"groupId": "m1"}, token=a), 409, "NOT_ADMITTED")


def test_explain_with_context(start_backend, wechat):
    b = start_backend(env={"VOIPSIGN_CAPACITY": "3"})
    openid = "oExplain00000000000000000001"
    t1, _, k1 = b.login(wechat, openid=openid)
    r = b.call("POST", "/voip/join", {"groupId": "ex-1"}, token=t1)
    assert r.status == 200, r
    msg = "joinVoIPChat:fail -10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature"
    # The backend's ticket verifies under its key: WeChat must hold another one.
    r = b.call("POST", "/voip/explain", {"errCode": -1000, "errMsg": msg, "groupId": "ex-1"}, token=t1)
    assert r.status == 200, r
    assert r.body["cause"] == "SESSION_KEY_REPLACED" and r.body["meaning"] and r.body["action"]
    assert r.body["context"] == {"groupId": "ex-1", "keyReplaced": False, "ticketVerified": True,
                                 "openingsToday": 1, "dailyRoomLimit": 100000,
                                 "seated": True, "roomSeats": 1, "capacity": 3}, r.body
    # Another room: no ticket of it to verify; the caller is still seated in ex-1.
    r = b.call("POST", "/voip/explain", {"errCode": -1, "groupId": "ex-2"}, token=t1)
    assert r.body["cause"] == "SEATED_ELSEWHERE" and "ex-1" in r.body["meaning"], r.body
    assert "ticketVerified" not in r.body["context"] and r.body["context"]["seatedElsewhere"] == "ex-1"
    r = b.call("POST", "/voip/explain", {"errCode": -1, "groupId": "ex-1"}, token=t1)
    assert r.body["cause"] == "ALREADY_IN_ROOM" and "this very room" in r.body["meaning"], r.body

    # The same user logs in again and WeChat hands out another key: t1's is replaced.
    t2, _, k2 = b.login(wechat, openid=openid)
    r = b.call("POST", "/voip/explain", {"errCode": -1000, "errMsg": msg}, token=t1)
    assert r.body["context"]["keyReplaced"] is True and r.body["cause"] == "SESSION_KEY_REPLACED", r.body
    ctx2 = b.call("POST", "/voip/explain", {"errCode": -1000, "errMsg": msg}, token=t2).body["context"]
    assert ctx2["keyReplaced"] is False and "ticketVerified" not in ctx2 and "roomSeats" not in ctx2
    # another caller sees the room's counts, not who is in it, and no seat of its own
    t3, _, _ = b.login(wechat)
    r = b.call("POST", "/voip/explain", {"errCode": -1000, "errMsg": "joinVoIPChat:fail room is full",
                                         "groupId": "ex-1"}, token=t3)
    assert r.status == 200 and r.body["cause"] == "ROOM_FULL" and "1 of 3" in r.body["meaning"], r
    assert r.body["context"]["seated"] is False and r.body["context"]["roomSeats"] == 1
    assert openid not in r.raw.decode() and k1 not in r.raw.decode() and k2 not in r.raw.decode()


def test_tokens_are_separate_users(start_backend, wechat):
    b = start_backend()
    a, a_id, _ = b.login(wechat)
    c, _, _ = b.login(wechat)
    assert b.call("POST", "/voip/join", {"groupId": "own"}, token=a).status == 200
    # c cannot act for a: it holds no seat, its leave removes nothing of a's
    assert b.call("POST", "/voip/leave", {"groupId": "own"}, token=c).body == {"removed": False}
    assert_error(b.call("POST", "/voip/members", {"groupId": "own", "openIdList": []}, token=c), 403, "NOT_IN_ROOM")
    assert b.call("POST", "/voip/heartbeat", {"groupId": "own"}, token=a).status == 200


def test_bad_rules_stop_startup(tmp_path, wechat):
    for env, message in [
        ({"VOIPSIGN_CAPACITY": "11"}, "INVALID_RULES: capacity is 11"),
        ({"VOIPSIGN_CAPACITY": "ten"}, "capacity must be a number, not a string"),
        ({"VOIPSIGN_LEASE_TTL_MS": "1.5"}, "leaseTtlMs"),
        ({"VOIPSIGN_ON_UNAVAILABLE": "maybe"}, "onUnavailable"),
        ({"VOIPSIGN_KEY_PREFIX": "x"}, "keyPrefix applies to a Redis ledger only"),
        ({"VOIPSIGN_REDIS_URL": "http://:hunter2-secret@127.0.0.1:1"}, "INVALID_REDIS_URL"),
        ({"WECHAT_APP_ID": ""}, "WECHAT_APP_ID"),
        ({"PORT": "http"}, "PORT"),
    ]:
        b = Backend(wechat.base, tmp_path, env)
        try:
            rc = b.proc.wait(timeout=60)
        finally:
            b.stop()
        out = b.output()
        assert rc == 2 and message in out, (env, rc, out)
        assert "hunter2-secret" not in out


def test_sigterm_while_a_request_is_open(start_backend, wechat):
    # A keep-alive connection left open does not hold the shutdown (stop() checks exit 0 within 8 s).
    b = start_backend()
    conn = http.client.HTTPConnection("127.0.0.1", b.port, timeout=5)
    conn.request("GET", "/healthz")
    assert json.loads(conn.getresponse().read()) == {"ok": True}
    t0 = time.monotonic()
    assert b.stop() == 0
    assert time.monotonic() - t0 < 3
    conn.close()
