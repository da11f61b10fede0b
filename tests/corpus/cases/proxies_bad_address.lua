-- case: errors about proxies had no line (17.9)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:5: proxies.db: proxy: listen: 
experiment {
  title = "bad proxy",
  proxies = { db = { listen = "nowhere", upstream = "127.0.0.1:9" } },
  method = function() end,
}
