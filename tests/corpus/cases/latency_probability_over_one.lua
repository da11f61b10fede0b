-- case: a probability is 0..1; 1.5 is out of range, named with its bound
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: probability: 1.5 is above the maximum 1
experiment {
  title = "latency_probability_over_one",
  method = {
    fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms", probability = 1.5,
      duration = "1s" },
  },
}
