-- case: error({...}) had no FILE:LINE (17.9)
-- validate: 1
-- error: FILE:5: error raised with a table, not a message (give error() a string)
local reason = { code = 7 }
error(reason)
