/* The exact errnos of sock_* on non-sockets: ENOTSOCK when the descriptor
** has the right but is no socket; ENOTCAPABLE when it lacks the right.
** Node answers ENOTSUP/ENOTCAPABLE differently, hence NODE_SKIP. */
#include "wt.h"

int main(void) {
  __wasi_fd_t f;
  (void)wopen(SB, "hello.txt", 0, 0, RIGHTS_RW, 0, &f);
  SHOW("sock_recv on a file", try_recv(f));
  SHOW("sock_send on a file", try_send(f));
  SHOW("sock_send on stdout", try_send(1));
  SHOW("sock_accept on the preopen", try_accept(SB, 0));
  SHOW("sock_shutdown on a file", __wasi_sock_shutdown(f, __WASI_SDFLAGS_RD));
  SHOW("sock_accept bad flags", try_accept(SB, 1));
  return 0;
}
