-- case: a probe whose server never answers, with a long timeout, held the run's end for
-- that timeout (17.5). Now the baseline times out after 1s and the request in progress is cancelled.
-- Its check has no samples: `show --json` printed the value as NaN, which is not JSON (fixed).
-- run: exit 2
-- expect: not_steady
experiment {
  title = "a dependency that never answers",
  steady_state = {
    http_probe "health" { url = "http://${SILENT}/health", timeout = "1h", every = "100ms",
      expect = { error_ratio = 0 } },
  },
  baseline = { timeout = "1s" },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
}
