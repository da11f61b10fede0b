-- case: this validated, ran the fault "for -9223372036854775808us" and stored passed. (17.4)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: fault "latency": duration: '99999999999999h' is too long; a duration is at most 100000h (about 11 years)
experiment {
  title = "an overflowing fault duration",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
      duration = "99999999999999h" },
  },
}
