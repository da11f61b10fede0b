-- case: libcurl takes a timeout of 0 as no timeout at all, so a silent server hung the run. (17.5)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: http_probe "health": http probe: timeout: '0ms' is too short; the shortest timeout is 1ms
experiment {
  title = "a probe without a timeout",
  steady_state = {
    http_probe "health" { url = "http://${SILENT}/health", timeout = "0s",
      expect = { error_ratio = 0 } },
  },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
}
