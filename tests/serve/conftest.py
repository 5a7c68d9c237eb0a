"""Fixtures of the integration tests of `voipsign rooms serve` (docs/DASHBOARD.md).

Each test starts the real binary (VOIPSIGN_BIN, default <repo>/target/release/voipsign)
on a free loopback port, on a Redis ledger that the test drives with the Python
binding (`voipsign.Ledger.redis`) under a key prefix of its own, and reads what the
server answers with a plain HTTP client (every request with a 5 s timeout: a
request that times out is a failure, "the request hung").

The Redis servers are those of tests/redis/servers.sh (VOIPSIGN_REDIS_URL,
VOIPSIGN_REDIS_PASSWORD_URL, VOIPSIGN_REDIS_CLUSTER_URL): without them the tests
that need them are skipped, unless VOIPSIGN_REDIS_REQUIRED=1 (the Makefile and the
root `make test`), which makes a missing server a failure.

The Redis URL reaches the server only through its environment (`--redis-env`),
never its argv: the password must not show in `ps`.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

import voipsign

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("VOIPSIGN_BIN") or REPO / "target" / "release" / "voipsign")

APP = "wx20afc706a711eefc"
APP2 = "wxserve0test00002"
# The environment variable the server reads its Redis URL from (--redis-env).
URL_ENV = "VOIPSIGN_SERVE_TEST_REDIS_URL"
TOKEN_ENV = "VOIPSIGN_SERVE_TEST_TOKEN"

CLIENT_TIMEOUT = 5.0     # seconds: any request slower than this "hung"
START_TIMEOUT = 30.0     # seconds for the server to answer /api/status (busy 2-core machine)
STOP_TIMEOUT = 5.0       # SIGTERM -> exit 0 within this

# The mask of member ids (docs/DASHBOARD.md: first 4 characters and "…").
ELLIPSIS = "\u2026"


def mask(member_id: str) -> str:
    """The first 4 characters and "…"; an id of at most 4 characters is "…" alone
    (core's voipsign::rooms::mask_member_id: the mask never shows a whole id)."""
    return member_id[:4] + ELLIPSIS if len(member_id) > 4 else ELLIPSIS


def required() -> bool:
    return os.environ.get("VOIPSIGN_REDIS_REQUIRED") == "1"


def redis_env(name: str) -> str:
    """The URL in env var `name`, or skip (fail under VOIPSIGN_REDIS_REQUIRED=1)."""
    url = os.environ.get(name)
    if not url:
        msg = f"{name} is not set: eval \"$(tests/redis/servers.sh start)\" first"
        if required():
            pytest.fail(msg + " (VOIPSIGN_REDIS_REQUIRED=1)")
        pytest.skip(msg)
    return url


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def new_prefix() -> str:
    return "vs-serve-" + uuid.uuid4().hex[:16]


# --------------------------------------------------------------------------- HTTP


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def error_code(self) -> str:
        """The code of an error body {"error": {"code", "message"}} (asserting its form)."""
        assert self.content_type.startswith("application/json"), (self.status, self.content_type, self.body)
        doc = self.json()
        assert isinstance(doc, dict) and set(doc) == {"error"}, doc
        err = doc["error"]
        assert isinstance(err, dict), doc
        assert isinstance(err.get("code"), str) and isinstance(err.get("message"), str), doc
        assert err["message"], doc
        return str(err["code"])


def request(
    port: int,
    path: str,
    *,
    host: str = "127.0.0.1",
    method: str = "GET",
    headers: dict[str, str] | None = None,
    timeout: float = CLIENT_TIMEOUT,
) -> Response:
    """One request on a fresh connection; a timeout fails the test ("hung")."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    start = time.monotonic()
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
    except (socket.timeout, TimeoutError) as e:
        pytest.fail(f"{method} {path} did not answer within {timeout} s (the request hung): {e!r}")
    finally:
        conn.close()
    elapsed = time.monotonic() - start
    return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body, elapsed)


# --------------------------------------------------------------------------- the server


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    host: str
    args: list[str]
    out_path: Path
    err_path: Path
    token: str | None = None
    stopped: bool = False
    returncode: int | None = None
    responses: list[Response] = field(default_factory=list)

    def get(self, path: str, *, auth: bool = True, headers: dict[str, str] | None = None,
            method: str = "GET", timeout: float = CLIENT_TIMEOUT) -> Response:
        h = dict(headers or {})
        if auth and self.token is not None and "Authorization" not in h:
            h["Authorization"] = f"Bearer {self.token}"
        r = request(self.port, path, host="127.0.0.1", method=method, headers=h, timeout=timeout)
        self.responses.append(r)
        return r

    def json(self, path: str, status: int = 200) -> Any:
        r = self.get(path)
        assert r.status == status, (path, r.status, r.body[:2000])
        assert r.content_type.startswith("application/json"), (path, r.content_type)
        return r.json()

    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def output(self) -> str:
        return self.stdout() + self.stderr()

    def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM and wait; the exit status (killed and failed if it takes longer)."""
        if self.stopped:
            assert self.returncode is not None
            return self.returncode
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.returncode = self.proc.returncode
                pytest.fail(f"the server did not exit within {timeout} s of SIGTERM")
        self.returncode = self.proc.returncode
        return self.returncode


def require_bin() -> Path:
    if not BIN.is_file():
        pytest.fail(f"{BIN} is missing: `make cli` (or set VOIPSIGN_BIN)")
    return BIN


def run_once(args: list[str], env: dict[str, str] | None = None, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """Run `voipsign rooms serve ARGS` expecting it to exit by itself (a refused start)."""
    full_env = {**os.environ, **(env or {})}
    try:
        return subprocess.run([str(require_bin()), "rooms", "serve", *args], env=full_env,
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`voipsign rooms serve {' '.join(args)}` was expected to exit and ran on for {timeout} s")


class ServerFactory:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.servers: list[Server] = []

    def __call__(
        self,
        *args: str,
        redis_url: str | None = None,
        key_prefix: str | None = None,
        host: str = "127.0.0.1",
        token: str | None = None,
        env: dict[str, str] | None = None,
        wait: bool = True,
    ) -> Server:
        """Start `voipsign rooms serve` with ARGS (+ --listen, + --redis-env and
        --key-prefix when redis_url is given, + --token-env when token is given)
        and wait until /api/status answers."""
        binary = require_bin()
        full_env = dict(os.environ)
        full_env.pop(URL_ENV, None)
        full_env.pop(TOKEN_ENV, None)
        argv = [str(binary), "rooms", "serve"]
        last_error = ""
        for _attempt in range(3):  # a free port can be taken between free_port() and bind
            port = free_port("0.0.0.0" if host == "0.0.0.0" else "127.0.0.1")
            a = ["--listen", f"{host}:{port}"]
            if redis_url is not None:
                full_env[URL_ENV] = redis_url
                a += ["--redis-env", URL_ENV]
                if key_prefix is not None:
                    a += ["--key-prefix", key_prefix]
            if token is not None:
                full_env[TOKEN_ENV] = token
                a += ["--token-env", TOKEN_ENV]
            a += list(args)
            full_env.update(env or {})
            n = len(self.servers)
            out = self.tmp_path / f"server{n}.stdout"
            err = self.tmp_path / f"server{n}.stderr"
            with open(out, "wb") as fo, open(err, "wb") as fe:
                proc = subprocess.Popen(argv + a, env=full_env, stdout=fo, stderr=fe,
                                        stdin=subprocess.DEVNULL)
            server = Server(proc, port, host, argv + a, out, err, token)
            self.servers.append(server)
            if not wait:
                return server
            if self._wait_ready(server):
                return server
            last_error = server.stderr()
            if "in use" not in last_error.lower():
                break
        pytest.fail(f"the server did not start: {' '.join(argv + a)}\nstdout: {server.stdout()}\nstderr: {last_error}")

    @staticmethod
    def _wait_ready(server: Server) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        headers = {"Authorization": f"Bearer {server.token}"} if server.token else {}
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                return False
            try:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=CLIENT_TIMEOUT)
                conn.request("GET", "/api/status", headers=headers)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        server.proc.kill()
        server.proc.wait()
        return False

    def close(self) -> None:
        for s in self.servers:
            if s.proc.poll() is None:
                s.proc.kill()
            s.proc.wait()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[ServerFactory]:
    factory = ServerFactory(tmp_path)
    try:
        yield factory
    finally:
        factory.close()


# --------------------------------------------------------------------------- Redis and the ledger


@pytest.fixture
def redis_url() -> str:
    return redis_env("VOIPSIGN_REDIS_URL")


@pytest.fixture
def cluster_url() -> str:
    return redis_env("VOIPSIGN_REDIS_CLUSTER_URL")


@pytest.fixture
def password_url() -> str:
    return redis_env("VOIPSIGN_REDIS_PASSWORD_URL")


@pytest.fixture
def password() -> str:
    return redis_env("VOIPSIGN_REDIS_PASSWORD")


@pytest.fixture
def prefix() -> str:
    return new_prefix()


class Ledgers:
    """Ledger.redis objects opened by a test, closed at its end."""

    def __init__(self) -> None:
        self.opened: list[voipsign.Ledger] = []

    def __call__(self, url: str, key_prefix: str, **rules: Any) -> voipsign.Ledger:
        ledger = voipsign.Ledger.redis(url, key_prefix=key_prefix, **rules)
        self.opened.append(ledger)
        return ledger

    def close(self) -> None:
        for ledger in self.opened:
            ledger.close()


@pytest.fixture
def ledgers() -> Iterator[Ledgers]:
    lg = Ledgers()
    try:
        yield lg
    finally:
        lg.close()


# --------------------------------------------------------------------------- a private redis-server


class PrivateRedis:
    """A redis-server of the test's own on a free port, that it may kill and restart."""

    def __init__(self, tmp_path: Path) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            if required():
                pytest.fail("redis-server is missing (VOIPSIGN_REDIS_REQUIRED=1)")
            pytest.skip("redis-server is missing")
        self.exe = exe
        self.port = free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir(exist_ok=True)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.dir / "redis.log", "ab")
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.dir)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"redis-server on {self.port} exited: {(self.dir / 'redis.log').read_text()}")
            if self.ping():
                return
            time.sleep(0.02)
        pytest.fail(f"redis-server on {self.port} did not answer PING within 10 s")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def pause(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    r = PrivateRedis(tmp_path)
    r.start()
    try:
        yield r
    finally:
        r.close()


def poll(predicate: Any, timeout: float, interval: float = 0.1) -> Any:
    """Call predicate() until it returns a truthy value (returned) or timeout (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


# --------------------------------------------------------------------------- the scenario

# Members are long enough that the mask (4 characters and "…") hides most of them.
ALICE, BOB, CAROL, DAVE = "alice-openid-0001", "bob-openid-0002", "carol-openid-0003", "dave-openid-0004"
ERIN, FRANK, GINA, NOBODY = "erin-openid-0005", "frank-openid-0006", "gina-openid-0007", "nobody-openid-0009"

SCENARIO_RULES = {"capacity": 2, "daily_room_limit": 4}
SCENARIO_FLAGS = ("--capacity", "2", "--daily-room-limit", "4")


def scenario(ledgers: Ledgers, url: str, key_prefix: str, app: str = APP) -> voipsign.Ledger:
    """Every kind of admission on `app` (capacity 2, limit 4), driven by the binding:
    g-1 full (alice, bob), carol refused ROOM_FULL, dave opens g-2 and is refused
    MEMBER_DAILY_LIMIT for g-3 (a ledger with member_daily_openings=1), erin opens
    g-3, frank opens g-4 (the 4th opening) and leaves, gina is refused
    DAILY_ROOM_LIMIT, a heartbeat is refused NOT_ADMITTED, alice renews.
    Live after: g-1 (2 seats, full), g-2 (1), g-3 (1). Returns the main ledger."""
    main = ledgers(url, key_prefix, **SCENARIO_RULES)
    strict = ledgers(url, key_prefix, member_daily_openings=1, **SCENARIO_RULES)
    assert main.admit(app, "g-1", ALICE).opened
    assert not main.admit(app, "g-1", BOB).opened
    with pytest.raises(voipsign.RoomFull):
        main.admit(app, "g-1", CAROL)
    assert strict.admit(app, "g-2", DAVE).opened
    with pytest.raises(voipsign.MemberDailyLimit):
        strict.admit(app, "g-3", DAVE)
    assert main.admit(app, "g-3", ERIN).opened
    assert main.admit(app, "g-4", FRANK).rooms_today == 4
    with pytest.raises(voipsign.DailyRoomLimit):
        main.admit(app, "g-5", GINA)
    assert main.leave(app, "g-4", FRANK)
    with pytest.raises(voipsign.NotAdmitted):
        main.heartbeat(app, "g-9", NOBODY)
    assert main.admit(app, "g-1", ALICE).renewed
    main.heartbeat(app, "g-2", DAVE)
    return main
