"""Concurrency: 8 threads x 10^4 signatures equal the single-thread results.

sign, verify, issue and short sign_many calls keep the GIL (releasing it costs
more than they gain); long sign_many calls and large session_signature bodies
release it, so those threads really run the core concurrently.
"""

import base64
import hashlib
import hmac
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import List, Tuple

import pytest

import voipsign

from conftest import APP_ID, KEY

N = 10_000
THREADS = 8

Inputs = Tuple[str, str, str, int, str]


def inputs() -> List[Inputs]:
    keys = [base64.b64encode(bytes([i]) * 16).decode() for i in range(64)]
    return [
        (APP_ID, f"room-{i % 97}", f"nonce{i:05d}", 1_559_129_714 + i, keys[i % len(keys)])
        for i in range(N)
    ]


def test_threads_sign_same_as_single_thread() -> None:
    work = inputs()
    expected = [voipsign.sign(*args) for args in work]
    assert len(set(expected)) == N
    barrier = threading.Barrier(THREADS)

    def run(offset: int) -> List[str]:
        barrier.wait()
        # Each thread walks the inputs from a different starting point.
        order = work[offset:] + work[:offset]
        out = [voipsign.sign(*args) for args in order]
        return out[N - offset :] + out[: N - offset]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(run, [t * N // THREADS for t in range(THREADS)]))
    for got in results:
        assert got == expected


@pytest.mark.parametrize("members", [10, 100])
def test_threads_sign_many_same_as_single_thread(members: int) -> None:
    # A room of 10 keeps the GIL; 100 keys release it around the core (see
    # DETACH_MIN_KEYS in src/functions.rs), so those threads overlap for real.
    rooms = [
        (
            APP_ID,
            f"room-{r}",
            f"nonce{r}",
            1_559_129_714 + r,
            [KEY] + [base64.b64encode(bytes([r % 256, m % 256]) * 8).decode() for m in range(members - 1)],
        )
        for r in range(N // members)
    ]
    expected = [voipsign.sign_many(*room) for room in rooms]
    assert all(len(sigs) == members for sigs in expected)
    assert expected[0][0] == voipsign.sign(APP_ID, "room-0", "nonce0", 1_559_129_714, KEY)
    barrier = threading.Barrier(THREADS)

    def run(_: int) -> List[List[str]]:
        barrier.wait()
        return [voipsign.sign_many(*room) for room in rooms]

    with ThreadPoolExecutor(THREADS) as pool:
        for got in pool.map(run, range(THREADS)):
            assert got == expected


def test_threads_large_session_signature() -> None:
    # Bodies of 64 KiB and more are signed with the GIL released.
    bodies = [bytes([i]) * (64 * 1024 + i) for i in range(16)]
    expected = [hmac.new(KEY.encode(), b, hashlib.sha256).hexdigest() for b in bodies]
    barrier = threading.Barrier(THREADS)

    def run(_: int) -> List[str]:
        barrier.wait()
        return [voipsign.session_signature(KEY, b) for b in bodies * 4][: len(bodies)]

    with ThreadPoolExecutor(THREADS) as pool:
        for got in pool.map(run, range(THREADS)):
            assert got == expected


def test_threads_issue_nonces_unique() -> None:
    barrier = threading.Barrier(THREADS)

    def run(_: int) -> List[str]:
        barrier.wait()
        out = []
        for _ in range(1000):
            t = voipsign.issue(APP_ID, "room", KEY)
            assert voipsign.verify(APP_ID, "room", t.nonce_str, t.timestamp, KEY, t.signature)
            out.append(t.nonce_str)
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        nonces = [n for chunk in pool.map(run, range(THREADS)) for n in chunk]
    assert len(set(nonces)) == THREADS * 1000
