-- leave. KEYS: the appId's (prelude), room, left. ARGV: the prelude's, member,
-- sync_grace_ms. Returns 1 when a live seat was removed, else 0. A removed seat
-- is noted in LEFT (zset '<hex group> <member>' -> when), so that sync does not
-- adopt the member again from a list older than the leave (for sync_grace_ms);
-- notes older than that are dropped here and by sync, and the key lives
-- sync_grace_ms (plus the margin) after the newest.
local member, grace = ARGV[5], tonumber(ARGV[6])
local LEFT = KEYS[6]
local seats, n, gen, opened = load()
local was = n
local out = 0
if seats[member] then
  redis.call('HDEL', ROOM, member)
  seats[member] = nil
  removed(member)
  count('leaves')
  changed = true
  out = 1
  if grace > 0 then
    redis.call('ZREMRANGEBYSCORE', LEFT, '-inf', '(' .. int(now - grace))
    redis.call('ZADD', LEFT, now, G .. ' ' .. member)
    redis.call('PEXPIRE', LEFT, int(grace + MARGIN))
  end
end
keep(seats, was, gen, opened)
return out
