/*
** schema.c — the base of profile/ (schema.h): the value syntax manifests
** and profiles share (string lists, sizes, durations, names), error lines
** "FILE:LINE: KEY: message", typed reads of TOML values with range checks,
** and the one loader that walks a file against tables of key rows.
**
** The loader walks each table's keys in the order written, so the error
** reported is the first one a reader meets, and only that one is kept: a
** message about a later key would only confuse the reader of the first.
*/
#include "schema.h"
#include "../toml/toml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- string lists -------------------------------------------------------- */

int vy_strlist_push(vy_strlist *l, const char *s) {
  char *d = strdup(s);
  if (!d) return -1;
  char **n = realloc(l->items, (l->n + 1) * sizeof *n);
  if (!n) {
    free(d);
    return -1;
  }
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

/* ---- sizes, durations and names ------------------------------------------ */

int vy_parse_digits(const char **s, uint64_t *out) {
  const char *p = *s;
  uint64_t v = 0;
  if (*p < '0' || *p > '9') return -1;
  for (; *p >= '0' && *p <= '9'; p++) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *s = p;
  *out = v;
  return 0;
}

int vy_parse_uint(const char *s, size_t len, uint32_t max, uint32_t *out) {
  uint64_t v = 0;
  size_t i = 0;
  bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  if (hex) i = 2;
  if (i == len) return -1;
  for (; i < len; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9'          ? c - '0'
            : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
            : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
    if (d < 0) return -1;
    v = v * (hex ? 16 : 10) + (unsigned)d;
    if (v > max) return -1;
  }
  *out = (uint32_t)v;
  return 0;
}

int vy_parse_pair(const char *s, uint32_t maxa, uint32_t maxb, bool single_ok,
                  uint32_t *a, uint32_t *b) {
  const char *colon = strchr(s, ':');
  if (!colon) {
    *a = 0;
    return single_ok ? vy_parse_uint(s, strlen(s), maxb, b) : -1;
  }
  if (vy_parse_uint(s, (size_t)(colon - s), maxa, a) != 0) return -1;
  return vy_parse_uint(colon + 1, strlen(colon + 1), maxb, b);
}

int vy_parse_size(const char *s, uint64_t *bytes) {
  static const struct {
    const char *unit;
    uint64_t mul;
  } units[] = {
    { "", 1 },
    { "B", 1 },
    { "KiB", 1ull << 10 },
    { "MiB", 1ull << 20 },
    { "GiB", 1ull << 30 },
    { "TiB", 1ull << 40 },
    { "kB", 1000ull },
    { "KB", 1000ull },
    { "MB", 1000000ull },
    { "GB", 1000000000ull },
    { "TB", 1000000000000ull },
  };
  uint64_t n;
  if (!s || vy_parse_digits(&s, &n) != 0) return -1;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(s, units[i].unit) != 0) continue;
    if (n > UINT64_MAX / units[i].mul) return -1;
    if (bytes) *bytes = n * units[i].mul;
    return 0;
  }
  return -1;
}

/* One or more NUMBER UNIT parts, units h, m, s, ms in that order, each at
** most once ("1m30s", "1s500ms"); a bare number is refused because its unit
** would be a guess. */
int vy_parse_duration(const char *s, uint32_t *ms) {
  static const struct {
    const char *unit;
    size_t len;
    uint64_t mul;
  } units[] = {
    { "h", 1, 3600000 },
    { "ms", 2, 1 },
    { "m", 1, 60000 },
    { "s", 1, 1000 },
  };
  /* rank of each unit: parts must come in strictly falling order */
  static const int rank[] = { 4, 1, 3, 2 };
  if (!s || !*s) return -1;
  uint64_t total = 0;
  int last = 5;
  while (*s) {
    uint64_t n;
    if (vy_parse_digits(&s, &n) != 0) return -1;
    size_t u = 0;
    for (; u < sizeof units / sizeof units[0]; u++)
      if (strncmp(s, units[u].unit, units[u].len) == 0) break;
    if (u == sizeof units / sizeof units[0]) return -1;
    if (rank[u] >= last) return -1;
    last = rank[u];
    s += units[u].len;
    if (n > UINT32_MAX / units[u].mul) return -1;
    total += n * units[u].mul;
    if (total > UINT32_MAX) return -1;
  }
  if (ms) *ms = (uint32_t)total;
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

/* ---- error lines --------------------------------------------------------- */

/* A dotted key for messages: "prefix.key" (prefix may be NULL or "").
** Bytes of a key that cannot be printed plainly become '?', so a message
** is always one printable line. */
static void dotted_key(char *out, size_t outlen, const char *prefix,
                       const char *key, size_t keylen) {
  if (outlen == 0) return;
  size_t n = 0;
  if (prefix && *prefix) {
    int k = snprintf(out, outlen, "%s.", prefix);
    if (k < 0) k = 0;
    n = (size_t)k < outlen ? (size_t)k : outlen - 1;
  }
  /* an empty key is written '' as TOML would need it */
  if (keylen == 0 && n + 2 < outlen) {
    out[n++] = '\'';
    out[n++] = '\'';
  }
  for (size_t i = 0; i < keylen && n + 1 < outlen; i++) {
    unsigned char ch = (unsigned char)key[i];
    /* UTF-8 passes through; control bytes and NUL would break the line */
    out[n++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
  }
  out[n] = 0;
}

/* s for a message: at most 40 characters, control bytes as '?', "..." if
** cut; written to buf (n >= 48 is enough), which is returned. */
static const char *quoted(char *buf, size_t n, const char *s) {
  if (n == 0) return "";
  size_t o = 0, max = n > 44 ? 40 : n - 1;
  for (; *s && o < max; s++) {
    unsigned char ch = (unsigned char)*s;
    buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
  }
  /* cut long strings visibly rather than silently */
  if (*s && o + 3 < n) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
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
  if (c->err && c->errlen)
    snprintf(c->err, c->errlen, "%s: out of memory", c->file);
  return -1;
}

/* "a boolean", "an integer", ... for messages like "expected a boolean, got
** string". */
static const char *type_name(const toml_value *v) {
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

/* "expected WHAT, got TYPE" for v; returns -1. */
static int wrong_type(vy_ck *c, const toml_value *v, const char *key,
                      const char *what) {
  return vy_ck_fail(c, toml_line(v), key, "expected %s, got %s", what,
                    type_name(v));
}

/* "bad WHAT "s" (want e.g. EXAMPLES)" for a string that does not parse. */
static int bad_syntax(vy_ck *c, const toml_value *v, const char *key,
                      const char *what, const char *s, const char *examples) {
  char q[48];
  return vy_ck_fail(c, toml_line(v), key, "bad %s \"%s\" (want e.g. %s)", what,
                    quoted(q, sizeof q, s), examples);
}

/* ---- typed reads of one value: 0 and *out, or -1 with the error written -- */

static int read_bool(vy_ck *c, const toml_value *v, const char *key,
                     bool *out) {
  int b;
  if (toml_bool(v, &b) != 0) return wrong_type(c, v, key, "a boolean");
  *out = b != 0;
  return 0;
}

/* A string without NUL bytes, borrowed from the document. */
static int read_strref(vy_ck *c, const toml_value *v, const char *key,
                       const char **out) {
  const char *s;
  size_t len;
  if (toml_string(v, &s, &len) != 0) return wrong_type(c, v, key, "a string");
  /* TOML allows "\u0000"; C strings (argv, env, paths) do not */
  if (memchr(s, 0, len))
    return vy_ck_fail(c, toml_line(v), key, "a NUL character is not allowed");
  *out = s;
  return 0;
}

/* A string that must be one of choices (NULL-terminated): *out is its
** index.  Otherwise "unknown WHAT "s" (a, b or c)". */
static int read_choice(vy_ck *c, const toml_value *v, const char *key,
                       const char *what, const char *const *choices, int *out) {
  const char *s;
  if (read_strref(c, v, key, &s) != 0) return -1;
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
                            i == 0       ? ""
                            : i == n - 1 ? " or "
                                         : ", ",
                            choices[i]);
  return vy_ck_fail(c, toml_line(v), key, "unknown %s \"%s\" (%s)", what,
                    quoted(q, sizeof q, s), list);
}

static int read_int(vy_ck *c, const toml_value *v, const char *key, int64_t min,
                    int64_t max, int64_t *out) {
  int64_t i;
  if (toml_int(v, &i) != 0) return wrong_type(c, v, key, "an integer");
  if (i < min || i > max)
    return vy_ck_fail(c, toml_line(v), key, "%lld is out of range %lld..%lld",
                      (long long)i, (long long)min, (long long)max);
  *out = i;
  return 0;
}

/* "16MiB" style, for messages about sizes. */
static void fmt_size(char *out, size_t n, uint64_t b) {
  static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  int u = 0;
  while (u < 4 && b >= 1024 && b % 1024 == 0) {
    b /= 1024;
    u++;
  }
  snprintf(out, n, "%llu%s", (unsigned long long)b, unit[u]);
}

/* A size: a string for vy_parse_size or an integer number of bytes. */
static int read_size(vy_ck *c, const toml_value *v, const char *key,
                     uint64_t min, uint64_t max, uint64_t *out) {
  uint64_t b;
  int64_t i;
  const char *s;
  if (toml_type_of(v) == TOML_INTEGER) {
    toml_int(v, &i);
    if (i < 0)
      return vy_ck_fail(c, toml_line(v), key, "a size cannot be negative");
    b = (uint64_t)i;
  } else if (toml_type_of(v) == TOML_STRING) {
    if (read_strref(c, v, key, &s) != 0) return -1;
    if (vy_parse_size(s, &b) != 0)
      return bad_syntax(c, v, key, "size", s,
                        "\"16MiB\", \"512KiB\", \"4096\"");
  } else {
    return wrong_type(c, v, key, "a size string");
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

/* A duration string for vy_parse_duration, in min..max milliseconds. */
static int read_duration(vy_ck *c, const toml_value *v, const char *key,
                         int64_t min, int64_t max, uint32_t *out) {
  const char *s;
  uint32_t ms;
  if (toml_type_of(v) != TOML_STRING)
    return wrong_type(c, v, key, "a duration string");
  if (read_strref(c, v, key, &s) != 0) return -1;
  if (vy_parse_duration(s, &ms) != 0)
    return bad_syntax(c, v, key, "duration", s,
                      "\"500ms\", \"60s\", \"2m\", \"1m30s\"");
  if (ms < min || ms > max)
    return vy_ck_fail(c, toml_line(v), key,
                      "duration out of range %lums..%lums", (unsigned long)min,
                      (unsigned long)max);
  *out = ms;
  return 0;
}

/* ---- storing into the rows' fields --------------------------------------- */

/* v into an integer field of `size` bytes (bool, enum, int, uint32_t, ...);
** the row's limits have made sure it fits. */
static void store_int(void *field, size_t size, int64_t v) {
  uint64_t u = (uint64_t)v;
  uint8_t u8 = (uint8_t)u;
  uint16_t u16 = (uint16_t)u;
  uint32_t u32 = (uint32_t)u;
  switch (size) {
    case 1: memcpy(field, &u8, 1); break;
    case 2: memcpy(field, &u16, 2); break;
    case 4: memcpy(field, &u32, 4); break;
    default: memcpy(field, &u, sizeof u); break;
  }
}

static void store_choice(const vy_key *row, void *field, int index) {
  if (row->kind == VY_CHOICE_TEXT)
    snprintf(field, row->size, "%s", row->choices[index]);
  else
    store_int(field, row->size, index);
}

/* A string's own check (vy_check_fn), as an error line if it fails. */
static int check_string(vy_ck *c, const vy_key *row, const toml_value *v,
                        const char *key, const char *s) {
  const char *why = row->check ? row->check(s) : NULL;
  if (!why) return 0;
  char q[48];
  /* why comes from the rows, never from the file */
  return vy_ck_fail(c, toml_line(v), key, why, quoted(q, sizeof q, s));
}

int vy_schema_defaults(const vy_table *t, void *obj) {
  for (size_t i = 0; i < t->nkeys; i++) {
    const vy_key *row = &t->keys[i];
    void *field = (char *)obj + row->offset;
    switch (row->kind) {
      case VY_BOOL: *(bool *)field = row->dflt != 0; break;
      case VY_INT:
      case VY_SIZE:
      case VY_DURATION: store_int(field, row->size, row->dflt); break;
      case VY_CHOICE:
      case VY_CHOICE_TEXT: store_choice(row, field, (int)row->dflt); break;
      case VY_STR:
        if (row->dflt_text && !(*(char **)field = strdup(row->dflt_text)))
          return -1;
        break;
      case VY_TEXT:
        if (row->dflt_text) snprintf(field, row->size, "%s", row->dflt_text);
        break;
      case VY_STRLIST:
        if (row->dflt_text && vy_strlist_push(field, row->dflt_text) != 0)
          return -1;
        break;
      case VY_TABLE:
        if (vy_schema_defaults(row->table, obj) != 0) return -1;
        break;
      case VY_NOTE:
      case VY_INTLIST:
      case VY_STRMAP: break;
    }
  }
  return 0;
}

/* ---- the loader ---------------------------------------------------------- */

/* One entry of a table: its key as written and, for messages, dotted. */
typedef struct entry {
  const char *name;
  size_t len;
  const toml_value *v;
  char key[160];
} entry;

/* Calls each(c, row, entry, obj) for the entries of table t in the order
** written, stopping at the first that fails. */
typedef int (*entry_fn)(vy_ck *c, const vy_key *row, const entry *e, void *obj);

static int each_entry(vy_ck *c, const vy_key *row, const toml_value *t,
                      const char *prefix, entry_fn each, void *obj) {
  if (toml_type_of(t) != TOML_TABLE) return wrong_type(c, t, prefix, "a table");
  for (size_t i = 0; i < toml_table_len(t); i++) {
    entry e;
    e.v = NULL;
    e.name = toml_table_key(t, i, &e.len, &e.v);
    dotted_key(e.key, sizeof e.key, prefix, e.name, e.len);
    if (each(c, row, &e, obj) != 0) return -1;
  }
  return 0;
}

static int read_value(vy_ck *c, const vy_key *row, const toml_value *v,
                      const char *key, void *obj);

/* An entry of a VY_TABLE row's table: its own row reads it. */
static int read_entry(vy_ck *c, const vy_key *parent, const entry *e,
                      void *obj) {
  const vy_table *t = parent->table;
  /* keys may hold NUL bytes: compare lengths too */
  for (size_t r = 0; r < t->nkeys; r++)
    if (strlen(t->keys[r].name) == e->len &&
        memcmp(t->keys[r].name, e->name, e->len) == 0)
      return read_value(c, &t->keys[r], e->v, e->key, obj);
  bool table = toml_type_of(e->v) == TOML_TABLE && t->unknown_table;
  return vy_ck_fail(c, toml_line(e->v), e->key, "%s",
                    table ? t->unknown_table : t->unknown_key);
}

/* A string of any string kind: checked, then kept as the kind says. */
static int read_string(vy_ck *c, const vy_key *row, const toml_value *v,
                       const char *key, void *field) {
  const char *s;
  if (read_strref(c, v, key, &s) != 0 || check_string(c, row, v, key, s) != 0)
    return -1;
  if (row->kind == VY_TEXT) {
    snprintf(field, row->size, "%s", s);
  } else if (row->kind == VY_STR) {
    char *d = strdup(s);
    if (!d) return vy_ck_nomem(c);
    free(*(char **)field);
    *(char **)field = d;
  }
  return 0;
}

static int read_strlist(vy_ck *c, const vy_key *row, const toml_value *v,
                        const char *key, vy_strlist *out) {
  if (toml_type_of(v) != TOML_ARRAY)
    return wrong_type(c, v, key, "an array of strings");
  /* what the file says replaces the default */
  vy_strlist_free(out);
  for (size_t i = 0; i < toml_array_len(v); i++) {
    const toml_value *it = toml_array_at(v, i);
    char ik[192]; /* a key of up to 159 bytes, "[", the index, "]" */
    snprintf(ik, sizeof ik, "%s[%zu]", key, i);
    const char *s;
    if (read_strref(c, it, ik, &s) != 0 || check_string(c, row, it, ik, s) != 0)
      return -1;
    if (vy_strlist_push(out, s) != 0) return vy_ck_nomem(c);
  }
  return 0;
}

static int read_intlist(vy_ck *c, const vy_key *row, const toml_value *v,
                        const char *key, void *obj) {
  uint32_t **items = (uint32_t **)((char *)obj + row->offset);
  size_t *count = (size_t *)((char *)obj + row->count_offset);
  if (toml_type_of(v) != TOML_ARRAY)
    return wrong_type(c, v, key, "an array of integers");
  size_t n = toml_array_len(v);
  if (n) {
    uint32_t *g = realloc(*items, n * sizeof *g);
    if (!g) return vy_ck_nomem(c);
    *items = g;
    *count = 0;
  }
  for (size_t i = 0; i < n; i++) {
    char ik[192]; /* a key of up to 159 bytes, "[", the index, "]" */
    int64_t x;
    snprintf(ik, sizeof ik, "%s[%zu]", key, i);
    if (read_int(c, toml_array_at(v, i), ik, row->min, row->max, &x) != 0)
      return -1;
    (*items)[(*count)++] = (uint32_t)x;
  }
  return 0;
}

/* An entry of a VY_STRMAP as a "KEY=VALUE" item: a key with '=' or NUL
** could not be told apart from its value. */
static int read_map_entry(vy_ck *c, const vy_key *row, const entry *e,
                          void *obj) {
  if (e->len == 0 || memchr(e->name, '=', e->len) || memchr(e->name, 0, e->len))
    return vy_ck_fail(c, toml_line(e->v), e->key,
                      "%s must be non-empty, without '=' or NUL", row->what);
  const char *val;
  if (read_strref(c, e->v, e->key, &val) != 0) return -1;
  size_t vl = strlen(val);
  char *kv = malloc(e->len + vl + 2);
  if (!kv) return vy_ck_nomem(c);
  memcpy(kv, e->name, e->len);
  kv[e->len] = '=';
  memcpy(kv + e->len + 1, val, vl + 1);
  int rc = vy_strlist_push((vy_strlist *)((char *)obj + row->offset), kv);
  free(kv);
  return rc != 0 ? vy_ck_nomem(c) : 0;
}

static int read_value(vy_ck *c, const vy_key *row, const toml_value *v,
                      const char *key, void *obj) {
  void *field = (char *)obj + row->offset;
  int64_t i = 0;
  uint64_t b = 0;
  uint32_t ms = 0;
  int n = 0;
  switch (row->kind) {
    case VY_BOOL: return read_bool(c, v, key, field);
    case VY_INT:
      if (read_int(c, v, key, row->min, row->max, &i) != 0) return -1;
      store_int(field, row->size, i);
      return 0;
    case VY_SIZE:
      if (read_size(c, v, key, (uint64_t)row->min, (uint64_t)row->max, &b) != 0)
        return -1;
      store_int(field, row->size, (int64_t)b);
      return 0;
    case VY_DURATION:
      if (read_duration(c, v, key, row->min, row->max, &ms) != 0) return -1;
      store_int(field, row->size, ms);
      return 0;
    case VY_CHOICE:
    case VY_CHOICE_TEXT:
      if (read_choice(c, v, key, row->what, row->choices, &n) != 0) return -1;
      store_choice(row, field, n);
      return 0;
    case VY_STR:
    case VY_TEXT:
    case VY_NOTE: return read_string(c, row, v, key, field);
    case VY_STRLIST: return read_strlist(c, row, v, key, field);
    case VY_INTLIST: return read_intlist(c, row, v, key, obj);
    case VY_STRMAP: return each_entry(c, row, v, key, read_map_entry, obj);
    case VY_TABLE: return each_entry(c, row, v, key, read_entry, obj);
  }
  return -1;
}

int vy_schema_parse(const vy_schema *s, const char *path, const char *text,
                    size_t len, void *obj, char *err, size_t errlen) {
  if (!path) path = "<input>";
  if (err && errlen) err[0] = 0;
  if (!obj) return -1;
  memset(obj, 0, s->obj_size);
  vy_ck c = { path, err, errlen, false };
  toml_doc *doc = NULL;
  int rc = vy_schema_defaults(s->root, obj) != 0 ? vy_ck_nomem(&c) : 0;
  /* the parser's message is already "FILE:LINE:COL: ..." or out of memory */
  if (rc == 0 && toml_parse(text, len, path, &doc, err, errlen) != TOML_OK)
    rc = -1;
  /* the whole document as the one row of a table without a name */
  const vy_key top = { "", VY_TABLE, .table = s->root };
  if (rc == 0) rc = each_entry(&c, &top, toml_root(doc), NULL, read_entry, obj);
  if (rc == 0 && s->finish) rc = s->finish(&c, toml_root(doc), obj);
  toml_free(doc);
  if (rc != 0) s->free(obj);
  return rc;
}

/* Reads a whole config file of at most `max` bytes into a malloc'd buffer
** (*len bytes, NUL-terminated).  NULL with "PATH: reason" in err. */
static char *read_config(const char *path, size_t max, size_t *len, char *err,
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
      if (bad)
        snprintf(err, errlen, "%s: %s", path, strerror(eno ? eno : EIO));
      else
        snprintf(err, errlen, "%s: too large (over %zu bytes)", path, max);
    }
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

int vy_schema_load(const vy_schema *s, const char *path, void *obj, char *err,
                   size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!obj) return -1;
  memset(obj, 0, s->obj_size);
  size_t n;
  char *buf = read_config(path, s->max_bytes, &n, err, errlen);
  if (!buf) return -1;
  int rc = vy_schema_parse(s, path, buf, n, obj, err, errlen);
  free(buf);
  return rc;
}
