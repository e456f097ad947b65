/* path_create_directory and path_remove_directory. */
#include "wt.h"

int main(void) {
  SHOW("mkdir d", __wasi_path_create_directory(SB, "d"));
  SHOW("mkdir d again", __wasi_path_create_directory(SB, "d"));
  SHOW("mkdir d/e/", __wasi_path_create_directory(SB, "d/e/"));
  SHOW("mkdir missing/x", __wasi_path_create_directory(SB, "missing/x"));
  SHOW("mkdir hello.txt/x", __wasi_path_create_directory(SB, "hello.txt/x"));
  SHOW("mkdir over a file", __wasi_path_create_directory(SB, "hello.txt"));
  __wasi_filestat_t st;
  SHOW("stat d/e", __wasi_path_filestat_get(SB, 0, "d/e", &st));
  printf("type=%u\n", st.filetype);
  SHOW("rmdir d (not empty)", __wasi_path_remove_directory(SB, "d"));
  SHOW("rmdir d/e", __wasi_path_remove_directory(SB, "d/e"));
  SHOW("rmdir d/e again", __wasi_path_remove_directory(SB, "d/e"));
  SHOW("rmdir a file", __wasi_path_remove_directory(SB, "hello.txt"));
  SHOW("rmdir d/", __wasi_path_remove_directory(SB, "d/"));
  SHOW("stat d", __wasi_path_filestat_get(SB, 0, "d", &st));
  /* through a directory opened with path_open */
  __wasi_fd_t sub;
  SHOW("open sub", wopen(SB, "sub", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0,
                         &sub));
  SHOW("mkdir sub/n", __wasi_path_create_directory(sub, "n"));
  SHOW("stat sub/n from root", __wasi_path_filestat_get(SB, 0, "sub/n", &st));
  SHOW("rmdir sub/n", __wasi_path_remove_directory(sub, "n"));
  SHOW("mkdir on a file fd", __wasi_path_create_directory(1, "x"));
  SHOW("mkdir bad fd", __wasi_path_create_directory(42, "x"));
  return 0;
}
