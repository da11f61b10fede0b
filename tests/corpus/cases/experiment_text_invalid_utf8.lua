-- case: a title and an error message with a byte that is not UTF-8 were stored as they were,
-- and `runs --json`, `show --json` (and the API) then printed JSON that strict parsers refuse;
-- stored text now reads back with U+FFFD for the bad byte (the runner parses both)
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:9: no caf
experiment {
  title = "caf\xe9",
  method = function() error("no caf\xe9 today") end,
}
