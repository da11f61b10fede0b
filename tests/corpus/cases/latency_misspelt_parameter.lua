-- case: a misspelt parameter is not ignored (the kind would run with no delay): named, with the likely one
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: 2 problems: delay: required parameter is missing; unknown parameter 'dealy'; did you mean 'delay'?
experiment {
  title = "latency_misspelt_parameter",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", dealy = "100ms",
      duration = "1s" },
  },
}
