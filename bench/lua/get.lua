-- GET a path built per request. Environment:
--   GET_PATH  the path, with {lon} {lat} (a random point) or {bbox} (a random box) placeholders
--   BBOX      "minLon,minLat,maxLon,maxLat" where the points and box centres are drawn
--   BOX_DEG   "dLon,dLat": the size of the random box (≈ 1.5 km: "0.0198,0.0135" at 47.2° N)
require "report"

local template = os.getenv("GET_PATH")
local x0, y0, x1, y1 = (os.getenv("BBOX") or "0,0,0,0"):match("([^,]+),([^,]+),([^,]+),([^,]+)")
x0, y0, x1, y1 = tonumber(x0), tonumber(y0), tonumber(x1), tonumber(y1)
local dx, dy = (os.getenv("BOX_DEG") or "0,0"):match("([^,]+),([^,]+)")
dx, dy = tonumber(dx), tonumber(dy)

setup = function(thread) thread:set("seed", math.random(1, 1000000000)) end
init = function(args) math.randomseed((seed or 1) + os.time()) end

request = function()
  local lon = x0 + math.random() * (x1 - x0)
  local lat = y0 + math.random() * (y1 - y0)
  local path = template
  path = path:gsub("{lon}", string.format("%.6f", lon))
  path = path:gsub("{lat}", string.format("%.6f", lat))
  path = path:gsub("{bbox}", string.format("%.6f,%.6f,%.6f,%.6f",
    lon - dx / 2, lat - dy / 2, lon + dx / 2, lat + dy / 2))
  return wrk.format("GET", path)
end
