-- case: the blast radius: a flood target off loopback is refused at validation, before a packet
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: flood: target: '10.0.0.1' is refused by the target allowlist: no rule matches it (rules: 127.0.0.0/8, ::1/128 (the default: loopback only))
experiment {
  title = "flood_target_not_loopback",
  method = {
    fault "flood" { target = "http://10.0.0.1/",
      duration = "1s" },
  },
}
