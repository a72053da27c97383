-- wrk script: POST a company with a fresh, valid RUC on every request (bench/kernel_write.py).
-- RUC = "20" .. 8 digits (a run prefix from BENCH_PREFIX, then a counter) .. SUNAT check digit.
local weights = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
local prefix = os.getenv("BENCH_PREFIX") or "710"
local counter = 0
local template = os.getenv("BENCH_BODY")

local function ruc(n)
  local stem = "20" .. prefix .. string.format("%0" .. (8 - #prefix) .. "d", n)
  local total = 0
  for i = 1, 10 do total = total + tonumber(stem:sub(i, i)) * weights[i] end
  local r = 11 - total % 11
  if r >= 10 then r = r - 10 end
  return stem .. r
end

wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local body = template:gsub("RUC_HERE", ruc(counter))
  return wrk.format("POST", nil, nil, body)  -- nil headers: wrk.headers, with the -H ones
end
