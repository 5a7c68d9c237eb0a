"""The Redis servers of the tests: the shared ones that tests/redis/servers.sh
starts (their URLs in VOIPSIGN_REDIS_* variables; ``make test`` starts them), and
private ones a test starts on a free port to kill, pause and restart.

The shared servers are used by every suite at once: never flush or shut them
down; isolate each test with :func:`unique_prefix` (the ledger's ``key_prefix``).

Without a variable the test is skipped, saying why, unless
``VOIPSIGN_REDIS_REQUIRED=1`` (``make test``), where it fails.

Not collected by pytest (no ``test_`` prefix).
"""

import itertools
import os
import shutil
import signal
import socket
import subprocess
import time
from typing import List, Optional

import pytest

REQUIRED = os.environ.get("VOIPSIGN_REDIS_REQUIRED") == "1"
START = 'eval "$(tests/redis/servers.sh start)" (from the repository root; make test does it)'
_COUNTER = itertools.count()


def missing(what: str) -> None:
    """Skip the test (fail it under ``VOIPSIGN_REDIS_REQUIRED=1``): ``what`` is missing."""
    if REQUIRED:
        pytest.fail(f"{what} (VOIPSIGN_REDIS_REQUIRED=1)", pytrace=False)
    pytest.skip(what)


def server_url(var: str) -> str:
    """The URL in the environment variable ``var`` (see the module's docstring)."""
    url = os.environ.get(var, "")
    if not url:
        missing(f"{var} is not set: run {START}")
    return url


def unique_prefix(what: str) -> str:
    """A key prefix no other test, run or language uses (at most 64 bytes)."""
    what = "".join(c for c in what if c.isascii() and c.isalnum())[:24]
    return f"vstest-py-{what}-{os.getpid()}-{time.time_ns() % 10**12}-{next(_COUNTER)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, nothing persisted."""

    def __init__(self, *extra: str) -> None:
        if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
            missing("redis-server is not installed (tests/redis/servers.sh start installs it)")
        self.port = free_port()
        self.extra = list(extra)
        self.proc: Optional["subprocess.Popen[bytes]"] = None
        self.paused = False
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        """(Re)start the server on the same port; return once it answers."""
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", *self.extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            reply = self.cli("ping")
            if "PONG" in reply or "NOAUTH" in reply:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError(f"private redis-server on port {self.port} did not start")

    def kill(self) -> None:
        """SIGKILL, and wait for it."""
        if self.proc is not None:
            self.pause(False)
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def pause(self, stop: bool) -> None:
        """SIGSTOP (the server keeps its connections and answers nothing) or SIGCONT."""
        if self.proc is not None and stop != self.paused:
            os.kill(self.proc.pid, signal.SIGSTOP if stop else signal.SIGCONT)
            self.paused = stop

    def cli(self, *args: str) -> str:
        """redis-cli against this server: its standard output."""
        return cli(self.port, *args)

    def close(self) -> None:
        self.kill()


def cli(port: int, *args: str, password: Optional[str] = None) -> str:
    auth: List[str] = ["-a", password, "--no-auth-warning"] if password else []
    out = subprocess.run(
        ["redis-cli", "-p", str(port), *auth, *args],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return out.stdout.decode("utf-8", "replace")
