/*
** echo — copies stdin to stdout until end of input.  Under VyomaOS the
** focused app's keyboard input arrives on stdin, so this echoes keystrokes
** (and IPC messages) back into its log.  Exits 0 at EOF, 1 on an I/O error.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "echo: read: %s\n", strerror(errno));
      return 1;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(1, buf + off, (size_t)(n - off));
      if (w < 0) {
        if (errno == EINTR) continue;
        fprintf(stderr, "echo: write: %s\n", strerror(errno));
        return 1;
      }
      off += w;
    }
  }
}
