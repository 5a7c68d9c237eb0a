"""The room rules as a backend developer writes them with redis-py: WATCH the
room and the day counter, read, decide in Python, MULTI/EXEC, retry on a
conflict. The comparison point of bench/redis/bench.py (not part of voipsign).

Same rules as voipsign's ledger (capacity, daily limit, a seat's lease, a day in
UTC+8); the clock is the client's, as such code usually has it.
"""

import time
from typing import Tuple

import redis


class RoomFull(Exception):
    """capacity seats are taken."""


class DailyLimit(Exception):
    """today's openings reached the limit."""


class WatchMultiLedger:
    def __init__(self, client: "redis.Redis", prefix: str, capacity: int = 10,
                 daily_room_limit: int = 100_000, reserve_ttl_ms: int = 60_000,
                 day_offset_ms: int = 8 * 3600 * 1000) -> None:
        self.r = client
        self.prefix = prefix
        self.capacity = capacity
        self.limit = daily_room_limit
        self.reserve = reserve_ttl_ms
        self.offset = day_offset_ms

    def admit(self, app: str, group: str, member: str) -> Tuple[int, bool]:
        """(seats after, opened); RoomFull or DailyLimit when refused."""
        room = f"{self.prefix}:room:{app}:{group}"
        with self.r.pipeline() as pipe:
            while True:
                now = int(time.time() * 1000)
                days = f"{self.prefix}:days:{app}:{(now + self.offset) // 86_400_000}"
                try:
                    pipe.watch(room, days)
                    seats = {m: int(e) for m, e in pipe.hgetall(room).items()}
                    live = {m: e for m, e in seats.items() if e > now}
                    expired = [m for m in seats if m not in live]
                    key = member.encode()
                    if key in live:
                        pipe.multi()
                        pipe.hset(room, member, max(live[key], now + self.reserve))
                        pipe.execute()
                        return len(live), False
                    if len(live) >= self.capacity:
                        pipe.unwatch()
                        raise RoomFull()
                    opening = not live
                    if opening and int(pipe.get(days) or 0) >= self.limit:
                        pipe.unwatch()
                        raise DailyLimit()
                    pipe.multi()
                    if expired:
                        pipe.hdel(room, *expired)
                    pipe.hset(room, member, now + self.reserve)
                    pipe.pexpire(room, self.reserve + 1000)
                    if opening:
                        pipe.incr(days)
                        pipe.expire(days, 3 * 86_400)
                    pipe.execute()
                    return len(live) + 1, opening
                except redis.WatchError:
                    continue  # someone changed the room or the day: read again

    def leave(self, app: str, group: str, member: str) -> bool:
        return self.r.hdel(f"{self.prefix}:room:{app}:{group}", member) == 1
