#pragma once
// The flood's parameter schema (JSON Schema draft 7), checked by the host before create. Every
// duration is capped at kHardMaxDurationUs (1h, flood_config.h) here too ("formatMaximum"), so
// `chaosctl validate` refuses what create would; tests/load pins that the two agree.

namespace chaos::load {

inline constexpr const char* kFloodSchemaText = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "flood",
  "description": "An HTTP/1.1 traffic flood against a target on the allowlist (loopback by default). Open model (default): requests are sent at a target arrival rate whatever the target does, and latency is measured from each request's intended send time, so a stall shows in the percentiles (coordinated omission corrected). Closed model: `connections` connections each send the next request as soon as the previous response arrives, like wrk. Emits every second: achieved_rps, in_flight, p50/p90/p99/p999 latency (ms), errors by kind, late and dropped sends, and sends per millisecond (p99, max) over the run. update changes rate, shape, arrivals and connections live.",
  "type": "object",
  "properties": {
    "target": {
      "type": "string",
      "description": "The URL to flood, http:// only, e.g. \"http://127.0.0.1:18080/checkout\". The host must be on the controller's target allowlist (--allow-target; by default loopback only: 127.0.0.0/8, ::1, localhost): anything else is refused before a packet is sent. A host name is resolved once and the flood keeps the address the allowlist allowed.",
      "pattern": "^http://[^/?#]+(/.*)?$",
      "x-chaos-target": true,
      "examples": ["http://127.0.0.1:18080/checkout"]
    },
    "model": {
      "type": "string",
      "enum": ["open", "closed"],
      "description": "open: hold an arrival rate (requests/s) regardless of how slow the target gets. closed: a fixed number of connections, each as fast as the target answers.",
      "default": "open"
    },
    "rate": {
      "type": "number", "minimum": 0, "maximum": 1000000,
      "description": "Open model: requests per second (the base rate for the spike shape, the final rate for the ramp).",
      "default": 100
    },
    "shape": {
      "type": "string",
      "enum": ["constant", "ramp", "steps", "spike"],
      "description": "How the rate changes over time. constant: `rate`. ramp: from `ramp_from` to `rate` over `ramp_over`, then `rate`. steps: each of `steps` in turn, then the last one. spike: `rate`, plus `spike_rate` more for `spike_for` starting at `spike_at`, repeated every `spike_every` if given.",
      "default": "constant"
    },
    "ramp_from": {"type": "number", "minimum": 0, "maximum": 1000000, "description": "ramp: the starting rate (requests/s).", "default": 0},
    "ramp_over": {"type": "string", "format": "duration", "formatMaximum": "1h", "description": "ramp: how long the ramp takes.", "default": "10s"},
    "steps": {
      "type": "array", "maxItems": 100,
      "description": "steps: the stages, in order, e.g. [{\"rate\":100,\"for\":\"5s\"},{\"rate\":500,\"for\":\"5s\"}].",
      "items": {
        "type": "object",
        "properties": {
          "rate": {"type": "number", "minimum": 0, "maximum": 1000000, "description": "requests/s in this stage"},
          "for": {"type": "string", "format": "duration", "formatMaximum": "1h", "description": "how long this stage lasts"}
        },
        "required": ["rate", "for"],
        "additionalProperties": false
      }
    },
    "arrivals": {
      "type": "string",
      "enum": ["uniform", "poisson"],
      "description": "Open model: how intended send times are spaced. uniform: evenly, 1/rate apart. poisson: exponential gaps with the same mean rate (independent users; about 11-12 sends in the busiest 1 % of milliseconds at 5k/s instead of 5), drawn from `seed`, so a run can be replayed.",
      "default": "uniform"
    },
    "seed": {
      "type": "integer", "minimum": 0, "maximum": 9007199254740991,
      "description": "Seeds the poisson arrivals so a run can be replayed; 0 lets chaosctl use the run's seed (or a random one). The seed in force is in the fault's status.",
      "default": 0
    },
    "spike_rate": {"type": "number", "minimum": 0, "maximum": 1000000, "description": "spike: extra requests/s on top of `rate` during a spike.", "default": 0},
    "spike_at": {"type": "string", "format": "duration", "formatMaximum": "1h", "description": "spike: when the first spike begins, after the start.", "default": "0s"},
    "spike_for": {"type": "string", "format": "duration", "formatMaximum": "1h", "description": "spike: how long each spike lasts.", "default": "1s"},
    "spike_every": {"type": "string", "format": "duration", "formatMaximum": "1h", "description": "spike: repeat the spike this often; 0s for a single spike.", "default": "0s"},
    "connections": {
      "type": "integer", "minimum": 1, "maximum": 50000,
      "description": "closed: the number of connections. open: the most connections opened (more are opened only while all are busy). update changes it live: more are opened, or the surplus are closed once their request completes (no counted request is dropped). Keep below the file-descriptor limit.",
      "default": 50
    },
    "threads": {"type": "integer", "minimum": 1, "maximum": 64, "description": "Worker threads, each with its own event loop and share of the rate and connections.", "default": 1},
    "method": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "description": "HTTP method.", "default": "GET"},
    "paths": {
      "type": "array", "maxItems": 1000, "items": {"type": "string", "pattern": "^/[^\\s]*$"},
      "description": "Paths used in turn (round-robin), e.g. [\"/\", \"/checkout\"]. Default: the target URL's path."
    },
    "headers": {
      "type": "object", "additionalProperties": {"type": "string"},
      "description": "Extra request headers, e.g. {\"Authorization\": \"Bearer test\"}. Host, Content-Length and Connection are set by the flood."
    },
    "body": {"type": "string", "maxLength": 1048576, "description": "Request body (sent with Content-Length).", "default": ""},
    "keep_alive": {"type": "boolean", "description": "Reuse connections (HTTP/1.1 keep-alive). false: one connection per request, like a crowd of new clients.", "default": true},
    "connect_timeout": {"type": "string", "format": "duration", "formatExclusiveMinimum": "0s", "formatMaximum": "1h", "description": "A connection not established by then counts as a timeout error.", "default": "2s"},
    "request_timeout": {"type": "string", "format": "duration", "formatExclusiveMinimum": "0s", "formatMaximum": "1h", "description": "A response not complete this long after it was sent counts as a timeout error; the connection is closed.", "default": "10s"},
    "max_duration": {"type": "string", "format": "duration", "formatExclusiveMinimum": "0s", "formatMaximum": "1h", "description": "The flood stops sending by itself after this long, whatever the experiment says (hard cap 1h).", "default": "10m"},
    "max_requests": {"type": "integer", "minimum": 0, "maximum": 9007199254740991, "description": "Stop sending after this many requests; 0 for no limit.", "default": 0},
    "max_queue": {"type": "integer", "minimum": 0, "maximum": 10000000, "description": "Open model: sends that may wait for a free connection (counted as late); beyond this they are dropped and counted. 0: 10 x rate.", "default": 0}
  },
  "required": ["target"],
  "additionalProperties": false,
  "examples": [{"target": "http://127.0.0.1:18080/checkout", "rate": 200},
               {"target": "http://127.0.0.1:8080/", "model": "closed", "connections": 50}]
})JSON";

}  // namespace chaos::load
