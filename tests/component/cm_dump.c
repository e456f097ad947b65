/*
** cm_dump.c — decodes component files and prints each one's world
** (cm_describe), or its one error line; exit status 1 if any failed.
** Not a test of its own (run.sh runs it on samples): the call
** `vyoma inspect` makes for a component.
**
**   component-cm_dump FILE...
*/
#include <stdio.h>
#include <stdlib.h>

#include "../../component/cm.h"

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n == cap) {
      uint8_t *p = realloc(buf, cap = cap ? cap * 2 : 65536);
      if (!p) break;
      buf = p;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got);
  fclose(f);
  *len = n;
  return buf;
}

int main(int argc, char **argv) {
  int status = 0;
  for (int i = 1; i < argc; i++) {
    size_t len = 0;
    uint8_t *b = slurp(argv[i], &len);
    if (!b) {
      fprintf(stderr, "%s: cannot read\n", argv[i]);
      status = 1;
      continue;
    }
    cm_error err;
    cm_component *c = cm_decode(b, len, argv[i], &err);
    if (c) {
      if (argc > 2) printf("%s:\n", argv[i]);
      cm_describe(c, stdout);
      cm_free(c);
    } else {
      printf("%s\n", err.line);
      status = 1;
    }
    free(b);
  }
  return status;
}
