#pragma once
// FUZZ_CHECK(cond, ...): a property a fuzz target asserts. A failure prints the message and
// aborts, which libFuzzer records as a finding and the ctest replay as a failed test.

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, ...)                                                 \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                    \
      std::fprintf(stderr, __VA_ARGS__);                                      \
      std::fprintf(stderr, "\n");                                             \
      std::abort();                                                           \
    }                                                                         \
  } while (0)
