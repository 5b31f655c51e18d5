-- The soak's reads, in turn: the reseller's candidate list and search (BENCH_TOKEN), the
-- client's candidate list, a project's results and /me (BENCH_TOKEN2, BENCH_PROJECT).
dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")

local reseller = "Bearer " .. os.getenv("BENCH_TOKEN")
local client = "Bearer " .. os.getenv("BENCH_TOKEN2")
local project = os.getenv("BENCH_PROJECT")
local search = os.getenv("BENCH_SEARCH") or "okafor"
local reads = {
  { "/api/v1/candidates?limit=50", reseller },
  { "/api/v1/candidates?limit=50&q=" .. search, reseller },
  { "/api/v1/candidates?limit=50", client },
  { "/api/v1/projects/" .. project .. "/results?limit=50", client },
  { "/api/v1/me", client },
}
local i = 0

function request()
  i = i % #reads + 1
  return wrk.format("GET", reads[i][1], { Authorization = reads[i][2] })
end
