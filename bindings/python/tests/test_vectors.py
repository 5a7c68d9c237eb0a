"""Every vector of tests/vectors/signatures.json, byte for byte, and every invalid
case through the operation it names ("op", `sign` when absent): the code by
name and, where the case has one, the message prefix."""

import inspect
from typing import Any, Callable, Dict, List

import pytest

import voipsign
from voipsign.errors import ERROR_CLASSES

from conftest import KEY, VECTORS, Vector

CASES = VECTORS["cases"]
INVALID = VECTORS["invalid"]
SESSION = VECTORS["session_signatures"]

#: The vectors' field names (camelCase, as in the documentation) -> the Python
#: parameters.
PARAMS = {
    "appId": "app_id",
    "groupId": "group_id",
    "nonceStr": "nonce_str",
    "timeStamp": "timestamp",
    "sessionKey": "session_key",
    "signature": "signature",
    "sessionKeys": "session_keys",
    "roomType": "room_type",
    "rejectedSignature": "rejected_signature",
    "otherSessionKeys": "other_session_keys",
    "body": "body",
}
#: The fields of an invalid case that are not arguments.
META = {"name", "op", "error", "messagePrefix"}
OPS = {"sign", "canonical", "verify", "sign_many", "issue", "diagnose", "session_signature"}


def test_vector_file_is_complete() -> None:
    # Guard against silently testing nothing if the file shrinks or moves.
    assert len(CASES) >= 18
    assert len(INVALID) >= 234
    assert len(SESSION) >= 4
    assert CASES[0]["name"] == "doc-example"
    assert {v.get("op", "sign") for v in INVALID} == OPS
    assert sum("messagePrefix" in v for v in INVALID) >= 2
    # Every field of every case is one this file knows how to pass.
    for v in INVALID:
        assert set(v) <= META | set(PARAMS), v["name"]


def args(v: Vector) -> Dict[str, Any]:
    return dict(
        app_id=v["appId"],
        group_id=v["groupId"],
        nonce_str=v["nonceStr"],
        timestamp=v["timeStamp"],
    )


@pytest.mark.parametrize("v", CASES, ids=[v["name"] for v in CASES])
def test_case(v: Vector) -> None:
    assert voipsign.canonical(**args(v)) == v["canonical"]
    sig = voipsign.sign(**args(v), session_key=v["sessionKey"])
    assert sig == v["signature"]
    assert voipsign.verify(**args(v), session_key=v["sessionKey"], signature=v["signature"])
    # An upper-case signature is well-formed but never the right one.
    upper = v["signature"].upper()
    assert not voipsign.verify(**args(v), session_key=v["sessionKey"], signature=upper)
    assert voipsign.sign_many(**args(v), session_keys=[v["sessionKey"]]) == [v["signature"]]


def calls(v: Vector) -> Dict[str, Callable[[], object]]:
    """The case's operation, called by keyword and by position."""
    func: Callable[..., object] = getattr(voipsign, v.get("op", "sign"))
    kwargs = {PARAMS[k]: value for k, value in v.items() if k not in META}
    names = list(inspect.signature(func).parameters)
    # The case gives every parameter up to its last one: position works too.
    given = [n for n in names if n in kwargs]
    assert given == names[: len(given)], (v["name"], names, sorted(kwargs))
    positional = [kwargs[n] for n in given]
    return {"keywords": lambda: func(**kwargs), "positions": lambda: func(*positional)}


def secrets(v: Vector) -> List[str]:
    keys: List[str] = [v.get("sessionKey", "")] + v.get("sessionKeys", []) + v.get("otherSessionKeys", [])
    return [k.strip() for k in keys if len(k.strip()) >= 6]


@pytest.mark.parametrize("v", INVALID, ids=[v["name"] for v in INVALID])
def test_invalid(v: Vector) -> None:
    cls = ERROR_CLASSES[v["error"]]
    for how, call in calls(v).items():
        with pytest.raises(voipsign.VoipSignError) as info:
            call()
        err = info.value
        assert type(err) is cls, (how, err)
        assert isinstance(err, ValueError)
        assert err.code == v["error"], how
        assert str(err), how  # a message naming the field and the reason
        assert str(err).startswith(v.get("messagePrefix", "")), (how, str(err))
        for key in secrets(v):
            assert key not in str(err) and key not in repr(err), how


SIGN_CASES = [v for v in INVALID if "op" not in v]


@pytest.mark.parametrize("v", SIGN_CASES, ids=[v["name"] for v in SIGN_CASES])
def test_invalid_sign_case_in_every_operation(v: Vector) -> None:
    # A `sign` case is refused with the same code by every operation that takes
    # the same values (the signature, the key list come after them).
    cls = ERROR_CLASSES[v["error"]]
    key = v["sessionKey"]
    others: Dict[str, Callable[[], object]] = {
        "verify": lambda: voipsign.verify(**args(v), session_key=key, signature="0" * 64),
        "sign_many": lambda: voipsign.sign_many(**args(v), session_keys=[KEY, key]),
    }
    if v["error"] != "INVALID_SESSION_KEY":
        others["canonical"] = lambda: voipsign.canonical(**args(v))
    for name, call in others.items():
        with pytest.raises(cls) as info:
            call()
        assert type(info.value) is cls and info.value.code == v["error"], name


@pytest.mark.parametrize("v", SESSION, ids=[v["name"] for v in SESSION])
def test_session_signature(v: Vector) -> None:
    body: str = v["body"]
    assert voipsign.session_signature(v["sessionKey"], body) == v["signature"]
    assert voipsign.session_signature(v["sessionKey"], body.encode("utf-8")) == v["signature"]
    assert voipsign.session_signature(session_key=v["sessionKey"], body=body) == v["signature"]
    if body == "":
        assert voipsign.session_signature(v["sessionKey"]) == v["signature"]
