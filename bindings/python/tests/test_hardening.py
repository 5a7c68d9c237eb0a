"""Hardening (issue 8): the panic boundary, secret hygiene, and 2 x CPUs threads
x 10^5 signatures against the single-thread results.

The panic tests need the test-only hook ``voipsign._native._panic_for_tests``,
compiled in only with the cargo feature ``test-panic``: ``make test`` installs
the package with it, a release wheel never has it (``make wheel-check``). With
VOIPSIGN_RELEASE_WHEEL=1 (``make test-release-wheel``: the suite on the wheel
``make dist`` ships) they check that the hook is absent, and skip.

VOIPSIGN_TEST_CALLS sets the calls per thread (``make test-valgrind`` lowers it).
"""

import base64
import os
import pickle
import threading
import traceback
from typing import Callable, Dict, List, Optional, Tuple

import pytest

import voipsign
import voipsign._native as native

from conftest import APP_ID, DOC_SIGNATURE, GROUP_ID, KEY, NONCE, TS, VECTORS, Vector

OTHER_KEY = "hd6Ja/yM0kg/JbaZROpZFA=="
WINDOW = 6


# --- the panic boundary -----------------------------------------------------------


def panic_hook() -> Callable[[], None]:
    hook: Optional[Callable[[], None]] = getattr(native, "_panic_for_tests", None)
    if os.environ.get("VOIPSIGN_RELEASE_WHEEL") == "1":
        assert hook is None, "the release wheel carries the test-only _panic_for_tests"
        pytest.skip("the release wheel has no panic hook: the panic boundary is tested on the test-panic wheel")
    if hook is None:
        pytest.fail(
            "voipsign is installed without the cargo feature test-panic: "
            "`make test` installs it with the feature (see the Makefile)"
        )
    return hook


def test_panic_is_internal_error_not_panic_exception() -> None:
    with pytest.raises(voipsign.InternalError) as info:
        panic_hook()()
    err = info.value
    assert type(err) is voipsign.InternalError
    # Kind internal: the root itself, not a ValueError (no input was wrong).
    assert isinstance(err, voipsign.VoipSignError) and not isinstance(err, ValueError)
    assert err.kind == "internal"
    assert isinstance(err, Exception)  # PanicException is a BaseException
    assert type(err).__mro__[-2] is BaseException and "PanicException" not in repr(type(err).__mro__)
    assert err.code == "INTERNAL"
    assert "panic" in str(err) or "internal" in str(err).lower(), str(err)
    assert err.__cause__ is None and err.__context__ is None
    # The interpreter and the module carry on.
    assert voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY) == DOC_SIGNATURE


@pytest.mark.parametrize(
    "code, cls",
    [
        ("ROOM_FULL", "RoomFull"),
        ("LEDGER_UNAVAILABLE", "LedgerUnavailable"),
        # C-only codes have no class: the base of their kind, with the code.
        ("BUFFER_TOO_SMALL", "InputError"),
        ("NULL_ARGUMENT", "InputError"),
    ],
)
def test_errors_are_raised_by_the_generated_tables(code: str, cls: str) -> None:
    panic_hook()  # skips on the release wheel, which has no test hooks
    raise_error: Callable[[str], None] = getattr(native, "_error_for_tests")
    with pytest.raises(voipsign.VoipSignError) as info:
        raise_error(code)
    assert type(info.value) is getattr(voipsign, cls)
    assert info.value.code == code and str(info.value) == "from _error_for_tests"


def test_panic_is_caught_by_except_exception() -> None:
    caught: List[BaseException] = []
    try:
        panic_hook()()
    except Exception as e:  # noqa: BLE001 - the point: a plain `except Exception` sees it
        caught.append(e)
    assert len(caught) == 1 and isinstance(caught[0], voipsign.VoipSignError)


def test_panics_from_many_threads() -> None:
    hook = panic_hook()
    errors: List[str] = []

    def run() -> None:
        for _ in range(20):
            try:
                hook()
                errors.append("no exception")
            except voipsign.InternalError:
                pass
            except BaseException as e:  # noqa: BLE001
                errors.append(repr(e))
            if voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY) != DOC_SIGNATURE:
                errors.append("wrong signature after a panic")

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --- secrets ----------------------------------------------------------------------


def forms(key: str) -> List[str]:
    """The key and, for a well-formed one, its decoded bytes in hex."""
    out = [key]
    try:
        raw = base64.b64decode(key, validate=True)
        if len(raw) == 16:
            out.append(raw.hex())
    except ValueError:
        pass
    return out


def leak(text: str, secret: str) -> Optional[str]:
    """The first run of WINDOW characters of secret (without whitespace) in text."""
    w = min(WINDOW, len(secret))
    if w < 4:
        return None
    for i in range(len(secret) - w + 1):
        run = secret[i : i + w]
        if not any(c.isspace() for c in run) and run in text:
            return run
    return None


def renderings(err: BaseException) -> List[str]:
    """Every usual way an exception ends up in a log."""
    return [
        str(err),
        repr(err),
        repr(err.args),
        repr(getattr(err, "message", None)),
        repr(getattr(err, "__notes__", None)),
        repr(vars(err)),
        repr(err.__cause__),
        repr(err.__context__),
        "".join(traceback.format_exception_only(type(err), err)),
        repr(pickle.loads(pickle.dumps(err))),
    ]


def assert_no_key(what: str, texts: List[str], keys: List[str]) -> None:
    for text in texts:
        for key in keys:
            for secret in forms(key):
                run = leak(text, secret)
                assert run is None, f"{what}: {text!r} shows {run!r} of a session_key"


def refused(what: str, call: Callable[[], object], code: Optional[str], keys: List[str]) -> None:
    with pytest.raises(voipsign.VoipSignError) as info:
        call()
    if code is not None:
        assert info.value.code == code, (what, info.value)
    assert str(info.value), what
    assert_no_key(what, renderings(info.value), keys)


def test_the_detector() -> None:
    assert leak("sessionKey ...a0mFz9... bad", KEY) == "a0mFz9"
    assert leak("sessionKey ends with a newline", KEY + "\n") is None
    assert forms(KEY)[1] == "803c95833c1ad26173f6e50fecce8641"


# The `sign` cases (no "op"); every case through its own operation: test_vectors.py.
INVALID = [v for v in VECTORS["invalid"] if "op" not in v]


@pytest.mark.parametrize("v", INVALID, ids=[v["name"] for v in INVALID])
def test_secrets_every_invalid_vector(v: Vector) -> None:
    a, g, n, t, k, code = v["appId"], v["groupId"], v["nonceStr"], v["timeStamp"], v["sessionKey"], v["error"]
    keys = [k, KEY, OTHER_KEY]
    refused("sign", lambda: voipsign.sign(a, g, n, t, k), code, keys)
    refused("sign (keywords)", lambda: voipsign.sign(app_id=a, group_id=g, nonce_str=n, timestamp=t, session_key=k), code, keys)
    refused("verify", lambda: voipsign.verify(a, g, n, t, k, DOC_SIGNATURE), code, keys)
    refused("sign_many", lambda: voipsign.sign_many(a, g, n, t, [KEY, OTHER_KEY, k]), code, keys)
    refused("sign_many (tuple)", lambda: voipsign.sign_many(a, g, n, t, (KEY, k)), code, keys)
    if k != KEY:
        # The bad key alone, where it is the only bad value.
        bad_key = "INVALID_SESSION_KEY"
        refused("issue", lambda: voipsign.issue(APP_ID, GROUP_ID, k, "video"), bad_key, keys)
        refused("session_signature", lambda: voipsign.session_signature(k, k), bad_key, keys)
        refused("diagnose", lambda: voipsign.diagnose(APP_ID, GROUP_ID, NONCE, TS, KEY, k, [k]), bad_key, keys)
    else:
        # Refused for another value while the (good) key was read.
        assert code != "INVALID_SESSION_KEY"


@pytest.mark.parametrize(
    "what, code, call",
    [
        ("sign, bad nonce", "INVALID_NONCE", lambda: voipsign.sign(APP_ID, GROUP_ID, "bad nonce", TS, KEY)),
        ("sign, lone surrogate", "INVALID_UTF8", lambda: voipsign.sign(APP_ID, "room\ud800", NONCE, TS, KEY)),
        ("sign, milliseconds", "INVALID_TIMESTAMP", lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, TS * 1000, KEY)),
        ("sign, 2**70", "INVALID_TIMESTAMP", lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, 2**70, KEY)),
        ("verify, 63 digits", "INVALID_SIGNATURE", lambda: voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, DOC_SIGNATURE[1:])),
        ("verify, the key as signature", "INVALID_SIGNATURE", lambda: voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, KEY)),
        ("verify, cloud suffix holding the key", "INVALID_SIGNATURE",
         lambda: voipsign.verify(APP_ID, GROUP_ID, NONCE, TS, KEY, DOC_SIGNATURE + "_" + KEY)),
        ("issue, room type", "INVALID_ROOM_TYPE", lambda: voipsign.issue(APP_ID, GROUP_ID, KEY, "Video")),  # type: ignore[arg-type]
        ("issue, room type holding the key", "INVALID_ROOM_TYPE",
         lambda: voipsign.issue(APP_ID, GROUP_ID, KEY, KEY)),  # type: ignore[arg-type]
        ("issue, bad groupId", "INVALID_GROUP_ID", lambda: voipsign.issue(APP_ID, "a\nb", KEY)),
        ("sign_many, bad third key", "INVALID_SESSION_KEY",
         lambda: voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, OTHER_KEY, KEY[1:]])),
        ("sign_many, surrogate in a key", "INVALID_UTF8",
         lambda: voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, OTHER_KEY[:-3] + "\udc80=="])),
        ("sign_many, bad nonce", "INVALID_NONCE", lambda: voipsign.sign_many(APP_ID, GROUP_ID, "", TS, [KEY, OTHER_KEY])),
        ("sign_many of 100, bad nonce", "INVALID_NONCE",
         lambda: voipsign.sign_many(APP_ID, GROUP_ID, "", TS, [KEY, OTHER_KEY] * 50)),
    ],
)
def test_secrets_errors_after_the_key(what: str, code: str, call: Callable[[], object]) -> None:
    refused(what, call, code, [KEY, OTHER_KEY, KEY[1:], OTHER_KEY[:-3]])


def test_secrets_type_errors() -> None:
    # A TypeError names the argument and the type, never the value.
    for call in (
        lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, TS, KEY.encode()),  # type: ignore[arg-type]
        lambda: voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, KEY),
        lambda: voipsign.sign_many(APP_ID, GROUP_ID, NONCE, TS, [KEY, KEY.encode()]),  # type: ignore[list-item]
        lambda: voipsign.session_signature(KEY, 42),  # type: ignore[arg-type]
        lambda: voipsign.sign(APP_ID, GROUP_ID, NONCE, float(TS), KEY),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError) as info:
            call()
        assert_no_key("TypeError", renderings(info.value), [KEY])


def test_secrets_results() -> None:
    t = voipsign.issue(APP_ID, GROUP_ID, KEY, "video")
    texts = [repr(t), str(t), repr(t.to_dict()), str(dir(t))]
    assert_no_key("JoinTicket", texts, [KEY])
    for attr in ("group_id", "nonce_str", "timestamp", "signature", "room_type"):
        assert_no_key("JoinTicket." + attr, [repr(getattr(t, attr))], [KEY])


# --- threads ----------------------------------------------------------------------

CALLS = int(os.environ.get("VOIPSIGN_TEST_CALLS", "100000"))
THREADS = max(4, 2 * (os.cpu_count() or 2))

Inputs = Tuple[str, str, str, int, str]


def thread_inputs() -> List[Inputs]:
    out: List[Inputs] = [
        (v["appId"], v["groupId"], v["nonceStr"], v["timeStamp"], v["sessionKey"])
        for v in VECTORS["cases"] + INVALID
    ]
    for i in range(1000):
        key = base64.b64encode(i.to_bytes(16, "big")).decode()
        out.append((f"wx{i * 104729:016x}", f"房间-{i % 97}" + "é" * (i % 5), f"n{i:07d}", 1_559_129_714 + i, key))
    return out


def outcome(args: Inputs) -> str:
    try:
        return voipsign.sign(*args)
    except voipsign.VoipSignError as e:
        return f"{e.code}: {e}"


def test_threads_match_single_thread() -> None:
    """2 x CPUs threads (at least 4) x CALLS calls each, all started together.

    sign keeps the GIL (too short to gain from releasing it), so one call in 100 is
    a sign_many of 64 keys, which releases it: those run in the core in parallel
    with the other threads' calls.
    """
    work = thread_inputs()
    expected = [outcome(args) for args in work]
    assert len(set(expected)) >= 1000
    room = [args[4] for args in work[-64:]]
    rooms_expected = [voipsign.sign_many(*args[:4], room) for args in work[-1000:]]
    barrier = threading.Barrier(THREADS)
    failures: Dict[int, List[str]] = {}

    def run(worker: int) -> None:
        bad: List[str] = []
        stride = (5, 7, 11, 13, 17, 19, 23, 29)[worker % 8]
        at = worker * len(work) // THREADS
        barrier.wait()
        for i in range(CALLS):
            if i % 100 == 99:
                r = at % 1000
                if voipsign.sign_many(*work[-1000 + r][:4], room) != rooms_expected[r]:
                    bad.append(f"sign_many {r}")
            elif outcome(work[at]) != expected[at]:
                bad.append(f"sign {at}")
            at = (at + stride) % len(work)
        failures[worker] = bad

    threads = [threading.Thread(target=run, args=(w,)) for w in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(failures) == list(range(THREADS))
    assert {w: b[:3] for w, b in failures.items() if b} == {}


def test_thread_inputs_are_distinct() -> None:
    work = thread_inputs()
    assert len(work) == len(set(work)) == len(VECTORS["cases"]) + len(INVALID) + 1000
