/* Escape attempt: relative symlinks that climb out with "..": directly,
** from a subdirectory, through a chain, and to a directory used as a path
** prefix.  Following any of them must be denied. */
#include "wt.h"

static void o(const char *p) {
  __wasi_fd_t fd;
  __wasi_errno_t e = wopen(SB, p, FOLLOW, 0, RIGHTS_DIR | __WASI_RIGHTS_FD_READ,
                           0, &fd);
  char l[128];
  snprintf(l, sizeof l, "open %s", p);
  DENY(l, e);
}

int main(void) {
  o("up");
  o("sub/up2");
  o("chain");
  o("dirup");
  o("dirup/stdout");
  o("dirup/fs/ok.txt");
  o("sneaky");
  o("sneaky/stdout");
  __wasi_filestat_t st;
  DENY("stat dirup/stdout", __wasi_path_filestat_get(SB, 0, "dirup/stdout", &st));
  DENY("unlink dirup/stdout", __wasi_path_unlink_file(SB, "dirup/stdout"));
  DENY("mkdir dirup/evil", __wasi_path_create_directory(SB, "dirup/evil"));
  __wasi_fd_t fd;
  DENY("create dirup/evil.txt", wopen(SB, "dirup/evil.txt", FOLLOW, __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd));
  DENY("create through dangling up", wopen(SB, "up", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0, &fd));
  return 0;
}
