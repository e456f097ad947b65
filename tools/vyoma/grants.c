/*
** grants.c — what `vyoma run` takes from an app's vyoma.toml: finding the
** manifest (--manifest FILE, else vyoma.toml beside the module), and the
** host folder that stands for /data when it grants the filesystem.
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
