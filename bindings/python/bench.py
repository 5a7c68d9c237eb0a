"""Benchmark voipsign against the hand-written Python idiom it replaces.

    python bench.py              # full run (a few seconds)
    BENCH_QUICK=1 python bench.py  # tiny smoke run

The idiom is what a backend developer writes by hand::

    hmac.new(key.encode(), "".join(sorted([app_id, group_id, nonce_str, str(ts)])).encode(),
             hashlib.sha256).hexdigest()

Each figure is the median of several timeit repeats of a plain loop (the
statement is inlined by timeit: no lambda or helper call is counted), after a
warm-up (the calibration runs), in nanoseconds of process CPU time per
operation, so that other processes on a busy machine disturb it less than
wall-clock time; min and max of the repeats give the spread. Targets (issue 12):
sign >= 4.5x faster than the idiom, sign_many of 10 keys >= 6x faster than 10
idiom calls.

The room ledger (issue 13): ``ledger admit+leave`` is one pair of calls on the
memory store, a guest joining and leaving a live room where a host stays seated,
at an explicit ``now_ms`` (so no lease ends while it runs); written to
BENCH_JSON as ``ledger_pair_ns``.

With BENCH_JSON=path it also writes the figures as one JSON object (the keys of
bench/c/bench.c), for `make -C bench all`.
"""

import base64
import hashlib
import hmac
import json
import os
import platform
import sys
import time
import statistics
import timeit
from typing import Dict, List, Tuple

import voipsign

APP_ID = "wx20afc706a711eefc"
GROUP_ID = "1559129713_672975982"
NONCE = "8AP6DT9ybtniUJfb"
TS = 1559129714
KEY = "gDyVgzwa0mFz9uUP7M6GQQ=="
DOC_SIGNATURE = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"
# Ten members of one room (valid code2Session-shaped keys).
KEYS = [KEY] + [
    base64.b64encode(bytes([i] * 16)).decode() for i in range(1, 10)
]

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
REPEAT = 3 if QUICK else 15
TARGET_NS = 2_000 if QUICK else 60_000_000  # CPU time aimed at per repeat
TIMER = time.process_time


def idiom(app_id: str, group_id: str, nonce_str: str, ts: int, key: str) -> str:
    """The hand-written version (for the correctness check only)."""
    return hmac.new(
        key.encode(),
        "".join(sorted([app_id, group_id, nonce_str, str(ts)])).encode(),
        hashlib.sha256,
    ).hexdigest()


NAMESPACE: Dict[str, object] = {
    "hmac": hmac,
    "hashlib": hashlib,
    "voipsign": voipsign,
    "app_id": APP_ID,
    "group_id": GROUP_ID,
    "nonce_str": NONCE,
    "ts": TS,
    "key": KEY,
    "keys": KEYS,
    "sig": DOC_SIGNATURE,
    "body": b'{"foo":"bar"}',
    "ledger": voipsign.Ledger.memory(),
    "now_ms": TS * 1000,
}
LEDGER_LABEL = "ledger admit+leave (memory)"

# (label, statement)
CASES: List[Tuple[str, str]] = [
    (
        "idiom: hmac.new(...).hexdigest()",
        'hmac.new(key.encode(), "".join(sorted([app_id, group_id, nonce_str, str(ts)]))'
        ".encode(), hashlib.sha256).hexdigest()",
    ),
    ("voipsign.sign", "voipsign.sign(app_id, group_id, nonce_str, ts, key)"),
    (
        "voipsign.sign (keywords)",
        "voipsign.sign(app_id=app_id, group_id=group_id, nonce_str=nonce_str,"
        " timestamp=ts, session_key=key)",
    ),
    ("voipsign.verify", "voipsign.verify(app_id, group_id, nonce_str, ts, key, sig)"),
    ("voipsign.canonical", "voipsign.canonical(app_id, group_id, nonce_str, ts)"),
    ("voipsign.session_signature", "voipsign.session_signature(key, body)"),
    ("voipsign.issue", "voipsign.issue(app_id, group_id, key)"),
    ("voipsign.issue(...).to_dict()", "voipsign.issue(app_id, group_id, key).to_dict()"),
    (
        "idiom x 10 keys",
        '[hmac.new(k.encode(), "".join(sorted([app_id, group_id, nonce_str, str(ts)]))'
        ".encode(), hashlib.sha256).hexdigest() for k in keys]",
    ),
    ("voipsign.sign_many(10 keys)", "voipsign.sign_many(app_id, group_id, nonce_str, ts, keys)"),
    (
        LEDGER_LABEL,
        'ledger.admit(app_id, group_id, "guest", now_ms=now_ms); '
        'ledger.leave(app_id, group_id, "guest", now_ms=now_ms)',
    ),
]


def measure(stmt: str) -> List[float]:
    """Nanoseconds per execution of ``stmt`` in each of REPEAT repeats, after a warm-up."""
    timer = timeit.Timer(stmt, timer=TIMER, globals=NAMESPACE)
    # Calibrate the loop count so one repeat lasts about TARGET_NS.
    number, elapsed = 1, 0.0
    while True:
        elapsed = timer.timeit(number)
        if elapsed * 1e9 >= TARGET_NS / 10 or QUICK and number >= 20:
            break
        number *= 4
    number = max(1, int(number * TARGET_NS / max(elapsed * 1e9, 1.0)))
    if QUICK:
        number = min(number, 50)
    return [t / number * 1e9 for t in timer.repeat(repeat=REPEAT, number=number)]


def check() -> None:
    """The idiom and voipsign must both reproduce the documentation's example."""
    got = idiom(APP_ID, GROUP_ID, NONCE, TS, KEY)
    if got != DOC_SIGNATURE:
        sys.exit(f"idiom gives {got}, the documentation says {DOC_SIGNATURE}")
    got = voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY)
    if got != DOC_SIGNATURE:
        sys.exit(f"voipsign.sign gives {got}, the documentation says {DOC_SIGNATURE}")
    many = voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, KEYS)
    if many != [idiom(APP_ID, GROUP_ID, NONCE, TS, k) for k in KEYS]:
        sys.exit("voipsign.sign_many differs from the idiom")
    # The ledger pair: the host keeps the room live, the guest joins and leaves.
    ledger, now = NAMESPACE["ledger"], NAMESPACE["now_ms"]
    assert isinstance(ledger, voipsign.Ledger) and isinstance(now, int)
    ledger.admit(APP_ID, GROUP_ID, "host", now_ms=now)
    guest = ledger.admit(APP_ID, GROUP_ID, "guest", now_ms=now)
    if guest.opened or guest.members != 2 or not ledger.leave(APP_ID, GROUP_ID, "guest", now_ms=now):
        sys.exit(f"the ledger pair is not a join and a leave of a live room: {guest!r}")


def main() -> None:
    check()
    print(
        f"voipsign {voipsign.__version__} | {platform.python_implementation()} "
        f"{platform.python_version()} | {platform.machine()}"
        + (" | BENCH_QUICK (numbers are not meaningful)" if QUICK else "")
    )
    print("idiom reproduces the documentation example: ok")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        print(f"load average (1 min): {load:.2f} on {os.cpu_count()} CPUs")
    results: Dict[str, float] = {}
    spread: Dict[str, Tuple[float, float]] = {}
    width = max(len(label) for label, _ in CASES)
    print(f"\n{'operation':<{width}}  {'ns/op':>10}  {'min':>10}  {'max':>10}  {'vs idiom':>9}")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 10}  {'-' * 10}  {'-' * 9}")
    for label, stmt in CASES:
        runs = measure(stmt)
        ns = results[label] = statistics.median(runs)
        spread[label] = (min(runs), max(runs))
        base = results.get(
            "idiom x 10 keys" if "10" in label else "idiom: hmac.new(...).hexdigest()"
        )
        ratio = f"{base / ns:8.1f}x" if base and label.startswith("voipsign.") else ""
        print(f"{label:<{width}}  {ns:>10,.0f}  {min(runs):>10,.0f}  {max(runs):>10,.0f}  {ratio:>9}")
    print(f"(median of {REPEAT} repeats, process CPU time; min and max of the repeats)")

    one = results["idiom: hmac.new(...).hexdigest()"] / results["voipsign.sign"]
    ten = results["idiom x 10 keys"] / results["voipsign.sign_many(10 keys)"]
    print(f"\nsign vs idiom:              {one:5.1f}x (target >= 4.5x: {verdict(one, 4.5)})")
    print(f"sign_many(10) vs 10 idioms: {ten:5.1f}x (target >= 6x: {verdict(ten, 6)})")
    print(f"ledger admit+leave pair:    {results[LEDGER_LABEL]:5,.0f} ns (memory store)")

    path = os.environ.get("BENCH_JSON")
    if path:
        idiom_label, sign_label = "idiom: hmac.new(...).hexdigest()", "voipsign.sign"
        many = results["voipsign.sign_many(10 keys)"]
        record = {
            "language": "Python",
            "idiom": 'hmac.new(key.encode(), "".join(sorted([...])).encode(), hashlib.sha256)'
            ".hexdigest()",
            "idiom_ns": results[idiom_label],
            "idiom_min": spread[idiom_label][0],
            "idiom_max": spread[idiom_label][1],
            "voipsign_ns": results[sign_label],
            "voipsign_min": spread[sign_label][0],
            "voipsign_max": spread[sign_label][1],
            "ratio": one,
            "idiom10_ns": results["idiom x 10 keys"],
            "sign_many10_ns": many,
            "sign_many_per_member_ns": many / 10,
            "sign_many_ratio": ten,
            "sign_keywords_ns": results["voipsign.sign (keywords)"],
            "ledger_pair_ns": results[LEDGER_LABEL],
            "ledger_pair_min": spread[LEDGER_LABEL][0],
            "ledger_pair_max": spread[LEDGER_LABEL][1],
            "repeats": REPEAT,
            "clock": "process CPU time",
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "voipsign_version": voipsign.__version__,
            "quick": QUICK,
        }
        with open(path, "w", encoding="utf-8") as f:
            json.dump(record, f)
            f.write("\n")


def verdict(ratio: float, target: float) -> str:
    return "met" if ratio >= target else "MISSED"


if __name__ == "__main__":
    main()
