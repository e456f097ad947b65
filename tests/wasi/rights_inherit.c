/* path_open intersects the requested rights with the directory's
** inheriting rights (the spec's rule): a directory whose inheriting rights
** lack FD_WRITE yields files that cannot be written, and more rights than
** the directory may hand down are silently not granted.  Node refuses the
** open instead (ENOTCAPABLE), hence NODE_SKIP. */
#include "wt.h"

int main(void) {
  __wasi_fd_t sub, fd;
  SHOW("open sub", wopen(SB, "sub", 0, __WASI_OFLAGS_DIRECTORY,
                         RIGHTS_DIR | RIGHTS_RW, 0, &sub));
  __wasi_fdstat_t st;
  (void)__wasi_fd_fdstat_get(sub, &st);
  SHOW("drop inheriting FD_WRITE",
       __wasi_fd_fdstat_set_rights(
           sub, st.fs_rights_base,
           st.fs_rights_inheriting & ~__WASI_RIGHTS_FD_WRITE));
  SHOW("open a.txt asking for read+write",
       wopen(sub, "a.txt", 0, 0, RIGHTS_RW, 0, &fd));
  (void)__wasi_fd_fdstat_get(fd, &st);
  printf("read=%d write=%d\n", !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ),
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  __wasi_size_t n;
  SHOW("write", wwrite(fd, "x", &n));
  char buf[16] = "";
  __wasi_errno_t e = wread(fd, buf, sizeof buf, &n);
  printf("read: %d %s\n", e, e ? "-" : buf);
  return 0;
}
