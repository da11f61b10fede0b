-- case: a guard: a script that leaves its memory full must not crash the host reading it
-- validate: exit 0
-- validate-expect: {FILE}: valid
local keep = {}
experiment {
  title = "memory full",
  method = function() return #keep end,
}
pcall(function()
  local piece = string.rep("x", 1 << 20)
  while true do keep[#keep + 1] = piece .. #keep end
end)
