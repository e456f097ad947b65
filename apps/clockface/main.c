/*
** clockface — an analog clock for a VyomaOS window: a face, 12 tick marks,
** hour/minute/second hands and the digital time "HH:MM:SS UTC" below it.
**
** Protocol: draws with VYOMA_DRAW lines (sdk/vyoma.h), one frame at start
** and one at every wall-clock second (the wait is aligned to the second
** with clock_gettime(CLOCK_REALTIME)).  stdin:
**   "@sys: window W H"     the window's size: the face scales to it
**   "@sys: error draw ..." a draw line was refused: logged to stderr
**   "@sys: shutdown"       the supervisor stopping: exit 0
** Exits 0 at end of input.  Until the first window line it assumes 320x240.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vyoma.h"

static int win_w = 320, win_h = 240;

/* (x, y) of the point at `frac` of a turn clockwise from 12 o'clock, at
** distance len from (cx, cy). */
static void polar(int cx, int cy, double frac, double len, int *x, int *y) {
  double a = frac * 2.0 * M_PI;
  *x = cx + (int)lround(sin(a) * len);
  *y = cy - (int)lround(cos(a) * len);
}

static void hand(int cx, int cy, double frac, double len, const char *color) {
  int x, y;
  polar(cx, cy, frac, len, &x, &y);
  vy_draw_line(cx, cy, x, y, color);
}

static void draw(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);

  /* the digital time takes a strip at the bottom; the face the rest */
  int size = win_h / 12;
  if (size < 12) size = 12;
  if (size > 48) size = 48;
  int face_h = win_h - size - 8;
  int r = (face_h < win_w ? face_h : win_w) / 2 - 4;
  if (r < 8) r = 8;
  int cx = win_w / 2, cy = 4 + r;

  vy_draw_clear("#101820");
  vy_draw_disc(cx, cy, r, "#202c38");
  vy_draw_circle(cx, cy, r, "#c0c8d0");
  for (int i = 0; i < 12; i++) {
    int x1, y1, x2, y2;
    /* the quarter marks are longer, so the face reads at a glance */
    polar(cx, cy, i / 12.0, r * (i % 3 ? 0.88 : 0.78), &x1, &y1);
    polar(cx, cy, i / 12.0, r * 0.95, &x2, &y2);
    vy_draw_line(x1, y1, x2, y2, "#c0c8d0");
  }
  double sec = tm.tm_sec, min = tm.tm_min + sec / 60.0;
  double hour = tm.tm_hour % 12 + min / 60.0;
  hand(cx, cy, hour / 12.0, r * 0.50, "#e8e8e8");
  hand(cx, cy, min / 60.0, r * 0.75, "#e8e8e8");
  hand(cx, cy, sec / 60.0, r * 0.90, "#e04040");
  vy_draw_disc(cx, cy, r / 20 + 2, "#e04040");

  char text[32];
  snprintf(text, sizeof text, "%02d:%02d:%02d UTC", tm.tm_hour, tm.tm_min,
           tm.tm_sec);
  /* no font metrics on this side: ~0.55 of the line height per glyph */
  int tw = (int)strlen(text) * size * 55 / 100;
  vy_draw_text_size(cx - tw / 2, win_h - size - 4, "#e8e8e8", size, text);
  vy_draw_present();
}

int main(void) {
  static vy_lines in;
  char line[VY_LINE_MAX];
  draw();
  for (;;) {
    /* sleep until just past the next whole second */
    int wait = 1000 - (int)(vy_now_ms(CLOCK_REALTIME) % 1000) + 2;
    int n = vy_wait_line(&in, line, sizeof line, wait);
    if (n == -1) break;
    if (n == VY_TIMEOUT) {
      draw();
      continue;
    }
    vy_msg m;
    if (!vy_parse(line, &m) || strcmp(m.sender, "sys")) continue;
    if (vy_parse_window(&m, &win_w, &win_h)) {
      draw();
    } else if (!strncmp(m.payload, "error", 5)) {
      fprintf(stderr, "clockface: %s\n", m.payload);
    } else if (!strcmp(m.payload, "shutdown")) {
      break;
    }
  }
  return 0;
}
