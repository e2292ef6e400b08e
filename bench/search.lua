-- wrk script: the typeahead or a people search as one signed-in member,
-- with text drawn from a file of words, one a line (first names for the
-- typeahead, title words for a search). Usage:
--   wrk -t2 -c16 -d20s --latency -s bench/search.lua URL -- TOKEN WORDS typeahead LETTERS
--   wrk -t2 -c16 -d20s --latency -s bench/search.lua URL -- TOKEN WORDS search FILTERS
-- where LETTERS is how many letters of each word to type (1-3) and FILTERS
-- a file of "current_organization=..." or "location=..." query parts, one
-- a line, URL-encoded, each for the member whose title gave the word on the
-- same line of WORDS.
local token, words, mode, letters, filters
local function lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end
function init(args)
  token, mode = args[1], args[3]
  words = lines(args[2])
  if mode == "typeahead" then
    letters = tonumber(args[4] or "3")
  else
    filters = lines(args[4])
  end
  math.randomseed(7 + math.floor(os.clock() * 1e6))
end
function request()
  -- In a search, the word and the filter on the same line number come from
  -- one member, so that most searches find someone.
  local i = math.random(#words)
  local w = words[i]
  local path
  if mode == "typeahead" then
    path = "/api/v1/typeahead?q=" .. string.sub(w, 1, letters)
  else
    path = "/api/v1/search/members?q=" .. w .. "+&" .. filters[i]
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
