/*
 * json_scan.h — reads top-level members of a JSON object, for plugins written in plain C.
 *
 * The host has already validated parameters against the kind's schema, so a plugin needs no
 * general JSON library: only "find member X of this object and read it as an integer or a
 * string". The scanner still checks the syntax of everything it walks over, so a malformed
 * document is an error, never a crash or a read past the end.
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef PROCESS_PAUSE_JSON_SCAN_H
#define PROCESS_PAUSE_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* What a lookup found. */
typedef enum json_scan_result {
  JSON_SCAN_FOUND = 1,
  JSON_SCAN_ABSENT = 0,      /* no such member, or it is null */
  JSON_SCAN_WRONG_TYPE = -1, /* the member is there but is not what was asked for */
  JSON_SCAN_MALFORMED = -2   /* the text is not a JSON object */
} json_scan_result;

/* The member `key` of the object in json[0..len) as an integer. Fractions and values outside
 * int64_t are JSON_SCAN_WRONG_TYPE. */
json_scan_result json_scan_int64(const char* json, size_t len, const char* key, int64_t* out);

/* The member `key` as a string, unescaped into out (NUL-terminated). A string that does not fit
 * in out_size bytes, or that contains a NUL, is JSON_SCAN_WRONG_TYPE. */
json_scan_result json_scan_string(const char* json, size_t len, const char* key, char* out,
                                  size_t out_size);

#endif /* PROCESS_PAUSE_JSON_SCAN_H */
