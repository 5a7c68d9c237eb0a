"""Run every language's benchmark in one go and gather the figures.

    python run.py --out DIR --results PATH --c-bench EXE [LANG ...]

Called by `make -C bench all` (see bench/Makefile): it runs, one after the other,
the core criterion bench, the C bench and each binding's `make bench`, each with
BENCH_JSON=DIR/<lang>.json (and BENCH_QUICK passed through from the environment),
echoes their output (also kept in DIR/<lang>.log), then writes PATH (the machine,
the date, the load, each language's figures, the floor and the targets), a
Markdown table beside it (PATH with .md) and prints the table.

Standard library only. Exit status 1 when a benchmark fails or writes no JSON
(the results are still written, without it).
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = os.environ.get("BENCH_QUICK") == "1"

ORDER = ["core", "c", "python", "node", "go", "php", "java", "redis"]


def commands(c_bench: str) -> Dict[str, List[str]]:
    make = [os.environ.get("MAKE", "make"), "--no-print-directory", "-C"]
    return {
        # A smoke run's figures are not read: its criterion build uses the dev profile,
        # whose dependencies `cargo test` (make test's rust suite) has already built.
        "core": ["cargo", "bench", "-p", "voipsign", "--bench", "sign"] + (["--profile", "dev"] if QUICK else []),
        "c": [c_bench],
        "python": make + ["bindings/python", "bench"],
        "node": make + ["bindings/node", "bench"],
        "go": make + ["bindings/go", "bench"],
        "php": make + ["bindings/php", "bench"],
        "java": make + ["bindings/java", "bench"],
        "redis": [os.path.join(ROOT, "build", "bench-redis-venv", "bin", "python"),
                  os.path.join(ROOT, "bench", "redis", "bench.py")],
    }


# (language key, label, JSON field, comparison, target, what it compares)
TARGETS: List[Tuple[str, str, str, str, float, str]] = [
    ("core", "core", "sign_floor_ratio", "<=", 1.25, "sign / floor (5 SHA-256 compressions)"),
    ("core", "core", "sign_many_floor_ratio", "<=", 1.15, "sign_many(10) per member / floor"),
    ("core", "core", "ledger_pair_us", "<=", 1.0, "room ledger admit+leave pair, µs (memory store)"),
    ("c", "C", "ratio", ">=", 7.0, "HMAC() one-shot / voipsign_sign"),
    ("c", "C", "ratio_vs_evp_cached", ">=", 1.0, "EVP_MAC with a cached key / voipsign_sign"),
    ("python", "Python", "ratio", ">=", 4.5, "idiom / voipsign.sign"),
    ("python", "Python", "sign_many_ratio", ">=", 6.0, "10 idioms / voipsign.sign_many(10)"),
    ("node", "Node", "ratio", ">=", 4.0, "idiom / voipsign.sign"),
    ("go", "Go", "ratio", ">=", 1.3, "idiom / voipsign.Sign"),
    ("php", "PHP", "ratio", ">=", 2.5, "idiom / Signer::sign"),
    ("java", "Java", "ratio", ">=", 2.0, "new Mac per call (WxJava) / VoipSign.sign"),
    ("java", "Java", "ratio_vs_tuned", ">=", 1.0, "ThreadLocal<Mac> idiom / VoipSign.sign"),
    ("redis", "Redis ledger", "ratio_8_clients", ">=", 3.0,
     "admit+leave cycles/s, 8 clients on one room: Ledger.redis / redis-py WATCH-MULTI"),
]


def first_line(cmd: List[str]) -> Optional[str]:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0].strip() if out.returncode == 0 and text else None


def machine() -> Dict[str, Any]:
    """The machine, without its hostname."""
    cpu, flags = "unknown", ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and cpu == "unknown":
                    cpu = value.strip()
                if key.strip() == "flags" and not flags:
                    flags = value
    except OSError:
        pass
    os_name = platform.system()
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]*)"?', f.read(), re.M)
            if m:
                os_name = m.group(1)
    except OSError:
        pass
    venv_python = os.path.join(ROOT, "bindings/python/.venv/bin/python")
    python = venv_python if os.path.exists(venv_python) else sys.executable
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "sha_ni": "sha_ni" in flags.split(),
        "arch": platform.machine(),
        "os": os_name,
        "kernel": f"{platform.system()} {platform.release()}",
        "toolchains": {
            "rustc": first_line(["rustc", "--version"]),
            "cc": first_line([os.environ.get("CC", "cc"), "--version"]),
            "go": first_line(["go", "env", "GOVERSION"]),
            "node": first_line(["node", "--version"]),
            "python": first_line([python, "--version"]),
            "php": first_line(["php", "-r", "echo PHP_VERSION;"]),
            "java": first_line(["java", "-version"]),
            "openssl": first_line(["openssl", "version"]),
        },
    }


def cpu_busy() -> Optional[float]:
    """Seconds of CPU time spent by the whole machine (all cores) so far, from /proc/stat."""
    try:
        with open("/proc/stat", encoding="utf-8") as f:
            fields = f.readline().split()[1:]
    except OSError:
        return None
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def others_now(window: float = 2.0) -> Optional[float]:
    """Cores used by the machine's other processes over the next `window` seconds."""
    b0 = cpu_busy()
    time.sleep(window)
    b1 = cpu_busy()
    return None if b0 is None or b1 is None else (b1 - b0) / window


def wait_quiet(limit: float) -> Optional[float]:
    """Wait up to `limit` seconds for other processes to use under half a core; return
    the seconds waited (None when no wait was asked for)."""
    if limit <= 0:
        return None
    t0 = time.monotonic()
    while True:
        busy = others_now()
        waited = time.monotonic() - t0
        if busy is None or busy < 0.5:
            return round(waited, 1)
        if waited >= limit:
            print(f"(still {busy:.2f} cores busy after {waited:.0f} s: running anyway)", flush=True)
            return round(waited, 1)


def run_one(lang: str, cmd: List[str], out_dir: str, wait: float) -> Dict[str, Any]:
    """Run one benchmark; return its JSON object (or an error) and the load around it."""
    path = os.path.join(out_dir, f"{lang}.json")
    if os.path.exists(path):
        os.remove(path)
    env = dict(os.environ, BENCH_JSON=path)
    env.pop("MAKEFLAGS", None)  # no jobserver file descriptors to inherit
    env.pop("MFLAGS", None)
    print(f"\n===== {lang}: {' '.join(cmd)}", flush=True)
    waited = wait_quiet(wait)
    load_before = os.getloadavg()[0]
    busy0, ours0, t0 = cpu_busy(), children_cpu(), time.monotonic()
    with open(os.path.join(out_dir, f"{lang}.log"), "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
        rc = proc.wait()
    wall = time.monotonic() - t0
    busy1, ours1 = cpu_busy(), children_cpu()
    run: Dict[str, Any] = {
        "wall_s": round(wall, 1),
        "load1_before": round(load_before, 2),
        "load1_after": round(os.getloadavg()[0], 2),
    }
    if waited is not None:
        run["waited_for_quiet_s"] = waited
    if busy0 is not None and busy1 is not None and wall > 0:
        # CPU used by everything else on the machine during this benchmark, in cores.
        run["other_processes_cores"] = round(max(0.0, (busy1 - busy0) - (ours1 - ours0)) / wall, 2)
    result: Dict[str, Any] = {}
    if rc != 0:
        result["error"] = f"`{' '.join(cmd)}` exited with status {rc}"
    else:
        try:
            with open(path, encoding="utf-8") as f:
                result = json.load(f)
        except (OSError, ValueError) as e:
            result["error"] = f"no JSON written to {path}: {e}"
    result["key"] = lang
    result["run"] = run
    return result


def verdict(value: Optional[float], op: str, target: float) -> str:
    if value is None:
        return "n/a"
    met = value <= target if op == "<=" else value >= target
    return "met" if met else "MISSED"


def fmt_ns(x: Optional[float]) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def spread(r: Dict[str, Any], prefix: str) -> str:
    lo, hi = r.get(f"{prefix}_min"), r.get(f"{prefix}_max")
    return f"{fmt_ns(lo)}-{fmt_ns(hi)}" if lo is not None and hi is not None else "-"


def unit(t: Dict[str, Any]) -> str:
    return " µs" if t["field"].endswith("_us") else "x"


def tables(results: Dict[str, Any]) -> Tuple[List[List[str]], List[List[str]]]:
    langs = [r for r in results["languages"] if "error" not in r and "idiom_ns" in r]
    main = [["language", "idiom ns", "(min-max)", "voipsign ns", "(min-max)", "ratio",
             "sign_many(10) ns/member", "many ratio"]]
    floor = results.get("floor")
    if floor:
        main.append(["floor: 5 x SHA-256 block", "", "", fmt_ns(floor["ns"]),
                     f"{fmt_ns(floor['min'])}-{fmt_ns(floor['max'])}", "", "", ""])
    for r in langs:
        main.append([
            r["language"], fmt_ns(r["idiom_ns"]), spread(r, "idiom"), fmt_ns(r["voipsign_ns"]),
            spread(r, "voipsign"), f"{r['ratio']:.2f}x", fmt_ns(r["sign_many_per_member_ns"]),
            f"{r['sign_many_ratio']:.2f}x",
        ])
    targets = [["target", "measured", "target", "verdict"]]
    for t in results["targets"]:
        v = t["measured"]
        targets.append([
            f"{t['language']}: {t['what']}", "-" if v is None else f"{v:.2f}{unit(t)}",
            f"{t['op']} {t['target']:g}{unit(t)}", t["verdict"],
        ])
    return main, targets


def ledger_rows(results: Dict[str, Any]) -> List[List[str]]:
    """The room ledger's admit+leave pair (memory store), where a language reports it."""
    rows = [["language", "admit+leave pair ns", "x sign"]]
    for r in results["languages"]:
        ns = r.get("ledger_pair_ns")
        if "error" not in r and ns is not None:
            rows.append([r["language"], fmt_ns(ns), f"{ns / r['voipsign_ns']:.1f}"])
    return rows


def redis_rows(results: Dict[str, Any]) -> List[List[str]]:
    """The room ledger on Redis: cycles/s, latency and over-admissions per implementation."""
    rows = [["clients", "implementation", "admit+leave cycles/s", "p50 µs", "p99 µs",
             "seated", "room full", "over-admissions", "ratio"]]
    r = next((x for x in results["languages"] if x.get("key") == "redis" and "runs" in x), None)
    if r is None:
        return rows
    for c in ("1", "8"):
        for kind, label in (("voipsign", "voipsign Ledger.redis"), ("watch_multi", "redis-py WATCH/MULTI")):
            v = r["runs"][c][kind]
            rows.append([c, label, f"{v['cycles_per_s']:,}", f"{v['p50_us']:.0f}", f"{v['p99_us']:.0f}",
                         str(v["seated"]), str(v["refused_room_full"]), str(v["over_admissions"]),
                         f"{r['runs'][c]['ratio']:.2f}x" if kind == "voipsign" else ""])
    return rows


def render(rows: List[List[str]], markdown: bool) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append(("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells))
        if n == 0 and markdown:
            lines.append("|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":")
                                        for i, w in enumerate(widths)) + "|")
        elif n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="directory for each language's JSON and log")
    ap.add_argument("--results", required=True, help="the combined JSON to write")
    ap.add_argument("--c-bench", required=True, help="the built C benchmark")
    ap.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                    help="before each benchmark, wait up to SECONDS for other processes "
                         "to use under half a core (a shared machine)")
    ap.add_argument("langs", nargs="*", default=ORDER)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cmds = commands(os.path.abspath(args.c_bench))
    unknown = [x for x in args.langs if x not in cmds]
    if unknown:
        ap.error(f"unknown language(s) {unknown}; known: {ORDER}")

    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()
    t0 = time.monotonic()
    info = machine()
    langs = [run_one(lang, cmds[lang], args.out, args.wait_quiet) for lang in args.langs]
    load_end = os.getloadavg()

    by_key = {r["key"]: r for r in langs}
    core = by_key.get("core", {})
    openssl_c = by_key.get("c", {}).get("openssl")
    if openssl_c:
        info["toolchains"]["openssl (linked by the C bench)"] = f"OpenSSL {openssl_c}"
    targets = []
    for key, label, field, op, target, what in TARGETS:
        if key not in by_key:
            continue
        value = by_key[key].get(field)
        targets.append({"language": label, "what": what, "field": field, "measured": value,
                        "op": op, "target": target,
                        "verdict": "not judged (quick run)" if QUICK else verdict(value, op, target)})
    busiest = max((r["run"].get("other_processes_cores", 0.0) for r in langs), default=0.0)
    results: Dict[str, Any] = {
        "date": started.strftime("%Y-%m-%d"),
        "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": QUICK,
        "machine": info,
        "load": {
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in load_end],
            "max_other_processes_cores": busiest,
            "note": "other_processes_cores (per language, under run): CPU time used by every other "
                    "process of the machine while that benchmark ran, in cores; the load averages "
                    "include the benchmarks themselves",
            "busy": busiest > 0.5,
        },
        "method": "each figure is the median of several timed repeats after a warm-up; "
                  "min/max of the repeats (criterion: of its samples) give the spread; "
                  "ratio = idiom ns / voipsign ns (higher is better); floor ratios = ns / floor "
                  "(lower is better)",
        "floor": None if "floor_ns" not in core else {
            "description": core.get("floor_description"),
            "ns": core["floor_ns"], "min": core.get("floor_min"), "max": core.get("floor_max"),
        },
        "targets": targets,
        "languages": langs,
        "wall_s": round(time.monotonic() - t0, 1),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    with open(args.results, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")

    main_rows, target_rows = tables(results)
    head = (f"voipsign benchmark, {results['date']}: {info['cpu']}, {info['cores']} cores"
            f"{' (SHA-NI)' if info['sha_ni'] else ''}, {info['os']}, {info['kernel']}"
            + ("  [BENCH_QUICK: tiny iteration counts, figures not for reading]" if QUICK else ""))
    print("\n" + "=" * 100 + "\n" + head)
    print("ns per signature (median; min-max of the repeats); ratio = idiom / voipsign\n")
    print(render(main_rows, False))
    ledger = ledger_rows(results)
    if len(ledger) > 1:
        print("\nRoom ledger (memory store): a guest joins and leaves a live room\n")
        print(render(ledger, False))
    redis_table = redis_rows(results)
    if len(redis_table) > 1:
        print("\nRoom ledger on Redis (loopback): one room of capacity 4, each client admits and leaves\n")
        print(render(redis_table, False))
    print("\nTargets\n")
    print(render(target_rows, False))
    for r in langs:
        run = r["run"]
        print(f"  {r['key']:<7} {run['wall_s']:6.1f} s, load {run['load1_before']:.2f} before, "
              f"other processes {run.get('other_processes_cores', float('nan')):.2f} cores"
              + (f"  ERROR: {r['error']}" if "error" in r else ""))
    if results["load"]["busy"]:
        print(f"\nWARNING: other processes used up to {busiest:.2f} cores during a benchmark; "
              "figures may be disturbed: re-run when the machine is quieter.")
    md_path = os.path.splitext(args.results)[0] + ".md"
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(f"{head}\n\nns per signature (median; min-max of the repeats); ratio = idiom / voipsign\n\n")
        f.write(render(main_rows, True) + "\n\n")
        if len(ledger) > 1:
            f.write("Room ledger (memory store): a guest joins and leaves a live room\n\n"
                    + render(ledger, True) + "\n\n")
        if len(redis_table) > 1:
            f.write("Room ledger on Redis (loopback): one room of capacity 4, each client admits and leaves\n\n"
                    + render(redis_table, True) + "\n\n")
        f.write(render(target_rows, True) + "\n")
    print(f"\nwrote {os.path.relpath(args.results, ROOT)} and {os.path.relpath(md_path, ROOT)} "
          f"in {results['wall_s']:.0f} s")
    failed = [r["key"] for r in langs if "error" in r]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
