"""One login and join against the emulator of docs/E2E.md §1 (`voipsign emulator`),
when target/debug/voipsign has it: the ticket the backend issued is accepted by
"WeChat"'s room service, and the member list goes back through /voip/members."""

import os
import re
import subprocess
import time

import pytest

from conftest import APP_ID, APP_SECRET, ROOT, free_port, request

VOIPSIGN = os.environ.get("VOIPSIGN_BIN", os.path.join(ROOT, "target", "debug", "voipsign"))


def emulator_available():
    try:
        out = subprocess.run([VOIPSIGN, "emulator", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and "--listen" in out.stdout


@pytest.fixture
def emulator():
    if not emulator_available():
        pytest.skip("no `voipsign emulator --listen` in %s (build it: cargo build -p voipsign-cli)" % VOIPSIGN)
    port = free_port()
    proc = subprocess.Popen([VOIPSIGN, "emulator", "--listen", "127.0.0.1:%d" % port, "--app", "%s:%s" % (APP_ID, APP_SECRET)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # it prints its address when ready
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            pytest.fail("the emulator exited %s" % proc.returncode)
        if re.search(r"127\.0\.0\.1:%d" % port, line):
            break
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_login_and_join_at_the_emulator(emulator, start_backend):
    b = start_backend(wechat_base=emulator)
    phone = "phone-1"
    r = request(emulator, "POST", "/_phone/login", {"appId": APP_ID, "phone": phone})
    assert r.status == 200, r
    openid = r.body["openid"]
    r = b.call("POST", "/login", {"code": r.body["code"]})
    assert r.status == 200, r
    token = r.body["token"]
    b.tokens.append(token)
    r = b.call("POST", "/voip/join", {"groupId": "emu-room"}, token=token)
    assert r.status == 200, r
    joined = request(emulator, "POST", "/_phone/joinVoIPChat", {"appId": APP_ID, "phone": phone, **r.body["ticket"]})
    assert joined.status == 200 and joined.body["errCode"] == 0, joined
    assert openid in joined.body["openIdList"]
    r = b.call("POST", "/voip/members", {"groupId": "emu-room", "openIdList": joined.body["openIdList"]}, token=token)
    assert r.status == 200 and [m["memberId"] for m in r.body["members"]] == [openid], r
    assert request(emulator, "POST", "/_phone/exitVoIPChat", {"appId": APP_ID, "phone": phone}).status == 200
    assert b.call("POST", "/voip/leave", {"groupId": "emu-room"}, token=token).body == {"removed": True}
