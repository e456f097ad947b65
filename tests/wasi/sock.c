/* sock_accept, sock_recv, sock_send, sock_shutdown on descriptors that are
** not sockets (ENOTSOCK or ENOTCAPABLE, whichever check comes first on that
** descriptor) and on closed ones (EBADF).  The harness hands in no socket,
** so the success paths are covered by the native unit test instead. */
#include "wt.h"

int main(void) {
  SHOW("sock_accept bad fd", try_accept(40, 0));
  SHOW("sock_recv bad fd", try_recv(40));
  SHOW("sock_send bad fd", try_send(40));
  SHOW("sock_shutdown bad fd", __wasi_sock_shutdown(40, __WASI_SDFLAGS_WR));
  __wasi_fd_t f;
  (void)wopen(SB, "hello.txt", 0, 0, RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE, 0,
              &f);
  printf("sock_recv on a file not ok: %d\n", try_recv(f) != 0);
  printf("sock_send on a file not ok: %d\n", try_send(f) != 0);
  printf("sock_accept on a dir not ok: %d\n", try_accept(SB, 0) != 0);
  printf("sock_shutdown on a file not ok: %d\n",
         __wasi_sock_shutdown(f, __WASI_SDFLAGS_RD) != 0);
  return 0;
}
