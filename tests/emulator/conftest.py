"""Fixtures of the emulator tests (docs/EMULATOR.md, ../shared/E2E.md §1).

Each test starts its own `voipsign emulator --listen 127.0.0.1:0 ...` (the binary
is $VOIPSIGN_BIN, default <repo>/target/debug/voipsign; a missing one FAILS the
test, it is not skipped), reads the port from the one line it prints, talks to it
with a tiny standard-library client, and stops it with SIGTERM (exit status 0).

The client is independent of voipsign: the signature is computed here, with hmac
and hashlib, by WeChat's documented algorithm (see `signature`).
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("VOIPSIGN_BIN") or os.path.join(ROOT, "target", "debug", "voipsign")

APP = "wx20afc706a711eefc"
SECRET = "emulator-test-secret:with:colons"  # the secret is everything after the first ':'
APP2 = "wxsecondapp0000002"
SECRET2 = "second-secret"

INVALID_SIGNATURE = {
    "errCode": -1000,
    "errMsg": "joinVoIPChat:fail -10088, -12020, join room failed. errType: 4, "
    "errCode: -12020, errMsg: invalid signature",
}
ALREADY_IN_ROOM = "joinVoIPChat:fail 当前已在房间内 (already in a room)"
READY = re.compile(r"^voipsign emulator listening on http://127\.0\.0\.1:(\d+)\n$")
START_TIMEOUT = 10.0
# Short test timings and no silence drop: start_emulator(*FAST, ...). Tests start
# their emulator in their body, so a missing binary is a test FAILURE, not an error.
FAST = ("--poll-timeout-ms", "400", "--drop-after-ms", "0")


# --- WeChat's signature, computed here -------------------------------------------


def signature(app_id, group_id, nonce_str, timestamp, session_key):
    """WeChat's joinVoIPChat signature: the four values appId, groupId, nonceStr and
    timeStamp, sorted by value (dictionary order), joined with no separator,
    HMAC-SHA256 keyed by the session_key *string*, lower-case hex."""
    values = sorted([app_id, group_id, nonce_str, str(timestamp)])
    msg = "".join(values).encode("utf-8")
    return hmac.new(session_key.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def new_nonce():
    return secrets.token_hex(8)  # 16 characters


# --- HTTP -------------------------------------------------------------------------


class Response:
    def __init__(self, status, raw):
        self.status = status
        self.raw = raw
        try:
            self.body = json.loads(raw.decode("utf-8"))
        except ValueError:
            self.body = None

    def __getitem__(self, k):
        return self.body[k]

    def get(self, k, default=None):
        return self.body.get(k, default) if isinstance(self.body, dict) else default

    def __repr__(self):
        return f"<{self.status} {self.raw[:400]!r}>"


def request(base, method, path, body=None, params=None, timeout=10.0, headers=None):
    """One HTTP request; the status and the JSON answer (None when not JSON).
    body: a dict/list (sent as JSON), str or bytes (sent as is)."""
    url = base + path
    if params is not None:
        url += "?" + urllib.parse.urlencode(params)
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Response(r.status, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.read())


# --- one emulator -----------------------------------------------------------------


class Emulator:
    """A running `voipsign emulator` and the client helpers of a test."""

    def __init__(self, flags, tmp_path):
        self.flags = list(flags)
        self.stderr_path = tmp_path / f"emulator-{secrets.token_hex(4)}.stderr"
        self._stderr = open(self.stderr_path, "wb")
        cmd = [BIN, "emulator", "--listen", "127.0.0.1:0",
               "--app", f"{APP}:{SECRET}", "--app", f"{APP2}:{SECRET2}", *self.flags]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr)
        self.line = self._read_ready_line()
        m = READY.match(self.line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"unexpected first stdout line {self.line!r}; stderr: {self.stderr()}")
        self.port = int(m.group(1))
        self.base = f"http://127.0.0.1:{self.port}"
        self.stopped = False

    def _read_ready_line(self):
        box = {}

        def read():
            box["line"] = self.proc.stdout.readline().decode("utf-8", "replace")

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(START_TIMEOUT)
        if "line" not in box:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"the emulator printed no ready line in {START_TIMEOUT} s; "
                        f"stderr: {self.stderr()}")
        return box["line"]

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def stop(self, timeout=5.0):
        """SIGTERM; the exit status (and stdout after the ready line)."""
        if self.stopped:
            return self.proc.returncode, b""
        self.stopped = True
        self.proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._stderr.close()
            pytest.fail(f"the emulator did not exit within {timeout} s of SIGTERM")
        self._stderr.close()
        return self.proc.returncode, rest

    # raw HTTP
    def get(self, path, params=None, **kw):
        return request(self.base, "GET", path, params=params, **kw)

    def post(self, path, body=None, **kw):
        return request(self.base, "POST", path, body=body, **kw)

    # WeChat's server API
    def code2session(self, code, appid=APP, secret=SECRET, grant_type="authorization_code"):
        params = {}
        for k, v in (("appid", appid), ("secret", secret), ("js_code", code),
                     ("grant_type", grant_type)):
            if v is not None:
                params[k] = v
        return self.get("/sns/jscode2session", params)

    # the phone
    def wx_login(self, phone, app=APP):
        """POST /_phone/login: the answer ({"code", "openid", "errMsg"})."""
        r = self.post("/_phone/login", {"appId": app, "phone": phone})
        assert r.status == 200, r
        return r

    def login(self, phone, app=APP, secret=None):
        """wx.login then code2Session, as phone + backend do: (openid, session_key)."""
        secret = secret if secret is not None else (SECRET if app == APP else SECRET2)
        lr = self.wx_login(phone, app)
        assert lr.get("errMsg") == "login:ok", lr
        r = self.code2session(lr["code"], appid=app, secret=secret)
        assert r.status == 200, r
        assert set(r.body) == {"openid", "session_key"}, r
        assert r["openid"] == lr["openid"], (r, lr)
        return r["openid"], r["session_key"]

    def ticket(self, group, session_key, app=APP, nonce=None, timestamp=None):
        nonce = nonce if nonce is not None else new_nonce()
        ts = timestamp if timestamp is not None else int(time.time())
        return {"groupId": group, "nonceStr": nonce, "timeStamp": ts,
                "signature": signature(app, group, nonce, ts, session_key)}

    def join(self, phone, group, session_key, app=APP, room_type="voice", nonce=None,
             timestamp=None, signature_override=None, extra=None):
        """POST /_phone/joinVoIPChat with a ticket signed here; the answer's JSON."""
        body = {"appId": app, "phone": phone, "roomType": room_type,
                **self.ticket(group, session_key, app, nonce, timestamp)}
        if signature_override is not None:
            body["signature"] = signature_override
        body.update(extra or {})
        r = self.post("/_phone/joinVoIPChat", body)
        assert r.status == 200, r
        return r.body

    def exit(self, phone, app=APP):
        r = self.post("/_phone/exitVoIPChat", {"appId": app, "phone": phone})
        assert r.status == 200, r
        return r.body

    def events(self, phone, after=0, app=APP, timeout=10.0):
        r = self.get("/_phone/events", {"appId": app, "phone": phone, "after": after},
                     timeout=timeout)
        assert r.status == 200, r
        return r.body

    # truth
    def rooms(self, app=APP):
        r = self.get("/_emulator/rooms", {"appId": app})
        assert r.status == 200, r
        return r.body

    def room(self, group, app=APP):
        """The live room `group`, or None."""
        found = [x for x in self.rooms(app)["rooms"] if x["groupId"] == group]
        return found[0] if found else None

    def usage(self, app=APP):
        r = self.get("/_emulator/usage", {"appId": app})
        assert r.status == 200, r
        return r.body

    def faults(self, body):
        return self.post("/_emulator/faults", body)


def wait_for(cond, timeout=5.0, every=0.05):
    """Poll cond() until truthy; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(every)


def require_binary():
    if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
        pytest.fail(
            f"the voipsign binary is missing: {BIN!r} is not an executable file. "
            "Build it with `cargo build -p voipsign-cli` at the repository root, or point "
            "VOIPSIGN_BIN at one.",
            pytrace=False,
        )


@pytest.fixture
def start_emulator(tmp_path):
    """start_emulator(*flags) → a running Emulator (apps APP and APP2). Every one
    started is stopped at the end of the test with SIGTERM and must exit 0."""
    started = []

    def start(*flags):
        require_binary()
        e = Emulator(flags, tmp_path)
        started.append(e)
        return e

    yield start
    failures = []
    for e in started:
        rc, rest = e.stop()
        if rc != 0:
            failures.append(f"exit status {rc} (flags {e.flags}); stderr: {e.stderr()}")
        elif rest.strip():
            failures.append(f"more than one line on stdout: {rest!r}")
    assert not failures, failures
