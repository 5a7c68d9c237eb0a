"""Who may reach `voipsign rooms serve` (docs/DASHBOARD.md, "Options"): a
non-loopback --listen is refused without --token-env; with it every path needs
`Authorization: Bearer <token>` (else 401 UNAUTHORIZED), the token is at least 16
characters and never shown; --redis refuses a URL with a password; exactly one
store."""

from __future__ import annotations

import base64
import secrets

import pytest

from conftest import (
    APP, SCENARIO_FLAGS, TOKEN_ENV, URL_ENV, Ledgers, ServerFactory, free_port, run_once, scenario,
)


@pytest.mark.parametrize("host", ["0.0.0.0", "[::]", "192.0.2.1"])
def test_non_loopback_needs_a_token(host: str) -> None:
    """Refused at start, before binding (192.0.2.1, TEST-NET-1, is not even local)."""
    res = run_once(["--listen", f"{host}:{free_port()}", "--simulate"])
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert "--token-env" in out, out


def test_non_loopback_needs_a_token_on_redis(redis_url: str, prefix: str) -> None:
    res = run_once(["--listen", f"0.0.0.0:{free_port('0.0.0.0')}", "--redis-env", URL_ENV, "--key-prefix", prefix],
                   env={URL_ENV: redis_url})
    assert res.returncode != 0
    assert "--token-env" in res.stdout + res.stderr


def test_short_token_refused() -> None:
    token = "fifteen-chars-x"
    assert len(token) == 15
    res = run_once(["--listen", f"0.0.0.0:{free_port('0.0.0.0')}", "--simulate", "--token-env", TOKEN_ENV],
                   env={TOKEN_ENV: token})
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert token not in out, out
    assert TOKEN_ENV in out or "16" in out, out


def test_unset_token_env_refused() -> None:
    res = run_once(["--listen", f"0.0.0.0:{free_port('0.0.0.0')}", "--simulate", "--token-env", TOKEN_ENV + "_UNSET"])
    assert res.returncode != 0
    assert TOKEN_ENV + "_UNSET" in res.stdout + res.stderr


def test_redis_flag_refuses_a_password() -> None:
    pw = "argv-secret-" + secrets.token_hex(6)
    res = run_once(["--redis", f"redis://:{pw}@127.0.0.1:{free_port()}", "--listen", f"127.0.0.1:{free_port()}"])
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert "--redis-env" in out, out
    assert pw not in out, out


@pytest.mark.parametrize("args", [[], ["--simulate", "--redis-env", URL_ENV], ["--simulate", "--redis", "redis://127.0.0.1:1"]])
def test_exactly_one_store(args: list[str]) -> None:
    res = run_once(["--listen", f"127.0.0.1:{free_port()}", *args], env={URL_ENV: "redis://127.0.0.1:1"})
    assert res.returncode != 0, res.stdout + res.stderr


PATHS = ["/", "/api/status", "/api/apps", f"/api/usage?appId={APP}", f"/api/rooms?appId={APP}",
         f"/api/rooms/g-1?appId={APP}", "/metrics", "/nope", "/api/usage", "/favicon.ico"]


def test_token_on_every_path(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    scenario(ledgers, redis_url, prefix)
    token = "tok-" + secrets.token_urlsafe(24)
    server = serve(*SCENARIO_FLAGS, host="0.0.0.0", token=token, redis_url=redis_url, key_prefix=prefix)
    assert token not in " ".join(server.args)
    wrong_headers: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer wrong-token-of-some-length"},
        {"Authorization": f"Bearer {token}x"},
        {"Authorization": f"Bearer {token[:-1]}"},
        {"Authorization": f"Bearer {token[:16]}"},
        {"Authorization": token},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic " + base64.b64encode(f"user:{token}".encode()).decode()},
        {"X-Token": token},
    ]
    problems = []
    for path in PATHS:
        for headers in wrong_headers:
            r = server.get(path, auth=False, headers=headers)
            code = r.error_code() if r.content_type.startswith("application/json") else None
            if (r.status, code) != (401, "UNAUTHORIZED"):
                problems.append(f"{path} {headers}: {r.status} {r.content_type} {r.body[:120]!r}")
        # The query string is not a way in either.
        sep = "&" if "?" in path else "?"
        r = server.get(f"{path}{sep}token={token}", auth=False)
        if r.status != 401:
            problems.append(f"{path}?token=: {r.status}")
        r = server.get(path)   # with the right header
        want = 404 if path in ("/nope", "/favicon.ico") else 400 if path == "/api/usage" else 200
        if r.status != want and not (path == "/favicon.ico" and r.status == 200):
            problems.append(f"{path} with the token: {r.status}, expected {want}: {r.body[:120]!r}")
    assert not problems, "\n".join(problems)
    assert server.terminate() == 0
    for r in server.responses:
        assert token.encode() not in r.body
        assert token not in " ".join(r.headers.values())
    assert token not in server.output()


def test_token_on_loopback(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    """--token-env on a loopback address is honoured too."""
    token = secrets.token_hex(16)
    server = serve(token=token, redis_url=redis_url, key_prefix=prefix)
    r = server.get("/api/status", auth=False)
    assert (r.status, r.error_code()) == (401, "UNAUTHORIZED")
    assert server.get("/api/status").status == 200
    assert server.get("/metrics").status == 200
