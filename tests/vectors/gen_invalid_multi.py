#!/usr/bin/env python3
"""Add the multi-field invalid vectors to tests/vectors/signatures.json.

Independent of the Rust core: the rules of each field and the precedence order
are written down here again, from docs/CONTRACT.md ("When several inputs are
bad"), and the expected code of every case is computed by this script.

Every case of an operation other than `sign` carries `"op"`; the fields it uses
are those of the operation (camelCase, as in the documentation):

    sign, canonical     appId groupId nonceStr timeStamp [sessionKey]
    verify              ... sessionKey signature
    sign_many           ... sessionKeys (list)
    issue               appId groupId sessionKey roomType
    diagnose            ... sessionKey rejectedSignature otherSessionKeys (list)
    session_signature   sessionKey body

A case may carry `messagePrefix`: the error message starts with it (the index
of the bad key in a list). The cases that were in the file before (one bad
field each, no "op") are kept as they are; generated cases are named `multi-…`.

Run: python3 tests/vectors/gen_invalid_multi.py [--check]
"""
import itertools
import json
import pathlib
import sys

PATH = pathlib.Path(__file__).with_name("signatures.json")

GOOD = {
    "appId": "wx20afc706a711eefc",
    "groupId": "1559129713_672975982",
    "nonceStr": "8AP6DT9ybtniUJfb",
    "timeStamp": 1559129714,
    "sessionKey": "gDyVgzwa0mFz9uUP7M6GQQ==",
    "signature": "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617",
    "sessionKeys": ["gDyVgzwa0mFz9uUP7M6GQQ==", "o0q0otL8aEzpcZL/FT9WsQ=="],
    "roomType": "video",
    "rejectedSignature": "B002B824688DD8593A6079E11D8C5E8734FBCB39A6D5906EB347BFBCAD79C617",
    "otherSessionKeys": ["o0q0otL8aEzpcZL/FT9WsQ=="],
    "body": '{"foo":"bar"}',
}

# Two bad values per field, used alternately so that cases differ.
BAD = {
    "appId": ["", "wx20afc706 a711eefc"],
    "groupId": ["", "room\u0001one"],
    "nonceStr": ["n" * 128, ""],
    "timeStamp": [0, 1559129714000],
    "sessionKey": ["gDyVgzwa0mFz9uUP7M6GQQ==\n", "x"],
    "signature": ["b002b824", "zz" * 32],
    "sessionKeys": [
        ["gDyVgzwa0mFz9uUP7M6GQQ==", "short", "also-bad"],
        ["gDyVgzwa0mFz9uUP7M6GQQ== "],
    ],
    "roomType": ["Video", ""],
    "otherSessionKeys": [["o0q0otL8aEzpcZL/FT9WsQ==", "stale?"], [""]],
}

CODE = {
    "appId": "INVALID_APP_ID",
    "groupId": "INVALID_GROUP_ID",
    "nonceStr": "INVALID_NONCE",
    "timeStamp": "INVALID_TIMESTAMP",
    "sessionKey": "INVALID_SESSION_KEY",
    "sessionKeys": "INVALID_SESSION_KEY",
    "signature": "INVALID_SIGNATURE",
    "roomType": "INVALID_ROOM_TYPE",
    "otherSessionKeys": "INVALID_SESSION_KEY",
}

# The precedence order: the four values, the key (or key list), then the
# operation's own inputs in parameter order.
OPS = {
    "sign": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKey"],
    "canonical": ["appId", "groupId", "nonceStr", "timeStamp"],
    "verify": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKey", "signature"],
    "sign_many": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKeys"],
    "issue": ["appId", "groupId", "sessionKey", "roomType"],
    "diagnose": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKey",
                 "rejectedSignature", "otherSessionKeys"],
    "session_signature": ["sessionKey", "body"],
}
# Inputs that no value makes an error (diagnose takes any rejected signature).
NEVER_BAD = {"rejectedSignature", "body"}


# --- the rules, written independently of the core ---------------------------

def printable(s):
    return all(0x21 <= ord(c) <= 0x7E for c in s)


def bad_key(k):
    import base64
    import binascii
    if len(k) != 24 or not k.endswith("=="):
        return True
    try:
        return len(base64.b64decode(k, validate=True)) != 16
    except binascii.Error:
        return True


def is_bad(field, value, op):
    if field == "appId":
        return not (1 <= len(value.encode()) <= 64 and printable(value))
    if field == "groupId":
        b = value.encode("utf-8", "surrogatepass")
        return not (1 <= len(b) <= 1024) or any(c < 0x20 or c == 0x7F for c in b)
    if field == "nonceStr":
        return not (1 <= len(value) <= 127 and printable(value))
    if field == "timeStamp":
        if op == "diagnose" and 10**12 <= value <= 9999999999999:
            return False  # milliseconds are a finding of diagnose
        return not (1 <= value <= 9999999999)
    if field == "sessionKey":
        return bad_key(value)
    if field in ("sessionKeys", "otherSessionKeys"):
        return any(bad_key(k) for k in value)
    if field == "signature":
        return len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value)
    if field == "roomType":
        return value not in ("voice", "video")
    return False


def first_bad_index(values):
    return next(i for i, k in enumerate(values) if bad_key(k))


def expected(op, case):
    for field in OPS[op]:
        if field in case and is_bad(field, case[field], op):
            prefix = None
            if field in ("sessionKeys", "otherSessionKeys"):
                prefix = f"{field}[{first_bad_index(case[field])}]: "
            return CODE[field], prefix
    return None, None


def generate():
    out = []
    n = 0
    for op, fields in OPS.items():
        bad_fields = [f for f in fields if f not in NEVER_BAD]
        sizes = range(1 if op != "sign" else 2, len(bad_fields) + 1)
        for size in sizes:
            for subset in itertools.combinations(bad_fields, size):
                case = {"name": None, "op": op}
                if op == "sign":
                    del case["op"]
                for f in fields:
                    case[f] = GOOD[f]
                for f in subset:
                    # diagnose treats a 13-digit timeStamp as a finding: use 0.
                    pick = n % 2 if not (op == "diagnose" and f == "timeStamp") else 0
                    case[f] = BAD[f][pick]
                n += 1
                code, prefix = expected(op, case)
                assert code, (op, subset)
                case["error"] = code
                if prefix:
                    case["messagePrefix"] = prefix
                case["name"] = f"multi-{op.replace('_', '-')}-" + "-".join(subset)
                out.append(case)
    return out


def main():
    data = json.loads(PATH.read_text(encoding="utf-8"))
    kept = [c for c in data["invalid"] if not c["name"].startswith("multi-")]
    data["invalid"] = kept + generate()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if "--check" in sys.argv:
        if PATH.read_text(encoding="utf-8") != text:
            sys.exit(f"{PATH} is out of date: run {sys.argv[0]}")
        print(f"{PATH.name}: {len(data['invalid'])} invalid cases, up to date")
        return
    PATH.write_text(text, encoding="utf-8")
    print(f"{PATH.name}: {len(kept)} single-field + {len(data['invalid']) - len(kept)} generated invalid cases")


if __name__ == "__main__":
    main()
