-- case: __gc runs with hooks off, outside the CPU budget, so it is refused (17.3)
-- validate: exit 1
-- expect: {FILE}:4: setmetatable: __gc metamethods are not allowed in experiments
setmetatable({}, { __gc = function() while true do end end })
