
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
