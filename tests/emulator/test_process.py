"""The process: one ready line, SIGTERM ends held polls at once and exits 0, a bad
option exits 2 with an `error:` line."""

import signal
import subprocess
import threading
import time

from conftest import APP, BIN, require_binary


def test_sigterm_answers_held_polls_and_exits_0(start_emulator):
    e = start_emulator("--poll-timeout-ms", "20000", "--drop-after-ms", "0")
    box = {}

    def poll():
        t = time.monotonic()
        box["r"] = e.events("p1", 0, timeout=30)
        box["dt"] = time.monotonic() - t

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    time.sleep(0.3)
    assert "r" not in box  # held
    t = time.monotonic()
    rc, rest = e.stop()
    assert rc == 0 and rest == b""
    assert time.monotonic() - t < 3.0
    th.join(3)
    assert box.get("r") == {"events": [], "next": 0}
    assert box["dt"] < 3.0


def test_no_secret_or_session_key_in_output(start_emulator):
    e = start_emulator("--drop-after-ms", "200", "--poll-timeout-ms", "200")
    _, key = e.login("alice")
    e.join("alice", "g", key)
    e.join("alice", "h", key, signature_override="0" * 64)
    time.sleep(0.6)  # a drop logs a line
    e.stop()
    err = e.stderr()
    assert "dropped 1 phone" in err, err  # stderr was written, and read here
    assert key not in err and "emulator-test-secret" not in err


def test_bad_option_exits_2():
    require_binary()
    for args in (["--rotate-session-key", "sometimes"], ["--capacity", "many"],
                 ["--app", "no-colon"], []):
        p = subprocess.run([BIN, "emulator", "--listen", "127.0.0.1:0", *args]
                           + (["--app", f"{APP}:s"] if args and args[0] != "--app" else []),
                           capture_output=True, timeout=10)
        assert p.returncode == 2, (args, p)
        assert p.stdout == b"", (args, p)
        assert b"error" in p.stderr, (args, p)


def test_bad_app_does_not_echo_the_secret():
    require_binary()
    for apps in (["--app", f"{APP}:topsecret-1", "--app", f"{APP}:topsecret-1"],
                 ["--app", "bad id!:topsecret-1"]):
        p = subprocess.run([BIN, "emulator", *apps], capture_output=True, timeout=10)
        assert p.returncode == 2, (apps, p)
        assert b"error" in p.stderr and b"topsecret" not in p.stderr + p.stdout, p


def test_address_in_use_exits_2(start_emulator):
    e = start_emulator()
    p = subprocess.run([BIN, "emulator", "--listen", f"127.0.0.1:{e.port}", "--app",
                        f"{APP}:s"], capture_output=True, timeout=10)
    assert p.returncode == 2, p
    assert p.stdout == b""
    assert b"error:" in p.stderr, p
