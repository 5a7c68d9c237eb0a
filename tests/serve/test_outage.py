"""`voipsign rooms serve` while its Redis is down (docs/DASHBOARD.md: 503
LEDGER_UNAVAILABLE within the command timeout, /api/status never 503,
voipsign_ledger_up 0 and no per-app sample, the page still served) and after Redis
comes back (ledger_up 1 again, by polling). On a private redis-server of each test,
killed (SIGKILL), paused (SIGSTOP) or absent at the start. Every request has a 5 s
client timeout: one that runs out fails the test ("hung")."""

from __future__ import annotations

import threading
import time
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from conftest import (
    ALICE, APP, BOB, CLIENT_TIMEOUT, Ledgers, PrivateRedis, Server, ServerFactory, poll,
)

TIMEOUTS = ("--connect-timeout-ms", "500", "--command-timeout-ms", "500")
DOWN_WITHIN = 10.0       # seconds until the server reports the outage
RECOVER_WITHIN = 15.0    # seconds until it reports the ledger up again
# The outage must show within the timeouts (0.5 s connect + 0.5 s command), with
# room for a busy 2-core machine; DOWN_WITHIN only bounds the polling.
OUTAGE_SEEN_WITHIN = 3.0


def metrics(server: Server) -> dict[str, Any]:
    r = server.get("/metrics")
    assert r.status == 200, (r.status, r.body[:500])
    assert r.elapsed < CLIENT_TIMEOUT
    return {f.name: f for f in text_string_to_metric_families(r.text)}


def up_value(server: Server) -> float | None:
    fams = metrics(server)
    fam = fams.get("voipsign_ledger_up")
    assert fam is not None and len(fam.samples) == 1, sorted(fams)
    return float(fam.samples[0].value)


def per_app_samples(fams: dict[str, Any]) -> list[Any]:
    return [s for name, f in fams.items() if name != "voipsign_ledger_up" for s in f.samples]


def assert_down(server: Server) -> None:
    """Everything a down ledger answers, each request promptly (within the client
    timeout, and printed: the slowest)."""
    first = len(server.responses)
    fams = metrics(server)
    assert fams["voipsign_ledger_up"].samples[0].value == 0
    assert per_app_samples(fams) == [], "per-app samples while the ledger is down"
    for path in (f"/api/usage?appId={APP}", f"/api/rooms?appId={APP}", f"/api/rooms/g-1?appId={APP}"):
        r = server.get(path)
        assert (r.status, r.error_code()) == (503, "LEDGER_UNAVAILABLE"), (path, r.status, r.body)
        assert r.elapsed < CLIENT_TIMEOUT
    r = server.get("/api/status")
    assert r.status == 200, (r.status, r.body)
    status = r.json()
    assert status["ledgerUp"] is False, status
    err = status.get("error")
    assert isinstance(err, dict) and isinstance(err.get("message"), str), status
    assert err.get("code") == "LEDGER_UNAVAILABLE", status
    page = server.get("/")
    assert page.status == 200 and page.content_type.startswith("text/html"), (page.status, page.content_type)
    # Input errors are still input errors (checked before the store is asked).
    r = server.get("/api/rooms?appId=" + APP + "&limit=0")
    assert r.status == 400 and r.error_code() == "INVALID_LIMIT", (r.status, r.body)
    r = server.get("/api/apps")
    assert r.status in (200, 503) and r.elapsed < CLIENT_TIMEOUT, (r.status, r.body)
    slowest = max(server.responses[first:], key=lambda x: x.elapsed)
    print(f"down: slowest answer {slowest.elapsed:.2f} s ({slowest.status})")


def assert_up(server: Server, ledger: Any = None) -> None:
    fams = metrics(server)
    assert fams["voipsign_ledger_up"].samples[0].value == 1
    r = server.get(f"/api/usage?appId={APP}")
    assert r.status == 200, (r.status, r.body)
    if ledger is not None:
        assert r.json()["openings"] == ledger.usage(APP).openings
    assert server.json("/api/status")["ledgerUp"] is True


def start(serve: ServerFactory, redis: PrivateRedis, prefix: str) -> Server:
    return serve("--app", APP, *TIMEOUTS, redis_url=redis.url, key_prefix=prefix)


def test_redis_killed_and_restarted(serve: ServerFactory, private_redis: PrivateRedis, prefix: str,
                                    ledgers: Ledgers) -> None:
    ledger = ledgers(private_redis.url, prefix, connect_timeout_ms=500, command_timeout_ms=500)
    ledger.admit(APP, "g-1", ALICE)
    ledger.admit(APP, "g-1", BOB)
    server = start(serve, private_redis, prefix)
    assert up_value(server) == 1
    assert metrics(server)["voipsign_live_seats"].samples[0].value == 2
    assert_up(server, ledger)

    private_redis.kill()
    # The first request after the kill already answers (no hang), then the outage shows.
    killed = time.monotonic()
    assert poll(lambda: up_value(server) == 0, DOWN_WITHIN), f"voipsign_ledger_up still 1 {DOWN_WITHIN} s after the kill"
    took = time.monotonic() - killed
    print(f"killed: ledger_up 0 after {took:.2f} s")
    assert took < OUTAGE_SEEN_WITHIN, f"the outage took {took:.2f} s to show (timeouts 500 + 500 ms)"
    assert_down(server)
    assert_down(server)   # and again: a down ledger does not wedge the server

    restarted = time.monotonic()
    private_redis.start()
    assert poll(lambda: up_value(server) == 1, RECOVER_WITHIN), f"voipsign_ledger_up not 1 {RECOVER_WITHIN} s after the restart"
    print(f"restarted: ledger_up 1 after {time.monotonic() - restarted:.2f} s")
    # The restarted server is empty (nothing persisted): the server reads it as it is.
    ledger.admit(APP, "g-2", ALICE)
    assert_up(server, ledger)
    assert server.json(f"/api/rooms?appId={APP}")["rooms"][0]["groupId"] == "g-2"
    assert server.terminate() == 0


def test_redis_paused(serve: ServerFactory, private_redis: PrivateRedis, prefix: str, ledgers: Ledgers) -> None:
    """A server that accepts connections and never answers: the command timeout."""
    ledger = ledgers(private_redis.url, prefix)
    ledger.admit(APP, "g-1", ALICE)
    server = start(serve, private_redis, prefix)
    assert_up(server, ledger)
    private_redis.pause()
    try:
        paused = time.monotonic()
        assert poll(lambda: up_value(server) == 0, DOWN_WITHIN), "voipsign_ledger_up still 1 while Redis is paused"
        took = time.monotonic() - paused
        print(f"paused: ledger_up 0 after {took:.2f} s")
        assert took < OUTAGE_SEEN_WITHIN, f"the outage took {took:.2f} s to show (timeouts 500 + 500 ms)"
        assert_down(server)
    finally:
        private_redis.resume()
    assert poll(lambda: up_value(server) == 1, RECOVER_WITHIN), "no recovery after SIGCONT"
    assert_up(server, ledger)
    assert server.terminate() == 0


def test_many_requests_while_paused(serve: ServerFactory, private_redis: PrivateRedis, prefix: str,
                                    ledgers: Ledgers) -> None:
    """24 requests at once on a paused Redis (more than the server's ledger calls in
    flight): every one answers within the client timeout, and the server recovers."""
    ledger = ledgers(private_redis.url, prefix)
    ledger.admit(APP, "g-1", ALICE)
    server = start(serve, private_redis, prefix)
    assert_up(server, ledger)
    paths = [f"/api/usage?appId={APP}", f"/api/rooms?appId={APP}", "/metrics", "/api/status",
             f"/api/rooms/g-1?appId={APP}", "/"] * 4
    answers: list[Any] = []
    lock = threading.Lock()

    def fetch(path: str) -> None:
        r = server.get(path)
        with lock:
            answers.append((path, r))

    private_redis.pause()
    try:
        threads = [threading.Thread(target=fetch, args=(p,)) for p in paths]
        for t in threads:
            t.start()
        for t in threads:
            t.join(CLIENT_TIMEOUT + 2)
    finally:
        private_redis.resume()
    assert len(answers) == len(paths), f"{len(paths) - len(answers)} requests got no answer (hung)"
    for path, r in answers:
        assert r.status != 500, (path, r.body)
        if path.startswith("/api/usage") or path.startswith("/api/rooms"):
            assert r.status in (200, 503), (path, r.status, r.body)
        else:
            assert r.status == 200, (path, r.status, r.body)
    print(f"24 at once: slowest {max(r.elapsed for _, r in answers):.2f} s")
    assert poll(lambda: up_value(server) == 1, RECOVER_WITHIN), "no recovery after SIGCONT"
    assert_up(server, ledger)


def test_start_while_redis_is_down(serve: ServerFactory, private_redis: PrivateRedis, prefix: str,
                                   ledgers: Ledgers) -> None:
    """The server starts on a store that is not there yet, and picks it up when it comes."""
    private_redis.kill()
    server = start(serve, private_redis, prefix)
    assert_down(server)
    private_redis.start()
    assert poll(lambda: up_value(server) == 1, RECOVER_WITHIN), "no recovery once Redis started"
    ledger = ledgers(private_redis.url, prefix)
    ledger.admit(APP, "g-1", ALICE)
    assert_up(server, ledger)
    assert server.terminate() == 0


def test_sigterm_during_a_request(serve: ServerFactory, private_redis: PrivateRedis, prefix: str) -> None:
    """SIGTERM while a request waits on a paused Redis: the request is answered (503
    within the timeouts) and the server exits 0 within 5 s."""
    server = start(serve, private_redis, prefix)
    assert server.get(f"/api/usage?appId={APP}").status == 200
    private_redis.pause()
    answers: list[Any] = []
    try:
        worker = threading.Thread(target=lambda: answers.append(server.get(f"/api/usage?appId={APP}")))
        worker.start()
        time.sleep(0.2)   # the request is in flight, waiting on Redis
        signalled = time.monotonic()
        assert server.terminate(timeout=5) == 0
        print(f"SIGTERM: exited after {time.monotonic() - signalled:.2f} s")
        worker.join(CLIENT_TIMEOUT + 1)
    finally:
        private_redis.resume()
    assert len(answers) == 1, "the in-flight request got no answer"
    r = answers[0]
    assert (r.status, r.error_code()) == (503, "LEDGER_UNAVAILABLE"), (r.status, r.body)
