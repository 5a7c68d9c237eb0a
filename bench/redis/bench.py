"""Room ledger on Redis: admit+leave cycles per second against the loopback
server, 1 and 8 concurrent clients (processes) on ONE room, voipsign's ledger
(one Lua script per call) against the WATCH/MULTI version a backend developer
writes with redis-py (watch_multi.py).

    python bench/redis/bench.py            (VOIPSIGN_REDIS_URL: the server)

A cycle: admit a member (refused when the room is full) and, when seated, leave.
The room has capacity 4, so 8 clients contend for seats and the full-room check
matters; every admission's reported seat count above capacity is counted as an
over-admission, and an auditor process reads the room every millisecond and
counts every time it sees more than capacity live seats. Writes one JSON object
to $BENCH_JSON (see bench/run.py); BENCH_QUICK=1: a short smoke run.
"""

import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from typing import Any, Dict, List

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import voipsign  # noqa: E402
from watch_multi import RoomFull, WatchMultiLedger  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = 0.4 if QUICK else 4.0
CAPACITY = 4
APP = "wx20afc706a711eefc"
GROUP = "bench-room"


def make(kind: str, url: str, prefix: str):
    if kind == "voipsign":
        # member_daily_openings=0: the WATCH/MULTI idiom has no member limit either.
        return voipsign.Ledger.redis(url, key_prefix=prefix, capacity=CAPACITY, member_daily_openings=0)
    return WatchMultiLedger(redis.Redis.from_url(url), prefix, capacity=CAPACITY)


def client(kind: str, url: str, prefix: str, me: int, start: Any, stop_at: Any, out: Any) -> None:
    ledger = make(kind, url, prefix)
    full = voipsign.RoomFull if kind == "voipsign" else RoomFull
    member = f"openid-{me:03d}"
    lat: List[int] = []
    seated = refused = over = 0
    start.wait()
    deadline = stop_at.value
    while time.time() < deadline:
        t0 = time.perf_counter_ns()
        try:
            a = ledger.admit(APP, GROUP, member)
            n = a.members if kind == "voipsign" else a[0]
            over += n > CAPACITY
            seated += 1
            ledger.leave(APP, GROUP, member)
        except full:
            refused += 1
        lat.append(time.perf_counter_ns() - t0)
    out.put({"cycles": len(lat), "seated": seated, "refused": refused, "over": over,
             "lat": lat[:: max(1, len(lat) // 20000)]})


def auditor(kind: str, url: str, prefix: str, start: Any, stop_at: Any, out: Any) -> None:
    """Reads the room every ms; counts the reads that saw more than capacity."""
    r = redis.Redis.from_url(url)
    ledger = make(kind, url, prefix) if kind == "voipsign" else None
    room = f"{prefix}:room:{APP}:{GROUP}"
    seen = over = 0
    start.wait()
    while time.time() < stop_at.value:
        if ledger is not None:
            n = len(ledger.room(APP, GROUP).members)
        else:
            now = int(time.time() * 1000)
            n = sum(1 for e in r.hgetall(room).values() if int(e) > now)
        seen += 1
        over += n > CAPACITY
        time.sleep(0.001)
    out.put({"reads": seen, "over": over})


def run(kind: str, url: str, clients: int) -> Dict[str, Any]:
    prefix = f"vsbench-{kind}-{clients}-{os.getpid()}-{time.time_ns()}"
    ctx = mp.get_context("fork")
    start = ctx.Barrier(clients + 2)
    stop_at = ctx.Value("d", 0.0)
    out = ctx.Queue()
    audit_out = ctx.Queue()
    procs = [ctx.Process(target=client, args=(kind, url, prefix, i, start, stop_at, out))
             for i in range(clients)]
    procs.append(ctx.Process(target=auditor, args=(kind, url, prefix, start, stop_at, audit_out)))
    for p in procs:
        p.start()
    stop_at.value = time.time() + 0.3 + SECONDS  # set before the barrier opens
    start.wait()
    t0 = time.time()
    parts = [out.get(timeout=120) for _ in range(clients)]
    audit = audit_out.get(timeout=120)
    for p in procs:
        p.join()
    wall = max(time.time() - t0, 1e-9)
    lat = sorted(x for p in parts for x in p["lat"])
    cycles = sum(p["cycles"] for p in parts)
    return {
        "cycles": cycles,
        "cycles_per_s": round(cycles / SECONDS),
        "seated": sum(p["seated"] for p in parts),
        "refused_room_full": sum(p["refused"] for p in parts),
        "p50_us": round(lat[len(lat) // 2] / 1000, 1),
        "p99_us": round(lat[min(len(lat) - 1, len(lat) * 99 // 100)] / 1000, 1),
        "over_admissions": sum(p["over"] for p in parts) + audit["over"],
        "audit_reads": audit["reads"],
        "wall_s": round(wall, 2),
    }


def main() -> int:
    url = os.environ.get("VOIPSIGN_REDIS_URL")
    if not url:
        print("VOIPSIGN_REDIS_URL is not set: eval \"$(tests/redis/servers.sh start)\"", file=sys.stderr)
        return 1
    results: Dict[str, Any] = {"seconds_per_run": SECONDS, "capacity": CAPACITY,
                               "redis_py": redis.__version__, "runs": {}}
    print(f"room ledger on Redis ({url}), one room of capacity {CAPACITY}, {SECONDS} s per run")
    print(f"{'clients':>7} {'implementation':<16} {'cycles/s':>9} {'p50 us':>8} {'p99 us':>8} "
          f"{'seated':>7} {'full':>7} {'over':>5}")
    for clients in (1, 8):
        row: Dict[str, Any] = {}
        for kind in ("voipsign", "watch_multi"):
            r = run(kind, url, clients)
            row[kind] = r
            print(f"{clients:>7} {kind:<16} {r['cycles_per_s']:>9} {r['p50_us']:>8} {r['p99_us']:>8} "
                  f"{r['seated']:>7} {r['refused_room_full']:>7} {r['over_admissions']:>5}")
        row["ratio"] = round(row["voipsign"]["cycles_per_s"] / max(1, row["watch_multi"]["cycles_per_s"]), 2)
        results["runs"][str(clients)] = row
        print(f"{'':>7} ratio voipsign / WATCH-MULTI: {row['ratio']}x")
    results["ratio_1_client"] = results["runs"]["1"]["ratio"]
    results["ratio_8_clients"] = results["runs"]["8"]["ratio"]
    results["over_admissions"] = sum(results["runs"][c][k]["over_admissions"]
                                     for c in ("1", "8") for k in ("voipsign", "watch_multi"))
    path = os.environ.get("BENCH_JSON")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
