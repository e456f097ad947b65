/*
** wasi_errno.c — Linux errno values and WASI preview 1 errno values, one
** table read both ways.
**
** The host's numbers differ from WASI's (which follow no platform), so every
** failing system call's errno passes through here before the guest sees it;
** host code outside the sandbox that calls a WASI-level helper (the display's
** PNG loader through vwasi_open_beneath) maps the answer back.  Unknown
** values become EIO rather than leaking a meaningless number.
**
** RESOLVE_BENEATH reports an escape as EXDEV; a guest that gets EXDEV from a
** rename across preopens still needs the real EXDEV, so the resolver
** translates escapes itself (ENOTCAPABLE) and EXDEV stays EXDEV here.
*/
#define _GNU_SOURCE
#include <errno.h>

#include "wasi_int.h"

static const struct {
  int host, wasi;
} map[] = {
  { E2BIG, W_E2BIG },
  { EACCES, W_EACCES },
  { EADDRINUSE, W_EADDRINUSE },
  { EADDRNOTAVAIL, W_EADDRNOTAVAIL },
  { EAFNOSUPPORT, W_EAFNOSUPPORT },
  { EAGAIN, W_EAGAIN }, /* == EWOULDBLOCK on Linux */
  { EALREADY, W_EALREADY },
  { EBADF, W_EBADF },
  { EBADMSG, W_EBADMSG },
  { EBUSY, W_EBUSY },
  { ECANCELED, W_ECANCELED },
  { ECHILD, W_ECHILD },
  { ECONNABORTED, W_ECONNABORTED },
  { ECONNREFUSED, W_ECONNREFUSED },
  { ECONNRESET, W_ECONNRESET },
  { EDEADLK, W_EDEADLK },
  { EDESTADDRREQ, W_EDESTADDRREQ },
  { EDOM, W_EDOM },
  { EDQUOT, W_EDQUOT },
  { EEXIST, W_EEXIST },
  { EFAULT, W_EFAULT },
  { EFBIG, W_EFBIG },
  { EHOSTUNREACH, W_EHOSTUNREACH },
  { EIDRM, W_EIDRM },
  { EILSEQ, W_EILSEQ },
  { EINPROGRESS, W_EINPROGRESS },
  { EINTR, W_EINTR },
  { EINVAL, W_EINVAL },
  { EIO, W_EIO },
  { EISCONN, W_EISCONN },
  { EISDIR, W_EISDIR },
  { ELOOP, W_ELOOP },
  { EMFILE, W_EMFILE },
  { EMLINK, W_EMLINK },
  { EMSGSIZE, W_EMSGSIZE },
  { EMULTIHOP, W_EMULTIHOP },
  { ENAMETOOLONG, W_ENAMETOOLONG },
  { ENETDOWN, W_ENETDOWN },
  { ENETRESET, W_ENETRESET },
  { ENETUNREACH, W_ENETUNREACH },
  { ENFILE, W_ENFILE },
  { ENOBUFS, W_ENOBUFS },
  { ENODEV, W_ENODEV },
  { ENOENT, W_ENOENT },
  { ENOEXEC, W_ENOEXEC },
  { ENOLCK, W_ENOLCK },
  { ENOLINK, W_ENOLINK },
  { ENOMEM, W_ENOMEM },
  { ENOMSG, W_ENOMSG },
  { ENOPROTOOPT, W_ENOPROTOOPT },
  { ENOSPC, W_ENOSPC },
  { ENOSYS, W_ENOSYS },
  { ENOTCONN, W_ENOTCONN },
  { ENOTDIR, W_ENOTDIR },
  { ENOTEMPTY, W_ENOTEMPTY },
  { ENOTRECOVERABLE, W_ENOTRECOVERABLE },
  { ENOTSOCK, W_ENOTSOCK },
  { EOPNOTSUPP, W_ENOTSUP }, /* == ENOTSUP on Linux */
  { ENOTTY, W_ENOTTY },
  { ENXIO, W_ENXIO },
  { EOVERFLOW, W_EOVERFLOW },
  { EOWNERDEAD, W_EOWNERDEAD },
  { EPERM, W_EPERM },
  { EPIPE, W_EPIPE },
  { EPROTO, W_EPROTO },
  { EPROTONOSUPPORT, W_EPROTONOSUPPORT },
  { EPROTOTYPE, W_EPROTOTYPE },
  { ERANGE, W_ERANGE },
  { EROFS, W_EROFS },
  { ESPIPE, W_ESPIPE },
  { ESRCH, W_ESRCH },
  { ESTALE, W_ESTALE },
  { ETIMEDOUT, W_ETIMEDOUT },
  { ETXTBSY, W_ETXTBSY },
  { EXDEV, W_EXDEV },
};

int wasi_errno(int e) {
  if (e == 0) return W_ESUCCESS;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (map[i].host == e) return map[i].wasi;
  return W_EIO;
}

int wasi_errno_host(int w) {
  if (w == W_ESUCCESS) return 0;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (map[i].wasi == w) return map[i].host;
  return EIO;
}
