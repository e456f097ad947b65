/* path_create_directory and path_remove_directory. */
#include "wt.h"

int main(void) {
  show_each(__wasi_path_create_directory, "mkdir d", "d", "mkdir d again", "d",
            "mkdir d/e/", "d/e/", "mkdir missing/x", "missing/x",
            "mkdir hello.txt/x", "hello.txt/x", "mkdir over a file",
            "hello.txt", NULL);
  __wasi_filestat_t st;
  SHOW("stat d/e", __wasi_path_filestat_get(SB, 0, "d/e", &st));
  printf("type=%u\n", st.filetype);
  show_each(__wasi_path_remove_directory, "rmdir d (not empty)", "d",
            "rmdir d/e", "d/e", "rmdir d/e again", "d/e", "rmdir a file",
            "hello.txt", "rmdir d/", "d/", NULL);
  SHOW("stat d", __wasi_path_filestat_get(SB, 0, "d", &st));
  /* through a directory opened with path_open */
  __wasi_fd_t sub;
  SHOW("open sub",
       wopen(SB, "sub", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &sub));
  SHOW("mkdir sub/n", __wasi_path_create_directory(sub, "n"));
  SHOW("stat sub/n from root", __wasi_path_filestat_get(SB, 0, "sub/n", &st));
  SHOW("rmdir sub/n", __wasi_path_remove_directory(sub, "n"));
  SHOW("mkdir on a file fd", __wasi_path_create_directory(1, "x"));
  SHOW("mkdir bad fd", __wasi_path_create_directory(42, "x"));
  return 0;
}
