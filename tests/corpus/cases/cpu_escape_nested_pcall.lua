-- case: a pcall inside a C callback must not swallow the budget's stop either (17.3)
-- validate: exit 1
-- expect: {FILE}:6: stopped: ran for more than 2000 ms without yielding
-- within: 15
table.sort({ 3, 2, 1 }, function()
  while true do pcall(function() while true do end end) end
end)
