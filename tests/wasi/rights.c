/* Rights: an operation needs its right on the descriptor (ENOTCAPABLE
** otherwise), dropped rights stay dropped, and a directory's base rights
** govern what can be done through it. */
#include "wt.h"

int main(void) {
  __wasi_fd_t sub, fd;
  SHOW("open sub",
       wopen(SB, "sub", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &sub));
  __wasi_fdstat_t st;
  (void)__wasi_fd_fdstat_get(sub, &st);
  SHOW("drop PATH_CREATE_DIRECTORY",
       __wasi_fd_fdstat_set_rights(
           sub, st.fs_rights_base & ~__WASI_RIGHTS_PATH_CREATE_DIRECTORY,
           st.fs_rights_inheriting));
  SHOW("mkdir without right", __wasi_path_create_directory(sub, "x"));
  SHOW("mkdir via the preopen", __wasi_path_create_directory(SB, "sub/x"));
  SHOW("rmdir via the preopen", __wasi_path_remove_directory(SB, "sub/x"));
  (void)__wasi_fd_fdstat_get(sub, &st);
  SHOW("drop PATH_OPEN", __wasi_fd_fdstat_set_rights(
                             sub, st.fs_rights_base & ~__WASI_RIGHTS_PATH_OPEN,
                             st.fs_rights_inheriting));
  SHOW("path_open without right",
       wopen(sub, "a.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
  (void)__wasi_fd_fdstat_get(sub, &st);
  SHOW("drop FD_READDIR",
       __wasi_fd_fdstat_set_rights(
           sub, st.fs_rights_base & ~__WASI_RIGHTS_FD_READDIR,
           st.fs_rights_inheriting));
  uint8_t buf[128];
  __wasi_size_t used;
  SHOW("fd_readdir without right",
       __wasi_fd_readdir(sub, buf, sizeof buf, 0, &used));
  SHOW("stat without PATH_FILESTAT_GET? (kept)",
       __wasi_path_filestat_get(sub, 0, "a.txt", (__wasi_filestat_t *)buf));
  SHOW("drop everything", __wasi_fd_fdstat_set_rights(sub, 0, 0));
  SHOW("stat with no rights",
       __wasi_path_filestat_get(sub, 0, "a.txt", (__wasi_filestat_t *)buf));
  SHOW("unlink with no rights", __wasi_path_unlink_file(sub, "a.txt"));
  SHOW("regain anything",
       __wasi_fd_fdstat_set_rights(sub, __WASI_RIGHTS_FD_READDIR, 0));
  SHOW("fd_close still works", __wasi_fd_close(sub));

  /* a file opened read-only has no write right; asking for more later fails */
  SHOW("open ro", wopen(SB, "hello.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &fd));
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("read=%d write=%d seek=%d\n",
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ),
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE),
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_SEEK));
  __wasi_size_t n;
  SHOW("write", wwrite(fd, "x", &n));
  __wasi_filesize_t pos;
  SHOW("seek without right", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos));
  SHOW("set_size without right", __wasi_fd_filestat_set_size(fd, 0));
  SHOW("add FD_WRITE", __wasi_fd_fdstat_set_rights(
                           fd, st.fs_rights_base | __WASI_RIGHTS_FD_WRITE, 0));
  return 0;
}
