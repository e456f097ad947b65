/*
** badraw — draws malformed lines for tests/display/screen.py, then logs
** each "@sys: error draw ..." reply it receives and stays alive until its
** input ends.  A non-display app running the same module shows that
** VYOMA_DRAW lines without the capability are only log lines.
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"

int main(void) {
  puts("VYOMA_DRAW fill 1 2 3");
  puts("VYOMA_DRAW rect 0 0 10 10 #zzzzzz");
  puts("VYOMA_DRAW sparkle 1 2");
  puts("VYOMA_DRAW text 0 0 #ffffff \"unterminated");
  puts("VYOMA_DRAW image 0 0 \"../../etc/passwd\"");
  puts("VYOMA_DRAW fill 0 0 50 50 #00ff00");
  vy_draw_present();
  char line[1024];
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    if (vy_parse(line, &m) && !strcmp(m.sender, "sys"))
      fprintf(stderr, "heard: %s\n", m.payload);
  }
  return 0;
}
