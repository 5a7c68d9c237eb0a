-- admit. KEYS: room, days. ARGV: now|'', member, capacity, daily_room_limit,
-- reserve_ttl_ms, day_offset_ms, margin_ms.
-- Returns {0, opened, renewed, members, generation, rooms_today, expires},
-- {1, members} (ROOM_FULL) or {2, rooms_today} (DAILY_ROOM_LIMIT).
local room, days = KEYS[1], KEYS[2]
local now, member = clock(ARGV[1]), ARGV[2]
local capacity, limit = tonumber(ARGV[3]), tonumber(ARGV[4])
local reserve, offset, margin = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local seats, n, gen = load(room, now)
-- The day is the day of this script's `now`: an admission racing midnight is
-- charged to the day its own time falls in, whichever instance sent it.
local day = math.floor((now + offset) / DAY_MS)
local today = tonumber(redis.call('HGET', days, int(day)) or '0')
local opened, renewed, exp = 0, 0, 0
local seat = seats[member]
if seat then
  -- A seated member: a renewal (so a retry after a lost reply never double-counts).
  exp = math.max(seat[2], now + reserve)
  seat[2] = exp
  put(room, member, seat[1], exp)
  renewed = 1
else
  if n >= capacity then return { 1, n } end
  if n == 0 then
    if today >= limit then return { 2, today } end
    today = redis.call('HINCRBY', days, int(day), 1)
    gen = gen + 1
    redis.call('HSET', room, GEN, int(gen))
    opened = 1
    -- Day counters live until the end of their day plus two days (never shortened
    -- by an admission with an earlier explicit time); days before yesterday go.
    local ttl = (day + 1) * DAY_MS - offset - now + 2 * DAY_MS
    if redis.call('PTTL', days) < ttl then redis.call('PEXPIRE', days, int(ttl)) end
    if redis.call('HLEN', days) > 3 then
      for _, d in ipairs(redis.call('HKEYS', days)) do
        if tonumber(d) < day - 1 then redis.call('HDEL', days, d) end
      end
    end
  end
  exp = now + reserve
  seats[member] = { now, exp }
  n = n + 1
  put(room, member, now, exp)
end
keep(room, seats, now, gen, margin)
return { 0, opened, renewed, n, gen, today, exp }
