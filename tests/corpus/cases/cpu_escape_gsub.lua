-- case: an endless string.gsub callback under pcall escaped the CPU budget and hung (17.3)
-- validate: exit 1
-- expect: {FILE}:6: stopped: ran for more than 2000 ms without yielding
-- within: 15
while true do
  pcall(string.gsub, "aaa", "a", function() while true do end end)
end
