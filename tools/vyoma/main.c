/*
** main.c — the `vyoma` developer CLI: command dispatch, `vyoma run`, and
** turning what happened inside the app into an exit status.
**
**   vyoma run [options] [--] app.wasm [args...]   run a WASI command
**   vyoma validate app.wasm                        decode + validate only
**   vyoma inspect app.wasm                         imports/exports + types
**   vyoma new NAME                                 a new app's folder
**   vyoma manifest-reference                       the vyoma.toml keys
**
** Exit status of `run`: the app's own exit code; 134 after a trap (the
** message and a wasm backtrace go to stderr); 1 when the module cannot be
** read, decoded, validated or linked; 2 for a bad command line; 128+N when
** signal N (SIGINT, SIGTERM) stopped the app.  These follow wasmtime so
** scripts written against one work with the other.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../wasi/vwasi.h"
#include "cli.h"

#ifndef VYOMA_VERSION
#define VYOMA_VERSION "0.1.0"
#endif

/* ---- signals --------------------------------------------------------------
** The handler may only touch async-signal-safe state: vw_interrupt is
** documented safe from a signal handler, and the store pointer is published
** before the app starts and withdrawn after it ends.
**
** vw_interrupt stops wasm code at its next call or loop back-edge, but an app
** blocked inside a host call (a read of a silent stdin, a long sleep) may
** never get back to wasm code: the WASI host retries EINTR.  So the first
** signal also arms a one-second grace alarm; if the app is still running
** when it fires, we leave with the same status a completed interrupt gives.
** Nothing is lost by that: the WASI host writes straight to the descriptors,
** our own stdio has nothing buffered while the app runs. */
static vw_store *volatile g_running_store;
static vy_cap *volatile g_running_cap; /* its HAL waits end at a signal */
static volatile sig_atomic_t g_signal;
static const char *g_path = "app";

static void on_signal(int sig) {
  if (g_signal) {
    /* Second signal: the user insists.  Die the default way. */
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  g_signal = sig;
  vw_store *s = g_running_store;
  /* vy_cap_cancel is an atomic store and a write(2): signal-safe */
  if (g_running_cap) vy_cap_cancel(g_running_cap);
  if (s) {
    vw_interrupt(s);
    alarm(1);
  }
}

static void on_alarm(int sig) {
  (void)sig;
  if (!g_running_store || !g_signal) return;
  /* only async-signal-safe calls from here on */
  static const char a[] = "vyoma: ", b[] = ": interrupted by signal\n";
  if (write(2, a, sizeof a - 1) < 0 || write(2, g_path, strlen(g_path)) < 0 ||
      write(2, b, sizeof b - 1) < 0) {
    /* nothing more we can do about stderr */
  }
  _exit(128 + g_signal);
}

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  /* No SA_RESTART: a blocking call inside a WASI function should return
  ** EINTR, giving the host the chance to get back to wasm code, where the
  ** interrupt flag is checked. */
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
}

/* ---- help ---------------------------------------------------------------- */
/* ---- option values ------------------------------------------------------ */

/* "16MiB", "512k", "1G", "65536" -> bytes.  Returns 0 on success. */
static int parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno) return -1;
  uint64_t mul = 1;
  if (*end) {
    char u = (char)(*end | 0x20);
    const char *rest = end + 1;
    if (u == 'b' && !*rest)
      mul = 1;
    else {
      if (u == 'k')
        mul = 1ull << 10;
      else if (u == 'm')
        mul = 1ull << 20;
      else if (u == 'g')
        mul = 1ull << 30;
      else
        return -1;
      /* accept K, KB, KiB (all binary: memory is counted in 64 KiB pages) */
      if (!strcmp(rest, "") || !strcasecmp(rest, "b") ||
          !strcasecmp(rest, "ib"))
        ;
      else
        return -1;
    }
  }
  if (mul != 1 && v > UINT64_MAX / mul) return -1;
  *out = (uint64_t)v * mul;
  return 0;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* ---- traps --------------------------------------------------------------- */
static void print_trap(const vw_error *err) {
  const char *name = vw_trap_name(err->trap);
  if (err->trap == VW_TRAP_HOST && err->msg[0])
    name = err->msg;
  else if (!name || !*name)
    name = err->msg[0] ? err->msg : "unknown";
  fprintf(stderr, "error: wasm trap: %s\n", name);
  if (err->ntrace) {
    fprintf(stderr, "wasm backtrace:\n");
    for (unsigned i = 0; i < err->ntrace && i < VW_TRACE_MAX; i++) {
      const vw_func *f = err->trace[i];
      const char *fn = f ? vw_func_name(f) : NULL;
      uint32_t idx = f ? vw_func_index(f) : (uint32_t)-1;
      if (fn)
        fprintf(stderr, "  %u: %s\n", i, fn);
      else if (idx != (uint32_t)-1)
        fprintf(stderr, "  %u: #%u\n", i, idx);
      else
        fprintf(stderr, "  %u: <host>\n", i);
    }
  }
}

/* What a failed call means for the exit status. */
static int exit_for_error(const char *path, const vw_error *err) {
  if (err->status == VW_ERR_TRAP) {
    if (err->trap == VW_TRAP_EXIT) return err->exit_code;
    /* a HAL call cancelled by the signal traps "killed" (a host trap) */
    if ((err->trap == VW_TRAP_INTERRUPTED || err->trap == VW_TRAP_HOST) &&
        g_signal) {
      fprintf(stderr, "vyoma: %s: interrupted by signal\n", path);
      return 128 + g_signal;
    }
    print_trap(err);
    return VYOMA_EXIT_TRAP;
  }
  cli_report_error(path, err);
  return VYOMA_EXIT_FAIL;
}

/* ---- --invoke ------------------------------------------------------------ */
static int parse_value(const char *s, uint8_t type, vw_raw *out) {
  char *end;
  errno = 0;
  switch (type) {
    case VW_I32: {
      long long v = strtoll(s, &end, 0);
      if (*end || errno || v < INT32_MIN || v > (long long)UINT32_MAX)
        return -1;
      *out = (uint32_t)v;
      return 0;
    }
    case VW_I64: {
      if (s[0] == '-') {
        long long v = strtoll(s, &end, 0);
        if (*end || errno) return -1;
        *out = (uint64_t)v;
      } else {
        unsigned long long v = strtoull(s, &end, 0);
        if (*end || errno) return -1;
        *out = v;
      }
      return 0;
    }
    case VW_F32: {
      float f = strtof(s, &end);
      if (*end || !*s) return -1;
      uint32_t b;
      memcpy(&b, &f, 4);
      *out = b;
      return 0;
    }
    case VW_F64: {
      double d = strtod(s, &end);
      if (*end || !*s) return -1;
      uint64_t b;
      memcpy(&b, &d, 8);
      *out = b;
      return 0;
    }
    default: return -1;
  }
}

static void print_value(uint8_t type, vw_raw v) {
  switch (type) {
    case VW_I32: printf("%d\n", (int32_t)(uint32_t)v); break;
    case VW_I64: printf("%lld\n", (long long)(int64_t)v); break;
    case VW_F32: {
      float f;
      uint32_t b = (uint32_t)v;
      memcpy(&f, &b, 4);
      printf("%.9g\n", (double)f);
      break;
    }
    case VW_F64: {
      double d;
      memcpy(&d, &v, 8);
      printf("%.17g\n", d);
      break;
    }
    default:
      if (v)
        printf("%s(0x%llx)\n", vw_valtype_name(type), (unsigned long long)v);
      else
        printf("%s(null)\n", vw_valtype_name(type));
      break;
  }
}

static int invoke(const char *path, vw_store *s, vw_instance *inst,
                  const char *name, int argc, char **argv) {
  vw_extern ex;
  vw_error err;
  memset(&err, 0, sizeof err);
  /* A reactor expects _initialize before anything else (as wasmtime does). */
  if (!vw_instance_export(inst, "_initialize", &ex) &&
      ex.kind == VW_EXTERN_FUNC) {
    vw_functype_info ft;
    vw_func_type(ex.of.func, &ft);
    if (ft.nparams == 0 && ft.nresults == 0 &&
        vw_call(s, ex.of.func, NULL, NULL, &err) != VW_OK)
      return exit_for_error(path, &err);
  }
  if (vw_instance_export(inst, name, &ex) != 0 || ex.kind != VW_EXTERN_FUNC) {
    fprintf(stderr, "vyoma: %s: no exported function `%s`\n", path, name);
    return VYOMA_EXIT_FAIL;
  }
  vw_functype_info ft;
  vw_func_type(ex.of.func, &ft);
  if ((uint32_t)argc != ft.nparams) {
    fprintf(stderr, "vyoma: %s: `%s` takes %u argument(s), %d given\n", path,
            name, ft.nparams, argc);
    return VYOMA_EXIT_USAGE;
  }
  vw_raw *args = calloc(ft.nparams + ft.nresults + 1, sizeof(vw_raw));
  if (!args) {
    fprintf(stderr, "vyoma: out of memory\n");
    return VYOMA_EXIT_FAIL;
  }
  vw_raw *results = args + ft.nparams;
  for (uint32_t i = 0; i < ft.nparams; i++) {
    if (parse_value(argv[i], ft.params[i], &args[i]) != 0) {
      fprintf(stderr, "vyoma: argument %u of `%s`: `%s` is not a valid %s\n",
              i + 1, name, argv[i], vw_valtype_name(ft.params[i]));
      free(args);
      return VYOMA_EXIT_USAGE;
    }
  }
  vw_status st = vw_call(s, ex.of.func, args, results, &err);
  int rc = 0;
  if (st == VW_OK) {
    for (uint32_t i = 0; i < ft.nresults; i++)
      print_value(ft.results[i], results[i]);
    fflush(stdout);
  } else {
    fflush(stdout);
    rc = exit_for_error(path, &err);
  }
  free(args);
  return rc;
}

/* ---- run ----------------------------------------------------------------- */
typedef struct run_opts {
  vwasi_preopen *dirs;
  char **dirbufs; /* strdup'd HOST::GUEST strings we split */
  size_t ndirs;
  const char **envs;
  char **envbufs;  /* "K=V" built for --env K (NULL where none was) */
  size_t nenvbufs; /* envbufs' length */
  int nenvs;
  uint64_t max_memory;
  const char *invoke;
  const char *manifest; /* --manifest FILE                           */
  const char *board;    /* --board SPEC                              */
  const char *data;     /* --data DIR                                */
  int no_manifest;      /* --no-manifest                             */
  vy_manifest m;        /* the one applied (m.path NULL: none)       */
  char *data_dir;       /* /data's host folder from the manifest     */
} run_opts;

static void free_opts(run_opts *o) {
  for (size_t i = 0; i < o->ndirs; i++) free(o->dirbufs[i]);
  for (size_t i = 0; i < o->nenvbufs; i++) free(o->envbufs[i]);
  free(o->dirs);
  free(o->dirbufs);
  free(o->envs);
  free(o->envbufs);
  free(o->data_dir);
  vy_manifest_free(&o->m);
}

static int oom(void) {
  fprintf(stderr, "vyoma: out of memory\n");
  return VYOMA_EXIT_FAIL;
}

/* ---- run's options: one row each, parsed and printed in --help from the
** table; each row's setter says where its value goes. ------------------ */
/* 0, or the exit status: VYOMA_EXIT_USAGE (after a message), or
** VYOMA_EXIT_FAIL (no memory) */
typedef int (*opt_setter)(run_opts *o, const char *v);

static int set_dir(run_opts *o, const char *v) {
  char *d = strdup(v);
  if (!d) return oom();
  o->dirbufs[o->ndirs] = d;
  char *sep = strstr(d, "::");
  if (sep) {
    *sep = 0;
    o->dirs[o->ndirs].guest_path = sep + 2;
  } else
    o->dirs[o->ndirs].guest_path = d;
  o->dirs[o->ndirs].host_path = d;
  o->ndirs++;
  if (!*d || !*o->dirs[o->ndirs - 1].guest_path) {
    fprintf(stderr, "vyoma run: --dir %s: empty path\n", v);
    return VYOMA_EXIT_USAGE;
  }
  return 0;
}

static int set_env(run_opts *o, const char *v) {
  if (!*v || *v == '=') {
    fprintf(stderr, "vyoma run: --env %s: expected K=V\n", v);
    return VYOMA_EXIT_USAGE;
  }
  if (strchr(v, '=')) {
    o->envs[o->nenvs++] = v;
    return 0;
  }
  /* --env K: pass the host's value through, if there is one */
  const char *hv = getenv(v);
  if (!hv) return 0;
  size_t n = strlen(v) + strlen(hv) + 2;
  char *kv = malloc(n);
  if (!kv) return oom();
  snprintf(kv, n, "%s=%s", v, hv);
  o->envbufs[o->nenvs] = kv;
  o->envs[o->nenvs++] = kv;
  return 0;
}

static int set_max_memory(run_opts *o, const char *v) {
  if (parse_size(v, &o->max_memory) != 0 || o->max_memory == 0) {
    fprintf(stderr,
            "vyoma run: --max-memory %s: expected a size like "
            "16MiB\n",
            v);
    return VYOMA_EXIT_USAGE;
  }
  return 0;
}

static int set_invoke(run_opts *o, const char *v) {
  o->invoke = v;
  return 0;
}

static int set_manifest(run_opts *o, const char *v) {
  o->manifest = v;
  return 0;
}

static int set_no_manifest(run_opts *o, const char *v) {
  (void)v;
  o->no_manifest = 1;
  return 0;
}

static int set_board(run_opts *o, const char *v) {
  if (!*v) {
    fprintf(stderr, "vyoma run: --board: empty spec\n");
    return VYOMA_EXIT_USAGE;
  }
  o->board = v;
  return 0;
}

static int set_data(run_opts *o, const char *v) {
  if (!*v) {
    fprintf(stderr, "vyoma run: --data: empty path\n");
    return VYOMA_EXIT_USAGE;
  }
  o->data = v;
  return 0;
}

typedef struct run_option {
  const char *name, *short_name; /* "--dir"; "-h" or NULL               */
  const char *arg;               /* its value's name; NULL: no value    */
  opt_setter set;                /* NULL: --help                        */
  const char *help;              /* lines after the first start with \n */
} run_option;

static const run_option run_options[] = {
  { "--dir", NULL, "HOST[::GUEST]", set_dir,
    "preopen host directory HOST as GUEST (default: the\n"
    "same path as HOST); may be repeated" },
  { "--env", NULL, "K=V", set_env,
    "set environment variable K for the app; --env K\n"
    "passes the host's value of K; may be repeated" },
  { "--max-memory", NULL, "SIZE", set_max_memory,
    "cap each linear memory, e.g. 16MiB, 512KiB, 1GiB\n"
    "(plain number = bytes; K/M/G mean KiB/MiB/GiB)" },
  { "--invoke", NULL, "NAME", set_invoke,
    "call export NAME instead of _start; ARGS are its\n"
    "parameters (integers or floats); results are\n"
    "printed one per line" },
  { "--manifest", NULL, "FILE", set_manifest,
    "apply FILE's grants (default: vyoma.toml beside\n"
    "the module, if there is one)" },
  { "--no-manifest", NULL, NULL, set_no_manifest,
    "ignore vyoma.toml: run the bare module" },
  { "--data", NULL, "DIR", set_data,
    "the host folder that is /data when the manifest\n"
    "grants filesystem (default: data/ in its folder)" },
  { "--board", NULL, "SPEC", set_board,
    "the board for the app's vyoma_hal imports (gpio,\n"
    "i2c, spi, uart, adc; its manifest's grants apply):\n"
    "sim:FILE, linux:FILE, a board file, or NAME for\n"
    "boards/NAME.toml; e.g. sim:boards/sim.toml" },
  { "--help", "-h", NULL, NULL, "this help" },
};
#define NRUN_OPTIONS (sizeof run_options / sizeof run_options[0])

static void usage_run(FILE *out) {
  fprintf(
      out,
      "usage: vyoma run [options] [--] APP.wasm [ARGS...]\n"
      "\n"
      "Runs a WASI preview 1 command (its _start export).  The app sees\n"
      "argv[0] = the module's file name, then ARGS; only the environment,\n"
      "directories and memory granted below exist for it.\n"
      "\n"
      "With a vyoma.toml beside the module (or --manifest FILE) its grants\n"
      "apply as under vyomad, as a line on stderr says: [app] args come\n"
      "before ARGS, [app] env is the environment, [resources] memory caps\n"
      "memory, and filesystem = true makes /data (see --data).  --env,\n"
      "--max-memory and a --dir onto /data win over the manifest's; --dir\n"
      "and --env add to what it grants, as with wasmtime.  A module that\n"
      "imports vyoma_hal (sdk/vyoma_hal.h) needs --board and, for each\n"
      "kind it uses, the manifest's grant (gpio = [...], i2c = [...], ...).\n"
      "\n"
      "options:\n");
  for (size_t i = 0; i < NRUN_OPTIONS; i++) {
    const run_option *r = &run_options[i];
    char left[64];
    if (r->short_name)
      snprintf(left, sizeof left, "%s, %s", r->short_name, r->name);
    else if (r->arg)
      snprintf(left, sizeof left, "%s %s", r->name, r->arg);
    else
      snprintf(left, sizeof left, "%s", r->name);
    fprintf(out, "  %-21s ", left);
    for (const char *h = r->help; *h; h++) {
      fputc(*h, out);
      if (*h == '\n') fprintf(out, "%24s", "");
    }
    fputc('\n', out);
  }
  fprintf(
      out,
      "\n"
      "exit status:\n"
      "  N    the app's exit code (proc_exit(N), or 0 when _start returns)\n"
      "  1    the module could not be read, decoded, validated or linked,\n"
      "       a --dir does not exist, or its vyoma_hal imports lack a\n"
      "       grant or a board (the message says which)\n"
      "  2    bad command line\n"
      "  134  the app trapped: `error: wasm trap: <reason>` and a wasm\n"
      "       backtrace (innermost frame first) are printed on stderr\n"
      "  130, 143  stopped by SIGINT, SIGTERM (the running code is "
      "interrupted)\n");
}

/* the row for argument a: `--opt`, `--opt=VALUE` for options with a value */
static const run_option *find_run_option(const char *a) {
  for (size_t i = 0; i < NRUN_OPTIONS; i++) {
    const run_option *r = &run_options[i];
    size_t n = strlen(r->name);
    if (!strcmp(a, r->name) || (r->short_name && !strcmp(a, r->short_name)))
      return r;
    if (r->arg && !strncmp(a, r->name, n) && a[n] == '=') return r;
  }
  return NULL;
}

/* run's options; *i is then the module's index.  -1 to go on, else the
** exit status (0 after --help). */
static int parse_run_options(int argc, char **argv, run_opts *o, int *i) {
  for (; *i < argc; ++*i) {
    const char *a = argv[*i];
    if (!strcmp(a, "--")) {
      ++*i;
      break;
    }
    if (a[0] != '-' || !strcmp(a, "-")) break;
    const run_option *r = find_run_option(a);
    if (!r) {
      fprintf(stderr, "vyoma run: unknown option %s (see vyoma run --help)\n",
              a);
      return VYOMA_EXIT_USAGE;
    }
    if (!r->set) {
      usage_run(stdout);
      return 0;
    }
    if (!r->arg) { /* a flag */
      int rc = r->set(o, NULL);
      if (rc) return rc;
      continue;
    }
    /* `--opt VALUE` or `--opt=VALUE` */
    size_t n = strlen(r->name);
    const char *v = a[n] == '=' ? a + n + 1 : NULL;
    if (!v && *i + 1 >= argc) {
      fprintf(stderr, "vyoma run: %s needs a value (see vyoma run --help)\n",
              r->name);
      return VYOMA_EXIT_USAGE;
    }
    if (!v) v = argv[++*i];
    int rc = r->set(o, v);
    if (rc) return rc;
  }
  if (*i >= argc) {
    fprintf(stderr, "vyoma run: no module given (see vyoma run --help)\n");
    return VYOMA_EXIT_USAGE;
  }
  return -1;
}

/* Instantiates and runs module m in store s (WASI world w): _start, or
** --invoke's export.  The exit status. */
static int run_instance(const char *path, const run_opts *o, vw_module *m,
                        vw_store *s, vwasi *w, vy_cap *cap, int app_argc,
                        char **app_argv) {
  g_path = path;
  install_signals();
  g_running_store = s;
  g_running_cap = cap;
  if (g_signal) vw_interrupt(s); /* a signal before we published s */

  int rc;
  vw_error err;
  memset(&err, 0, sizeof err);
  if (cap) vy_cap_bind_store(cap, s);
  vy_cap_link link = { w, cap };
  vw_instance *inst = vw_instantiate(s, m, vy_cap_link_resolve, &link, &err);
  if (!inst) {
    rc = exit_for_error(path, &err);
  } else if (o->invoke) {
    rc = invoke(path, s, inst, o->invoke, app_argc - 1, app_argv + 1);
  } else {
    int code = 0;
    memset(&err, 0, sizeof err);
    vw_status st = vwasi_run(w, s, inst, &code, &err);
    rc = st == VW_OK ? code : exit_for_error(path, &err);
  }
  g_running_store = NULL;
  g_running_cap = NULL;
  alarm(0);
  fflush(stdout);
  return rc;
}

/* The module at path with the app's own argv: its WASI world and store,
** then the run.  The exit status. */
static int run_module(const char *path, const run_opts *o, int app_argc,
                      char **app_argv) {
  vw_module *m = cli_load_module(path);
  if (!m) return VYOMA_EXIT_FAIL;
  /* vyoma_hal imports: granted by the manifest, and a board to reach */
  const vy_manifest *mf = o->m.path ? &o->m : NULL;
  int uses_hal = cli_hal_check(m, mf, o->board, path);
  cli_hal hal;
  memset(&hal, 0, sizeof hal);
  if (uses_hal < 0 ||
      (uses_hal &&
       cli_hal_open(&hal, o->board, mf, mf ? mf->name : base_name(path)))) {
    vw_module_free(m);
    return VYOMA_EXIT_FAIL;
  }
  /* argv[0] is the base name only, as wasmtime does: the app should not
  ** learn where on the host it lives. */
  /* the manifest's args come before the command line's */
  size_t nm = o->m.args.n;
  const char **wargv = calloc((size_t)app_argc + nm + 1, sizeof *wargv);
  if (!wargv) {
    cli_hal_close(&hal);
    vw_module_free(m);
    return oom();
  }
  wargv[0] = base_name(path);
  for (size_t k = 0; k < nm; k++) wargv[1 + k] = o->m.args.items[k];
  for (int k = 1; k < app_argc; k++) wargv[nm + (size_t)k] = app_argv[k];

  vwasi_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.argc = o->invoke ? 1 : app_argc + (int)nm;
  cfg.argv = wargv;
  cfg.envc = o->nenvs;
  cfg.envp = o->envs;
  cfg.npreopens = o->ndirs;
  cfg.preopens = o->dirs;
  cfg.stdio[0] = 0;
  cfg.stdio[1] = 1;
  cfg.stdio[2] = 2;

  int rc = VYOMA_EXIT_FAIL;
  char errbuf[256] = "";
  vw_store *s = NULL;
  vwasi *w = vwasi_new(&cfg, errbuf, sizeof errbuf);
  if (!w) {
    fprintf(stderr, "vyoma: %s\n", errbuf[0] ? errbuf : "cannot set up WASI");
  } else {
    vw_config vcfg;
    memset(&vcfg, 0, sizeof vcfg);
    vcfg.max_memory_bytes = o->max_memory;
    if (!(s = vw_store_new(&vcfg))) {
      rc = oom();
    } else {
      vwasi_bind_store(w, s);
      rc = run_instance(path, o, m, s, w, hal.cap, app_argc, app_argv);
    }
  }
  cli_hal_close(&hal);
  vw_store_free(s);
  vwasi_free(w);
  vw_module_free(m);
  free(wargv);
  return rc;
}

/* ---- the manifest ---------------------------------------------------------
** What vyomad would grant, added to the command line's options. */

/* true if the command line's --env sets the variable of "K=V" kv */
static int env_given(const run_opts *o, const char *kv) {
  size_t k = strcspn(kv, "=");
  for (int i = 0; i < o->nenvs; i++)
    if (!strncmp(o->envs[i], kv, k) && o->envs[i][k] == '=') return 1;
  return 0;
}

/* the manifest's env before --env's; 0 or the exit status */
static int merge_env(run_opts *o) {
  size_t n = (size_t)o->nenvs + o->m.env.n + 1;
  const char **envs = calloc(n, sizeof *envs);
  if (!envs) return oom();
  int k = 0;
  for (size_t i = 0; i < o->m.env.n; i++)
    if (!env_given(o, o->m.env.items[i])) envs[k++] = o->m.env.items[i];
  for (int i = 0; i < o->nenvs; i++) envs[k++] = o->envs[i];
  free(o->envs);
  o->envs = envs;
  o->nenvs = k;
  return 0;
}

/* /data for a filesystem grant, unless a --dir is /data already */
static int add_data(run_opts *o) {
  for (size_t i = 0; i < o->ndirs; i++)
    if (!strcmp(o->dirs[i].guest_path, "/data")) return 0;
  if (!(o->data_dir = cli_data_dir(&o->m, o->data))) return VYOMA_EXIT_FAIL;
  o->dirs[o->ndirs].host_path = o->data_dir;
  o->dirs[o->ndirs].guest_path = "/data";
  o->ndirs++;
  return 0;
}

/* the hardware part of that line: "; gpio 17, 27; i2c 1:0x48 (board
** sim:boards/sim.toml)", nothing without hardware grants */
static void say_hal_grants(const vy_manifest *m, const char *board) {
  const vy_strlist *l[] = { &m->i2c, &m->spi, &m->uart, &m->adc };
  static const char *const kind[] = { "i2c", "spi", "uart", "adc" };
  bool any = m->ngpio > 0;
  for (size_t k = 0; k < m->ngpio; k++)
    fprintf(stderr, "%s%u", k ? ", " : "; gpio ", (unsigned)m->gpio[k]);
  for (size_t i = 0; i < 4; i++)
    for (size_t k = 0; k < l[i]->n; k++, any = true) {
      if (!k) fprintf(stderr, "; %s ", kind[i]);
      fprintf(stderr, "%s%s", k ? ", " : "", l[i]->items[k]);
    }
  if (any) fprintf(stderr, " (board %s)", board ? board : "none: --board");
}

/* the one stderr line that says what the manifest granted */
static void say_grants(const run_opts *o) {
  fprintf(stderr, "vyoma: %s: app %s:", o->m.path, o->m.name);
  fprintf(stderr, " args");
  for (size_t i = 0; i < o->m.args.n; i++)
    fprintf(stderr, " %s", o->m.args.items[i]);
  if (!o->m.args.n) fprintf(stderr, " none");
  fprintf(stderr, "; env");
  for (size_t i = 0; i < o->m.env.n; i++)
    fprintf(stderr, " %.*s", (int)strcspn(o->m.env.items[i], "="),
            o->m.env.items[i]);
  if (!o->m.env.n) fprintf(stderr, " none");
  unsigned long long mem = o->max_memory;
  if (mem && mem % (1u << 20) == 0)
    fprintf(stderr, "; memory %lluMiB", mem >> 20);
  else if (mem)
    fprintf(stderr, "; memory %lluKiB", mem >> 10);
  else
    fprintf(stderr, "; memory not capped");
  if (o->data_dir)
    fprintf(stderr, "; /data = %s", o->data_dir);
  else
    fprintf(stderr, "; %s",
            o->m.filesystem ? "/data from --dir"
                            : "no /data (no filesystem grant)");
  say_hal_grants(&o->m, o->board);
  fputc('\n', stderr);
}

/* Reads the manifest for module (unless --no-manifest) and adds its
** grants to o.  -1 to go on, else the exit status. */
static int apply_manifest(run_opts *o, const char *module) {
  if (o->no_manifest) return -1;
  int found = cli_manifest_for(module, o->manifest, &o->m);
  if (found < 0) return VYOMA_EXIT_FAIL;
  if (!found) {
    if (o->data)
      fprintf(stderr, "vyoma: --data %s ignored: no vyoma.toml\n", o->data);
    return -1;
  }
  int rc = merge_env(o);
  if (!rc && !o->max_memory) o->max_memory = o->m.memory_bytes;
  if (!rc && o->m.filesystem) rc = add_data(o);
  if (rc) return rc;
  if (o->data && !o->m.filesystem)
    fprintf(stderr, "vyoma: --data %s ignored: %s grants no filesystem\n",
            o->data, o->m.path);
  say_grants(o);
  return -1;
}

static int cmd_run(int argc, char **argv) {
  run_opts o;
  memset(&o, 0, sizeof o);
  /* Each argument is at most one option, so argc bounds the arrays. */
  /* (one more dir for the manifest's /data) */
  o.dirs = calloc((size_t)argc + 2, sizeof *o.dirs);
  o.dirbufs = calloc((size_t)argc + 2, sizeof *o.dirbufs);
  o.envs = calloc((size_t)argc + 1, sizeof *o.envs);
  o.envbufs = calloc((size_t)argc + 1, sizeof *o.envbufs);
  o.nenvbufs = o.envbufs ? (size_t)argc + 1 : 0;
  if (!o.dirs || !o.dirbufs || !o.envs || !o.envbufs) {
    free_opts(&o);
    return oom();
  }
  int i = 0;
  int rc = parse_run_options(argc, argv, &o, &i);
  if (rc < 0) rc = apply_manifest(&o, argv[i]);
  if (rc < 0) rc = run_module(argv[i], &o, argc - i, argv + i);
  free_opts(&o);
  return rc;
}

/* ---- vyoma's own options: one row each, parsed and printed from here;
** each is also a command word (`vyoma help run`). --------------------- */
typedef struct main_option {
  const char *name, *short_name, *word; /* "--help", "-h", "help"   */
  int (*run)(int argc, char **argv);    /* the exit status          */
  const char *help;
} main_option;

static int show_help(int argc, char **argv);
static int show_version(int argc, char **argv);

static const main_option main_options[] = {
  { "--help", "-h", "help", show_help,
    "this help (`vyoma run --help` for run's options)" },
  { "--version", "-V", "version", show_version, "print the version" },
};
#define NMAIN_OPTIONS (sizeof main_options / sizeof main_options[0])

static void usage_main(FILE *out) {
  fprintf(out,
          "vyoma " VYOMA_VERSION
          " - run and examine VyomaOS WebAssembly apps\n"
          "\n"
          "usage: vyoma <command> [options]\n"
          "\n"
          "commands:\n"
          "  run [options] [--] APP.wasm [ARGS...]  run a WASI command module\n"
          "  validate APP.wasm                      decode and validate; print "
          "\"ok\"\n"
          "  inspect APP.wasm                       list imports and exports "
          "with types\n"
          "  new NAME                               write NAME/ with main.c, "
          "vyoma.toml, Makefile\n"
          "  manifest-reference                     the vyoma.toml keys as a "
          "markdown table\n"
          "\n"
          "  vyoma APP.wasm ARGS...  is short for  vyoma run APP.wasm ARGS...\n"
          "\n"
          "options:\n");
  for (size_t i = 0; i < NMAIN_OPTIONS; i++) {
    char left[64];
    snprintf(left, sizeof left, "%s, %s", main_options[i].short_name,
             main_options[i].name);
    fprintf(out, "  %-16s %s\n", left, main_options[i].help);
  }
  fprintf(
      out,
      "\n"
      "exit status:\n"
      "  N    the app's exit code (proc_exit(N), or 0 when _start returns)\n"
      "  1    the module could not be read, decoded, validated or linked\n"
      "  2    bad command line\n"
      "  134  the app trapped (message and wasm backtrace on stderr)\n"
      "  130, 143  stopped by SIGINT, SIGTERM\n");
}

static int show_help(int argc, char **argv) {
  if (argc > 2 && !strcmp(argv[2], "run"))
    usage_run(stdout);
  else
    usage_main(stdout);
  return 0;
}

static int show_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  printf("vyoma " VYOMA_VERSION "\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage_main(stderr);
    return VYOMA_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  for (size_t i = 0; i < NMAIN_OPTIONS; i++) {
    const main_option *o = &main_options[i];
    if (!strcmp(cmd, o->name) || !strcmp(cmd, o->short_name) ||
        !strcmp(cmd, o->word))
      return o->run(argc, argv);
  }
  if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "validate")) return cli_validate(argc - 2, argv + 2);
  if (!strcmp(cmd, "inspect")) return cli_inspect(argc - 2, argv + 2);
  if (!strcmp(cmd, "new")) return cli_new(argc - 2, argv + 2);
  if (!strcmp(cmd, "manifest-reference"))
    return cli_manifest_reference(argc - 2, argv + 2);
  if (cmd[0] != '-') {
    size_t n = strlen(cmd);
    if (n > 5 && !strcmp(cmd + n - 5, ".wasm"))
      return cmd_run(argc - 1, argv + 1);
  }
  fprintf(stderr, "vyoma: unknown command `%s` (see vyoma --help)\n", cmd);
  return VYOMA_EXIT_USAGE;
}
