"""The backend on Redis (VOIPSIGN_REDIS_URL, from the environment: eval "$(tests/redis/servers.sh
start)" at the root): two instances share the sessions and the ledger; the password
server's password appears nowhere; an unreachable Redis is a 503, not a hang; a
ledger that fails while the sessions work is LEDGER_UNAVAILABLE (onUnavailable
refuse) or a degraded admission (allow)."""

import os
import secrets
import shutil
import subprocess
import time

import pytest

from conftest import APP_ID, assert_error, expected_signature, free_port

REDIS_URL = os.environ.get("VOIPSIGN_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="VOIPSIGN_REDIS_URL is not set (tests/redis/servers.sh start)")


def redis_env(url, **rules):
    # a key prefix of its own: the test servers are shared by every suite
    env = {"VOIPSIGN_REDIS_URL": url, "VOIPSIGN_KEY_PREFIX": "backend-test-" + secrets.token_hex(4)}
    env.update({"VOIPSIGN_" + k.upper(): str(v) for k, v in rules.items()})
    return env


@needs_redis
def test_two_instances_share_sessions_and_ledger(start_backend, wechat):
    env = redis_env(REDIS_URL, capacity=2)
    a, b = start_backend(env, name="a"), start_backend(env, name="b")
    t1, id1, k1 = a.login(wechat)
    t2, id2, _ = b.login(wechat)
    t3, _, _ = a.login(wechat)
    b.tokens += [t1, t3]
    a.tokens.append(t2)
    # a token made by a works on b
    r = b.call("POST", "/voip/join", {"groupId": "shared"}, token=t1)
    assert r.status == 200, r
    assert r.body["ticket"]["signature"] == expected_signature(APP_ID, r.body["ticket"], k1)
    assert r.body["admission"]["degraded"] is False
    assert a.call("POST", "/voip/join", {"groupId": "shared"}, token=t2).status == 200
    assert_error(b.call("POST", "/voip/join", {"groupId": "shared"}, token=t3), 409, "ROOM_FULL")
    assert a.call("POST", "/voip/heartbeat", {"groupId": "shared"}, token=t1).status == 200
    r = b.call("POST", "/voip/members", {"groupId": "shared", "openIdList": [id1, id2]}, token=t2)
    assert r.status == 200 and sorted(m["memberId"] for m in r.body["members"]) == sorted([id1, id2]), r
    # explain on a sees the ticket made on b, and a later login on b replacing the key
    assert a.call("POST", "/voip/explain", {"errCode": -1000}, token=t1).body["context"]["ticketVerified"] is True
    b.login(wechat, openid=id1)
    assert a.call("POST", "/voip/explain", {"errCode": -1000}, token=t1).body["context"]["keyReplaced"] is True
    assert a.call("POST", "/voip/leave", {"groupId": "shared"}, token=t2).body == {"removed": True}
    assert b.call("POST", "/voip/join", {"groupId": "shared"}, token=t3).status == 200


@pytest.mark.skipif(not os.environ.get("VOIPSIGN_REDIS_PASSWORD_URL"), reason="no password server")
def test_password_server(start_backend, wechat):
    password = os.environ.get("VOIPSIGN_REDIS_PASSWORD", "")
    b = start_backend(redis_env(os.environ["VOIPSIGN_REDIS_PASSWORD_URL"]))
    t, _, _ = b.login(wechat)
    r = b.call("POST", "/voip/join", {"groupId": "pw"}, token=t)
    assert r.status == 200 and not r.body["admission"]["degraded"], r
    assert password and password not in b.output()
    # a wrong password: sessions unavailable, the password still nowhere
    wrong = os.environ["VOIPSIGN_REDIS_PASSWORD_URL"].replace(password, "wrong-pw-" + secrets.token_hex(4))
    bw = start_backend(redis_env(wrong), name="wrong")
    assert_error(bw.call("POST", "/login", {"code": wechat.code("oW", "gDyVgzwa0mFz9uUP7M6GQQ==")}), 503, "SESSIONS_UNAVAILABLE")
    assert password not in bw.output() and "wrong-pw-" not in bw.output()


@pytest.mark.skipif(not os.environ.get("VOIPSIGN_REDIS_CLUSTER_URL"), reason="no Redis Cluster")
def test_cluster(start_backend, wechat):
    b = start_backend(redis_env(os.environ["VOIPSIGN_REDIS_CLUSTER_URL"]))
    t, openid, _ = b.login(wechat)
    assert b.call("POST", "/voip/join", {"groupId": "c1"}, token=t).status == 200
    r = b.call("POST", "/voip/members", {"groupId": "c1", "openIdList": [openid]}, token=t)
    assert r.status == 200, r


def test_redis_unreachable(start_backend, wechat):
    b = start_backend(redis_env("redis://127.0.0.1:%d" % free_port(), on_unavailable="refuse"))
    t0 = time.monotonic()
    assert_error(b.call("POST", "/login", {"code": wechat.code("oU", "gDyVgzwa0mFz9uUP7M6GQQ==")}), 503, "SESSIONS_UNAVAILABLE")
    assert_error(b.call("POST", "/voip/join", {"groupId": "x"}, token="A" * 43), 503, "SESSIONS_UNAVAILABLE")
    assert time.monotonic() - t0 < 3
    assert b.call("GET", "/healthz").status == 200


@pytest.fixture
def scriptless_redis(tmp_path):
    """A private redis-server whose user may GET and SET but run no script: the
    sessions work, every ledger call fails (NOPERM) — the ledger's outage."""
    if not shutil.which("redis-server"):
        pytest.skip("no redis-server")
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            ok = subprocess.run(["redis-cli", "-p", str(port), "ACL", "SETUSER", "web", "on", ">web-pw-9d2c", "~*", "+@all",
                                 "-eval", "-evalsha", "-script", "-fcall"], capture_output=True, text=True)
            if ok.stdout.strip() == "OK":
                break
            time.sleep(0.05)
        yield "redis://web:web-pw-9d2c@127.0.0.1:%d" % port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ledger_unavailable(start_backend, wechat, scriptless_redis):
    refuse = start_backend(redis_env(scriptless_redis, on_unavailable="refuse"), name="refuse")
    t, openid, _ = refuse.login(wechat)
    assert_error(refuse.call("POST", "/voip/join", {"groupId": "down"}, token=t), 503, "LEDGER_UNAVAILABLE")
    assert_error(refuse.call("POST", "/voip/heartbeat", {"groupId": "down"}, token=t), 503, "LEDGER_UNAVAILABLE")
    assert_error(refuse.call("POST", "/voip/leave", {"groupId": "down"}, token=t), 503, "LEDGER_UNAVAILABLE")
    r = refuse.call("POST", "/voip/members", {"groupId": "down", "openIdList": [openid]}, token=t)
    assert_error(r, 503, "LEDGER_UNAVAILABLE")
    r = refuse.call("POST", "/voip/explain", {"errCode": -1000, "errMsg": "invalid signature", "groupId": "down"}, token=t)
    assert r.status == 200 and r.body["ledger"] == "LEDGER_UNAVAILABLE", r
    assert r.body["cause"] == "INVALID_SIGNATURE" and "roomSeats" not in r.body["context"], r  # no ticket was issued
    assert "web-pw-9d2c" not in refuse.output()
    # onUnavailable allow (the default): admitted, flagged degraded; WeChat still enforces its rules
    allow = start_backend(redis_env(scriptless_redis), name="allow")
    t, _, key = allow.login(wechat)
    r = allow.call("POST", "/voip/join", {"groupId": "down"}, token=t)
    assert r.status == 200 and r.body["admission"]["degraded"] is True, r
    assert r.body["ticket"]["signature"] == expected_signature(APP_ID, r.body["ticket"], key)
    assert allow.call("POST", "/voip/heartbeat", {"groupId": "down"}, token=t).status == 200
