-- case: a guard: a script that leaves its memory full must not crash the host reading it
-- validate: 0
-- validate-output: FILE: valid
local keep = {}
experiment {
  title = "memory full",
  method = function() return #keep end,
}
pcall(function()
  local piece = string.rep("x", 1 << 16)
  while true do keep[#keep + 1] = piece .. #keep end
end)
