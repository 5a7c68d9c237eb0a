"""What the processes of test_redis.py run (imported by ``spawn`` children:
no pytest here).

- :func:`race_worker`: one backend process of the race, with ``threads``
  threads on one ``Ledger.redis``; each round every thread admits its two
  members into the same room, the room is checked, and everyone seated leaves.
- :func:`paused_client`: a client that the test SIGSTOPs past its timeouts and
  that must go on with right answers.

Not collected by pytest (no ``test_`` prefix).
"""

import sys
import threading
import traceback
from typing import Any, List, Tuple

import voipsign

APP = "wx20afc706a711eefc"
ROOM = "race-room"
#: How long a barrier waits for the others before the race is declared stuck.
BARRIER_TIMEOUT_S = 120.0

#: Per round: (members seated, rooms opened) by this process's threads.
RoundCounts = List[List[int]]


def race_worker(
    url: str,
    prefix: str,
    process: int,
    threads: int,
    rounds: int,
    capacity: int,
    barrier: Any,
    results: Any,
) -> None:
    """Put ``(process, counts, room_sizes, errors)`` on ``results``; ``room_sizes``
    holds the room's seats after each round (measured by the thread 0 of process 0
    only, else empty)."""
    counts: RoundCounts = [[0, 0] for _ in range(rounds)]
    room_sizes: List[int] = []
    errors: List[str] = []
    lock = threading.Lock()
    try:
        # Generous timeouts: the race tests atomicity, on a shared server and 2
        # busy cores where 32 threads may wait longer than 250 ms for a turn
        # (test_redis.py tests the timeouts on private servers).
        ledger = voipsign.Ledger.redis(url, key_prefix=prefix, capacity=capacity,
                                       connect_timeout_ms=5000, command_timeout_ms=5000)
    except BaseException:
        barrier.abort()
        results.put((process, counts, room_sizes, [traceback.format_exc()]))
        return

    def run(thread: int) -> None:
        me = process * threads + thread
        members = [f"m{me * 2 + j}" for j in range(2)]
        try:
            for r in range(rounds):
                barrier.wait(BARRIER_TIMEOUT_S)
                seated: List[Tuple[str, bool]] = []
                for m in members:
                    try:
                        a = ledger.admit(APP, ROOM, m)
                    except voipsign.RoomFull:
                        continue
                    if a.members > capacity or a.degraded or a.renewed:
                        errors.append(f"round {r}: {m}: {a!r}")
                    seated.append((m, a.opened))
                with lock:
                    counts[r][0] += len(seated)
                    counts[r][1] += sum(opened for _, opened in seated)
                barrier.wait(BARRIER_TIMEOUT_S)
                if me == 0:
                    room_sizes.append(len(ledger.room(APP, ROOM).members))
                barrier.wait(BARRIER_TIMEOUT_S)
                for m, _ in seated:
                    if not ledger.leave(APP, ROOM, m):
                        errors.append(f"round {r}: {m} had no seat to leave")
        except BaseException:
            errors.append(f"process {process} thread {thread}:\n{traceback.format_exc()}")
            barrier.abort()

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    results.put((process, counts, room_sizes, errors))


def paused_client(url: str, prefix: str, pairs: int) -> None:
    """``pairs`` times, in a room of its own: admit a member, read the room, leave,
    read it again, each answer checked. Prints ``ready`` first (the test then
    SIGSTOPs this process past the timeouts), and at the end ``done PAIRS pairs,
    U unavailable, R retried``.

    A call may fail with LedgerUnavailable (``refuse``) around a pause. A
    *retried* answer is one the core gave after running the script a second
    time because the first reply was lost (an admit that reports ``renewed``
    instead of ``opened``, a leave that reports ``False`` for the seat it
    removed): counted, not a failure here. Any other wrong answer (a member of
    another room, a count off) prints the traceback and exits with status 1."""
    ledger = voipsign.Ledger.redis(url, key_prefix=prefix, on_unavailable="refuse")
    print("ready", flush=True)
    unavailable = retried = 0
    for i in range(pairs):
        room_id, m = f"paused-{i}", f"p{i}"
        step = "admit"
        try:
            a = ledger.admit(APP, room_id, m)
            assert a.members == 1 and not a.degraded and a.generation == 1, a
            if not a.opened:
                assert a.renewed and a.rooms_today <= i + 1, a
                print(f"pair {i}: admit retried: {a!r}", file=sys.stderr, flush=True)
                retried += 1
            step = "room"
            room = ledger.room(APP, room_id)
            assert [s.member_id for s in room.members] == [m], room
            step = "leave"
            removed = ledger.leave(APP, room_id, m)
            step = "room after leave"
            after = ledger.room(APP, room_id)
            assert after.members == () and after.generation == 1, after
            if removed is not True:
                print(f"pair {i}: leave retried: {removed!r}", file=sys.stderr, flush=True)
                retried += 1
        except voipsign.LedgerUnavailable as e:
            print(f"pair {i}: {step}: {e}", file=sys.stderr, flush=True)
            unavailable += 1
        except AssertionError:
            print(f"pair {i}: {step}: wrong answer", file=sys.stderr, flush=True)
            traceback.print_exc()
            sys.exit(1)
    # Each pair opened its room once at most: a retried admit is never charged twice.
    rooms = ledger.usage(APP).openings
    if not pairs - unavailable <= rooms <= pairs:
        print(f"{rooms} rooms counted for {pairs} pairs, {unavailable} unavailable", file=sys.stderr)
        sys.exit(1)
    print(f"done {pairs} pairs, {unavailable} unavailable, {retried} retried", flush=True)
