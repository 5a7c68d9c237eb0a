-- leave. KEYS: room. ARGV: now|'', member, margin_ms. Returns 1 when a live seat
-- was removed, else 0.
local room = KEYS[1]
local now, member, margin = clock(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local seats, n, gen = load(room, now)
local removed = 0
if seats[member] then
  redis.call('HDEL', room, member)
  seats[member] = nil
  removed = 1
end
keep(room, seats, now, gen, margin)
return removed
