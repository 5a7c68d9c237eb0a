"""Reading the arguments (src/args.rs): Python's types, PyO3's argument errors,
lone surrogates, int timestamps of every size; and that the order of the errors
of *values* is the core's alone."""

import enum
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

import voipsign

from conftest import APP_ID, DOC_SIGNATURE, GROUP_ID, KEY, NONCE, TS

ARGS: Dict[str, Any] = dict(app_id=APP_ID, group_id=GROUP_ID, nonce_str=NONCE, timestamp=TS)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY, KEY),  # type: ignore[call-arg]
         "sign() takes 5 positional arguments but 6 were given"),
        (lambda: voipsign.sign(APP_ID),  # type: ignore[call-arg]
         "sign() missing 4 required positional arguments: "
         "'group_id', 'nonce_str', 'timestamp', and 'session_key'"),
        (lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, TS),  # type: ignore[call-arg]
         "sign() missing 1 required positional argument: 'session_key'"),
        (lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, timestamp=TS),  # type: ignore[call-arg]
         "sign() missing 1 required positional argument: 'session_key'"),
        (lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY, sessionKey=KEY),  # type: ignore[call-arg]
         "sign() got an unexpected keyword argument 'sessionKey'"),
        (lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY, app_id=APP_ID),  # type: ignore[misc]
         "sign() got multiple values for argument 'app_id'"),
        (lambda: voipsign.session_signature(),  # type: ignore[call-arg]
         "session_signature() missing 1 required positional argument: 'session_key'"),
        (lambda: voipsign.session_signature(KEY, b"", b""),  # type: ignore[call-arg]
         "session_signature() takes from 1 to 2 positional arguments but 3 were given"),
        (lambda: voipsign.issue(APP_ID, GROUP_ID),  # type: ignore[call-arg]
         "issue() missing 1 required positional argument: 'session_key'"),
        (lambda: voipsign.issue(APP_ID, GROUP_ID, KEY, "voice", 1),  # type: ignore[call-arg]
         "issue() takes from 3 to 4 positional arguments but 5 were given"),
        (lambda: voipsign.verify(**ARGS, session_key=KEY, sig="0"),  # type: ignore[call-arg]
         "verify() got an unexpected keyword argument 'sig'"),
        (lambda: voipsign.canonical(**ARGS, **{"é": 1}),  # type: ignore[arg-type]
         "canonical() got an unexpected keyword argument 'é'"),
    ],
)
def test_argument_errors(call: Callable[[], object], message: str) -> None:
    # CPython's own words (PyO3 parses the arguments).
    with pytest.raises(TypeError) as info:
        call()
    assert str(info.value) == message


# --- types --------------------------------------------------------------------


class Room(enum.IntEnum):
    TS = TS


class Index:
    """An integer-like object (as numpy.int64 is): accepted through __index__."""

    def __index__(self) -> int:
        return TS


def test_timestamp_int_likes_are_accepted() -> None:
    assert voipsign.sign(APP_ID, GROUP_ID, NONCE, Room.TS, KEY) == DOC_SIGNATURE
    assert voipsign.sign(APP_ID, GROUP_ID, NONCE, Index(), KEY) == DOC_SIGNATURE


@pytest.mark.parametrize("bad", [True, False, 1559129714.0, 1559129714.5, "1559129714", None, b"1"])
def test_timestamp_wrong_type_is_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="timestamp must be an int") as info:
        voipsign.sign(APP_ID, GROUP_ID, NONCE, bad, KEY)  # type: ignore[arg-type]
    assert not isinstance(info.value, voipsign.VoipSignError)
    with pytest.raises(TypeError):
        voipsign.canonical(APP_ID, GROUP_ID, NONCE, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad", [0, -1, 10**10, 1559129714000, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 10**100]
)
def test_timestamp_out_of_range_is_invalid_timestamp(bad: int) -> None:
    with pytest.raises(voipsign.InvalidTimestamp) as info:
        voipsign.sign(APP_ID, GROUP_ID, NONCE, bad, KEY)
    assert info.value.code == "INVALID_TIMESTAMP"
    assert "timeStamp" in str(info.value)


def test_milliseconds_are_named() -> None:
    with pytest.raises(voipsign.InvalidTimestamp, match="milliseconds"):
        voipsign.sign(APP_ID, GROUP_ID, NONCE, TS * 1000, KEY)


def assert_not_str_type_error(err: TypeError, param: str, bad: object) -> None:
    """PyO3's TypeError for an argument that is not a ``str``: it names the type
    and, from 3.11 on, the parameter in a note (``add_note``); never the value."""
    what = "'None'" if bad is None else f"'{type(bad).__name__}' object"
    assert str(err) == f"{what} is not an instance of 'str'"
    assert not isinstance(err, voipsign.VoipSignError)
    if sys.version_info >= (3, 11):
        assert f"while processing '{param}'" in getattr(err, "__notes__", [])


@pytest.mark.parametrize("field", ["app_id", "group_id", "nonce_str", "session_key"])
@pytest.mark.parametrize("bad", [b"wx20afc706a711eefc", None, 42, ["a"]])
def test_string_arguments_must_be_str(field: str, bad: object) -> None:
    kwargs = dict(app_id=APP_ID, group_id=GROUP_ID, nonce_str=NONCE, timestamp=TS, session_key=KEY)
    kwargs[field] = bad
    with pytest.raises(TypeError) as info:
        voipsign.sign(**kwargs)  # type: ignore[arg-type]
    assert_not_str_type_error(info.value, field, bad)


def test_reading_errors_come_first_in_parameter_order() -> None:
    # A wrong type or a lone surrogate is raised as PyO3 reads the argument, in
    # parameter order, before the core sees any value: even with a bad appId in
    # front of it.
    with pytest.raises(TypeError, match="timestamp must be an int of seconds, not bool"):
        voipsign.sign("", "", "", True, "x")
    with pytest.raises(TypeError, match=r"not float \(pass int\(time.time\(\)\)\)"):
        voipsign.sign("", GROUP_ID, NONCE, 1.0, KEY)  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidUtf8, match="^sessionKey "):
        voipsign.sign("", GROUP_ID, NONCE, TS, KEY[:-1] + "\ud800")
    # The first argument that cannot be read wins.
    with pytest.raises(voipsign.InvalidUtf8, match="^groupId "):
        voipsign.sign("", "\ud800", NONCE, 1.0, b"k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="timestamp"):
        voipsign.sign("", GROUP_ID, NONCE, 1.0, KEY[:-1] + "\ud800")  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidUtf8, match="^rejectedSignature "):
        voipsign.diagnose("", GROUP_ID, NONCE, TS, KEY, "\ud800", [b"k"])  # type: ignore[list-item]
    with pytest.raises(voipsign.InvalidUtf8, match=r"^sessionKeys\[1\] "):
        voipsign.sign_many("", GROUP_ID, NONCE, TS, [KEY, "\ud800", b"k"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^session_keys\[1\] must be str, not bytes"):
        voipsign.sign_many("", GROUP_ID, NONCE, TS, [KEY, b"k", "\ud800"])  # type: ignore[list-item]


def test_the_core_orders_values_the_binding_does_not() -> None:
    # An int beyond 64 bits is a value like any other: the core reports the
    # first bad one, appId here.
    with pytest.raises(voipsign.InvalidAppId):
        voipsign.sign("", GROUP_ID, NONCE, 2**70, KEY)
    with pytest.raises(voipsign.InvalidAppId):
        voipsign.sign("", GROUP_ID, NONCE, -(10**100), KEY)
    with pytest.raises(voipsign.InvalidNonce):
        voipsign.sign_many(APP_ID, GROUP_ID, "", 10**100, [KEY, "bad"])
    with pytest.raises(voipsign.InvalidTimestamp, match="too large"):
        voipsign.sign(APP_ID, GROUP_ID, NONCE, 10**100, "bad")
    with pytest.raises(voipsign.InvalidTimestamp, match="not positive"):
        voipsign.sign(APP_ID, GROUP_ID, NONCE, -(10**100), "bad")
    with pytest.raises(voipsign.InvalidTimestamp, match="^timeStamp 1180591620717411303424 is too large"):
        voipsign.sign(APP_ID, GROUP_ID, NONCE, 2**70, "bad")
    with pytest.raises(voipsign.InvalidSessionKey):
        voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, "bad", "not a signature")
    with pytest.raises(voipsign.InvalidSessionKey):
        voipsign.issue(APP_ID, GROUP_ID, "bad", "audio")  # type: ignore[arg-type]


def test_lone_surrogate_is_invalid_utf8() -> None:
    with pytest.raises(voipsign.InvalidUtf8, match="groupId") as info:
        voipsign.sign(APP_ID, "room\ud800", NONCE, TS, KEY)
    assert info.value.code == "INVALID_UTF8"
    bad_key = KEY[:-3] + "\udc80=="
    with pytest.raises(voipsign.InvalidUtf8, match="sessionKey") as info:
        voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, bad_key)
    assert KEY[:-3] not in str(info.value)
    # Every str parameter names itself (the core's field names).
    calls: List[Tuple[Callable[[], object], str]] = [
        (lambda: voipsign.canonical("wx\ud800", GROUP_ID, NONCE, TS), "appId"),
        (lambda: voipsign.canonical(APP_ID, GROUP_ID, "n\ud800", TS), "nonceStr"),
        (lambda: voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, "0\ud800"), "signature"),
        (lambda: voipsign.issue(APP_ID, GROUP_ID, KEY, "voice\ud800"), "roomType"),  # type: ignore[arg-type]
        (lambda: voipsign.session_signature(KEY, "{}\ud800"), "body"),
        (lambda: voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, bad_key]), r"sessionKeys\[1\]"),
    ]
    for call, field in calls:
        with pytest.raises(voipsign.InvalidUtf8, match=f"^{field} contains a lone surrogate") as info:
            call()
        assert info.value.code == "INVALID_UTF8"
        assert KEY[:-3] not in str(info.value)


def test_requires_python_310() -> None:
    # The abi3 wheel's floor (issue 12): Python 3.8 and 3.9 are no longer served.
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.10"' in pyproject
    assert sys.version_info >= (3, 10)


def test_non_ascii_group_id_is_signed_as_utf8() -> None:
    # The same value through the fast (borrowed) path twice: the UTF-8 cache of a
    # non-ASCII str must not change the result.
    group = "房间-🎧"
    first = voipsign.sign(APP_ID, group, NONCE, TS, KEY)
    assert voipsign.sign(APP_ID, group, NONCE, TS, KEY) == first
    assert voipsign.sign(APP_ID, "".join(["房间", "-🎧"]), NONCE, TS, KEY) == first
    assert voipsign.canonical(APP_ID, group, NONCE, TS).endswith(group)


