/*
** rm — removes files, and with -r whole directory trees, inside the app's
** preopened directories.
**
**   rm [-r] [-f] PATH...
**
** -f ignores paths that do not exist.  Exits 1 if anything could not be
** removed.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_r, opt_f;

static int remove_path(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (opt_f && errno == ENOENT) return 0;
    fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) == 0) return 0;
    fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (!opt_r) {
    fprintf(stderr, "rm: %s: is a directory (use -r)\n", path);
    return 1;
  }
  int rc = 0;
  /* Collect names first, then delete: removing entries while a directory
  ** stream is open may make some hosts skip or repeat entries. */
  for (int again = 1; again;) {
    again = 0;
    DIR *d = opendir(path);
    if (!d) {
      fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
      return 1;
    }
    char child[4096];
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      found = 1;
      break;
    }
    closedir(d);
    if (found) {
      if (remove_path(child) != 0) return 1;
      again = 1;
    }
  }
  if (rmdir(path) != 0) {
    fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
    rc = 1;
  }
  return rc;
}

int main(int argc, char **argv) {
  int i = 1, rc = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'r' || *p == 'R')
        opt_r = 1;
      else if (*p == 'f')
        opt_f = 1;
      else {
        fprintf(stderr, "usage: rm [-r] [-f] PATH...\n");
        return 2;
      }
    }
  }
  if (i == argc) {
    if (opt_f) return 0;
    fprintf(stderr, "usage: rm [-r] [-f] PATH...\n");
    return 2;
  }
  for (; i < argc; i++) rc |= remove_path(argv[i]);
  return rc;
}
