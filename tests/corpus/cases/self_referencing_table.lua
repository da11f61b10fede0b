-- case: a fault parameter holding a table that contains itself crashed validate and run (17.1)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:10: latency: seed: refers to itself (through seed.again)
local t = { name = "loop" }
t.again = t
experiment {
  title = "a cycle",
  proxies = { db = { listen = "127.0.0.1:0", upstream = "127.0.0.1:9" } },
  method = { fault "latency" { proxy = "db", delay = "10ms", seed = t, duration = "1s" } },
}
