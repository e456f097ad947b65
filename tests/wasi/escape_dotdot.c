/* Escape attempt: ".." above the preopen, directly and after descending.
** The run directory holds the file "stdout" right next to the sandbox, so a
** working escape would find it.  Every attempt must be denied. */
#include "wt.h"

static void o(const char *p) {
  __wasi_fd_t fd;
  __wasi_errno_t e =
      wopen(SB, p, FOLLOW, 0, RIGHTS_DIR | __WASI_RIGHTS_FD_READ, 0, &fd);
  printf("open %s: %s (%d)\n", p, e ? "denied" : "ESCAPED", e);
}

int main(void) {
  o("..");
  o("../stdout");
  o("sub/../../stdout");
  o("sub/deep/../../..");
  o("./../stdout");
  o("sub/../sub/../..");
  __wasi_filestat_t st;
  SHOW("stat ..", __wasi_path_filestat_get(SB, 0, "..", &st));
  SHOW("stat ../stdout", __wasi_path_filestat_get(SB, 0, "../stdout", &st));
  SHOW("mkdir ../evil", __wasi_path_create_directory(SB, "../evil"));
  SHOW("unlink ../stdout", __wasi_path_unlink_file(SB, "../stdout"));
  SHOW("rmdir ../fs", __wasi_path_remove_directory(SB, "../fs"));
  SHOW("symlink ../evil", __wasi_path_symlink("x", SB, "../evil"));
  __wasi_fd_t fd;
  SHOW("create ../evil",
       wopen(SB, "../evil", 0, __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd));
  /* from a subdirectory fd, ".." is above *that* fd's root */
  __wasi_fd_t sub;
  (void)wopen(SB, "sub", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &sub);
  SHOW("from sub: open ../hello.txt",
       wopen(sub, "../hello.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
  SHOW("from sub: stat deep/../..",
       __wasi_path_filestat_get(sub, 0, "deep/../..", &st));
  return 0;
}
