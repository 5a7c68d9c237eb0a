"""Typed usage of voipsign, checked by `mypy --strict` (see test_typing.py).

Not collected by pytest (no test_ prefix); it must type-check cleanly, and the
`# type: ignore[...]` lines must each be a real error (warn_unused_ignores).
"""

from typing import Dict, List, Tuple

import voipsign
from voipsign import (
    AdmissionDict,
    Cause,
    Diagnosis,
    DiagnosisDict,
    Explanation,
    ExplanationDict,
    JoinTicket,
    JoinTicketDict,
    Mistake,
    OnUnavailable,
    Room,
    RoomDict,
    RoomPage,
    RoomPageDict,
    RoomSummary,
    RoomSummaryDict,
    Seat,
    SeatDict,
    Usage,
    UsageDict,
    Verdict,
    VoipSignError,
)

KEY = "gDyVgzwa0mFz9uUP7M6GQQ=="


def handler(app_id: str, group_id: str, session_key: str) -> JoinTicketDict:
    """A web handler: return the object wx.joinVoIPChat takes."""
    ticket: JoinTicket = voipsign.issue(app_id, group_id, session_key, room_type="video")
    nonce: str = ticket.nonce_str
    ts: int = ticket.timestamp
    assert voipsign.verify(app_id, group_id, nonce, ts, session_key, ticket.signature)
    text: str = ticket.to_json()
    assert text
    return ticket.to_dict()


def room(app_id: str, keys: List[str]) -> Dict[str, str]:
    sigs: List[str] = voipsign.sign_many(app_id, "g", "n", 1559129714, keys)
    sigs2 = voipsign.sign_many(app_id, "g", "n", 1559129714, (k for k in keys))
    return dict(zip(keys, sigs + sigs2))


def errors() -> str:
    try:
        voipsign.sign("wx", "g", "n", 0, KEY)
    except voipsign.InvalidTimestamp as e:
        code: str = e.code
        return code + e.message
    except VoipSignError as e:
        return e.code
    return ""


def checksession(key: str) -> str:
    a: str = voipsign.session_signature(key)
    b: str = voipsign.session_signature(key, b"{}")
    return a + b + voipsign.session_signature(key, "{}") + voipsign.canonical("wx", "g", "n", 1)


def rejected_join(
    err_code: int, err_msg: str, app_id: str, group_id: str, nonce: str, ts: int, sig: str, key: str
) -> Tuple[ExplanationDict, DiagnosisDict]:
    """A web handler the mini program reports a failed wx.joinVoIPChat to."""
    e: Explanation = voipsign.explain(err_code, err_msg)
    cause: Cause = e.cause
    text: str = e.meaning + e.action
    assert voipsign.explain(err_code) == voipsign.explain(err_code=err_code, err_msg="")
    d: Diagnosis = voipsign.diagnose(app_id, group_id, nonce, ts, key, sig)
    d2 = voipsign.diagnose(app_id, group_id, nonce, ts, key, sig, other_session_keys=[key])
    d3 = voipsign.diagnose(app_id, group_id, nonce, ts, key, sig, (k for k in [key]))
    verdict: Verdict = d.verdict
    mistakes: Tuple[Mistake, ...] = d.mistakes
    first: Mistake = d2.mistakes[0] if d2.mistakes else "NOT_SORTED"
    assert verdict != "CORRECT" or not mistakes or first or d3.expected or d3.canonical
    if cause == "INVALID_SIGNATURE" and "STALE_SESSION_KEY" in mistakes:
        text += d.message
    assert len({d, d2}) >= 1 and len({e}) == 1 and text
    return e.to_dict(), d.to_dict()


def misuse() -> None:
    voipsign.sign("wx", "g", "n", 1559129714.0, KEY)  # type: ignore[arg-type]
    voipsign.sign("wx", b"g", "n", 1, KEY)  # type: ignore[arg-type]
    voipsign.issue("wx", "g", KEY, room_type="audio")  # type: ignore[arg-type]
    voipsign.session_signature(KEY, 1)  # type: ignore[arg-type]
    voipsign.sign_many("wx", "g", "n", 1, [b"k"])  # type: ignore[list-item]
    t = voipsign.issue("wx", "g", KEY)
    t.signature = "x"  # type: ignore[misc]
    d = t.to_dict()
    d["timeStamp"] = "1"  # type: ignore[typeddict-item]
    voipsign.explain(-1000.0)  # type: ignore[arg-type]
    voipsign.explain(-1000, b"x")  # type: ignore[arg-type]
    voipsign.diagnose("wx", "g", "n", 1, KEY, b"sig")  # type: ignore[arg-type]
    voipsign.diagnose("wx", "g", "n", 1, KEY, "sig", [b"k"])  # type: ignore[list-item]
    diag = voipsign.diagnose("wx", "g", "n", 1, KEY, "sig")
    diag.verdict = "CORRECT"  # type: ignore[misc]
    bad_verdict: Verdict = "WRONG"  # type: ignore[assignment]
    bad_cause: Cause = voipsign.explain(-1).meaning  # type: ignore[assignment]
    dd = diag.to_dict()
    dd["mistakes"] = ("NOT_SORTED",)  # type: ignore[typeddict-item]
    dd["mistakes"] = ["NOT_A_MISTAKE"]  # type: ignore[list-item]


LEDGER = voipsign.Ledger.memory(capacity=10, daily_room_warning=None, on_unavailable="refuse")


def shared_ledger(url: str) -> voipsign.Ledger:
    """The Redis store: the same class, the same methods."""
    try:
        return voipsign.Ledger.redis(url, key_prefix="prod", command_timeout_ms=500,
                                     capacity=10, on_unavailable="allow")
    except voipsign.InvalidRedisUrl as e:
        raise RuntimeError(e.code) from e


def join(app_id: str, room_id: str, openid: str, session_key: str) -> JoinTicketDict:
    """A join handler: admit, then hand out the ticket."""
    try:
        admission, ticket = LEDGER.admit_and_issue(app_id, room_id, openid, session_key, "video")
    except (voipsign.RoomFull, voipsign.DailyRoomLimit) as e:
        raise RuntimeError(e.code) from e
    opened: bool = admission.opened
    left: int = admission.daily_room_limit - admission.rooms_today
    assert opened or left >= 0 or admission.quota_warning or admission.degraded
    a: AdmissionDict = admission.to_dict()
    assert a["leaseExpiresAt"] == admission.lease_expires_at
    return ticket.to_dict()


def in_call(app_id: str, room_id: str, openid: str, open_ids: List[str]) -> RoomDict:
    expires: int = LEDGER.heartbeat(app_id, room_id, openid, now_ms=1796083200000)
    room: Room = LEDGER.sync(app_id, room_id, open_ids)
    room2 = LEDGER.sync(app_id, room_id, (i for i in open_ids), now_ms=expires)
    seats: Tuple[Seat, ...] = room.members
    first: str = seats[0].member_id if seats else ""
    s: SeatDict = seats[0].to_dict()
    assert first == s["memberId"] and seats[0].since <= seats[0].expires
    removed: bool = LEDGER.leave(app_id, room_id, openid)
    usage: Usage = LEDGER.usage(app_id, day=None)
    u: UsageDict = usage.to_dict()
    assert removed or room2.live or room.generation or u["openings"] == usage.openings + usage.day
    refused: int = usage.refused_room_full + usage.refused_daily_limit + usage.refused_member_limit
    flow: int = usage.admissions + usage.adopted_by_sync - usage.leaves - usage.removed_by_sync - usage.expired
    live: int | None = usage.live_seats if usage.live_rooms is not None else None
    assert refused + flow + usage.renewals + usage.heartbeats_refused + usage.peak_seats >= 0 or live
    live_seats: int | None = u["liveSeats"]
    assert live_seats == usage.live_seats
    return LEDGER.room(app_id, room_id).to_dict()


def live_rooms(app_id: str) -> List[RoomSummaryDict]:
    """An operator's listing: every page of live rooms, the cursor passed back."""
    out: List[RoomSummaryDict] = []
    after: str | None = None
    while True:
        page: RoomPage = LEDGER.rooms(app_id, limit=500, after=after)
        rooms: Tuple[RoomSummary, ...] = page.rooms
        for r in rooms:
            fields: Tuple[str, int, int, int, int] = (r.group_id, r.seats, r.capacity, r.generation, r.opened_at)
            assert fields
            out.append(r.to_dict())
        after = page.next
        if after is None:
            break
    first: RoomPageDict = LEDGER.rooms(app_id).to_dict()
    nxt: str | None = first["next"]
    assert LEDGER.rooms(app_id, now_ms=1796083200000, after=nxt).to_json()
    return out


def quota(app_id: str, room_id: str, openid: str) -> str:
    """A member past its day's openings may still join a live room."""
    try:
        LEDGER.admit(app_id, room_id, openid)
    except voipsign.MemberDailyLimit as e:
        refusal: voipsign.RefusalError = e
        return refusal.code
    except voipsign.InvalidLimit as e:  # never raised by admit: the types allow it
        bad_value: voipsign.InputError = e
        return bad_value.code
    per_member: int = voipsign.Ledger.memory(member_daily_openings=0).usage(app_id).refused_member_limit
    return str(per_member)


def scoped(url: str, options: voipsign.RedisLedgerOptions) -> int:
    """A ledger for one block: the options typed, the ledger closed after."""
    rules: voipsign.LedgerOptions = {"capacity": 4, "on_unavailable": "refuse"}
    assert voipsign.Ledger.memory(**rules).closed is False
    with voipsign.Ledger.redis(url, **options) as ledger:
        rooms: int = ledger.usage("wx").openings
    closed: bool = ledger.closed
    ledger.close()
    return rooms + closed


def ledger_misuse() -> None:
    voipsign.Ledger.memory(daily_room_limt=5)  # type: ignore[call-arg]
    voipsign.Ledger.memory(key_prefix="p")  # type: ignore[call-arg]
    bad_rules: voipsign.LedgerOptions = {"capacity": "2"}  # type: ignore[typeddict-item]
    voipsign.Ledger.memory(10)  # type: ignore[call-arg]
    voipsign.Ledger.memory(on_unavailable="maybe")  # type: ignore[arg-type]
    voipsign.Ledger.memory(capacity=1.5)  # type: ignore[arg-type]
    voipsign.Ledger.redis()  # type: ignore[call-arg]
    voipsign.Ledger.redis(b"redis://h")  # type: ignore[arg-type]
    voipsign.Ledger.redis("redis://h", 250)  # type: ignore[call-arg]
    voipsign.Ledger.redis("redis://h", key_prefix=None)  # type: ignore[arg-type]
    voipsign.Ledger.redis("redis://h", on_unavailable="deny")  # type: ignore[arg-type]
    LEDGER.admit("wx", "g", "m", 1)  # type: ignore[call-arg]
    LEDGER.admit("wx", "g", "m", now_ms=1.5)  # type: ignore[arg-type]
    LEDGER.sync("wx", "g", [b"m"])  # type: ignore[list-item]
    adm = LEDGER.admit("wx", "g", "m")
    adm.opened = False  # type: ignore[misc]
    bad: OnUnavailable = "deny"  # type: ignore[assignment]
    r = LEDGER.room("wx", "g").to_dict()
    r["live"] = "yes"  # type: ignore[typeddict-item]
    LEDGER.rooms("wx", 10)  # type: ignore[call-arg]
    LEDGER.rooms("wx", limit=1.5)  # type: ignore[arg-type]
    LEDGER.rooms("wx", limit="10")  # type: ignore[arg-type]
    LEDGER.rooms("wx", after=b"g")  # type: ignore[arg-type]
    LEDGER.rooms(app_id="wx", page=2)  # type: ignore[call-arg]
    page = LEDGER.rooms("wx")
    no_cursor: str = page.next  # type: ignore[assignment]
    page.next = "g"  # type: ignore[misc]
    live_rooms: int = LEDGER.usage("wx").live_rooms  # type: ignore[assignment]
    LEDGER.usage("wx").rooms  # type: ignore[attr-defined]
    voipsign.Ledger.memory(member_daily_openings="100")  # type: ignore[arg-type]
    summary: RoomSummaryDict = page.rooms[0].to_dict()
    summary["openedAt"] = "now"  # type: ignore[typeddict-item]
