-- case: running out of memory said "not enough memory" without FILE:LINE (17.9)
-- validate: exit 1
-- expect: {FILE}:7: not enough memory (an experiment may use up to 256 MB)
local chunks = {}
local piece = string.rep("x", 1 << 20)
while true do
  chunks[#chunks + 1] = piece .. #chunks
end
