-- GET the URL given to wrk, as the user whose token is in BENCH_TOKEN (none: anonymous).
dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
