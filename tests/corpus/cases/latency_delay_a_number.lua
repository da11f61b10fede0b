-- case: a delay given as a bare number (no unit) is a type error naming the field
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: delay: expected a duration like "250ms" or "1m30s" (numbers with units: h, m, s, ms, us), got 100
experiment {
  title = "latency_delay_a_number",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = 100,
      duration = "1s" },
  },
}
