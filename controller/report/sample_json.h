#pragma once
// How reports, the API and the live stream show a sample's value: null for a failed reading
// with no value (a failed reading that kept one, such as an HTTP probe's slow answer, keeps it).

#include <boost/json/value.hpp>

#include "store/store.h"

namespace chaos::report {

inline boost::json::value sample_value_json(const store::SampleRecord& s) {
  return s.ok || s.value != 0 ? boost::json::value(s.value) : boost::json::value();
}

}  // namespace chaos::report
