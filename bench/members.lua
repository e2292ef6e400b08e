-- wrk script: GET /api/v1/members/u<random id> as one signed-in member, so
-- that every answer carries a degree and a mutual count from the graph index.
-- Usage: wrk -t2 -c32 -d20s --latency -s bench/members.lua URL -- TOKEN MEMBERS
local token, members
function init(args)
  token = args[1]
  members = tonumber(args[2] or "37700")
  math.randomseed(42 + math.floor(os.clock() * 1e6))
end
function request()
  local path = "/api/v1/members/u" .. math.random(0, members - 1)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
