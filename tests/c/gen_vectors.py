#!/usr/bin/env python3
"""Turn tests/vectors/signatures.json and diagnose.json into a C header of test
cases, so the C test suites need no JSON parser.

Usage: gen_vectors.py signatures.json diagnose.json > vectors.h

Tables (each with an N_… count):
  CASES               valid cases: canonical string and signature (struct sv)
  INVALID             the invalid cases of op `sign` (no "op", or "op": "sign"), as
                      sign inputs (struct sv): the concurrency and secret tests reuse them
  INVALID_OPS         EVERY invalid case, whatever its op (struct iv), with the fields
                      of its operation, the expected code name and messagePrefix
  SESSION_SIGNATURES  session_signature vectors (struct ss)
  DIAGNOSE, EXPLAIN   tests/vectors/diagnose.json (struct dv, struct ev)

An invalid case with an op this script does not know, or without a field its op
needs, stops the generation: no case is skipped silently.
"""
import json
import sys

# The fields each op of an invalid case must carry (roomType is optional: absent
# means the default, passed to C as (NULL, 0)).
OP_FIELDS = {
    "sign": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKey"],
    "canonical": ["appId", "groupId", "nonceStr", "timeStamp"],
    "verify": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKey", "signature"],
    "sign_many": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKeys"],
    "issue": ["appId", "groupId", "sessionKey"],
    "diagnose": ["appId", "groupId", "nonceStr", "timeStamp", "sessionKey", "rejectedSignature",
                 "otherSessionKeys"],
    "session_signature": ["sessionKey", "body"],
}


def c_str(s: str) -> str:
    """A C string literal of the UTF-8 bytes of s (octal escapes: never greedy)."""
    out = []
    for b in s.encode("utf-8"):
        if 0x20 <= b < 0x7F and chr(b) not in '"\\?':
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def c_bytes(s: str) -> str:
    """`literal, length` for a (pointer, length) pair."""
    return "%s, %d" % (c_str(s), len(s.encode("utf-8")))


def c_opt_bytes(s) -> str:
    """`literal, length`, or `NULL, 0` when the field is absent (None)."""
    return "NULL, 0" if s is None else c_bytes(s)


def op_of(case: dict) -> str:
    op = case.get("op", "sign")
    if op not in OP_FIELDS:
        sys.exit("gen_vectors.py: invalid case %r has an unknown op %r" % (case["name"], op))
    missing = [f for f in OP_FIELDS[op] if f not in case]
    if missing:
        sys.exit("gen_vectors.py: invalid case %r (op %s) lacks %s" % (case["name"], op, ", ".join(missing)))
    return op


def print_invalid_ops(invalid: list) -> None:
    max_keys = max([len(c.get("sessionKeys", c.get("otherSessionKeys", []))) for c in invalid] + [1])
    print("/* The operations of the invalid cases (\"op\"; none means sign). */")
    print("enum iv_op { %s };\n" % ", ".join("OP_" + op.upper() for op in OP_FIELDS))
    print("#define IV_MAX_KEYS %d\n" % max_keys)
    print("/* One invalid case: the fields its op uses (absent ones are NULL, 0). signature is")
    print(" * verify's signature or diagnose's rejectedSignature; keys are sign_many's sessionKeys")
    print(" * or diagnose's otherSessionKeys; room_type NULL means the default; message_prefix")
    print(" * NULL when the case gives none. */")
    print("struct iv { const char *name; enum iv_op op; const char *op_name; const char *app_id; size_t app_id_len;"
          " const char *group_id; size_t group_id_len; const char *nonce; size_t nonce_len; int64_t ts;"
          " const char *key; size_t key_len; const char *signature; size_t signature_len;"
          " const char *room_type; size_t room_type_len; const char *body; size_t body_len;"
          " const char *keys[IV_MAX_KEYS]; size_t key_lens[IV_MAX_KEYS]; size_t n_keys;"
          " const char *error; const char *message_prefix; };\n")
    print("static const struct iv INVALID_OPS[] = {")
    for c in invalid:
        op = op_of(c)
        keys = c.get("sessionKeys", c.get("otherSessionKeys", []))
        sig = c.get("signature", c.get("rejectedSignature"))
        print("  {%s, OP_%s, %s, %s, %s, %s, %dLL, %s, %s, %s, %s, {%s}, {%s}, %d, %s, %s}," % (
            c_str(c["name"]), op.upper(), c_str(op), c_opt_bytes(c.get("appId")), c_opt_bytes(c.get("groupId")),
            c_opt_bytes(c.get("nonceStr")), c.get("timeStamp", 0), c_opt_bytes(c.get("sessionKey")),
            c_opt_bytes(sig), c_opt_bytes(c.get("roomType")), c_opt_bytes(c.get("body")),
            ", ".join(c_str(k) for k in keys) or "NULL", ", ".join(str(len(k.encode())) for k in keys) or "0",
            len(keys), c_str(c["error"]), c_str(c["messagePrefix"]) if "messagePrefix" in c else "NULL"))
    print("};\n")


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        v = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        d = json.load(f)
    print("/* Generated by tests/c/gen_vectors.py from tests/vectors/signatures.json and diagnose.json. */")
    print("#ifndef VOIPSIGN_TEST_VECTORS_H\n#define VOIPSIGN_TEST_VECTORS_H\n")
    print("#include <stddef.h>\n#include <stdint.h>\n")
    print("struct sv { const char *name; const char *app_id; size_t app_id_len; const char *group_id;"
          " size_t group_id_len; const char *nonce; size_t nonce_len; int64_t ts; const char *key;"
          " size_t key_len; const char *expect; size_t expect_len; const char *signature; };\n")
    print("static const struct sv CASES[] = {")
    for c in v["cases"]:
        print("  {%s, %s, %s, %s, %dLL, %s, %s, %s}," % (
            c_str(c["name"]), c_bytes(c["appId"]), c_bytes(c["groupId"]), c_bytes(c["nonceStr"]),
            c["timeStamp"], c_bytes(c["sessionKey"]), c_bytes(c["canonical"]), c_str(c["signature"])))
    print("};\n")
    print("/* The invalid cases of op sign, as sign inputs (INVALID_OPS has every invalid case). */")
    print("static const struct sv INVALID[] = {")
    for c in v["invalid"]:
        if op_of(c) != "sign":
            continue
        print("  {%s, %s, %s, %s, %dLL, %s, %s, NULL}," % (
            c_str(c["name"]), c_bytes(c["appId"]), c_bytes(c["groupId"]), c_bytes(c["nonceStr"]),
            c["timeStamp"], c_bytes(c["sessionKey"]), c_bytes(c["error"])))
    print("};\n")
    print_invalid_ops(v["invalid"])
    print("struct ss { const char *name; const char *key; size_t key_len; const char *body;"
          " size_t body_len; const char *signature; };\n")
    print("static const struct ss SESSION_SIGNATURES[] = {")
    for c in v["session_signatures"]:
        print("  {%s, %s, %s, %s}," % (c_str(c["name"]), c_bytes(c["sessionKey"]), c_bytes(c["body"]),
                                       c_str(c["signature"])))
    print("};\n")
    print("struct dv { const char *name; const char *group_id; size_t group_id_len; int64_t ts;"
          " const char *signature; size_t signature_len; const char *others[3]; size_t n_others;"
          " const char *verdict; const char *mistakes; };\n")
    print("static const struct dv DIAGNOSE[] = {")
    for c in d["diagnose"]:
        others = c["otherSessionKeys"]
        arr = ", ".join(c_str(k) for k in others) or "NULL"
        mistakes = json.dumps(c["mistakes"], separators=(",", ":"))
        print("  {%s, %s, %dLL, %s, {%s}, %d, %s, %s}," % (
            c_str(c["name"]), c_bytes(c["groupId"]), c["timeStamp"], c_bytes(c["signature"]), arr,
            len(others), c_str(c["verdict"]), c_str('"mistakes":' + mistakes)))
    print("};\n")
    print("struct ev { int64_t code; const char *msg; size_t msg_len; const char *cause; };\n")
    print("static const struct ev EXPLAIN[] = {")
    for c in d["explain"]:
        print("  {%dLL, %s, %s}," % (c["errCode"], c_bytes(c["errMsg"]), c_str('"cause":"%s"' % c["cause"])))
    print("};\n")
    # The ledger-aware explain: each context as JSON in both spellings.
    def snake(k):
        return "".join("_" + ch.lower() if ch.isupper() else ch for ch in k)

    def ctx(c, sp):
        obj = {(snake(k) if sp == "snake" else k): x for k, x in c["context"].items()}
        return c_bytes(json.dumps(obj, separators=(",", ":")))

    print("struct ew { int64_t code; const char *msg; size_t msg_len; const char *snake; size_t snake_len;"
          " const char *camel; size_t camel_len; const char *cause; const char *in_meaning; };\n")
    print("static const struct ew EXPLAIN_WITH[] = {")
    for c in d["explainWith"]:
        print("  {%dLL, %s, %s, %s, %s, %s}," % (c["errCode"], c_bytes(c["errMsg"]), ctx(c, "snake"), ctx(c, "camel"),
                                           c_str('"cause":"%s"' % c["cause"]), c_str(c.get("inMeaning", ""))))
    print("};\n")
    print("struct ewi { const char *snake; size_t snake_len; const char *camel; size_t camel_len; const char *snake_name;"
          " const char *camel_name; };\n")
    print("static const struct ewi EXPLAIN_WITH_INVALID[] = {")
    for c in d["explainWithInvalid"]:
        assert c["code"] == "INVALID_CONTEXT"
        print("  {%s, %s, %s, %s}," % (ctx(c, "snake"), ctx(c, "camel"), c_str(snake(c["inMessage"])),
                                       c_str(c["inMessage"])))
    print("};\n")
    print("#define N_EXPLAIN_WITH (sizeof EXPLAIN_WITH / sizeof EXPLAIN_WITH[0])")
    print("#define N_EXPLAIN_WITH_INVALID (sizeof EXPLAIN_WITH_INVALID / sizeof EXPLAIN_WITH_INVALID[0])")
    print("#define N_DIAGNOSE (sizeof DIAGNOSE / sizeof DIAGNOSE[0])")
    print("#define N_EXPLAIN (sizeof EXPLAIN / sizeof EXPLAIN[0])")
    print("#define N_CASES (sizeof CASES / sizeof CASES[0])")
    print("#define N_INVALID (sizeof INVALID / sizeof INVALID[0])")
    print("#define N_INVALID_OPS (sizeof INVALID_OPS / sizeof INVALID_OPS[0])")
    print("/* The number of invalid cases in signatures.json: N_INVALID_OPS must equal it. */")
    print("#define N_INVALID_JSON %d" % len(v["invalid"]))
    print("#define N_SESSION_SIGNATURES (sizeof SESSION_SIGNATURES / sizeof SESSION_SIGNATURES[0])")
    print("\n#endif /* VOIPSIGN_TEST_VECTORS_H */")


if __name__ == "__main__":
    main()
