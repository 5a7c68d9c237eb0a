#!/usr/bin/env python3
"""What `voipsign rooms serve` costs the backends sharing its Redis (issue 24).

8 clients admit and leave on one Redis ledger (bench/serve, release) for
--seconds, alternately while the server's /metrics and /api/usage are fetched
at 50 requests/s (half each) and while the server is idle, --rounds times each,
in one run. Prints the median pairs/s of both and the slowdown; writes
build/bench-serve/results.json. The target: a slowdown of at most 5 %.

    python3 bench/serve/run.py [--rounds N] [--seconds S] [--quick]

Needs $VOIPSIGN_REDIS_URL (tests/redis/servers.sh start); builds the release
binaries. --quick: one short round of each on the development builds (a smoke
run: the code cannot rot).
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build", "bench-serve")
APP = "wx20afc706a711eefc"
RATE = 50  # requests per second, /metrics and /api/usage alternately


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base, server):
    for _ in range(200):
        if server.poll() is not None:
            sys.exit(f"rooms serve exited: {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/status", timeout=2) as r:
                if json.load(r)["ledgerUp"]:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("rooms serve did not come up")


class Load:
    """Fetch /metrics and /api/usage at RATE per second until stopped."""

    def __init__(self, base):
        self.base, self.stop, self.done, self.failed = base, threading.Event(), 0, 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        paths = ["/metrics", f"/api/usage?appId={APP}"]
        start, i = time.monotonic(), 0
        while not self.stop.is_set():
            due = start + i / RATE
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                with urllib.request.urlopen(self.base + paths[i % 2], timeout=5) as r:
                    r.read()
                    self.done += 1
            except OSError:
                self.failed += 1
            i += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def clients(binary, prefix, seconds):
    out = subprocess.run([binary, "--prefix", prefix, "--seconds", str(seconds)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["pairs_per_second"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.rounds, a.seconds = 1, 0.5
    if not os.environ.get("VOIPSIGN_REDIS_URL"):
        sys.exit("bench/serve: VOIPSIGN_REDIS_URL is unset (tests/redis/servers.sh start)")
    # The smoke run uses the development builds (no release build in `make test`).
    profile = "debug" if a.quick else "release"
    subprocess.run(["cargo", "build", "-q", "-p", "voipsign-bench-serve", "-p", "voipsign-cli"]
                   + ([] if a.quick else ["--release"]), cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", profile, "voipsign-bench-serve")
    voipsign = os.path.join(ROOT, "target", profile, "voipsign")
    prefix = f"bench-serve-{os.getpid()}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [voipsign, "rooms", "serve", "--listen", f"127.0.0.1:{port}",
         "--redis-env", "VOIPSIGN_REDIS_URL", "--key-prefix", prefix, "--app", APP],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    idle, loaded, requests, failed = [], [], 0, 0
    try:
        wait_up(base, server)
        clients(binary, prefix, min(a.seconds, 1.0))  # warm-up: connections, scripts
        for _ in range(a.rounds):
            idle.append(clients(binary, prefix, a.seconds))
            with Load(base) as load:
                loaded.append(clients(binary, prefix, a.seconds))
            requests += load.done
            failed += load.failed
    finally:
        server.terminate()
        server.wait(timeout=10)
    before, after = statistics.median(idle), statistics.median(loaded)
    slowdown = 100.0 * (before - after) / before
    result = {
        "clients": 8, "rounds": a.rounds, "seconds": a.seconds, "rate": RATE,
        "idle_pairs_per_second": round(before, 1), "scraped_pairs_per_second": round(after, 1),
        "slowdown_percent": round(slowdown, 2), "requests": requests, "failed_requests": failed,
        "idle_rounds": idle, "scraped_rounds": loaded, "target_percent": 5.0,
    }
    os.makedirs(BUILD, exist_ok=True)
    with open(os.path.join(BUILD, "results.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(f"8 clients, admit+leave on one Redis: {before:.0f} pairs/s idle, {after:.0f} while "
          f"/metrics and /api/usage are fetched at {RATE}/s ({requests} requests, {failed} failed): "
          f"slowdown {slowdown:+.2f} % (target <= 5 %)")
    if failed:
        sys.exit("bench/serve: requests failed")


if __name__ == "__main__":
    main()
