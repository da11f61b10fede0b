-- case: the controller prints durations like 1m30s; it now reads them too (nothing here is started:
-- validate only).
-- validate: exit 0
-- expect: method  lasts 1m30.25s
experiment {
  title = "compound durations",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
      duration = "1m30s", after = "250ms" },
  },
}
