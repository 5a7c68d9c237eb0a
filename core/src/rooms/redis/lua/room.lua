-- room. KEYS: the appId's (prelude), room. ARGV: the prelude's.
-- Returns {generation, member, since, expires, ...}.
local seats, n, gen, opened = load()
keep(seats, n, gen, opened)
local out = flat(seats)
table.insert(out, 1, gen)
return out
