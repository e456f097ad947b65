/*
** grants.c — what `vyoma run` takes from an app's vyoma.toml: finding the
** manifest (--manifest FILE, else vyoma.toml beside the module), and the
** host folder that stands for /data when it grants the filesystem; and
** the HAL world of `vyoma run --board` (capability/ over hal/): whether
** the module's vyoma_hal imports are granted, the board and the cap.
**
** The merging itself (manifest args before the command line's, --env over
** the manifest's env, --max-memory over its memory, a --dir onto /data over
** the manifest's /data) is in main.c's run options; this file only reads.
*/
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../capability/cap.h"
#include "cli.h"

int cli_manifest_for(const char *module, const char *file, vy_manifest *m) {
  char beside[4096];
  if (!file) {
    const char *slash = strrchr(module, '/');
    int dirlen = slash ? (int)(slash - module) : 1;
    snprintf(beside, sizeof beside, "%.*s/vyoma.toml", dirlen,
             slash ? module : ".");
    if (access(beside, F_OK) != 0) return 0; /* none: run as a bare module */
    file = beside;
  }
  char err[512];
  if (vy_manifest_load(file, m, err, sizeof err) != 0) {
    fprintf(stderr, "vyoma: %s\n", err);
    return -1;
  }
  return 1;
}

/* mkdir -p of a folder path; 0 or -1 with errno */
static int make_dirs(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    int r = mkdir(path, 0777);
    *p = '/';
    if (r != 0 && errno != EEXIST) return -1;
  }
  return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

char *cli_data_dir(const vy_manifest *m, const char *data) {
  char *dir = NULL;
  if (data)
    dir = strdup(data);
  else if (asprintf(&dir, "%s/data", m->dir) < 0)
    dir = NULL;
  if (!dir) {
    fprintf(stderr, "vyoma: out of memory\n");
    return NULL;
  }
  struct stat st;
  if (make_dirs(dir) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "vyoma: /data: cannot make folder %s: %s\n", dir,
            strerror(errno ? errno : ENOTDIR));
    free(dir);
    return NULL;
  }
  return dir;
}

/* ---- the HAL: vyoma_hal imports, the board ------------------------------ */

int cli_hal_check(const vw_module *mod, const vy_manifest *m, const char *board,
                  const char *path) {
  int found = 0;
  uint32_t n = vw_module_import_count(mod);
  for (uint32_t i = 0; i < n; i++) {
    vw_extern_info in;
    vw_module_import(mod, i, &in);
    if (strcmp(in.module, VY_CAP_MODULE) != 0) continue;
    char err[512];
    if (vy_cap_check_import(m, in.name,
                            in.kind == VW_EXTERN_FUNC ? &in.func : NULL, err,
                            sizeof err) != 0) {
      fprintf(stderr, "vyoma: %s: %s\n", path, err);
      return -1;
    }
    if (!board) {
      fprintf(stderr,
              "vyoma: %s: imports " VY_CAP_MODULE
              ".%s, but no board is "
              "given (run it with --board SPEC, e.g. --board "
              "sim:boards/sim.toml)\n",
              path, in.name);
      return -1;
    }
    found = 1;
  }
  return found;
}

static void hal_line(void *ud, const char *line) {
  (void)ud;
  fprintf(stderr, "vyoma: %s\n", line);
}

int cli_hal_open(cli_hal *h, const char *spec, const vy_manifest *m,
                 const char *app) {
  char path[4200], err[512];
  memset(h, 0, sizeof *h);
  vy_cap_board_spec(spec, ".", false, path, sizeof path);
  if (!(h->board = vy_board_open(path, err, sizeof err))) {
    fprintf(stderr, "vyoma: --board %s: %s\n", spec, err);
    return -1;
  }
  vy_cap_config cc = { app,    m,        h->board, NULL, VY_GPIO_SAFE_INPUT,
                       &h->st, hal_line, NULL };
  if (!(cc.reg = h->reg = vy_cap_registry_new()) ||
      !(h->cap = vy_cap_new(&cc, err, sizeof err))) {
    fprintf(stderr, "vyoma: %s\n", h->reg ? err : "out of memory");
    cli_hal_close(h);
    return -1;
  }
  return 0;
}

void cli_hal_close(cli_hal *h) {
  vy_cap_free(h->cap); /* lines first: they are the board's */
  vy_board_close(h->board);
  vy_cap_registry_free(h->reg);
  memset(h, 0, sizeof *h);
}
