-- wrk script: the first page of the home feed, each request as one of the
-- signed-in members whose tokens a file holds, one a line. Usage:
--   wrk -t2 -c16 -d20s --latency -s bench/feed.lua URL -- TOKENS
local tokens
function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  math.randomseed(11 + math.floor(os.clock() * 1e6))
end
function request()
  local token = tokens[math.random(#tokens)]
  return wrk.format("GET", "/api/v1/feed", { ["Authorization"] = "Bearer " .. token })
end
function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. body .. "\n")
  end
end
