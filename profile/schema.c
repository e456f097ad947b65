/*
** schema.c — the checking helpers behind schema.h, shared by the manifest
** and profile loaders: error lines "FILE:LINE: KEY: message", typed reads
** of TOML values with range checks, and string lists.
**
** Only the first error is kept: the loaders stop there, and a message about
** a later key would only confuse the reader of the first one.
*/
#include "schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vy_ck_key(char *out, size_t outlen, const char *prefix, const char *key,
               size_t keylen) {
  if (outlen == 0) return;
  size_t n = 0;
  if (prefix && *prefix) {
    int k = snprintf(out, outlen, "%s.", prefix);
    if (k < 0) k = 0;
    n = (size_t)k < outlen ? (size_t)k : outlen - 1;
  }
  /* an empty key is written '' as TOML would need it */
  if (keylen == 0 && n + 2 < outlen) { out[n++] = '\''; out[n++] = '\''; }
  for (size_t i = 0; i < keylen && n + 1 < outlen; i++) {
    unsigned char ch = (unsigned char)key[i];
    /* UTF-8 passes through; control bytes and NUL would break the line */
    out[n++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
  }
  out[n] = 0;
}

const char *vy_ck_q(char *buf, size_t n, const char *s) {
  if (n == 0) return "";
  size_t o = 0, max = n > 44 ? 40 : n - 1;
  for (; *s && o < max; s++) {
    unsigned char ch = (unsigned char)*s;
    buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
  }
  /* cut long strings visibly rather than silently */
  if (*s && o + 3 < n) { memcpy(buf + o, "...", 3); o += 3; }
  buf[o] = 0;
  return buf;
}

int vy_ck_fail(vy_ck *c, int line, const char *key, const char *fmt, ...) {
  if (c->failed) return -1;
  c->failed = true;
  if (!c->err || c->errlen == 0) return -1;
  if (line < 1) line = 1;
  int k = snprintf(c->err, c->errlen, "%s:%d: %s: ", c->file, line, key);
  if (k >= 0 && (size_t)k < c->errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
    va_end(ap);
  }
  return -1;
}

int vy_ck_nomem(vy_ck *c) {
  if (c->failed) return -1;
  c->failed = true;
  if (c->err && c->errlen) snprintf(c->err, c->errlen, "%s: out of memory", c->file);
  return -1;
}

const char *vy_ck_type(const toml_value *v) {
  switch (toml_type_of(v)) {
  case TOML_TABLE: return "table";
  case TOML_ARRAY: return "array";
  case TOML_STRING: return "string";
  case TOML_INTEGER: return "integer";
  case TOML_FLOAT: return "float";
  case TOML_BOOL: return "boolean";
  case TOML_DATETIME: return "date-time";
  case TOML_DATETIME_LOCAL: return "local date-time";
  case TOML_DATE_LOCAL: return "local date";
  case TOML_TIME_LOCAL: return "local time";
  }
  return "nothing";
}

int vy_ck_bool(vy_ck *c, const toml_value *v, const char *key, bool *out) {
  int b;
  if (toml_bool(v, &b) != 0)
    return vy_ck_fail(c, toml_line(v), key, "expected a boolean, got %s", vy_ck_type(v));
  *out = b != 0;
  return 0;
}

int vy_ck_strref(vy_ck *c, const toml_value *v, const char *key,
                 const char **out) {
  const char *s;
  size_t len;
  if (toml_string(v, &s, &len) != 0)
    return vy_ck_fail(c, toml_line(v), key, "expected a string, got %s", vy_ck_type(v));
  /* TOML allows "\u0000"; C strings (argv, env, paths) do not */
  if (memchr(s, 0, len))
    return vy_ck_fail(c, toml_line(v), key, "a NUL character is not allowed");
  *out = s;
  return 0;
}

int vy_ck_choice(vy_ck *c, const toml_value *v, const char *key,
                 const char *what, const char *const *choices, int *out) {
  const char *s;
  if (vy_ck_strref(c, v, key, &s) != 0) return -1;
  int n = 0;
  for (; choices[n]; n++)
    if (strcmp(s, choices[n]) == 0) {
      *out = n;
      return 0;
    }
  char list[256] = "", q[48];
  size_t len = 0;
  for (int i = 0; i < n && len < sizeof list; i++)
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                            i == 0 ? "" : i == n - 1 ? " or " : ", ", choices[i]);
  return vy_ck_fail(c, toml_line(v), key, "unknown %s \"%s\" (%s)", what,
                    vy_ck_q(q, sizeof q, s), list);
}

int vy_ck_str(vy_ck *c, const toml_value *v, const char *key, char **out) {
  const char *s;
  if (vy_ck_strref(c, v, key, &s) != 0) return -1;
  char *d = strdup(s);
  if (!d) return vy_ck_nomem(c);
  *out = d;
  return 0;
}

int vy_ck_int(vy_ck *c, const toml_value *v, const char *key, int64_t min,
              int64_t max, int64_t *out) {
  int64_t i;
  if (toml_int(v, &i) != 0)
    return vy_ck_fail(c, toml_line(v), key, "expected an integer, got %s", vy_ck_type(v));
  if (i < min || i > max)
    return vy_ck_fail(c, toml_line(v), key, "%lld is out of range %lld..%lld",
                      (long long)i, (long long)min, (long long)max);
  *out = i;
  return 0;
}

/* "16MiB" style, for messages about sizes. */
static void fmt_size(char *out, size_t n, uint64_t b) {
  static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (u < 4 && b >= 1024 && b % 1024 == 0) { b /= 1024; u++; }
  snprintf(out, n, "%llu%s", (unsigned long long)b, unit[u]);
}

int vy_ck_size(vy_ck *c, const toml_value *v, const char *key, uint64_t min,
               uint64_t max, uint64_t *out) {
  uint64_t b;
  int64_t i;
  const char *s;
  if (toml_type_of(v) == TOML_INTEGER) {
    toml_int(v, &i);
    if (i < 0)
      return vy_ck_fail(c, toml_line(v), key, "a size cannot be negative");
    b = (uint64_t)i;
  } else if (toml_type_of(v) == TOML_STRING) {
    if (vy_ck_strref(c, v, key, &s) != 0) return -1;
    if (vy_parse_size(s, &b) != 0) {
      char q[48];
      return vy_ck_fail(c, toml_line(v), key,
                        "bad size \"%s\" (want e.g. \"16MiB\", \"512KiB\", \"4096\")",
                        vy_ck_q(q, sizeof q, s));
    }
  } else {
    return vy_ck_fail(c, toml_line(v), key, "expected a size string, got %s", vy_ck_type(v));
  }
  if (b < min || b > max) {
    char lo[32], hi[32];
    fmt_size(lo, sizeof lo, min);
    fmt_size(hi, sizeof hi, max);
    return vy_ck_fail(c, toml_line(v), key, "size out of range %s..%s", lo, hi);
  }
  *out = b;
  return 0;
}

int vy_ck_duration(vy_ck *c, const toml_value *v, const char *key,
                   uint32_t min, uint32_t max, uint32_t *out) {
  const char *s;
  uint32_t ms;
  if (toml_type_of(v) != TOML_STRING)
    return vy_ck_fail(c, toml_line(v), key, "expected a duration string, got %s",
                      vy_ck_type(v));
  if (vy_ck_strref(c, v, key, &s) != 0) return -1;
  if (vy_parse_duration(s, &ms) != 0) {
    char q[48];
    return vy_ck_fail(c, toml_line(v), key,
                      "bad duration \"%s\" (want e.g. \"500ms\", \"60s\", \"2m\", \"1m30s\")",
                      vy_ck_q(q, sizeof q, s));
  }
  if (ms < min || ms > max)
    return vy_ck_fail(c, toml_line(v), key, "duration out of range %lums..%lums",
                      (unsigned long)min, (unsigned long)max);
  *out = ms;
  return 0;
}

int vy_strlist_push(vy_strlist *l, const char *s) {
  char *d = strdup(s);
  if (!d) return -1;
  char **n = realloc(l->items, (l->n + 1) * sizeof *n);
  if (!n) { free(d); return -1; }
  n[l->n++] = d;
  l->items = n;
  return 0;
}

void vy_strlist_free(vy_strlist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

int vy_ck_strlist(vy_ck *c, const toml_value *v, const char *key,
                  vy_ck_item_fn check, vy_strlist *out) {
  if (toml_type_of(v) != TOML_ARRAY)
    return vy_ck_fail(c, toml_line(v), key, "expected an array of strings, got %s",
                      vy_ck_type(v));
  size_t n = toml_array_len(v);
  for (size_t i = 0; i < n; i++) {
    const toml_value *it = toml_array_at(v, i);
    char ik[160];
    snprintf(ik, sizeof ik, "%s[%zu]", key, i);
    const char *s;
    if (vy_ck_strref(c, it, ik, &s) != 0) return -1;
    const char *why = check ? check(s) : NULL;
    if (why) return vy_ck_fail(c, toml_line(it), ik, "%s", why);
    if (vy_strlist_push(out, s) != 0) return vy_ck_nomem(c);
  }
  return 0;
}

bool vy_valid_name(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z')) return false;
  size_t n = 1;
  for (const char *p = s + 1; *p; p++, n++) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
      return false;
  }
  return n <= 32;
}

char *vy_read_config(const char *path, size_t max, size_t *len, char *err,
                     size_t errlen) {
  if (!path) {
    if (err && errlen) snprintf(err, errlen, "<input>: no file name");
    return NULL;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (err && errlen) snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  /* read at most one byte over the cap, to tell "too large" from "fits" */
  char *buf = malloc(max + 2);
  if (!buf) {
    fclose(f);
    if (err && errlen) snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  size_t n = fread(buf, 1, max + 1, f);
  int bad = ferror(f);
  int eno = errno;
  fclose(f);
  if (bad || n > max) {
    free(buf);
    if (err && errlen) {
      if (bad) snprintf(err, errlen, "%s: %s", path, strerror(eno ? eno : EIO));
      else snprintf(err, errlen, "%s: too large (over %zu bytes)", path, max);
    }
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}
