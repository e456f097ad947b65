/* Spec-correct behaviour where node's uvwasi deviates (hence NODE_SKIP):
** fs_flags as the spec defines them (APPEND = 1, NONBLOCK = 4; node reports
** raw host open flags), fd_prestat_get on stdio (EBADF, not a preopen; node
** says EINVAL), path_filestat_set_times on a missing path (ENOENT; node
** hangs), an empty path (ENOENT as on the host; node says EINVAL). */
#include "wt.h"

int main(void) {
  __wasi_fd_t fd;
  __wasi_fdstat_t st;
  SHOW("path_open append", wopen(SB, "flags.txt", 0, __WASI_OFLAGS_CREAT,
                                 RIGHTS_RW, __WASI_FDFLAGS_APPEND, &fd));
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("flags=%u\n", st.fs_flags);
  SHOW("set nonblock", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("flags=%u\n", st.fs_flags);
  SHOW("set append|nonblock",
       __wasi_fd_fdstat_set_flags(
           fd, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_NONBLOCK));
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("flags=%u\n", st.fs_flags);
  SHOW("set 0", __wasi_fd_fdstat_set_flags(fd, 0));
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("flags=%u\n", st.fs_flags);
  (void)__wasi_fd_close(fd);
  (void)__wasi_path_unlink_file(SB, "flags.txt");
  for (__wasi_fd_t i = 0; i < 3; i++) {
    __wasi_prestat_t p;
    printf("fd %u prestat: %d\n", (unsigned)i, __wasi_fd_prestat_get(i, &p));
  }
  SHOW("set_times missing", __wasi_path_filestat_set_times(
                                SB, 0, "nope", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  SHOW("mkdir empty path", __wasi_path_create_directory(SB, ""));
  return 0;
}
