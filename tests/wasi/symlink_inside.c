/* Symlinks that use ".." but stay inside the sandbox work; a final symlink
** is not followed without LOOKUP_SYMLINK_FOLLOW (ELOOP, as O_NOFOLLOW).
** Node deviates on both (it resolves link targets against the preopen root
** and ignores the lookup flags of path_open), hence NODE_SKIP. */
#include "wt.h"

int main(void) {
  SHOW("symlink sub/s3 -> ../hello.txt",
       __wasi_path_symlink("../hello.txt", SB, "sub/s3"));
  show_file("sub/s3");
  SHOW("symlink sub/deep/s5 -> ../../sub/./a.txt",
       __wasi_path_symlink("../../sub/./a.txt", SB, "sub/deep/s5"));
  show_file("sub/deep/s5");
  SHOW("symlink s6 -> sub/deep/../../link_dir",
       __wasi_path_symlink("sub/deep/../../link_dir", SB, "s6"));
  show_file("s6/c.txt");
  __wasi_filestat_t st;
  SHOW("stat s6 follow", __wasi_path_filestat_get(SB, FOLLOW, "s6", &st));
  printf("type=%u\n", st.filetype);
  __wasi_fd_t fd;
  SHOW("open link_in nofollow",
       wopen(SB, "link_in", 0, 0, RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE, 0, &fd));
  SHOW("open link_in follow",
       wopen(SB, "link_in", FOLLOW, 0, RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE, 0,
             &fd));
  SHOW("open link_dir/ (trailing slash follows)",
       wopen(SB, "link_dir/", 0, 0, RIGHTS_DIR, 0, &fd));
  SHOW("unlink sub/s3", __wasi_path_unlink_file(SB, "sub/s3"));
  SHOW("unlink sub/deep/s5", __wasi_path_unlink_file(SB, "sub/deep/s5"));
  SHOW("unlink s6", __wasi_path_unlink_file(SB, "s6"));
  return 0;
}
