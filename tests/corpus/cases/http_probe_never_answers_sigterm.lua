-- case: SIGTERM while the only probe waits on a server that never answers (timeout 1h, baseline
-- 1h) was ignored until the probe's timeout (17.5); the run must end aborted, at once.
-- run: exit 3
-- sigterm-after: connect
-- run-expect: SIGTERM received
-- within: 15
experiment {
  title = "SIGTERM while a probe hangs",
  steady_state = {
    http_probe "health" { url = "http://${SILENT}/", timeout = "1h",
      expect = { error_ratio = 0 } },
  },
  baseline = { timeout = "1h" },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
}
