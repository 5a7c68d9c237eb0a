"""onVoIPChatMembersChanged by long poll at /_phone/events."""

import threading
import time

from conftest import FAST

EV = "onVoIPChatMembersChanged"


def timed(f, *a, **kw):
    t = time.monotonic()
    v = f(*a, **kw)
    return v, time.monotonic() - t


class Poll(threading.Thread):
    """One events request held in the background."""

    def __init__(self, e, phone, after):
        super().__init__(daemon=True)
        self.e, self.phone, self.after = e, phone, after
        self.result = None
        self.start()
        time.sleep(0.15)  # let the request reach the emulator and be held

    def run(self):
        self.t0 = time.monotonic()
        self.result = self.e.events(self.phone, self.after)
        self.elapsed = time.monotonic() - self.t0


def test_poll_returns_at_once_with_a_waiting_event(start_emulator):
    e = start_emulator("--poll-timeout-ms", "5000", "--drop-after-ms", "0")
    o1, k1 = e.login("p1")
    o2, k2 = e.login("p2")
    e.join("p1", "g", k1)
    e.join("p2", "g", k2)
    r, dt = timed(e.events, "p1", 0)
    assert dt < 1.0, dt
    assert r == {"events": [{"seq": 1, "type": EV, "groupId": "g",
                             "openIdList": [o1, o2], "errCode": 0}], "next": 1}
    # after defaults to 0
    r = e.get("/_phone/events", {"appId": "wx20afc706a711eefc", "phone": "p1"})
    assert r.status == 200 and r["next"] == 1 and len(r["events"]) == 1


def test_poll_wakes_on_join_and_exit(start_emulator):
    e = start_emulator("--poll-timeout-ms", "5000", "--drop-after-ms", "0")
    o1, k1 = e.login("p1")
    o2, k2 = e.login("p2")
    o3, k3 = e.login("p3")
    e.join("p1", "g", k1)
    e.join("p2", "g", k2)
    assert e.events("p1", 0)["next"] == 1

    held = Poll(e, "p1", 1)
    assert held.result is None  # still held: nothing new
    assert e.join("p3", "g", k3)["errCode"] == 0
    held.join(3)
    assert held.result is not None and held.elapsed < 2.0
    assert held.result == {"events": [{"seq": 2, "type": EV, "groupId": "g",
                                       "openIdList": [o1, o2, o3], "errCode": 0}], "next": 2}

    held1 = Poll(e, "p1", 2)
    held3 = Poll(e, "p3", 0)  # the joiner got no event for its own join
    assert held3.result is None
    e.exit("p2")
    for h in (held1, held3):
        h.join(3)
        assert h.result is not None and h.elapsed < 2.0
    assert held1.result["events"] == [{"seq": 3, "type": EV, "groupId": "g",
                                       "openIdList": [o1, o3], "errCode": 0}]
    assert held3.result == {"events": [{"seq": 1, "type": EV, "groupId": "g",
                                        "openIdList": [o1, o3], "errCode": 0}], "next": 1}
    # the leaver gets nothing for its own exit
    assert e.events("p2", 0)["events"] == [
        {"seq": 1, "type": EV, "groupId": "g", "openIdList": [o1, o2, o3], "errCode": 0}]
    # the whole history is there from after=0
    assert [x["seq"] for x in e.events("p1", 0)["events"]] == [1, 2, 3]


def test_poll_times_out_empty(start_emulator):
    e = start_emulator("--poll-timeout-ms", "300", "--drop-after-ms", "0")
    _, k1 = e.login("p1")
    _, k2 = e.login("p2")
    e.join("p1", "g", k1)
    r, dt = timed(e.events, "p2", 0)  # the joiner has no event
    assert r == {"events": [], "next": 0}
    assert 0.25 <= dt < 2.0, dt
    e.join("p2", "g", k2)
    r, dt = timed(e.events, "p1", 1)
    assert r == {"events": [], "next": 1}
    assert 0.25 <= dt < 2.0, dt
    # a phone that never logged in can poll (and gets nothing)
    r, dt = timed(e.events, "stranger", 0)
    assert r == {"events": [], "next": 0}


def test_events_bad_queries(start_emulator):
    e = start_emulator(*FAST)
    r = e.get("/_phone/events", {"appId": "wxunknown", "phone": "p1"})
    assert r.status == 404 and r["error"] == "UNKNOWN_APP"
    r = e.get("/_phone/events", {"appId": "wx20afc706a711eefc"})
    assert r.status == 400 and r["error"] == "BAD_REQUEST" and "phone" in r["message"]
    r = e.get("/_phone/events", {"appId": "wx20afc706a711eefc", "phone": "p1", "after": "x"})
    assert r.status == 400 and r["error"] == "BAD_REQUEST" and "after" in r["message"]
    r = e.get("/_phone/events", {"phone": "p1"})
    assert r.status == 400 and "appId" in r["message"]


def test_last_256_events_are_kept(start_emulator):
    e = start_emulator(*FAST)
    _, k1 = e.login("p1")
    _, k2 = e.login("p2")
    e.join("p1", "g", k1)
    for _ in range(130):  # each join and each exit of p2 is an event for p1
        assert e.join("p2", "g", k2)["errCode"] == 0
        e.exit("p2")
    r = e.events("p1", 0)
    seqs = [x["seq"] for x in r["events"]]
    assert seqs == list(range(5, 261)) and r["next"] == 260
    assert [len(x["openIdList"]) for x in r["events"][-2:]] == [2, 1]
    assert e.events("p1", 258)["events"][0]["seq"] == 259
