-- case: port 70000 matched the address pattern and failed only at create. (17.8)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: listen: '127.0.0.1:70000' has port 70000; ports go up to 65535
experiment {
  title = "a listen port out of range",
  method = {
    fault "latency" { listen = "127.0.0.1:70000", upstream = "127.0.0.1:1", delay = "1ms",
      duration = "1s" },
  },
}
