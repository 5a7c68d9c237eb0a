"""A phone in a room that stops polling events for --drop-after-ms is dropped."""

import threading
import time

from conftest import wait_for


class Keeper(threading.Thread):
    """A phone that keeps polling its events (its presence), collecting them."""

    def __init__(self, e, phone):
        super().__init__(daemon=True)
        self.e, self.phone = e, phone
        self.events = []
        self.halt = threading.Event()
        self.start()

    def run(self):
        after = 0
        while not self.halt.is_set():
            r = self.e.events(self.phone, after)
            self.events.extend(r["events"])
            after = r["next"]

    def stop(self):
        self.halt.set()
        self.join(3)
        assert not self.is_alive()


def members(e, group):
    room = e.room(group)
    return room["openIdList"] if room else None


def test_silent_phone_is_dropped_polling_ones_stay(start_emulator):
    e = start_emulator("--drop-after-ms", "800", "--poll-timeout-ms", "300")
    o1, k1 = e.login("p1")
    o2, k2 = e.login("p2")
    o3, k3 = e.login("p3")
    keepers = []
    for p, k in (("p1", k1), ("p2", k2)):
        assert e.join(p, "g", k)["errCode"] == 0
        keepers.append(Keeper(e, p))
    t_join = time.monotonic()
    assert e.join("p3", "g", k3)["errCode"] == 0  # p3 never polls
    try:
        time.sleep(0.4)  # a join counts as presence: not dropped yet
        assert members(e, "g") == [o1, o2, o3]
        assert e.rooms()["dropped"] == 0
        assert wait_for(lambda: members(e, "g") == [o1, o2], timeout=4.0), e.rooms()
        dt = time.monotonic() - t_join
        assert dt >= 0.75, dt
        assert e.rooms()["dropped"] == 1
        # the others got an event with the room after the drop
        assert wait_for(lambda: all(
            any(x["openIdList"] == [o1, o2] for x in k.events) for k in keepers), timeout=2.0)
        for k in keepers:
            assert k.events[-1] == {"seq": k.events[-1]["seq"],
                                    "type": "onVoIPChatMembersChanged", "groupId": "g",
                                    "openIdList": [o1, o2], "errCode": 0}
        # the pollers stay well past the drop time
        time.sleep(1.0)
        assert members(e, "g") == [o1, o2]
        assert e.rooms()["dropped"] == 1
        # the dropped phone is in no room: its exit finds none, a join works
        assert e.exit("p3")["groupId"] is None
    finally:
        for k in keepers:
            k.stop()
    # once everyone is silent, everyone is dropped and the room is gone
    assert wait_for(lambda: e.rooms()["rooms"] == [], timeout=4.0), e.rooms()
    assert e.rooms()["dropped"] == 3


def test_drop_after_zero_never_drops(start_emulator):
    e = start_emulator("--drop-after-ms", "0", "--poll-timeout-ms", "300")
    o1, k1 = e.login("p1")
    e.join("p1", "g", k1)
    time.sleep(1.0)
    assert members(e, "g") == [o1]
    assert e.rooms()["dropped"] == 0


def test_held_poll_counts_as_presence(start_emulator):
    # one poll held longer than the drop time keeps the phone
    e = start_emulator("--drop-after-ms", "500", "--poll-timeout-ms", "1500")
    o1, k1 = e.login("p1")
    e.join("p1", "g", k1)
    t = time.monotonic()
    r = e.events("p1", 0)
    assert r == {"events": [], "next": 0}
    assert time.monotonic() - t >= 1.4
    assert members(e, "g") == [o1]  # still there right after the held poll ended
    assert wait_for(lambda: members(e, "g") is None, timeout=3.0)
