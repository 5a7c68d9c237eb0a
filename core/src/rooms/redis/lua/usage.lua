-- usage. KEYS: the appId's (prelude). ARGV: the prelude's, day|''.
-- Returns {day, the day of now, live rooms, live seats, then the counters of the
-- day in the order of ARGV[6..]}.
prune()
finish()
local d = day
if ARGV[5] ~= '' then d = tonumber(ARGV[5]) end
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = int(d) .. ':' .. ARGV[i] end
local counts = redis.call('HMGET', DAYS, unpack(fields))
local out = { d, day, redis.call('HLEN', LIVE), redis.call('ZCARD', SEATS) }
for i = 1, #counts do out[#out + 1] = tonumber(counts[i] or '0') end
return out
