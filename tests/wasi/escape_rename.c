/* Escape attempt: path_rename moving a file out of the sandbox, or one from
** outside in, by "..", absolute paths and symlinked directories. */
#include "wt.h"

static void r(const char *a, const char *b) {
  char l[128];
  snprintf(l, sizeof l, "rename %s -> %s", a, b);
  DENY(l, __wasi_path_rename(SB, a, SB, b));
}

int main(void) {
  r("ok.txt", "../moved");
  r("ok.txt", "dirup/moved");
  r("ok.txt", "/tmp/moved");
  r("../stdout", "stolen");
  r("dirup/stdout", "stolen");
  r("sub", "../subout");
  show_file("ok.txt");
  return 0;
}
