/*
** counter — a small interactive app built on sdk/vyoma.h.
**
** Keeps a number and draws it in its window.  Input lines on stdin:
**   "+" / "-" / "0"        keyboard: increment, decrement, reset
**   "q"                    keyboard: quit
**   "@app: inc|dec|reset"  IPC from another app: same, then replies
**   "@app: get"            IPC: replies "@app: count N"
** Each change is logged to @logger and redrawn with VYOMA_DRAW lines.
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"

static long count;

static void draw(void) {
  char text[64];
  snprintf(text, sizeof text, "count: %ld", count);
  vy_draw_clear("#202030");
  vy_draw_fill(10, 10, 220, 60, count < 0 ? "#803030" : "#306030");
  vy_draw_rect(10, 10, 220, 60, "#ffffff");
  vy_draw_text(24, 48, "#ffffff", text);
  vy_draw_circle(200, 40, 12, "#ffd700");
  vy_draw_line(10, 80, 230, 80, "#8080ff80");
  vy_draw_present();
}

/* Applies a command; returns 1 if it was one. */
static int apply(const char *cmd) {
  if (!strcmp(cmd, "+") || !strcmp(cmd, "inc"))
    count++;
  else if (!strcmp(cmd, "-") || !strcmp(cmd, "dec"))
    count--;
  else if (!strcmp(cmd, "0") || !strcmp(cmd, "reset"))
    count = 0;
  else
    return 0;
  return 1;
}

int main(void) {
  char line[VY_LINE_MAX];
  draw();
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    if (vy_parse(line, &m)) {
      if (apply(m.payload)) {
        draw();
        vy_send(m.sender, "count %ld", count);
      } else if (!strcmp(m.payload, "get")) {
        vy_send(m.sender, "count %ld", count);
      } else {
        vy_send(m.sender, "error unknown-command \"%s\"", m.payload);
      }
    } else if (!strcmp(line, "q")) {
      break;
    } else if (apply(line)) {
      draw();
      vy_send("logger", "counter is now %ld", count);
    }
  }
  printf("counter: final count %ld\n", count);
  return 0;
}
