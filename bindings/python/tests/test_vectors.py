"""Every vector of tests/vectors/signatures.json, byte for byte."""

from typing import Any, Callable, Dict

import pytest

import voipsign
from voipsign.errors import ERROR_CLASSES

from conftest import VECTORS, Vector

CASES = VECTORS["cases"]
INVALID = VECTORS["invalid"]
SESSION = VECTORS["session_signatures"]


def test_vector_file_is_complete() -> None:
    # Guard against silently testing nothing if the file shrinks or moves.
    assert len(CASES) >= 18
    assert len(INVALID) >= 20
    assert len(SESSION) >= 4
    assert CASES[0]["name"] == "doc-example"


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


@pytest.mark.parametrize("v", INVALID, ids=[v["name"] for v in INVALID])
def test_invalid(v: Vector) -> None:
    cls = ERROR_CLASSES[v["error"]]
    key = v["sessionKey"]
    calls: Dict[str, Callable[[], object]] = {
        "sign": lambda: voipsign.sign(**args(v), session_key=key),
        "verify": lambda: voipsign.verify(**args(v), session_key=key, signature="0" * 64),
        "sign_many": lambda: voipsign.sign_many(**args(v), session_keys=[key]),
    }
    if v["error"] != "INVALID_SESSION_KEY":
        calls["canonical"] = lambda: voipsign.canonical(**args(v))
    for name, call in calls.items():
        with pytest.raises(cls) as info:
            call()
        err = info.value
        assert type(err) is cls, name
        assert isinstance(err, voipsign.VoipSignError) and isinstance(err, ValueError)
        assert err.code == v["error"], name
        assert str(err), name  # a message naming the field and the reason
        if key:
            assert key not in str(err) and key not in repr(err), name


@pytest.mark.parametrize("v", SESSION, ids=[v["name"] for v in SESSION])
def test_session_signature(v: Vector) -> None:
    body: str = v["body"]
    assert voipsign.session_signature(v["sessionKey"], body) == v["signature"]
    assert voipsign.session_signature(v["sessionKey"], body.encode("utf-8")) == v["signature"]
    assert voipsign.session_signature(session_key=v["sessionKey"], body=body) == v["signature"]
    if body == "":
        assert voipsign.session_signature(v["sessionKey"]) == v["signature"]
