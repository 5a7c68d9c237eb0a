#!/usr/bin/env python3
"""The signature vectors as lines a C program reads without a JSON parser.

    python3 packaging/consumers/vectors_tsv.py tests/vectors/signatures.json > vectors.tsv

One line per `sign` case of signatures.json (every valid case, and every invalid
one of op `sign` whose timeStamp is an integer): appId, groupId, nonceStr,
timeStamp, sessionKey, then the expected signature or error code, tab-separated;
the four strings hex-encoded (UTF-8), so that any byte survives (`-`: empty).
"""
import json
import sys


def rows(doc):
    for c in doc["cases"]:
        yield c, c["signature"]
    for c in doc["invalid"]:
        if c.get("op", "sign") == "sign" and type(c.get("timeStamp")) is int \
                and all(isinstance(c.get(k), str) for k in ("appId", "groupId", "nonceStr", "sessionKey")):
            yield c, c["error"]


def main():
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    for c, want in rows(doc):
        h = [c[k].encode("utf-8").hex() or "-" for k in ("appId", "groupId", "nonceStr", "sessionKey")]
        print("\t".join(h[:3] + [str(c["timeStamp"]), h[3], want]))


if __name__ == "__main__":
    main()
