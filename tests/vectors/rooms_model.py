"""The room ledger's independent model (docs/ROOMS.md) and the scenario builder of
tests/vectors/gen_rooms.py: input rules, the rules' defaults and ranges, seats,
leases, openings, the day counters, the member limit and the list of live rooms,
in plain Python (not voipsign's code)."""
import base64
import binascii
import json
from datetime import datetime, timedelta, timezone

DEFAULTS = {"capacity": 10, "dailyRoomLimit": 100000, "dailyRoomWarning": 90000, "memberDailyOpenings": 100,
            "reserveTtlMs": 60000, "leaseTtlMs": 45000, "syncGraceMs": 60000, "dayOffsetMinutes": 480, "onUnavailable": "allow"}
DAY_MS = 86_400_000

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


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


# --- input rules (docs/CONTRACT.md, docs/ROOMS.md) ---------------------------

def printable_ascii(s, most):
    b = s.encode("utf-8") if isinstance(s, str) else b""
    return 1 <= len(b) <= most and all(0x21 <= c <= 0x7E for c in b)


def check_app(app):
    if not printable_ascii(app, 64):
        raise Refused("INVALID_APP_ID")


def check_group(group):
    b = group.encode("utf-8") if isinstance(group, str) else b""
    if not 1 <= len(b) <= 1024 or any(c < 0x20 or c == 0x7F for c in b):
        raise Refused("INVALID_GROUP_ID")


def check_member(member):
    if not printable_ascii(member, 128):
        raise Refused("INVALID_MEMBER_ID")


def check_session_key(key):
    try:
        ok = len(key) == 24 and key.endswith("==") and len(base64.b64decode(key, validate=True)) == 16
    except (binascii.Error, ValueError):
        ok = False
    if not ok:
        raise Refused("INVALID_SESSION_KEY")


def resolve_rules(given):
    """The rules of a new ledger, or Refused("INVALID_RULES")."""
    assert set(given) <= set(DEFAULTS), given
    r = dict(given)
    r.setdefault("capacity", 10)
    r.setdefault("dailyRoomLimit", 100000)
    r.setdefault("dailyRoomWarning", r["dailyRoomLimit"] * 9 // 10)
    r.setdefault("memberDailyOpenings", 100)
    r.setdefault("reserveTtlMs", 60000)
    r.setdefault("leaseTtlMs", 45000)
    r.setdefault("syncGraceMs", r["reserveTtlMs"])
    r.setdefault("dayOffsetMinutes", 480)
    r.setdefault("onUnavailable", "allow")
    ok = (1 <= r["capacity"] <= 10
          and 1 <= r["dailyRoomLimit"] <= 100000
          and 0 <= r["dailyRoomWarning"] <= r["dailyRoomLimit"]
          and 0 <= r["memberDailyOpenings"] <= 100000
          and 1000 <= r["reserveTtlMs"] <= 3600000
          and 1000 <= r["leaseTtlMs"] <= 3600000
          and 0 <= r["syncGraceMs"] <= 3600000
          and -720 <= r["dayOffsetMinutes"] <= 840
          and r["onUnavailable"] in ("allow", "refuse"))
    if not ok:
        raise Refused("INVALID_RULES")
    return r


# --- the ledger model ---------------------------------------------------------

COUNTERS = ["openings", "admissions", "renewals", "refusedRoomFull", "refusedDailyLimit", "refusedMemberLimit",
            "heartbeatsRefused", "leaves", "adoptedBySync", "removedBySync", "expired", "peakSeats"]


class Ledger:
    """Rooms keyed by (appId, groupId): a generation, the time it became live and seats
    {member: [since, expires]}; counters keyed by (appId, day); openings of a member keyed by
    (appId, day, member) (docs/ROOMS.md, "Day counters")."""

    def __init__(self, rules):
        self.r = resolve_rules(rules)
        self.state = {}
        self.left = {}  # (app, group, member) -> when it left by leave (kept for syncGraceMs)
        self.counts = {}
        self.openers = {}

    def day(self, now):
        return (now + self.r["dayOffsetMinutes"] * 60000) // DAY_MS  # floor division

    def _count(self, app, day, name, n=1):
        c = self.counts.setdefault((app, day), dict.fromkeys(COUNTERS, 0))
        c[name] += n
        return c

    def _live(self, app, now):
        return sum(1 for (a, _), room in self.state.items() if a == app
                   for s in room["seats"].values() if now < s[1])

    def _expire(self, app, room, now):
        """Drop the room's ended seats, each counted `expired` on the day of its end."""
        for m, s in list(room["seats"].items()):
            if s[1] <= now:
                del room["seats"][m]
                self._count(app, self.day(s[1]), "expired")

    def _room(self, app, group, now):
        room = self.state.setdefault((app, group), {"generation": 0, "openedAt": 0, "seats": {}})
        self._expire(app, room, now)
        return room

    def _books(self, app, now, op):
        """Run op() as one operation of the app: the day's peak raised to the live seats before
        and after it (also when it is refused)."""
        before = self._live(app, now)
        try:
            return op()
        finally:
            after = self._live(app, now)
            c = self._count(app, self.day(now), "peakSeats", 0)
            c["peakSeats"] = max(c["peakSeats"], before, after)

    def _view(self, room):
        seats = room["seats"]
        members = [{"memberId": m, "since": seats[m][0], "expires": seats[m][1]}
                   for m in sorted(seats, key=lambda m: m.encode())]
        return {"members": members, "generation": room["generation"], "live": bool(seats)}

    def _admit(self, app, group, member, now):
        room = self._room(app, group, now)
        seats, day = room["seats"], self.day(now)
        seat = seats.get(member)
        renewed, opened = seat is not None, False
        if renewed:
            seat[1] = max(seat[1], now + self.r["reserveTtlMs"])
            self._count(app, day, "renewals")
        else:
            if len(seats) >= self.r["capacity"]:
                self._count(app, day, "refusedRoomFull")
                raise Refused("ROOM_FULL")
            if not seats:
                if self._count(app, day, "openings", 0)["openings"] >= self.r["dailyRoomLimit"]:
                    self._count(app, day, "refusedDailyLimit")
                    raise Refused("DAILY_ROOM_LIMIT")
                limit = self.r["memberDailyOpenings"]
                if limit > 0 and self.openers.get((app, day, member), 0) >= limit:
                    self._count(app, day, "refusedMemberLimit")
                    raise Refused("MEMBER_DAILY_LIMIT")
                opened = True
                room["generation"] += 1
                room["openedAt"] = now
                self._count(app, day, "openings")
                self.openers[(app, day, member)] = self.openers.get((app, day, member), 0) + 1
            seats[member] = [now, now + self.r["reserveTtlMs"]]
            self._count(app, day, "admissions")
        today = self._count(app, day, "openings", 0)["openings"]
        return {"opened": opened, "renewed": renewed, "members": len(seats), "generation": room["generation"],
                "roomsToday": today, "dailyRoomLimit": self.r["dailyRoomLimit"],
                "quotaWarning": today >= self.r["dailyRoomWarning"], "leaseExpiresAt": seats[member][1],
                "degraded": False}

    # Operations: each takes the step's own fields.
    def admit(self, appId, groupId, memberId, nowMs):
        check_app(appId), check_group(groupId), check_member(memberId)
        return self._books(appId, nowMs, lambda: self._admit(appId, groupId, memberId, nowMs))

    def admit_and_issue(self, appId, groupId, memberId, sessionKey, nowMs, roomType="voice"):
        check_app(appId), check_group(groupId)
        ts = nowMs // 1000
        if not 1 <= ts <= 9_999_999_999:
            raise Refused("INVALID_TIMESTAMP")
        check_session_key(sessionKey), check_member(memberId)
        if roomType not in ("voice", "video"):
            raise Refused("INVALID_ROOM_TYPE")
        admission = self._books(appId, nowMs, lambda: self._admit(appId, groupId, memberId, nowMs))
        return {"admission": admission, "ticket": {"groupId": groupId, "timeStamp": ts, "roomType": roomType}}

    def heartbeat(self, appId, groupId, memberId, nowMs):
        check_app(appId), check_group(groupId), check_member(memberId)

        def op():
            seat = self._room(appId, groupId, nowMs)["seats"].get(memberId)
            if seat is None:
                self._count(appId, self.day(nowMs), "heartbeatsRefused")
                raise Refused("NOT_ADMITTED")
            seat[1] = max(seat[1], nowMs + self.r["leaseTtlMs"])
            return {"leaseExpiresAt": seat[1]}
        return self._books(appId, nowMs, op)

    def leave(self, appId, groupId, memberId, nowMs):
        check_app(appId), check_group(groupId), check_member(memberId)

        def op():
            removed = self._room(appId, groupId, nowMs)["seats"].pop(memberId, None) is not None
            if removed:
                self._count(appId, self.day(nowMs), "leaves")
                if self.r["syncGraceMs"] > 0:
                    self._prune_left(appId, nowMs)
                    self.left[(appId, groupId, memberId)] = nowMs
            return {"removed": removed}
        return self._books(appId, nowMs, op)

    def sync(self, appId, groupId, openIds, nowMs):
        check_app(appId), check_group(groupId)
        for m in openIds:
            check_member(m)

        def op():
            room = self._room(appId, groupId, nowMs)
            seats, was_live, listed = room["seats"], bool(room["seats"]), dict.fromkeys(openIds)
            day = self.day(nowMs)
            for m in [m for m in seats if m not in listed and nowMs - seats[m][0] >= self.r["syncGraceMs"]]:
                del seats[m]
                self._count(appId, day, "removedBySync")
            grace, pruned = self.r["syncGraceMs"], False
            for m in listed:
                if m in seats:
                    seats[m][1] = max(seats[m][1], nowMs + self.r["leaseTtlMs"])
                    continue
                if grace > 0:
                    # A member who left less than syncGraceMs ago is not adopted: the
                    # list is older than the leave.
                    if not pruned:
                        self._prune_left(appId, nowMs)
                        pruned = True
                    t = self.left.get((appId, groupId, m))
                    if t is not None and t <= nowMs < t + grace:
                        continue
                seats[m] = [nowMs, nowMs + self.r["leaseTtlMs"]]  # adopted: capacity not checked, not charged
                self._count(appId, day, "adoptedBySync")
            if not was_live and seats:
                room["generation"] += 1
                room["openedAt"] = nowMs
            return self._view(room)
        return self._books(appId, nowMs, op)

    def _prune_left(self, app, now):
        floor = now - self.r["syncGraceMs"]
        self.left = {k: t for k, t in self.left.items() if k[0] != app or t >= floor}

    def room(self, appId, groupId, nowMs):
        check_app(appId), check_group(groupId)
        return self._books(appId, nowMs, lambda: self._view(self._room(appId, groupId, nowMs)))

    def _expire_app(self, app, now):
        for (a, _), room in self.state.items():
            if a == app:
                self._expire(app, room, now)

    def usage(self, appId, day, nowMs):
        check_app(appId)

        def op():
            self._expire_app(appId, nowMs)
            return None
        self._books(appId, nowMs, op)
        today = self.day(nowMs)
        day = today if day is None else day
        c = self.counts.get((appId, day), dict.fromkeys(COUNTERS, 0))
        live = [room for (a, _), room in sorted(self.state.items()) if a == appId and room["seats"]]
        out = {"day": day, **c}
        out["liveRooms"] = len(live) if day == today else None
        out["liveSeats"] = sum(len(r["seats"]) for r in live) if day == today else None
        out["dailyRoomLimit"] = self.r["dailyRoomLimit"]
        return out

    def rooms(self, appId, nowMs, limit=100, after=None):
        check_app(appId)
        if type(limit) is not int or not 1 <= limit <= 1000:
            raise Refused("INVALID_LIMIT")
        if after is not None:
            check_group(after)

        def op():
            self._expire_app(appId, nowMs)
            live = sorted(((g, room) for (a, g), room in self.state.items() if a == appId and room["seats"]
                           and (after is None or g.encode() > after.encode())), key=lambda x: x[0].encode())
            page = [{"groupId": g, "seats": len(r["seats"]), "capacity": self.r["capacity"],
                     "generation": r["generation"], "openedAt": r["openedAt"]} for g, r in live[:limit]]
            return {"rooms": page, "next": page[-1]["groupId"] if len(live) > limit else None}
        return self._books(appId, nowMs, op)


# --- scenario builder ---------------------------------------------------------

class Scenario:
    """Records steps and the model's answer to each. Step methods return the
    expectation (a dict) or the error code (a str)."""

    all = []

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
        try:  # the appId's counters after the step, as a usage call answers them
            step["usage"] = self.ledger.usage(fields["appId"], None, now)
        except Refused:
            pass
        self.data["steps"].append(step)
        return json.loads(json.dumps(step.get("expect", step.get("error"))))  # a copy

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
        extra = {} if limit is None else {"limit": limit}
        if after is not None:
            extra["after"] = after
        return self._step("rooms", now, appId=APP if app is None else app, **extra)


def where(app, group):
    return {"appId": APP if app is None else app, "groupId": GROUP if group is None else group}


def has(result, **want):
    """Assert a subset of an expectation (the scenario reaches its case); return it."""
    assert isinstance(result, dict) and all(result[k] == v for k, v in want.items()), (result, want)
    return result


def ids(room):
    return [m["memberId"] for m in room["members"]]
