-- leave. KEYS: the appId's (prelude), room. ARGV: the prelude's, member.
-- Returns 1 when a live seat was removed, else 0.
local member = ARGV[5]
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
end
keep(seats, was, gen, opened)
return out
