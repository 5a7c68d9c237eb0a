"""GET /metrics of `voipsign rooms serve` (docs/DASHBOARD.md, "Prometheus"): the text
exposition format 0.0.4, parsed by prometheus_client and linted by `promtool check
metrics`; every metric of the contract a gauge with # HELP and # TYPE, one sample
per served appId (label app_id), the refusals by reason, the values those of the
binding's usage of the same Redis ledger."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

import voipsign
from conftest import ALICE, APP, APP2, SCENARIO_FLAGS, Ledgers, Server, ServerFactory, scenario

PER_APP = {
    "voipsign_room_openings_today": "openings",
    "voipsign_daily_room_limit": "dailyRoomLimit",
    "voipsign_daily_room_warning": None,      # the server's warning line
    "voipsign_live_rooms": "liveRooms",
    "voipsign_live_seats": "liveSeats",
    "voipsign_peak_seats_today": "peakSeats",
    "voipsign_expired_seats_today": "expired",
}
REFUSALS = {
    "room_full": "refusedRoomFull",
    "daily_room_limit": "refusedDailyLimit",
    "member_daily_limit": "refusedMemberLimit",
    "not_admitted": "heartbeatsRefused",
}
ALL = [*PER_APP, "voipsign_refusals_today", "voipsign_ledger_up"]


def scrape(server: Server) -> tuple[str, dict[str, Any]]:
    r = server.get("/metrics")
    assert r.status == 200, (r.status, r.body[:500])
    ctype = r.content_type.replace(" ", "")
    assert ctype.startswith("text/plain;") and "version=0.0.4" in ctype.split(";"), r.content_type
    text = r.text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    return text, families


def samples(families: dict[str, Any], name: str) -> list[tuple[dict[str, str], float]]:
    assert name in families, f"{name} missing from /metrics: {sorted(families)}"
    return [(dict(s.labels), s.value) for s in families[name].samples]


def by_app(families: dict[str, Any], name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for labels, value in samples(families, name):
        assert set(labels) == {"app_id"}, (name, labels)
        assert labels["app_id"] not in out, f"{name}: two samples for {labels['app_id']}"
        out[labels["app_id"]] = value
    return out


def refusals(families: dict[str, Any]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for labels, value in samples(families, "voipsign_refusals_today"):
        assert set(labels) == {"app_id", "reason"}, labels
        key = (labels["app_id"], labels["reason"])
        assert key not in out, key
        out[key] = value
    return out


def ledger_up(families: dict[str, Any]) -> float:
    s = samples(families, "voipsign_ledger_up")
    assert len(s) == 1, s
    return s[0][1]


def assert_values(families: dict[str, Any], ledger: voipsign.Ledger, apps: list[str], *, warning: int | None) -> None:
    """Every per-app sample equals the binding's usage (the warning line too unless
    warning is None: test_warning_line checks it)."""
    assert ledger_up(families) == 1
    for app in apps:
        usage = ledger.usage(app).to_dict()
        for metric, field in PER_APP.items():
            got = by_app(families, metric)
            assert set(got) == set(apps), (metric, got)
            if field is None and warning is None:
                continue
            want = warning if field is None else usage[field]
            assert got[app] == want, f"{metric}{{app_id={app}}}: {got[app]}, the ledger says {want}"
        got_r = refusals(families)
        assert set(got_r) == {(a, r) for a in apps for r in REFUSALS}, got_r
        for reason, field in REFUSALS.items():
            assert got_r[(app, reason)] == usage[field], (app, reason, got_r[(app, reason)], usage[field])


def test_every_metric_is_a_documented_gauge(serve: ServerFactory, redis_url: str, prefix: str,
                                            ledgers: Ledgers) -> None:
    scenario(ledgers, redis_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    text, families = scrape(server)
    lines = text.splitlines()
    for name in ALL:
        assert name in families, f"{name} missing: {sorted(families)}"
        assert families[name].type == "gauge", (name, families[name].type)
        assert families[name].documentation.strip(), f"{name} has an empty # HELP"
        assert sum(1 for ln in lines if ln.startswith(f"# HELP {name} ")) == 1, f"# HELP {name}"
        assert sum(1 for ln in lines if ln == f"# TYPE {name} gauge") == 1, f"# TYPE {name} gauge"
    unexpected = set(families) - set(ALL)
    assert all(n.startswith("voipsign_") for n in unexpected), unexpected
    assert text.endswith("\n")


def test_values_equal_the_ledger(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    scenario(ledgers, redis_url, prefix, app=APP2)
    ledger.leave(APP2, "g-1", ALICE)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    _, families = scrape(server)
    assert_values(families, ledger, [APP, APP2], warning=math.floor(4 * 0.9))
    # Not all zeros: the scenario's refusals are there.
    assert refusals(families)[(APP, "room_full")] == 1
    assert refusals(families)[(APP, "not_admitted")] == 1
    assert by_app(families, "voipsign_room_openings_today")[APP] == 4
    assert by_app(families, "voipsign_live_seats") == {APP: 4, APP2: 3}


def test_metrics_follow_the_ledger(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = ledgers(redis_url, prefix, daily_room_limit=10)
    server = serve("--daily-room-limit", "10", "--app", APP, redis_url=redis_url, key_prefix=prefix)
    _, families = scrape(server)
    assert_values(families, ledger, [APP], warning=None)
    assert by_app(families, "voipsign_room_openings_today") == {APP: 0}
    for i in range(3):
        ledger.admit(APP, f"room-{i}", ALICE)
    _, families = scrape(server)
    assert_values(families, ledger, [APP], warning=None)
    assert by_app(families, "voipsign_live_rooms") == {APP: 3}


@pytest.mark.parametrize("flags,warning", [((), 9), (("--daily-room-warning", "7"), 7)])
def test_warning_line(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers,
                      flags: tuple[str, ...], warning: int) -> None:
    """voipsign_daily_room_warning = --daily-room-warning, by default the ledger's floor(90 % of the limit)."""
    ledger = ledgers(redis_url, prefix, daily_room_limit=10)
    ledger.admit(APP, "g-1", ALICE)
    server = serve("--daily-room-limit", "10", *flags, redis_url=redis_url, key_prefix=prefix)
    _, families = scrape(server)
    assert by_app(families, "voipsign_daily_room_warning") == {APP: warning}
    assert by_app(families, "voipsign_daily_room_limit") == {APP: 10}


def test_only_served_apps(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, redis_url, prefix)
    ledger.admit(APP2, "g-1", ALICE)
    server = serve("--app", APP, *SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    _, families = scrape(server)
    assert_values(families, ledger, [APP], warning=3)


def test_no_app_yet(serve: ServerFactory, redis_url: str, prefix: str) -> None:
    server = serve(redis_url=redis_url, key_prefix=prefix)
    text, families = scrape(server)
    assert ledger_up(families) == 1
    for name in PER_APP:
        assert not families.get(name) or not families[name].samples, (name, text)
    promtool_check(text)


def promtool() -> str:
    exe = shutil.which("promtool")
    if exe is None:
        msg = "promtool is missing (apt-get install prometheus)"
        if os.environ.get("VOIPSIGN_PROMTOOL_REQUIRED") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return exe


def promtool_check(text: str) -> None:
    res = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    problems = (res.stdout + res.stderr).strip()
    assert res.returncode == 0 and not problems, f"promtool check metrics (exit {res.returncode}):\n{problems}\n---\n{text}"


def test_promtool(serve: ServerFactory, redis_url: str, prefix: str, ledgers: Ledgers) -> None:
    promtool()
    scenario(ledgers, redis_url, prefix)
    scenario(ledgers, redis_url, prefix, app=APP2)
    server = serve(*SCENARIO_FLAGS, redis_url=redis_url, key_prefix=prefix)
    text, _ = scrape(server)
    promtool_check(text)


def test_cluster_metrics(serve: ServerFactory, cluster_url: str, prefix: str, ledgers: Ledgers) -> None:
    ledger = scenario(ledgers, cluster_url, prefix)
    server = serve(*SCENARIO_FLAGS, redis_url=cluster_url, key_prefix=prefix)
    text, families = scrape(server)
    assert_values(families, ledger, [APP], warning=3)
    promtool_check(text)
