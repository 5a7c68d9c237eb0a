"""``voipsign.Ledger.redis`` against real servers (tests/redis/servers.sh; ``make
test`` starts them and sets VOIPSIGN_REDIS_REQUIRED=1; without them these tests
skip, saying why):

- every scenario of tests/vectors/rooms.json on one server, on a 3-master
  cluster and through Redis Sentinel with min_replica_acks=2 (explicit times, a
  key prefix of its own per scenario);
- the race: 4 processes (spawned) x 8 threads admit 64 distinct members into one
  room at once, 100 rounds, everyone leaving between rounds;
- faults, on a private redis-server: SCRIPT FLUSH mid-run, the server killed
  (``allow``: degraded, ``refuse``: LedgerUnavailable, within about twice the
  timeout) and restarted (the same ledger works again), the server paused past
  the timeout, a client process paused past it;
- calls release the GIL: a thread running Python makes progress while another's
  call waits on a paused server;
- a forked child opens its own connections;
- passwords never show (str, repr, args, traceback of every error; the ledger's
  repr).

The arguments, which need no server, are test_redis_args.py.
"""

import multiprocessing
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import voipsign
from voipsign import Ledger

import redis_race
from redis_servers import PrivateRedis, cli, server_url, unique_prefix
from test_rooms import SCENARIOS, run_scenario

HERE = Path(__file__).resolve().parent
APP = "wx20afc706a711eefc"
#: Slack on top of "about twice the timeout" for this shared, busy machine.
SLACK_S = 0.2
#: Timeouts for the tests that are not about timeouts: the servers are shared
#: with other suites and the machine is busy.
PATIENT: Dict[str, Any] = dict(connect_timeout_ms=5000, command_timeout_ms=5000)


def within(timeout_ms: int) -> float:
    """The longest a call may take when the server is down or paused: a fresh
    connection may spend the connect timeout, then the command timeout."""
    return 2 * timeout_ms / 1000 + SLACK_S


@pytest.fixture
def private() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    try:
        yield server
    finally:
        server.close()


def timed(call: Callable[[], Any]) -> Tuple[Any, float]:
    t = time.monotonic()
    try:
        result: Any = call()
    except voipsign.VoipSignError as e:
        result = e
    return result, time.monotonic() - t


# --- the scenario table -------------------------------------------------------------

STORES = {"server": "VOIPSIGN_REDIS_URL", "cluster": "VOIPSIGN_REDIS_CLUSTER_URL"}
#: The table also runs through Redis Sentinel (a master and two replicas), each
#: write acknowledged by both replicas: min_replica_acks changes no answer.
TABLE_STORES = dict(STORES, sentinel="VOIPSIGN_REDIS_SENTINEL_URL")
REPLICA_ACKS = {"sentinel": 2}


@pytest.mark.parametrize("store", list(TABLE_STORES))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(store: str, scenario: Dict[str, Any]) -> None:
    url = server_url(TABLE_STORES[store])
    prefix = unique_prefix(scenario["name"])
    acks = REPLICA_ACKS.get(store, 0)

    def make(**rules: Any) -> Ledger:
        # Patient timeouts: the faults below test the timeouts.
        return Ledger.redis(url, key_prefix=prefix, min_replica_acks=acks, **PATIENT, **rules)

    run_scenario(scenario, make)


# --- the race -------------------------------------------------------------------------

PROCESSES, THREADS, ROUNDS, CAPACITY = 4, 8, 100, 10


@pytest.mark.parametrize("store", list(STORES))
def test_racing_processes_never_overfill_a_room(store: str) -> None:
    url = server_url(STORES[store])
    prefix = unique_prefix(f"race{store}")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES * THREADS)
    results: Any = ctx.Queue()
    procs = [
        ctx.Process(
            target=redis_race.race_worker,
            args=(url, prefix, p, THREADS, ROUNDS, CAPACITY, barrier, results),
        )
        for p in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    got: List[Any] = []
    try:
        while len(got) < PROCESSES:
            try:
                got.append(results.get(timeout=5))
            except queue.Empty:
                dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
                assert not dead, f"a race process died: exit codes {dead}"
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():  # pragma: no cover - a stuck race
                p.kill()
    errors = [e for _, _, _, errs in got for e in errs]
    assert not errors, "\n".join(errors[:5])
    seated = [sum(counts[r][0] for _, counts, _, _ in got) for r in range(ROUNDS)]
    opened = [sum(counts[r][1] for _, counts, _, _ in got) for r in range(ROUNDS)]
    sizes = [s for _, _, room_sizes, _ in got for s in room_sizes]
    assert seated == [CAPACITY] * ROUNDS, f"successes per round: {seated}"
    assert opened == [1] * ROUNDS, f"openings per round: {opened}"
    assert sizes == [CAPACITY] * ROUNDS, f"seats after each round: {sizes}"
    lg = Ledger.redis(url, key_prefix=prefix, **PATIENT)
    # The day counters are the sum of what the clients were told: each round
    # 64 admits, CAPACITY seated (one opening), the others refused as full,
    # every seat left.
    counted: Dict[str, Any] = dict(lg.usage(redis_race.APP).to_dict())
    attempts = PROCESSES * THREADS * 2 * ROUNDS
    told = {"openings": ROUNDS, "admissions": sum(seated), "renewals": 0,
            "refusedRoomFull": attempts - sum(seated), "refusedDailyLimit": 0,
            "refusedMemberLimit": 0, "leaves": sum(seated), "expired": 0,
            "peakSeats": CAPACITY, "liveRooms": 0, "liveSeats": 0}
    assert {k: counted[k] for k in told} == told, "counted exactly"
    assert lg.room(redis_race.APP, redis_race.ROOM).members == ()
    assert lg.rooms(redis_race.APP).rooms == ()


# --- lifecycle --------------------------------------------------------------------------


@pytest.mark.parametrize("store", list(STORES))
def test_a_ledger_in_a_with_block(store: str) -> None:
    url = server_url(STORES[store])
    prefix = unique_prefix(f"with{store}")
    with Ledger.redis(url, key_prefix=prefix, capacity=1, **PATIENT) as lg:
        assert lg.admit(APP, "g", "a").opened
        with pytest.raises(voipsign.RoomFull):
            lg.admit(APP, "g", "b")
    assert lg.closed and repr(lg).startswith("<closed Ledger.redis(")
    with pytest.raises(voipsign.LedgerClosed):
        lg.room(APP, "g")
    # The data stays on the server: another ledger sees the seat.
    with Ledger.redis(url, key_prefix=prefix, **PATIENT) as again:
        assert [s.member_id for s in again.room(APP, "g").members] == ["a"]


def test_an_outage_is_an_oserror(private: PrivateRedis) -> None:
    lg = Ledger.redis(private.url, on_unavailable="refuse", **PATIENT)
    private.kill()
    with pytest.raises(OSError) as info:
        lg.admit(APP, "g", "m")
    assert type(info.value) is voipsign.LedgerUnavailable and info.value.kind == "outage"
    assert not isinstance(info.value, ValueError)


# --- faults -----------------------------------------------------------------------------


def test_a_flushed_script_cache_is_reloaded(private: PrivateRedis) -> None:
    """SCRIPT FLUSH five times, 20 ms apart, while 4 threads admit and read
    rooms: every call answers as if nothing happened. (Two flushes closer
    together than a reload's round trip can still fail a call with
    LedgerUnavailable NOSCRIPT: the client library, redis-rs's
    ScriptInvocation::invoke, reloads a script once per call.)"""
    lg = Ledger.redis(private.url, on_unavailable="refuse", **PATIENT)
    stop = threading.Event()
    calls = [0] * 4
    failures: List[BaseException] = []

    def worker(t: int) -> None:
        try:
            while not stop.is_set() or calls[t] < 40:
                i = calls[t]
                try:
                    a = lg.admit(APP, f"g{t}", f"m{i % 50}")
                    assert a.members <= 10 and not a.degraded, a
                except voipsign.RoomFull:
                    pass
                assert len(lg.room(APP, f"g{t}").members) == min(i + 1, 10)
                calls[t] += 1
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for _ in range(5):
        time.sleep(0.02)
        assert "OK" in private.cli("script", "flush")
    stop.set()
    for th in threads:
        th.join()
    assert not failures, failures
    assert all(n >= 40 for n in calls), calls
    for t in range(4):
        assert len(lg.room(APP, f"g{t}").members) == 10
    assert "OK" in private.cli("script", "flush")
    assert lg.admit(APP, "g0", "m0").renewed


def test_a_killed_server_then_restarted(private: PrivateRedis) -> None:
    allow = Ledger.redis(private.url)
    refuse = Ledger.redis(private.url, on_unavailable="refuse")
    assert allow.admit(APP, "g", "m1").opened
    assert refuse.room(APP, "g").live
    private.kill()
    limit = within(250)
    for _ in range(3):
        a, t = timed(lambda: allow.admit(APP, "g", "m2"))
        assert type(a) is voipsign.Admission and t < limit, (a, t)
        assert a.degraded and not a.opened and a.members == 0 and a.generation == 0, a
        e, t = timed(lambda: refuse.admit(APP, "g", "m2"))
        assert type(e) is voipsign.LedgerUnavailable and t < limit, (e, t)
        assert e.code == "LEDGER_UNAVAILABLE" and f"127.0.0.1:{private.port}" in str(e), e
        ticket, t = timed(lambda: allow.admit_and_issue(APP, "g", "m2", "gDyVgzwa0mFz9uUP7M6GQQ=="))
        assert type(ticket) is tuple and ticket[0].degraded and t < limit, (ticket, t)
        # heartbeat under allow: a lease; every other operation reports the outage.
        lease, t = timed(lambda: allow.heartbeat(APP, "g", "m1"))
        assert type(lease) is int and t < limit, (lease, t)
        others: List[Tuple[Ledger, Callable[[Ledger], Any]]] = [
            (refuse, lambda lg: lg.heartbeat(APP, "g", "m1")),
            (allow, lambda lg: lg.leave(APP, "g", "m1")),
            (allow, lambda lg: lg.room(APP, "g")),
            (allow, lambda lg: lg.sync(APP, "g", ["m1"])),
            (allow, lambda lg: lg.usage(APP)),
            (allow, lambda lg: lg.rooms(APP)),
            (refuse, lambda lg: lg.admit_and_issue(APP, "g", "m1", "gDyVgzwa0mFz9uUP7M6GQQ==")),
        ]
        for lg, op in others:
            e, t = timed(lambda: op(lg))
            assert type(e) is voipsign.LedgerUnavailable and t < limit, (e, t)
    private.start()
    # The same ledger objects work again: their dead connections are replaced.
    a = allow.admit(APP, "g", "m3")
    assert a.opened and not a.degraded and a.generation == 1, a
    assert [s.member_id for s in refuse.room(APP, "g").members] == ["m3"]
    assert refuse.admit(APP, "g", "m4").members == 2


@pytest.mark.parametrize("policy", ["allow", "refuse"])
def test_a_paused_server_times_out(private: PrivateRedis, policy: voipsign.OnUnavailable) -> None:
    timeout = 200
    lg = Ledger.redis(private.url, connect_timeout_ms=timeout, command_timeout_ms=timeout,
                      on_unavailable=policy)
    assert lg.admit(APP, "g", "m1").opened
    private.pause(True)
    try:
        for call in range(2):  # a reused connection, then a fresh one (handshake)
            a, t = timed(lambda: lg.admit(APP, "g", "m2"))
            assert 0.15 <= t < within(timeout), (call, t)
            if policy == "allow":
                assert type(a) is voipsign.Admission and a.degraded, a
            else:
                assert type(a) is voipsign.LedgerUnavailable, a
                assert f"127.0.0.1:{private.port}" in str(a), a
            e, t = timed(lambda: lg.room(APP, "g"))
            assert type(e) is voipsign.LedgerUnavailable and t < within(timeout), (e, t)
    finally:
        private.pause(False)
    # The replies that came late are never read as a later call's.
    room = lg.room(APP, "g")
    assert room.members[0].member_id == "m1" and len(room.members) <= 2, room
    a = lg.admit(APP, "g", "m3")
    assert not a.degraded and a.members == len(room.members) + 1, a
    assert [s.member_id for s in lg.room(APP, "g").members][-1] == "m3"


def test_a_client_paused_past_the_timeout(private: PrivateRedis) -> None:
    """A backend process stopped (SIGSTOP) for longer than its timeouts, three
    times in the middle of its calls: it never crashes, never answers wrong (no
    reply read into another call) and goes on working."""
    env = dict(os.environ, PYTHONPATH=str(HERE))
    code = "import redis_race, sys; redis_race.paused_client(sys.argv[1], sys.argv[2], 300)"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, private.url, unique_prefix("paused")],
        cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for _ in range(3):
            time.sleep(0.05)
            os.kill(proc.pid, signal.SIGSTOP)
            time.sleep(0.6)  # past the 250 ms timeouts
            os.kill(proc.pid, signal.SIGCONT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # pragma: no cover - a stuck client
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    match = re.fullmatch(r"done 300 pairs, (\d+) unavailable, (\d+) retried\n", out)
    assert match, out + err
    unavailable, retried = int(match.group(1)), int(match.group(2))
    # Each pause fails at most the call it caught; a few more may time out on a
    # busy machine (250 ms timeouts).
    assert unavailable <= 20, err
    # A read interrupted by the stop (EINTR) fails its call; the core never runs
    # a call again whose script may have run (core/src/rooms/redis/pool.rs).
    assert retried == 0, err


# --- the GIL --------------------------------------------------------------------------


def test_calls_release_the_gil_while_they_wait(private: PrivateRedis) -> None:
    lg = Ledger.redis(private.url, command_timeout_ms=1500, connect_timeout_ms=1500,
                      on_unavailable="refuse")
    lg.room(APP, "g")  # a connection is open and idle
    outcome: Dict[str, Any] = {}
    started = threading.Event()

    def blocked() -> None:
        started.set()
        outcome["result"], outcome["took"] = timed(lambda: lg.admit(APP, "g", "m1"))

    private.pause(True)
    try:
        waiter = threading.Thread(target=blocked)
        waiter.start()
        started.wait()
        time.sleep(0.2)  # the call is under way, waiting on the paused server
        # Pure Python work: it could not run at all if the waiting call held the GIL.
        count, t0 = 0, time.monotonic()
        while time.monotonic() - t0 < 0.5:
            count += 1
        still_waiting = waiter.is_alive()
        waiter.join()
    finally:
        private.pause(False)
    assert still_waiting, "the ledger call returned before the Python loop ran: GIL held?"
    assert count > 1000, count
    assert type(outcome["result"]) is voipsign.LedgerUnavailable, outcome
    assert 1.2 < outcome["took"] < within(1500), outcome


# --- fork ---------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_opens_its_own_connections(private: PrivateRedis) -> None:
    lg = Ledger.redis(private.url, **PATIENT)
    assert lg.admit(APP, "g", "parent").opened  # its connection is now idle in the pool

    def ledger_clients() -> int:
        return sum("cmd=client" not in line for line in private.cli("client", "list").splitlines())

    assert ledger_clients() == 1
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        status = 1
        try:
            os.close(read)
            a = lg.admit(APP, "g", "child")
            b = lg.admit(APP, "g", "child")
            os.write(write, f"{a.members} {b.renewed} {ledger_clients()}".encode())
            status = 0
        except BaseException:
            os.write(write, traceback.format_exc().encode())
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as f:
        said = f.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, said
    # The child saw the parent's seat, through a connection of its own.
    assert said == "2 True 2", said
    # The parent's connection is intact (and the child's is gone with it).
    assert [s.member_id for s in lg.room(APP, "g").members] == ["child", "parent"]
    assert lg.admit(APP, "g", "parent").renewed
    deadline = time.monotonic() + 5
    while ledger_clients() != 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ledger_clients() == 1


# --- passwords --------------------------------------------------------------------------------


def texts_of(e: BaseException) -> List[str]:
    return [str(e), repr(e), repr(e.args), "".join(traceback.format_exception(e))]


def test_passwords_never_show() -> None:
    url = server_url("VOIPSIGN_REDIS_PASSWORD_URL")
    password = os.environ["VOIPSIGN_REDIS_PASSWORD"]
    prefix = unique_prefix("pw")
    lg = Ledger.redis(url, key_prefix=prefix, **PATIENT)
    assert lg.admit(APP, "g", "m1").opened  # the right password works
    assert password not in repr(lg) and password not in str(lg)
    port = url.rsplit(":", 1)[1]
    wrong = url.replace(password, "not-the-password-x1")
    missing = url.replace(f":{password}@", "")
    dead = f"redis://:{password}@127.0.0.1:1"
    user = f"redis://default:{password}x@127.0.0.1:{port}"
    for bad in (wrong, missing, dead, user):
        refuse = Ledger.redis(bad, key_prefix=prefix, on_unavailable="refuse")
        with pytest.raises(voipsign.LedgerUnavailable) as info:
            refuse.admit(APP, "g", "m2")
        assert "127.0.0.1" in str(info.value)
        allow = Ledger.redis(bad, key_prefix=prefix)
        assert allow.admit(APP, "g", "m2").degraded
        with pytest.raises(voipsign.LedgerUnavailable) as info2:
            allow.room(APP, "g")
        for text in texts_of(info.value) + texts_of(info2.value) + [repr(refuse), repr(allow)]:
            assert password not in text and "not-the-password" not in text, text
    for bad in (
        f"redis://:{password}@127.0.0.1:notaport",
        f"http://:{password}@127.0.0.1",
        f"redis://:{password}@h1:1,h2:2",
        f"redis+cluster://:{password}@h1:1/2",
        f"redis://:{password}@",
    ):
        with pytest.raises(voipsign.InvalidRedisUrl) as bad_url:
            Ledger.redis(bad)
        for text in texts_of(bad_url.value):
            assert password not in text, text


def test_an_encoded_password_never_shows() -> None:
    password = "p@ss:w%rd-Zq9"
    server = PrivateRedis("--requirepass", password)
    try:
        encoded = "p%40ss%3Aw%25rd-Zq9"
        lg = Ledger.redis(f"redis://:{encoded}@127.0.0.1:{server.port}", on_unavailable="refuse")
        assert lg.admit(APP, "g", "m").opened  # decoded and accepted by the server
        # The admission's keys (the room, its indexes, the day counters) are there.
        assert int(cli(server.port, "dbsize", password=password)) > 0
        for bad in (f"redis://:{encoded}x@127.0.0.1:{server.port}",
                    f"redis://:{encoded}@127.0.0.1:1"):
            lg = Ledger.redis(bad, on_unavailable="refuse")
            with pytest.raises(voipsign.LedgerUnavailable) as info:
                lg.admit(APP, "g", "m")
            for text in texts_of(info.value) + [repr(lg)]:
                for secret in (password, encoded, "p@ss", "w%rd", "%40ss"):
                    assert secret not in text, text
    finally:
        server.close()
