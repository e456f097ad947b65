/*
** manifest.c — an app's vyoma.toml: its schema (DESIGN.md's "App manifest"
** plus [lifecycle] heartbeat) as rows for the loader in schema.c, the value
** checks only a manifest has, and the grant check vy_manifest_may_send.
**
** Any unknown table or key, wrong type or bad value fails the whole
** manifest with one line "FILE:LINE: KEY: message" (KEY dotted, array items
** as KEY[i]), the first a reader meets.  A TOML syntax error is the
** parser's "FILE:LINE:COL: message".
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
#include "../toml/toml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_MAX_BYTES (1u << 20) /* a manifest is a few hundred bytes */

/* ---- value checks (vy_check_fn: NULL = fine, else why not) --------------- */

static const char *check_name(const char *s) {
  if (strcmp(s, "sys") == 0)
    return "\"sys\" is reserved (it is the supervisor's address)";
  if (!vy_valid_name(s))
    return "\"%s\" is not a valid app name ([a-z][a-z0-9-]{0,31})";
  return NULL;
}

static const char *check_module(const char *s) {
  if (!*s) return "must not be empty";
  if (*s == '/') return "must be a path inside the app's folder, not absolute";
  /* any ".." component could leave the folder */
  for (const char *p = s; *p;) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return "must stay inside the app's folder (no \"..\")";
    p += n;
    if (*p == '/') p++;
  }
  size_t n = strlen(s);
  if (s[n - 1] == '/' || strcmp(s, ".") == 0 ||
      (n >= 2 && strcmp(s + n - 2, "/.") == 0))
    return "names a folder, not a module file";
  return NULL;
}

static const char *check_ipc(const char *s) {
  if (strcmp(s, "*") == 0 || strcmp(s, "sys") == 0 || vy_valid_name(s))
    return NULL;
  return "expected an app name ([a-z][a-z0-9-]{0,31}), \"*\" or \"sys\"";
}

/* A decimal number 0..1023 at *s, advancing it. */
static int dec1023(const char **s, unsigned *out) {
  uint64_t v;
  const char *p = *s;
  if (vy_parse_digits(&p, &v) != 0 || p - *s > 4 || v > 1023) return -1;
  *s = p;
  *out = (unsigned)v;
  return 0;
}

static const char *check_i2c(const char *s) {
  unsigned bus;
  const char *p = s;
  if (dec1023(&p, &bus) != 0 || *p != ':' || p[1] != '0' ||
      (p[2] != 'x' && p[2] != 'X'))
    return "expected \"BUS:0xADDR\" (e.g. \"1:0x48\"; bus 0..1023)";
  p += 3;
  unsigned addr = 0;
  int nd = 0;
  for (; *p; p++, nd++) {
    int d = (*p >= '0' && *p <= '9')   ? *p - '0'
            : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
            : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                       : -1;
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
      return "expected a device name such as \"ttyS1\" (letters, digits, '_', "
             "'-')";
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

/* ---- the schema ---------------------------------------------------------- */

#define M(member) VY_AT(vy_manifest, member)

static const vy_key app_keys[] = {
  { "name", VY_STR, M(name), .check = check_name },
  { "version", VY_STR, M(version), .dflt_text = "" },
  { "module", VY_STR, M(module), .check = check_module },
  { "args", VY_STRLIST, M(args) },
  { "env", VY_STRMAP, M(env), .what = "an environment variable name" },
};

static const vy_key capability_keys[] = {
  { "filesystem", VY_BOOL, M(filesystem) },
  { "network", VY_BOOL, M(network) },
  { "display", VY_BOOL, M(display) },
  { "input", VY_BOOL, M(input) },
  /* the `ota` verbs through @sys (with ipc "sys"): the system's updates */
  { "ota", VY_BOOL, M(ota) },
  { "ipc", VY_STRLIST, M(ipc), .check = check_ipc },
  /* HAL grants, one row each */
  { "gpio", VY_INTLIST, M(gpio), .min = 0, .max = 1023,
    .count_offset = offsetof(vy_manifest, ngpio) },
  { "i2c", VY_STRLIST, M(i2c), .check = check_i2c },
  { "spi", VY_STRLIST, M(spi), .check = check_spi },
  { "uart", VY_STRLIST, M(uart), .check = check_uart },
  { "adc", VY_STRLIST, M(adc), .check = check_adc },
};

static const vy_key resource_keys[] = {
  /* one wasm page at least; wasm32 cannot address more than 4 GiB */
  { "memory", VY_SIZE, M(memory_bytes), .min = 64 << 10, .max = 4ll << 30 },
  { "messages_per_sec", VY_INT, M(messages_per_sec), .min = 1, .max = 1000000 },
};

/* in the order of vy_restart */
static const char *const restart_policies[] = { "never", "on-failure", "always",
                                                NULL };

static const vy_key lifecycle_keys[] = {
  { "restart", VY_CHOICE, M(restart), .choices = restart_policies,
    .what = "restart policy", .dflt = VY_RESTART_ON_FAILURE },
  { "max_restarts", VY_INT, M(max_restarts), .min = 0, .max = 1000000,
    .dflt = 5 },
  { "restart_window", VY_DURATION, M(restart_window_ms), .min = 1,
    .max = UINT32_MAX, .dflt = 60000 },
  /* a watchdog tighter than 10 ms would fire on scheduling noise; 0 = none */
  { "heartbeat", VY_DURATION, M(heartbeat_ms), .min = 10, .max = UINT32_MAX },
  { "autostart", VY_BOOL, M(autostart), .dflt = true },
  { "critical", VY_BOOL, M(critical) },
};

static const vy_table app_table = { VY_ROWS(app_keys), "unknown key", NULL };
static const vy_table capability_table = { VY_ROWS(capability_keys),
                                           "unknown key", NULL };
static const vy_table resource_table = { VY_ROWS(resource_keys), "unknown key",
                                         NULL };
static const vy_table lifecycle_table = { VY_ROWS(lifecycle_keys),
                                          "unknown key", NULL };

static const vy_key manifest_keys[] = {
  { "app", VY_TABLE, .table = &app_table },
  { "capabilities", VY_TABLE, .table = &capability_table },
  { "resources", VY_TABLE, .table = &resource_table },
  { "lifecycle", VY_TABLE, .table = &lifecycle_table },
};

static const vy_table manifest_table = {
  VY_ROWS(manifest_keys), "unknown key (keys belong in a table such as [app])",
  "unknown table (expected app, capabilities, resources or lifecycle)"
};

/* ---- what the rows cannot say -------------------------------------------- */

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

/* The required keys, then path, dir and the module relative to dir. */
static int finish_manifest(vy_ck *c, const toml_value *root, void *obj) {
  vy_manifest *m = obj;
  const toml_value *app = toml_get(root, "app");
  if (!app)
    return vy_ck_fail(c, 1, "app",
                      "missing table [app] (with name and module)");
  if (!m->name)
    return vy_ck_fail(c, toml_line(app), "app.name",
                      "missing (the app's name is required)");
  if (!m->module)
    return vy_ck_fail(c, toml_line(app), "app.module",
                      "missing (the module path is required)");
  char *module = NULL;
  if (!(m->path = strdup(c->file)) || !(m->dir = dir_of(c->file)) ||
      !(module = join(m->dir, m->module)))
    return vy_ck_nomem(c);
  free(m->module);
  m->module = module;
  return 0;
}

static void free_manifest(void *m) { vy_manifest_free(m); }

static const vy_schema manifest_schema = { &manifest_table, sizeof(vy_manifest),
                                           MANIFEST_MAX_BYTES, finish_manifest,
                                           free_manifest };

int vy_manifest_parse(const char *path, const char *text, size_t len,
                      vy_manifest *out, char *err, size_t errlen) {
  return vy_schema_parse(&manifest_schema, path, text, len, out, err, errlen);
}

int vy_manifest_load(const char *path, vy_manifest *out, char *err,
                     size_t errlen) {
  return vy_schema_load(&manifest_schema, path, out, err, errlen);
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

const vy_table *vy_manifest_schema(void) { return &manifest_table; }

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
