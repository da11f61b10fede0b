#pragma once
// The store tests use the shared temporary directory helper.
#include "support/test_support.h"

namespace chaos::store::testing {
using chaos::test::TempDir;
}  // namespace chaos::store::testing
