# The signature vectors (tests/vectors/signatures.json, the file named on the
# command line) through the installed package: every valid case's signature, and
# the error code of every invalid `sign` case.
import json
import sys

import voipsign

doc = json.load(open(sys.argv[1], encoding="utf-8"))
passed = failed = 0
cases = [(c, c["signature"]) for c in doc["cases"]]
cases += [(c, c["error"]) for c in doc["invalid"] if c.get("op", "sign") == "sign"]
for c, want in cases:
    try:
        got = voipsign.sign(c.get("appId"), c.get("groupId"), c.get("nonceStr"), c.get("timeStamp"),
                            c.get("sessionKey"))
    except voipsign.VoipSignError as e:
        got = e.code
    except (TypeError, ValueError):  # a JSON value Python's API refuses by type (e.g. a float timeStamp)
        continue
    if got == want:
        passed += 1
    else:
        failed += 1
        print(f"vector {c['name']}: want {want}, got {got}", file=sys.stderr)
print(f"vectors: {passed} passed, {failed} failed")
sys.exit(0 if failed == 0 and passed > 0 else 1)
