
local shop = "http://127.0.0.1:18080"

experiment {
  title = "Checkout under a traffic ramp and a spike",

  proxies = {
    db = { listen = "127.0.0.1:15432", upstream = "127.0.0.1:15433" },
  },

  steady_state = {
    http_probe "checkout" {
      url = shop .. "/checkout",
      every = "100ms",
      expect = { p99_ms = { max = 300 }, error_ratio = { max = 0.01 } },
    },
  },

  method = function()
    local flood = chaos.inject("flood", {
      target = shop .. "/checkout",
      shape = "ramp", ramp_from = 100, rate = 1500, ramp_over = "8s",
      connections = 500, request_timeout = "5s",
    }, { duration = "14s" })
    chaos.sleep("10s")
    -- A burst on top of the base rate: 3000 requests/s for one second, every 2 s.
    flood:update {
      target = shop .. "/checkout",
      shape = "spike", rate = 1500, spike_rate = 1500, spike_for = "1s", spike_every = "2s",
      connections = 500, request_timeout = "5s",
    }
    chaos.sleep("4s")
  end,

  recovery = { within = "20s" },
}
