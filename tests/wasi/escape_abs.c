/* Escape attempt: absolute paths, which name the host's root, never the
** preopen (not even "/sandbox/..." ).  Every attempt must be denied. */
#include "wt.h"

int main(void) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  const char *paths[] = { "/etc/passwd", "/", "/sandbox/hello.txt", "//etc",
                          "/proc/self/root" };
  for (int i = 0; i < 5; i++) {
    __wasi_errno_t e = wopen(SB, paths[i], FOLLOW, 0,
                             RIGHTS_DIR | __WASI_RIGHTS_FD_READ, 0, &fd);
    printf("open %s: %s (%d)\n", paths[i], e ? "denied" : "ESCAPED", e);
  }
  SHOW("stat /etc", __wasi_path_filestat_get(SB, FOLLOW, "/etc", &st));
  SHOW("mkdir /tmp/evil", __wasi_path_create_directory(SB, "/tmp/evil"));
  SHOW("link hello.txt -> /tmp/evil",
       __wasi_path_link(SB, 0, "hello.txt", SB, "/tmp/evil"));
  SHOW("link /etc/passwd -> p",
       __wasi_path_link(SB, 0, "/etc/passwd", SB, "p"));
  SHOW("rename hello.txt -> /tmp/evil",
       __wasi_path_rename(SB, "hello.txt", SB, "/tmp/evil"));
  uint8_t buf[32];
  __wasi_size_t used;
  SHOW("readlink /proc/self/exe",
       __wasi_path_readlink(SB, "/proc/self/exe", buf, sizeof buf, &used));
  return 0;
}
