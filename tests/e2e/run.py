#!/usr/bin/env python3
"""The end-to-end runs of issue 25 (docs/E2E-RUNS.md): `voipsign phones` →
a reference backend (examples/backends/<name>, started by its ./run) →
`voipsign emulator`, on the Redis server of VOIPSIGN_REDIS_URL (memory without
it). Each run starts its own emulator and backend (a fresh key prefix, so runs
and days never share counts), runs the phones, checks what the run must show,
and prints one table of every run. Exit status 1 when a check fails.

    python3 tests/e2e/run.py [--runs a,b1,b2,c,d] [--scale 0.2] [--json-dir DIR]

Python's standard library only; VOIPSIGN_BIN is the voipsign command
(default target/debug/voipsign).
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APP_ID = "wxe2e0000000000001"
APP_SECRET = "e2e-app-secret-" + secrets.token_hex(8)


class Run:
    """One run: its name, what it shows, the phones' options, the emulator's and
    the backend's, and the checks of its report."""

    def __init__(self, name, title, phones, rooms, seconds, phone_args=(), emulator_args=(), backend_env=None,
                 checks=None):
        self.name, self.title = name, title
        self.phones, self.rooms, self.seconds = phones, rooms, seconds
        self.phone_args, self.emulator_args = list(phone_args), list(emulator_args)
        self.backend_env = backend_env or {}
        self.checks = checks or (lambda r, emu: [])


def late(r):
    return sum(r["late_refusals"].values())


def check(cond, what, failures):
    if not cond:
        failures.append(what)


def checks_a(r, emu):
    f = []
    check(r["exit_status"] == 0, "exit status 0 (every invariant held)", f)
    check(r["tickets"] >= r["phones"], "every phone got a ticket at least once", f)
    check(r["invalid_signatures"]["rotated"] + r["invalid_signatures"]["others"] == 0, "0 invalid signatures", f)
    check(late(r) == 0, "0 late refusals", f)
    check(r["false_refusals"] == 0, "0 false refusals", f)
    check(r["rooms_watch"]["max_members"] <= 10, "at most 10 in a room", f)
    check(r["heartbeats"] > 0 and r["syncs"] > 0 and r["leaves"] == r["joined"],
          "heartbeats and syncs answered; every stay left", f)
    return f


def checks_b(r, emu):
    f = []
    check(r["vanished"] > 0, "phones vanished", f)
    check(r["invalid_signatures"]["rotated"] + r["invalid_signatures"]["others"] == 0, "0 invalid signatures", f)
    check(r["rooms_watch"]["over_capacity"] == 0 and r["rooms_watch"]["max_members"] <= 10,
          "never more than the capacity seated", f)
    check(not r["unexpected"] and not r["transport_errors"], "no unexpected answer, no transport error", f)
    return f


def checks_c(r, emu):
    f = []
    check(r["refused"].get("DAILY_ROOM_LIMIT", 0) > 0, "the backend answered DAILY_ROOM_LIMIT", f)
    check(late(r) == 0, "0 late refusals (WeChat never refused first)", f)
    check(r["exit_status"] == 0, "exit status 0", f)
    check(0 < emu["openings_today"] <= 20, "WeChat opened at most its 20 rooms (%s)" % emu["openings_today"], f)
    return f


def checks_d(r, emu):
    f = []
    inv, rot = r["invalid_signatures"], r["rotation"] or {}
    check(inv["others"] == 0, "invalid signatures only for the phones whose key was replaced", f)
    check(rot.get("faults_sent") == rot.get("phones") and rot.get("hit", 0) > 0,
          "the keys were replaced and phones met it (%s)" % rot, f)
    check(r["explain_causes"].get("SESSION_KEY_REPLACED", 0) == inv["rotated"] > 0,
          "each invalid signature explained as SESSION_KEY_REPLACED (%s)" % r["explain_causes"], f)
    check(rot.get("rejoined") == rot.get("hit"), "each such phone in again after a fresh login", f)
    check(r["exit_status"] == 0, "exit status 0", f)
    return f


def runs(scale):
    s = lambda seconds: max(4.0, round(seconds * scale, 1))  # noqa: E731
    quick = ["--stay-ms", "1500:5000", "--pause-ms", "200:1500", "--retry-ms", "200:800"]
    beat = quick + ["--heartbeat-ms", "1000"]
    return {
        "a": Run("a", "60 phones, 8 rooms, no vanishing", 60, 8, s(30), beat, checks=checks_a),
        "b1": Run("b1", "vanish 0.2, backend lease 2 s < WeChat drop 6 s", 50, 4, s(20),
                  quick + ["--vanish-rate", "0.2", "--heartbeat-ms", "700"], ["--drop-after-ms", "6000"],
                  {"VOIPSIGN_LEASE_TTL_MS": "2000", "VOIPSIGN_RESERVE_TTL_MS": "2000"}, checks_b),
        "b2": Run("b2", "vanish 0.2, backend lease 20 s > WeChat drop 2 s", 50, 4, s(20),
                  quick + ["--vanish-rate", "0.2", "--heartbeat-ms", "1000"], ["--drop-after-ms", "2000"],
                  {"VOIPSIGN_LEASE_TTL_MS": "20000", "VOIPSIGN_RESERVE_TTL_MS": "20000"}, checks_b),
        "c": Run("c", "a daily limit of 20 on both sides", 30, 200, s(15), beat, ["--daily-room-limit", "20"],
                 {"VOIPSIGN_DAILY_ROOM_LIMIT": "20"}, checks_c),
        "d": Run("d", "5 phones' session_keys replaced mid-run", 30, 6, s(16),
                 beat + ["--rotate-phones", "5", "--rotate-at-ms", str(int(s(16) * 300))], checks=checks_d),
        # make demo: a short clean run, the phones' own table shown.
        "demo": Run("demo", "30 phones, 4 rooms, no vanishing", 30, 4, 8, beat, checks=checks_a),
    }


class Proc:
    """A child process whose output is read in a thread; `wait_for` a line."""

    def __init__(self, argv, env=None, cwd=None, name=""):
        self.name, self.lines, self.cond = name, [], threading.Condition()
        self.p = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    m = re.search(pattern, line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or self.p.poll() is not None:
                    tail = "\n  ".join(self.lines[-15:])
                    raise RuntimeError("%s did not print %r (exit %s):\n  %s" % (self.name, pattern, self.p.poll(), tail))
                self.cond.wait(min(left, 0.2))

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        return self.p.returncode


def emulator_openings(base):
    """The openings of today at the emulator (GET /_emulator/usage)."""
    with urllib.request.urlopen("%s/_emulator/usage?appId=%s" % (base, APP_ID), timeout=10) as r:
        return json.load(r)["openingsToday"]


def one(run, voipsign, backend_dir, redis_url, json_dir, seed, show=False):
    emu = Proc([voipsign, "emulator", "--listen", "127.0.0.1:0", "--app", "%s:%s" % (APP_ID, APP_SECRET)]
               + run.emulator_args, name="the emulator")
    backend = None
    try:
        wechat = emu.wait_for(r"listening on (http://127\.0\.0\.1:\d+)", 30).group(1)
        env = dict(os.environ, PORT="0", WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET=APP_SECRET, WECHAT_API_BASE=wechat,
                   **run.backend_env)
        env.pop("VOIPSIGN_REDIS_URL", None)
        if redis_url:
            env["VOIPSIGN_REDIS_URL"] = redis_url
            env["VOIPSIGN_KEY_PREFIX"] = "e2e-%s-%s" % (run.name, secrets.token_hex(4))
        backend = Proc([os.path.join(backend_dir, "run")], env=env, cwd=backend_dir, name="the backend")
        url = backend.wait_for(r"listening on (http://127\.0\.0\.1:\d+)", 600).group(1)
        path = os.path.join(json_dir, "%s.json" % run.name)
        argv = [voipsign, "phones", "--backend", url, "--wechat", wechat, "--app", APP_ID,
                "--phones", str(run.phones), "--rooms", str(run.rooms), "--seconds", str(run.seconds),
                "--seed", str(seed), "--json", path] + ([] if show else ["--quiet"]) + run.phone_args
        t0 = time.monotonic()
        status = subprocess.run(argv, timeout=run.seconds + 120).returncode
        report = json.load(open(path))
        report["_wall"] = time.monotonic() - t0
        report["_prefix"] = env.get("VOIPSIGN_KEY_PREFIX")
        emu_view = {"openings_today": emulator_openings(wechat)}
        failures = run.checks(report, emu_view)
        check(status == report["exit_status"], "the phones' exit status is the report's", failures)
        return report, emu_view, failures
    finally:
        if backend is not None:
            code = backend.stop()
            if code not in (0, -15, 143):
                print("the backend exited %s:\n  %s" % (code, "\n  ".join(backend.lines[-10:])), file=sys.stderr)
        emu.stop()


def cell(d):
    items = ["%s %d" % (k, v) for k, v in sorted(d.items()) if v]
    return ", ".join(items) or "0"


def table(rows):
    head = ["run", "phones/rooms/s", "tickets", "joined", "refused by the backend", "late refusals", "false",
            "invalid sig", "explain", "ghost s (WeChat/ledger)", "req/s", "join p99 ms", "checks"]
    out = [head]
    for run, r, emu, failures in rows:
        inv = r["invalid_signatures"]
        g = r["ghost_seconds"]
        out.append([run.name, "%d/%d/%g" % (run.phones, run.rooms, run.seconds), str(r["tickets"]), str(r["joined"]),
                    cell(r["refused"]), cell(r["late_refusals"]),
                    "%d (raw %d)" % (r["false_refusals"], r["false_refusals_raw"]),
                    "%d rotated, %d others" % (inv["rotated"], inv["others"]), cell(r["explain_causes"]),
                    "%.1f / %.1f" % (g["emulator"], g["backend"]), "%.0f" % r["requests_per_second"],
                    "%.1f" % r["join"]["p99_ms"], "ok" if not failures else "FAILED"])
    w = [max(len(row[i]) for row in out) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w[i]) for i, c in enumerate(row)).rstrip() for row in out]
    lines.insert(1, "-|-".join("-" * x for x in w))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", default="a,b1,b2,c,d")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every run's seconds (at least 4 s)")
    ap.add_argument("--backend", default="examples/backends/node-express")
    ap.add_argument("--json-dir", default=None)
    ap.add_argument("--memory", action="store_true", help="a memory ledger even when VOIPSIGN_REDIS_URL is set")
    ap.add_argument("--demo", action="store_true", help="the short run of make demo, with the phones' table")
    a = ap.parse_args()
    voipsign = os.environ.get("VOIPSIGN_BIN", os.path.join(ROOT, "target", "debug", "voipsign"))
    if not os.access(voipsign, os.X_OK):
        sys.exit("no voipsign command at %s (cargo build -p voipsign-cli, or set VOIPSIGN_BIN)" % voipsign)
    redis_url = None if a.memory else os.environ.get("VOIPSIGN_REDIS_URL")
    json_dir = a.json_dir or tempfile.mkdtemp(prefix="voipsign-e2e-")
    os.makedirs(json_dir, exist_ok=True)
    table_runs = runs(a.scale)
    chosen = [table_runs["demo"]] if a.demo else [table_runs[n] for n in a.runs.split(",")]
    rows = []
    print("e2e: %s → %s → voipsign emulator, ledger %s; reports in %s" % (
        "voipsign phones", a.backend, "on Redis" if redis_url else "in memory", json_dir), flush=True)
    for i, run in enumerate(chosen):
        report, emu, failures = one(run, voipsign, os.path.join(ROOT, a.backend), redis_url, json_dir, 1000 + i,
                                    show=a.demo)
        rows.append((run, report, emu, failures))
        print("%-3s %-50s %s (%.0f s%s)" % (
            run.name, run.title, "ok" if not failures else "FAILED: " + "; ".join(failures), report["_wall"],
            ", key prefix " + report["_prefix"] if report["_prefix"] else ""), flush=True)
    print()
    print(table(rows))
    sys.exit(1 if any(f for *_, f in rows) else 0)


if __name__ == "__main__":
    main()
