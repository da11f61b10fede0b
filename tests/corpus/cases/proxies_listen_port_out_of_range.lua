-- case: a declared proxy is checked by the same schema as the faults. (17.8)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:5: proxies.db: proxy: listen: '127.0.0.1:70000' has port 70000; ports go up to 65535
experiment {
  title = "a declared proxy on a port out of range",
  proxies = { db = { listen = "127.0.0.1:70000", upstream = "127.0.0.1:5432" } },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
}
