/*
** wt.h — helpers shared by the WASI conformance programs (tests/wasi/NAME.c).
**
** Each program calls the wasi_snapshot_preview1 functions directly (through
** wasi-libc's <wasi/api.h>, or raw imports for deliberately bad pointers)
** and prints the errno values it gets, so the same output is expected from
** vyoma and from node's node:wasi.  The fixture directory is preopened as
** /sandbox at fd 3 (tests/wasi/fixtures/, a fresh copy per run).
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define SB     3 /* the /sandbox preopen */
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

#define RIGHTS_RW                                                              \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |    \
   __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |                     \
   __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |  \
   __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC |                         \
   __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_ADVISE |                       \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS)
#define RIGHTS_DIR                                                             \
  (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR |                        \
   __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY |      \
   __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_UNLINK_FILE |          \
   __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_FD_FILESTAT_GET |       \
   __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_SYMLINK)

/* path_open relative to `dir`; prints nothing, returns the errno */
static inline __wasi_errno_t wopen(__wasi_fd_t dir, const char *path,
                                   __wasi_lookupflags_t look,
                                   __wasi_oflags_t of, __wasi_rights_t base,
                                   __wasi_fdflags_t ff, __wasi_fd_t *fd) {
  *fd = (__wasi_fd_t)-1;
  return __wasi_path_open(dir, look, path, of, base, base | RIGHTS_DIR, ff, fd);
}

/* prints "label: errno" (0 = success) */
#define SHOW(label, expr) printf("%s: %d\n", (label), (int)(expr))

/* an escape attempt: must fail; prints the errno it got */
#define DENY(label, expr)                                                      \
  do {                                                                         \
    __wasi_errno_t e_ = (expr);                                                \
    if (e_)                                                                    \
      printf("%s: denied (%d)\n", (label), (int)e_);                           \
    else                                                                       \
      printf("%s: ESCAPED\n", (label));                                        \
  } while (0)

static inline __wasi_errno_t wwrite(__wasi_fd_t fd, const char *s,
                                    __wasi_size_t *n) {
  __wasi_ciovec_t v = { (const uint8_t *)s, strlen(s) };
  return __wasi_fd_write(fd, &v, 1, n);
}

static inline __wasi_errno_t wread(__wasi_fd_t fd, char *buf, size_t len,
                                   __wasi_size_t *n) {
  __wasi_iovec_t v = { (uint8_t *)buf, len };
  __wasi_errno_t e = __wasi_fd_read(fd, &v, 1, n);
  if (!e) buf[*n < len ? *n : len - 1] = 0;
  return e;
}

/* opens the file `path` inside /sandbox and prints its content */
static inline void show_file(const char *path) {
  __wasi_fd_t fd;
  __wasi_errno_t e =
      wopen(SB, path, FOLLOW, 0, RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE, 0, &fd);
  if (e) {
    printf("open %s: %d\n", path, e);
    return;
  }
  char buf[256];
  __wasi_size_t n;
  e = wread(fd, buf, sizeof buf, &n);
  printf("%s [%d]: %s", path, e, n ? buf : "(empty)\n");
  (void)__wasi_fd_close(fd);
}

/* one (label, path) pair after another, NULL-ended: fn(SB, path) for each,
** printed as SHOW prints it */
static inline void show_each(__wasi_errno_t (*fn)(__wasi_fd_t, const char *),
                             ...) {
  va_list ap;
  va_start(ap, fn);
  const char *label;
  while ((label = va_arg(ap, const char *)) != NULL) {
    const char *path = va_arg(ap, const char *);
    SHOW(label, fn(SB, path));
  }
  va_end(ap);
}

/* open `path` inside /sandbox (following symlinks) as an escape attempt:
** it must be denied */
static inline void deny_open(const char *path) {
  __wasi_fd_t fd;
  __wasi_errno_t e =
      wopen(SB, path, FOLLOW, 0, RIGHTS_DIR | __WASI_RIGHTS_FD_READ, 0, &fd);
  char label[128];
  snprintf(label, sizeof label, "open %s", path);
  DENY(label, e);
}

/* the sock_* calls with one scratch buffer, for the programs that only
** want their errnos */
static uint8_t sock_buf[8];
static inline __wasi_errno_t try_recv(__wasi_fd_t fd) {
  __wasi_iovec_t v = { sock_buf, sizeof sock_buf };
  __wasi_size_t n;
  __wasi_roflags_t ro;
  return __wasi_sock_recv(fd, &v, 1, 0, &n, &ro);
}
static inline __wasi_errno_t try_send(__wasi_fd_t fd) {
  __wasi_ciovec_t v = { sock_buf, sizeof sock_buf };
  __wasi_size_t n;
  return __wasi_sock_send(fd, &v, 1, 0, &n);
}
static inline __wasi_errno_t try_accept(__wasi_fd_t fd, __wasi_fdflags_t ff) {
  __wasi_fd_t got;
  return __wasi_sock_accept(fd, ff, &got);
}

/* ---- poll_oneoff (poll.c, poll_more.c) ---- */
static inline __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id,
                                              uint64_t timeout, int abs) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static inline __wasi_subscription_t fd_sub(uint64_t ud, __wasi_eventtype_t t,
                                           __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = t;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

/* the monotonic clock, in ns */
static inline uint64_t now(void) {
  __wasi_timestamp_t t;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

/* prints a poll_oneoff result and, on success, each event */
static inline void report(const char *label, __wasi_errno_t e,
                          __wasi_event_t *ev, __wasi_size_t n) {
  printf("%s: %d nevents=%u\n", label, e, (unsigned)n);
  for (unsigned i = 0; i < n && !e; i++)
    printf("  userdata=%llu error=%u type=%u\n",
           (unsigned long long)ev[i].userdata, ev[i].error, ev[i].type);
}
