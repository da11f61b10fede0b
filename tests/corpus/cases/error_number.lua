-- case: error(42) had no FILE:LINE (17.9)
-- validate: exit 1
-- expect: {FILE}:7: error raised with a number (42), not a message
experiment {
  title = "error(42)",
  method = function()
    chaos.sleep("1s") error(42)
  end,
}
