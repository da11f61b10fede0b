/* json_scan.c — see json_scan.h. A recursive-descent walker over one JSON document. */
#include "json_scan.h"

#include <string.h>

enum { kMaxDepth = 32 };

typedef struct scanner {
  const char* p;
  const char* end;
} scanner;

static void skip_space(scanner* s) {
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) ++s->p;
}

static int eat(scanner* s, char c) {
  skip_space(s);
  if (s->p < s->end && *s->p == c) {
    ++s->p;
    return 1;
  }
  return 0;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Appends one byte to out (if given); counts it either way. */
static void put(char* out, size_t size, size_t* n, char c) {
  if (out && *n + 1 < size) out[*n] = c;
  ++*n;
}

/* Reads a string at s->p (which is at the opening quote). Writes the unescaped bytes to out when
 * out is not NULL. Returns the unescaped length, or -1 if malformed. \u escapes are written as
 * UTF-8; surrogate pairs are combined. */
static long read_string(scanner* s, char* out, size_t size) {
  size_t n = 0;
  if (!eat(s, '"')) return -1;
  while (s->p < s->end) {
    char c = *s->p++;
    if (c == '"') {
      if (out && size) out[n < size ? n : size - 1] = '\0';
      return (long)n;
    }
    if ((unsigned char)c < 0x20) return -1;
    if (c != '\\') {
      put(out, size, &n, c);
      continue;
    }
    if (s->p >= s->end) return -1;
    c = *s->p++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        put(out, size, &n, c);
        break;
      case 'b':
        put(out, size, &n, '\b');
        break;
      case 'f':
        put(out, size, &n, '\f');
        break;
      case 'n':
        put(out, size, &n, '\n');
        break;
      case 'r':
        put(out, size, &n, '\r');
        break;
      case 't':
        put(out, size, &n, '\t');
        break;
      case 'u': {
        unsigned long cp = 0;
        int i;
        if (s->end - s->p < 4) return -1;
        for (i = 0; i < 4; ++i) {
          int h = hex_value(*s->p++);
          if (h < 0) return -1;
          cp = cp << 4 | (unsigned long)h;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned long low = 0;
          if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u') return -1;
          s->p += 2;
          for (i = 0; i < 4; ++i) {
            int h = hex_value(*s->p++);
            if (h < 0) return -1;
            low = low << 4 | (unsigned long)h;
          }
          if (low < 0xDC00 || low > 0xDFFF) return -1;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return -1;
        }
        if (cp < 0x80) {
          put(out, size, &n, (char)cp);
        } else if (cp < 0x800) {
          put(out, size, &n, (char)(0xC0 | cp >> 6));
          put(out, size, &n, (char)(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
          put(out, size, &n, (char)(0xE0 | cp >> 12));
          put(out, size, &n, (char)(0x80 | (cp >> 6 & 0x3F)));
          put(out, size, &n, (char)(0x80 | (cp & 0x3F)));
        } else {
          put(out, size, &n, (char)(0xF0 | cp >> 18));
          put(out, size, &n, (char)(0x80 | (cp >> 12 & 0x3F)));
          put(out, size, &n, (char)(0x80 | (cp >> 6 & 0x3F)));
          put(out, size, &n, (char)(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default:
        return -1;
    }
  }
  return -1;
}

/* Walks a number; on success *is_int says whether it has no fraction or exponent. */
static int skip_number(scanner* s, int* is_int) {
  const char* start = s->p;
  *is_int = 1;
  if (s->p < s->end && *s->p == '-') ++s->p;
  if (s->p >= s->end || *s->p < '0' || *s->p > '9') return 0;
  if (*s->p == '0' && s->p + 1 < s->end && s->p[1] >= '0' && s->p[1] <= '9') return 0;
  while (s->p < s->end && *s->p >= '0' && *s->p <= '9') ++s->p;
  if (s->p < s->end && *s->p == '.') {
    *is_int = 0;
    ++s->p;
    if (s->p >= s->end || *s->p < '0' || *s->p > '9') return 0;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') ++s->p;
  }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
    *is_int = 0;
    ++s->p;
    if (s->p < s->end && (*s->p == '+' || *s->p == '-')) ++s->p;
    if (s->p >= s->end || *s->p < '0' || *s->p > '9') return 0;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') ++s->p;
  }
  return s->p > start;
}

static int skip_word(scanner* s, const char* word) {
  size_t n = strlen(word);
  if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) return 0;
  s->p += n;
  return 1;
}

/* Walks over any value. Returns 1 if well-formed. */
static int skip_value(scanner* s, int depth) {
  int is_int;
  if (depth > kMaxDepth) return 0;
  skip_space(s);
  if (s->p >= s->end) return 0;
  switch (*s->p) {
    case '"':
      return read_string(s, NULL, 0) >= 0;
    case '{':
      ++s->p;
      if (eat(s, '}')) return 1;
      do {
        skip_space(s);
        if (read_string(s, NULL, 0) < 0 || !eat(s, ':') || !skip_value(s, depth + 1)) return 0;
      } while (eat(s, ','));
      return eat(s, '}');
    case '[':
      ++s->p;
      if (eat(s, ']')) return 1;
      do {
        if (!skip_value(s, depth + 1)) return 0;
      } while (eat(s, ','));
      return eat(s, ']');
    case 't':
      return skip_word(s, "true");
    case 'f':
      return skip_word(s, "false");
    case 'n':
      return skip_word(s, "null");
    default:
      return skip_number(s, &is_int);
  }
}

/* Positions s at the value of member `key` of the top-level object. The whole document is
 * checked, so a malformed tail is reported even when the member comes first. */
static json_scan_result find_member(const char* json, size_t len, const char* key, scanner* value) {
  scanner s;
  int found = 0;
  char name[256];
  s.p = json;
  s.end = json + len;
  if (!json || !eat(&s, '{')) return JSON_SCAN_MALFORMED;
  if (!eat(&s, '}')) {
    do {
      long n;
      skip_space(&s);
      n = read_string(&s, name, sizeof name);
      if (n < 0 || !eat(&s, ':')) return JSON_SCAN_MALFORMED;
      skip_space(&s);
      if (!found && (size_t)n < sizeof name && strcmp(name, key) == 0) {
        *value = s;
        found = 1;
      }
      if (!skip_value(&s, 1)) return JSON_SCAN_MALFORMED;
    } while (eat(&s, ','));
    if (!eat(&s, '}')) return JSON_SCAN_MALFORMED;
  }
  skip_space(&s);
  if (s.p != s.end) return JSON_SCAN_MALFORMED;
  if (found && skip_word(value, "null")) return JSON_SCAN_ABSENT;
  return found ? JSON_SCAN_FOUND : JSON_SCAN_ABSENT;
}

json_scan_result json_scan_int64(const char* json, size_t len, const char* key, int64_t* out) {
  scanner v;
  int is_int;
  int negative = 0;
  uint64_t magnitude = 0;
  const char* digits;
  json_scan_result r = find_member(json, len, key, &v);
  if (r != JSON_SCAN_FOUND) return r;
  digits = v.p;
  if (!skip_number(&v, &is_int)) return JSON_SCAN_WRONG_TYPE;
  if (!is_int) return JSON_SCAN_WRONG_TYPE;
  if (*digits == '-') negative = 1, ++digits;
  for (; digits < v.p; ++digits) {
    if (magnitude > (UINT64_C(9223372036854775808) - (uint64_t)(*digits - '0')) / 10)
      return JSON_SCAN_WRONG_TYPE;
    magnitude = magnitude * 10 + (uint64_t)(*digits - '0');
  }
  if (!negative && magnitude > (uint64_t)INT64_MAX) return JSON_SCAN_WRONG_TYPE;
  *out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
  return JSON_SCAN_FOUND;
}

json_scan_result json_scan_string(const char* json, size_t len, const char* key, char* out,
                                  size_t out_size) {
  scanner v;
  long n;
  json_scan_result r = find_member(json, len, key, &v);
  if (r != JSON_SCAN_FOUND) return r;
  if (v.p >= v.end || *v.p != '"') return JSON_SCAN_WRONG_TYPE;
  n = read_string(&v, out, out_size);
  if (n < 0 || (size_t)n >= out_size || strlen(out) != (size_t)n) return JSON_SCAN_WRONG_TYPE;
  return JSON_SCAN_FOUND;
}
