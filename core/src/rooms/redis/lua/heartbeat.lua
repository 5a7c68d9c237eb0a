-- heartbeat. KEYS: room. ARGV: now|'', member, lease_ttl_ms, margin_ms.
-- Returns {0, expires} or {3} (NOT_ADMITTED).
local room = KEYS[1]
local now, member = clock(ARGV[1]), ARGV[2]
local lease, margin = tonumber(ARGV[3]), tonumber(ARGV[4])
local seats, n, gen = load(room, now)
local seat = seats[member]
if not seat then
  keep(room, seats, now, gen, margin)
  return { 3 }
end
seat[2] = math.max(seat[2], now + lease)
put(room, member, seat[1], seat[2])
keep(room, seats, now, gen, margin)
return { 0, seat[2] }
