-- POST one fresh observation per request (new UUID, random point of Nantes Métropole, random
-- theme and item of the grid). Environment: SUBMIT_PATH, WALK_ID, TOKEN, OBSERVED_AT, BBOX
-- ("minLon,minLat,maxLon,maxLat"), THEMES ("theme:item|item;theme:item…").
require "report"

local path = os.getenv("SUBMIT_PATH")
local walk = os.getenv("WALK_ID")
local token = os.getenv("TOKEN")
local when = os.getenv("OBSERVED_AT")
local x0, y0, x1, y1 = os.getenv("BBOX"):match("([^,]+),([^,]+),([^,]+),([^,]+)")
x0, y0, x1, y1 = tonumber(x0), tonumber(y0), tonumber(x1), tonumber(y1)
local themes = {}
for theme, items in os.getenv("THEMES"):gmatch("([%w_]+):([%w_|]+)") do
  local list = {}
  for item in items:gmatch("[%w_]+") do list[#list + 1] = item end
  themes[#themes + 1] = {theme, list}
end
local hex = "0123456789abcdef"
local counter = 0

local function uuid4()
  local t = {}
  for i = 1, 32 do
    local r = math.random(1, 16)
    if i == 13 then r = 5 elseif i == 17 then r = 9 + math.random(0, 3) end
    t[i] = hex:sub(r, r)
  end
  local s = table.concat(t)
  return s:sub(1, 8) .. "-" .. s:sub(9, 12) .. "-" .. s:sub(13, 16) .. "-" .. s:sub(17, 20)
    .. "-" .. s:sub(21, 32)
end

setup = function(thread) thread:set("seed", math.random(1, 1000000000)) end
init = function(args) math.randomseed((seed or 1) + os.time()) end

request = function()
  counter = counter + 1
  local pick = themes[math.random(1, #themes)]
  local item = pick[2][math.random(1, #pick[2])]
  local body = string.format(
    '{"id":"%s","kind":"marche","walk_id":"%s","location":{"type":"Point",' ..
    '"coordinates":[%.6f,%.6f]},"observed_at":"%s","theme":"%s","items":["%s"],' ..
    '"rating":%d,"feeling":%d,"comment":"observation de banc d\'essai n° %d"}',
    uuid4(), walk, x0 + math.random() * (x1 - x0), y0 + math.random() * (y1 - y0), when,
    pick[1], item, math.random(0, 3), math.random(0, 3), counter)
  local headers = {["Content-Type"] = "application/json"}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", path, headers, body)
end
