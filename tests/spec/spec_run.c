/*
** spec_run.c — the WebAssembly spec-test runner (build/bin/vw-spec).
**
** Reads the JSON that wabt's wast2json makes from a .wast script and runs
** every command in it against the engine's public API (runtime/vw.h) only,
** the way any embedder would: modules are loaded from the .wasm files beside
** the JSON, imports resolve through a vw_resolver over the `spectest` host
** module and the instances registered so far, and values cross as raw
** 64-bit slots.
**
**   vw-spec [--quiet] [--list-failures] FILE.json...
**
** Every command counts as passed, failed or skipped.  Each failure prints
**   FAIL file.wast:LINE type: detail
** and, with --list-failures, also a bare `file.wast:LINE` line that
** tests/spec/run.sh compares with tests/spec/expected-failures.txt.  After
** each file one line `file.wast: P passed, F failed, S skipped`.
**
** Skipped: text-form modules (assert_malformed on .wat; this engine reads
** binaries only).
**
** The JSON is untrusted input: every field is type-checked before use, so a
** damaged file yields failures, never a crash.  Exit status: 0 when nothing
** failed, 1 when something did, 2 on a usage error.
*/
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/vw.h"

/* ---- bookkeeping --------------------------------------------------------- */

/* A module instance known by its script name ($M), or the alias it was
** registered under.  Lists are newest first so a later definition shadows an
** earlier one, as in the reference interpreter. */
typedef struct inst_entry {
  char *name;
  vw_instance *inst; /* NULL if that module failed */
  struct inst_entry *next;
} inst_entry;

typedef struct spectest_entry {
  const char *name;
  vw_extern ext;
} spectest_entry;

#define SPECTEST_MAX 16

typedef struct runner {
  /* options */
  int quiet, list_failures;
  /* the file being run */
  char *dir;  /* directory of the JSON, for .wasm files */
  char *wast; /* "name.wast", for messages */
  vw_store *store;
  vw_instance *current;
  inst_entry *named, *registered;
  spectest_entry spectest[SPECTEST_MAX];
  unsigned nspectest;
  /* counts for the file */
  unsigned passed, failed, skipped;
} runner;

static void report_fail(runner *r, int line, const char *type, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));

static void report_fail(runner *r, int line, const char *type, const char *fmt,
                        ...) {
  va_list ap;
  r->failed++;
  printf("FAIL %s:%d %s: ", r->wast, line, type);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  if (r->list_failures) printf("%s:%d\n", r->wast, line);
  /* flushed at once so a later crash of the engine loses nothing */
  fflush(stdout);
}

static void report_skip(runner *r, int line, const char *type,
                        const char *why) {
  r->skipped++;
  if (!r->quiet) printf("skip %s:%d %s: %s\n", r->wast, line, type, why);
}

static void report_note(runner *r, int line, const char *type, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));

static void report_note(runner *r, int line, const char *type, const char *fmt,
                        ...) {
  va_list ap;
  if (r->quiet) return;
  printf("note %s:%d %s: ", r->wast, line, type);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

/* Adds name -> inst at the front of *list; 0 on success. */
static int list_add(inst_entry **list, const char *name, vw_instance *inst) {
  inst_entry *e = malloc(sizeof *e);
  if (!e) return -1;
  e->name = xstrdup(name);
  if (!e->name) {
    free(e);
    return -1;
  }
  e->inst = inst;
  e->next = *list;
  *list = e;
  return 0;
}

static inst_entry *list_find(inst_entry *list, const char *name) {
  for (; list; list = list->next)
    if (strcmp(list->name, name) == 0) return list;
  return NULL;
}

static void list_free(inst_entry **list) {
  while (*list) {
    inst_entry *e = *list;
    *list = e->next;
    free(e->name);
    free(e);
  }
}

/* ---- JSON helpers (every access checks the type) ------------------------ */

static const char *jstr(const cJSON *obj, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static int jline(const cJSON *cmd) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(cmd, "line");
  if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e9)
    return 0;
  return (int)v->valuedouble;
}

/* ---- the spectest host module ------------------------------------------- */

static int host_print(vw_host_call *c, void *ud, const vw_raw *args,
                      vw_raw *results) {
  /* The spec scripts only need these to exist with the right types; their
  ** output would drown the report. */
  (void)c;
  (void)ud;
  (void)args;
  (void)results;
  return 0;
}

static int spectest_add(runner *r, const char *name, vw_externkind kind,
                        void *obj) {
  if (!obj || r->nspectest >= SPECTEST_MAX) return -1;
  spectest_entry *e = &r->spectest[r->nspectest++];
  e->name = name;
  e->ext.kind = kind;
  switch (kind) {
    case VW_EXTERN_FUNC: e->ext.of.func = obj; break;
    case VW_EXTERN_TABLE: e->ext.of.table = obj; break;
    case VW_EXTERN_MEMORY: e->ext.of.memory = obj; break;
    case VW_EXTERN_GLOBAL: e->ext.of.global = obj; break;
  }
  return 0;
}

static int spectest_func(runner *r, const char *name, uint32_t n,
                         const uint8_t *params) {
  vw_functype_info t = { n, 0, params, NULL };
  return spectest_add(r, name, VW_EXTERN_FUNC,
                      vw_func_new_host(r->store, &t, host_print, NULL));
}

static vw_raw f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static vw_raw f64_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

/* Creates the spectest module's objects in r->store; 0 on success. */
static int spectest_init(runner *r) {
  static const uint8_t p_i32[] = { VW_I32 }, p_i64[] = { VW_I64 },
                       p_f32[] = { VW_F32 }, p_f64[] = { VW_F64 },
                       p_i32_f32[] = { VW_I32, VW_F32 },
                       p_f64_f64[] = { VW_F64, VW_F64 };
  int rc = 0;
  rc |= spectest_func(r, "print", 0, NULL);
  rc |= spectest_func(r, "print_i32", 1, p_i32);
  rc |= spectest_func(r, "print_i64", 1, p_i64);
  rc |= spectest_func(r, "print_f32", 1, p_f32);
  rc |= spectest_func(r, "print_f64", 1, p_f64);
  rc |= spectest_func(r, "print_i32_f32", 2, p_i32_f32);
  rc |= spectest_func(r, "print_f64_f64", 2, p_f64_f64);
  rc |= spectest_add(r, "global_i32", VW_EXTERN_GLOBAL,
                     vw_global_new(r->store, VW_I32, 0, 666));
  rc |= spectest_add(r, "global_i64", VW_EXTERN_GLOBAL,
                     vw_global_new(r->store, VW_I64, 0, 666));
  rc |= spectest_add(r, "global_f32", VW_EXTERN_GLOBAL,
                     vw_global_new(r->store, VW_F32, 0, f32_bits(666.6f)));
  rc |= spectest_add(r, "global_f64", VW_EXTERN_GLOBAL,
                     vw_global_new(r->store, VW_F64, 0, f64_bits(666.6)));
  rc |= spectest_add(r, "table", VW_EXTERN_TABLE,
                     vw_table_new(r->store, VW_FUNCREF, 10, 20, 1, 0));
  rc |= spectest_add(r, "memory", VW_EXTERN_MEMORY,
                     vw_memory_new(r->store, 1, 2, 1));
  return rc;
}

/* The resolver: spectest first, then registered instances by alias.  A
** name of the wrong kind is reported as unknown; type checks within a kind
** are the engine's job (the unlinkable tests check exactly that). */
static int resolve(void *ud, const char *module, const char *name,
                   vw_externkind kind, vw_extern *out) {
  runner *r = ud;
  if (strcmp(module, "spectest") == 0) {
    for (unsigned i = 0; i < r->nspectest; i++)
      if (strcmp(r->spectest[i].name, name) == 0) {
        if (r->spectest[i].ext.kind != kind) return -1;
        *out = r->spectest[i].ext;
        return 0;
      }
    return -1;
  }
  inst_entry *e = list_find(r->registered, module);
  if (!e || !e->inst) return -1;
  vw_extern x;
  if (vw_instance_export(e->inst, name, &x) != 0 || x.kind != kind) return -1;
  *out = x;
  return 0;
}

/* ---- values ------------------------------------------------------------- */

enum { V_EXACT, V_NAN_CANONICAL, V_NAN_ARITHMETIC, V_NONNULL };

typedef struct value {
  uint8_t type; /* vw_valtype */
  int match;    /* V_EXACT ... */
  vw_raw bits;
  vw_raw hi;
  int lanebits;
  int lanematch[16];
} value;

enum { PV_OK = 0, PV_V128 = 1, PV_BAD = -1 };

static int parse_type(const char *s, uint8_t *out) {
  static const struct {
    const char *name;
    uint8_t t;
  } types[] = { { "i32", VW_I32 },
                { "i64", VW_I64 },
                { "f32", VW_F32 },
                { "f64", VW_F64 },
                { "v128", VW_V128 },
                { "funcref", VW_FUNCREF },
                { "externref", VW_EXTERNREF } };
  if (!s) return -1;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(s, types[i].name) == 0) {
      *out = types[i].t;
      return 0;
    }
  return -1;
}

/* Decimal text of a number; wast2json writes integers and float bit
** patterns unsigned, but a signed spelling is accepted too. */
static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  if (!s || !*s) return -1;
  errno = 0;
  if (*s == '-') {
    long long v = strtoll(s, &end, 10);
    *out = (uint64_t)v;
  } else {
    *out = strtoull(s, &end, 10);
  }
  return errno || *end ? -1 : 0;
}

/* Parses one {"type": T, "value": V}.  `expected` allows NaN patterns. */
static int parse_value(const cJSON *j, int expected, value *v, char *why,
                       size_t whylen) {
  const char *ts = jstr(j, "type");
  if (parse_type(ts, &v->type) != 0) {
    snprintf(why, whylen, "unknown value type %s", ts ? ts : "(none)");
    return PV_BAD;
  }
  if (v->type == VW_V128) {
    const char *lt = jstr(j, "lane_type");
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "value");
    int lb = !lt                                          ? 0
             : !strcmp(lt, "i8")                          ? 8
             : !strcmp(lt, "i16")                         ? 16
             : (!strcmp(lt, "i32") || !strcmp(lt, "f32")) ? 32
                                                          : 64;
    int isf = lt && lt[0] == 'f';
    if (!lb || !cJSON_IsArray(arr)) {
      snprintf(why, whylen, "bad v128");
      return PV_BAD;
    }
    uint8_t bytes[16] = { 0 };
    int n = 128 / lb, i = 0;
    const cJSON *e;
    v->match = V_EXACT;
    v->lanebits = lb;
    cJSON_ArrayForEach(e, arr) {
      if (i >= n || !cJSON_IsString(e)) return PV_BAD;
      const char *t = e->valuestring;
      v->lanematch[i] = V_EXACT;
      uint64_t x = 0;
      if (isf && !strcmp(t, "nan:canonical"))
        v->lanematch[i] = V_NAN_CANONICAL;
      else if (isf && !strcmp(t, "nan:arithmetic"))
        v->lanematch[i] = V_NAN_ARITHMETIC;
      else if (parse_u64(t, &x) != 0)
        return PV_BAD;
      memcpy(bytes + i * (lb / 8), &x, lb / 8);
      i++;
    }
    memcpy(&v->bits, bytes, 8);
    memcpy(&v->hi, bytes + 8, 8);
    return PV_OK;
  }
  const char *s = jstr(j, "value");
  if (!s) {
    snprintf(why, whylen, "%s value without a string \"value\"", ts);
    return PV_BAD;
  }
  v->match = V_EXACT;
  v->bits = 0;
  if (v->type == VW_FUNCREF || v->type == VW_EXTERNREF) {
    if (strcmp(s, "null") == 0) return PV_OK;
    uint64_t n;
    if (v->type == VW_FUNCREF || parse_u64(s, &n) != 0) {
      /* A funcref can't be named from the script: any non-null matches. */
      if (!expected) {
        snprintf(why, whylen, "cannot pass %s value \"%s\"", ts, s);
        return PV_BAD;
      }
      v->match = V_NONNULL;
      return PV_OK;
    }
    /* externref N is the host pointer N+1, so that ref.extern 0 is not
    ** null. */
    v->bits = (vw_raw)(n + 1);
    return PV_OK;
  }
  if (expected && (v->type == VW_F32 || v->type == VW_F64)) {
    if (strcmp(s, "nan:canonical") == 0) {
      v->match = V_NAN_CANONICAL;
      return PV_OK;
    }
    if (strcmp(s, "nan:arithmetic") == 0) {
      v->match = V_NAN_ARITHMETIC;
      return PV_OK;
    }
  }
  uint64_t n;
  if (parse_u64(s, &n) != 0) {
    snprintf(why, whylen, "bad %s value \"%s\"", ts, s);
    return PV_BAD;
  }
  if (v->type == VW_I32 || v->type == VW_F32) n &= 0xffffffffu;
  v->bits = n;
  return PV_OK;
}

/* Does the raw result `got` of type t match the expectation? */
static int value_matches1(const value *want, vw_raw got);
static int value_matches_v(const value *want, const vw_raw *got) {
  if (want->type != VW_V128) return value_matches1(want, got[0]);
  uint8_t g[16], w[16];
  memcpy(g, got, 16);
  memcpy(w, &want->bits, 8);
  memcpy(w + 8, &want->hi, 8);
  int lb = want->lanebits / 8;
  for (int i = 0; i < 16 / lb; i++) {
    if (want->lanematch[i] == V_EXACT) {
      if (memcmp(g + i * lb, w + i * lb, lb)) return 0;
      continue;
    }
    value x = { lb == 4 ? VW_F32 : VW_F64, want->lanematch[i], 0, 0, 0, { 0 } };
    vw_raw gv = 0;
    memcpy(&gv, g + i * lb, lb);
    if (!value_matches1(&x, gv)) return 0;
  }
  return 1;
}
static int value_matches1(const value *want, vw_raw got) {
  switch (want->match) {
    case V_NONNULL: return got != 0;
    case V_NAN_CANONICAL:
      if (want->type == VW_F32)
        return got <= 0xffffffffu && (got & 0x7fffffffu) == 0x7fc00000u;
      return (got & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
    case V_NAN_ARITHMETIC:
      if (want->type == VW_F32)
        return got <= 0xffffffffu && (got & 0x7fc00000u) == 0x7fc00000u;
      return (got & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
  }
  /* Exact, all 64 bits: the API promises i32 and f32 zero-extended. */
  return got == want->bits;
}

static void format_value(uint8_t t, vw_raw v, char *buf, size_t len) {
  switch (t) {
    case VW_I32:
    case VW_F32:
      snprintf(buf, len, "%s:0x%08" PRIx64, vw_valtype_name(t), v);
      break;
    case VW_I64:
    case VW_F64:
      snprintf(buf, len, "%s:0x%016" PRIx64, vw_valtype_name(t), v);
      break;
    default: snprintf(buf, len, "%s:0x%" PRIx64, vw_valtype_name(t), v);
  }
}

static void format_expected(const value *w, char *buf, size_t len) {
  switch (w->match) {
    case V_NONNULL:
      snprintf(buf, len, "%s:non-null", vw_valtype_name(w->type));
      break;
    case V_NAN_CANONICAL:
      snprintf(buf, len, "%s:nan:canonical", vw_valtype_name(w->type));
      break;
    case V_NAN_ARITHMETIC:
      snprintf(buf, len, "%s:nan:arithmetic", vw_valtype_name(w->type));
      break;
    default: format_value(w->type, w->bits, buf, len);
  }
}

/* ---- modules ------------------------------------------------------------ */

/* cJSON strings are NUL-terminated, so an escaped NUL ("\u0000", which
** names.wast uses in an export name) would cut a name short.  Before
** parsing, each one is rewritten to U+F0000 (a private-use code point no
** test uses), and export lookups turn it back into a NUL byte. */
static const char nul_escape[] = "\\u0000";
static const char nul_standin_escape[] = "\\udb80\\udc00";
static const char nul_standin_utf8[] = "\xf3\xb0\x80\x80";

/* Returns a new buffer (free it) or NULL; *len is updated. */
static char *protect_nuls(const char *text, size_t *len) {
  size_t n = *len, out = 0;
  char *buf = malloc(n * 2 + 1); /* each 6-byte escape grows to 12 */
  if (!buf) return NULL;
  for (size_t i = 0; i < n;) {
    if (text[i] == '\\' && i + 1 < n) {
      if (n - i >= 6 && memcmp(text + i, nul_escape, 6) == 0) {
        memcpy(buf + out, nul_standin_escape, 12);
        out += 12;
        i += 6;
      } else { /* copy any other escape whole */
        buf[out++] = text[i++];
        buf[out++] = text[i++];
      }
      continue;
    }
    buf[out++] = text[i++];
  }
  buf[out] = 0;
  *len = out;
  return buf;
}

/* Copies a name, turning the stand-ins back into NUL bytes; returns its
** length.  dst has room for strlen(src) + 1 bytes. */
static size_t restore_nuls(const char *src, char *dst) {
  size_t n = 0;
  while (*src) {
    if (strncmp(src, nul_standin_utf8, 4) == 0) {
      dst[n++] = 0;
      src += 4;
    } else {
      dst[n++] = *src++;
    }
  }
  dst[n] = 0;
  return n;
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    uint8_t *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  if (buf && ferror(f)) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

static const char *status_name(vw_status s) {
  switch (s) {
    case VW_OK: return "ok";
    case VW_ERR_NOMEM: return "out of memory";
    case VW_ERR_MALFORMED: return "malformed";
    case VW_ERR_INVALID: return "invalid";
    case VW_ERR_UNLINKABLE: return "unlinkable";
    case VW_ERR_TRAP: return "trap";
    case VW_ERR_ARG: return "bad argument";
  }
  return "unknown status";
}

/* Loads the command's "filename".  Returns the module, or NULL: with `why`
** set when the file itself is unusable (not the engine's doing), else with
** err filled by the engine. */
static vw_module *load_module(runner *r, const cJSON *cmd, vw_error *err,
                              char *why, size_t whylen) {
  const char *fn = jstr(cmd, "filename");
  memset(err, 0, sizeof *err);
  why[0] = 0;
  if (!fn || strchr(fn, '/')) {
    snprintf(why, whylen, "missing or bad \"filename\"");
    return NULL;
  }
  size_t plen = strlen(r->dir) + strlen(fn) + 2;
  char *path = malloc(plen);
  if (!path) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  snprintf(path, plen, "%s/%s", r->dir, fn);
  size_t len;
  uint8_t *bytes = read_file(path, &len);
  if (!bytes) {
    snprintf(why, whylen, "cannot read %s", path);
    free(path);
    return NULL;
  }
  free(path);
  vw_module *m = vw_module_new(bytes, len, NULL, err);
  free(bytes);
  return m;
}

static int is_text_module(const cJSON *cmd) {
  const char *mt = jstr(cmd, "module_type");
  const char *fn = jstr(cmd, "filename");
  size_t n = fn ? strlen(fn) : 0;
  return (mt && strcmp(mt, "text") == 0) ||
         (n > 4 && strcmp(fn + n - 4, ".wat") == 0);
}

static void err_text(const vw_error *err, char *buf, size_t len) {
  if (err->offset != VW_NO_OFFSET && err->status != VW_ERR_TRAP)
    snprintf(buf, len, "%s at offset %zu: %s", status_name(err->status),
             err->offset, err->msg);
  else
    snprintf(buf, len, "%s: %s", status_name(err->status), err->msg);
}

static void cmd_module(runner *r, const cJSON *cmd, int line) {
  char why[512], et[400];
  vw_error err;
  const char *name = jstr(cmd, "name");
  r->current = NULL;
  vw_module *m = load_module(r, cmd, &err, why, sizeof why);
  vw_instance *inst = NULL;
  if (!m) {
    if (why[0])
      report_fail(r, line, "module", "%s", why);
    else {
      err_text(&err, et, sizeof et);
      report_fail(r, line, "module", "load failed: %s", et);
    }
  } else {
    memset(&err, 0, sizeof err);
    inst = vw_instantiate(r->store, m, resolve, r, &err);
    vw_module_free(m); /* the instance holds its own reference */
    if (!inst) {
      err_text(&err, et, sizeof et);
      report_fail(r, line, "module", "instantiate failed: %s", et);
    } else {
      r->passed++;
    }
  }
  r->current = inst;
  /* A failed named module is still recorded (as NULL), so later commands
  ** that name it fail instead of reaching an older module of that name. */
  if (name && list_add(&r->named, name, inst) != 0)
    report_fail(r, line, "module", "runner out of memory");
}

static void cmd_register(runner *r, const cJSON *cmd, int line) {
  const char *as = jstr(cmd, "as"), *name = jstr(cmd, "name");
  vw_instance *inst = r->current;
  if (!as) {
    report_fail(r, line, "register", "missing \"as\"");
    return;
  }
  if (name) {
    inst_entry *e = list_find(r->named, name);
    if (!e) {
      report_fail(r, line, "register", "unknown module %s", name);
      return;
    }
    inst = e->inst;
  }
  if (!inst) {
    report_fail(r, line, "register", "no module to register");
    return;
  }
  if (list_add(&r->registered, as, inst) != 0) {
    report_fail(r, line, "register", "runner out of memory");
    return;
  }
  r->passed++;
}

/* ---- actions ------------------------------------------------------------ */

enum { ACT_DONE, ACT_SKIP, ACT_BROKEN };

typedef struct outcome {
  vw_status status; /* of the call */
  vw_error err;
  uint32_t nresults;
  uint8_t *types;  /* result types (owned) */
  vw_raw *results; /* (owned) */
} outcome;

static void outcome_free(outcome *o) {
  free(o->types);
  free(o->results);
  o->types = NULL;
  o->results = NULL;
}

/* Finds the export `field` of the module named `modname` (the current one
** when NULL).  ACT_DONE, or ACT_BROKEN with `why`. */
static int action_export(runner *r, const char *modname, const char *field,
                         vw_extern *ext, char *why, size_t whylen) {
  vw_instance *inst = r->current;
  if (modname) {
    inst_entry *e = list_find(r->named, modname);
    if (!e) {
      snprintf(why, whylen, "unknown module %s", modname);
      return ACT_BROKEN;
    }
    inst = e->inst;
  }
  if (!inst) {
    snprintf(why, whylen, "no module instance (it failed to load)");
    return ACT_BROKEN;
  }
  /* the script's name may stand for one holding NUL bytes (protect_nuls) */
  char *fname = malloc(strlen(field) + 1);
  int found = fname && vw_instance_export_n(
                           inst, fname, restore_nuls(field, fname), ext) == 0;
  free(fname);
  if (!found) {
    snprintf(why, whylen, "no export \"%s\"", field);
    return ACT_BROKEN;
  }
  return ACT_DONE;
}

/* A "get" action: the global's value becomes the one result. */
static int action_get(const vw_extern *ext, const char *field, outcome *o,
                      char *why, size_t whylen) {
  if (ext->kind != VW_EXTERN_GLOBAL) {
    snprintf(why, whylen, "export \"%s\" is not a global", field);
    return ACT_BROKEN;
  }
  int mut;
  uint8_t t = (uint8_t)vw_global_type(ext->of.global, &mut);
  if (t == VW_V128) {
    snprintf(why, whylen, "v128 global");
    return ACT_SKIP;
  }
  o->types = malloc(1);
  o->results = malloc(sizeof(vw_raw));
  if (!o->types || !o->results) {
    outcome_free(o);
    snprintf(why, whylen, "runner out of memory");
    return ACT_BROKEN;
  }
  o->nresults = 1;
  o->types[0] = t;
  o->results[0] = vw_global_get(ext->of.global);
  o->status = VW_OK;
  return ACT_DONE;
}

/* Parses the call's "args" into argv (a v128 takes two slots), each of the
** parameter type ft gives; 0, or -1 with `why`. */
static int parse_args(const cJSON *args, const vw_functype_info *ft,
                      const char *field, vw_raw *argv, char *why,
                      size_t whylen) {
  uint32_t i = 0, k = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, args) {
    value v;
    if (parse_value(it, 0, &v, why, whylen) != PV_OK) return -1;
    if (v.type != ft->params[i]) {
      snprintf(why, whylen, "argument %u is %s, \"%s\" expects %s", i,
               vw_valtype_name(v.type), field, vw_valtype_name(ft->params[i]));
      return -1;
    }
    argv[k++] = v.bits;
    if (v.type == VW_V128) argv[k++] = v.hi;
    i++;
  }
  return 0;
}

/* An "invoke" action: calls the function with the script's arguments. */
static int action_invoke(runner *r, const vw_extern *ext, const char *field,
                         const cJSON *args, outcome *o, char *why,
                         size_t whylen) {
  if (ext->kind != VW_EXTERN_FUNC) {
    snprintf(why, whylen, "export \"%s\" is not a function", field);
    return ACT_BROKEN;
  }
  vw_functype_info ft;
  vw_func_type(ext->of.func, &ft);
  int nargs = cJSON_IsArray(args) ? cJSON_GetArraySize(args) : 0;
  if (args && !cJSON_IsArray(args)) {
    snprintf(why, whylen, "\"args\" is not an array");
    return ACT_BROKEN;
  }
  if ((uint32_t)nargs != ft.nparams) {
    snprintf(why, whylen, "\"%s\" takes %u arguments, script passes %d", field,
             ft.nparams, nargs);
    return ACT_BROKEN;
  }
  /* +1 so that zero-sized requests still give distinct non-NULL blocks */
  vw_raw *argv = calloc((size_t)ft.nparams * 2 + 1, sizeof *argv);
  o->results = calloc((size_t)ft.nresults * 2 + 1, sizeof *o->results);
  o->types = malloc((size_t)ft.nresults + 1);
  if (!argv || !o->results || !o->types) {
    snprintf(why, whylen, "runner out of memory");
  } else if (parse_args(args, &ft, field, argv, why, whylen) == 0) {
    memcpy(o->types, ft.results, ft.nresults);
    o->nresults = ft.nresults;
    memset(&o->err, 0, sizeof o->err);
    o->status = vw_call(r->store, ext->of.func, argv, o->results, &o->err);
    free(argv);
    return ACT_DONE;
  }
  free(argv);
  outcome_free(o);
  return ACT_BROKEN;
}

/* Performs cmd's "action".  ACT_DONE: o holds the status and results.
** ACT_SKIP / ACT_BROKEN: `why` says why. */
static int do_action(runner *r, const cJSON *cmd, outcome *o, char *why,
                     size_t whylen) {
  memset(o, 0, sizeof *o);
  const cJSON *act = cJSON_GetObjectItemCaseSensitive(cmd, "action");
  if (!cJSON_IsObject(act)) {
    snprintf(why, whylen, "missing \"action\"");
    return ACT_BROKEN;
  }
  const char *atype = jstr(act, "type"), *field = jstr(act, "field"),
             *modname = jstr(act, "module");
  if (!atype || !field) {
    snprintf(why, whylen, "action without type or field");
    return ACT_BROKEN;
  }
  vw_extern ext;
  int rc = action_export(r, modname, field, &ext, why, whylen);
  if (rc != ACT_DONE) return rc;
  if (strcmp(atype, "get") == 0) return action_get(&ext, field, o, why, whylen);
  if (strcmp(atype, "invoke") != 0) {
    snprintf(why, whylen, "unknown action type %s", atype);
    return ACT_BROKEN;
  }
  return action_invoke(r, &ext, field,
                       cJSON_GetObjectItemCaseSensitive(act, "args"), o, why,
                       whylen);
}

/* Performs cmd's action for a command of kind `type`; a skip or a broken
** command is reported here.  1: o holds the outcome (free it). */
static int run_action(runner *r, const cJSON *cmd, int line, const char *type,
                      outcome *o) {
  char why[512];
  int rc = do_action(r, cmd, o, why, sizeof why);
  if (rc == ACT_SKIP) {
    report_skip(r, line, type, why);
    return 0;
  }
  if (rc == ACT_BROKEN) {
    report_fail(r, line, type, "%s", why);
    return 0;
  }
  return 1;
}

/* run_action for the commands whose call must return: an error from it is
** reported as the command's failure too.  1: o holds the results (free
** it). */
static int run_action_returning(runner *r, const cJSON *cmd, int line,
                                const char *type, outcome *o) {
  if (!run_action(r, cmd, line, type, o)) return 0;
  if (o->status == VW_OK) return 1;
  char et[400];
  err_text(&o->err, et, sizeof et);
  report_fail(r, line, type, "%s", et);
  outcome_free(o);
  return 0;
}

static void cmd_action(runner *r, const cJSON *cmd, int line,
                       const char *type) {
  outcome o;
  if (!run_action_returning(r, cmd, line, type, &o)) return;
  r->passed++;
  outcome_free(&o);
}

/* Compares the results with the script's `exp` (as many as there are
** results); 1 when all match, else the first mismatch is reported. */
static int results_match(runner *r, const cJSON *exp, int line,
                         const char *type, const outcome *o) {
  char why[512];
  uint32_t i = 0, k = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, exp) {
    value w;
    if (parse_value(it, 1, &w, why, sizeof why) != PV_OK) {
      report_fail(r, line, type, "%s", why);
      return 0;
    }
    if (w.type != o->types[i]) {
      report_fail(r, line, type, "result %u is %s, script expects %s", i,
                  vw_valtype_name(o->types[i]), vw_valtype_name(w.type));
      return 0;
    }
    if (!value_matches_v(&w, o->results + k)) {
      char g[64], e[64];
      format_value(o->types[i], o->results[k], g, sizeof g);
      if (w.type == VW_V128)
        snprintf(g, sizeof g, "v128:%016llx %016llx",
                 (unsigned long long)o->results[k + 1],
                 (unsigned long long)o->results[k]);
      format_expected(&w, e, sizeof e);
      report_fail(r, line, type, "result %u: got %s, expected %s", i, g, e);
      return 0;
    }
    k += w.type == VW_V128 ? 2 : 1;
    i++;
  }
  return 1;
}

static void cmd_assert_return(runner *r, const cJSON *cmd, int line) {
  const char *type = "assert_return";
  outcome o;
  if (!run_action_returning(r, cmd, line, type, &o)) return;
  const cJSON *exp = cJSON_GetObjectItemCaseSensitive(cmd, "expected");
  int nexp = cJSON_IsArray(exp) ? cJSON_GetArraySize(exp) : -1;
  if (nexp < 0)
    report_fail(r, line, type, "missing \"expected\"");
  else if ((uint32_t)nexp != o.nresults)
    report_fail(r, line, type, "%u results, script expects %d", o.nresults,
                nexp);
  else if (results_match(r, exp, line, type, &o))
    r->passed++;
  outcome_free(&o);
}

/* The engine's words for a trap vs the script's: the reference interpreter
** passes when one starts with the other ("uninitialized element 2"). */
static void check_trap_text(runner *r, const cJSON *cmd, int line,
                            const char *type, const vw_error *err) {
  const char *want = jstr(cmd, "text");
  const char *got = vw_trap_name(err->trap);
  if (!want || !got) return;
  size_t n = strlen(got) < strlen(want) ? strlen(got) : strlen(want);
  if (n == 0 || strncmp(got, want, n) != 0)
    report_note(r, line, type, "trap text \"%s\", script expects \"%s\"", got,
                want);
}

static void cmd_assert_trap(runner *r, const cJSON *cmd, int line,
                            const char *type) {
  outcome o;
  if (!run_action(r, cmd, line, type, &o)) return;
  if (o.status == VW_OK) {
    report_fail(r, line, type, "returned normally, expected a trap (%s)",
                jstr(cmd, "text") ? jstr(cmd, "text") : "?");
  } else if (o.status != VW_ERR_TRAP) {
    char et[400];
    err_text(&o.err, et, sizeof et);
    report_fail(r, line, type, "expected a trap, got %s", et);
  } else {
    r->passed++;
    check_trap_text(r, cmd, line, type, &o.err);
  }
  outcome_free(&o);
}

/* assert_invalid / assert_malformed: the binary must not load.  `want` is
** the status a careful engine gives; another error is only a note, since
** the line between decoding and validation differs between engines. */
static void cmd_assert_bad_module(runner *r, const cJSON *cmd, int line,
                                  const char *type, vw_status want) {
  char why[512];
  vw_error err;
  if (is_text_module(cmd)) {
    report_skip(r, line, type, "text module");
    return;
  }
  vw_module *m = load_module(r, cmd, &err, why, sizeof why);
  if (m) {
    vw_module_free(m);
    report_fail(r, line, type, "module loaded, expected \"%s\"",
                jstr(cmd, "text") ? jstr(cmd, "text") : "?");
    return;
  }
  if (why[0]) {
    report_fail(r, line, type, "%s", why);
    return;
  }
  if (err.status == VW_ERR_NOMEM || err.status == VW_OK) {
    report_fail(r, line, type, "load failed with %s", status_name(err.status));
    return;
  }
  r->passed++;
  if (err.status != want)
    report_note(r, line, type, "rejected as %s (%s), script expects %s \"%s\"",
                status_name(err.status), err.msg, status_name(want),
                jstr(cmd, "text") ? jstr(cmd, "text") : "?");
}

/* assert_unlinkable / assert_uninstantiable (and assert_trap on a module):
** the binary loads, instantiation fails with `want`. */
static void cmd_assert_bad_instance(runner *r, const cJSON *cmd, int line,
                                    const char *type, vw_status want) {
  char why[512], et[400];
  vw_error err;
  if (is_text_module(cmd)) {
    report_skip(r, line, type, "text module");
    return;
  }
  vw_module *m = load_module(r, cmd, &err, why, sizeof why);
  if (!m) {
    if (why[0])
      report_fail(r, line, type, "%s", why);
    else {
      err_text(&err, et, sizeof et);
      report_fail(r, line, type, "load failed: %s", et);
    }
    return;
  }
  memset(&err, 0, sizeof err);
  vw_instance *inst = vw_instantiate(r->store, m, resolve, r, &err);
  vw_module_free(m);
  if (inst) {
    /* It stays in the store (freed with it) but is not current. */
    report_fail(r, line, type, "instantiated, expected \"%s\"",
                jstr(cmd, "text") ? jstr(cmd, "text") : "?");
  } else if (err.status != want) {
    err_text(&err, et, sizeof et);
    report_fail(r, line, type, "expected %s, got %s", status_name(want), et);
  } else {
    r->passed++;
    if (want == VW_ERR_TRAP) check_trap_text(r, cmd, line, type, &err);
  }
}

static void run_command(runner *r, const cJSON *cmd) {
  int line = jline(cmd);
  const char *type = jstr(cmd, "type");
  if (!cJSON_IsObject(cmd) || !type) {
    report_fail(r, line, "command", "not an object with a \"type\"");
    return;
  }
  if (strcmp(type, "module") == 0)
    cmd_module(r, cmd, line);
  else if (strcmp(type, "register") == 0)
    cmd_register(r, cmd, line);
  else if (strcmp(type, "action") == 0)
    cmd_action(r, cmd, line, type);
  else if (strcmp(type, "assert_return") == 0)
    cmd_assert_return(r, cmd, line);
  else if (strcmp(type, "assert_trap") == 0) {
    if (cJSON_GetObjectItemCaseSensitive(cmd, "filename"))
      cmd_assert_bad_instance(r, cmd, line, type, VW_ERR_TRAP);
    else
      cmd_assert_trap(r, cmd, line, type);
  } else if (strcmp(type, "assert_exhaustion") == 0)
    cmd_assert_trap(r, cmd, line, type);
  else if (strcmp(type, "assert_invalid") == 0)
    cmd_assert_bad_module(r, cmd, line, type, VW_ERR_INVALID);
  else if (strcmp(type, "assert_malformed") == 0)
    cmd_assert_bad_module(r, cmd, line, type, VW_ERR_MALFORMED);
  else if (strcmp(type, "assert_unlinkable") == 0)
    cmd_assert_bad_instance(r, cmd, line, type, VW_ERR_UNLINKABLE);
  else if (strcmp(type, "assert_uninstantiable") == 0)
    cmd_assert_bad_instance(r, cmd, line, type, VW_ERR_TRAP);
  else
    report_fail(r, line, type, "unknown command type");
}

/* ---- files -------------------------------------------------------------- */

/* "dir/name.json" -> dir and a display name "name.wast" (from the JSON's
** source_filename when present). */
static int set_names(runner *r, const char *json_path, const cJSON *root) {
  const char *slash = strrchr(json_path, '/');
  size_t dlen = slash ? (size_t)(slash - json_path) : 1;
  r->dir = malloc(dlen + 1);
  if (!r->dir) return -1;
  memcpy(r->dir, slash ? json_path : ".", dlen);
  r->dir[dlen] = 0;

  const char *src = root ? jstr(root, "source_filename") : NULL;
  if (src && *src) {
    const char *b = strrchr(src, '/');
    r->wast = xstrdup(b ? b + 1 : src);
  } else {
    const char *b = slash ? slash + 1 : json_path;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0) n -= 5;
    r->wast = malloc(n + 6);
    if (r->wast) {
      memcpy(r->wast, b, n);
      memcpy(r->wast + n, ".wast", 6);
    }
  }
  return r->wast ? 0 : -1;
}

static void run_file(runner *r, const char *path) {
  size_t len;
  char *text = (char *)read_file(path, &len);
  cJSON *root = NULL;
  int readable = text != NULL;
  if (text) {
    char *safe = protect_nuls(text, &len);
    if (safe) root = cJSON_ParseWithLength(safe, len);
    free(safe);
  }
  free(text);
  if (set_names(r, path, root) != 0) {
    printf("FAIL %s:0 file: runner out of memory\n", path);
    r->failed++;
    goto done;
  }
  const cJSON *cmds =
      root ? cJSON_GetObjectItemCaseSensitive(root, "commands") : NULL;
  if (!readable) {
    report_fail(r, 0, "file", "cannot read %s", path);
  } else if (!root) {
    report_fail(r, 0, "file", "not valid JSON");
  } else if (!cJSON_IsArray(cmds)) {
    report_fail(r, 0, "file", "no \"commands\" array");
  } else if (!(r->store = vw_store_new(NULL)) || spectest_init(r) != 0) {
    report_fail(r, 0, "file", "cannot create the store or spectest module");
  } else {
    const cJSON *cmd;
    cJSON_ArrayForEach(cmd, cmds) run_command(r, cmd);
  }
  printf("%s: %u passed, %u failed, %u skipped\n", r->wast ? r->wast : path,
         r->passed, r->failed, r->skipped);
  fflush(stdout);
done:
  list_free(&r->named);
  list_free(&r->registered);
  if (r->store) vw_store_free(r->store);
  r->store = NULL;
  r->current = NULL;
  r->nspectest = 0;
  cJSON_Delete(root);
  free(r->dir);
  free(r->wast);
  r->dir = r->wast = NULL;
}

static void usage(void) {
  fprintf(
      stderr,
      "usage: vw-spec [--quiet] [--list-failures] FILE.json...\n"
      "  runs wast2json output against the engine; see tests/spec/run.sh\n");
}

int main(int argc, char **argv) {
  runner r;
  memset(&r, 0, sizeof r);
  int nfiles = 0, failed = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quiet") == 0)
      r.quiet = 1;
    else if (strcmp(argv[i], "--list-failures") == 0)
      r.list_failures = 1;
    else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage();
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      usage();
      return 2;
    } else
      nfiles++;
  }
  if (nfiles == 0) {
    usage();
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1]) continue;
    r.passed = r.failed = r.skipped = 0;
    run_file(&r, argv[i]);
    if (r.failed) failed = 1;
  }
  return failed;
}
