/* The exact errnos of sock_* on non-sockets: ENOTSOCK when the descriptor
** has the right but is no socket; ENOTCAPABLE when it lacks the right.
** Node answers ENOTSUP/ENOTCAPABLE differently, hence NODE_SKIP. */
#include "wt.h"

int main(void) {
  __wasi_fd_t fd;
  uint8_t buf[8];
  __wasi_iovec_t iv = { buf, sizeof buf };
  __wasi_ciovec_t cv = { buf, sizeof buf };
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_fd_t f;
  (void)wopen(SB, "hello.txt", 0, 0, RIGHTS_RW, 0, &f);
  SHOW("sock_recv on a file", __wasi_sock_recv(f, &iv, 1, 0, &n, &ro));
  SHOW("sock_send on a file", __wasi_sock_send(f, &cv, 1, 0, &n));
  SHOW("sock_send on stdout", __wasi_sock_send(1, &cv, 1, 0, &n));
  SHOW("sock_accept on the preopen", __wasi_sock_accept(SB, 0, &fd));
  SHOW("sock_shutdown on a file", __wasi_sock_shutdown(f, __WASI_SDFLAGS_RD));
  SHOW("sock_accept bad flags", __wasi_sock_accept(SB, 1, &fd));
  return 0;
}
