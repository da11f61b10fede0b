-- case: an endless __tostring metamethod under pcall escaped the CPU budget and hung (17.3)
-- validate: exit 1
-- expect: {FILE}:5: stopped: ran for more than 2000 ms without yielding
-- within: 15
local odd = setmetatable({}, { __tostring = function() while true do end end })
while true do
  pcall(tostring, odd)
end
