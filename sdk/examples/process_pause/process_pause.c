/*
 * process_pause — a chaosctl plugin in plain C, against the C ABI alone (chaos/plugin.h).
 *
 * The "process_pause" fault stops a process with SIGSTOP while the fault is on and resumes it
 * with SIGCONT when the fault stops: a hung dependency, a stop-the-world pause, a frozen
 * leader. The effect outlives chaosctl — a process paused by a controller that is then killed
 * stays paused — so the kind has `recover`: the next `chaosctl run` calls it with the fault's
 * parameters and it sends SIGCONT. SIGCONT is harmless to a process that is running, which is
 * what lets recover act without knowing whether the pause ever happened.
 *
 * Threading: no threads of its own. The host calls one instance from one thread at a time.
 */
#include <chaos/plugin.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "json_scan.h"

CHAOS_PLUGIN_STAMP();

/* The kernel's upper bound for pid_max (PID_MAX_LIMIT on 64-bit). */
#define PROCESS_PAUSE_PID_LIMIT 4194304

struct chaos_fault {
  const chaos_host_api* host; /* the host's; valid until destroy returns */
  chaos_host_ctx* ctx;
  int64_t pid;        /* from the parameters; 0 when a pidfile names the process */
  char pidfile[4096]; /* "" when pid is given */
  pid_t paused;       /* the process this fault stopped; 0 while it has none stopped */
};

/* Writes a printf-style message to a host-owned writer (which may be NULL). */
static void say(chaos_writer* w, const char* fmt, ...) {
  char buf[512];
  va_list args;
  int n;
  if (!w || !w->append) return;
  va_start(args, fmt);
  n = vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  if (n > 0) w->append(w->ctx, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A log line through the host; a NULL host (a test calling recover bare) drops it. The table's
 * size says whether this host has the callback at all (it always has, in ABI 1.0). */
static void log_line(const chaos_host_api* host, chaos_host_ctx* ctx, chaos_log_level level,
                     const char* fmt, ...) {
  char buf[512];
  va_list args;
  int n;
  if (!host || host->struct_size < offsetof(chaos_host_api, log) + sizeof host->log || !host->log)
    return;
  va_start(args, fmt);
  n = vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  if (n > 0) host->log(ctx, level, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void report(struct chaos_fault* f, const char* event, pid_t pid) {
  char detail[64];
  int n = snprintf(detail, sizeof detail, "{\"pid\":%ld}", (long)pid);
  f->host->event(f->ctx, event, strlen(event), detail, (size_t)n);
  f->host->metric(f->ctx, "paused", 6, f->paused ? 1.0 : 0.0, 0);
}

/* Reads "pid" or "pidfile" (exactly one) into f. The schema already says so, but a plugin
 * must not trust that far: a wrong pid here could stop the wrong process. */
static chaos_status read_params(const char* json, size_t len, struct chaos_fault* f,
                                chaos_writer* error) {
  json_scan_result has_pid = json_scan_int64(json, len, "pid", &f->pid);
  json_scan_result has_file = json_scan_string(json, len, "pidfile", f->pidfile, sizeof f->pidfile);
  if (has_pid == JSON_SCAN_MALFORMED || has_file == JSON_SCAN_MALFORMED) {
    say(error, "parameters must be a JSON object");
  } else if (has_pid == JSON_SCAN_WRONG_TYPE) {
    say(error, "pid: must be an integer");
  } else if (has_file == JSON_SCAN_WRONG_TYPE) {
    say(error, "pidfile: must be a path shorter than %zu bytes", sizeof f->pidfile);
  } else if ((has_pid == JSON_SCAN_FOUND) == (has_file == JSON_SCAN_FOUND)) {
    say(error, "pid: give either pid or pidfile (exactly one)");
  } else if (has_pid == JSON_SCAN_FOUND && (f->pid < 2 || f->pid > PROCESS_PAUSE_PID_LIMIT)) {
    /* 0 and negative pids signal whole process groups; 1 is init. */
    say(error, "pid: must be between 2 and %d, got %lld", PROCESS_PAUSE_PID_LIMIT,
        (long long)f->pid);
  } else if (has_file == JSON_SCAN_FOUND && f->pidfile[0] == '\0') {
    say(error, "pidfile: must not be empty");
  } else {
    if (has_file != JSON_SCAN_FOUND) f->pidfile[0] = '\0';
    if (has_pid != JSON_SCAN_FOUND) f->pid = 0;
    return CHAOS_OK;
  }
  return CHAOS_ERR_INVALID_PARAMS;
}

/* The target: the pid, or the pid in the pidfile now (the process may have restarted). */
static chaos_status target(const struct chaos_fault* f, pid_t* out, chaos_writer* error) {
  char text[32] = {0};
  char* end = NULL;
  long pid;
  FILE* file;
  if (!f->pidfile[0]) {
    *out = (pid_t)f->pid;
    return CHAOS_OK;
  }
  file = fopen(f->pidfile, "r");
  if (!file) {
    say(error, "pidfile: cannot read %s: %s", f->pidfile, strerror(errno));
    return CHAOS_ERR_FAILED;
  }
  if (!fgets(text, sizeof text, file)) text[0] = '\0';
  fclose(file);
  pid = strtol(text, &end, 10);
  while (end && (*end == '\n' || *end == ' ' || *end == '\r' || *end == '\t')) ++end;
  if (end == text || !end || *end != '\0' || pid < 2 || pid > PROCESS_PAUSE_PID_LIMIT) {
    say(error, "pidfile: %s does not hold a pid between 2 and %d", f->pidfile,
        PROCESS_PAUSE_PID_LIMIT);
    return CHAOS_ERR_FAILED;
  }
  *out = (pid_t)pid;
  return CHAOS_OK;
}

/* The process's state letter from /proc/PID/stat ('T' = stopped), or '?' if it is gone. */
static char process_state(pid_t pid) {
  char buf[512];
  char path[64];
  size_t n;
  const char* paren;
  FILE* file;
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  file = fopen(path, "r");
  if (!file) return '?';
  n = fread(buf, 1, sizeof buf - 1, file);
  fclose(file);
  buf[n] = '\0';
  paren = strrchr(buf, ')'); /* the command name may itself contain ')' */
  return paren && paren[1] == ' ' && paren[2] ? paren[2] : '?';
}

static chaos_status pause_create(const chaos_host_api* host, chaos_host_ctx* ctx,
                                 const char* params, size_t len, chaos_fault** out,
                                 chaos_writer* error) {
  struct chaos_fault* f;
  chaos_status st;
  if (!out) return CHAOS_ERR_FAILED;
  *out = NULL;
  f = calloc(1, sizeof *f);
  if (!f) {
    say(error, "out of memory");
    return CHAOS_ERR_FAILED;
  }
  st = read_params(params, len, f, error);
  /* A pid must exist now; a pidfile is read at start, when the service may have restarted. */
  if (st == CHAOS_OK && f->pid && kill((pid_t)f->pid, 0) != 0) {
    say(error, errno == ESRCH ? "pid: no process %lld" : "pid: not allowed to signal %lld",
        (long long)f->pid);
    st = errno == ESRCH ? CHAOS_ERR_INVALID_PARAMS : CHAOS_ERR_FAILED;
  }
  if (st != CHAOS_OK) {
    free(f);
    return st;
  }
  f->host = host;
  f->ctx = ctx;
  *out = f;
  return CHAOS_OK;
}

static chaos_status pause_start(chaos_fault* f, chaos_writer* error) {
  pid_t pid = 0;
  chaos_status st;
  if (f->paused) {
    say(error, "already started: process %ld is paused", (long)f->paused);
    return CHAOS_ERR_STATE;
  }
  st = target(f, &pid, error);
  if (st != CHAOS_OK) return st;
  if (pid == getpid() || pid == getppid()) {
    say(error, "pid: %ld is chaosctl itself or its parent; pausing it would hang the run",
        (long)pid);
    return CHAOS_ERR_INVALID_PARAMS;
  }
  if (kill(pid, SIGSTOP) != 0) {
    say(error, "cannot pause process %ld: %s", (long)pid, strerror(errno));
    return CHAOS_ERR_FAILED;
  }
  f->paused = pid;
  log_line(f->host, f->ctx, CHAOS_LOG_INFO, "paused process %ld (SIGSTOP)", (long)pid);
  report(f, "process_paused", pid);
  return CHAOS_OK;
}

/* Idempotent and never blocks: kill() returns at once. */
static chaos_status pause_stop(chaos_fault* f, chaos_writer* error) {
  pid_t pid = f->paused;
  if (!pid) return CHAOS_OK;
  if (kill(pid, SIGCONT) != 0 && errno != ESRCH) {
    say(error, "cannot resume process %ld: %s", (long)pid, strerror(errno));
    return CHAOS_ERR_FAILED; /* keep f->paused: destroy will try again */
  }
  f->paused = 0;
  log_line(f->host, f->ctx, CHAOS_LOG_INFO, "resumed process %ld (SIGCONT)", (long)pid);
  report(f, "process_resumed", pid);
  return CHAOS_OK;
}

static chaos_status pause_status(chaos_fault* f, chaos_writer* out, chaos_writer* error) {
  pid_t pid = f->paused ? f->paused : (pid_t)f->pid;
  (void)error;
  say(out, "{\"paused\":%s,\"pid\":%ld,\"state\":\"%c\"}", f->paused ? "true" : "false", (long)pid,
      pid ? process_state(pid) : '?');
  return CHAOS_OK;
}

static void pause_destroy(chaos_fault* f) {
  if (!f) return;
  if (pause_stop(f, NULL) != CHAOS_OK) {
    log_line(f->host, f->ctx, CHAOS_LOG_ERROR, "process %ld may still be paused", (long)f->paused);
  }
  free(f);
}

/* For a fault a dead controller left: resume the process. Nothing to resume is success. */
static chaos_status pause_recover(const chaos_host_api* host, chaos_host_ctx* ctx,
                                  const char* params, size_t len, chaos_writer* error) {
  struct chaos_fault f;
  pid_t pid = 0;
  chaos_status st;
  memset(&f, 0, sizeof f);
  st = read_params(params, len, &f, error);
  if (st != CHAOS_OK) return st;
  if (target(&f, &pid, NULL) != CHAOS_OK) {
    log_line(host, ctx, CHAOS_LOG_WARN, "pidfile %s is gone or empty; nothing to resume",
             f.pidfile);
    return CHAOS_OK;
  }
  if (kill(pid, SIGCONT) != 0 && errno != ESRCH) {
    say(error, "cannot resume process %ld: %s", (long)pid, strerror(errno));
    return CHAOS_ERR_FAILED;
  }
  log_line(host, ctx, CHAOS_LOG_INFO, "recover: sent SIGCONT to process %ld", (long)pid);
  return CHAOS_OK;
}

static const chaos_fault_kind kinds[] = {{
    sizeof(chaos_fault_kind),
    "process_pause",
    "Pauses a process (SIGSTOP) while the fault is on; resumes it (SIGCONT) on stop and recover.",
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
    "\"title\":\"process_pause\","
    "\"description\":\"Stops a process with SIGSTOP while the fault is on and resumes it with "
    "SIGCONT when the fault stops, or at the next chaosctl run if the controller died.\","
    "\"type\":\"object\","
    "\"properties\":{"
    "\"pid\":{\"type\":\"integer\",\"minimum\":2,\"maximum\":4194304,"
    "\"description\":\"The process to pause.\"},"
    "\"pidfile\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4095,"
    "\"description\":\"A file holding the pid to pause, read when the fault starts.\"}},"
    "\"oneOf\":[{\"required\":[\"pid\"]},{\"required\":[\"pidfile\"]}],"
    "\"additionalProperties\":false}",
    pause_create,
    pause_start,
    pause_stop,
    pause_status,
    pause_destroy,
    NULL, /* update: a pause has no magnitude to change */
    pause_recover,
    0, /* capabilities (ABI 1.1): it shares nothing with other kinds */
}};

static const chaos_plugin plugin = {
    sizeof(chaos_plugin),
    CHAOS_ABI_MAJOR,
    CHAOS_ABI_MINOR,
    "process",
    "0.1.0",
    "Faults on local processes: pause one with SIGSTOP (an example plugin in plain C).",
    sizeof kinds / sizeof kinds[0],
    kinds,
};

CHAOS_EXPORT const chaos_plugin* chaos_plugin_entry(void) { return &plugin; }
