-- At what database latency does checkout tip over?
--
-- The demo shop (experiments/demo) holds at most 4 database connections and waits at most
-- 100 ms for a free one; 6 background shoppers check out all the time. A little latency on the
-- database is absorbed; past some point each checkout holds its connection long enough that
-- the pool runs dry and checkouts fail. This sweep raises the delay step by step, live on one
-- fault, judges the steady state over each step on its own, and stops at the first step that
-- breaks it: the tipping point lies between the last delay that held and that one.
-- Expected verdict: deviated (exit code 1), with the tipping point in `chaosctl show`.

local shop = "http://127.0.0.1:18080"

experiment {
  title = "Tipping point of checkout as the database slows",
  proxies = {
    db = { listen = "127.0.0.1:15432", upstream = "127.0.0.1:15433" },
  },
  steady_state = {
    http_probe "checkout" {
      url = shop .. "/checkout",
      every = "100ms",
      expect = { p99_ms = { max = 300 }, error_ratio = { max = 0.05 } },
    },
  },
  -- 10, 20, 40, 80, 160, 320, 500 ms, each held 3 s; the first 500 ms of a step (the pool
  -- draining what the previous one queued) is not judged.
  method = sweep {
    fault = fault "latency" { proxy = "db", name = "slow-db" },
    param = "delay", from = "10ms", to = "500ms", factor = 2,
    hold = "3s", settle = "500ms",
  },
  recovery = { within = "20s" },
}
