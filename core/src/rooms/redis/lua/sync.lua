-- sync. KEYS: the appId's (prelude), room, left (leave.lua). ARGV: the
-- prelude's, lease_ttl_ms, sync_grace_ms, then the listed member ids (distinct).
-- A listed member without a seat who left this room less than sync_grace_ms
-- ago is not adopted (the list is older than the leave).
-- Returns {generation, member, since, expires, ...}.
local lease, grace = tonumber(ARGV[5]), tonumber(ARGV[6])
local LEFT = KEYS[6]
local pruned = false
local function left_recently(m)
  if grace <= 0 then return false end
  if not pruned then
    redis.call('ZREMRANGEBYSCORE', LEFT, '-inf', '(' .. int(now - grace))
    pruned = true
  end
  local t = redis.call('ZSCORE', LEFT, G .. ' ' .. m)
  return t and now - tonumber(t) < grace and now >= tonumber(t)
end
local seats, n, gen, opened = load()
local was = n
local listed = {}
for i = 7, #ARGV do listed[ARGV[i]] = true end
for m, s in pairs(seats) do
  if not listed[m] and now - s[1] >= grace then
    redis.call('HDEL', ROOM, m)
    seats[m] = nil
    removed(m)
    count('removed_by_sync')
    changed = true
  end
end
local live = false
for i = 7, #ARGV do
  local m = ARGV[i]
  local s = seats[m]
  if s then
    s[2] = math.max(s[2], now + lease)
    extended(m, s[2])
    put(m, s[1], s[2])
  elseif not left_recently(m) then
    s = { now, now + lease }
    seats[m] = s
    added(m, s[2])
    count('adopted_by_sync')
    changed = true
    put(m, s[1], s[2])
  end
end
-- A room made live by sync: generation + 1, never charged.
if was == 0 and next(seats) ~= nil then
  gen = gen + 1
  opened = now
  redis.call('HSET', ROOM, GEN, int(gen), OPENED, int(now))
end
keep(seats, was, gen, opened)
local out = flat(seats)
table.insert(out, 1, gen)
return out
