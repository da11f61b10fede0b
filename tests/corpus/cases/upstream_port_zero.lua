-- case: an upstream on port 0 cannot be connected to; only create said so. (17.8)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: upstream: '127.0.0.1:0' has port 0, which cannot be connected to; expected 1..65535
experiment {
  title = "an upstream on port 0",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:0", delay = "1ms",
      duration = "1s" },
  },
}
