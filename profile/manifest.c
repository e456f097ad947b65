/*
** manifest.c — an app's vyoma.toml: loading, validating against the schema
** of DESIGN.md ("App manifest") plus [lifecycle] heartbeat, and the grant
** check vy_manifest_may_send.  Also the size and duration syntax that
** manifests and profiles share (vy_parse_size, vy_parse_duration).
**
** Validation walks each table's keys in the order written, so the error
** reported is the first one a reader meets; any unknown table or key, wrong
** type or bad value fails the whole manifest with one line
** "FILE:LINE: KEY: message" (KEY dotted, array items as KEY[i]).  A TOML
** syntax error is the parser's "FILE:LINE:COL: message".
**
** Value syntax, beyond the obvious:
**   name     [a-z][a-z0-9-]{0,31}, not "sys" (that is the supervisor's address)
**   module   relative to the app's folder, no ".." component, not absolute
**   env      a table of strings; keys non-empty, without '='
**   ipc      app names, "*" (any app) or "sys" (@sys commands)
**   gpio     line numbers 0..1023
**   i2c      "BUS:0xADDR": bus 0..1023 decimal, 7-bit address 0x00..0x7f
**   spi      "BUS:CS", both decimal 0..1023 (/dev/spidevBUS.CS)
**   uart     a device name: 1..32 of [A-Za-z0-9_-] ("ttyS1", "ttyAMA0", "0")
**   adc      "DEV:CHANNEL" or "CHANNEL", decimal 0..1023
**   memory   a size (vy_parse_size) or integer bytes, 64KiB..4GiB (wasm32)
**   messages_per_sec  1..1000000
**   max_restarts      0..1000000
**   restart_window    a duration, 1ms..~49 days; heartbeat the same, >= 10ms
*/
#include "manifest.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_MAX_BYTES (1u << 20)   /* a manifest is a few hundred bytes */

/* ---- sizes and durations --------------------------------------------------- */

/* Decimal digits at *s into *out; advances *s.  -1 if none or overflow. */
static int parse_digits(const char **s, uint64_t *out) {
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

int vy_parse_size(const char *s, uint64_t *bytes) {
  static const struct { const char *unit; uint64_t mul; } units[] = {
    {"", 1}, {"B", 1},
    {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
    {"kB", 1000ull}, {"KB", 1000ull}, {"MB", 1000000ull}, {"GB", 1000000000ull},
    {"TB", 1000000000000ull},
  };
  uint64_t n;
  if (!s || parse_digits(&s, &n) != 0) return -1;
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
  static const struct { const char *unit; size_t len; uint64_t mul; } units[] = {
    {"h", 1, 3600000}, {"ms", 2, 1}, {"m", 1, 60000}, {"s", 1, 1000},
  };
  /* rank of each unit: parts must come in strictly falling order */
  static const int rank[] = {4, 1, 3, 2};
  if (!s || !*s) return -1;
  uint64_t total = 0;
  int last = 5;
  while (*s) {
    uint64_t n;
    if (parse_digits(&s, &n) != 0) return -1;
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

/* ---- item checks (NULL = fine, else why not) ---------------------------------- */

static const char *check_ipc(const char *s) {
  if (strcmp(s, "*") == 0 || strcmp(s, "sys") == 0 || vy_valid_name(s)) return NULL;
  return "expected an app name ([a-z][a-z0-9-]{0,31}), \"*\" or \"sys\"";
}

/* A decimal number 0..1023 at *s, advancing it. */
static int dec1023(const char **s, unsigned *out) {
  uint64_t v;
  const char *p = *s;
  if (parse_digits(&p, &v) != 0 || p - *s > 4 || v > 1023) return -1;
  *s = p;
  *out = (unsigned)v;
  return 0;
}

static const char *check_i2c(const char *s) {
  unsigned bus;
  const char *p = s;
  if (dec1023(&p, &bus) != 0 || *p != ':' || p[1] != '0' || (p[2] != 'x' && p[2] != 'X'))
    return "expected \"BUS:0xADDR\" (e.g. \"1:0x48\"; bus 0..1023)";
  p += 3;
  unsigned addr = 0;
  int nd = 0;
  for (; *p; p++, nd++) {
    int d = (*p >= '0' && *p <= '9') ? *p - '0'
          : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
          : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;
    if (d < 0 || nd >= 2)
      return "expected \"BUS:0xADDR\" with 1 or 2 hex digits (e.g. \"1:0x48\")";
    addr = addr * 16 + (unsigned)d;
  }
  if (nd == 0) return "expected \"BUS:0xADDR\" (e.g. \"1:0x48\"; bus 0..1023)";
  if (addr > 0x7f) return "I2C address out of range 0x00..0x7f (7-bit)";
  return NULL;
}

static const char *check_spi(const char *s) {
  unsigned bus, cs;
  if (dec1023(&s, &bus) != 0 || *s++ != ':' || dec1023(&s, &cs) != 0 || *s)
    return "expected \"BUS:CS\" (e.g. \"0:1\"; each 0..1023)";
  return NULL;
}

static const char *check_uart(const char *s) {
  size_t n = 0;
  for (; s[n]; n++) {
    char ch = s[n];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
      return "expected a device name such as \"ttyS1\" (letters, digits, '_', '-')";
  }
  if (n == 0 || n > 32) return "expected a device name of 1 to 32 characters";
  return NULL;
}

static const char *check_adc(const char *s) {
  unsigned a, b;
  if (dec1023(&s, &a) != 0) goto bad;
  if (*s == ':' && (s++, dec1023(&s, &b) != 0)) goto bad;
  if (*s) goto bad;
  return NULL;
bad:
  return "expected \"DEV:CHANNEL\" or \"CHANNEL\" (e.g. \"0:3\"; each 0..1023)";
}

/* ---- the schema ------------------------------------------------------------------ */

typedef struct mctx {
  vy_ck ck;
  vy_manifest *m;
  bool have_name, have_module;
  const char *module;         /* borrowed from the document until joined */
  int app_line;               /* where [app] is, for "missing key" errors */
} mctx;

/* One key of a table being checked: its name as written and, for
** messages, the dotted key k. */
typedef struct key {
  const char *name;
  size_t len;
  const toml_value *v;
  char k[160];
} key;

static void key_at(const toml_value *t, size_t i, const char *prefix, key *out) {
  out->v = NULL;
  out->name = toml_table_key(t, i, &out->len, &out->v);
  vy_ck_key(out->k, sizeof out->k, prefix, out->name, out->len);
}

/* The key as written equals s (keys may hold NUL; compare lengths). */
static bool is(const key *ky, const char *s) {
  return ky->len == strlen(s) && memcmp(ky->name, s, ky->len) == 0;
}

static int need_table(mctx *x, const toml_value *v, const char *key) {
  if (toml_type_of(v) != TOML_TABLE)
    return vy_ck_fail(&x->ck, toml_line(v), key, "expected a table, got %s", vy_ck_type(v));
  return 0;
}

static int unknown(mctx *x, const toml_value *v, const char *key) {
  return vy_ck_fail(&x->ck, toml_line(v), key, "unknown key");
}

static int check_module(mctx *x, const toml_value *v, const char *key) {
  const char *s;
  if (vy_ck_strref(&x->ck, v, key, &s) != 0) return -1;
  if (!*s) return vy_ck_fail(&x->ck, toml_line(v), key, "must not be empty");
  if (*s == '/')
    return vy_ck_fail(&x->ck, toml_line(v), key,
                      "must be a path inside the app's folder, not absolute");
  /* any ".." component could leave the folder */
  for (const char *p = s; *p;) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return vy_ck_fail(&x->ck, toml_line(v), key,
                        "must stay inside the app's folder (no \"..\")");
    p += n;
    if (*p == '/') p++;
  }
  size_t n = strlen(s);
  if (s[n - 1] == '/' || strcmp(s, ".") == 0 || (n >= 2 && strcmp(s + n - 2, "/.") == 0))
    return vy_ck_fail(&x->ck, toml_line(v), key, "names a folder, not a module file");
  x->module = s;
  x->have_module = true;
  return 0;
}

static int do_env(mctx *x, const toml_value *t, const char *prefix) {
  if (need_table(x, t, prefix) != 0) return -1;
  vy_manifest *m = x->m;
  for (size_t i = 0; i < toml_table_len(t); i++) {
    key ky;
    key_at(t, i, prefix, &ky);
    const toml_value *v = ky.v;
    const char *k = ky.k;
    size_t kl = ky.len;
    const char *kn = ky.name;
    if (kl == 0 || memchr(kn, '=', kl) || memchr(kn, 0, kl))
      return vy_ck_fail(&x->ck, toml_line(v), k,
                        "an environment variable name must be non-empty, without '=' or NUL");
    const char *val;
    if (vy_ck_strref(&x->ck, v, k, &val) != 0) return -1;
    size_t vl = strlen(val);
    char *kv = malloc(kl + vl + 2);
    if (!kv) return vy_ck_nomem(&x->ck);
    memcpy(kv, kn, kl);
    kv[kl] = '=';
    memcpy(kv + kl + 1, val, vl + 1);
    int rc = vy_strlist_push(&m->env, kv);
    free(kv);
    if (rc != 0) return vy_ck_nomem(&x->ck);
  }
  return 0;
}

static int do_app(mctx *x, const toml_value *t) {
  if (need_table(x, t, "app") != 0) return -1;
  vy_manifest *m = x->m;
  x->app_line = toml_line(t);
  for (size_t i = 0; i < toml_table_len(t); i++) {
    key ky;
    key_at(t, i, "app", &ky);
    const toml_value *v = ky.v;
    const char *k = ky.k;
    if (is(&ky, "name")) {
      const char *s;
      char q[48];
      if (vy_ck_strref(&x->ck, v, k, &s) != 0) return -1;
      if (strcmp(s, "sys") == 0)
        return vy_ck_fail(&x->ck, toml_line(v), k,
                          "\"sys\" is reserved (it is the supervisor's address)");
      if (!vy_valid_name(s))
        return vy_ck_fail(&x->ck, toml_line(v), k,
                          "\"%s\" is not a valid app name ([a-z][a-z0-9-]{0,31})",
                          vy_ck_q(q, sizeof q, s));
      free(m->name);
      if (!(m->name = strdup(s))) return vy_ck_nomem(&x->ck);
      x->have_name = true;
    } else if (is(&ky, "version")) {
      free(m->version);
      m->version = NULL;
      if (vy_ck_str(&x->ck, v, k, &m->version) != 0) return -1;
    } else if (is(&ky, "module")) {
      if (check_module(x, v, k) != 0) return -1;
    } else if (is(&ky, "args")) {
      if (vy_ck_strlist(&x->ck, v, k, NULL, &m->args) != 0) return -1;
    } else if (is(&ky, "env")) {
      if (do_env(x, v, k) != 0) return -1;
    } else {
      return unknown(x, v, k);
    }
  }
  return 0;
}

static int do_capabilities(mctx *x, const toml_value *t) {
  if (need_table(x, t, "capabilities") != 0) return -1;
  vy_manifest *m = x->m;
  for (size_t i = 0; i < toml_table_len(t); i++) {
    key ky;
    key_at(t, i, "capabilities", &ky);
    const toml_value *v = ky.v;
    const char *k = ky.k;
    int rc;
    if (is(&ky, "filesystem")) rc = vy_ck_bool(&x->ck, v, k, &m->filesystem);
    else if (is(&ky, "network")) rc = vy_ck_bool(&x->ck, v, k, &m->network);
    else if (is(&ky, "display")) rc = vy_ck_bool(&x->ck, v, k, &m->display);
    else if (is(&ky, "input")) rc = vy_ck_bool(&x->ck, v, k, &m->input);
    else if (is(&ky, "ipc")) rc = vy_ck_strlist(&x->ck, v, k, check_ipc, &m->ipc);
    else if (is(&ky, "i2c")) rc = vy_ck_strlist(&x->ck, v, k, check_i2c, &m->i2c);
    else if (is(&ky, "spi")) rc = vy_ck_strlist(&x->ck, v, k, check_spi, &m->spi);
    else if (is(&ky, "uart")) rc = vy_ck_strlist(&x->ck, v, k, check_uart, &m->uart);
    else if (is(&ky, "adc")) rc = vy_ck_strlist(&x->ck, v, k, check_adc, &m->adc);
    else if (is(&ky, "gpio")) {
      if (toml_type_of(v) != TOML_ARRAY)
        return vy_ck_fail(&x->ck, toml_line(v), k, "expected an array of integers, got %s",
                          vy_ck_type(v));
      size_t n = toml_array_len(v);
      if (n) {
        uint32_t *g = realloc(m->gpio, n * sizeof *g);
        if (!g) return vy_ck_nomem(&x->ck);
        m->gpio = g;
        m->ngpio = 0;
      }
      for (size_t j = 0; j < n; j++) {
        char ik[192];
        int64_t pin;
        snprintf(ik, sizeof ik, "%s[%zu]", k, j);
        if (vy_ck_int(&x->ck, toml_array_at(v, j), ik, 0, 1023, &pin) != 0) return -1;
        m->gpio[m->ngpio++] = (uint32_t)pin;
      }
      rc = 0;
    } else {
      rc = unknown(x, v, k);
    }
    if (rc != 0) return -1;
  }
  return 0;
}

static int do_resources(mctx *x, const toml_value *t) {
  if (need_table(x, t, "resources") != 0) return -1;
  vy_manifest *m = x->m;
  for (size_t i = 0; i < toml_table_len(t); i++) {
    key ky;
    key_at(t, i, "resources", &ky);
    const toml_value *v = ky.v;
    const char *k = ky.k;
    if (is(&ky, "memory")) {
      /* one wasm page at least; wasm32 cannot address more than 4 GiB */
      if (vy_ck_size(&x->ck, v, k, 64u << 10, 4ull << 30, &m->memory_bytes) != 0)
        return -1;
    } else if (is(&ky, "messages_per_sec")) {
      int64_t r;
      if (vy_ck_int(&x->ck, v, k, 1, 1000000, &r) != 0) return -1;
      m->messages_per_sec = (uint32_t)r;
    } else {
      return unknown(x, v, k);
    }
  }
  return 0;
}

static int do_lifecycle(mctx *x, const toml_value *t) {
  if (need_table(x, t, "lifecycle") != 0) return -1;
  vy_manifest *m = x->m;
  for (size_t i = 0; i < toml_table_len(t); i++) {
    key ky;
    key_at(t, i, "lifecycle", &ky);
    const toml_value *v = ky.v;
    const char *k = ky.k;
    int rc;
    if (is(&ky, "restart")) {
      /* in the order of vy_restart */
      static const char *const policies[] = { "never", "on-failure", "always",
                                              NULL };
      int policy;
      if (vy_ck_choice(&x->ck, v, k, "restart policy", policies, &policy) != 0)
        return -1;
      m->restart = (vy_restart)policy;
      rc = 0;
    } else if (is(&ky, "max_restarts")) {
      int64_t n;
      rc = vy_ck_int(&x->ck, v, k, 0, 1000000, &n);
      if (rc == 0) m->max_restarts = (uint32_t)n;
    } else if (is(&ky, "restart_window")) {
      rc = vy_ck_duration(&x->ck, v, k, 1, UINT32_MAX, &m->restart_window_ms);
    } else if (is(&ky, "heartbeat")) {
      /* a watchdog tighter than 10 ms would fire on scheduling noise */
      rc = vy_ck_duration(&x->ck, v, k, 10, UINT32_MAX, &m->heartbeat_ms);
    } else if (is(&ky, "autostart")) {
      rc = vy_ck_bool(&x->ck, v, k, &m->autostart);
    } else if (is(&ky, "critical")) {
      rc = vy_ck_bool(&x->ck, v, k, &m->critical);
    } else {
      rc = unknown(x, v, k);
    }
    if (rc != 0) return -1;
  }
  return 0;
}

/* "dir" of a path: up to its last '/', "/" for files in the root, "." for
** a bare file name. */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return strdup(".");
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, path, n);
  d[n] = 0;
  return d;
}

static char *join(const char *dir, const char *file) {
  size_t a = strlen(dir), b = strlen(file);
  bool sep = a > 0 && dir[a - 1] != '/';
  char *r = malloc(a + sep + b + 1);
  if (!r) return NULL;
  memcpy(r, dir, a);
  if (sep) r[a] = '/';
  memcpy(r + a + sep, file, b + 1);
  return r;
}

static void defaults(vy_manifest *m) {
  memset(m, 0, sizeof *m);
  m->restart = VY_RESTART_ON_FAILURE;
  m->max_restarts = 5;
  m->restart_window_ms = 60000;
  m->autostart = true;
}

int vy_manifest_parse(const char *path, const char *text, size_t len,
                      vy_manifest *out, char *err, size_t errlen) {
  if (!path) path = "<input>";
  if (err && errlen) err[0] = 0;
  if (!out) return -1;
  defaults(out);
  mctx x;
  memset(&x, 0, sizeof x);
  x.ck.file = path;
  x.ck.err = err;
  x.ck.errlen = errlen;
  x.m = out;
  x.app_line = 1;

  toml_doc *doc = NULL;
  int rc = toml_parse(text, len, path, &doc, err, errlen);
  if (rc != TOML_OK) {
    /* the parser's message is already "FILE:LINE:COL: ..." or out of memory */
    vy_manifest_free(out);
    return -1;
  }
  const toml_value *root = toml_root(doc);
  rc = 0;
  for (size_t i = 0; i < toml_table_len(root); i++) {
    key ky;
    key_at(root, i, NULL, &ky);
    const toml_value *v = ky.v;
    const char *k = ky.k;
    if (is(&ky, "app")) rc = do_app(&x, v);
    else if (is(&ky, "capabilities")) rc = do_capabilities(&x, v);
    else if (is(&ky, "resources")) rc = do_resources(&x, v);
    else if (is(&ky, "lifecycle")) rc = do_lifecycle(&x, v);
    else if (toml_type_of(v) == TOML_TABLE)
      rc = vy_ck_fail(&x.ck, toml_line(v), k,
                      "unknown table (expected app, capabilities, resources or lifecycle)");
    else
      rc = vy_ck_fail(&x.ck, toml_line(v), k, "unknown key (keys belong in a table such as [app])");
    if (rc != 0) break;
  }
  if (rc == 0 && !toml_get(root, "app"))
    rc = vy_ck_fail(&x.ck, 1, "app", "missing table [app] (with name and module)");
  else if (rc == 0 && !x.have_name)
    rc = vy_ck_fail(&x.ck, x.app_line, "app.name", "missing (the app's name is required)");
  else if (rc == 0 && !x.have_module)
    rc = vy_ck_fail(&x.ck, x.app_line, "app.module", "missing (the module path is required)");
  if (rc == 0) {
    /* every string is non-NULL once loaded, so callers need no checks */
    if (!out->version && !(out->version = strdup(""))) rc = vy_ck_nomem(&x.ck);
    else if (!(out->path = strdup(path)) || !(out->dir = dir_of(path)))
      rc = vy_ck_nomem(&x.ck);
    else if (!(out->module = join(out->dir, x.module)))
      rc = vy_ck_nomem(&x.ck);
  }
  toml_free(doc);
  if (rc != 0) {
    vy_manifest_free(out);
    return -1;
  }
  return 0;
}

int vy_manifest_load(const char *path, vy_manifest *out, char *err,
                     size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return -1;
  defaults(out);
  size_t n;
  char *buf = vy_read_config(path, MANIFEST_MAX_BYTES, &n, err, errlen);
  if (!buf) return -1;
  int rc = vy_manifest_parse(path, buf, n, out, err, errlen);
  free(buf);
  return rc;
}

void vy_manifest_free(vy_manifest *m) {
  if (!m) return;
  free(m->path);
  free(m->dir);
  free(m->name);
  free(m->version);
  free(m->module);
  vy_strlist_free(&m->args);
  vy_strlist_free(&m->env);
  vy_strlist_free(&m->ipc);
  free(m->gpio);
  vy_strlist_free(&m->i2c);
  vy_strlist_free(&m->spi);
  vy_strlist_free(&m->uart);
  vy_strlist_free(&m->adc);
  /* freed and zeroed: a second free is harmless */
  memset(m, 0, sizeof *m);
}

bool vy_manifest_may_send(const vy_manifest *m, const char *target) {
  if (!m || !target) return false;
  bool to_sys = strcmp(target, "sys") == 0;
  /* only real app names (or sys) can be granted; "*" is not a target */
  if (!to_sys && !vy_valid_name(target)) return false;
  for (size_t i = 0; i < m->ipc.n; i++) {
    const char *g = m->ipc.items[i];
    if (strcmp(g, target) == 0) return true;
    /* "*" is every app, but @sys commands need their own grant */
    if (!to_sys && strcmp(g, "*") == 0) return true;
  }
  return false;
}
