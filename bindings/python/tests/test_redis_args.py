"""``voipsign.Ledger.redis``'s arguments, which need no server: the URL checked
first, then the rules, then the options (the core's order); the types; the
signature and docs; ``repr``, which never shows a password. Also run under
valgrind (``make test-valgrind``); the Redis store against real servers is
test_redis.py."""

import inspect
from typing import Any, Dict, List, Tuple

import pytest

import voipsign
from voipsign import Ledger

APP = "wx20afc706a711eefc"


def test_signature_docs_and_class() -> None:
    # Generated from core's options (src/contract.rs): the rules, then the store's.
    assert str(inspect.signature(Ledger.redis)) == (
        "(url, *, capacity=10, daily_room_limit=100000, daily_room_warning=None, "
        "member_daily_openings=100, reserve_ttl_ms=60000, lease_ttl_ms=45000, sync_grace_ms=None, day_offset_minutes=480, "
        "on_unavailable='allow', connect_timeout_ms=250, command_timeout_ms=250, min_replica_acks=0, "
        "key_prefix='voipsign')"
    )
    doc = inspect.getdoc(Ledger.redis)
    assert doc is not None and "redis+cluster://" in doc and "GIL" in doc
    assert ":param key_prefix:" in doc and ":param capacity:" in doc
    err = voipsign.InvalidRedisUrl("x")
    assert isinstance(err, voipsign.VoipSignError) and isinstance(err, ValueError)
    assert err.code == "INVALID_REDIS_URL"
    assert voipsign.errors.ERROR_CLASSES["INVALID_REDIS_URL"] is voipsign.InvalidRedisUrl


def test_nothing_connects_until_the_first_call() -> None:
    # Nothing listens on port 1: making the ledger is not an error.
    lg = Ledger.redis("redis://127.0.0.1:1", on_unavailable="refuse")
    assert repr(lg) == "Ledger.redis('redis://127.0.0.1:1', on_unavailable='refuse')"
    with pytest.raises(voipsign.LedgerUnavailable) as info:
        lg.admit(APP, "g", "m")
    assert "127.0.0.1:1" in str(info.value)
    # Explicit times beyond 2^52 ms are refused before any I/O.
    with pytest.raises(voipsign.InvalidTimestamp):
        lg.admit(APP, "g", "m", now_ms=2**62)


def test_a_sentinel_url() -> None:
    # Redis Sentinel (core parses it): nothing listens, so the first call fails
    # within its timeouts, naming the sentinels, never the password.
    lg = Ledger.redis("redis+sentinel://:s3cret@127.0.0.1:1,127.0.0.1:2/vsmaster/0",
                      on_unavailable="refuse", min_replica_acks=1)
    with pytest.raises(voipsign.LedgerUnavailable) as info:
        lg.admit(APP, "g", "m")
    assert "127.0.0.1:1,127.0.0.1:2" in str(info.value) and "s3cret" not in str(info.value)
    assert "s3cret" not in repr(lg)
    with pytest.raises(voipsign.InvalidRedisUrl):
        Ledger.redis("redis+sentinel://127.0.0.1:1")  # no master name
    with pytest.raises(voipsign.InvalidRules, match="min_replica_acks"):
        Ledger.redis("redis://127.0.0.1:1", min_replica_acks=17)


@pytest.mark.parametrize(
    "url",
    ["", "127.0.0.1:6379", "http://127.0.0.1", "redis://", "redis://a:1,b:2",
     "redis+cluster://a:1,,b:2", "redis+cluster://a:1/3", "redis://127.0.0.1:notaport"],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(voipsign.InvalidRedisUrl) as info:
        Ledger.redis(url)
    assert type(info.value) is voipsign.InvalidRedisUrl
    assert info.value.code == "INVALID_REDIS_URL"
    assert str(info.value).startswith("url ")


def test_the_url_then_the_rules_then_the_options() -> None:
    def refused(url: str, **kw: Any) -> voipsign.VoipSignError:
        with pytest.raises(voipsign.VoipSignError) as info:
            Ledger.redis(url, **kw)
        return info.value

    everything_bad: Dict[str, Any] = dict(
        capacity=11, on_unavailable="maybe", connect_timeout_ms=0, key_prefix="a{b}"
    )
    assert type(refused("nope", **everything_bad)) is voipsign.InvalidRedisUrl
    e = refused("redis://h", **everything_bad)
    assert type(e) is voipsign.InvalidRules and str(e).startswith("capacity"), e
    # on_unavailable is the last rule: after the numbers, before the options.
    e = refused("redis://h", on_unavailable="maybe", connect_timeout_ms=0, key_prefix="a{b}")
    assert type(e) is voipsign.InvalidRules and str(e).startswith("on_unavailable"), e
    e = refused("redis://h", daily_room_limit=0, on_unavailable="maybe")
    assert str(e).startswith("daily_room_limit"), e
    cases: List[Tuple[Dict[str, Any], str]] = [
        (dict(connect_timeout_ms=0, command_timeout_ms=0, key_prefix=""), "connect_timeout_ms"),
        (dict(connect_timeout_ms=60_001), "connect_timeout_ms"),
        (dict(command_timeout_ms=0, key_prefix=""), "command_timeout_ms"),
        (dict(command_timeout_ms=-1), "command_timeout_ms"),
        (dict(key_prefix=""), "key_prefix"),
        (dict(key_prefix="x" * 65), "key_prefix"),
        (dict(key_prefix="a b"), "key_prefix"),
        (dict(key_prefix="é"), "key_prefix"),
        (dict(key_prefix="{app}"), "key_prefix"),
    ]
    for kw, named in cases:
        e = refused("redis://h", **kw)
        assert type(e) is voipsign.InvalidRules and str(e).startswith(named), (kw, e)
    # The limits themselves are accepted.
    Ledger.redis("redis://h", connect_timeout_ms=1, command_timeout_ms=60_000, key_prefix="x" * 64)


def test_argument_types() -> None:
    with pytest.raises(TypeError):
        Ledger.redis()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Ledger.redis(b"redis://h")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Ledger.redis("redis://h", 250)  # type: ignore[call-arg]
    # The options' types are core's to check, as their ranges.
    for name in ("connect_timeout_ms", "command_timeout_ms", "capacity"):
        for bad in (1.5, True, "250", b"250"):
            kw: Dict[str, Any] = {name: bad}
            with pytest.raises(voipsign.InvalidRules, match=f"^{name} "):
                Ledger.redis("redis://h", **kw)
        with pytest.raises(OverflowError, match=name):
            Ledger.redis("redis://h", **{name: 2**64})  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidRules, match="^key_prefix must be a string"):
        Ledger.redis("redis://h", key_prefix=b"p")  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidRules, match="^unknown option keyPrefix .did you mean key_prefix"):
        Ledger.redis("redis://h", keyPrefix="p")  # type: ignore[call-arg]
    with pytest.raises(voipsign.InvalidUtf8, match="^url contains a lone surrogate"):
        Ledger.redis("redis://:pw\ud800@h")
    with pytest.raises(voipsign.InvalidUtf8, match="^key_prefix"):
        Ledger.redis("redis://h", key_prefix="\udc80")
    # url may be passed by name; None means the default for every option.
    nones: Dict[str, Any] = dict(connect_timeout_ms=None, command_timeout_ms=None,
                                 key_prefix=None, capacity=None, on_unavailable=None)
    lg = Ledger.redis(url="redis://h", **nones)
    assert repr(lg) == repr(Ledger.redis("redis://h"))


def test_rooms_inputs_are_checked_before_any_io() -> None:
    # Nothing listens on port 1, and on_unavailable is refuse: an input error is
    # reported as such (appId, limit, after, in that order), not as an outage.
    lg = Ledger.redis("redis://127.0.0.1:1", on_unavailable="refuse")
    with pytest.raises(voipsign.InvalidAppId):
        lg.rooms("", limit=0, after="")
    with pytest.raises(voipsign.InvalidLimit, match="^limit is 0;"):
        lg.rooms(APP, limit=0, after="")
    with pytest.raises(voipsign.InvalidLimit, match=f"^limit is {2**40};"):
        lg.rooms(APP, limit=2**40)
    with pytest.raises(voipsign.InvalidGroupId, match="^after"):
        lg.rooms(APP, after="")
    with pytest.raises(TypeError, match="^limit"):
        lg.rooms(APP, limit=1.0)  # type: ignore[arg-type]
    with pytest.raises(voipsign.InvalidTimestamp):
        lg.rooms(APP, now_ms=2**52 + 1)
    with pytest.raises(voipsign.LedgerUnavailable):
        lg.rooms(APP)
    # member_daily_openings is a rule of Ledger.redis too, checked by core.
    with pytest.raises(voipsign.InvalidRules, match="^member_daily_openings"):
        Ledger.redis("redis://h", member_daily_openings=100_001)


@pytest.mark.parametrize(
    "url, shown",
    [
        ("redis://:s3cret@127.0.0.1:6379/2", "redis://***@127.0.0.1:6379/2"),
        ("redis://user:s3cret@localhost", "redis://***@localhost"),
        ("redis://s3cret@localhost:1/", "redis://***@localhost:1"),
        ("redis://:s3c@ret@localhost:1", "redis://***@localhost:1"),
        ("redis://:s3cret@[::1]:6379/0?protocol=resp3", "redis://***@[::1]:6379/0"),
        ("rediss://:s3cret@cache.example:6380", "rediss://***@cache.example:6380"),
        ("redis+cluster://u:s3%40cret@10.0.0.1:7000,10.0.0.2:7000",
         "redis+cluster://***@10.0.0.1:7000,10.0.0.2:7000"),
        ("rediss+cluster://:s3cret@10.0.0.1:7000", "rediss+cluster://***@10.0.0.1:7000"),
    ],
)
def test_repr_never_shows_the_password(url: str, shown: str) -> None:
    lg = Ledger.redis(url, key_prefix="it's", capacity=3, on_unavailable="refuse",
                      connect_timeout_ms=100, command_timeout_ms=2000)
    text = repr(lg)
    assert text == (
        f"Ledger.redis({shown!r}, key_prefix=\"it's\", capacity=3, on_unavailable='refuse', "
        "connect_timeout_ms=100, command_timeout_ms=2000)"
    )
    assert str(lg) == text
    for secret in ("s3cret", "s3c@ret", "s3%40cret", "s3@cret", "user", "ret@"):
        assert secret not in text
