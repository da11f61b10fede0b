-- case: a plugin parameter goes through the same grammar, and is refused by name. (17.4)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: delay: '99999999999999h' is too long; a duration is at most 100000h
experiment {
  title = "an overflowing parameter",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1",
      delay = "99999999999999h", duration = "1s" },
  },
}
