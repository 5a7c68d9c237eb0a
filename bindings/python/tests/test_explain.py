"""explain() (issue 7): every case of tests/vectors/diagnose.json's "explain",
and its arguments: an int errCode (never bool/float, OverflowError beyond 64
bits) and any str errMsg. The result type is tested with Diagnosis in
test_diagnose.py."""

import enum
import json

import pytest

import voipsign

from conftest import DIAGNOSE_VECTORS, Vector
from test_arguments import assert_not_str_type_error

EXPLAIN = DIAGNOSE_VECTORS["explain"]


@pytest.mark.parametrize("v", EXPLAIN, ids=[f"{v['errCode']}:{v['errMsg'][:30]}" for v in EXPLAIN])
def test_explain_vector(v: Vector) -> None:
    e = voipsign.explain(v["errCode"], v["errMsg"])
    assert type(e) is voipsign.Explanation
    assert e.cause == v["cause"]
    assert e.meaning and e.action
    assert e.to_dict() == {"cause": v["cause"], "meaning": e.meaning, "action": e.action}
    assert json.loads(e.to_json()) == e.to_dict()
    assert list(e.to_dict()) == ["cause", "meaning", "action"]
    assert voipsign.explain(err_msg=v["errMsg"], err_code=v["errCode"]) == e
    if v["errMsg"] == "":
        assert voipsign.explain(v["errCode"]) == e


# --- explain ------------------------------------------------------------------------


class Code(enum.IntEnum):
    SIGNATURE = -12020


class CodeIndex:
    def __index__(self) -> int:
        return -13000


def test_explain_int_likes() -> None:
    assert voipsign.explain(Code.SIGNATURE).cause == "INVALID_SIGNATURE"
    assert voipsign.explain(CodeIndex()).cause == "DAILY_ROOM_LIMIT"


@pytest.mark.parametrize("bad", [True, False, -1000.0, "-1000", None, b"-1", [-1]])
def test_explain_err_code_wrong_type(bad: object) -> None:
    with pytest.raises(TypeError) as info:
        voipsign.explain(bad)  # type: ignore[arg-type]
    assert str(info.value) == f"err_code must be an int, not {type(bad).__name__}"
    assert not isinstance(info.value, ValueError)


@pytest.mark.parametrize("bad", [2**63, -(2**63) - 1, 10**100, -(10**100)])
def test_explain_err_code_out_of_range_is_overflow_error(bad: int) -> None:
    with pytest.raises(OverflowError, match="64-bit"):
        voipsign.explain(bad)
    with pytest.raises(OverflowError):
        voipsign.explain(bad, "invalid signature")


@pytest.mark.parametrize("code", [2**63 - 1, -(2**63), 0, 12020])
def test_explain_err_code_in_range(code: int) -> None:
    e = voipsign.explain(code)
    assert e.cause == "UNKNOWN" and str(code) in e.meaning


@pytest.mark.parametrize("bad", [b"invalid signature", 42, ["x"]])
def test_explain_err_msg_must_be_str(bad: object) -> None:
    with pytest.raises(TypeError) as info:
        voipsign.explain(-1000, bad)  # type: ignore[arg-type]
    assert_not_str_type_error(info.value, "err_msg", bad)


def test_explain_err_msg_none_is_the_default() -> None:
    assert voipsign.explain(-1000, None) == voipsign.explain(-1000) == voipsign.explain(-1000, "")  # type: ignore[arg-type]
    assert voipsign.explain(-1000, err_msg=None).cause == "SYSTEM_ERROR"  # type: ignore[arg-type]


def test_explain_reads_codes_and_words_in_err_msg() -> None:
    assert voipsign.explain(-1000, "errCode: -13000").cause == "DAILY_ROOM_LIMIT"
    assert voipsign.explain(-10088, "join room failed, INVALID SIGNATURE").cause == "INVALID_SIGNATURE"
    e = voipsign.explain(-7, "errCode: 42 and 99999999999999999999999")
    assert e.cause == "UNKNOWN" and "-7, 42" in e.meaning


def test_explain_never_refuses_a_str() -> None:
    # A lone surrogate (json.loads makes one from "\\ud800") is read as U+FFFD.
    assert voipsign.explain(-1000, "fail \ud800 invalid signature").cause == "INVALID_SIGNATURE"
    assert voipsign.explain(-1000, "\udc80errCode: -13000\ud800").cause == "DAILY_ROOM_LIMIT"
    assert voipsign.explain(-1000, "房间 \x00 " * 10_000).cause == "SYSTEM_ERROR"


