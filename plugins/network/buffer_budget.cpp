#include "buffer_budget.h"

#include <algorithm>

namespace chaos::network {

uint64_t BufferBudget::grant(uint64_t wanted) {
  const uint64_t left = granted_ >= limit_ ? 0 : limit_ - granted_;
  const uint64_t n = std::min(wanted, left);
  granted_ += n;
  return n;
}

}  // namespace chaos::network
