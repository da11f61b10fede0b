-- case: errors about proxies had no line (17.9)
-- validate: 1
-- run: 4
-- error: FILE:5: proxies.db: proxy: listen: 
experiment {
  title = "bad proxy",
  proxies = { db = { listen = "nowhere", upstream = "127.0.0.1:9" } },
  method = function() end,
}
