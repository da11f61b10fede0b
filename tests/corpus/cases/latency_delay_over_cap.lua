-- case: the 10m cap on delays was only checked at create, so validate said valid. (17.8)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: delay: "11m" is longer than the maximum 10m
experiment {
  title = "a delay over the cap",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "11m",
      duration = "1s" },
  },
}
