-- sync. KEYS: the appId's (prelude), room. ARGV: the prelude's, lease_ttl_ms,
-- sync_grace_ms, then the listed member ids (distinct).
-- Returns {generation, member, since, expires, ...}.
local lease, grace = tonumber(ARGV[5]), tonumber(ARGV[6])
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
  else
    s = { now, now + lease }
    seats[m] = s
    added(m, s[2])
    count('adopted_by_sync')
    changed = true
  end
  put(m, s[1], s[2])
end
-- A room made live by sync: generation + 1, never charged.
if was == 0 and #ARGV >= 7 then
  gen = gen + 1
  opened = now
  redis.call('HSET', ROOM, GEN, int(gen), OPENED, int(now))
end
keep(seats, was, gen, opened)
local out = flat(seats)
table.insert(out, 1, gen)
return out
