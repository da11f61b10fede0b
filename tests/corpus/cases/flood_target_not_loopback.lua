-- case: the blast radius: a flood target outside the allowlist is refused at validation, before
-- a packet. The allowlist is narrowed to 127.0.0.1 so the refused target is loopback too.
-- allow-target: 127.0.0.1/32
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:10: flood: target: '127.0.0.2' is refused by the target allowlist: no rule matches it (rules: 127.0.0.1/32 (from --allow-target)); to allow it, run with --allow-target 127.0.0.2/32
experiment {
  title = "flood_target_not_loopback",
  method = {
    fault "flood" { target = "http://127.0.0.2/",
      duration = "1s" },
  },
}
