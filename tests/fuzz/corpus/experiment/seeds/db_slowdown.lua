
local shop = "http://127.0.0.1:18080"

experiment {
  title = "Checkout under a slow database",
  description = [[
The shop reaches its database through a proxy that chaosctl runs on 127.0.0.1:15432 in front of
the database on 127.0.0.1:15433. For 10 s the proxy delays every database reply by
250 ms ± 50 ms. Hypothesis: checkout p99 stays under 300 ms and under 1 % of checkouts fail,
as one shopper sees it (an HTTP probe) and as the shop's own metrics see it (all shoppers).]],

  proxies = {
    db = { listen = "127.0.0.1:15432", upstream = "127.0.0.1:15433" },
  },

  steady_state = {
    -- What one shopper sees.
    http_probe "checkout" {
      url = shop .. "/checkout",
      every = "100ms",
      expect = { p99_ms = { max = 300 }, error_ratio = { max = 0.01 } },
    },
    -- What every shopper sees, from the shop's Prometheus metrics over the last 5 s.
    scrape_probe "checkout p99 (all shoppers)" {
      url = shop .. "/metrics",
      histogram = "shop_checkout_duration_seconds", quantile = 0.99, over = "5s",
      expect = { max = 0.3 },  -- seconds
    },
    scrape_probe "checkout error ratio (all shoppers)" {
      url = shop .. "/metrics",
      ratio = { 'shop_http_requests_total{path="/checkout",code!="200"}',
                'shop_http_requests_total{path="/checkout"}' },
      over = "5s",
      expect = { max = 0.01 },
    },
  },

  -- Stop at once if checkout becomes unusable: we want to see degradation, not an outage.
  guardrails = {
    scrape_probe "checkout mostly failing" {
      url = shop .. "/metrics",
      ratio = { 'shop_http_requests_total{path="/checkout",code!="200"}',
                'shop_http_requests_total{path="/checkout"}' },
      over = "2s",
      expect = { last = { max = 0.97 } },
    },
  },

  method = {
    fault "latency" { proxy = "db", delay = "250ms", jitter = "50ms", duration = "10s" },
  },

  recovery = { within = "20s" },
}
