local p = http_probe "home" { url = "http://127.0.0.1:1/", every = "1s", expect = function(w)
  return (w.p99_ms or 0) < 100, "slow"
end }
experiment {
  title = "loop", seed = 7, steady_state = { p },
  proxies = { db = { listen = "127.0.0.1:0", upstream = "127.0.0.1:2" } },
  method = function()
    local f = chaos.inject("latency", { proxy = "db", delay = "10ms", jitter = "1ms" }, { duration = "5s" })
    for i = 1, 3 do chaos.sleep("1s"); f:update { delay = (i * 10) .. "ms" } end
    local ok, err = pcall(chaos.inject, "latency", { proxy = "nope" })
    chaos.log(tostring(ok) .. tostring(err))
    f:stop()
  end,
  rollbacks = function() chaos.log("rolled back") end,
  recovery = { within = "5s" }, baseline = { timeout = "5s" },
}
