/*
** wasi_sock.c — sock_accept, sock_recv, sock_send and sock_shutdown.
**
** Preview 1 has no way to create or connect sockets: an app only gets the
** listening sockets its embedder handed in (vwasi_config.sockets) and the
** connections it accepts on them.  Everything else is ENOTSOCK / EBADF /
** ENOTCAPABLE.  Sends never raise SIGPIPE in the host (MSG_NOSIGNAL).
*/
#define _GNU_SOURCE
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi_int.h"

enum { RI_RECV_PEEK = 1, RI_RECV_WAITALL = 2, RO_RECV_DATA_TRUNCATED = 1 };
enum { SD_RD = 1, SD_WR = 2 };

static int sock_get(wasi_call *c, uint32_t fd, uint64_t need, wasi_fd **f) {
  int e = wasi_fd_get(c->w, fd, need, f);
  if (e) return e;
  if ((*f)->kind != WK_SOCKET) return W_ENOTSOCK;
  return 0;
}

/* One sendmsg or recvmsg on host socket h over the guest's n iovecs at
** iovs, retried on EINTR.  *flags goes in as the call's flags and comes
** back as the message's (recv: MSG_TRUNC); *done gets the bytes moved. */
static int sock_transfer(wasi_call *c, int h, uint32_t iovs, uint32_t n,
                         bool send, int *flags, uint32_t *done) {
  struct iovec *v;
  int e = wasi_iovecs(c, iovs, n, &v);
  if (e) return e;
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = v;
  m.msg_iovlen = n;
  ssize_t r;
  do {
    r = send ? sendmsg(h, &m, *flags) : recvmsg(h, &m, *flags);
  } while (r < 0 && errno == EINTR);
  vw_free(&c->w->alloc, v);
  if (r < 0) return W_ERRNO();
  *flags = m.msg_flags;
  *done = (uint32_t)r;
  return 0;
}

static int sock_accept(wasi_call *c, const vw_raw *a) {
  uint32_t flags = A32(1), outp = A32(2);
  wasi_fd *f;
  int e = sock_get(c, A32(0), R_SOCK_ACCEPT, &f);
  if (e) return e;
  if (flags & ~(uint32_t)FDF_NONBLOCK) return W_EINVAL;
  if (!wm_ok(c, outp, 4)) return W_EFAULT;
  int h;
  do {
    h = accept4(f->host, NULL, NULL,
                SOCK_CLOEXEC | ((flags & FDF_NONBLOCK) ? SOCK_NONBLOCK : 0));
  } while (h < 0 && errno == EINTR);
  if (h < 0) return W_ERRNO();
  uint32_t nfd;
  /* a connection can read, write and shut down, but not accept */
  uint64_t r = R_SOCK_BASE & ~R_SOCK_ACCEPT;
  if ((e = wasi_fd_insert(c->w, h, WK_SOCKET, FT_SOCKET_STREAM, r, r, &nfd)))
    return e;
  wm_st32(c, outp, nfd);
  return 0;
}

static int sock_recv(wasi_call *c, const vw_raw *a) {
  uint32_t iovs = A32(1), n = A32(2), riflags = A32(3);
  uint32_t lenp = A32(4), flagsp = A32(5);
  wasi_fd *f;
  int e = sock_get(c, A32(0), R_FD_READ, &f);
  if (e) return e;
  if (riflags & ~3u) return W_EINVAL;
  if (!wm_ok(c, lenp, 4) || !wm_ok(c, flagsp, 2)) return W_EFAULT;
  int fl = ((riflags & RI_RECV_PEEK) ? MSG_PEEK : 0) |
           ((riflags & RI_RECV_WAITALL) ? MSG_WAITALL : 0);
  uint32_t done;
  if ((e = sock_transfer(c, f->host, iovs, n, false, &fl, &done))) return e;
  wm_st32(c, lenp, done);
  wm_st16(c, flagsp, (fl & MSG_TRUNC) ? RO_RECV_DATA_TRUNCATED : 0);
  return 0;
}

static int sock_send(wasi_call *c, const vw_raw *a) {
  uint32_t iovs = A32(1), n = A32(2), outp = A32(4);
  wasi_fd *f;
  int e = sock_get(c, A32(0), R_FD_WRITE, &f);
  if (e) return e;
  if (A32(3) != 0) return W_EINVAL; /* siflags: none are defined */
  if (!wm_ok(c, outp, 4)) return W_EFAULT;
  int fl = MSG_NOSIGNAL;
  uint32_t done;
  if ((e = sock_transfer(c, f->host, iovs, n, true, &fl, &done))) return e;
  wm_st32(c, outp, done);
  return 0;
}

static int sock_shutdown(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = sock_get(c, A32(0), R_SOCK_SHUTDOWN, &f);
  if (e) return e;
  int how;
  switch (A32(1)) {
    case SD_RD: how = SHUT_RD; break;
    case SD_WR: how = SHUT_WR; break;
    case SD_RD | SD_WR: how = SHUT_RDWR; break;
    default: return W_EINVAL;
  }
  if (shutdown(f->host, how) != 0) return W_ERRNO();
  return 0;
}

const wasi_fndesc wasi_sock_fns[] = { { "sock_accept", "iii", 1, sock_accept },
                                      { "sock_recv", "iiiiii", 1, sock_recv },
                                      { "sock_send", "iiiii", 1, sock_send },
                                      { "sock_shutdown", "ii", 1,
                                        sock_shutdown },
                                      { NULL, NULL, 0, NULL } };
