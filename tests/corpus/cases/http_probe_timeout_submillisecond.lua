-- case: under a millisecond rounds down to libcurl's "no timeout". (17.5)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: http_probe "health": http probe: timeout: '500us' is too short; the shortest timeout is 1ms
experiment {
  title = "a probe with a sub-millisecond timeout",
  steady_state = {
    http_probe "health" { url = "http://${SILENT}/health", timeout = "500us",
      expect = { error_ratio = 0 } },
  },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
}
