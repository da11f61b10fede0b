-- case: a nested parameter (a header value) of the wrong type is named by its path
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: flood: headers.X-Test: expected a string, got 5
experiment {
  title = "flood_header_not_a_string",
  method = {
    fault "flood" { target = "http://127.0.0.1:9/", headers = { ["X-Test"] = 5 },
      duration = "1s" },
  },
}
