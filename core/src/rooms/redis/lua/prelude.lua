-- voipsign room ledger: helpers shared by every script (prepended to each, after
-- `local READ = true|false`).
--
-- KEYS of every script: the appId's keys, then the script's own.
--   1 days:  hash '<day>:<counter>' -> n (docs/ROOMS.md, "Day counters"),
--            '<day>:h<HH>:openings' / '<day>:h<HH>:refused' -> n (per hour, 00-23),
--            and 'last' = the newest day an operation had (its housekeeping done);
--   2 seats: zset '<hex group> <member>' -> lease end (ms): every seat whose
--            end was not yet counted; live seats = those ending after now;
--   3 live:  hash '<hex group>' -> '<seats>:<generation>:<opened_at>' of the
--            rooms live at the last operation that looked;
--   4 index: zset '<hex group>' (score 0): the same rooms, in byte order;
--   5 room:  hash ' gen', ' opened' and member -> '<since>:<expires>' (room scripts).
-- ARGV of every script: now|'', day_offset_ms, margin_ms, hex group|'', then
-- the script's own.
-- Numbers stay below 2^53 (the client checks explicit times), so Lua's doubles
-- are exact; they are written with '%d', never tostring (which rounds).
local GEN, OPENED = ' gen', ' opened'
local DAY_MS = 86400000
local DAYS, SEATS, LIVE, INDEX, ROOM = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

local function int(n) return string.format('%d', n) end

-- The operation's time: the explicit time, or the server's clock.
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local now = clock(ARGV[1])
local OFFSET, MARGIN, G = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local function dayof(t) return math.floor((t + OFFSET) / DAY_MS) end
local day = dayof(now)
-- The appId's keys live until the end of the newest day they count plus two days.
local function app_ttl() return int((day + 1) * DAY_MS - OFFSET - now + 2 * DAY_MS) end

-- Counter increments of this operation, written by finish(): field -> n.
-- Openings and refused admissions (counted on the day of now) are counted per
-- hour of that day too: '<day>:h<HH>:openings', '<day>:h<HH>:refused'.
local book = {}
local function count(name, d)
  local f = int(d or day) .. ':' .. name
  book[f] = (book[f] or 0) + 1
  local h
  if name == 'openings' then
    h = 'openings'
  elseif string.sub(name, 1, 8) == 'refused_' then
    h = 'refused' -- refused_room_full, refused_daily_limit, refused_member_limit
  end
  if h then
    local hour = math.floor((now + OFFSET - day * DAY_MS) / 3600000)
    f = string.format('%s:h%02d:%s', int(day), hour, h)
    book[f] = (book[f] or 0) + 1
  end
end

-- Start: the live seats before the operation; a new day's housekeeping (older
-- days than yesterday dropped, the appId's keys' lifetime extended).
local head = redis.call('HMGET', DAYS, 'last', int(day) .. ':peak_seats', int(day) .. ':openings')
-- The appId's live seats before the operation, counted only where the peak may
-- rise (finish()); `delta` is what the operation changes them by.
local delta = 0
local newday = not head[1] or tonumber(head[1]) < day
-- A read (room, usage, rooms; READ, set before this prelude) of an appId without
-- keys creates none: there is nothing to keep, and a dashboard's read is no operation.
if newday and not (READ and not head[1]) then
  if head[1] then
    for _, f in ipairs(redis.call('HKEYS', DAYS)) do
      local d = tonumber(string.match(f, '^(-?%d+):'))
      if d and d < day - 1 then redis.call('HDEL', DAYS, f) end
    end
  end
  redis.call('HSET', DAYS, 'last', int(day))
  local ttl = app_ttl()
  for _, k in ipairs({ DAYS, SEATS, LIVE, INDEX }) do redis.call('PEXPIRE', k, ttl) end
end
local openings_today = tonumber(head[3] or '0')

-- A seat's entry in SEATS.
local function entry(member) return G .. ' ' .. member end

-- Seat events (docs/ROOMS.md, "Day counters").
local function added(member, exp)
  local e = entry(member)
  if redis.call('ZADD', SEATS, 'NX', int(exp), e) == 0 then
    -- An entry left by a seat whose room key is gone: ended (count it) or live.
    local old = tonumber(redis.call('ZSCORE', SEATS, e))
    if old <= now then count('expired', dayof(old)) else delta = delta - 1 end
    redis.call('ZADD', SEATS, int(exp), e)
  elseif redis.call('ZCARD', SEATS) == 1 then
    -- The first entry of a new key: give it the appId's lifetime.
    redis.call('PEXPIRE', SEATS, app_ttl())
  end
  delta = delta + 1
end
local function extended(member, exp) redis.call('ZADD', SEATS, int(exp), entry(member)) end
local function removed(member)
  delta = delta - redis.call('ZREM', SEATS, entry(member))
end
local function ended(member, exp)
  if redis.call('ZREM', SEATS, entry(member)) == 1 then count('expired', dayof(exp)) end
end

-- End: the counters written, the day's peak raised to the live seats before and
-- after the operation. Counted only when a seat was added or the day is new:
-- otherwise the seats live before it were live after the previous operation of
-- the day, which raised the peak to them already (docs/ROOMS.md, peak_seats).
local function finish()
  for f, n in pairs(book) do redis.call('HINCRBY', DAYS, f, n) end
  if delta > 0 or newday then
    local live_after = redis.call('ZCOUNT', SEATS, '(' .. int(now), '+inf')
    local peak = math.max(live_after - delta, live_after)
    if peak > tonumber(head[2] or '0') then
      redis.call('HSET', DAYS, int(day) .. ':peak_seats', int(peak))
    end
  end
end

-- The room's live seats at now (ended ones deleted and counted), their count,
-- the generation and the opening time; `changed` says whether the room's entry
-- in LIVE must be written again.
local changed = false
local function load()
  local all = redis.call('HGETALL', ROOM)
  local seats, n, gen, opened = {}, 0, 0, 0
  for i = 1, #all, 2 do
    local f, v = all[i], all[i + 1]
    if f == GEN then
      gen = tonumber(v)
    elseif f == OPENED then
      opened = tonumber(v)
    else
      local c = string.find(v, ':', 1, true)
      local since, exp = tonumber(string.sub(v, 1, c - 1)), tonumber(string.sub(v, c + 1))
      if exp <= now then
        redis.call('HDEL', ROOM, f)
        ended(f, exp)
        changed = true
      else
        seats[f] = { since, exp }
        n = n + 1
      end
    end
  end
  return seats, n, gen, opened
end

local function put(member, since, exp)
  redis.call('HSET', ROOM, member, int(since) .. ':' .. int(exp))
end

-- The room key lives until its last lease ends, plus the margin: a duration from
-- the operation's time, so an explicit time in the past or future never leaves a
-- key behind. An empty room without generation is deleted. The room's entry in
-- LIVE and INDEX follows it; `was` is its seat count after load().
local function keep(seats, was, gen, opened)
  local last, n = now, 0
  for _, s in pairs(seats) do
    n = n + 1
    if s[2] > last then last = s[2] end
  end
  if last == now and gen == 0 then
    redis.call('DEL', ROOM)
  else
    redis.call('PEXPIRE', ROOM, int(last - now + MARGIN))
  end
  if n > 0 and (changed or n ~= was) then
    redis.call('HSET', LIVE, G, n .. ':' .. int(gen) .. ':' .. int(opened))
    if was == 0 then
      redis.call('ZADD', INDEX, 0, G)
      if redis.call('HLEN', LIVE) == 1 then
        local ttl = app_ttl()
        redis.call('PEXPIRE', LIVE, ttl)
        redis.call('PEXPIRE', INDEX, ttl)
      end
    end
  elseif n == 0 and (changed or was > 0) then
    redis.call('HDEL', LIVE, G)
    redis.call('ZREM', INDEX, G)
  end
  finish()
end

-- Seats as a flat list: member, since, expires, ... (the client sorts them).
local function flat(seats)
  local out = {}
  for m, s in pairs(seats) do
    out[#out + 1] = m
    out[#out + 1] = s[1]
    out[#out + 1] = s[2]
  end
  return out
end

-- usage and rooms: every ended seat of the appId counted, the rooms it leaves
-- empty dropped from LIVE and INDEX (a seat ending before its room's current
-- opening belongs to an earlier generation: it does not lower the count).
local function prune()
  local gone = redis.call('ZRANGEBYSCORE', SEATS, '-inf', int(now), 'WITHSCORES')
  if #gone == 0 then return end
  local per = {}
  for i = 1, #gone, 2 do
    local exp = tonumber(gone[i + 1])
    count('expired', dayof(exp))
    local g = string.match(gone[i], '^(%x*) ')
    per[g] = per[g] or {}
    table.insert(per[g], exp)
  end
  redis.call('ZREMRANGEBYSCORE', SEATS, '-inf', int(now))
  for g, ends in pairs(per) do
    local v = redis.call('HGET', LIVE, g)
    if v then
      local n, gen, opened = string.match(v, '^(%d+):(%d+):(-?%d+)$')
      n, opened = tonumber(n), tonumber(opened)
      for _, e in ipairs(ends) do
        if e > opened then n = n - 1 end
      end
      if n <= 0 then
        redis.call('HDEL', LIVE, g)
        redis.call('ZREM', INDEX, g)
      else
        redis.call('HSET', LIVE, g, n .. ':' .. gen .. ':' .. int(opened))
      end
    end
  end
end
