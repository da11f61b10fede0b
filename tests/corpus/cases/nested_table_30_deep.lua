-- case: a fault parameter holding a table nested 30 deep crashed validate and run (issue 17.1)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:11: latency: seed: nested too deeply (more than 20 tables inside each other)
local t = {}
local inner = t
for _ = 1, 30 do inner.next = {}; inner = inner.next end
experiment {
  title = "nested too deeply",
  proxies = { db = { listen = "127.0.0.1:0", upstream = "127.0.0.1:9" } },
  method = { fault "latency" { proxy = "db", delay = "10ms", seed = t, duration = "1s" } },
}
