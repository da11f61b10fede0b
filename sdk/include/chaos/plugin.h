/*
 * chaos/plugin.h — the chaosctl plugin ABI, version 1.2 (1.0 plus kind capabilities in 1.1
 * and the host's target allowlist in 1.2).
 *
 * A plugin is a shared library that exports two symbols:
 *
 *   const chaos_abi_stamp chaos_plugin_stamp;       -- checked before anything is called
 *   const chaos_plugin* chaos_plugin_entry(void);   -- the plugin's description and fault kinds
 *
 * Use CHAOS_PLUGIN_STAMP() once in the plugin to define the stamp. The host reads the stamp,
 * refuses a different major version (naming both), and only then calls chaos_plugin_entry.
 *
 * Stability (sdk/README.md, "Versioning"): everything in this header is stable within major
 * version 1. A minor version may only append: new fields at the end of chaos_host_api,
 * chaos_fault_kind and chaos_plugin (each begins with its size, so either side can tell what
 * the other was built with), new enum values, new macros. Nothing is removed, reordered or
 * retyped, and no function changes meaning. tests/sdk/abi_layout_test.cpp pins every offset.
 *
 * Rules at this boundary:
 *  - Plain C only: no C++ types, no exceptions. A C++ plugin must catch everything
 *    (chaos/plugin.hpp does it for you).
 *  - Whoever allocates frees. Strings handed to a function are valid only during that call;
 *    copy what you keep. Output (status JSON, error messages) is written through a chaos_writer
 *    that the host owns, so no memory crosses the boundary.
 *  - Every struct that crosses the boundary starts with its size; tables only grow at the end.
 *    A reader checks the size before touching a field added in a later minor version.
 *  - Text is UTF-8 and is passed as (pointer, length); it need not be NUL-terminated, except
 *    the const char* fields of chaos_fault_kind and chaos_plugin, which are C strings.
 *
 * Threading: for one fault instance the host calls create, start, update, stop, status and
 * destroy from a single thread, never concurrently. Different instances (of one kind or of
 * several) may be driven from different threads at the same time, so state a plugin shares
 * between instances needs its own lock. A plugin may run its own threads and may call the
 * chaos_host_api callbacks from any thread until destroy returns.
 */
#ifndef CHAOS_PLUGIN_H
#define CHAOS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHAOS_ABI_MAJOR 1
#define CHAOS_ABI_MINOR 2
#define CHAOS_ABI_MAGIC 0x43484153u /* "CHAS" */

#if defined(__GNUC__)
#define CHAOS_EXPORT __attribute__((visibility("default")))
#else
#define CHAOS_EXPORT
#endif

/* The compatibility stamp. The host reads it with dlsym before calling into the library. */
typedef struct chaos_abi_stamp {
  uint32_t magic;     /* CHAOS_ABI_MAGIC */
  uint16_t abi_major; /* must equal the host's CHAOS_ABI_MAJOR */
  uint16_t abi_minor; /* may be lower than the host's; never higher within a major */
} chaos_abi_stamp;

#define CHAOS_PLUGIN_STAMP()                                   \
  CHAOS_EXPORT extern const chaos_abi_stamp chaos_plugin_stamp; \
  const chaos_abi_stamp chaos_plugin_stamp = {CHAOS_ABI_MAGIC, CHAOS_ABI_MAJOR, CHAOS_ABI_MINOR}

typedef enum chaos_status {
  CHAOS_OK = 0,
  CHAOS_ERR_INVALID_PARAMS = 1, /* the parameters are wrong; the message names the field */
  CHAOS_ERR_FAILED = 2,         /* the operation failed (e.g. cannot bind, upstream down) */
  CHAOS_ERR_UNSUPPORTED = 3,    /* an optional operation the kind does not offer */
  CHAOS_ERR_STATE = 4           /* called in the wrong state (e.g. start twice) */
} chaos_status;

/* Capabilities of a fault kind (chaos_fault_kind.capabilities, ABI 1.1), bit flags. They tell
 * the host how a kind's instances share things with other kinds', so no host ever needs to
 * know a kind by its name. */
/* Instances are proxies other kinds act on. An experiment declares them by name under
 * `proxies = { db = { ...this kind's parameters... } }`; the host starts them before the
 * baseline and stops them after every fault and the rollbacks. */
#define CHAOS_KIND_PROVIDES_PROXY ((uint64_t)1 << 0)
/* The kind acts on a proxy. A fault of it may say `proxy = "db"`: the host replaces that with
 * the parameters of the proxy named db (those of them this kind's schema declares, unless the
 * fault gives them itself), then validates as usual. */
#define CHAOS_KIND_ACTS_ON_PROXY ((uint64_t)1 << 1)

typedef enum chaos_log_level {
  CHAOS_LOG_DEBUG = 0,
  CHAOS_LOG_INFO = 1,
  CHAOS_LOG_WARN = 2,
  CHAOS_LOG_ERROR = 3
} chaos_log_level;

/* An output sink owned by the host. append copies the bytes; call it any number of times (the
 * pieces are concatenated). A writer pointer may be NULL: check before use.
 * Thread: only on the thread, and during the call, that received the writer. */
typedef struct chaos_writer {
  void* ctx;
  void (*append)(void* ctx, const char* data, size_t len);
} chaos_writer;

/* Opaque: the host's context for one fault instance. Pass it back to the callbacks. */
typedef struct chaos_host_ctx chaos_host_ctx;

/* Callbacks the host offers a fault instance. The table and ctx are owned by the host and stay
 * valid from create until destroy returns (for recover: until recover returns).
 * Thread: all are thread-safe and may be called from any thread in that window, including the
 * plugin's own threads. None of them calls back into the plugin. Strings are copied before
 * they return. Check struct_size before calling a callback appended in a later minor. */
typedef struct chaos_host_api {
  uint32_t struct_size; /* sizeof(chaos_host_api) as the host knows it */

  /* A log line, shown to the operator and stored with the run. msg need not end in '\n'. */
  void (*log)(chaos_host_ctx* ctx, chaos_log_level level, const char* msg, size_t msg_len);

  /* One sample of a named series, e.g. "bytes_upstream" = 4096. The host prefixes the series with
   * the fault's name. unix_ms = 0 means "now". */
  void (*metric)(chaos_host_ctx* ctx, const char* name, size_t name_len, double value,
                 int64_t unix_ms);

  /* A notable event with a JSON object as detail, e.g. kind "connection_reset". detail_len 0
   * means "{}". */
  void (*event)(chaos_host_ctx* ctx, const char* kind, size_t kind_len, const char* detail_json,
                size_t detail_len);

  /* Added in 1.2. Asks the host whether the fault may send traffic of its own making (a flood,
   * held connections) to `address`, an IPv4 or IPv6 literal ("10.0.0.7", "::1"), reached
   * through `host`: the name the operator wrote, or the literal itself. CHAOS_OK: the host's
   * target allowlist allows it. CHAOS_ERR_INVALID_PARAMS: refused; the host appends why to
   * `reason` (may be NULL), naming the allowlist and its rules. Ask before the first packet
   * and connect only to an address the host allowed (resolve a name once, then keep the
   * address). A host older than 1.2 has no allowlist: keep such traffic on loopback. */
  chaos_status (*check_target)(chaos_host_ctx* ctx, const char* host, size_t host_len,
                               const char* address, size_t address_len, chaos_writer* reason);
} chaos_host_api;

/* Opaque: a plugin's fault instance. */
typedef struct chaos_fault chaos_fault;

/* One kind of fault a plugin offers. All function pointers receive an `error` writer: on a
 * status other than CHAOS_OK, append a message that says what is wrong (and which field).
 * Thread (create, start, update, stop, status, destroy): the thread that owns the instance,
 * one call at a time per instance (see the top of this file). */
typedef struct chaos_fault_kind {
  uint32_t struct_size; /* sizeof(chaos_fault_kind) as the plugin was built */

  const char* name;          /* e.g. "latency"; unique among all loaded plugins */
  const char* summary;       /* one sentence for `chaosctl plugins` */
  const char* params_schema; /* JSON Schema (draft 7) of the parameters object */

  /* Prepares a fault; injects nothing yet. params_json is an object that already passed the
   * schema, with defaults filled in (a "seed" that is 0 is replaced by a per-run seed).
   * OWNERSHIP: params_json is the host's, valid during the call. host and ctx stay valid until
   * destroy returns. *out belongs to the host, which releases it with destroy; on a status
   * other than CHAOS_OK, *out is ignored and the plugin must have released everything. */
  chaos_status (*create)(const chaos_host_api* host, chaos_host_ctx* ctx, const char* params_json,
                         size_t params_len, chaos_fault** out, chaos_writer* error);

  /* Injects the fault. Must return promptly (work belongs on the plugin's own threads).
   * A second start without a stop in between may fail with CHAOS_ERR_STATE. */
  chaos_status (*start)(chaos_fault* fault, chaos_writer* error);

  /* Removes every effect of the fault. Must be safe to call twice and without start, and must
   * not hang on stalled peers: the host calls it on every exit path, including aborts. */
  chaos_status (*stop)(chaos_fault* fault, chaos_writer* error);

  /* Writes a JSON object describing the fault's current state. Valid in every state between
   * create and destroy. OWNERSHIP: out_json and error are the host's. */
  chaos_status (*status)(chaos_fault* fault, chaos_writer* out_json, chaos_writer* error);

  /* Releases the instance, stopping it first if it is still active. Never fails. After it
   * returns, the plugin's threads for this instance no longer call the host.
   * OWNERSHIP: fault is the plugin's again, to free. */
  void (*destroy)(chaos_fault* fault);

  /* Optional (may be NULL): changes the magnitude of a running fault, e.g. a new delay.
   * params_json is a complete, validated parameter object, valid during the call. */
  chaos_status (*update)(chaos_fault* fault, const char* params_json, size_t params_len,
                         chaos_writer* error);

  /* Optional (may be NULL): undoes the external effects of a fault that was created with
   * params_json by a controller that has since died (a paused process, a firewall rule).
   * Called without an instance, at the next `chaosctl run`, from its start-up thread, possibly
   * for a fault that was already stopped or never started: it must be idempotent and must not
   * fail because there is nothing left to undo. host and ctx are valid during the call only. */
  chaos_status (*recover)(const chaos_host_api* host, chaos_host_ctx* ctx, const char* params_json,
                          size_t params_len, chaos_writer* error);

  /* Added in 1.1. CHAOS_KIND_* flags. A kind built against 1.0 has none: the host reads this
   * field only when struct_size reaches past it. Unknown bits are ignored. */
  uint64_t capabilities;
} chaos_fault_kind;

/* What chaos_plugin_entry returns. Static storage owned by the plugin; valid while loaded. */
typedef struct chaos_plugin {
  uint32_t struct_size; /* sizeof(chaos_plugin) as the plugin was built */
  uint16_t abi_major;   /* CHAOS_ABI_MAJOR */
  uint16_t abi_minor;   /* CHAOS_ABI_MINOR */
  const char* name;     /* e.g. "network"; unique among loaded plugins */
  const char* version;  /* the plugin's own version, e.g. "0.1.0" */
  const char* description;
  uint32_t kind_count;
  /* kind_count entries. The host steps through them by kinds[0].struct_size, so an array built
   * against an older, smaller chaos_fault_kind is read correctly. */
  const chaos_fault_kind* kinds;
} chaos_plugin;

/* The exported entry point. Called after the stamp check, on the thread loading the plugin;
 * may be called more than once and must return the same table every time.
 * OWNERSHIP: the table and every string in it belong to the plugin and must stay valid and
 * unchanged until the library is unloaded. */
typedef const chaos_plugin* (*chaos_plugin_entry_fn)(void);

#define CHAOS_PLUGIN_ENTRY_SYMBOL "chaos_plugin_entry"
#define CHAOS_PLUGIN_STAMP_SYMBOL "chaos_plugin_stamp"

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CHAOS_PLUGIN_H */
