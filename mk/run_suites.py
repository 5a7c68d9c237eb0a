#!/usr/bin/env python3
"""Run the suites of `make test` side by side and print where the time goes.

Usage (the root Makefile's `test` target)::

    python3 mk/run_suites.py [--jobs N] [--times FILE] [--logs DIR] [--only NAME,...] SPEC...

Each SPEC is ``NAME:TARGET[:NEEDS[:ESTIMATE]]``: the suite NAME runs ``make
TARGET`` once every suite of NEEDS (comma-separated names) has passed; ESTIMATE
(seconds, optional) is its expected length, used only to order the start of
suites that are ready at the same time (the one that heads the longest chain of
work first). The suites of one run share nothing but what they build before
them: anything that two suites would both write (a build directory, a
virtualenv, node_modules) is a suite of its own that both need.

At most N suites run at once (default: the number of CPUs). Each suite's output
goes to DIR/NAME.log (default build/test-logs) and is printed in one piece when
the suite ends, so the output of two suites is never interleaved. A suite that
fails does not stop the others; the suites that need it are skipped. The run
ends with a table (suite, result, seconds, share of the summed seconds, CPU
seconds of the suite and everything it waited for, start offset), written to
FILE too (default build/test-times.txt), then the names and logs of the suites
that failed. The exit status is 0 only when every suite passed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional


@dataclass
class Suite:
    """One suite: a make target, what it needs, and what happened to it."""

    name: str
    target: str
    needs: List[str]
    estimate: float
    result: str = "pending"  # pending, running, passed, FAILED, skipped
    start: float = 0.0
    seconds: float = 0.0
    cpu: float = 0.0
    pid: int = 0
    # Kept while the suite runs: a Popen that is garbage-collected unwaited is reaped
    # by the subprocess module's own clean-up, and os.wait4 would never see it end.
    proc: Optional[subprocess.Popen] = None
    log: Optional[Path] = None
    note: str = ""
    chain: float = field(default=0.0)  # estimate of this suite and the longest chain after it


def parse_spec(spec: str, position: int) -> Suite:
    """``NAME:TARGET[:NEEDS[:ESTIMATE]]`` -> Suite (an unknown estimate sorts by position)."""
    parts = spec.split(":")
    if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1]:
        raise SystemExit(f"run_suites: bad suite spec {spec!r} (NAME:TARGET[:NEEDS[:ESTIMATE]])")
    needs = [n for n in (parts[2].split(",") if len(parts) > 2 else []) if n]
    estimate = float(parts[3]) if len(parts) > 3 and parts[3] else 1.0 / (position + 1)
    return Suite(parts[0], parts[1], needs, estimate)


def plan(suites: Dict[str, Suite]) -> None:
    """Check the needs (known names, no cycle) and compute each suite's chain length."""
    for s in suites.values():
        for n in s.needs:
            if n not in suites:
                raise SystemExit(f"run_suites: suite {s.name} needs {n!r}, which is not a suite of this run")
    state: Dict[str, int] = {}

    def visit(name: str) -> float:
        if state.get(name) == 1:
            raise SystemExit(f"run_suites: the needs of {name} form a cycle")
        if state.get(name) == 2:
            return suites[name].chain
        state[name] = 1
        after = [visit(d.name) for d in suites.values() if name in d.needs]
        suites[name].chain = suites[name].estimate + max(after, default=0.0)
        state[name] = 2
        return suites[name].chain

    for name in suites:
        visit(name)


def stamp(t0: float) -> str:
    return f"[{time.monotonic() - t0:6.0f} s]"


def start(s: Suite, logs: Path, make: str, t0: float) -> None:
    """Start `make TARGET` for the suite, its output into its log, in a process group of its own."""
    s.log = logs / f"{s.name}.log"
    out = open(s.log, "wb")
    proc = subprocess.Popen(
        [make, "--no-print-directory", s.target],
        stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    out.close()
    s.proc, s.pid, s.start, s.result = proc, proc.pid, time.monotonic(), "running"
    print(f"{stamp(t0)} start {s.name} (make {s.target})", flush=True)


def finish(s: Suite, status: int, cpu: float, t0: float) -> None:
    """Record the end of a suite and print its whole log in one piece."""
    s.seconds = time.monotonic() - s.start
    s.cpu = cpu
    code = os.waitstatus_to_exitcode(status)
    if s.proc is not None:
        s.proc.returncode = code  # reaped here: the Popen must not wait for it again
        s.proc = None
    s.result = "passed" if code == 0 else "FAILED"
    if code != 0:
        s.note = f"exit status {code}" if code > 0 else f"killed by signal {-code}"
    bar = "=" * 78
    sys.stdout.write(f"{bar}\n== {s.name} (make {s.target}): {s.result} in {s.seconds:.0f} s"
                     f"{' (' + s.note + ')' if s.note else ''}\n{bar}\n")
    sys.stdout.flush()
    assert s.log is not None
    with open(s.log, "rb") as f:
        sys.stdout.buffer.write(f.read())
    sys.stdout.write(f"== end of {s.name}: {s.result} in {s.seconds:.0f} s {stamp(t0)}\n")
    sys.stdout.flush()


TAIL_LINES = 40


def tail(log: Path, lines: int, title: str) -> str:
    """The last lines of a failed suite's log, repeated after the table: a CI that shows only
    the head and the end of the output still shows why the suite failed."""
    with open(log, "rb") as f:
        last = f.read().decode("utf-8", "replace").splitlines()[-lines:]
    return f"-- {title}:\n" + "".join(f"   {line}\n" for line in last)


def table(suites: List[Suite], wall: float, jobs: int) -> str:
    """The timing table: one line per suite in the order they started, then the totals."""
    summed = sum(s.seconds for s in suites) or 1.0
    rows = sorted(suites, key=lambda s: (s.result in ("pending", "skipped"), s.start))
    t0 = min((s.start for s in suites if s.start), default=0.0)
    width = max([len(s.name) for s in suites] + [5])
    lines = [f"{'suite':<{width}}  {'result':<7}  {'seconds':>7}  {'share':>5}  {'cpu s':>6}  {'start':>5}"]
    for s in rows:
        if s.result in ("pending", "skipped"):
            lines.append(f"{s.name:<{width}}  {s.result:<7}  {'-':>7}  {'-':>5}  {'-':>6}  {'-':>5}  {s.note}")
            continue
        lines.append(f"{s.name:<{width}}  {s.result:<7}  {s.seconds:7.0f}  {100 * s.seconds / summed:4.0f}%"
                     f"  {s.cpu:6.0f}  {s.start - t0:5.0f}")
    cpu = sum(s.cpu for s in suites)
    lines.append(f"{'sum of the suites':<{width}}  {'':<7}  {summed:7.0f}  {100:4.0f}%  {cpu:6.0f}")
    lines.append(f"wall clock {wall:.0f} s with up to {jobs} suites at once: {summed / wall if wall else 0:.2f} suites"
                 f" and {cpu / wall if wall else 0:.2f} CPUs busy on average")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--times", default="build/test-times.txt")
    ap.add_argument("--logs", default="build/test-logs")
    ap.add_argument("--only", default="", help="run only these suites (comma-separated) and what they need")
    ap.add_argument("--make", default=os.environ.get("MAKE", "make"))
    ap.add_argument("spec", nargs="+")
    args = ap.parse_args()

    suites: Dict[str, Suite] = {}
    for i, spec in enumerate(args.spec):
        s = parse_spec(spec, i)
        if s.name in suites:
            raise SystemExit(f"run_suites: suite {s.name} given twice")
        suites[s.name] = s
    plan(suites)
    if args.only:
        wanted = set(n for n in args.only.split(",") if n)
        unknown = wanted - set(suites)
        if unknown:
            raise SystemExit(f"run_suites: no such suite: {', '.join(sorted(unknown))}")
        todo = list(wanted)
        while todo:
            for n in suites[todo.pop()].needs:
                if n not in wanted:
                    wanted.add(n)
                    todo.append(n)
        suites = {n: s for n, s in suites.items() if n in wanted}

    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    running: Dict[int, Suite] = {}

    def stop_all(signum: int, _frame: object) -> None:
        for s in running.values():
            try:
                os.killpg(s.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)

    t0 = time.monotonic()
    print(f"{stamp(t0)} {len(suites)} suites, up to {args.jobs} at once; logs in {logs}/", flush=True)
    while True:
        for s in suites.values():
            if s.result == "pending" and any(suites[n].result in ("FAILED", "skipped") for n in s.needs):
                s.result = "skipped"
                s.note = "needs " + ", ".join(n for n in s.needs if suites[n].result in ("FAILED", "skipped"))
                print(f"{stamp(t0)} skip {s.name}: {s.note}", flush=True)
        ready = [s for s in suites.values()
                 if s.result == "pending" and all(suites[n].result == "passed" for n in s.needs)]
        ready.sort(key=lambda s: -s.chain)
        while ready and len(running) < args.jobs:
            s = ready.pop(0)
            start(s, logs, args.make, t0)
            running[s.pid] = s
        if not running:
            break
        pid, status, usage = os.wait4(-1, 0)
        s = running.pop(pid, None)
        if s is None:
            continue
        finish(s, status, usage.ru_utime + usage.ru_stime, t0)

    wall = time.monotonic() - t0
    text = table(list(suites.values()), wall, args.jobs)
    Path(args.times).parent.mkdir(parents=True, exist_ok=True)
    Path(args.times).write_text(text)
    print("\nwhere the time went (also in " + args.times + "):\n" + text, end="", flush=True)
    failed = [s for s in suites.values() if s.result != "passed"]
    for s in failed:
        if s.result == "FAILED" and s.log is not None:
            print(tail(s.log, TAIL_LINES, f"last lines of {s.name}'s log ({s.log})"), end="")
    for s in failed:
        if s.result == "FAILED":
            print(f"FAILED: {s.name} (make {s.target}, {s.note}); log: {s.log}")
        else:
            print(f"not run: {s.name} ({s.note or s.result})")
    if failed:
        names = ", ".join(s.name for s in failed if s.result == "FAILED")
        print(f"run_suites: FAILED after {wall:.0f} s: {names}")
        return 1
    print(f"run_suites: all {len(suites)} suites passed in {wall:.0f} s ({wall / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
