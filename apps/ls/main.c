/*
** ls — lists directories (or names files) inside the app's preopened
** directories.
**
**   ls [-l] [-a] [PATH...]      (default PATH: ".")
**
** Entries are sorted by name so the output does not depend on the order the
** host's file system returns them in.  -l adds the type and size, -a shows
** names starting with '.'.  Exits 1 if any PATH could not be listed.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int opt_long, opt_all;

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char kind(mode_t m) {
  if (S_ISDIR(m)) return 'd';
  if (S_ISLNK(m)) return 'l';
  if (S_ISREG(m)) return '-';
  return '?';
}

static void show(const char *dir, const char *name) {
  if (!opt_long) {
    printf("%s\n", name);
    return;
  }
  char path[4096];
  struct stat st;
  if (dir)
    snprintf(path, sizeof path, "%s/%s", dir, name);
  else
    snprintf(path, sizeof path, "%s", name);
  if (lstat(path, &st) != 0) {
    printf("? %10s %s\n", "?", name);
    return;
  }
  printf("%c %10lld %s%s\n", kind(st.st_mode), (long long)st.st_size, name,
         S_ISDIR(st.st_mode) ? "/" : "");
}

static int list(const char *path, int heading) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    show(NULL, path);
    return 0;
  }
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' && !opt_all) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      char **nn = realloc(names, cap * sizeof *names);
      if (!nn) {
        rc = 1;
        break;
      }
      names = nn;
    }
    if (!(names[n] = strdup(e->d_name))) {
      rc = 1;
      break;
    }
    n++;
  }
  closedir(d);
  if (rc) fprintf(stderr, "ls: %s: out of memory\n", path);
  qsort(names, n, sizeof *names, by_name);
  if (heading) printf("%s:\n", path);
  for (size_t i = 0; i < n; i++) {
    show(path, names[i]);
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  int first = 1;
  for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
    for (const char *p = argv[first] + 1; *p; p++) {
      if (*p == 'l')
        opt_long = 1;
      else if (*p == 'a')
        opt_all = 1;
      else {
        fprintf(stderr, "usage: ls [-l] [-a] [PATH...]\n");
        return 2;
      }
    }
  }
  if (first == argc) return list(".", 0);
  int rc = 0;
  for (int i = first; i < argc; i++) {
    if (i > first && argc - first > 1) printf("\n");
    rc |= list(argv[i], argc - first > 1);
  }
  return rc;
}
