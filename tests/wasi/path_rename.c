/* path_rename: files, directories, over existing entries, errors. */
#include "wt.h"

int main(void) {
  __wasi_fd_t fd;
  (void)wopen(SB, "r1.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd);
  __wasi_size_t n;
  (void)wwrite(fd, "renamed\n", &n);
  (void)__wasi_fd_close(fd);
  SHOW("rename r1 -> r2", __wasi_path_rename(SB, "r1.txt", SB, "r2.txt"));
  show_file("r1.txt");
  show_file("r2.txt");
  SHOW("rename r2 -> sub/r3",
       __wasi_path_rename(SB, "r2.txt", SB, "sub/r3.txt"));
  show_file("sub/r3.txt");
  SHOW("rename over existing file",
       __wasi_path_rename(SB, "sub/r3.txt", SB, "sub/b.txt"));
  show_file("sub/b.txt");
  SHOW("rename missing", __wasi_path_rename(SB, "nope", SB, "x"));
  SHOW("mkdir d1", __wasi_path_create_directory(SB, "d1"));
  SHOW("rename dir d1 -> d2", __wasi_path_rename(SB, "d1", SB, "d2"));
  SHOW("rename file over dir", __wasi_path_rename(SB, "hello.txt", SB, "d2"));
  SHOW("rename dir over non-empty dir",
       __wasi_path_rename(SB, "d2", SB, "sub"));
  SHOW("rename dir into itself", __wasi_path_rename(SB, "d2", SB, "d2/x"));
  SHOW("rmdir d2", __wasi_path_remove_directory(SB, "d2"));
  __wasi_fd_t sub;
  (void)wopen(SB, "sub", 0, __WASI_OFLAGS_DIRECTORY,
              RIGHTS_DIR | __WASI_RIGHTS_PATH_RENAME_SOURCE |
                  __WASI_RIGHTS_PATH_RENAME_TARGET,
              0, &sub);
  SHOW("rename across fds", __wasi_path_rename(sub, "b.txt", SB, "b.txt"));
  SHOW("rename back", __wasi_path_rename(SB, "b.txt", sub, "b.txt"));
  SHOW("rename bad fd", __wasi_path_rename(77, "a", SB, "b"));
  return 0;
}
