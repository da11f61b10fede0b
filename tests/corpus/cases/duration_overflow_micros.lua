-- case: INT64_MAX microseconds overflowed once turned into nanoseconds for the clock. (17.4)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: fault "latency": duration: '9223372036854775807us' is too long; a duration is at most 100000h
experiment {
  title = "an overflowing fault duration in microseconds",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
      duration = "9223372036854775807us" },
  },
}
