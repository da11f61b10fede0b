-- case: the flood's hard cap of 1h was only checked at create. (17.8)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: flood: max_duration: "2h" is longer than the maximum 1h
experiment {
  title = "a flood capped past its hard cap",
  method = {
    fault "flood" { target = "http://127.0.0.1:1/", rate = 1, max_duration = "2h",
      duration = "1s" },
  },
}
