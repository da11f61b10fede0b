-- case: chaos.sleep takes the same grammar. (17.4)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: chaos.sleep: '360000000000001us' is too long; a duration is at most 100000h
experiment {
  title = "an overflowing sleep",
  method = function()
    chaos.sleep("360000000000001us")
  end,
}
