"""Draw the benchmark chart from the combined results.

    python chart.py RESULTS.json CHART.svg

ns per signature for each language, the hand-written idiom beside voipsign
(grouped bars on a log scale, whiskers from the min to the max of the repeats,
the speed-up above each pair), and the floor (5 SHA-256 block compressions) as a
horizontal line; the title names the machine and the date. When the Redis ledger
was measured, a second panel shows its admit+leave cycles per second (1 and 8
clients on one room) for voipsign and for redis-py WATCH/MULTI. The SVG is
reproducible: fixed element ids and no creation date in its metadata.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402

IDIOM_COLOR = "#b0b0b0"
VOIPSIGN_COLOR = "#1f77b4"
FLOOR_COLOR = "#d62728"


def redis_panel(ax, r) -> None:
    """admit+leave cycles/s on one room, voipsign vs WATCH/MULTI, 1 and 8 clients."""
    clients = ["1", "8"]
    width = 0.38
    for i, (kind, color, label) in enumerate((("watch_multi", IDIOM_COLOR, "redis-py WATCH/MULTI"),
                                               ("voipsign", VOIPSIGN_COLOR, "voipsign Ledger.redis"))):
        vals = [r["runs"][c][kind]["cycles_per_s"] for c in clients]
        xs = [x + (i - 0.5) * width for x in range(len(clients))]
        ax.bar(xs, vals, width, color=color, label=label)
        for x, v in zip(xs, vals):
            ax.annotate(f"{v:,}", (x, v), xytext=(0, 2), textcoords="offset points",
                        ha="center", fontsize=7.5)
    for x, c in enumerate(clients):
        top = max(r["runs"][c][k]["cycles_per_s"] for k in ("voipsign", "watch_multi"))
        ax.annotate(f"{r['runs'][c]['ratio']:.2f}x", (x, top), xytext=(0, 12),
                    textcoords="offset points", ha="center", fontsize=9, fontweight="bold")
    ax.set_xticks(range(len(clients)))
    ax.set_xticklabels([f"{c} client{'s' if c != '1' else ''}" for c in clients])
    ax.set_ylabel("admit+leave cycles per second (one room)")
    ax.set_ylim(0, max(r["runs"][c][k]["cycles_per_s"] for c in clients
                       for k in ("voipsign", "watch_multi")) * 1.3)
    ax.set_title(f"room ledger on Redis (capacity {r.get('capacity')})\n"
                 f"over-admissions: {r.get('over_admissions', 0)}", fontsize=9)
    ax.grid(axis="y", alpha=0.25)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", fontsize=7.5, frameon=False)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        results = json.load(f)
    langs = [r for r in results["languages"] if "error" not in r and "idiom_ns" in r]
    redis_r = next((r for r in results["languages"]
                    if r.get("key") == "redis" and "error" not in r and "runs" in r), None)
    if not langs and not redis_r:
        print("chart.py: no language has results", file=sys.stderr)
        return 1
    plt.rcParams["svg.hashsalt"] = "voipsign-bench"
    plt.rcParams["svg.fonttype"] = "path"
    if not langs:  # only the Redis ledger was measured (LANGS=redis)
        fig, rax = plt.subplots(figsize=(4.5, 5.2))
        redis_panel(rax, redis_r)
        fig.tight_layout()
        fig.savefig(sys.argv[2], format="svg", metadata={"Date": None})
        print(f"chart.py: wrote {sys.argv[2]}")
        return 0

    plt.rcParams["svg.hashsalt"] = "voipsign-bench"
    plt.rcParams["svg.fonttype"] = "path"
    if redis_r:
        fig, (ax, rax) = plt.subplots(1, 2, figsize=(12.5, 5.2),
                                      gridspec_kw={"width_ratios": [3.2, 1]})
        redis_panel(rax, redis_r)
    else:
        fig, ax = plt.subplots(figsize=(9.5, 5.2))
    width = 0.38
    xs = range(len(langs))

    def bars(offset: float, key: str, color: str, label: str) -> None:
        mids = [r[f"{key}_ns"] for r in langs]
        lows = [max(0.0, m - r.get(f"{key}_min", m)) for m, r in zip(mids, langs)]
        highs = [max(0.0, r.get(f"{key}_max", m) - m) for m, r in zip(mids, langs)]
        ax.bar([x + offset for x in xs], mids, width, color=color, label=label,
               yerr=[lows, highs], capsize=3, error_kw={"elinewidth": 0.8, "ecolor": "#444"})
        for x, m in zip(xs, mids):  # the value at the foot of the bar, clear of the whiskers
            ax.annotate(f"{m:,.0f}", (x + offset, 0), xycoords=("data", "axes fraction"),
                        xytext=(0, 4), textcoords="offset points", ha="center", fontsize=7.5,
                        color="white" if color == VOIPSIGN_COLOR else "black")

    bars(-width / 2, "idiom", IDIOM_COLOR, "hand-written idiom")
    bars(width / 2, "voipsign", VOIPSIGN_COLOR, "voipsign")
    for x, r in zip(xs, langs):
        top = max(r.get("idiom_max", r["idiom_ns"]), r.get("voipsign_max", r["voipsign_ns"]))
        ax.annotate(f"{r['ratio']:.2f}x", (x, top), xytext=(0, 4), textcoords="offset points",
                    ha="center", fontsize=9, fontweight="bold")

    floor = results.get("floor")
    if floor:
        ax.axhline(floor["ns"], color=FLOOR_COLOR, linestyle="--", linewidth=1.2,
                   label=f"floor: 5 SHA-256 block compressions ({floor['ns']:.0f} ns)")

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    lo = min(min(r["voipsign_min"] if "voipsign_min" in r else r["voipsign_ns"] for r in langs),
             floor["ns"] if floor else float("inf"))
    hi = max(r.get("idiom_max", r["idiom_ns"]) for r in langs)
    ax.set_ylim(lo / 1.6, hi * 2.2)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([r["language"] for r in langs])
    ax.set_ylabel("ns per signature (median; whiskers: min-max)")
    ax.grid(axis="y", which="both", alpha=0.25)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", fontsize=8.5, frameon=False)

    m = results["machine"]
    title = (f"voipsign vs the idiom each language writes by hand: one signature"
             f"{'  [QUICK RUN: not for reading]' if results.get('quick') else ''}\n"
             f"{m['cpu']}, {m['cores']} cores{' (SHA-NI)' if m.get('sha_ni') else ''}, "
             f"{m['kernel']}, {results['date']}")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(sys.argv[2], format="svg", metadata={"Date": None})
    print(f"chart.py: wrote {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
