/* Escape attempt: relative symlinks that climb out with "..": directly,
** from a subdirectory, through a chain, and to a directory used as a path
** prefix.  Following any of them must be denied. */
#include "wt.h"

int main(void) {
  deny_open("up");
  deny_open("sub/up2");
  deny_open("chain");
  deny_open("dirup");
  deny_open("dirup/stdout");
  deny_open("dirup/fs/ok.txt");
  deny_open("sneaky");
  deny_open("sneaky/stdout");
  __wasi_filestat_t st;
  DENY("stat dirup/stdout",
       __wasi_path_filestat_get(SB, 0, "dirup/stdout", &st));
  DENY("unlink dirup/stdout", __wasi_path_unlink_file(SB, "dirup/stdout"));
  DENY("mkdir dirup/evil", __wasi_path_create_directory(SB, "dirup/evil"));
  __wasi_fd_t fd;
  DENY("create dirup/evil.txt", wopen(SB, "dirup/evil.txt", FOLLOW,
                                      __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd));
  DENY("create through dangling up",
       wopen(SB, "up", FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
             RIGHTS_RW, 0, &fd));
  return 0;
}
