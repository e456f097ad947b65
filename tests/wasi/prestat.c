/* fd_prestat_get / fd_prestat_dir_name: fd 3 is the one preopen; fds past
** it are not preopens (EBADF).  (For stdio, node says EINVAL where
** wasmtime and vyoma say EBADF; fdstat_flags.c covers that, vyoma only.) */
#include "wt.h"

int main(void) {
  for (__wasi_fd_t fd = 3; fd < 6; fd++) {
    __wasi_prestat_t p;
    __wasi_errno_t e = __wasi_fd_prestat_get(fd, &p);
    if (e) {
      printf("fd %u: prestat %d\n", (unsigned)fd, e);
      continue;
    }
    char name[64] = { 0 };
    __wasi_errno_t e2 =
        __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, p.u.dir.pr_name_len);
    printf("fd %u: prestat 0 tag=%u len=%u name %d \"%s\"\n", (unsigned)fd,
           p.tag, (unsigned)p.u.dir.pr_name_len, e2, name);
  }
  return 0;
}
