-- case: a table with both list items and named fields failed with "invalid key to 'next'" (17.9)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: latency: seed: a table must be a list {a, b} or have named fields {name = value}, not both
experiment {
  title = "mixed keys",
  proxies = { db = { listen = "127.0.0.1:0", upstream = "127.0.0.1:9" } },
  method = { fault "latency" { proxy = "db", delay = "10ms", seed = { 1, x = 2 }, duration = "1s" } },
}
