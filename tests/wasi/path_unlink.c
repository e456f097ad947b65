/* path_unlink_file: files and symlinks go, directories do not. */
#include "wt.h"

int main(void) {
  show_each(__wasi_path_unlink_file, "unlink sub/a.txt", "sub/a.txt",
            "unlink sub/a.txt again", "sub/a.txt", "unlink a directory",
            "sub/deep", "unlink symlink to dir", "link_dir", NULL);
  __wasi_filestat_t s;
  SHOW("target still there", __wasi_path_filestat_get(SB, 0, "sub/deep", &s));
  show_each(__wasi_path_unlink_file, "unlink under a file", "hello.txt/x",
            "unlink missing dir", "nodir/x", NULL);
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
