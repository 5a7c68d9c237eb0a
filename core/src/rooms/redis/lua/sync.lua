-- sync. KEYS: room. ARGV: now|'', lease_ttl_ms, sync_grace_ms, margin_ms, then the
-- listed member ids (distinct). Returns {generation, member, since, expires, ...}.
local room = KEYS[1]
local now = clock(ARGV[1])
local lease, grace, margin = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local seats, n, gen = load(room, now)
local listed = {}
for i = 5, #ARGV do listed[ARGV[i]] = true end
for m, s in pairs(seats) do
  if not listed[m] and now - s[1] >= grace then
    redis.call('HDEL', room, m)
    seats[m] = nil
  end
end
for i = 5, #ARGV do
  local m = ARGV[i]
  local s = seats[m]
  if s then
    s[2] = math.max(s[2], now + lease)
  else
    s = { now, now + lease }
    seats[m] = s
  end
  put(room, m, s[1], s[2])
end
-- A room made live by sync: generation + 1, never charged.
if n == 0 and #ARGV >= 5 then
  gen = gen + 1
  redis.call('HSET', room, GEN, int(gen))
end
keep(room, seats, now, gen, margin)
local out = flat(seats)
table.insert(out, 1, gen)
return out
