-- rooms. KEYS: the appId's (prelude). ARGV: the prelude's, limit, hex after|''.
-- Returns {more, hex group, seats, generation, opened_at, ...}: at most limit
-- live rooms after `after` in byte order (hex keeps it), more = 1 when more follow.
local limit = tonumber(ARGV[5])
prune()
finish()
local from = '-'
if ARGV[6] ~= '' then from = '(' .. ARGV[6] end
local page = redis.call('ZRANGEBYLEX', INDEX, from, '+', 'LIMIT', 0, limit + 1)
local out = { 0 }
for i, g in ipairs(page) do
  if i > limit then
    out[1] = 1
  else
    local v = redis.call('HGET', LIVE, g)
    local n, gen, opened = string.match(v or '0:0:0', '^(%d+):(%d+):(-?%d+)$')
    out[#out + 1] = g
    out[#out + 1] = tonumber(n)
    out[#out + 1] = tonumber(gen)
    out[#out + 1] = tonumber(opened)
  end
end
return out
