#pragma once
// The standing-proxies config file: JSON, checked against a JSON Schema so an error names the
// field. Either chaosctl's form
//
//   {"proxies": [{"name": "db", "listen": "127.0.0.1:15432", "upstream": "db.internal:5432"}]}
//
// or Toxiproxy's (toxiproxy-server -config): a bare array of the same objects. "enabled"
// (default true) may be given; toxics are not part of the file (add them over the API, or
// from an experiment).
//
// Pure; thread-safe.

#include <string>
#include <vector>

#include "common/status.h"
#include "proxies/standing_proxies.h"

namespace chaos::proxies {

// Errors read "FILE: proxies[1].upstream: ..." (no line numbers: JSON has none to give).
Result<std::vector<ProxySpec>> parse_proxy_config(const std::string& text,
                                                  const std::string& file_name);

}  // namespace chaos::proxies
