-- admit. KEYS: the appId's (prelude), room, openers of even days, of odd days.
-- ARGV: the prelude's, member, capacity, daily_room_limit, reserve_ttl_ms,
-- member_daily_openings.
-- Returns {0, opened, renewed, members, generation, rooms_today, expires},
-- {1, members} (ROOM_FULL), {2, rooms_today} (DAILY_ROOM_LIMIT) or {4, opened
-- by the member today} (MEMBER_DAILY_LIMIT).
local member = ARGV[5]
local capacity, limit = tonumber(ARGV[6]), tonumber(ARGV[7])
local reserve, mine_limit = tonumber(ARGV[8]), tonumber(ARGV[9])
-- A member's openings of a day live in the openers hash of its day's parity,
-- whose ' day' field says which day it holds (an older one is dropped).
local openers = KEYS[6 + day % 2]
local seats, n, gen, opened_at = load()
local was = n
-- The day is the day of this script's `now`: an admission racing midnight is
-- charged to the day its own time falls in, whichever instance sent it.
local today = openings_today
local opened, renewed, exp = 0, 0, 0
local seat = seats[member]
local refused
if seat then
  -- A seated member: a renewal (so a retry after a lost reply never double-counts).
  exp = math.max(seat[2], now + reserve)
  seat[2] = exp
  put(member, seat[1], exp)
  extended(member, exp)
  count('renewals')
  renewed = 1
elseif n >= capacity then
  count('refused_room_full')
  refused = { 1, n }
elseif n == 0 and today >= limit then
  count('refused_daily_limit')
  refused = { 2, today }
else
  if n == 0 then
    if mine_limit > 0 then
      local o = redis.call('HMGET', openers, ' day', member)
      local mine = 0
      if o[1] == int(day) then mine = tonumber(o[2] or '0') end
      if mine >= mine_limit then
        count('refused_member_limit')
        refused = { 4, mine }
      else
        if o[1] ~= int(day) then
          redis.call('DEL', openers)
          redis.call('HSET', openers, ' day', int(day))
          redis.call('PEXPIRE', openers, int((day + 1) * DAY_MS - OFFSET - now + DAY_MS))
        end
        redis.call('HINCRBY', openers, member, 1)
      end
    end
    if not refused then
      today = today + 1
      count('openings')
      gen = gen + 1
      opened_at = now
      redis.call('HSET', ROOM, GEN, int(gen), OPENED, int(now))
      opened = 1
      changed = true
    end
  end
  if not refused then
    exp = now + reserve
    seats[member] = { now, exp }
    n = n + 1
    put(member, now, exp)
    added(member, exp)
    count('admissions')
  end
end
keep(seats, was, gen, opened_at)
if refused then return refused end
return { 0, opened, renewed, n, gen, today, exp }
