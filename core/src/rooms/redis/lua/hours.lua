-- hours (run alone: no prelude, nothing written). KEYS: the appId's days.
-- ARGV: now|'', day_offset_ms, day|''. Returns {day, openings of hour 0,
-- refused of hour 0, ..., openings of hour 23, refused of hour 23}: the fields
-- '<day>:h<HH>:openings' and '<day>:h<HH>:refused' that lua/prelude.lua counts.
local d
if ARGV[3] ~= '' then
  d = tonumber(ARGV[3])
else
  local now
  if ARGV[1] ~= '' then
    now = tonumber(ARGV[1])
  else
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  d = math.floor((now + tonumber(ARGV[2])) / 86400000)
end
local fields = {}
for h = 0, 23 do
  local p = string.format('%d:h%02d:', d, h)
  fields[#fields + 1] = p .. 'openings'
  fields[#fields + 1] = p .. 'refused'
end
local v = redis.call('HMGET', KEYS[1], unpack(fields))
local out = { d }
for i = 1, #v do out[#out + 1] = tonumber(v[i] or '0') end
return out
