/*
** bench/display/main.c — figures for the compositor and VYOMA_DRAW (`make
** bench-display`).  Headless 1024 x 768, no display needed.
**
**   compositor: N windows   N = 1, 4, 16 windows each animating (clear, a
**                           moving disc, a fill, a line of text, present),
**                           then one vc_compose; frames/s and Mpixel/s
**                           composed
**   draw                    a mixed stream of VYOMA_DRAW lines through
**                           vc_window_draw, budget out of the way
**
** Each figure is the median of 3 runs (the runs are printed too).  Figures
** only: nothing here passes or fails.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../chrome/vc.h"

#define FONT        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define RUNS        3
#define RUN_SECONDS 0.7 /* 3 runs: about 2 s per figure */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v) {
  double s[RUNS];
  memcpy(s, v, sizeof s);
  qsort(s, RUNS, sizeof *s, cmp_double);
  return s[RUNS / 2];
}

static int draw(vc_window *w, const char *line) {
  char err[256];
  return vc_window_draw(w, line, strlen(line), err, sizeof err);
}

static vc_screen *screen(void) {
  char err[256];
  vd_backend *b = vd_backend_headless(1024, 768, err, sizeof err);
  vf_font *f = vf_open(FONT, err, sizeof err);
  if (!b) {
    fprintf(stderr, "bench-display: %s\n", err);
    exit(1);
  }
  if (!f) fprintf(stderr, "bench-display: no font (%s): no text\n", err);
  return vc_screen_new(b, f);
}

/* One run with n windows: returns frames/s, *mpx = Mpixel/s composed. */
static double run_compositor(int n, double *mpx) {
  vc_screen *s = screen();
  vc_window *w[16];
  char line[160];
  uint64_t frames = 0, pixels = 0;
  double t0, t;
  int i, cw, ch;
  for (i = 0; i < n; i++) {
    snprintf(line, sizeof line, "app %d", i);
    w[i] = vc_window_new(s, line, -1, 0);
    vc_window_set_budget(w[i], 0xffffffffu, ~0ull);
  }
  vc_compose(s); /* the first full-screen frame */
  t0 = now();
  do {
    for (i = 0; i < n; i++) {
      int k = (int)(frames + (uint64_t)i * 7);
      vc_window_size(w[i], &cw, &ch);
      draw(w[i], "VYOMA_DRAW clear #202830");
      snprintf(line, sizeof line, "VYOMA_DRAW circle %d %d %d #ffaa00 fill",
               k * 3 % (cw > 1 ? cw : 1), k * 2 % (ch > 1 ? ch : 1), 12);
      draw(w[i], line);
      snprintf(line, sizeof line, "VYOMA_DRAW fill %d 10 40 20 #3070c0",
               k % (cw > 1 ? cw : 1));
      draw(w[i], line);
      snprintf(line, sizeof line,
               "VYOMA_DRAW text 4 %d #e0e0e0 \"frame %llu\" 14",
               ch > 20 ? ch - 20 : 0, (unsigned long long)frames);
      draw(w[i], line);
      draw(w[i], "VYOMA_DRAW present");
    }
    pixels += vc_compose(s);
    frames++;
    t = now() - t0;
  } while (t < RUN_SECONDS);
  for (i = 0; i < n; i++) vc_window_free(w[i]);
  vc_screen_free(s);
  *mpx = (double)pixels / t / 1e6;
  return (double)frames / t;
}

/* first: the mix from index `first` on (0: whole frames with a full-window
** clear and present; 1: the small commands only, which measures parsing
** and drawing rather than memory bandwidth) */
static double run_draw(int first) {
  static const char *mix[] = {
    "VYOMA_DRAW clear #101010",
    "VYOMA_DRAW fill 10 10 200 100 #336699",
    "VYOMA_DRAW rect 5 5 300 200 #ffffff",
    "VYOMA_DRAW line 0 0 400 300 #ff0000",
    "VYOMA_DRAW circle 150 120 40 #00ff00",
    "VYOMA_DRAW circle 250 120 30 #0000ff80 fill",
    "VYOMA_DRAW text 20 40 #ffffff \"Hello, VyomaOS\" 16",
    "VYOMA_DRAW fill 300 200 50 50 #ffcc0080",
    "VYOMA_DRAW line 400 0 0 300 #00ffff",
    "VYOMA_DRAW text 20 80 #ffff00 \"42 commands\" 24",
    "VYOMA_DRAW rect 100 100 60 60 #ff00ff",
    "VYOMA_DRAW present",
  };
  const int nmix = (int)(sizeof mix / sizeof *mix);
  vc_screen *s = screen();
  vc_window *w = vc_window_new(s, "draw", -1, 0);
  uint64_t cmds = 0;
  double t0, t;
  vc_window_set_budget(w, 0xffffffffu, ~0ull);
  t0 = now();
  do {
    int i;
    for (i = first; i < nmix - first; i++) draw(w, mix[i]);
    cmds += (uint64_t)(nmix - 2 * first);
    t = now() - t0;
  } while (t < RUN_SECONDS);
  vc_window_free(w);
  vc_screen_free(s);
  return (double)cmds / t;
}

int main(void) {
  static const int ns[] = { 1, 4, 16 };
  double fps[RUNS], mpx[RUNS], cps[RUNS];
  int k, r;
  for (k = 0; k < 3; k++) {
    for (r = 0; r < RUNS; r++) fps[r] = run_compositor(ns[k], &mpx[r]);
    printf(
        "compositor: %d windows: %.1f frames/s (%.1f Mpixel/s)"
        "   [median of %d runs: %.1f %.1f %.1f frames/s]\n",
        ns[k], median(fps), median(mpx), RUNS, fps[0], fps[1], fps[2]);
    fflush(stdout);
  }
  for (k = 0; k < 2; k++) {
    for (r = 0; r < RUNS; r++) cps[r] = run_draw(k);
    printf("draw: %.0f commands/s, %s   [median of %d runs: %.0f %.0f %.0f]\n",
           median(cps),
           k ? "small commands only" : "full-window frames (clear ... present)",
           RUNS, cps[0], cps[1], cps[2]);
  }
  return 0;
}
