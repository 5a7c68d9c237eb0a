#!/usr/bin/env python3
"""Generate tests/vectors/diagnose.json: signatures made the wrong way, on purpose,
by code written independently of voipsign's search (Python's hmac/hashlib), with
the mistake codes each must be diagnosed with. Deterministic: rerun to regenerate.

    python3 tests/vectors/gen_diagnose.py > tests/vectors/diagnose.json
"""
import base64
import hashlib
import hmac
import itertools
import json
import random

APP = "wx20afc706a711eefc"
GROUP = "1559129713_672975982"
NONCE = "8AP6DT9ybtniUJfb"
TS = 1559129714
KEY = "gDyVgzwa0mFz9uUP7M6GQQ=="
OLD_KEY = "o0q0otL8aEzpcZL/FT9WsQ=="

ORDER = ["NOT_SORTED", "COMMA_JOINED", "KEY_BASE64_DECODED", "KEY_MESSAGE_SWAPPED", "KEY_WHITESPACE",
         "TIMESTAMP_MILLISECONDS", "UPPERCASE_HEX", "BASE64_DIGEST", "PLAIN_SHA256", "STALE_SESSION_KEY"]


def php_sort4(v):
    """PHP 8 sort() without SORT_STRING on four values: zend_sort_4's insertion
    network, numeric strings compared as numbers, others as text."""
    def gt(a, b):
        if a.isdigit() and b.isdigit():
            return int(a) > int(b)
        return a.encode() > b.encode()
    v = list(v)
    if not gt(v[0], v[1]):
        if gt(v[1], v[2]):
            v[1], v[2] = v[2], v[1]
            if gt(v[0], v[1]):
                v[0], v[1] = v[1], v[0]
    elif not gt(v[2], v[1]):
        v[0], v[2] = v[2], v[0]
    else:
        v[0], v[1] = v[1], v[0]
        if gt(v[1], v[2]):
            v[1], v[2] = v[2], v[1]
    if gt(v[2], v[3]):
        v[2], v[3] = v[3], v[2]
        if gt(v[1], v[2]):
            v[1], v[2] = v[2], v[1]
            if gt(v[0], v[1]):
                v[0], v[1] = v[1], v[0]
    return v


def wrong(app=APP, group=GROUP, nonce=NONCE, ts=TS, key=KEY, order=None, sep="", ms=False, b64key=False,
          swapped=False, ws="", upper=False, b64digest=False, plain=None, php_sort=False):
    t = str(ts * 1000 if ms else ts)
    values = [app, group, nonce, t]
    if php_sort:
        values = php_sort4(values)
    elif order is not None:
        values = [values[i] for i in order]
    else:
        values = sorted(values)
    msg = sep.join(values).encode()
    k = base64.b64decode(key) if b64key else (key + ws).encode()
    if plain == "prepend":
        d = hashlib.sha256(k + msg).digest()
    elif plain == "append":
        d = hashlib.sha256(msg + k).digest()
    elif swapped:
        d = hmac.new(msg, k, hashlib.sha256).digest()
    else:
        d = hmac.new(k, msg, hashlib.sha256).digest()
    if b64digest:
        return base64.b64encode(d).decode()
    h = d.hex()
    return h.upper() if upper else h


def case(name, codes, sig, group=GROUP, ts=TS, others=()):
    return {"name": name, "appId": APP, "groupId": group, "nonceStr": NONCE, "timeStamp": ts,
            "sessionKey": KEY, "otherSessionKeys": list(others), "signature": sig,
            "verdict": "MISTAKE_FOUND" if codes else "CORRECT",
            "mistakes": sorted(codes, key=ORDER.index)}


def main():
    cases = [
        case("correct", [], wrong()),
        case("not-sorted-doc-order", ["NOT_SORTED"], wrong(order=[0, 1, 2, 3])),
        case("not-sorted-reversed", ["NOT_SORTED"], wrong(order=[3, 2, 1, 0])),
        case("php-numeric-sort", ["NOT_SORTED"], wrong(group="99", php_sort=True), group="99"),
        case("comma-joined", ["COMMA_JOINED"], wrong(sep=",")),
        case("key-base64-decoded", ["KEY_BASE64_DECODED"], wrong(b64key=True)),
        case("key-message-swapped", ["KEY_MESSAGE_SWAPPED"], wrong(swapped=True)),
        case("key-trailing-newline", ["KEY_WHITESPACE"], wrong(ws="\n")),
        case("key-trailing-crlf", ["KEY_WHITESPACE"], wrong(ws="\r\n")),
        case("key-trailing-space", ["KEY_WHITESPACE"], wrong(ws=" ")),
        case("timestamp-milliseconds", ["TIMESTAMP_MILLISECONDS"], wrong(ms=True)),
        case("timestamp-given-in-milliseconds", ["TIMESTAMP_MILLISECONDS"], wrong(ts=TS * 1000), ts=TS * 1000),
        case("uppercase-hex", ["UPPERCASE_HEX"], wrong(upper=True)),
        case("base64-digest", ["BASE64_DIGEST"], wrong(b64digest=True)),
        case("plain-sha256-key-prepended", ["PLAIN_SHA256"], wrong(plain="prepend")),
        case("plain-sha256-key-appended", ["PLAIN_SHA256"], wrong(plain="append")),
        case("stale-session-key", ["STALE_SESSION_KEY"], wrong(key=OLD_KEY), others=[OLD_KEY]),
        # Combinations.
        case("ms-and-uppercase", ["TIMESTAMP_MILLISECONDS", "UPPERCASE_HEX"], wrong(ms=True, upper=True)),
        case("comma-and-unsorted", ["NOT_SORTED", "COMMA_JOINED"], wrong(order=[0, 1, 2, 3], sep=",")),
        case("b64key-and-uppercase", ["KEY_BASE64_DECODED", "UPPERCASE_HEX"], wrong(b64key=True, upper=True)),
        case("swapped-and-base64", ["KEY_MESSAGE_SWAPPED", "BASE64_DIGEST"], wrong(swapped=True, b64digest=True)),
        case("newline-and-ms", ["KEY_WHITESPACE", "TIMESTAMP_MILLISECONDS"], wrong(ws="\n", ms=True)),
        case("stale-and-uppercase", ["UPPERCASE_HEX", "STALE_SESSION_KEY"], wrong(key=OLD_KEY, upper=True),
             others=[OLD_KEY]),
        case("plain-and-unsorted", ["NOT_SORTED", "PLAIN_SHA256"], wrong(order=[1, 0, 3, 2], plain="append")),
        case("php-sort-and-comma", ["NOT_SORTED", "COMMA_JOINED"], wrong(group="99", php_sort=True, sep=","),
             group="99"),
        case("ms-unsorted-uppercase", ["NOT_SORTED", "TIMESTAMP_MILLISECONDS", "UPPERCASE_HEX"],
             wrong(order=[0, 1, 2, 3], ms=True, upper=True)),
        case("b64key-comma-ms", ["COMMA_JOINED", "KEY_BASE64_DECODED", "TIMESTAMP_MILLISECONDS"],
             wrong(b64key=True, sep=",", ms=True)),
        case("crlf-and-base64-digest", ["KEY_WHITESPACE", "BASE64_DIGEST"], wrong(ws="\r\n", b64digest=True)),
        case("stale-ms-unsorted", ["NOT_SORTED", "TIMESTAMP_MILLISECONDS", "STALE_SESSION_KEY"],
             wrong(key=OLD_KEY, ms=True, order=[3, 2, 1, 0]), others=["kUpBwvRHPfIDSEEATFMKZg==", OLD_KEY]),
    ]
    rng = random.Random(20261126)
    for i in range(3):
        sig = "".join(rng.choice("0123456789abcdef") for _ in range(64))
        c = case("random-%d" % i, [], sig)
        c["verdict"] = "UNKNOWN"
        cases.append(c)
    bad = case("malformed-short", [], "abc")
    bad["verdict"] = "UNKNOWN"
    cases.append(bad)
    cloud = case("cloud-signature", [], wrong() + "_1a2b3c")
    cloud["verdict"] = "UNKNOWN"
    cases.append(cloud)

    explain = [
        {"errCode": -10088, "errMsg": "-10088, -12020, join room failed. errType: 4, errCode: -12020, "
                                      "errMsg: invalid signature", "cause": "INVALID_SIGNATURE"},
        {"errCode": -1000, "errMsg": "joinVoIPChat:fail invalid signature", "cause": "INVALID_SIGNATURE"},
        {"errCode": -1000, "errMsg": "joinVoIPChat:fail errCode: -13000", "cause": "DAILY_ROOM_LIMIT"},
        {"errCode": -1000, "errMsg": "", "cause": "SYSTEM_ERROR"},
        {"errCode": -1, "errMsg": "", "cause": "ALREADY_IN_ROOM"},
        {"errCode": -2, "errMsg": "joinVoIPChat:fail", "cause": "DEVICE_BUSY"},
        {"errCode": -3, "errMsg": "", "cause": "JOIN_INTERRUPTED"},
        {"errCode": -7, "errMsg": "something else 42", "cause": "UNKNOWN"},
        {"errCode": 102, "errMsg": "joinVoIPChat:fail access denied", "cause": "VOIP_NOT_ENABLED"},
        {"errCode": -1, "errMsg": "joinVoIPChat:fail access denied", "cause": "VOIP_NOT_ENABLED"},
        {"errCode": -1000, "errMsg": "joinVoIPChat:fail room is full", "cause": "ROOM_FULL"},
        {"errCode": -1000, "errMsg": "joinVoIPChat:fail daily room limit reached", "cause": "DAILY_ROOM_LIMIT"},
    ]
    # The ledger-aware explain: the context in camelCase (snake_case languages
    # spell the keys their way); `inMeaning` must appear in the meaning.
    bad_sig = explain[0]["errMsg"]
    explain_with = [
        {"errCode": -10088, "errMsg": bad_sig, "context": {"keyReplaced": True}, "cause": "SESSION_KEY_REPLACED"},
        {"errCode": -10088, "errMsg": bad_sig, "context": {"keyReplaced": False, "seated": True},
         "cause": "INVALID_SIGNATURE"},
        {"errCode": -10088, "errMsg": bad_sig, "context": {}, "cause": "INVALID_SIGNATURE"},
        {"errCode": -10088, "errMsg": bad_sig, "context": {"ticketVerified": True}, "cause": "SESSION_KEY_REPLACED",
         "inMeaning": "never heard of"},
        {"errCode": -10088, "errMsg": bad_sig, "context": {"ticketVerified": False}, "cause": "INVALID_SIGNATURE"},
        {"errCode": -1, "errMsg": "", "context": {"groupId": "room-2", "seatedElsewhere": "room-1"},
         "cause": "SEATED_ELSEWHERE", "inMeaning": "still in room"},
        {"errCode": -1, "errMsg": "", "context": {"groupId": "room-1", "seatedElsewhere": "room-1", "seated": True},
         "cause": "ALREADY_IN_ROOM", "inMeaning": "this very room"},
        {"errCode": -1000, "errMsg": "joinVoIPChat:fail room is full",
         "context": {"roomSeats": 9, "capacity": 10, "groupId": "room-1"}, "cause": "ROOM_FULL",
         "inMeaning": "9 of 10"},
        {"errCode": -1000, "errMsg": "joinVoIPChat:fail room is full", "context": {"roomSeats": 10, "capacity": 10},
         "cause": "ROOM_FULL", "inMeaning": "10 of 10"},
        {"errCode": -1000, "errMsg": "errCode: -13000", "context": {"openingsToday": 5, "dailyRoomLimit": 100000},
         "cause": "DAILY_ROOM_LIMIT", "inMeaning": "only 5 of 100000"},
        {"errCode": -2, "errMsg": "", "context": {"roomSeats": 9, "capacity": 10, "keyReplaced": True,
                                                  "seatedElsewhere": "room-1", "openingsToday": None},
         "cause": "DEVICE_BUSY"},
    ]
    explain_with_invalid = [
        {"context": {"keyReplaced": 1}, "code": "INVALID_CONTEXT", "inMessage": "keyReplaced"},
        {"context": {"noSuchField": True}, "code": "INVALID_CONTEXT", "inMessage": "noSuchField"},
        {"context": {"roomSeats": -1}, "code": "INVALID_CONTEXT", "inMessage": "roomSeats"},
        {"context": {"openingsToday": 1.5}, "code": "INVALID_CONTEXT", "inMessage": "openingsToday"},
        {"context": {"seatedElsewhere": ""}, "code": "INVALID_CONTEXT", "inMessage": "seatedElsewhere"},
        {"context": {"groupId": 7}, "code": "INVALID_CONTEXT", "inMessage": "groupId"},
        {"context": {"ticketVerified": "yes"}, "code": "INVALID_CONTEXT", "inMessage": "ticketVerified"},
    ]
    print(json.dumps({"about": __doc__.strip().splitlines()[0] + " Generated by tests/vectors/gen_diagnose.py.",
                      "diagnose": cases, "explain": explain,
                      "explainWith": explain_with, "explainWithInvalid": explain_with_invalid}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
