/* sock_accept, sock_recv, sock_send, sock_shutdown on descriptors that are
** not sockets (ENOTSOCK or ENOTCAPABLE, whichever check comes first on that
** descriptor) and on closed ones (EBADF).  The harness hands in no socket,
** so the success paths are covered by the native unit test instead. */
#include "wt.h"

int main(void) {
  __wasi_fd_t fd;
  uint8_t buf[8];
  __wasi_iovec_t iv = { buf, sizeof buf };
  __wasi_ciovec_t cv = { buf, sizeof buf };
  __wasi_size_t n;
  __wasi_roflags_t ro;
  SHOW("sock_accept bad fd", __wasi_sock_accept(40, 0, &fd));
  SHOW("sock_recv bad fd", __wasi_sock_recv(40, &iv, 1, 0, &n, &ro));
  SHOW("sock_send bad fd", __wasi_sock_send(40, &cv, 1, 0, &n));
  SHOW("sock_shutdown bad fd", __wasi_sock_shutdown(40, __WASI_SDFLAGS_WR));
  __wasi_fd_t f;
  (void)wopen(SB, "hello.txt", 0, 0, RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE, 0,
              &f);
  printf("sock_recv on a file not ok: %d\n",
         __wasi_sock_recv(f, &iv, 1, 0, &n, &ro) != 0);
  printf("sock_send on a file not ok: %d\n",
         __wasi_sock_send(f, &cv, 1, 0, &n) != 0);
  printf("sock_accept on a dir not ok: %d\n", __wasi_sock_accept(SB, 0, &fd) != 0);
  printf("sock_shutdown on a file not ok: %d\n",
         __wasi_sock_shutdown(f, __WASI_SDFLAGS_RD) != 0);
  return 0;
}
