"""The scenario builder of tests/vectors/gen_rooms.py: class Scenario records steps and
the answer of the model (rooms_model.Ledger) to each, plus the usage record after
every step; has() and ids() help the scenarios assert that they reach their case.

A module of its own so that gen_rooms.py (run as a script) and the scenario modules
beside it share one Scenario class and one list of scenarios.
"""
import copy
import json
from datetime import datetime, timedelta, timezone

from rooms_model import Ledger, Refused, valid_app

APP, APP2 = "wx20afc706a711eefc", "wxd930ea5d5a258f4f"
GROUP, GROUP2, GROUP3, GROUP4 = "1559129713_672975982", "room-2", "room-3", "room-4"
KEY = "gDyVgzwa0mFz9uUP7M6GQQ=="
BAD_KEY = "gDyVgzwa0mFz9uUP7M6GQQ="  # 23 characters
S = 1000
BEIJING = timezone(timedelta(hours=8))


def at(y, mo, d, h=0, mi=0, s=0, ms=0, tz=BEIJING):
    """Unix milliseconds of a wall-clock time in tz (Beijing unless told)."""
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (datetime(y, mo, d, h, mi, s, tzinfo=tz) - epoch) // timedelta(milliseconds=1) + ms


T0 = at(2024, 6, 1, 12)  # noon in Beijing


class Scenario:
    """Records steps and the model's answer to each. Step methods return the
    expectation (a dict) or the error code (a str); counted() returns the usage
    record written after the last step.

    After every step whose appId is valid, the step gets "usage": what usage(appId)
    at the step's nowMs answers right after it. With probe_in_place False it is
    computed on a copy of the ledger (the steps run as if no one asked), with True
    on the ledger itself (as the suites do, calling usage after each step): build()
    makes both and checks that they are the same document."""

    all = []
    probe_in_place = False

    def __init__(self, name, about, **rules):
        self.data = {"name": name, "about": about, "rules": rules}
        try:
            self.ledger = Ledger(rules)
        except Refused as e:
            self.data["error"] = e.code
        self.data["steps"] = []
        self.now = 0
        Scenario.all.append(self.data)

    def _step(self, op, now, **fields):
        assert now >= self.now, (self.data["name"], now)
        self.now = now
        step = {"op": op, **fields, "nowMs": now}
        try:
            step["expect"] = getattr(self.ledger, op)(nowMs=now, **fields)
        except Refused as e:
            step["error"] = e.code
        app = fields["appId"]
        if valid_app(app):
            probe = self.ledger if Scenario.probe_in_place else copy.deepcopy(self.ledger)
            step["usage"] = probe.usage(appId=app, day=None, nowMs=now)
            probe.check_invariants(app, now)
        self.data["steps"].append(step)
        return json.loads(json.dumps(step.get("expect", step.get("error"))))  # a copy

    def counted(self):
        """The usage record after the last step (a copy)."""
        return json.loads(json.dumps(self.data["steps"][-1]["usage"]))

    # The step methods default to APP and GROUP; "" is a real (bad) value, not a default.
    def admit(self, member, now, group=None, app=None):
        return self._step("admit", now, **where(app, group), memberId=member)

    def issue(self, member, now, key=KEY, room_type=None, group=None, app=None):
        extra = {} if room_type is None else {"roomType": room_type}
        return self._step("admit_and_issue", now, **where(app, group), memberId=member, sessionKey=key, **extra)

    def heartbeat(self, member, now, group=None, app=None):
        return self._step("heartbeat", now, **where(app, group), memberId=member)

    def leave(self, member, now, group=None, app=None):
        return self._step("leave", now, **where(app, group), memberId=member)

    def sync(self, open_ids, now, group=None, app=None):
        return self._step("sync", now, **where(app, group), openIds=list(open_ids))

    def room(self, now, group=None, app=None):
        return self._step("room", now, **where(app, group))

    def usage(self, now, day=None, app=None):
        return self._step("usage", now, appId=APP if app is None else app, day=day)

    def rooms(self, now, limit=None, after=None, app=None):
        """The "rooms" op: limit and after are written to the step only when given."""
        extra = {k: v for k, v in (("limit", limit), ("after", after)) if v is not None}
        return self._step("rooms", now, appId=APP if app is None else app, **extra)


def where(app, group):
    return {"appId": APP if app is None else app, "groupId": GROUP if group is None else group}


def has(result, **want):
    """Assert a subset of an expectation (the scenario reaches its case); return it."""
    assert isinstance(result, dict) and all(result[k] == v for k, v in want.items()), (result, want)
    return result


def ids(room):
    return [m["memberId"] for m in room["members"]]


def groups(page):
    return [r["groupId"] for r in page["rooms"]]
