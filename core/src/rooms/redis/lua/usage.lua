-- usage. KEYS: days. ARGV: now|'', day|'', day_offset_ms. Returns {day, openings}.
local days = KEYS[1]
local day
if ARGV[2] ~= '' then
  day = tonumber(ARGV[2])
else
  day = math.floor((clock(ARGV[1]) + tonumber(ARGV[3])) / DAY_MS)
end
return { day, tonumber(redis.call('HGET', days, int(day)) or '0') }
