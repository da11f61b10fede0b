-- case: a parameter string that is not UTF-8 crossed into JSON as it was, and the stored reason then made runs --json and show --json invalid JSON; now refused, naming the field
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: delay: not UTF-8 text (byte 3 of 5 is not)
experiment {
  title = "latency_delay_invalid_utf8",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "10\xffms",
      duration = "1s" },
  },
}
