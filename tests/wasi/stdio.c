/* fd_write with several iovecs (including empty ones) to stdout, fd_read of
** stdin to the end, writes to stderr, and bad descriptors. */
#include "wt.h"

int main(void) {
  __wasi_ciovec_t v[4] = { { (const uint8_t *)"hello", 5 },
                           { (const uint8_t *)"", 0 },
                           { (const uint8_t *)", ", 2 },
                           { (const uint8_t *)"world\n", 6 } };
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_write(1, v, 4, &n);
  printf("fd_write: %d n=%u\n", e, (unsigned)n);
  e = __wasi_fd_write(1, v, 0, &n);
  printf("fd_write no iovecs: %d n=%u\n", e, (unsigned)n);
  e = __wasi_fd_write(2, v, 1, &n);
  printf("fd_write stderr: %d n=%u\n", e, (unsigned)n);
  char buf[7];
  size_t total = 0;
  for (;;) {
    __wasi_iovec_t iv[2] = { { (uint8_t *)buf, 3 }, { (uint8_t *)buf + 3, 3 } };
    e = __wasi_fd_read(0, iv, 2, &n);
    if (e || n == 0) break;
    buf[n] = 0;
    printf("read %u: [%s]\n", (unsigned)n, buf);
    total += n;
  }
  printf("fd_read end: %d total=%u\n", e, (unsigned)total);
  SHOW("fd_write bad fd", __wasi_fd_write(99, v, 1, &n));
  SHOW("fd_read bad fd", __wasi_fd_read(99, (__wasi_iovec_t *)v, 1, &n));
  return 0;
}
