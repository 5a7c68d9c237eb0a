"""Fixtures of the reference backend tests (docs/BACKEND.md).

A backend is started by its ./run on a free port, with a fake code2Session (an
http.server in a thread) as WECHAT_API_BASE, and stopped with SIGTERM (it must exit
0 within 5 s). BACKEND (default examples/backends/node-express) names the folder, so
every reference backend runs the same tests. Python's standard library only.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BACKEND = os.path.join(ROOT, os.environ.get("BACKEND", "examples/backends/node-express"))
APP_ID = "wx20afc706a711eefc"
APP_SECRET = "test-app-secret-5f1c0e"
START_TIMEOUT = float(os.environ.get("BACKEND_START_TIMEOUT", "300"))  # the first ./run installs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_session_key():
    return base64.b64encode(secrets.token_bytes(16)).decode()


def new_openid():
    return "o" + secrets.token_urlsafe(21)[:27]  # 28 characters, like WeChat's


class FakeWeChat:
    """GET /sns/jscode2session as WeChat answers it. Codes are made by code(); each
    is single-use. fail_next: that many calls answer errcode -1; garbage: HTML."""

    def __init__(self):
        self.codes = {}
        self.fail_next = 0
        self.garbage = False
        self.calls = 0
        self.secrets_seen = []  # every session_key handed out (checked absent from logs)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.calls += 1
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path != "/sns/jscode2session":
                    return self.reply(404, {"errcode": 404, "errmsg": "not found"})
                if fake.garbage:
                    return self.reply(200, None, b"<html>gateway error</html>")
                if fake.fail_next > 0:
                    fake.fail_next -= 1
                    return self.reply(200, {"errcode": -1, "errmsg": "system error"})
                if q.get("appid") != APP_ID:
                    return self.reply(200, {"errcode": 40013, "errmsg": "invalid appid"})
                if q.get("secret") != APP_SECRET or q.get("grant_type") != "authorization_code":
                    return self.reply(200, {"errcode": 40125, "errmsg": "invalid appsecret"})
                found = fake.codes.pop(q.get("js_code"), None)
                if found is None:
                    return self.reply(200, {"errcode": 40029, "errmsg": "invalid code"})
                openid, key = found
                return self.reply(200, {"openid": openid, "session_key": key})

            def reply(self, status, obj, raw=None):
                data = raw if raw is not None else json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if raw is None else "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def code(self, openid, session_key):
        c = secrets.token_hex(16)
        self.codes[c] = (openid, session_key)
        self.secrets_seen.append(session_key)
        return c

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Response:
    def __init__(self, status, body, raw):
        self.status, self.body, self.raw = status, body, raw

    def __repr__(self):
        return "Response(%d, %r)" % (self.status, self.raw[:300])


def request(base, method, path, body=None, token=None, headers=None, raw=None, timeout=10):
    """One HTTP request; body is JSON-encoded unless raw bytes are given."""
    h = dict(headers or {})
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    if token is not None:
        h["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return Response(status, parsed, text)


class Backend:
    def __init__(self, wechat_base, tmp_path, extra_env=None, name="backend"):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.log_path = tmp_path / ("%s-%d.log" % (name, self.port))
        env = {k: v for k, v in os.environ.items() if not k.startswith("VOIPSIGN_")}
        env.update(
            WECHAT_APP_ID=APP_ID,
            WECHAT_APP_SECRET=APP_SECRET,
            WECHAT_API_BASE=wechat_base,
            PORT=str(self.port),
        )
        env.update(extra_env or {})
        self.tokens = []  # every token it issued: none may appear in its log
        self.answers = []  # every response body: no session_key or secret may appear in one
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [os.path.join(BACKEND, "run")], cwd=BACKEND, env=env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("the backend exited %s:\n%s" % (self.proc.returncode, self.output()))
            try:
                if request(self.base, "GET", "/healthz", timeout=2).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("the backend did not answer /healthz:\n" + self.output())

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def call(self, method, path, body=None, **kw):
        r = request(self.base, method, path, body, **kw)
        self.answers.append(r.raw.decode(errors="replace"))
        return r

    def stop(self):
        """SIGTERM; the backend closes and exits 0 within 5 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                raise AssertionError("the backend ignored SIGTERM")
        self.log.close()
        return self.proc.returncode

    def login(self, wechat, openid=None, session_key=None):
        openid = openid or new_openid()
        session_key = session_key or new_session_key()
        r = self.call("POST", "/login", {"code": wechat.code(openid, session_key)})
        assert r.status == 200, r
        self.tokens.append(r.body["token"])
        return r.body["token"], openid, session_key


def canonical(app_id, group_id, nonce, timestamp):
    # code-unit (UTF-16) order, as JavaScript's sort(): docs/CONTRACT.md
    return "".join(sorted([app_id, group_id, nonce, str(timestamp)], key=lambda s: s.encode("utf-16-be")))


def expected_signature(app_id, ticket, session_key):
    msg = canonical(app_id, ticket["groupId"], ticket["nonceStr"], ticket["timeStamp"])
    return hmac.new(session_key.encode(), msg.encode(), hashlib.sha256).hexdigest()


def assert_error(r, status, code):
    assert r.status == status, r
    assert isinstance(r.body, dict) and r.body.get("error") == code, r
    assert isinstance(r.body.get("message"), str) and r.body["message"], r


def assert_no_secrets(text, wechat, tokens=()):
    for s in list(wechat.secrets_seen) + list(tokens) + [APP_SECRET]:
        assert s not in text, "a secret appears: %r" % s[:6]


@pytest.fixture(scope="session")
def wechat():
    w = FakeWeChat()
    yield w
    w.close()


def stop_and_check(backends, wechat):
    for b in backends:
        rc = b.stop()
        out = b.output()
        assert rc == 0, "exit %s:\n%s" % (rc, out)
        assert_no_secrets(out, wechat, b.tokens)
        assert_no_secrets("\n".join(b.answers), wechat)
        for line in out.splitlines():
            assert " 500 " not in line and "INTERNAL" not in line, out


def starter(wechat, tmp_path, started):
    def start(env=None, wechat_base=None, name="backend"):
        b = Backend(wechat_base or wechat.base, tmp_path, env, name)
        started.append(b)
        return b.wait_ready()

    return start


@pytest.fixture
def start_backend(wechat, tmp_path):
    """start_backend(env={...}) → a ready Backend, stopped (and checked) at teardown."""
    started = []
    yield starter(wechat, tmp_path, started)
    stop_and_check(started, wechat)


@pytest.fixture(scope="module")
def backend(wechat, tmp_path_factory):
    """One memory backend shared by a module's tests."""
    started = []
    b = starter(wechat, tmp_path_factory.mktemp("backend"), started)()
    yield b
    stop_and_check(started, wechat)
