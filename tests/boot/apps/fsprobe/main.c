/*
** fsprobe — boot-test app (tests/boot/run.sh), not in the product image.
** Has no filesystem grant: tries to open "/data" and lists its preopens
** (fd_prestat_get on fds 3..10).  Expected output:
**   fsprobe: open /data: <error>
**   fsprobe: no preopens
** A grant leak shows as "fsprobe: opened /data" or "fsprobe: preopen fd=..".
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
  int fd = open("/data", O_RDONLY);
  if (fd >= 0) {
    printf("fsprobe: opened /data (fd %d)\n", fd);
    close(fd);
  } else {
    printf("fsprobe: open /data: %s\n", strerror(errno));
  }
  int n = 0;
  for (__wasi_fd_t i = 3; i <= 10; i++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(i, &ps) != 0) continue;
    char name[256] = "";
    size_t len = ps.u.dir.pr_name_len < sizeof name - 1 ? ps.u.dir.pr_name_len
                                                        : sizeof name - 1;
    if (__wasi_fd_prestat_dir_name(i, (uint8_t *)name, len) != 0) len = 0;
    name[len] = 0;
    printf("fsprobe: preopen fd=%u %s\n", (unsigned)i, name);
    n++;
  }
  if (!n) printf("fsprobe: no preopens\n");
  return 0;
}
