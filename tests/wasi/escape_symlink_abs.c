/* Escape attempt: symlinks inside the sandbox whose targets are absolute
** (/etc/passwd, /etc, a /proc magic link).  Reading the link is fine;
** following it must be denied. */
#include "wt.h"

int main(void) {
  deny_open("abs");
  deny_open("absdir");
  deny_open("absdir/passwd");
  deny_open("magic");
  __wasi_filestat_t st;
  DENY("stat abs (follow)", __wasi_path_filestat_get(SB, FOLLOW, "abs", &st));
  DENY("stat absdir/passwd",
       __wasi_path_filestat_get(SB, 0, "absdir/passwd", &st));
  SHOW("stat abs (nofollow)", __wasi_path_filestat_get(SB, 0, "abs", &st));
  printf("type=%u\n", st.filetype);
  DENY("mkdir absdir/evil", __wasi_path_create_directory(SB, "absdir/evil"));
  __wasi_fd_t fd;
  DENY("create absdir/evil", wopen(SB, "absdir/evil", FOLLOW,
                                   __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd));
  char buf[64] = { 0 };
  __wasi_size_t used = 0;
  __wasi_errno_t e =
      __wasi_path_readlink(SB, "abs", (uint8_t *)buf, sizeof buf, &used);
  printf("readlink abs: %d \"%.*s\"\n", e, (int)used, buf);
  show_file("fine"); /* inside: allowed */
  return 0;
}
