#!/usr/bin/env python3
"""Turn tests/vectors/rooms.json (the room ledger's scenarios, docs/ROOMS.md) into
a C header of test cases, so the C test suite needs no JSON parser.

Usage: gen_rooms.py rooms.json > rooms.h

Tables:
  ROOM_SCENARIOS  every scenario (struct rscenario): its name, the overridden rules
                  (struct rrules: a `set` flag and a value per field of
                  voipsign_rules), the expected error of the ledger's creation (NULL:
                  none) and its steps
  ROOM_STEPS      every step of every scenario, in order (struct rstep); a scenario
                  owns steps [first, first + n_steps)

The counts of the JSON (N_ROOM_SCENARIOS_JSON, N_ROOM_STEPS_JSON) are emitted too,
so the C test checks that nothing was dropped. A scenario or step with an unknown
key, op or rule, or without a field its op needs, stops the generation: nothing is
skipped silently.

onUnavailable: the C ABI takes a number (0 allow, 1 refuse); any other string of the
JSON (the invalid "maybe") becomes 7, a number the core refuses.
"""
import json
import sys

# JSON key of a rule -> field of voipsign_rules (include/voipsign.h), in struct order.
RULES = [
    ("capacity", "capacity"),
    ("dailyRoomLimit", "daily_room_limit"),
    ("dailyRoomWarning", "daily_room_warning"),
    ("memberDailyOpenings", "member_daily_openings"),
    ("reserveTtlMs", "reserve_ttl_ms"),
    ("leaseTtlMs", "lease_ttl_ms"),
    ("syncGraceMs", "sync_grace_ms"),
    ("dayOffsetMinutes", "day_offset_minutes"),
    ("onUnavailable", "on_unavailable"),
]
ON_UNAVAILABLE = {"allow": 0, "refuse": 1}
# Not 0 (allow) nor 1 (refuse): what C passes for an invalid onUnavailable string.
ON_UNAVAILABLE_INVALID = 7

# The input fields of each op (besides "op", "nowMs" and "expect"/"error"); the
# optional ones may be absent.
OPS = {
    "admit": (["appId", "groupId", "memberId"], []),
    "admit_and_issue": (["appId", "groupId", "memberId", "sessionKey"], ["roomType"]),
    "heartbeat": (["appId", "groupId", "memberId"], []),
    "leave": (["appId", "groupId", "memberId"], []),
    "sync": (["appId", "groupId", "openIds"], []),
    "room": (["appId", "groupId"], []),
    "usage": (["appId", "day"], []),
    "rooms": (["appId"], ["limit", "after"]),
}
ADMISSION = ["opened", "renewed", "members", "generation", "roomsToday", "dailyRoomLimit", "quotaWarning",
             "leaseExpiresAt", "degraded"]
EXPECT = {
    "admit": ADMISSION,
    "admit_and_issue": ["admission", "ticket"],
    "heartbeat": ["leaseExpiresAt"],
    "leave": ["removed"],
    "sync": ["members", "generation", "live"],
    "room": ["members", "generation", "live"],
    "usage": ["day", "openings", "admissions", "renewals", "refusedRoomFull", "refusedDailyLimit",
              "refusedMemberLimit", "heartbeatsRefused", "leaves", "adoptedBySync", "removedBySync", "expired",
              "peakSeats", "liveRooms", "liveSeats", "dailyRoomLimit"],
    "rooms": ["rooms", "next"],
}
SUMMARY = ["groupId", "seats", "capacity", "generation", "openedAt"]
NO_USAGE = "{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}"
TICKET = ["groupId", "timeStamp", "roomType"]
SEAT = ["memberId", "since", "expires"]


def fail(where: str, why: str) -> None:
    sys.exit("gen_rooms.py: %s: %s" % (where, why))


def c_str(s: str) -> str:
    """A C string literal of the UTF-8 bytes of s (octal escapes: never greedy)."""
    out = []
    for b in s.encode("utf-8"):
        if 0x20 <= b < 0x7F and chr(b) not in '"\\?':
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def c_bytes(s) -> str:
    """`literal, length` for a (pointer, length) pair; `NULL, 0` for an absent field."""
    return "NULL, 0" if s is None else "%s, %d" % (c_str(s), len(s.encode("utf-8")))


def c_bool(b) -> str:
    return "true" if b else "false"


def c_i64(n: int) -> str:
    # INT64_MIN has no literal form; nothing here needs it.
    return "%dLL" % n


def exact_keys(where: str, obj: dict, want: list) -> None:
    if sorted(obj) != sorted(want):
        fail(where, "keys %s, want %s" % (sorted(obj), sorted(want)))


def room_json(where: str, room: dict) -> str:
    """The room exactly as the library writes it: compact JSON, keys in the
    library's order (members, generation, live; memberId, since, expires)."""
    exact_keys(where, room, EXPECT["room"])
    members = []
    for seat in room["members"]:
        exact_keys(where + " seat", seat, SEAT)
        members.append({k: seat[k] for k in SEAT})
    return json.dumps({"members": members, "generation": room["generation"], "live": room["live"]},
                      separators=(",", ":"), ensure_ascii=False)


def page_json(where: str, page: dict) -> str:
    """The page of rooms exactly as the library writes it (compact, keys in order)."""
    exact_keys(where, page, EXPECT["rooms"])
    rooms = []
    for r in page["rooms"]:
        exact_keys(where + " room", r, SUMMARY)
        rooms.append({k: r[k] for k in SUMMARY})
    return json.dumps({"rooms": rooms, "next": page["next"]}, separators=(",", ":"), ensure_ascii=False)


def usage(where: str, u: dict) -> str:
    """A struct rusage: the fields of voipsign_usage (null live counts: -1)."""
    exact_keys(where + " usage", u, EXPECT["usage"])
    live = ["-1" if u[k] is None else c_i64(u[k]) for k in ("liveRooms", "liveSeats")]
    counts = ", ".join("%d" % u[k] for k in EXPECT["usage"][1:13])
    return "{%s, %s, %s, %s, %d}" % (c_i64(u["day"]), counts, live[0], live[1], u["dailyRoomLimit"])


def admission(where: str, a: dict) -> str:
    exact_keys(where + " admission", a, ADMISSION)
    return "{%s, %s, %s, %s, %d, %d, %d, %d, %s}" % (
        c_bool(a["opened"]), c_bool(a["renewed"]), c_bool(a["quotaWarning"]), c_bool(a["degraded"]),
        a["members"], a["generation"], a["roomsToday"], a["dailyRoomLimit"], c_i64(a["leaseExpiresAt"]))


def rules(where: str, r: dict) -> str:
    known = dict(RULES)
    for k in r:
        if k not in known:
            fail(where, "unknown rule %r" % k)
    fields = []
    for key, field in RULES:
        if key not in r:
            fields.append(".%s = {false, 0}" % field)
            continue
        v = r[key]
        if key == "onUnavailable":
            v = ON_UNAVAILABLE.get(v, ON_UNAVAILABLE_INVALID)
        elif not isinstance(v, int) or isinstance(v, bool):
            fail(where, "rule %s is not an integer: %r" % (key, v))
        fields.append(".%s = {true, %s}" % (field, c_i64(v)))
    return "{" + ", ".join(fields) + "}"


def step(where: str, st: dict, n: int) -> str:
    op = st.get("op")
    if op not in OPS:
        fail(where, "unknown op %r" % op)
    need, optional = OPS[op]
    outcome = [k for k in ("expect", "error") if k in st]
    if len(outcome) != 1:
        fail(where, "needs exactly one of expect / error")
    allowed = set(need) | set(optional) | {"op", "nowMs", "usage", outcome[0]}
    extra = set(st) - allowed
    missing = [k for k in need + ["nowMs"] if k not in st]
    if extra or missing:
        fail(where, "unknown keys %s, missing %s" % (sorted(extra), missing))

    pre = []  # declarations the step needs before the table (openIds arrays)
    ids, lens, n_ids = "NULL", "NULL", 0
    if op == "sync":
        open_ids = st["openIds"]
        if open_ids:
            pre.append("static const char *const ROOM_IDS_%d[] = {%s};" % (n, ", ".join(c_str(i) for i in open_ids)))
            pre.append("static const size_t ROOM_ID_LENS_%d[] = {%s};" % (
                n, ", ".join(str(len(i.encode("utf-8"))) for i in open_ids)))
            ids, lens, n_ids = "ROOM_IDS_%d" % n, "ROOM_ID_LENS_%d" % n, len(open_ids)
    day = st.get("day")
    if op == "usage" and day is not None and not isinstance(day, int):
        fail(where, "day is neither an integer nor null")

    # Expectations (zeros when the step expects an error).
    error = "NULL"
    adm = "{false, false, false, false, 0, 0, 0, 0, 0}"
    expires, removed, room, u = "0", "false", "NULL", NO_USAGE
    t_group, t_ts, t_type = "NULL, 0", "0", "NULL"
    if "error" in st:
        error = c_str(st["error"])
    else:
        e = st["expect"]
        exact_keys(where + " expect", e, EXPECT[op])
        if op == "admit":
            adm = admission(where, e)
        elif op == "admit_and_issue":
            adm = admission(where, e["admission"])
            t = e["ticket"]
            exact_keys(where + " ticket", t, TICKET)
            t_group, t_ts, t_type = c_bytes(t["groupId"]), c_i64(t["timeStamp"]), c_str(t["roomType"])
        elif op == "heartbeat":
            expires = c_i64(e["leaseExpiresAt"])
        elif op == "leave":
            removed = c_bool(e["removed"])
        elif op in ("sync", "room"):
            room = c_str(room_json(where, e))
        elif op == "rooms":
            room = c_str(page_json(where, e))
        else:
            u = usage(where, e)
    limit = st.get("limit")
    if op == "rooms" and limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
        fail(where, "limit is not an integer")
    after_usage = usage(where + " after", st["usage"]) if "usage" in st else NO_USAGE
    fields = [
        "ROP_" + op.upper(), c_str(op), c_bytes(st.get("appId")), c_bytes(st.get("groupId")),
        c_bytes(st.get("memberId")), c_bytes(st.get("sessionKey")), c_bytes(st.get("roomType")),
        ids, lens, str(n_ids), c_bool(op == "usage" and day is None),
        c_i64(day) if isinstance(day, int) else "0", c_i64(st["nowMs"]), error, adm, expires, removed,
        room, u, t_group, t_ts, t_type, c_bool(limit is not None), c_i64(limit or 0),
        c_bytes(st.get("after")), c_bool("usage" in st), after_usage,
    ]
    line = "  {" + ", ".join(fields) + "},"
    return "\n".join(pre), line


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        v = json.load(f)
    exact_keys("top level", v, ["about", "defaults", "scenarios"])
    exact_keys("defaults", v["defaults"], [k for k, _ in RULES])

    decls, steps, scenarios = [], [], []
    for s in v["scenarios"]:
        name = s.get("name", "?")
        allowed = {"name", "about", "rules", "steps", "error"}
        if set(s) - allowed or not {"name", "rules", "steps"} <= set(s):
            fail(name, "scenario keys %s" % sorted(s))
        if "error" in s and s["steps"]:
            fail(name, "a scenario with an error has no steps")
        first = len(steps)
        for i, st in enumerate(s["steps"]):
            pre, line = step("%s step %d" % (name, i), st, len(steps))
            if pre:
                decls.append(pre)
            steps.append(line)
        scenarios.append("  {%s, %s, %s, %d, %d}," % (
            c_str(name), rules(name, s["rules"]), c_str(s["error"]) if "error" in s else "NULL", first,
            len(steps) - first))

    print("/* Generated by tests/c/gen_rooms.py from tests/vectors/rooms.json: do not edit. */")
    print("#ifndef VOIPSIGN_TEST_ROOMS_H\n#define VOIPSIGN_TEST_ROOMS_H\n")
    print("#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n")
    print("/* onUnavailable in C is a number (0 allow, 1 refuse), not a string: an invalid")
    print(" * string of the JSON becomes this number, which the core refuses. */")
    print("#define ROOM_ON_UNAVAILABLE_INVALID %d\n" % ON_UNAVAILABLE_INVALID)
    print("enum rop { %s };\n" % ", ".join("ROP_" + op.upper() for op in OPS))
    print("/* An overridden rule: set, and its value. */")
    print("struct rrule { bool set; int64_t v; };")
    print("struct rrules { %s };\n" % " ".join("struct rrule %s;" % f for _, f in RULES))
    print("/* What an admission must hold (the fields of voipsign_admission). */")
    print("struct radmission { bool opened, renewed, quota_warning, degraded; uint32_t members;"
          " uint64_t generation, rooms_today, daily_room_limit; int64_t lease_expires_at; };\n")
    print("/* What a usage must hold (the fields of voipsign_usage, in order). */")
    print("struct rusage { int64_t day; uint64_t openings, admissions, renewals, refused_room_full,"
          " refused_daily_limit, refused_member_limit, heartbeats_refused, leaves, adopted_by_sync,"
          " removed_by_sync, expired, peak_seats; int64_t live_rooms, live_seats; uint64_t daily_room_limit; };\n")
    print("/* One step: the op's inputs (absent strings: NULL, 0; sessionKey/roomType only for")
    print(" * admit_and_issue, roomType NULL = absent = voice; open_ids for sync; day_today: usage")
    print(" * with \"day\": null), then either `error` (a status name) or the expectations of the")
    print(" * op: admission (admit, admit_and_issue), expires (heartbeat), removed (leave),")
    print(" * room_json (sync, room, rooms: the exact compact JSON), usage, and the ticket's groupId,")
    print(" * timeStamp and roomType (admit_and_issue); rooms' limit (has_limit: given, else 100) and")
    print(" * after (NULL: absent); has_after_usage: the appId's usage right after the step. */")
    print("struct rstep { enum rop op; const char *op_name; const char *app; size_t app_len;"
          " const char *group; size_t group_len; const char *member; size_t member_len;"
          " const char *key; size_t key_len; const char *room_type; size_t room_type_len;"
          " const char *const *open_ids; const size_t *open_id_lens; size_t n_open_ids;"
          " bool day_today; int64_t day; int64_t now; const char *error; struct radmission admission;"
          " int64_t expires; bool removed; const char *room_json; struct rusage usage;"
          " const char *t_group; size_t t_group_len; int64_t t_ts; const char *t_room_type;"
          " bool has_limit; int64_t limit; const char *after; size_t after_len; bool has_after_usage;"
          " struct rusage after_usage; };\n")
    print("struct rscenario { const char *name; struct rrules rules; const char *error; size_t first;"
          " size_t n_steps; };\n")
    for d in decls:
        print(d)
    print("\nstatic const struct rstep ROOM_STEPS[] = {")
    print("\n".join(steps))
    print("};\n")
    print("static const struct rscenario ROOM_SCENARIOS[] = {")
    print("\n".join(scenarios))
    print("};\n")
    print("#define N_ROOM_STEPS (sizeof ROOM_STEPS / sizeof ROOM_STEPS[0])")
    print("#define N_ROOM_SCENARIOS (sizeof ROOM_SCENARIOS / sizeof ROOM_SCENARIOS[0])")
    print("/* The counts in rooms.json: the tables must hold as many. */")
    print("#define N_ROOM_SCENARIOS_JSON %d" % len(v["scenarios"]))
    print("#define N_ROOM_STEPS_JSON %d" % sum(len(s["steps"]) for s in v["scenarios"]))
    print("\n#endif /* VOIPSIGN_TEST_ROOMS_H */")


if __name__ == "__main__":
    main()
