#!/usr/bin/env python3
"""The admit+leave pair before and after a change, in one run (issue 23's cost).

Builds bench/pair (release) against this checkout's core ("after") and against
the core of BASELINE ("before": a git worktree in build/bench-pair/), then runs
the two binaries alternately, ROUNDS times each, on the memory store and on the
Redis server of $VOIPSIGN_REDIS_URL, and prints the medians and the differences:
memory +ns per pair, Redis % per cycle. Writes build/bench-pair/results.json.

    python3 bench/pair/run.py [--baseline REV] [--rounds N] [--quick]

--quick: only the "after" binary, tiny counts (a smoke run: the code cannot rot).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build", "bench-pair")
# The last commit before the day counters (issue 23): C test of LEDGER_CLOSED.
BASELINE = "1dd1450"


def sh(*args, cwd=ROOT, **kw):
    return subprocess.run(args, cwd=cwd, check=True, **kw)


def build_after(quick):
    profile = [] if quick else ["--release"]
    sh("cargo", "build", "-q", "-p", "voipsign-bench-pair", *profile)
    return os.path.join(ROOT, "target", "debug" if quick else "release", "voipsign-bench-pair")


def build_before(rev):
    tree = os.path.join(BUILD, "baseline")
    if os.path.isdir(tree):
        sh("git", "worktree", "remove", "--force", tree)
    os.makedirs(BUILD, exist_ok=True)
    sh("git", "worktree", "add", "--detach", "-f", tree, rev, stdout=subprocess.DEVNULL)
    crate = os.path.join(BUILD, "pair-baseline")
    shutil.rmtree(crate, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "bench", "pair", "src"), os.path.join(crate, "src"))
    with open(os.path.join(ROOT, "bench", "pair", "Cargo.toml")) as f:
        toml = f.read().replace('path = "../../core"', f'path = "{tree}/core"')
    with open(os.path.join(crate, "Cargo.toml"), "w") as f:
        f.write(toml + "\n[workspace]\n")
    # The baseline's own dependency versions (its lock file), not the newest.
    shutil.copy(os.path.join(tree, "Cargo.lock"), os.path.join(crate, "Cargo.lock"))
    target = os.path.join(BUILD, "target")
    sh("cargo", "build", "-q", "--release", "--manifest-path", os.path.join(crate, "Cargo.toml"),
       "--target-dir", target)
    return os.path.join(target, "release", "voipsign-bench-pair")


def run(binary, quick):
    out = subprocess.run([binary] + (["--quick"] if quick else []), check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    after = build_after(a.quick)
    if a.quick:
        r = run(after, True)
        assert r["memory_pair_ns"] > 0, r
        print(f"bench-pair smoke: {r}")
        return 0
    before = build_before(a.baseline)
    runs = {"before": [], "after": []}
    for _ in range(a.rounds):
        for name, binary in (("before", before), ("after", after)):
            runs[name].append(run(binary, False))
    med = {name: {k: statistics.median([x[k] for x in rs]) if rs[0][k] is not None else None
                  for k in rs[0]} for name, rs in runs.items()}
    mem = med["after"]["memory_pair_ns"] - med["before"]["memory_pair_ns"]
    lines = [f"admit+leave pair, medians of {a.rounds} alternating runs (baseline {a.baseline}):",
             f"  memory store: before {med['before']['memory_pair_ns']:.0f} ns, after "
             f"{med['after']['memory_pair_ns']:.0f} ns: {mem:+.0f} ns per pair (target: at most +50 ns)"]
    redis = None
    if med["after"]["redis_pair_ns"] is not None:
        b, f = med["before"]["redis_pair_ns"], med["after"]["redis_pair_ns"]
        redis = (f / b - 1) * 100
        lines.append(f"  Redis store:  before {b / 1000:.1f} us, after {f / 1000:.1f} us: {redis:+.1f} % per "
                     f"cycle (target: at most +10 %)")
    print("\n".join(lines))
    os.makedirs(BUILD, exist_ok=True)
    with open(os.path.join(BUILD, "results.json"), "w") as fh:
        json.dump({"baseline": a.baseline, "runs": runs, "medians": med,
                   "memory_delta_ns": mem, "redis_delta_pct": redis}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
