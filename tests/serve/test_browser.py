"""The dashboard of `voipsign rooms serve` (docs/DASHBOARD.md, "Dashboard") in a real
browser: Debian's headless Chromium (/usr/bin/chromium, or VOIPSIGN_CHROMIUM) driven
by Playwright for Python (tests/serve/browser_requirements.txt; never `playwright
install`: the test uses the system's browser through `executable_path`).

It starts `$VOIPSIGN_BIN rooms serve --simulate --daily-room-limit 300` on a free
loopback port (200 simulated phones, 20 rooms of capacity 10), opens the page and
checks that the quota gauge, the tiles, the hour chart, the refusals and the room
table show what the API answers, that they follow the simulation, that full rooms
are marked, that a room's seats open on a click, that the page logs no console
error and asks no host but the server; it saves build/dashboard.png (1280x800) and
build/dashboard-phone.png (390x844) and stops the server with SIGTERM (exit 0
within 5 s).

The page polls every second, so it may be one poll behind any read of ours: each
check compares the DOM with the bodies the page itself received (recorded from
the browser) and those with two reads of our own (urllib) that bracket them.

Run: python -m pytest tests/serve/test_browser.py (add --noconftest where the
Python binding that tests/serve/conftest.py imports is not installed; this file
needs none of its fixtures). Without Chromium or Playwright the tests are skipped,
unless VOIPSIGN_BROWSER_REQUIRED=1.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("VOIPSIGN_BIN") or REPO / "target" / "release" / "voipsign")
CHROMIUM = Path(os.environ.get("VOIPSIGN_CHROMIUM") or "/usr/bin/chromium")
SHOTS = REPO / "build"
LIMIT = 300
WARNING = LIMIT * 9 // 10          # the default warning line: 90 % of the limit
START_TIMEOUT = 30.0               # s for /api/status to answer (a busy 2-core machine)
STOP_TIMEOUT = 5.0                 # s from SIGTERM to exit 0
FILL_TIMEOUT = 30.0                # s for the page to show every view
HTTP_TIMEOUT = 5.0


def _required() -> bool:
    return os.environ.get("VOIPSIGN_BROWSER_REQUIRED") == "1"


def _missing(msg: str) -> None:
    if _required():
        pytest.fail(msg + " (VOIPSIGN_BROWSER_REQUIRED=1)")
    pytest.skip(msg)


try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    if _required():
        raise
    pytest.skip("playwright is not installed: pip install -r tests/serve/browser_requirements.txt",
                allow_module_level=True)


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.base + path, timeout=HTTP_TIMEOUT) as resp:
            assert resp.status == 200, (path, resp.status)
            assert resp.headers.get("content-type", "").startswith("application/json"), path
            return json.loads(resp.read())

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _ready(server: Server) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            return False
        try:
            if server.get("/api/status").get("ledgerUp") is True:
                return True
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not BIN.is_file():
        pytest.fail(f"{BIN} is missing: `cargo build --release -p voipsign-cli` (or set VOIPSIGN_BIN)")
    log = tmp_path_factory.mktemp("serve") / "server.log"
    srv = None
    for _attempt in range(3):  # the free port may be taken before the server binds it
        port = free_port()
        argv = [str(BIN), "rooms", "serve", "--listen", f"127.0.0.1:{port}", "--simulate",
                "--daily-room-limit", str(LIMIT)]
        with open(log, "wb") as out:
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        srv = Server(proc, port, log)
        if _ready(srv):
            break
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if "in use" not in srv.output().lower():
            pytest.fail(f"the server did not answer /api/status: {' '.join(argv)}\n{srv.output()}")
    else:
        pytest.fail(f"the server did not start\n{srv.output() if srv else ''}")
    try:
        yield srv
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Dash:
    """The page and what it did: its console errors, the hosts it asked, the API
    bodies it received (in order)."""
    page: Page
    server: Server
    errors: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)
    foreign: list[str] = field(default_factory=list)
    bodies: dict[str, list[Any]] = field(default_factory=lambda: {"usage": [], "rooms": [], "room": []})

    def polls(self) -> int:
        return int(self.page.evaluate("() => Number(document.body.dataset.polls || 0)"))

    def wait_polls(self, n: int = 2, timeout: float = 15.0) -> None:
        """Wait until the page finished n more rounds: the last one began after this call."""
        start = self.polls()
        self.page.wait_for_function(f"() => Number(document.body.dataset.polls || 0) >= {start + n}",
                                    timeout=timeout * 1000)


def watch(page: Page, server: Server) -> Dash:
    dash = Dash(page, server)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            dash.errors.append(f"console: {msg.text}")

    def on_request(req: Any) -> None:
        u = urllib.parse.urlsplit(req.url)
        if u.scheme in ("data", "about", "blob"):
            return
        dash.hosts.add(u.hostname or "")
        if u.hostname != "127.0.0.1" or u.port != server.port:
            dash.foreign.append(req.url)

    def on_response(resp: Any) -> None:
        path = urllib.parse.urlsplit(resp.url).path
        kind = ("usage" if path == "/api/usage" else "rooms" if path == "/api/rooms"
                else "room" if path.startswith("/api/rooms/") else None)
        if kind is None or resp.status != 200:
            return
        try:
            dash.bodies[kind].append(resp.json())
        except Exception as e:  # noqa: BLE001 - a body we cannot read is a failure below
            dash.errors.append(f"unreadable body of {resp.url}: {e!r}")
        del dash.bodies[kind][:-40]

    page.on("console", on_console)
    page.on("pageerror", lambda e: dash.errors.append(f"pageerror: {e}"))
    page.on("request", on_request)
    page.on("response", on_response)
    return dash


FILLED = """() => {
  const g = document.getElementById('gauge');
  const bars = document.querySelectorAll('#hour-chart rect[data-hour][data-kind]');
  const rows = document.querySelectorAll('#rooms tbody tr[data-group-id]');
  return g && g.dataset.limit !== '' && bars.length === 48 && rows.length > 0
    && document.getElementById('openings').textContent.trim() !== '–';
}"""


def open_dash(browser: Browser, server: Server, width: int, height: int, **ctx: Any) -> Dash:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="dark", **ctx)
    page = context.new_page()
    dash = watch(page, server)
    page.goto(server.base + "/", wait_until="load")
    page.wait_for_function(FILLED, timeout=FILL_TIMEOUT * 1000)
    return dash


@pytest.fixture(scope="module")
def dash(browser: Browser, server: Server) -> Iterator[Dash]:
    d = open_dash(browser, server, 1280, 800)
    try:
        yield d
    finally:
        d.page.context.close()


# --------------------------------------------------------------------------- reading the DOM

SNAPSHOT = """() => {
  const num = (el) => {
    if (!el) return null;
    const d = el.textContent.replace(/[^0-9]/g, '');
    return d === '' ? null : Number(d);
  };
  const id = (x) => num(document.getElementById(x));
  const g = document.getElementById('gauge');
  const refusals = {};
  for (const tr of document.querySelectorAll('#refusals tr[data-reason]'))
    refusals[tr.dataset.reason] = num(tr.querySelector('.count'));
  const bars = {openings: Array(24).fill(null), refused: Array(24).fill(null)};
  for (const r of document.querySelectorAll('#hour-chart rect[data-hour][data-kind]'))
    bars[r.dataset.kind][Number(r.dataset.hour)] = Number(r.dataset.value);
  const rooms = [...document.querySelectorAll('#rooms tbody tr[data-group-id]')].map((tr) => ({
    groupId: tr.dataset.groupId, seats: Number(tr.dataset.seats), capacity: Number(tr.dataset.capacity),
    full: tr.classList.contains('full'), badge: !!tr.querySelector('.full-badge'),
    text: tr.textContent,
  }));
  return {
    gauge: {openings: Number(g.dataset.openings), limit: Number(g.dataset.limit),
            warning: Number(g.dataset.warning), level: g.dataset.level},
    openings: id('openings'), limit: id('limit'), warning: id('warning'),
    liveRooms: id('live-rooms'), liveSeats: id('live-seats'), peakSeats: id('peak-seats'),
    admissions: id('admissions'), leaves: id('leaves'), expired: id('expired'),
    refusals, bars, rooms,
    more: !document.getElementById('rooms-more').hidden,
    storeDown: !document.getElementById('store-down').hidden,
    store: document.getElementById('store').textContent,
    updated: document.getElementById('updated').textContent,
  };
}"""

# The counters that only grow during a day (a bracket A <= x <= B holds for them).
GROWING = ("openings", "admissions", "leaves", "expired", "peakSeats", "refusedRoomFull",
           "refusedDailyLimit", "refusedMemberLimit", "heartbeatsRefused")
REASONS = {"room_full": "refusedRoomFull", "daily_room_limit": "refusedDailyLimit",
           "member_daily_limit": "refusedMemberLimit", "not_admitted": "heartbeatsRefused"}


def shows_usage(dom: dict[str, Any], u: dict[str, Any]) -> bool:
    """Whether every number the DOM shows is that of usage body `u`."""
    expect = {
        "openings": u["openings"], "limit": u["dailyRoomLimit"], "warning": u["dailyRoomWarning"],
        "liveRooms": u["liveRooms"], "liveSeats": u["liveSeats"], "peakSeats": u["peakSeats"],
        "admissions": u["admissions"], "leaves": u["leaves"], "expired": u["expired"],
    }
    if any(dom[k] != v for k, v in expect.items()):
        return False
    g = dom["gauge"]
    if (g["openings"], g["limit"], g["warning"]) != (u["openings"], u["dailyRoomLimit"], u["dailyRoomWarning"]):
        return False
    if any(dom["refusals"].get(r) != u[f] for r, f in REASONS.items()):
        return False
    return dom["bars"] == {"openings": u["hours"]["openings"], "refused": u["hours"]["refused"]}


def shows_rooms(dom: dict[str, Any], page_body: dict[str, Any]) -> bool:
    want = [(r["groupId"], r["seats"], r["capacity"], bool(r["full"])) for r in page_body["rooms"]]
    got = [(r["groupId"], r["seats"], r["capacity"], r["full"]) for r in dom["rooms"]]
    return want == got and dom["more"] == (page_body["next"] is not None)


def retry(check: Callable[[], str | None], attempts: int = 6) -> None:
    """Run check() until it returns None (agreed); fail with its last complaint."""
    why = None
    for _ in range(attempts):
        why = check()
        if why is None:
            return
    pytest.fail(why or "no agreement")


def usage_path(app: str) -> str:
    return "/api/usage?appId=" + urllib.parse.quote(app, safe="")


def rooms_path(app: str) -> str:
    return "/api/rooms?appId=" + urllib.parse.quote(app, safe="") + "&limit=100"


def served_app(server: Server) -> str:
    apps = server.get("/api/apps")["apps"]
    assert apps, "the simulation's appId is not listed by /api/apps"
    return str(apps[0])


# --------------------------------------------------------------------------- the tests


def test_page_loads_its_own_assets_only(dash: Dash) -> None:
    page = dash.page
    assert page.title() == "voipsign rooms"
    assert page.locator("header h1").text_content() == "voipsign rooms"
    status = dash.server.get("/api/status")
    assert page.locator("#store").text_content() == status["store"] == "simulated memory"
    app = served_app(dash.server)
    assert page.locator("#app").input_value() == app
    assert page.locator("#store-down").is_hidden()
    assert page.locator("#updated").text_content() not in ("", "never")
    # Every script and style is the server's own: nothing inline that a CSP would refuse.
    assert page.evaluate("() => [...document.scripts].every((s) => s.src.startsWith(location.origin))")


def test_gauge_tiles_chart_and_refusals_show_the_usage(dash: Dash) -> None:
    srv = dash.server
    app = served_app(srv)

    def check() -> str | None:
        a = srv.get(usage_path(app))
        dash.wait_polls(2)           # the page's last round began after `a`
        dom = dash.page.evaluate(SNAPSHOT)
        b = srv.get(usage_path(app))
        mine = [u for u in dash.bodies["usage"] if a["now"] <= u["now"] <= b["now"]]
        shown = [u for u in mine if shows_usage(dom, u)]
        if not shown:
            return f"the page shows {dom} and received {mine[-2:]} between {a} and {b}"
        u = shown[-1]
        for name in GROWING:          # the page's body lies between our two reads
            assert a[name] <= u[name] <= b[name], (name, a[name], u[name], b[name])
        for series in ("openings", "refused"):
            assert all(x <= y <= z for x, y, z in zip(a["hours"][series], u["hours"][series],
                                                      b["hours"][series])), series
        assert u["dailyRoomLimit"] == LIMIT and u["dailyRoomWarning"] == WARNING
        assert dom["limit"] == LIMIT and dom["warning"] == WARNING
        # The gauge's colour follows the quota.
        level = "limit" if u["openings"] >= LIMIT else "warning" if u["openings"] >= WARNING else "ok"
        assert dom["gauge"]["level"] == level, (dom["gauge"], u["openings"])
        return None

    retry(check)
    text = dash.page.locator("#quota-text").text_content() or ""
    assert re.search(r"of\s+300\s+rooms opened today", text), text
    # The chart: 24 hours of two series, hour labels, the current hour marked.
    chart = dash.page.locator("#hour-chart")
    assert chart.locator("rect[data-kind='openings']").count() == 24
    assert chart.locator("rect[data-kind='refused']").count() == 24
    hour = int(chart.get_attribute("data-current-hour") or -1)
    u = srv.get(usage_path(app))
    expected_hour = ((u["now"] + 480 * 60_000) // 3_600_000) % 24     # the default day offset
    assert hour in (expected_hour, (expected_hour - 1) % 24), (hour, expected_hour)
    assert chart.locator(f"rect.current[data-hour='{hour}']").count() == 2
    assert chart.locator("text.hour-label.now").text_content().lstrip("0") in (str(hour), "")
    # This hour (or the last, when one began since) holds the simulation's openings:
    # it started seconds ago.
    recent = sum(int(chart.locator(f"rect[data-kind='openings'][data-hour='{h}']").get_attribute("data-value"))
                 for h in (hour, (hour - 1) % 24))
    assert recent > 0 or sum(u["hours"]["openings"]) == 0, u["hours"]


def test_numbers_follow_the_simulation(dash: Dash) -> None:
    before = dash.page.evaluate(SNAPSHOT)
    dash.page.wait_for_function(
        """([o, a]) => {
          const n = (id) => Number(document.getElementById(id).textContent.replace(/[^0-9]/g, ''));
          return n('openings') > o || n('admissions') > a;
        }""", arg=[before["openings"], before["admissions"]], timeout=15_000)
    after = dash.page.evaluate(SNAPSHOT)
    assert (after["openings"], after["admissions"]) > (before["openings"], before["admissions"]), (before, after)
    assert after["updated"] != before["updated"] or dash.polls() > 0


def test_room_table_shows_the_rooms_and_marks_full_ones(dash: Dash) -> None:
    srv = dash.server
    app = served_app(srv)
    # 200 phones in 20 rooms of 10 fill some within ~20 s: wait for the API to say so.
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not any(r["full"] for r in srv.get(rooms_path(app))["rooms"]):
        time.sleep(0.5)

    def check() -> str | None:
        a = srv.get(rooms_path(app))
        dash.wait_polls(2)
        dom = dash.page.evaluate(SNAPSHOT)
        b = srv.get(rooms_path(app))
        matches = [p for p in dash.bodies["rooms"][-6:] if shows_rooms(dom, p)]
        if not matches:
            return f"the table {dom['rooms']} is none of the pages the page received"
        groups = {r["groupId"] for r in a["rooms"]} | {r["groupId"] for r in b["rooms"]}
        shown = {r["groupId"] for r in dom["rooms"]}
        if not shown <= groups:
            return f"the table shows rooms {sorted(shown - groups)} that neither read of the API had"
        return None

    retry(check)
    dom = dash.page.evaluate(SNAPSHOT)
    assert dom["rooms"], "no live room in the table"
    for r in dom["rooms"]:
        assert r["full"] == (r["seats"] >= r["capacity"]), r     # the API's `full`, as marked
        assert r["badge"] == r["full"], r
        assert r["capacity"] == 10, r
        assert f"{r['seats']}/{r['capacity']}" in r["text"], r
        assert "ago" in r["text"], r
    api_full = [r for r in srv.get(rooms_path(app))["rooms"] if r["full"]]
    if api_full:
        assert any(r["full"] for r in dom["rooms"]), "the API has full rooms and the table marks none"
        row = dash.page.locator("#rooms tbody tr.full").first
        assert row.locator(".full-badge").text_content() == "FULL"
    assert dom["more"] is False  # 20 rooms: one page


def test_a_click_shows_the_rooms_seats(dash: Dash) -> None:
    page = dash.page
    row = page.locator("#rooms tbody tr[data-group-id]").first
    group = row.get_attribute("data-group-id")
    row.click()
    page.wait_for_function(
        """(g) => !document.getElementById('room-detail').hidden
              && document.getElementById('detail-group').textContent === g
              && document.querySelectorAll('#members tbody tr').length > 0""", arg=group, timeout=10_000)
    dash.wait_polls(1)
    shown = page.evaluate("() => [...document.querySelectorAll('#members tbody tr td.member')].map((td) => td.textContent)")
    bodies = [b for b in dash.bodies["room"] if b["groupId"] == group]
    assert bodies, "the page did not ask for the room's seats"
    assert any([m["memberId"] for m in b["members"]] == shown for b in bodies[-4:]), (shown, bodies[-2:])
    # Member ids arrive masked (docs/DASHBOARD.md: 4 characters and "…") and are shown so.
    assert shown and all(m.endswith("\u2026") and len(m) == 5 for m in shown), shown
    # A second click closes it.
    page.locator(f"#rooms tbody tr[data-group-id='{group}']").click()
    page.wait_for_function("() => document.getElementById('room-detail').hidden", timeout=5_000)


def test_screenshots(dash: Dash, browser: Browser) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    dash.wait_polls(1)
    wide = SHOTS / "dashboard.png"
    dash.page.screenshot(path=str(wide), full_page=True)
    assert wide.stat().st_size > 10_000
    phone = open_dash(browser, dash.server, 390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = phone.page
        # One column and text of 16 px or more.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16, size
        tops = page.evaluate("""() => ['.quota', '.tiles', '.hours', '.refusals-card', '.rooms-card']
            .map((s) => document.querySelector(s).getBoundingClientRect().left)""")
        assert len(set(round(t) for t in tops)) == 1, tops
        phone.wait_polls(1)
        path = SHOTS / "dashboard-phone.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        assert not phone.errors, phone.errors
        assert not phone.foreign, phone.foreign
    finally:
        phone.page.context.close()


def test_no_console_error_and_no_other_host(dash: Dash) -> None:
    dash.wait_polls(1)
    assert not dash.errors, dash.errors
    assert not dash.foreign, f"requests to other hosts: {dash.foreign}"
    assert dash.hosts == {"127.0.0.1"}, dash.hosts


def test_sigterm_stops_the_server(server: Server, dash: Dash) -> None:
    server.proc.send_signal(signal.SIGTERM)
    try:
        rc = server.proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()
        pytest.fail(f"the server did not exit within {STOP_TIMEOUT} s of SIGTERM\n{server.output()}")
    assert rc == 0, (rc, server.output())
