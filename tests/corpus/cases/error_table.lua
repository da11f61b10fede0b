-- case: error({...}) had no FILE:LINE (17.9)
-- validate: exit 1
-- expect: {FILE}:5: error raised with a table, not a message (give error() a string)
local reason = { code = 7 }
error(reason)
