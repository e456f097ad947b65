/*
** wt.h — helpers shared by the WASI conformance programs (tests/wasi/NAME.c).
**
** Each program calls the wasi_snapshot_preview1 functions directly (through
** wasi-libc's <wasi/api.h>, or raw imports for deliberately bad pointers)
** and prints the errno values it gets, so the same output is expected from
** vyoma and from node's node:wasi.  The fixture directory is preopened as
** /sandbox at fd 3 (tests/wasi/fixtures/, a fresh copy per run).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define SB 3                          /* the /sandbox preopen */
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

#define RIGHTS_RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | \
  __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
  __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | \
  __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_SYNC | \
  __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | \
  __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS)
#define RIGHTS_DIR (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | \
  __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY | \
  __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_UNLINK_FILE | \
  __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_FD_FILESTAT_GET | \
  __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_SYMLINK)

/* path_open relative to `dir`; prints nothing, returns the errno */
static inline __wasi_errno_t wopen(__wasi_fd_t dir, const char *path,
                                   __wasi_lookupflags_t look,
                                   __wasi_oflags_t of, __wasi_rights_t base,
                                   __wasi_fdflags_t ff, __wasi_fd_t *fd) {
  *fd = (__wasi_fd_t)-1;
  return __wasi_path_open(dir, look, path, of, base, base | RIGHTS_DIR, ff,
                          fd);
}

/* prints "label: errno" (0 = success) */
#define SHOW(label, expr) printf("%s: %d\n", (label), (int)(expr))

/* an escape attempt: must fail; prints the errno it got */
#define DENY(label, expr) do { \
    __wasi_errno_t e_ = (expr); \
    if (e_) printf("%s: denied (%d)\n", (label), (int)e_); \
    else printf("%s: ESCAPED\n", (label)); \
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
  __wasi_errno_t e = wopen(SB, path, FOLLOW, 0,
                           RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE,
                           0, &fd);
  if (e) { printf("open %s: %d\n", path, e); return; }
  char buf[256];
  __wasi_size_t n;
  e = wread(fd, buf, sizeof buf, &n);
  printf("%s [%d]: %s", path, e, n ? buf : "(empty)\n");
  (void)__wasi_fd_close(fd);
}
