/*
** mkdir — creates directories inside the app's preopened directories.
**
**   mkdir [-p] DIR...
**
** -p creates missing parents and accepts directories that already exist.
** Exits 1 if any directory could not be created.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make(const char *path, int parents) {
  if (mkdir(path, 0777) == 0) return 0;
  if (parents && errno == EEXIST) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    errno = EEXIST;
  }
  if (parents && errno == ENOENT) {
    /* make the parent first, then retry this one */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    while (slash && slash > parent && slash[1] == 0) { /* trailing slashes */
      *slash = 0;
      slash = strrchr(parent, '/');
    }
    if (slash && slash > parent) {
      *slash = 0;
      if (make(parent, 1) == 0 && mkdir(path, 0777) == 0) return 0;
      if (errno == EEXIST) return 0;
    }
  }
  return -1;
}

int main(int argc, char **argv) {
  int parents = 0, i = 1, rc = 0;
  if (i < argc && !strcmp(argv[i], "-p")) {
    parents = 1;
    i++;
  }
  if (i == argc) {
    fprintf(stderr, "usage: mkdir [-p] DIR...\n");
    return 2;
  }
  for (; i < argc; i++)
    if (make(argv[i], parents) != 0) {
      fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
    }
  return rc;
}
