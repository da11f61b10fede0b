#pragma once
// Reading the answers of Prometheus's HTTP query API (/api/v1/query, /api/v1/query_range) into
// one number — a pure function of the HTTP status and body, so it is tested without a server.
//
//   instant  a scalar, or a vector with exactly one element. An empty vector, several
//            elements, a matrix or a string is an error naming what came back.
//   range    a matrix with exactly one series, reduced to one number by `reduce`:
//              last  the newest point that is not NaN (the default: "what is it now")
//              min   the smallest point        max   the largest point
//              mean  the arithmetic mean of the points (not time-weighted; points are evenly
//                    spaced by the step anyway)
//            NaN points (e.g. a 0/0 ratio at that step) are skipped.
//
// A NaN answer (or a range with only NaN points) is an error "no value: ... NaN": a ratio of
// 0/0 or a quantile without observations is not a healthy reading.
// `status: error` answers become "Prometheus error <errorType>: <error>"; a non-JSON body is
// "HTTP <status>: <body start>" or "malformed JSON answer: ...".
//
// Thread-safety: pure functions.

#include <string_view>

#include "common/status.h"

namespace chaos::probes {

enum class RangeReduce { kLast, kMin, kMax, kMean };

// "last", "min", "max", "mean".
Result<RangeReduce> parse_range_reduce(std::string_view text);
std::string_view range_reduce_name(RangeReduce reduce);

Result<double> read_instant_answer(long http_status, std::string_view body);
Result<double> read_range_answer(long http_status, std::string_view body, RangeReduce reduce);

}  // namespace chaos::probes
