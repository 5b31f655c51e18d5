-- POST /api/v1/candidates: a new candidate invited to BENCH_PROJECT on every request
-- (charge + invitation + assessments + queued mail), as the client user in BENCH_TOKEN.
dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")

local project = os.getenv("BENCH_PROJECT")
-- Unique per wrk run (a warm-up and the run after it never share an email).
local prefix = (os.getenv("BENCH_RUN") or "run") .. "-" .. os.time() .. "-" .. math.random(1000000)
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
  thread:set("run", prefix)
end

local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  n = n + 1
  local body = string.format(
    '{"project_id":"%s","first_name":"Wrk","last_name":"Load %d-%d",' ..
    '"email":"wrk.%s.%d.%d@bench.example"}', project, tid, n, run, tid, n)
  return wrk.format(nil, nil, nil, body)
end
