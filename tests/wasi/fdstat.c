/* fd_fdstat_get, fd_fdstat_set_flags and fd_fdstat_set_rights: append mode,
** rights that can be dropped but never regained (ENOTCAPABLE). */
#include "wt.h"

int main(void) {
  __wasi_fd_t fd;
  __wasi_fdstat_t st;
  __wasi_errno_t e = wopen(SB, "fdstat.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_RW,
                           __WASI_FDFLAGS_APPEND, &fd);
  SHOW("path_open append", e);
  SHOW("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st));
  /* fs_flags itself is not printed: node reports raw host open flags
  ** there (fdstat_flags.c checks it, vyoma only) */
  printf("type=%u read=%d write=%d\n", st.fs_filetype,
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ),
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  __wasi_size_t n;
  (void)wwrite(fd, "abc", &n);
  __wasi_filesize_t pos;
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  (void)wwrite(fd, "def", &n); /* appended, not at 0 */
  SHOW("fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(fd, 0));
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  (void)wwrite(fd, "X", &n); /* now at 0 */
  SHOW("fd_fdstat_set_flags nonblock",
       __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
  (void)__wasi_fd_fdstat_get(fd, &st);

  __wasi_rights_t base = st.fs_rights_base, inh = st.fs_rights_inheriting;
  SHOW("drop FD_WRITE",
       __wasi_fd_fdstat_set_rights(fd, base & ~__WASI_RIGHTS_FD_WRITE, inh));
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("write right now=%d\n",
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  SHOW("fd_write without right", wwrite(fd, "no", &n));
  SHOW("regain FD_WRITE", __wasi_fd_fdstat_set_rights(fd, base, inh));
  SHOW("drop FD_SEEK|FD_TELL",
       __wasi_fd_fdstat_set_rights(
           fd,
           base & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                    __WASI_RIGHTS_FD_TELL),
           inh));
  SHOW("fd_seek without right", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  SHOW("fd_tell without right", __wasi_fd_tell(fd, &pos));
  SHOW("fd_fdstat_get bad fd", __wasi_fd_fdstat_get(77, &st));
  SHOW("fd_fdstat_set_flags bad fd", __wasi_fd_fdstat_set_flags(77, 0));
  SHOW("fd_fdstat_set_rights bad fd", __wasi_fd_fdstat_set_rights(77, 0, 0));
  (void)__wasi_fd_close(fd);
  show_file("fdstat.txt");
  (void)__wasi_path_unlink_file(SB, "fdstat.txt");

  /* the preopen is a directory */
  SHOW("fd_fdstat_get preopen", __wasi_fd_fdstat_get(SB, &st));
  printf("type=%u path_open right=%d\n", st.fs_filetype,
         !!(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN));
  return 0;
}
