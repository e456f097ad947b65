/*
** inspect.c — `vyoma validate` and `vyoma inspect`, plus the module loading
** and error reporting that `run` shares with them.  Both commands also take
** a component (wasm32-wasip2, component/cm.h): validate checks it, inspect
** prints its imports, exports and world; `run` cannot run one yet and says
** so.
**
** A load failure is always one line on stderr,
**   vyoma: FILE: offset 0xNN: message
** so editors and scripts can jump to the byte; exit status 1.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../component/cm.h"
#include "cli.h"

uint8_t *cli_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "vyoma: %s: %s\n", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  int serr = fstat(fileno(f), &st) != 0 ? errno : 0;
  if (!serr && S_ISDIR(st.st_mode)) serr = EISDIR;
  if (serr) {
    fprintf(stderr, "vyoma: %s: %s\n", path, strerror(serr));
    fclose(f);
    return NULL;
  }
  /* Read in chunks rather than trusting st_size: pipes and /dev/stdin have
  ** no size. */
  size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536, n = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fprintf(stderr, "vyoma: %s: %s\n", path, strerror(ENOMEM));
      fclose(f);
      return NULL;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
    if (n == cap) {
      uint8_t *nb = realloc(buf, cap * 2);
      if (!nb) free(buf);
      buf = nb;
      cap *= 2;
    }
  }
  if (ferror(f)) {
    fprintf(stderr, "vyoma: %s: %s\n", path, strerror(errno ? errno : EIO));
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

void cli_report_error(const char *path, const vw_error *err) {
  const char *msg = err->msg[0] ? err->msg : "error";
  if (err->status == VW_ERR_NOMEM && !err->msg[0]) msg = "out of memory";
  if ((err->status == VW_ERR_MALFORMED || err->status == VW_ERR_INVALID) &&
      err->offset != VW_NO_OFFSET)
    fprintf(stderr, "vyoma: %s: offset 0x%zx: %s\n", path, err->offset, msg);
  else
    fprintf(stderr, "vyoma: %s: %s\n", path, msg);
}

vw_module *cli_load_module(const char *path) {
  size_t len = 0;
  uint8_t *bytes = cli_read_file(path, &len);
  if (!bytes) return NULL;
  if (cm_is_component(bytes, len)) {
    fprintf(stderr,
            "vyoma: %s: a WebAssembly component (wasm32-wasip2): running "
            "components is not supported yet; `vyoma inspect %s` shows it\n",
            path, path);
    free(bytes);
    return NULL;
  }
  vw_error err;
  memset(&err, 0, sizeof err);
  vw_module *m = vw_module_new(bytes, len, NULL, &err);
  free(bytes); /* the engine keeps its own copy */
  if (!m) cli_report_error(path, &err);
  return m;
}

/* The arguments of a command that takes one FILE.wasm: -1 when they are
** that, else the exit status after printing the help (--help, -h) or the
** usage line. */
static int file_command_args(int argc, char **argv, const char *command,
                             const char *help) {
  if (argc == 1 && argv[0][0] != '-') return -1;
  if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
    printf("usage: vyoma %s FILE.wasm\n%s", command, help);
    return 0;
  }
  fprintf(stderr, "usage: vyoma %s FILE.wasm\n", command);
  return VYOMA_EXIT_USAGE;
}

/* validate (describe false) or inspect a component: -1 when path is not
** one, else the exit status */
static int component_command(const char *path, bool describe) {
  size_t len = 0;
  uint8_t *bytes = cli_read_file(path, &len);
  if (!bytes) return VYOMA_EXIT_FAIL;
  if (!cm_is_component(bytes, len)) {
    free(bytes);
    return -1;
  }
  cm_error err;
  memset(&err, 0, sizeof err);
  cm_component *c = cm_decode(bytes, len, path, &err);
  free(bytes);
  if (!c) {
    vw_error e = { .status = err.status, .offset = err.offset };
    snprintf(e.msg, sizeof e.msg, "%s", err.msg);
    cli_report_error(path, &e);
    return VYOMA_EXIT_FAIL;
  }
  if (describe)
    cm_describe(c, stdout);
  else
    printf("ok\n");
  cm_free(c);
  return 0;
}

int cli_validate(int argc, char **argv) {
  int st = file_command_args(
      argc, argv, "validate",
      "Decodes and validates the module; prints \"ok\" (exit 0) or the\n"
      "error as `vyoma: FILE: offset 0xNN: message` (exit 1).\n"
      "FILE may also be a component (wasm32-wasip2).\n");
  if (st >= 0) return st;
  if ((st = component_command(argv[0], false)) >= 0) return st;
  vw_module *m = cli_load_module(argv[0]);
  if (!m) return VYOMA_EXIT_FAIL;
  vw_module_free(m);
  printf("ok\n");
  return 0;
}

static void print_functype(const vw_functype_info *ft) {
  printf("(");
  for (uint32_t i = 0; i < ft->nparams; i++)
    printf("%s%s", i ? ", " : "", vw_valtype_name(ft->params[i]));
  printf(") -> (");
  for (uint32_t i = 0; i < ft->nresults; i++)
    printf("%s%s", i ? ", " : "", vw_valtype_name(ft->results[i]));
  printf(")");
}

static void print_limits(const vw_extern_info *x, const char *unit) {
  if (x->has_max)
    printf("min %u max %u %s", x->min, x->max, unit);
  else
    printf("min %u %s", x->min, unit);
}

/* One line per extern: kind, name, type. */
static void print_extern(const vw_extern_info *x, int is_import) {
  static const char *kinds[] = { "func", "table", "memory", "global" };
  printf("  %-6s ", x->kind <= VW_EXTERN_GLOBAL ? kinds[x->kind] : "?");
  if (is_import)
    printf("%s.%s ", x->module ? x->module : "?", x->name ? x->name : "?");
  else
    printf("%s ", x->name ? x->name : "?");
  switch (x->kind) {
    case VW_EXTERN_FUNC: print_functype(&x->func); break;
    case VW_EXTERN_TABLE:
      printf("%s ", vw_valtype_name(x->valtype));
      print_limits(x, "elements");
      break;
    case VW_EXTERN_MEMORY: print_limits(x, "pages"); break;
    case VW_EXTERN_GLOBAL:
      printf("%s%s", x->mut ? "mut " : "", vw_valtype_name(x->valtype));
      break;
  }
  printf("\n");
}

/* A heading, then the n imports or exports that `get` describes. */
static void print_externs(const vw_module *m, const char *heading, uint32_t n,
                          void (*get)(const vw_module *, uint32_t,
                                      vw_extern_info *),
                          int is_import) {
  printf("%s (%u):\n", heading, n);
  for (uint32_t i = 0; i < n; i++) {
    vw_extern_info x;
    memset(&x, 0, sizeof x);
    get(m, i, &x);
    print_extern(&x, is_import);
  }
}

int cli_inspect(int argc, char **argv) {
  int st = file_command_args(
      argc, argv, "inspect",
      "Prints the module's imports and exports with their types; for a\n"
      "component (wasm32-wasip2), its imports, exports and world.\n");
  if (st >= 0) return st;
  if ((st = component_command(argv[0], true)) >= 0) return st;
  vw_module *m = cli_load_module(argv[0]);
  if (!m) return VYOMA_EXIT_FAIL;
  print_externs(m, "imports", vw_module_import_count(m), vw_module_import, 1);
  print_externs(m, "exports", vw_module_export_count(m), vw_module_export, 0);
  vw_module_free(m);
  return 0;
}
