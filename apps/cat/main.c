/*
** cat — writes each FILE (or stdin when there is none, or for "-") to
** stdout.  Files are reached through the app's preopened directory (e.g.
** /data under VyomaOS).  Exits 1 if any file could not be read.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int copy(FILE *in, const char *name) {
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, stdout) != n) {
      fprintf(stderr, "cat: write: %s\n", strerror(errno));
      return 1;
    }
  if (ferror(in)) {
    fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return copy(stdin, "-");
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-")) {
      rc |= copy(stdin, "-");
      continue;
    }
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      fflush(stdout);
      fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
      continue;
    }
    rc |= copy(f, argv[i]);
    fclose(f);
  }
  return rc;
}
