-- room. KEYS: room. ARGV: now|''. Returns {generation, member, since, expires, ...}.
local room = KEYS[1]
local now = clock(ARGV[1])
local seats, n, gen = load(room, now)
local out = flat(seats)
table.insert(out, 1, gen)
return out
