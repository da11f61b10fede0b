-- case: SIGTERM while the method escapes the CPU budget with a fault on was ignored, and the
-- latency stayed on until SIGKILL (17.3). Now the budget stops the script within 2 s and the
-- run ends (aborted by the signal, or errored by the budget), every fault rolled back.
-- run: exit 3 or 4
-- sigterm-after: 3.5
-- run-expect: SIGTERM received
-- run-expect: removed latency 50ms
-- within: 20
experiment {
  title = "SIGTERM during an escape",
  proxies = { db = { listen = "127.0.0.1:0", upstream = "127.0.0.1:9" } },
  method = function()
    local started = os.time()
    chaos.inject("latency", { proxy = "db", delay = "50ms" })
    chaos.sleep("2500ms")
    if os.time() - started >= 2 then
      while true do pcall(table.sort, { 3, 2, 1 }, function() while true do end end) end
    end
  end,
}
