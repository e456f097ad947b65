/*
** ticker — a well-behaved display app for tests/display/screen.py: reports
** each "@sys: window W H" it hears on stderr, then every 100 ms fills its
** window with a colour that alternates red/blue with its tick count, draws
** the count as text, presents, and logs "tick N".  Ends at end of input.
*/
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vyoma.h"

int main(void) {
  int w = 320, h = 240;
  char line[512];
  size_t len = 0;
  for (long tick = 1;; tick++) {
    struct pollfd p = { 0, POLLIN, 0 };
    if (poll(&p, 1, 100) > 0) {
      ssize_t n = read(0, line + len, sizeof line - 1 - len);
      if (n <= 0) return 0;
      len += (size_t)n;
      char *nl;
      while ((nl = memchr(line, '\n', len))) {
        *nl = 0;
        vy_msg m;
        int ww, hh;
        if (vy_parse(line, &m) &&
            sscanf(m.payload, "window %d %d", &ww, &hh) == 2) {
          w = ww;
          h = hh;
          fprintf(stderr, "window %d %d\n", w, h);
        }
        size_t used = (size_t)(nl - line) + 1;
        memmove(line, nl + 1, len - used);
        len -= used;
      }
      if (len == sizeof line - 1) len = 0;
    }
    vy_draw_clear("#000000");
    vy_draw_fill(0, 0, w, h, tick % 2 ? "#ff0000" : "#0000ff");
    char t[32];
    snprintf(t, sizeof t, "%ld", tick);
    vy_draw_text(4, 4, "#ffffff", t);
    vy_draw_present();
    fprintf(stderr, "tick %ld\n", tick);
  }
}
