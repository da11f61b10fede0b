-- case: an enum parameter with a value outside it
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: direction: expected one of "downstream", "upstream", "both", got "sideways"
experiment {
  title = "latency_direction_unknown",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms", direction = "sideways",
      duration = "1s" },
  },
}
