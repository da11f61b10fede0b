/* The recorded layout of every stable struct of plugin ABI 1.0, as compile-time assertions.
 * Shared by C (abi_layout_v1_0.c, against the frozen header) and C++ (abi_layout_test.cpp,
 * against the current one). Changing a number here is changing the ABI: don't, within major 1.
 * A minor version may only append fields, which moves sizeof; pin the new size in the test
 * then, never an offset listed here.
 *
 * Recorded for LP64 Linux (x86-64, aarch64); other data models skip the checks. */
#ifndef CHAOS_TESTS_SDK_ABI_LAYOUT_H
#define CHAOS_TESTS_SDK_ABI_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu && defined(__LP64__)
#define CHAOS_ABI_LAYOUT_RECORDED 1
#define CHAOS_ABI_AT(assert_, type, field, offset) \
  assert_(offsetof(type, field) == (offset), #type "." #field " moved");
/* Every field of ABI 1.0, at its recorded offset; sizes of the two fixed structs. */
#define CHAOS_CHECK_ABI_1_0_LAYOUT(assert_)                                                       \
  CHAOS_ABI_AT(assert_, chaos_abi_stamp, magic, 0)                                                \
  CHAOS_ABI_AT(assert_, chaos_abi_stamp, abi_major, 4)                                            \
  CHAOS_ABI_AT(assert_, chaos_abi_stamp, abi_minor, 6)                                            \
  assert_(sizeof(chaos_abi_stamp) == 8, "chaos_abi_stamp changed size");                          \
  CHAOS_ABI_AT(assert_, chaos_writer, ctx, 0)                                                     \
  CHAOS_ABI_AT(assert_, chaos_writer, append, 8)                                                  \
  assert_(sizeof(chaos_writer) == 16, "chaos_writer changed size");                               \
  CHAOS_ABI_AT(assert_, chaos_host_api, struct_size, 0)                                           \
  CHAOS_ABI_AT(assert_, chaos_host_api, log, 8)                                                   \
  CHAOS_ABI_AT(assert_, chaos_host_api, metric, 16)                                               \
  CHAOS_ABI_AT(assert_, chaos_host_api, event, 24)                                                \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, struct_size, 0)                                         \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, name, 8)                                                \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, summary, 16)                                            \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, params_schema, 24)                                      \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, create, 32)                                             \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, start, 40)                                              \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, stop, 48)                                               \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, status, 56)                                             \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, destroy, 64)                                            \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, update, 72)                                             \
  CHAOS_ABI_AT(assert_, chaos_fault_kind, recover, 80)                                            \
  CHAOS_ABI_AT(assert_, chaos_plugin, struct_size, 0)                                             \
  CHAOS_ABI_AT(assert_, chaos_plugin, abi_major, 4)                                               \
  CHAOS_ABI_AT(assert_, chaos_plugin, abi_minor, 6)                                               \
  CHAOS_ABI_AT(assert_, chaos_plugin, name, 8)                                                    \
  CHAOS_ABI_AT(assert_, chaos_plugin, version, 16)                                                \
  CHAOS_ABI_AT(assert_, chaos_plugin, description, 24)                                            \
  CHAOS_ABI_AT(assert_, chaos_plugin, kind_count, 32)                                             \
  CHAOS_ABI_AT(assert_, chaos_plugin, kinds, 40)                                                  \
  assert_(CHAOS_OK == 0 && CHAOS_ERR_INVALID_PARAMS == 1 && CHAOS_ERR_FAILED == 2 &&              \
              CHAOS_ERR_UNSUPPORTED == 3 && CHAOS_ERR_STATE == 4,                                 \
          "chaos_status values changed");                                                         \
  assert_(                                                                                        \
      CHAOS_LOG_DEBUG == 0 && CHAOS_LOG_INFO == 1 && CHAOS_LOG_WARN == 2 && CHAOS_LOG_ERROR == 3, \
      "chaos_log_level values changed");                                                          \
  assert_(sizeof(chaos_status) == 4 && sizeof(chaos_log_level) == 4, "an ABI enum changed size"); \
  assert_(CHAOS_ABI_MAGIC == 0x43484153u && CHAOS_ABI_MAJOR == 1,                                 \
          "the ABI stamp's magic or major changed");
/* The sizes of the growable tables in 1.0. A later minor makes them larger (appending), so only
 * the frozen 1.0 header is held to these. */
#define CHAOS_CHECK_ABI_1_0_TABLE_SIZES(assert_)                        \
  assert_(sizeof(chaos_host_api) == 32, "chaos_host_api 1.0 size");     \
  assert_(sizeof(chaos_fault_kind) == 88, "chaos_fault_kind 1.0 size"); \
  assert_(sizeof(chaos_plugin) == 48, "chaos_plugin 1.0 size");
#else
#define CHAOS_ABI_LAYOUT_RECORDED 0
#define CHAOS_CHECK_ABI_1_0_LAYOUT(assert_)
#define CHAOS_CHECK_ABI_1_0_TABLE_SIZES(assert_)
#endif

#endif /* CHAOS_TESTS_SDK_ABI_LAYOUT_H */
