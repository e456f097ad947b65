/* path_unlink_file: files and symlinks go, directories do not. */
#include "wt.h"

int main(void) {
  SHOW("unlink sub/a.txt", __wasi_path_unlink_file(SB, "sub/a.txt"));
  SHOW("unlink sub/a.txt again", __wasi_path_unlink_file(SB, "sub/a.txt"));
  SHOW("unlink a directory", __wasi_path_unlink_file(SB, "sub/deep"));
  SHOW("unlink symlink to dir", __wasi_path_unlink_file(SB, "link_dir"));
  __wasi_filestat_t s;
  SHOW("target still there", __wasi_path_filestat_get(SB, 0, "sub/deep", &s));
  SHOW("unlink under a file", __wasi_path_unlink_file(SB, "hello.txt/x"));
  SHOW("unlink missing dir", __wasi_path_unlink_file(SB, "nodir/x"));
  /* an open file can be unlinked and still read */
  __wasi_fd_t fd;
  (void)wopen(SB, "sub/b.txt", 0, 0, RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE, 0,
              &fd);
  SHOW("unlink open file", __wasi_path_unlink_file(SB, "sub/b.txt"));
  char buf[32];
  __wasi_size_t n;
  __wasi_errno_t e = wread(fd, buf, sizeof buf, &n);
  printf("still readable: %d %s", e, buf);
  return 0;
}
