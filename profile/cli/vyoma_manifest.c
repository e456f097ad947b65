/*
** vyoma_manifest.c — `vyoma-manifest`, the manifest and profile checker for
** operators and tests:
**
**   vyoma-manifest [--profile] [--dump] [--manifest-only] FILE...
**
** Checks each FILE as an app manifest (vyoma.toml) or, with --profile or
** when it lies in a folder named "profiles", as a platform profile.  Prints
** "FILE: ok" or the loader's one error line per file (a manifest is ok
** only when its module is too: it exists, is a valid WebAssembly module,
** and its imports are ones the WASI host provides and the manifest grants:
** module_check.h; --manifest-only leaves the module out); with --dump, an ok
** file is followed by its settings as "  key = value" lines, defaults
** filled in.  Exit status: 0 all ok, 1 some file bad, 2 usage.
*/
#include "../manifest.h"
#include "../profile.h"
#include "module_check.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void dump_list(const char *key, const vy_strlist *l) {
  printf("  %s = [", key);
  for (size_t i = 0; i < l->n; i++)
    printf("%s\"%s\"", i ? ", " : "", l->items[i]);
  printf("]\n");
}

static void dump_manifest(const vy_manifest *m) {
  static const char *const restart[] = { "never", "on-failure", "always" };
  printf(
      "  name = \"%s\"\n  version = \"%s\"\n  dir = \"%s\"\n  module = "
      "\"%s\"\n",
      m->name, m->version, m->dir, m->module);
  dump_list("args", &m->args);
  dump_list("env", &m->env);
  printf("  filesystem = %d\n  network = %d\n  display = %d\n  input = %d\n",
         m->filesystem, m->network, m->display, m->input);
  dump_list("ipc", &m->ipc);
  printf("  gpio = [");
  for (size_t i = 0; i < m->ngpio; i++)
    printf("%s%" PRIu32, i ? ", " : "", m->gpio[i]);
  printf("]\n");
  dump_list("i2c", &m->i2c);
  dump_list("spi", &m->spi);
  dump_list("uart", &m->uart);
  dump_list("adc", &m->adc);
  printf("  memory_bytes = %" PRIu64 "\n  messages_per_sec = %" PRIu32 "\n",
         m->memory_bytes, m->messages_per_sec);
  printf("  restart = %s\n  max_restarts = %" PRIu32
         "\n  restart_window_ms = %" PRIu32 "\n  heartbeat_ms = %" PRIu32
         "\n  autostart = %d\n  critical = %d\n",
         restart[m->restart], m->max_restarts, m->restart_window_ms,
         m->heartbeat_ms, m->autostart, m->critical);
}

static void dump_profile(const vy_profile *p) {
  printf("  name = \"%s\"\n  runtime = \"%s\"\n  memory_budget = %" PRIu64
         "\n  app_memory_default = %" PRIu64
         "\n  display = %d\n  heartbeat_ms = %" PRIu32
         "\n  sched = %s\n  sched_priority = %d\n  mlockall = %d\n",
         p->name, p->runtime, p->memory_budget, p->app_memory_default,
         p->display, p->heartbeat_ms,
         p->sched == VY_SCHED_FIFO ? "fifo" : "other", p->sched_priority,
         p->mlockall);
  dump_list("apps", &p->apps);
}

/* true if path's folder is named "profiles" */
static int in_profiles(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return 0;
  const char *d = slash;
  while (d > path && d[-1] != '/') d--;
  return (size_t)(slash - d) == 8 && memcmp(d, "profiles", 8) == 0;
}

/* Prints "FILE: ok" (and, with dump, its settings) or the loader's error
** line; 0 if ok. */
static int check_file(const char *f, bool as_profile, bool dump, bool module) {
  char err[512];
  union {
    vy_profile p;
    vy_manifest m;
  } u;
  int rc = as_profile ? vy_profile_load(f, &u.p, err, sizeof err)
                      : vy_manifest_load(f, &u.m, err, sizeof err);
  if (rc != 0) {
    printf("%s\n", err);
    return -1;
  }
  if (!as_profile && module &&
      vy_module_check(u.m.module, &u.m, NULL, err, sizeof err) != 0) {
    printf("%s: module = \"%s\": %s\n", f, u.m.module, err);
    vy_manifest_free(&u.m);
    return -1;
  }
  printf("%s: ok\n", f);
  if (as_profile) {
    if (dump) dump_profile(&u.p);
    vy_profile_free(&u.p);
  } else {
    if (dump) dump_manifest(&u.m);
    vy_manifest_free(&u.m);
  }
  return 0;
}

int main(int argc, char **argv) {
  int profile = 0, dump = 0, nfiles = 0, bad = 0, module = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--profile") == 0)
      profile = 1;
    else if (strcmp(argv[i], "--dump") == 0)
      dump = 1;
    else if (strcmp(argv[i], "--manifest-only") == 0)
      module = 0;
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr,
              "vyoma-manifest: unknown option %s\n"
              "usage: vyoma-manifest [--profile] [--dump] [--manifest-only] "
              "FILE...\n",
              argv[i]);
      return 2;
    } else {
      nfiles++;
    }
  }
  if (nfiles == 0) {
    fprintf(stderr,
            "usage: vyoma-manifest [--profile] [--dump] [--manifest-only] "
            "FILE...\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    const char *f = argv[i];
    if (f[0] == '-' && f[1]) continue;
    if (check_file(f, profile || in_profiles(f), dump, module) != 0) bad = 1;
  }
  return bad;
}
