-- heartbeat. KEYS: the appId's (prelude), room. ARGV: the prelude's, member,
-- lease_ttl_ms. Returns {0, expires} or {3} (NOT_ADMITTED).
local member, lease = ARGV[5], tonumber(ARGV[6])
local seats, n, gen, opened = load()
local seat = seats[member]
if not seat then
  count('heartbeats_refused')
  keep(seats, n, gen, opened)
  return { 3 }
end
seat[2] = math.max(seat[2], now + lease)
put(member, seat[1], seat[2])
extended(member, seat[2])
keep(seats, n, gen, opened)
return { 0, seat[2] }
