-- voipsign room ledger: helpers shared by every script (prepended to each).
-- A room is one hash: field ' gen' holds the generation (a space cannot start a
-- member id), every other field is a seat: member id -> '<since>:<expires>'
-- (unix ms). The day counters of an appId are one hash: day number -> openings.
-- Numbers stay below 2^53 (the client checks explicit times), so Lua's doubles
-- are exact; they are written with '%d', never tostring (which rounds).
local GEN = ' gen'
local DAY_MS = 86400000

-- The operation's time: the explicit time, or the server's clock.
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(n) return string.format('%d', n) end

-- The live seats of a room at `now` (expired ones are deleted), their count and
-- the generation.
local function load(room, now)
  local all = redis.call('HGETALL', room)
  local seats, n, gen = {}, 0, 0
  for i = 1, #all, 2 do
    local f, v = all[i], all[i + 1]
    if f == GEN then
      gen = tonumber(v)
    else
      local c = string.find(v, ':', 1, true)
      local since, exp = tonumber(string.sub(v, 1, c - 1)), tonumber(string.sub(v, c + 1))
      if exp <= now then
        redis.call('HDEL', room, f)
      else
        seats[f] = { since, exp }
        n = n + 1
      end
    end
  end
  return seats, n, gen
end

local function put(room, member, since, exp)
  redis.call('HSET', room, member, int(since) .. ':' .. int(exp))
end

-- The room key lives until its last lease ends, plus `margin` ms: a duration from
-- the operation's time, so an explicit time in the past or future never leaves a
-- key behind. An empty room without generation is deleted.
local function keep(room, seats, now, gen, margin)
  local last = now
  for _, s in pairs(seats) do
    if s[2] > last then last = s[2] end
  end
  if last == now and gen == 0 then
    redis.call('DEL', room)
  else
    redis.call('PEXPIRE', room, int(last - now + margin))
  end
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
