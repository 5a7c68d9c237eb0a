// The dashboard of `voipsign rooms serve` (docs/DASHBOARD.md): polls the JSON API
// every second (one request at a time, 2 s after an error) and draws the quota,
// the tiles, the hours, the refusals and the live rooms. Every string from the
// API reaches the DOM through textContent or setAttribute, never as markup.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const POLL_MS = 1000;
  const ERROR_MS = 2000;
  const TIMEOUT_MS = 10000;
  const APPS_EVERY_MS = 30000;
  const ROOMS_PAGE = 100;

  const state = {
    apps: [],
    appsAt: 0,
    app: "",
    selected: null,   // groupId whose seats are shown
    skew: 0,          // server clock minus ours, ms
    lastOk: 0,
    polls: 0,         // rounds that answered (data-polls on <body>, for tests)
    chart: null,      // the hour chart's elements, built once
  };

  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ helpers

  function fmt(n) {
    if (n === null || n === undefined || !Number.isFinite(Number(n))) return "–";
    // "1 234 567": groups of three with a narrow no-break space.
    return String(Math.trunc(Number(n))).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  function setText(id, text) {
    const e = typeof id === "string" ? $(id) : id;
    if (e && e.textContent !== text) e.textContent = text;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setAttrs(e, attrs) {
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }

  function svg(tag, attrs) { return setAttrs(document.createElementNS(SVG, tag), attrs); }

  function pad2(n) { return String(n).padStart(2, "0"); }

  function clock(ms) {
    const d = new Date(ms);
    return pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + ":" + pad2(d.getSeconds());
  }

  function serverNow() { return Date.now() + state.skew; }

  function ago(ms) {
    const s = Math.max(0, Math.round((serverNow() - ms) / 1000));
    const m = Math.floor(s / 60);
    return s < 60 ? s + " s ago" : m < 60 ? m + " min ago" : Math.floor(m / 60) + " h " + (m % 60) + " min ago";
  }

  function until(ms) {
    const s = Math.round((ms - serverNow()) / 1000);
    return s <= 0 ? "now" : "in " + s + " s";
  }

  // -------------------------------------------------------------------- fetch

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message || code || ("HTTP " + status));
      this.status = status;
      this.code = code || "";
    }
  }

  async function getJSON(path) {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    let resp;
    try {
      resp = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store", signal: ctl.signal });
    } catch (e) {
      throw new ApiError(0, "NETWORK", ctl.signal.aborted ? "no answer within 10 s" : "the server cannot be reached");
    } finally {
      clearTimeout(t);
    }
    let body = null;
    try { body = await resp.json(); } catch (e) { body = null; }
    if (!resp.ok) {
      const err = body && body.error ? body.error : {};
      throw new ApiError(resp.status, String(err.code || ""), String(err.message || ""));
    }
    if (body === null || typeof body !== "object") throw new ApiError(resp.status, "BAD_BODY", "not a JSON object");
    return body;
  }

  const q = encodeURIComponent;

  // ------------------------------------------------------------------ banners

  function showStoreDown(down, detail) {
    const b = $("store-down");
    if (b.hidden === down) b.hidden = !down;
    setText("store-down-detail", down ? (detail || "") : "");
    document.body.classList.toggle("is-down", down);
  }

  function showToken(needed) { $("token-required").hidden = !needed; }

  function showNetError(title, detail) {
    const b = $("net-error");
    b.hidden = !title;
    setText("net-error-title", title || "");
    setText("net-error-detail", detail || "");
  }

  function onError(e) {
    if (!(e instanceof ApiError)) e = new ApiError(0, "SCRIPT", String(e && e.message || e));
    if (e.status === 401) {
      showToken(true);
      showNetError("", "");
    } else if (e.status === 503 && e.code === "LEDGER_UNAVAILABLE") {
      showToken(false);
      showNetError("", "");
      showStoreDown(true, e.message);
    } else if (e.status === 404 && e.code === "APP_NOT_SERVED") {
      state.appsAt = 0;  // read the list again
      showNetError("app not served", state.app + ": " + e.message);
    } else if (e.status === 0) {
      showNetError("server not answering", e.message);
    } else {
      showNetError(e.code || ("HTTP " + e.status), e.message);
    }
    markStale();
  }

  function markStale() {
    const stale = state.lastOk > 0 && Date.now() - state.lastOk > 3000;
    $("updated").classList.toggle("stale", stale);
    document.body.classList.toggle("is-stale", stale);
  }

  // --------------------------------------------------------------------- apps

  function hashApp() {
    const m = /(?:^|[#&])app=([^&]*)/.exec(location.hash);
    if (!m) return "";
    try { return decodeURIComponent(m[1]); } catch (e) { return ""; }
  }

  function renderApps(apps) {
    const sel = $("app");
    const want = hashApp() || state.app;
    const list = apps.slice();
    if (want && list.indexOf(want) < 0 && list.length === 0) list.push(want);
    const same = sel.options.length === list.length &&
      list.every((a, i) => sel.options[i].value === a);
    if (!same) {
      const opts = (list.length ? list : [""]).map((a) => el("option", "", a || "no app seen today"));
      opts.forEach((o, i) => { o.value = list[i] || ""; });
      sel.replaceChildren(...opts);
    }
    const pick = list.indexOf(want) >= 0 ? want : (list[0] || "");
    if (pick !== state.app) selectApp(pick, false);
    sel.value = pick;
  }

  function selectApp(app, fromUser) {
    if (app === state.app) return;
    state.app = app;
    state.selected = null;
    $("room-detail").hidden = true;
    if (app && (fromUser || hashApp())) {
      const h = "#app=" + q(app);
      if (location.hash !== h) history.replaceState(null, "", h);
    }
  }

  async function loadApps() {
    const doc = await getJSON("/api/apps");
    state.apps = Array.isArray(doc.apps) ? doc.apps.map(String) : [];
    state.appsAt = Date.now();
    renderApps(state.apps);
  }

  // -------------------------------------------------------------------- quota

  function polar(f, r) {
    const a = Math.PI * (1 - Math.min(Math.max(f, 0), 1));
    return [110 + r * Math.cos(a), 110 - r * Math.sin(a)];
  }

  function renderGauge(u) {
    const openings = Number(u.openings) || 0;
    const limit = Number(u.dailyRoomLimit) || 0;
    const warning = Number(u.dailyRoomWarning);
    const g = $("gauge");
    const level = limit > 0 && openings >= limit ? "limit"
      : Number.isFinite(warning) && warning > 0 && openings >= warning ? "warning" : "ok";
    setAttrs(g, { "data-openings": openings, "data-limit": limit, "data-level": level,
      "data-warning": Number.isFinite(warning) ? warning : "" });
    const f = limit > 0 ? Math.min(openings / limit, 1) : 0;
    const fill = $("gauge-fill");
    const len = Math.round(f * 1000);
    fill.setAttribute("stroke-dasharray", len + " 1000");
    fill.style.visibility = len > 0 ? "visible" : "hidden";
    const wl = $("gauge-warn");
    if (limit > 0 && Number.isFinite(warning)) {
      const [x1, y1] = polar(warning / limit, 74);
      const [x2, y2] = polar(warning / limit, 106);
      setAttrs(wl, { x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1) });
      wl.style.visibility = "visible";
    } else {
      wl.style.visibility = "hidden";
    }
    const pct = limit > 0 ? (openings / limit) * 100 : 0;
    setText("gauge-pct", (pct < 10 && pct > 0 ? pct.toFixed(1) : Math.floor(pct)) + " %");
    setText("gauge-max", fmt(limit));
    setText("openings", fmt(openings));
    setText("limit", fmt(limit));
    setText("warning", Number.isFinite(warning) ? fmt(warning) : "–");
    const badge = $("quota-state");
    badge.hidden = level === "ok";
    badge.className = "badge " + level;
    setText(badge, level === "limit" ? "LIMIT REACHED" : level === "warning" ? "PAST WARNING" : "");
    document.querySelector(".quota").setAttribute("data-level", level);
  }

  // -------------------------------------------------------------------- tiles

  function renderTiles(u) {
    setText("live-rooms", fmt(u.liveRooms));
    setText("live-seats", fmt(u.liveSeats));
    setText("peak-seats", fmt(u.peakSeats));
    setText("admissions", fmt(u.admissions));
    setText("leaves", fmt(u.leaves));
    setText("expired", fmt(u.expired));
    setText("capacity-hint", u.capacity ? fmt(u.capacity) + " seats each" : "");
    const cap = Number(u.liveRooms) * Number(u.capacity);
    setText("seats-hint", cap > 0 ? "of " + fmt(cap) + " in the live rooms" : "");
    setText("renewals-hint", "renewals " + fmt(u.renewals));
  }

  function renderRefusals(u) {
    const counts = {
      room_full: Number(u.refusedRoomFull) || 0,
      daily_room_limit: Number(u.refusedDailyLimit) || 0,
      member_daily_limit: Number(u.refusedMemberLimit) || 0,
      not_admitted: Number(u.heartbeatsRefused) || 0,
    };
    const max = Math.max(1, ...Object.values(counts));
    for (const tr of $("refusals").querySelectorAll("tr[data-reason]")) {
      const n = counts[tr.getAttribute("data-reason")] || 0;
      tr.setAttribute("data-count", String(n));
      setText(tr.querySelector(".count"), fmt(n));
      tr.querySelector(".hbar > span").style.width = ((n / max) * 100).toFixed(1) + "%";
      tr.classList.toggle("zero", n === 0);
    }
  }

  // -------------------------------------------------------------- hour chart

  // The chart's frame, in viewBox units: one unit a CSS pixel (the chart is
  // built again for its width), so its text is as large as the page's.
  const CH = { w: 960, h: 250, left: 44, right: 6, top: 12, bottom: 28 };

  function niceMax(v) {
    if (v <= 4) return 4;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 4, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function buildChart() {
    const root = $("hour-chart");
    root.replaceChildren();
    const width = Math.round(root.getBoundingClientRect().width) || 960;
    CH.w = Math.max(300, Math.min(2400, width));
    CH.h = CH.w < 600 ? 200 : Math.round(Math.min(360, Math.max(230, CH.w * 0.27)));
    root.setAttribute("viewBox", "0 0 " + CH.w + " " + CH.h);
    const c = { ticks: [], bands: [], bars: { openings: [], refused: [] }, labels: [] };
    const pw = CH.w - CH.left - CH.right;
    const ph = CH.h - CH.top - CH.bottom;
    const slot = pw / 24;
    const gGrid = svg("g", { class: "grid-lines" });
    const gBands = svg("g", { class: "bands" });
    const gBars = svg("g", { class: "bars" });
    const gAxis = svg("g", { class: "axis" });
    root.append(gBands, gGrid, gBars, gAxis);
    for (let i = 0; i <= 4; i++) {
      const y = CH.top + ph - (ph * i) / 4;
      gGrid.appendChild(svg("line", { x1: CH.left, x2: CH.w - CH.right, y1: y, y2: y }));
      const t = svg("text", { x: CH.left - 6, y: y + 4, "text-anchor": "end", class: "tick" });
      gAxis.appendChild(t);
      c.ticks.push(t);
    }
    const bw = Math.max(2, slot * 0.36);
    for (let h = 0; h < 24; h++) {
      const x0 = CH.left + h * slot;
      const band = svg("rect", { x: x0, y: CH.top, width: slot, height: ph, class: "band" });
      gBands.appendChild(band);
      c.bands.push(band);
      ["openings", "refused"].forEach((kind, k) => {
        const r = svg("rect", {
          x: (x0 + slot * 0.12 + k * (bw + slot * 0.04)).toFixed(2), y: CH.top + ph, width: bw.toFixed(2),
          height: 0, class: "bar " + kind, "data-hour": h, "data-kind": kind, "data-value": 0,
        });
        r.appendChild(svg("title", {}));
        gBars.appendChild(r);
        c.bars[kind].push(r);
      });
      const lab = svg("text", { x: x0 + slot / 2, y: CH.h - 10, "text-anchor": "middle", class: "hour-label" + (slot >= 20 || h % (slot >= 12 ? 3 : 6) === 0 ? "" : " minor") });
      lab.textContent = slot >= 24 ? pad2(h) : String(h);
      gAxis.appendChild(lab);
      c.labels.push(lab);
    }
    gAxis.appendChild(svg("line", {
      x1: CH.left, x2: CH.w - CH.right, y1: CH.top + ph, y2: CH.top + ph, class: "baseline",
    }));
    c.ph = ph;
    c.width = width;
    c.compact = slot < 24;
    state.chart = c;
  }

  // The quota's day offset: given by the server if it ever says, else the first
  // of +08:00 (the default), the browser's zone and UTC that agrees with `day`.
  function dayOffsetMinutes(u) {
    if (Number.isFinite(u.dayOffsetMinutes)) return u.dayOffsetMinutes;
    const now = Number(u.now) || serverNow();
    for (const off of [480, -new Date(now).getTimezoneOffset(), 0]) {
      if (Math.floor((now + off * 60000) / 86400000) === u.day) return off;
    }
    return 480;
  }

  function renderHours(u) {
    state.lastUsage = u;
    if (!state.chart) buildChart();
    const c = state.chart;
    const hours = u.hours || {};
    const series = {
      openings: Array.isArray(hours.openings) ? hours.openings : [],
      refused: Array.isArray(hours.refused) ? hours.refused : [],
    };
    let max = 0;
    for (const k in series) for (const v of series[k]) max = Math.max(max, Number(v) || 0);
    const top = niceMax(max);
    c.ticks.forEach((t, i) => setText(t, fmt((top * i) / 4)));
    const off = dayOffsetMinutes(u);
    const now = Number(u.now) || serverNow();
    const hour = Math.floor((((now + off * 60000) % 86400000) + 86400000) % 86400000 / 3600000);
    for (const kind in series) {
      c.bars[kind].forEach((r, h) => {
        const v = Number(series[kind][h]) || 0;
        const bh = (v / top) * c.ph;
        setAttrs(r, { "data-value": v, height: bh.toFixed(2), y: (CH.top + c.ph - bh).toFixed(2) });
        r.classList.toggle("current", h === hour);
        setText(r.firstChild, pad2(h) + ":00 " + kind + ": " + fmt(v));
      });
    }
    c.bands.forEach((b, h) => b.classList.toggle("now", h === hour));
    c.labels.forEach((l, h) => {
      l.classList.toggle("now", h === hour);
      l.classList.toggle("near", c.compact && h !== hour && Math.abs(h - hour) === 1);
    });
    $("hour-chart").setAttribute("data-current-hour", String(hour));
    const sign = off < 0 ? "-" : "+";
    const a = Math.abs(off);
    const tz = "UTC" + sign + pad2(Math.floor(a / 60)) + ":" + pad2(a % 60);
    const so = series.openings.reduce((s, v) => s + (Number(v) || 0), 0);
    const sr = series.refused.reduce((s, v) => s + (Number(v) || 0), 0);
    setText("hours-note", "hours of the quota's day (" + tz + ") · " + fmt(so) + " openings, " +
      fmt(sr) + " refused admissions today");
  }

  // -------------------------------------------------------------------- rooms

  function roomRow(r) {
    const seats = Number(r.seats) || 0;
    const cap = Number(r.capacity) || 0;
    const full = r.full === true || (cap > 0 && seats >= cap);
    const tr = el("tr", full ? "full" : "");
    setAttrs(tr, { "data-group-id": r.groupId, "data-seats": seats, "data-capacity": cap });
    tr.tabIndex = 0;
    if (state.selected === String(r.groupId)) tr.classList.add("selected");
    const g = el("td", "group");
    g.appendChild(el("code", "", String(r.groupId)));
    if (full) g.appendChild(el("span", "badge full-badge", "FULL"));
    const s = el("td", "seats");
    const bar = el("span", "sbar");
    const fillEl = el("span", "");
    fillEl.style.width = (cap > 0 ? Math.min(100, (seats / cap) * 100) : 0).toFixed(1) + "%";
    bar.appendChild(fillEl);
    s.append(bar, el("span", "num", seats + "/" + cap));
    const since = el("td", "since");
    const opened = Number(r.openedAt);
    if (opened > 0) {
      const t = el("time", "", clock(opened));
      t.setAttribute("datetime", new Date(opened).toISOString());
      since.append(t, el("span", "ago", ago(opened)));
    } else {
      since.textContent = "–";
    }
    tr.append(g, s, since);
    return tr;
  }

  function renderRooms(doc) {
    const rooms = Array.isArray(doc.rooms) ? doc.rooms : [];
    const body = $("rooms").tBodies[0];
    const act = document.activeElement;
    const focused = act && body.contains(act) ? act.getAttribute("data-group-id") : null;
    const rows = rooms.map(roomRow);
    body.replaceChildren(...rows);
    if (focused !== null) {
      const again = rows.find((tr) => tr.getAttribute("data-group-id") === focused);
      if (again) again.focus({ preventScroll: true });
    }
    const full = rooms.filter((r) => r.full === true).length;
    const more = doc.next !== null && doc.next !== undefined;
    setText("rooms-count", fmt(rooms.length) + (more ? "+" : "") + (full ? " · " + fmt(full) + " full" : ""));
    $("rooms-empty").hidden = rooms.length > 0;
    $("rooms-more").hidden = !more;
    $("rooms").setAttribute("data-next", more ? String(doc.next) : "");
  }

  function pickRoom(tr) {
    if (!tr) return;
    const g = tr.getAttribute("data-group-id");
    if (state.selected === g) return closeDetail();
    state.selected = g;
    for (const r of $("rooms").querySelectorAll("tr.selected")) r.classList.remove("selected");
    tr.classList.add("selected");
    setText("detail-group", g);
    setText("detail-info", "loading…");
    $("members").tBodies[0].replaceChildren();
    $("room-detail").hidden = false;
    kick();
  }

  function closeDetail() {
    state.selected = null;
    $("room-detail").hidden = true;
    for (const r of $("rooms").querySelectorAll("tr.selected")) r.classList.remove("selected");
  }

  function renderDetail(doc) {
    if (String(doc.groupId) !== state.selected) return;
    const members = Array.isArray(doc.members) ? doc.members : [];
    setText("detail-group", String(doc.groupId));
    setText("detail-info", (doc.live ? "live" : "not live") + " · generation " + fmt(doc.generation) +
      " · " + fmt(members.length) + " of " + fmt(doc.capacity) + " seats");
    const rows = members.map((m) => {
      const tr = el("tr");
      tr.append(el("td", "member", String(m.memberId)),
        el("td", "", Number(m.since) > 0 ? clock(Number(m.since)) + " · " + ago(Number(m.since)) : "–"),
        el("td", "", Number(m.expires) > 0 ? clock(Number(m.expires)) + " · " + until(Number(m.expires)) : "–"));
      return tr;
    });
    $("members").tBodies[0].replaceChildren(...rows);
  }

  // ------------------------------------------------------------------ polling

  function renderStatus(st) {
    setText("store", String(st.store || "?"));
    if (Number(st.now) > 0) state.skew = Number(st.now) - Date.now();
    if (st.ledgerUp === false) {
      const e = st.error || {};
      showStoreDown(true, [e.code, e.message].filter(Boolean).join(": "));
    } else {
      showStoreDown(false);
    }
  }

  // One round: status, then (the store up) the apps when due, usage, rooms and
  // the chosen room, one request after the other. True when all answered.
  async function cycle() {
    const st = await getJSON("/api/status");
    showToken(false);
    renderStatus(st);
    if (st.ledgerUp === false) {
      showNetError("", "");
      markStale();
      return false;
    }
    if (!state.appsAt || Date.now() - state.appsAt > APPS_EVERY_MS || !state.app) await loadApps();
    const app = state.app;
    if (app) {
      const u = await getJSON("/api/usage?appId=" + q(app));
      if (app !== state.app) return true;
      renderGauge(u);
      renderTiles(u);
      renderRefusals(u);
      renderHours(u);
      const r = await getJSON("/api/rooms?appId=" + q(app) + "&limit=" + ROOMS_PAGE);
      if (app !== state.app) return true;
      renderRooms(r);
      const g = state.selected;
      if (g !== null) {
        const d = await getJSON("/api/rooms/" + q(g) + "?appId=" + q(app));
        if (app === state.app) renderDetail(d);
      }
    }
    showStoreDown(false);
    showNetError("", "");
    state.lastOk = Date.now();
    const u = $("updated");
    setText(u, clock(state.lastOk));
    u.setAttribute("datetime", new Date(state.lastOk).toISOString());
    u.classList.remove("stale");
    document.body.classList.remove("is-stale");
    state.polls += 1;
    document.body.setAttribute("data-ready", "1");
    document.body.setAttribute("data-polls", String(state.polls));
    return true;
  }

  let timer = null, running = false, pending = false;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  }

  async function run() {
    if (running) { pending = true; return; }
    running = true;
    let ok = false;
    try {
      ok = await cycle();
    } catch (e) {
      onError(e);
    } finally {
      running = false;
    }
    schedule(pending ? 0 : ok ? POLL_MS : ERROR_MS);
    pending = false;
  }

  // Poll now (after the round in flight, if any): never two rounds at once.
  function kick() {
    if (running) pending = true;
    else schedule(0);
  }

  function start() {
    buildChart();
    state.app = "";
    const sel = $("app");
    sel.addEventListener("change", () => {
      selectApp(sel.value, true);
      kick();
    });
    window.addEventListener("hashchange", () => {
      const a = hashApp();
      if (a && a !== state.app) {
        if (state.apps.indexOf(a) >= 0) sel.value = a;
        selectApp(a, true);
        kick();
      }
    });
    const rooms = $("rooms");
    rooms.addEventListener("click", (ev) => pickRoom(ev.target.closest("tr[data-group-id]")));
    rooms.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        pickRoom(ev.target.closest("tr[data-group-id]"));
      }
    });
    $("detail-close").addEventListener("click", closeDetail);
    setInterval(markStale, 1000);
    let resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        const w = Math.round($("hour-chart").getBoundingClientRect().width);
        if (state.chart && Math.abs(w - state.chart.width) < 8) return;
        buildChart();
        if (state.lastUsage) renderHours(state.lastUsage);
      }, 150);
    });
    run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
