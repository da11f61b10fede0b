-- case: validate accepted a URL with no host; run then failed. (17.8)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: http_probe "health": http probe: url: 'http://' has no host; expected a URL like http://127.0.0.1:8080/health
experiment {
  title = "a probe URL without a host",
  steady_state = {
    http_probe "health" { url = "http://", expect = { error_ratio = 0 } },
  },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
}
