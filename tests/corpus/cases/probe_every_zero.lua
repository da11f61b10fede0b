-- case: every = "0s" sampled back to back. (17.5)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: scrape_probe "up": every: '0ms' is too short; the shortest is 10ms
experiment {
  title = "a probe with no pause",
  steady_state = {
    scrape_probe "up" { url = "http://${SILENT}/metrics", gauge = "up", every = "0s",
      expect = { last = { min = 1 } } },
  },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
}
