-- Can a handful of stuck clients take the shop down?
--
-- The shop's HTTP server handles a bounded number of connections. For 10 s, 2,000 slowloris
-- connections (requests whose headers never end; one more header line every 2 s) are opened
-- over 3 s and held, re-opened if the shop drops them. Real shoppers then cannot get a
-- connection served. For PostgreSQL, use mode = "postgres" with target = "127.0.0.1:5432":
-- authenticated sessions (trust, password, md5 or scram-sha-256, with password_env naming the
-- variable that holds the password) that count against max_connections.
-- Expected verdict: deviated if the shop's server has no per-connection header timeout and a
-- bounded connection budget; passed if it sheds slow clients. Either way the steady state must
-- come back once the connections are released.

local shop = "http://127.0.0.1:18080"

experiment {
  title = "Checkout while slow clients hold the shop's connections",

  proxies = {
    db = { listen = "127.0.0.1:15432", upstream = "127.0.0.1:15433" },
  },

  steady_state = {
    http_probe "checkout" {
      url = shop .. "/checkout",
      every = "100ms",
      timeout = "1s",
      expect = { p99_ms = { max = 300 }, error_ratio = { max = 0.01 } },
    },
  },

  method = {
    fault "pool_exhaustion" {
      target = "127.0.0.1:18080", mode = "http_slow",
      connections = 2000, ramp = "3s", trickle_every = "2s",
      duration = "10s",
    },
  },

  recovery = { within = "20s" },
}
