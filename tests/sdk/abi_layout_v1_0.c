/* The frozen ABI 1.0 header (tests/fixtures/abi/v1.0), compiled as C: its layout must be exactly
 * the recorded one. The same numbers are checked against the SDK's current header in
 * abi_layout_test.cpp, so the current header keeps every 1.0 field where 1.0 put it. */
#include "../fixtures/abi/v1.0/chaos/plugin.h"
#include "abi_layout.h"

CHAOS_CHECK_ABI_1_0_LAYOUT(_Static_assert)
CHAOS_CHECK_ABI_1_0_TABLE_SIZES(_Static_assert)

int chaos_abi_v1_0_layout_checked(void) { return CHAOS_ABI_MAJOR * 100 + CHAOS_ABI_MINOR; }
