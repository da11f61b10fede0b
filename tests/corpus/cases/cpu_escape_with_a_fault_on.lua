-- case: a CPU-budget escape in the method with a latency fault on: the run hung, ignoring
-- SIGINT and SIGTERM, the fault left on (17.3). It must end errored and rolled back, within
-- the 2 s budget. The escape is reached only in a real run (2.5 s of real time have passed),
-- so the dry run before the run passes.
-- validate: exit 0
-- run: exit 4
-- run-expect: stopped: ran for more than 2000 ms without yielding
-- run-expect: stop latency-1: rollback, the run failed
-- run-expect: removed latency 50ms
-- within: 20
experiment {
  title = "escape with a fault on",
  proxies = { db = { listen = "127.0.0.1:0", upstream = "127.0.0.1:9" } },
  method = function()
    local started = os.time()
    chaos.inject("latency", { proxy = "db", delay = "50ms" })
    chaos.sleep("2500ms")
    if os.time() - started >= 2 then
      while true do pcall(table.sort, { 3, 2, 1 }, function() while true do end end) end
    end
  end,
}
