-- Does checkout stay fast and healthy when its database slows down?
--
-- The demo shop (experiments/demo) holds at most 4 database connections and waits at most
-- 100 ms for a free one; 6 background shoppers check out all the time. Each checkout makes 2
-- queries, so 250 ms more on every database reply makes a checkout hold its connection for
-- over half a second: the pool runs dry, latency climbs and checkouts fail with
-- "db pool exhausted".
-- Expected verdict: deviated (exit code 1) — the experiment finds the weakness it was written
-- to find, and the steady state comes back within seconds of the rollback.

experiment {
  title = "Checkout under a slow database",
  description = [[
The shop reaches its database through a proxy that chaosctl runs on 127.0.0.1:15432 in front of
the database on 127.0.0.1:15433. For 10 s the proxy delays every database reply by
250 ms ± 50 ms. Hypothesis: checkout p99 stays under 300 ms and under 1 % of checkouts fail.]],

  proxies = {
    db = { listen = "127.0.0.1:15432", upstream = "127.0.0.1:15433" },
  },

  steady_state = {
    http_probe "checkout" {
      url = "http://127.0.0.1:18080/checkout",
      every = "100ms",
      expect = { p99_ms = { max = 300 }, error_ratio = { max = 0.01 } },
    },
  },

  method = {
    fault "latency" { proxy = "db", delay = "250ms", jitter = "50ms", duration = "10s" },
  },

  recovery = { within = "15s" },
}
