/* fd_renumber: moves a descriptor over another (closing it); both must be
** open. */
#include "wt.h"

int main(void) {
  __wasi_fd_t a, b;
  __wasi_rights_t r = RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE;
  SHOW("open a", wopen(SB, "hello.txt", 0, 0, r, 0, &a));
  SHOW("open b", wopen(SB, "sub/a.txt", 0, 0, r, 0, &b));
  printf("a=%u b=%u\n", (unsigned)a, (unsigned)b);
  SHOW("fd_renumber a->b", __wasi_fd_renumber(a, b));
  char buf[64];
  __wasi_size_t n;
  __wasi_errno_t e = wread(b, buf, sizeof buf, &n);
  printf("read b: %d %s", e, buf);
  SHOW("read a (gone)", wread(a, buf, sizeof buf, &n));
  SHOW("fd_renumber to closed", __wasi_fd_renumber(b, a));
  SHOW("fd_renumber from closed", __wasi_fd_renumber(a, b));
  SHOW("fd_renumber self", __wasi_fd_renumber(b, b));
  /* the freed number is reused by the next open */
  __wasi_fd_t c;
  SHOW("open c", wopen(SB, "sub/b.txt", 0, 0, r, 0, &c));
  printf("c=%u reused=%d\n", (unsigned)c, c == a);
  return 0;
}
