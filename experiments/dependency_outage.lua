-- What does checkout do when its database starts dropping connections?
--
-- The demo shop (experiments/demo) keeps a pool of 4 database connections and does not retry a
-- query whose connection died. For 10 s the proxy in front of the database resets every
-- database connection (a TCP RST, as a crashed database or a load balancer that lost its
-- connection table would send) half a second after it opens, including the pool's connections
-- that are already open. Each reset surfaces as one failed checkout ("502 db error"); the pool
-- reconnects on the next checkout, and half a second later it happens again.
-- Hypothesis: under 1 % of checkouts fail and p99 stays under 300 ms.
-- Expected verdict: deviated (exit code 1) — the shop has no retry for a dead pooled connection;
-- the steady state comes back as soon as the resets stop, with no restart.

experiment {
  title = "Checkout when the database resets its connections",
  description = [[
The shop reaches its database through a proxy that chaosctl runs on 127.0.0.1:15432 in front of
the database on 127.0.0.1:15433. For 10 s every database connection gets an RST half a second
after it opens (open ones included). Hypothesis: checkout p99 stays under 300 ms and under 1 % of
checkouts fail.]],

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
    fault "outage" {
      proxy = "db", mode = "reset", existing = true, delay = "500ms", duration = "10s",
    },
  },

  recovery = { within = "15s" },
}
