/*
** cp — copies file SRC to DST (or into DST when DST is a directory).
**
**   cp SRC DST
**
** Both paths live in the app's preopened directories.  Exits 1 on failure,
** 2 on bad usage.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: cp SRC DST\n");
    return 2;
  }
  const char *src = argv[1];
  char dst[4096];
  struct stat st;
  if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode)) {
    const char *base = strrchr(src, '/');
    snprintf(dst, sizeof dst, "%s/%s", argv[2], base ? base + 1 : src);
  } else {
    snprintf(dst, sizeof dst, "%s", argv[2]);
  }
  FILE *in = fopen(src, "rb");
  if (!in) {
    fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
    return 1;
  }
  FILE *out = fopen(dst, "wb");
  if (!out) {
    fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
    fclose(in);
    return 1;
  }
  char buf[8192];
  size_t n;
  int rc = 0;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) {
      fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
      rc = 1;
      break;
    }
  if (ferror(in)) {
    fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
    rc = 1;
  }
  fclose(in);
  if (fclose(out) != 0 && !rc) {
    fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
    rc = 1;
  }
  return rc;
}
