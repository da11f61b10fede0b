-- case: an integer parameter given a fraction
-- validate: exit 1
-- run: exit 4
-- expect: {FILE}:8: flood: connections: expected an integer, got 2.5
experiment {
  title = "flood_connections_fractional",
  method = {
    fault "flood" { target = "http://127.0.0.1:9/", model = "closed", connections = 2.5,
      duration = "1s" },
  },
}
