-- case: error() without a message had no FILE:LINE (17.9)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: error raised without a message (error() or error(nil))
experiment {
  title = "error(nil)",
  method = function()
    error()
  end,
}
