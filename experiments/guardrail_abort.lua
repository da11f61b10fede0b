-- A guardrail doing its job: the database becomes so slow that checkout is unusable, and the
-- run aborts within one probe interval instead of letting the outage run its course.
--
-- Expected verdict: aborted (exit code 3). `chaosctl show` prints how long it took from the
-- sample that broke the guardrail to every fault being stopped (the abort latency), and how
-- long the shop took to recover.

local shop = "http://127.0.0.1:18080"

experiment {
  title = "Abort when checkout becomes unusable",
  description = [[
Adds 1 s to every database reply for up to 60 s. The guardrail stops the experiment as soon as
the shop's own metrics show checkout p99 above 500 ms over the last 2 s.]],

  proxies = {
    db = { listen = "127.0.0.1:15432", upstream = "127.0.0.1:15433" },
  },

  steady_state = {
    http_probe "checkout" {
      url = shop .. "/checkout", every = "100ms",
      expect = { p99_ms = { max = "5x baseline" }, error_ratio = { max = 0.01 } },
    },
  },

  guardrails = {
    scrape_probe "checkout p99" {
      url = shop .. "/metrics", every = "250ms",
      histogram = "shop_checkout_duration_seconds", quantile = 0.99, over = "2s",
      min_samples = 1,
      expect = { last = { max = 0.5 } },  -- seconds
    },
  },

  method = {
    fault "latency" { proxy = "db", delay = "1s", duration = "60s" },
  },

  recovery = { within = "20s" },
}
