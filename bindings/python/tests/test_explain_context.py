"""explain(err_code, err_msg, context): every case of tests/vectors/diagnose.json's
"explainWith" (the ledger context, its keys in snake_case here) and
"explainWithInvalid" (InvalidContext, a ValueError, naming the key)."""

import re

import pytest

import voipsign

from conftest import DIAGNOSE_VECTORS, Vector

WITH = DIAGNOSE_VECTORS["explainWith"]
INVALID = DIAGNOSE_VECTORS["explainWithInvalid"]


def snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def context(camel: dict[str, object]) -> voipsign.ExplainContext:
    return {snake(k): v for k, v in camel.items()}  # type: ignore[return-value]


@pytest.mark.parametrize("v", WITH, ids=[f"{i}:{v['cause']}" for i, v in enumerate(WITH)])
def test_explain_with_vector(v: Vector) -> None:
    e = voipsign.explain(v["errCode"], v["errMsg"], context(v["context"]))
    assert e.cause == v["cause"]
    if "inMeaning" in v:
        assert v["inMeaning"] in e.meaning
    assert voipsign.explain(v["errCode"], v["errMsg"], context=context(v["context"])) == e


@pytest.mark.parametrize("v", INVALID, ids=[v["inMessage"] for v in INVALID])
def test_explain_with_invalid_context(v: Vector) -> None:
    with pytest.raises(voipsign.InvalidContext) as info:
        voipsign.explain(-1, "", context(v["context"]))
    assert isinstance(info.value, ValueError)
    assert info.value.code == v["code"]
    assert snake(v["inMessage"]) in str(info.value)


def test_no_context_is_the_plain_explanation() -> None:
    plain = voipsign.explain(-1)
    assert voipsign.explain(-1, "", None) == plain
    assert voipsign.explain(-1, "", {}) == plain
    with pytest.raises(TypeError):
        voipsign.explain(-1, "", "seated")  # type: ignore[arg-type]
    # camelCase is not Python's spelling: the message names the snake_case keys.
    with pytest.raises(voipsign.InvalidContext, match="key_replaced"):
        voipsign.explain(-1, "", {"keyReplaced": True})  # type: ignore[arg-type]
    assert voipsign.explain(-1, "", {"seated": None}) == plain
