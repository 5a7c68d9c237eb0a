"""The Python API: argument handling, types, errors, tickets, secrecy."""

import base64
import hashlib
import hmac
import inspect
import json
import pickle
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

import voipsign
import voipsign._native as native
from voipsign.errors import ERROR_CLASSES, KIND_BASES

from conftest import APP_ID, DOC_SIGNATURE, GROUP_ID, KEY, NONCE, TS, VECTORS
from test_arguments import assert_not_str_type_error

NONCE_RE = re.compile(r"[A-Za-z0-9]{32}")


def key_n(i: int) -> str:
    """A distinct, well-formed session_key."""
    return base64.b64encode(i.to_bytes(16, "big")).decode()


# --- module surface ---------------------------------------------------------


def test_version_is_the_crate_version() -> None:
    cargo = (Path(__file__).resolve().parent.parent / "Cargo.toml").read_text()
    match = re.search(r'^version = "([^"]+)"', cargo, re.MULTILINE)
    assert match is not None
    assert voipsign.__version__ == match.group(1)


def test_all_is_exact() -> None:
    names: List[str] = getattr(voipsign, "__all__")  # hidden from mypy (see __init__.py)
    for name in names:
        assert hasattr(voipsign, name), name
    assert len(names) == len(set(names))
    public = {n for n in dir(voipsign) if not n.startswith("_")} - {"errors"}
    assert public == set(names) - {"__version__"}


def test_package_docstring_example() -> None:
    import doctest

    result = doctest.testmod(voipsign, raise_on_error=False)
    assert result.attempted >= 2 and result.failed == 0


def test_every_core_code_has_a_class() -> None:
    c_abi_only = {"NULL_ARGUMENT", "BUFFER_TOO_SMALL"}
    core_codes = set(native._ERROR_CODES)
    assert core_codes - c_abi_only == set(ERROR_CLASSES)
    for code, cls in ERROR_CLASSES.items():
        assert cls.code == code
        assert issubclass(cls, voipsign.VoipSignError)
        assert getattr(voipsign, cls.__name__) is cls
        assert KIND_BASES[cls.kind] in cls.__mro__
    assert not issubclass(voipsign.VoipSignError, ValueError)


def test_kinds_split_the_errors() -> None:
    # input: a ValueError, like Python's own; refusal: not one, so that an
    # `except ValueError` around input parsing never swallows a full room;
    # outage: an OSError; internal: the root only.
    assert issubclass(voipsign.InvalidAppId, ValueError)
    assert issubclass(voipsign.InvalidRules, voipsign.InputError)
    assert issubclass(voipsign.LedgerClosed, ValueError)
    assert issubclass(voipsign.InvalidLimit, voipsign.InputError)
    assert issubclass(voipsign.InvalidLimit, ValueError) and voipsign.InvalidLimit.kind == "input"
    assert voipsign.InvalidLimit.code == "INVALID_LIMIT"
    assert voipsign.MemberDailyLimit.code == "MEMBER_DAILY_LIMIT"
    for refusal in (voipsign.RoomFull, voipsign.DailyRoomLimit, voipsign.MemberDailyLimit,
                    voipsign.NotAdmitted):
        assert issubclass(refusal, voipsign.RefusalError) and refusal.kind == "refusal"
        assert not issubclass(refusal, ValueError) and not issubclass(refusal, OSError)
    assert issubclass(voipsign.LedgerUnavailable, OSError)
    assert issubclass(voipsign.LedgerUnavailable, voipsign.OutageError)
    assert not issubclass(voipsign.LedgerUnavailable, ValueError)
    for internal in (voipsign.InternalError, voipsign.RngFailure):
        assert internal.__bases__ == (voipsign.VoipSignError,) and internal.kind == "internal"
    assert {b.kind for b in KIND_BASES.values()} == set(KIND_BASES)
    # A full room is not swallowed by input handling.
    lg = voipsign.Ledger.memory(capacity=1)
    lg.admit(APP_ID, GROUP_ID, "a", now_ms=1_796_083_200_000)
    with pytest.raises(voipsign.RoomFull):
        try:
            lg.admit(APP_ID, GROUP_ID, "b", now_ms=1_796_083_200_000)
        except ValueError:  # pragma: no cover - the point: it is not one
            pytest.fail("RoomFull caught as a ValueError")


def test_an_outage_error_is_an_oserror_with_the_message() -> None:
    err = voipsign.LedgerUnavailable("redis 127.0.0.1:1: connection refused")
    assert str(err) == "redis 127.0.0.1:1: connection refused" and err.errno is None
    assert err.args == ("redis 127.0.0.1:1: connection refused",)
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is voipsign.LedgerUnavailable and str(copy) == str(err)


@pytest.mark.parametrize("kind", ["input", "refusal", "outage", "internal"])
def test_a_code_without_a_class_is_its_kinds_base(kind: str) -> None:
    # What src/errors.rs raises for a code a newer core added: the kind's base,
    # carrying the code name.
    err = KIND_BASES[kind]("a newer refusal", "SEAT_QUOTA_EXCEEDED")
    assert type(err) is KIND_BASES[kind] and err.code == "SEAT_QUOTA_EXCEEDED"
    assert err.kind == kind and str(err) == "a newer refusal"
    copy = pickle.loads(pickle.dumps(err))
    assert (type(copy), copy.code, str(copy)) == (type(err), err.code, str(err))
    assert isinstance(err, ValueError) == (kind == "input")


@pytest.mark.parametrize(
    "func, params",
    [
        (voipsign.sign, "app_id, group_id, nonce_str, timestamp, session_key"),
        (voipsign.verify, "app_id, group_id, nonce_str, timestamp, session_key, signature"),
        (voipsign.canonical, "app_id, group_id, nonce_str, timestamp"),
        (voipsign.sign_many, "app_id, group_id, nonce_str, timestamp, session_keys"),
        (voipsign.session_signature, "session_key, body=b''"),
        (voipsign.issue, "app_id, group_id, session_key, room_type='voice'"),
    ],
)
def test_signatures_and_docs(func: object, params: str) -> None:
    assert str(inspect.signature(func)) == f"({params})"  # type: ignore[arg-type]
    doc = inspect.getdoc(func)
    assert doc is not None and len(doc) > 80


# --- sign / verify / canonical ------------------------------------------------


def test_doc_example_positional_and_keyword() -> None:
    assert voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY) == DOC_SIGNATURE
    assert (
        voipsign.sign(
            session_key=KEY, timestamp=TS, nonce_str=NONCE, group_id=GROUP_ID, app_id=APP_ID
        )
        == DOC_SIGNATURE
    )
    assert voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, session_key=KEY) == DOC_SIGNATURE


ARGS: Dict[str, Any] = dict(app_id=APP_ID, group_id=GROUP_ID, nonce_str=NONCE, timestamp=TS)


def test_every_function_by_keyword_and_position() -> None:
    sig = voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY)
    assert voipsign.sign(**ARGS, session_key=KEY) == sig
    assert voipsign.sign(APP_ID, GROUP_ID, nonce_str=NONCE, session_key=KEY, timestamp=TS) == sig
    assert voipsign.verify(**ARGS, signature=sig, session_key=KEY) is True
    assert voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, signature=sig) is True
    assert voipsign.canonical(**ARGS) == voipsign.canonical(APP_ID, GROUP_ID, NONCE, TS)
    assert voipsign.sign_many(**ARGS, session_keys=[KEY]) == [sig]
    assert voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, session_keys=(KEY,)) == [sig]
    body = b"{}"
    mac = voipsign.session_signature(KEY, body)
    assert voipsign.session_signature(body=body, session_key=KEY) == mac
    assert voipsign.session_signature(KEY, body=body) == mac
    assert voipsign.session_signature(session_key=KEY) == voipsign.session_signature(KEY, b"")
    t = voipsign.issue(room_type="video", session_key=KEY, group_id=GROUP_ID, app_id=APP_ID)
    assert t.room_type == "video"
    assert voipsign.issue(APP_ID, GROUP_ID, KEY).room_type == "voice"
    assert voipsign.issue(APP_ID, GROUP_ID, session_key=KEY, room_type="video").room_type == "video"


def test_verify() -> None:
    assert voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, DOC_SIGNATURE) is True
    wrong = DOC_SIGNATURE[:-1] + ("0" if DOC_SIGNATURE[-1] != "0" else "1")
    assert voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, wrong) is False
    assert voipsign.verify(APP_ID, GROUP_ID, NONCE, TS + 1, KEY, DOC_SIGNATURE) is False
    for bad in ["", DOC_SIGNATURE[:-1], DOC_SIGNATURE + "0", "g" * 64]:
        with pytest.raises(voipsign.InvalidSignature) as info:
            voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, bad)
        assert info.value.code == "INVALID_SIGNATURE"


def test_verify_refuses_cloud_signatures() -> None:
    with pytest.raises(voipsign.InvalidSignature, match="cloud"):
        voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, DOC_SIGNATURE + "_1a2b")


def test_canonical() -> None:
    expected = "1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc"
    assert voipsign.canonical(APP_ID, GROUP_ID, NONCE, TS) == expected


# --- session_signature ----------------------------------------------------------


def test_session_signature_body_types() -> None:
    body = '{"foo":"bar"}'
    expected = "654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b"
    key = "o0q0otL8aEzpcZL/FT9WsQ=="
    assert voipsign.session_signature(key, body) == expected
    assert voipsign.session_signature(key, body.encode()) == expected
    assert voipsign.session_signature(key, b"") == voipsign.session_signature(key) == (
        voipsign.session_signature(key, "")
    )
    for bad in [bytearray(b"x"), memoryview(b"x"), 1, ["x"]]:
        with pytest.raises(TypeError, match="body must be str or bytes"):
            voipsign.session_signature(key, bad)  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidSessionKey):
        voipsign.session_signature(key + "\n", body)


@pytest.mark.parametrize("size", [0, 1, 55, 56, 64, 65 * 1024, 1 << 20])
def test_session_signature_is_hmac_of_the_body(size: int) -> None:
    # Large bodies take the GIL-releasing path; all must be HMAC-SHA256 keyed by
    # the key string (the standard library is the oracle here).
    body = bytes(range(256)) * (size // 256) + bytes(size % 256)
    expected = hmac.new(KEY.encode(), body, hashlib.sha256).hexdigest()
    assert voipsign.session_signature(KEY, body) == expected
    text = "é" * (size // 2)
    expected = hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()
    assert voipsign.session_signature(KEY, text) == expected


# --- sign_many ------------------------------------------------------------------


def test_sign_many_equals_sign_per_key() -> None:
    keys = [key_n(i) for i in range(10)]
    expected = [voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, k) for k in keys]
    assert len(set(expected)) == 10
    assert voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, keys) == expected
    assert voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, tuple(keys)) == expected

    def gen() -> Iterator[str]:
        yield from keys

    assert voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, gen()) == expected
    assert voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, dict.fromkeys(keys)) == expected
    assert voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, []) == []
    big = [key_n(i) for i in range(1000)]
    assert voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, big)[999] == voipsign.sign(
        APP_ID, GROUP_ID, NONCE, TS, big[999]
    )


def test_sign_many_vector_room() -> None:
    room = [v for v in VECTORS["cases"] if v["name"] in ("doc-example", "room-member-2", "room-member-3")]
    assert len(room) == 3
    got = voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [v["sessionKey"] for v in room])
    assert got == [v["signature"] for v in room]


def test_sign_many_errors() -> None:
    with pytest.raises(TypeError, match="not a single str"):
        voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, KEY)
    with pytest.raises(TypeError, match="iterable of str, not int"):
        voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"session_keys\[1\] must be str, not bytes"):
        voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, KEY.encode()])  # type: ignore[list-item]
    with pytest.raises(voipsign.InvalidSessionKey, match=r"sessionKeys\[2\]") as info:
        voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, KEY, "not-a-key", KEY])
    assert "not-a-key" not in str(info.value)
    with pytest.raises(voipsign.InvalidNonce):
        voipsign.sign_many(APP_ID, GROUP_ID, "", TS, [KEY])

    def failing() -> Iterator[str]:
        yield KEY
        raise RuntimeError("iterator failed")

    with pytest.raises(RuntimeError, match="iterator failed"):
        voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, failing())


# --- issue / JoinTicket ---------------------------------------------------------


def test_issue_round_trips_through_verify() -> None:
    before = int(time.time())
    t = voipsign.issue(APP_ID, "room-42", KEY)
    after = int(time.time())
    assert isinstance(t, voipsign.JoinTicket)
    assert t.group_id == "room-42"
    assert t.room_type == "voice"
    assert before <= t.timestamp <= after
    assert NONCE_RE.fullmatch(t.nonce_str)
    assert voipsign.verify(APP_ID, t.group_id, t.nonce_str, t.timestamp, KEY, t.signature)
    assert t.signature == voipsign.sign(APP_ID, t.group_id, t.nonce_str, t.timestamp, KEY)
    video = voipsign.issue(app_id=APP_ID, group_id="room-42", session_key=KEY, room_type="video")
    assert video.room_type == "video"
    assert voipsign.verify(APP_ID, "room-42", video.nonce_str, video.timestamp, KEY, video.signature)


def test_issue_nonces_are_fresh() -> None:
    nonces = [voipsign.issue(APP_ID, GROUP_ID, KEY).nonce_str for _ in range(10_000)]
    assert all(NONCE_RE.fullmatch(n) for n in nonces)
    assert len(set(nonces)) == len(nonces)
    # Every character of the alphabet shows up (320,000 draws from 62 symbols).
    assert len(set("".join(nonces))) == 62


def test_issue_errors() -> None:
    for bad in ["Video", "audio", ""]:
        with pytest.raises(voipsign.InvalidRoomType) as info:
            voipsign.issue(APP_ID, GROUP_ID, KEY, bad)  # type: ignore[arg-type]
        assert info.value.code == "INVALID_ROOM_TYPE"
    with pytest.raises(TypeError) as type_error:
        voipsign.issue(APP_ID, GROUP_ID, KEY, 1)  # type: ignore[arg-type]
    assert_not_str_type_error(type_error.value, "room_type", 1)
    # None is the default, "voice".
    assert voipsign.issue(APP_ID, GROUP_ID, KEY, None).room_type == "voice"  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidGroupId):
        voipsign.issue(APP_ID, "", KEY)
    with pytest.raises(voipsign.InvalidSessionKey):
        voipsign.issue(APP_ID, GROUP_ID, KEY.rstrip("="))


def test_ticket_to_dict_is_the_join_object() -> None:
    t = voipsign.issue(APP_ID, "房间42", KEY, "video")
    d = t.to_dict()
    assert list(d) == ["groupId", "nonceStr", "timeStamp", "signature", "roomType"]
    assert d == {
        "groupId": "房间42",
        "nonceStr": t.nonce_str,
        "timeStamp": t.timestamp,
        "signature": t.signature,
        "roomType": "video",
    }
    assert type(d["timeStamp"]) is int
    # What a web handler returns: timeStamp a JSON number.
    decoded = json.loads(json.dumps(d))
    assert decoded == d
    assert re.search(r'"timeStamp": \d+,', json.dumps(d))
    assert t.to_dict() is not d  # a fresh dict each time: callers may mutate it
    # to_json is the core's serialisation of the same object.
    assert t.to_json() == json.dumps(d, separators=(",", ":"), ensure_ascii=False)
    assert json.loads(t.to_json()) == d


def test_ticket_is_frozen_comparable_hashable() -> None:
    t = voipsign.issue(APP_ID, GROUP_ID, KEY)
    for attr in ["group_id", "nonce_str", "timestamp", "signature", "room_type"]:
        with pytest.raises(AttributeError):
            setattr(t, attr, "x")
    with pytest.raises(AttributeError):
        t.extra = 1  # type: ignore[attr-defined]
    assert t == t and hash(t) == hash(t)
    other = voipsign.issue(APP_ID, GROUP_ID, KEY)
    assert t != other
    assert len({t, other, t}) == 2
    assert (t == "x") is False
    with pytest.raises(TypeError):
        voipsign.JoinTicket()


def test_ticket_repr() -> None:
    t = voipsign.issue(APP_ID, "it's", KEY, "video")
    r = repr(t)
    assert r == (
        f"JoinTicket(group_id=\"it's\", nonce_str='{t.nonce_str}', timestamp={t.timestamp}, "
        f"signature='{t.signature}', room_type='video')"
    )
    assert type(t).__module__ == "voipsign"
    assert type(t).__qualname__ == "JoinTicket"


# --- secrecy --------------------------------------------------------------------


def key_fragments(key: str, width: int = 6) -> List[str]:
    """Every run of `width` characters of the key (no prefix or part of it may leak)."""
    return [key[i : i + width] for i in range(len(key) - width + 1)]


SECRET_CALLS: List[Callable[[str], object]] = [
    lambda k: voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, k),
    lambda k: voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, k, DOC_SIGNATURE),
    lambda k: voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, k]),
    lambda k: voipsign.session_signature(k, b"body"),
    lambda k: voipsign.issue(APP_ID, GROUP_ID, k),
]


@pytest.mark.parametrize(
    "bad_key",
    [
        "gDyVgzwa0mFz9uUP7M6GQQ==\n",
        "gDyVgzwa0mFz9uUP7M6GQQ== ",
        "gDyVgzwa0mFz9uUP",
        "gDyVgzwa0mFz9uUP7M6G$Q==",
        "gDyVgzwa0mFz9uUP7M6GQYDsV4M8GtJhT1ZoQbAtKGk=",
        "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "gDyVgzwa0mFz9uUP7M6GQR==",
        "gDyVgzwa0mFz9uUP7M6GQ\ud800=",
    ],
)
@pytest.mark.parametrize("call", range(len(SECRET_CALLS)))
def test_session_key_never_in_errors(bad_key: str, call: int) -> None:
    with pytest.raises(voipsign.VoipSignError) as info:
        SECRET_CALLS[call](bad_key)
    err = info.value
    shown = [
        str(err),
        repr(err),
        repr(err.args),
        "".join(traceback.format_exception(type(err), err, err.__traceback__)),
        repr(getattr(err, "__notes__", None)),
        repr(vars(err)),
    ]
    for text in shown:
        for fragment in key_fragments(bad_key.strip()):
            assert fragment not in text, (fragment, text)
    # The error survives pickling (e.g. across a process pool) with its code.
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is type(err) and clone.code == err.code and str(clone) == str(err)


def test_session_key_never_in_reprs_of_results() -> None:
    t = voipsign.issue(APP_ID, GROUP_ID, KEY)
    for fragment in key_fragments(KEY):
        assert fragment not in repr(t)
        assert fragment not in repr(t.to_dict())
        assert fragment not in str(dir(t))


def test_valid_key_never_in_other_errors() -> None:
    with pytest.raises(voipsign.VoipSignError) as info:
        voipsign.sign("", GROUP_ID, NONCE, TS, KEY)
    assert all(f not in repr(info.value) for f in key_fragments(KEY))


# --- panics: tests/test_hardening.py (the hook needs the cargo feature test-panic)


@pytest.mark.skipif(sys.platform == "win32", reason="uses the resource module")
def test_error_paths_do_not_leak() -> None:
    # Errors raised and replaced inside the binding (a lone surrogate, an int
    # beyond 64 bits, a bad key in a list) must release every reference.
    import resource

    def work(n: int) -> None:
        for _ in range(n):
            for call in (
                lambda: voipsign.sign(APP_ID, GROUP_ID, "\ud800", TS, KEY),
                lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, 2**70, KEY),
                lambda: voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, "bad"]),
                lambda: voipsign.sign(app_id=APP_ID),  # type: ignore[call-arg]
            ):
                with pytest.raises((ValueError, TypeError)):
                    call()

    work(10_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    work(50_000)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert after - before < 16 * 1024, f"max RSS grew by {after - before} KiB"


def test_error_repr_and_message() -> None:
    err = voipsign.InvalidNonce("nonceStr is empty")
    assert err.message == "nonceStr is empty"
    assert repr(err) == "InvalidNonce(code='INVALID_NONCE', message='nonceStr is empty')"
    generic = voipsign.VoipSignError("x", "BUFFER_TOO_SMALL")
    assert generic.code == "BUFFER_TOO_SMALL"
    assert voipsign.VoipSignError.code == "VOIPSIGN_ERROR"
