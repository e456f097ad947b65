/*
** tests/display/compositor.c — windows, chrome and the compositor
** (chrome/compositor.c) on the headless backend: what lands where on the
** screen, that only damage is redrawn (down to what an app drew since its
** last present), layouts, focus, resize generations, the draw budget,
** screenshots, and app threads drawing while a compositor thread composes.
**
**   build/bin/display-compositor LABEL
**
** Expected positions are computed here from the layout rules in chrome/vc.h
** (VC_GAP margins and gaps, VC_BORDER, VC_TITLE_H); the colours are the
** compositor's (kept in step with chrome/compositor.c by hand).
*/
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "../../chrome/vc.h"
#include "../check.h"

#define COL_DESKTOP      0xff1c2230u
#define COL_BORDER_FOCUS 0xff3d9bffu
#define COL_BORDER       0xff808080u
#define COL_TITLE_FOCUS  0xff24466bu
#define COL_TITLE        0xff3a3a3au
#define FONT             "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

typedef struct env {
  vd_backend *be;
  vc_screen *s;
} env;

/* A headless w x h screen; when there is none, the case `name` fails. */
static bool env_open(env *e, int w, int h, const char *name) {
  char err[256];
  vf_font *f = vf_open(FONT, err, sizeof err); /* NULL: titles not drawn */
  e->be = vd_backend_headless(w, h, err, sizeof err);
  if (!e->be) {
    if (f) vf_close(f);
  } else {
    e->s = vc_screen_new(e->be, f);
  }
  if (e->be && e->s) return true;
  CASE(name, false, "cannot open a headless screen");
  return false;
}

static uint32_t px(env *e, int x, int y) {
  return e->be->screen.px[(size_t)y * e->be->screen.stride + x];
}

static int draw(vc_window *w, const char *fmt, ...) {
  char line[256], err[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  return vc_window_draw(w, line, strlen(line), err, sizeof err);
}

/* Fills the whole client with c and presents it. */
static bool paint(vc_window *w, const char *c) {
  return draw(w, "VYOMA_DRAW fill 0 0 4000 4000 %s", c) == VD_DRAW_DONE &&
         draw(w, "VYOMA_DRAW present") == VD_DRAW_PRESENT;
}

/* Frame rect of tile k of n in the tiled layout of a W x H screen, no bar. */
static vd_rect tile(int W, int H, int n, int k) {
  int cols = 1, rows, r, c, inrow, th, tw;
  vd_rect t;
  while (cols * cols < n) cols++;
  rows = (n + cols - 1) / cols;
  r = k / cols;
  c = k % cols;
  inrow = r == rows - 1 ? n - (rows - 1) * cols : cols;
  th = (H - (rows + 1) * VC_GAP) / rows;
  tw = (W - (inrow + 1) * VC_GAP) / inrow;
  t.x = VC_GAP + c * (tw + VC_GAP);
  t.y = VC_GAP + r * (th + VC_GAP);
  t.w = c == inrow - 1 ? W - VC_GAP - t.x : tw;
  t.h = r == rows - 1 ? H - VC_GAP - t.y : th;
  return t;
}

static vd_rect client_of(vd_rect f) {
  return (vd_rect){ f.x + VC_BORDER, f.y + VC_BORDER + VC_TITLE_H,
                    f.w - 2 * VC_BORDER, f.h - 2 * VC_BORDER - VC_TITLE_H };
}

static void test_one_window(void) {
  env e;
  vc_window *w;
  vd_rect f = tile(320, 240, 1, 0), c = client_of(f);
  uint64_t n, frames;
  int cw, ch, x, y, text = 0;
  bool ok;
  if (!env_open(&e, 320, 240, "one-window")) return;
  w = vc_window_new(e.s, "Hello", -1, 0);
  vc_window_size(w, &cw, &ch);
  CASE("one-window-size", cw == c.w && ch == c.h && c.w == 308 && c.h == 206,
       "client %dx%d, expected %dx%d", cw, ch, c.w, c.h);
  ok = draw(w, "VYOMA_DRAW clear #102030") == VD_DRAW_DONE &&
       draw(w, "VYOMA_DRAW fill 10 10 50 40 #ff0000") == VD_DRAW_DONE &&
       draw(w, "VYOMA_DRAW present") == VD_DRAW_PRESENT;
  n = vc_compose(e.s);
  CASE("one-window-compose",
       ok && n >= (uint64_t)(320 * 240) && e.be->frames == 1,
       "draws ok %d, pixels %llu, frames %llu", ok, (unsigned long long)n,
       (unsigned long long)e.be->frames);
  CASE("one-window-client",
       px(&e, c.x + 10, c.y + 10) == 0xffff0000u &&
           px(&e, c.x + 59, c.y + 49) == 0xffff0000u &&
           px(&e, c.x + 60, c.y + 50) == 0xff102030u &&
           px(&e, c.x, c.y) == 0xff102030u &&
           px(&e, c.x + c.w - 1, c.y + c.h - 1) == 0xff102030u,
       "client pixels %08x %08x %08x", px(&e, c.x + 10, c.y + 10),
       px(&e, c.x + 60, c.y + 50), px(&e, c.x + c.w - 1, c.y + c.h - 1));
  CASE("one-window-border",
       px(&e, f.x, f.y + 100) == COL_BORDER &&
           px(&e, f.x + 1, f.y + 100) == COL_BORDER &&
           px(&e, f.x + f.w - 1, f.y + 100) == COL_BORDER &&
           px(&e, f.x + 100, f.y + f.h - 1) == COL_BORDER &&
           px(&e, f.x + 100, f.y) == COL_BORDER,
       "border pixels %08x %08x %08x", px(&e, f.x, f.y + 100),
       px(&e, f.x + f.w - 1, f.y + 100), px(&e, f.x + 100, f.y + f.h - 1));
  /* The title bar's right end has no text; its left part has the title. */
  CASE("one-window-title",
       px(&e, f.x + f.w - VC_BORDER - 3, f.y + VC_BORDER) == COL_TITLE &&
           px(&e, f.x + f.w - VC_BORDER - 3, c.y - 1) == COL_TITLE &&
           px(&e, f.x + f.w - VC_BORDER - 3, c.y) == 0xff102030u,
       "title pixels %08x %08x", px(&e, f.x + f.w - 5, f.y + VC_BORDER),
       px(&e, f.x + f.w - 5, c.y - 1));
  for (y = f.y + VC_BORDER; y < c.y; y++)
    for (x = f.x + VC_BORDER; x < f.x + 80; x++)
      text += px(&e, x, y) != COL_TITLE;
  CASE("one-window-title-text", text > 10, "%d text pixels in the title", text);
  CASE("one-window-desktop",
       px(&e, 0, 0) == COL_DESKTOP && px(&e, 319, 239) == COL_DESKTOP &&
           px(&e, 2, 120) == COL_DESKTOP,
       "desktop pixels %08x %08x", px(&e, 0, 0), px(&e, 319, 239));

  frames = e.be->frames;
  n = vc_compose(e.s);
  CASE("idle-compose", n == 0 && e.be->frames == frames,
       "pixels %llu, frames %llu -> %llu", (unsigned long long)n,
       (unsigned long long)frames, (unsigned long long)e.be->frames);

  vc_focus(e.s, w);
  n = vc_compose(e.s);
  CASE("focus-one",
       n > 0 && px(&e, f.x, f.y + 100) == COL_BORDER_FOCUS &&
           px(&e, f.x + f.w - VC_BORDER - 3, f.y + VC_BORDER) ==
               COL_TITLE_FOCUS &&
           px(&e, c.x + 10, c.y + 10) == 0xffff0000u,
       "border %08x title %08x", px(&e, f.x, f.y + 100),
       px(&e, f.x + f.w - VC_BORDER - 3, f.y + VC_BORDER));
  vc_window_free(w);
  n = vc_compose(e.s);
  CASE("close-window",
       n > 0 && px(&e, f.x, f.y + 100) == COL_DESKTOP &&
           px(&e, c.x + 10, c.y + 10) == COL_DESKTOP,
       "pixel %08x", px(&e, c.x + 10, c.y + 10));
  vc_screen_free(e.s);
}

static void test_damage(void) {
  env e;
  vc_window *a, *b;
  vd_rect fa = tile(320, 240, 2, 0), fb = tile(320, 240, 2, 1);
  vd_rect ca = client_of(fa), cb = client_of(fb);
  uint32_t *copy;
  size_t sz = 320 * 240, i, outside = 0, inside = 0;
  uint64_t n;
  if (!env_open(&e, 320, 240, "damage")) return;
  a = vc_window_new(e.s, "A", -1, 0);
  b = vc_window_new(e.s, "B", -1, 0);
  paint(a, "#0000ff");
  paint(b, "#00ff00");
  vc_compose(e.s);
  copy = malloc(sz * sizeof *copy);
  memcpy(copy, e.be->screen.px, sz * sizeof *copy);
  draw(a, "VYOMA_DRAW fill 5 5 20 20 #ff00ff");
  draw(a, "VYOMA_DRAW present");
  n = vc_compose(e.s);
  for (i = 0; i < sz; i++) {
    int x = (int)(i % 320), y = (int)(i / 320);
    bool in_a = x >= fa.x && x < fa.x + fa.w && y >= fa.y && y < fa.y + fa.h;
    if (!in_a)
      outside += e.be->screen.px[i] != copy[i];
    else
      inside += e.be->screen.px[i] != copy[i];
  }
  CASE("damage-only-presenter",
       n > 0 && n <= (uint64_t)fa.w * (uint64_t)fa.h && outside == 0 &&
           inside == 400 && px(&e, ca.x + 5, ca.y + 5) == 0xffff00ffu &&
           px(&e, cb.x + 5, cb.y + 5) == 0xff00ff00u,
       "pixels %llu (frame area %d), changed outside %zu inside %zu",
       (unsigned long long)n, fa.w * fa.h, outside, inside);
  /* only what was drawn since the last present is recomposed: the 20x20
  ** fill, not A's whole client; a present after drawing nothing, nothing */
  CASE("damage-dirty-rect", n == 400, "recomposed %llu pixels, want 400",
       (unsigned long long)n);
  draw(a, "VYOMA_DRAW present");
  n = vc_compose(e.s);
  CASE("damage-empty-present", n == 0, "recomposed %llu pixels, want 0",
       (unsigned long long)n);
  free(copy);

  /* Focus moves: both borders change colour. */
  vc_focus(e.s, a);
  vc_compose(e.s);
  CASE("focus-a",
       px(&e, fa.x, fa.y + 50) == COL_BORDER_FOCUS &&
           px(&e, fb.x, fb.y + 50) == COL_BORDER,
       "borders %08x %08x", px(&e, fa.x, fa.y + 50), px(&e, fb.x, fb.y + 50));
  vc_focus(e.s, b);
  n = vc_compose(e.s);
  CASE("focus-b",
       px(&e, fa.x, fa.y + 50) == COL_BORDER &&
           px(&e, fb.x, fb.y + 50) == COL_BORDER_FOCUS &&
           n >= (uint64_t)(fa.w * fa.h + fb.w * fb.h),
       "borders %08x %08x, pixels %llu", px(&e, fa.x, fa.y + 50),
       px(&e, fb.x, fb.y + 50), (unsigned long long)n);
  vc_focus(e.s, NULL);
  vc_compose(e.s);
  CASE("focus-none", px(&e, fb.x, fb.y + 50) == COL_BORDER, "border %08x",
       px(&e, fb.x, fb.y + 50));
  vc_window_free(a);
  vc_window_free(b);
  vc_screen_free(e.s);
}

static void test_tiles(void) {
  static const char *cols[4] = { "#ff0000", "#00ff00", "#0000ff", "#ffff00" };
  static const uint32_t want[4] = { 0xffff0000u, 0xff00ff00u, 0xff0000ffu,
                                    0xffffff00u };
  env e;
  vc_window *w[4];
  int i, bad = 0, cw, ch;
  char why[256] = "";
  if (!env_open(&e, 320, 240, "tiles")) return;
  for (i = 0; i < 4; i++) w[i] = vc_window_new(e.s, "tile", -1, 0);
  for (i = 0; i < 4; i++) paint(w[i], cols[i]);
  vc_compose(e.s);
  for (i = 0; i < 4; i++) {
    vd_rect c = client_of(tile(320, 240, 4, i));
    /* 2 x 2: tile i is in column i % 2, row i / 2 */
    bool where = (i % 2 == 0) == (c.x < 160) && (i / 2 == 0) == (c.y < 120);
    vc_window_size(w[i], &cw, &ch);
    if (!where || cw != c.w || ch != c.h ||
        px(&e, c.x + 1, c.y + 1) != want[i] ||
        px(&e, c.x + c.w - 1, c.y + c.h - 1) != want[i]) {
      bad++;
      snprintf(why, sizeof why, "tile %d: client %dx%d at %d,%d pixel %08x", i,
               cw, ch, c.x, c.y, px(&e, c.x + 1, c.y + 1));
    }
  }
  /* the gaps between tiles show the desktop */
  if (px(&e, 160, 60) != COL_DESKTOP || px(&e, 60, 120) != COL_DESKTOP) {
    bad++;
    snprintf(why, sizeof why, "gap pixels %08x %08x", px(&e, 160, 60),
             px(&e, 60, 120));
  }
  CASE("tiles-2x2", bad == 0, "%s", why);

  /* Three windows: 2 columns, the last row's single tile spans the width. */
  vc_window_free(w[3]);
  vc_compose(e.s);
  {
    vd_rect c = client_of(tile(320, 240, 3, 2));
    paint(w[2], "#0000ff");
    vc_compose(e.s);
    vc_window_size(w[2], &cw, &ch);
    CASE("tiles-last-row-wide",
         cw == 320 - 2 * VC_GAP - 2 * VC_BORDER && cw == c.w &&
             px(&e, 300, c.y + 5) == 0xff0000ffu,
         "last tile %dx%d, pixel %08x", cw, ch, px(&e, 300, c.y + 5));
  }
  for (i = 0; i < 3; i++) vc_window_free(w[i]);
  vc_screen_free(e.s);
}

static void test_stacked(void) {
  env e;
  vc_window *a, *b;
  int cw, ch, sw = 320 * 2 / 3, sh = 240 * 2 / 3;
  uint64_t n;
  if (!env_open(&e, 320, 240, "stacked")) return;
  a = vc_window_new(e.s, "A", -1, 0);
  b = vc_window_new(e.s, "B", -1, 0);
  vc_set_layout(e.s, VC_STACKED);
  CASE("stacked-layout", vc_get_layout(e.s) == VC_STACKED, "layout %d",
       (int)vc_get_layout(e.s));
  vc_window_size(a, &cw, &ch);
  CASE("stacked-size",
       cw == sw - 2 * VC_BORDER && ch == sh - 2 * VC_BORDER - VC_TITLE_H,
       "client %dx%d", cw, ch);
  paint(a, "#ff0000");
  paint(b, "#00ff00");
  vc_compose(e.s);
  /* A at (0,0), B cascaded to (32,32) and on top where they overlap. */
  CASE("stacked-overlap",
       px(&e, 100, 100) == 0xff00ff00u &&
           px(&e, VC_BORDER + 5, VC_BORDER + VC_TITLE_H + 5) == 0xffff0000u &&
           px(&e, 32 + sw - 1, 32 + 60) == COL_BORDER &&
           px(&e, 318, 238) == COL_DESKTOP,
       "pixels %08x %08x %08x", px(&e, 100, 100),
       px(&e, VC_BORDER + 5, VC_BORDER + VC_TITLE_H + 5),
       px(&e, 32 + sw - 1, 32 + 60));
  vc_focus(e.s, a);
  n = vc_compose(e.s);
  CASE("stacked-focus-raises",
       n > 0 && px(&e, 100, 100) == 0xffff0000u &&
           px(&e, sw - 1, 60) == COL_BORDER_FOCUS &&
           px(&e, 32 + sw - 1, 32 + sh - 20) == COL_BORDER,
       "pixels %08x %08x %08x", px(&e, 100, 100), px(&e, sw - 1, 60),
       px(&e, 32 + sw - 1, 32 + sh - 20));
  vc_set_layout(e.s, VC_TILED);
  vc_window_free(a);
  vc_window_free(b);
  vc_screen_free(e.s);
}

static void test_resize(void) {
  env e;
  vc_window *a, *b;
  uint32_t g1, g2, g3, ga;
  vd_rect c1 = client_of(tile(320, 240, 1, 0));
  vd_rect c2 = client_of(tile(320, 240, 2, 0));
  int cw, ch;
  if (!env_open(&e, 320, 240, "resize")) return;
  b = vc_window_new(e.s, "B", -1, 0);
  g1 = vc_window_generation(b);
  a = vc_window_new(e.s, "A", -1, 0);
  g2 = vc_window_generation(b);
  vc_window_size(b, &cw, &ch);
  CASE("resize-generation", g2 != g1 && cw == c2.w && ch == c2.h,
       "generation %u -> %u, client %dx%d (want %dx%d)", g1, g2, cw, ch, c2.w,
       c2.h);
  /* A was born at half the width, so its back canvas is that wide. */
  paint(a, "#0000ff");
  ga = vc_window_generation(a);
  vc_window_free(b);
  g3 = vc_window_generation(a);
  /* A now fills the screen; its next draw must grow the back canvas, so a
  ** fill of "everything" reaches the new right edge. */
  paint(a, "#00ff00");
  vc_compose(e.s);
  vc_window_size(a, &cw, &ch);
  CASE("resize-back-canvas",
       g3 != ga && cw == c1.w && ch == c1.h &&
           px(&e, c1.x + c1.w - 1, c1.y + c1.h - 1) == 0xff00ff00u &&
           px(&e, c1.x + c2.w + 5, c1.y + 5) == 0xff00ff00u &&
           px(&e, c1.x, c1.y) == 0xff00ff00u,
       "generation %u -> %u, client %dx%d, pixel %08x", ga, g3, cw, ch,
       px(&e, c1.x + c1.w - 1, c1.y + c1.h - 1));
  vc_window_free(a);
  vc_screen_free(e.s);
}

static void test_budget(void) {
  env e;
  vc_window *a, *b;
  char err[256] = "";
  int i, rc = 0, ok_before = 0;
  vd_rect ca = client_of(tile(320, 240, 2, 0));
  vd_rect cb = client_of(tile(320, 240, 2, 1));
  vc_stats st;
  if (!env_open(&e, 320, 240, "budget")) return;
  a = vc_window_new(e.s, "flood", -1, 0);
  b = vc_window_new(e.s, "calm", -1, 0);
  vc_window_set_budget(a, 100, 1u << 30);
  for (i = 0; i < 1000; i++) {
    const char *l = "VYOMA_DRAW fill 0 0 8 8 #ff0000";
    rc = vc_window_draw(a, l, strlen(l), err, sizeof err);
    if (rc != VD_DRAW_DONE) break;
    ok_before++;
  }
  CASE("budget-commands",
       rc == VC_DRAW_BUDGET && ok_before >= 100 &&
           !strcmp(err, "budget: 100 commands/s exceeded"),
       "rc %d after %d commands, err \"%s\"", rc, ok_before, err);
  rc = vc_window_draw(a, "VYOMA_DRAW present", 18, err, sizeof err);
  CASE("budget-present-allowed", rc == VD_DRAW_PRESENT, "rc %d (%s)", rc, err);
  CASE("budget-other-window", paint(b, "#00ff00"), "draws refused");
  vc_compose(e.s);
  CASE("budget-both-compose",
       px(&e, ca.x + 1, ca.y + 1) == 0xffff0000u &&
           px(&e, cb.x + 1, cb.y + 1) == 0xff00ff00u,
       "pixels %08x %08x", px(&e, ca.x + 1, ca.y + 1),
       px(&e, cb.x + 1, cb.y + 1));
  st = vc_get_stats(e.s);
  CASE("budget-stats", st.budget_drops == 1 && st.presents == 2,
       "drops %llu presents %llu", (unsigned long long)st.budget_drops,
       (unsigned long long)st.presents);

  /* The pixel budget: a second 100 x 100 fill is over 1000 px/s. */
  vc_window_set_budget(b, 1000000, 1000);
  for (i = 0; i < 1000; i++) {
    const char *l = "VYOMA_DRAW fill 0 0 100 100 #0000ff";
    rc = vc_window_draw(b, l, strlen(l), err, sizeof err);
    if (rc != VD_DRAW_DONE) break;
  }
  CASE("budget-pixels",
       rc == VC_DRAW_BUDGET && !strcmp(err, "budget: 1000 pixels/s exceeded"),
       "rc %d after %d, err \"%s\"", rc, i, err);
  vc_window_free(a);
  vc_window_free(b);
  vc_screen_free(e.s);
}

static void test_screenshot(void) {
  env e;
  vc_window *a;
  uint8_t *png = NULL;
  size_t len = 0;
  char dir[] = "/tmp/vc-shot-XXXXXX", path[64];
  vd_surface img = { 0 };
  int rc, dfd, fd, x, y, diff = 0;
  if (!env_open(&e, 160, 120, "screenshot")) return;
  a = vc_window_new(e.s, "shot", -1, 0);
  draw(a, "VYOMA_DRAW clear #203040");
  draw(a, "VYOMA_DRAW circle 40 30 20 #ffcc00 fill");
  draw(a, "VYOMA_DRAW present");
  rc = vc_screenshot(e.s, &png, &len);
  if (rc != VD_OK || !mkdtemp(dir)) {
    CASE("screenshot", false, "vc_screenshot %d", rc);
    free(png);
    vc_window_free(a);
    vc_screen_free(e.s);
    return;
  }
  snprintf(path, sizeof path, "%s/shot.png", dir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) {
    if (write(fd, png, len) != (ssize_t)len) rc = -1;
    close(fd);
  }
  dfd = open(dir, O_RDONLY | O_DIRECTORY);
  rc = rc == 0 && dfd >= 0 ? vd_png_load(dfd, "shot.png", &img) : -1;
  if (rc == VD_OK && img.w == 160 && img.h == 120) {
    for (y = 0; y < 120; y++)
      for (x = 0; x < 160; x++)
        diff += img.px[(size_t)y * img.stride + x] != px(&e, x, y);
  }
  CASE("screenshot",
       rc == VD_OK && img.w == 160 && img.h == 120 && diff == 0 && len > 8 &&
           !memcmp(png, "\x89PNG", 4) &&
           px(&e, VC_GAP + VC_BORDER + 40,
              VC_GAP + VC_BORDER + VC_TITLE_H + 30) == 0xffffcc00u,
       "load %d, %dx%d, %d pixels differ", rc, img.w, img.h, diff);
  vd_surface_free(&img);
  if (dfd >= 0) close(dfd);
  unlink(path);
  rmdir(dir);
  free(png);
  vc_window_free(a);
  vc_screen_free(e.s);
}

static void test_bar_and_tiny(void) {
  env e;
  vc_window *bar, *w;
  int cw, ch, bw, bh;
  if (!env_open(&e, 320, 240, "bar")) return;
  w = vc_window_new(e.s, "win", -1, 0);
  bar = vc_window_new(e.s, "bar", -1, VC_WIN_BAR);
  paint(bar, "#ff8000");
  paint(w, "#0080ff");
  vc_compose(e.s);
  vc_window_size(bar, &bw, &bh);
  vc_window_size(w, &cw, &ch);
  /* the tiled area starts below the bar: tile {4, 32, 312, 204} */
  CASE(
      "bar",
      bw == 320 && bh == VC_BAR_H && cw == 308 &&
          ch == 240 - VC_BAR_H - 2 * VC_GAP - 2 * VC_BORDER - VC_TITLE_H &&
          px(&e, 0, 0) == 0xffff8000u &&
          px(&e, 319, VC_BAR_H - 1) == 0xffff8000u &&
          px(&e, 10, VC_BAR_H) == COL_DESKTOP &&
          px(&e, 10, VC_BAR_H + VC_GAP) == COL_BORDER &&
          px(&e, 10, VC_BAR_H + VC_GAP + VC_BORDER + VC_TITLE_H) == 0xff0080ffu,
      "bar %dx%d, window %dx%d, pixels %08x %08x %08x", bw, bh, cw, ch,
      px(&e, 0, 0), px(&e, 10, VC_BAR_H + VC_GAP),
      px(&e, 10, VC_BAR_H + VC_GAP + VC_BORDER + VC_TITLE_H));
  vc_window_free(bar);
  vc_window_free(w);
  vc_screen_free(e.s);

  /* A screen too small for chrome: clients stay 16 x 16, clipped. */
  if (!env_open(&e, 24, 20, "tiny-screen")) return;
  w = vc_window_new(e.s, "tiny", -1, 0);
  bar = vc_window_new(e.s, "tiny2", -1, 0);
  paint(w, "#ff0000");
  paint(bar, "#00ff00");
  vc_set_layout(e.s, VC_STACKED);
  paint(w, "#ff0000");
  vc_compose(e.s);
  vc_window_size(w, &cw, &ch);
  vc_window_size(bar, &bw, &bh);
  CASE("tiny-screen",
       cw == 16 && ch == 16 && bw == 16 && bh == 16 && vc_compose(e.s) == 0,
       "clients %dx%d %dx%d", cw, ch, bw, bh);
  vc_window_free(bar);
  vc_window_free(w);
  vc_screen_free(e.s);
}

/* ---- threads ------------------------------------------------------------ */

#define ITER 5000

typedef struct app {
  vc_window *w;
  const char *colour[2];
  int errors;
} app;

static volatile int apps_done;

static void *app_main(void *p) {
  app *a = p;
  int i;
  for (i = 0; i < ITER; i++) {
    if (draw(a->w, "VYOMA_DRAW fill %d %d 10 10 %s", i % 40, i % 30,
             a->colour[i & 1]) != VD_DRAW_DONE)
      a->errors++;
    if (draw(a->w, "VYOMA_DRAW present") != VD_DRAW_PRESENT) a->errors++;
  }
  __atomic_add_fetch(&apps_done, 1, __ATOMIC_RELEASE);
  return NULL;
}

static void *composer(void *p) {
  vc_screen *s = p;
  while (__atomic_load_n(&apps_done, __ATOMIC_ACQUIRE) < 2) {
    if (vc_wait_damage(s, 50)) vc_compose(s);
  }
  return NULL;
}

static void test_threads(void) {
  env e;
  app a[2] = { { NULL, { "#ff0000", "#00ff00" }, 0 },
               { NULL, { "#0000ff", "#ffffff" }, 0 } };
  pthread_t t[3];
  vc_stats st;
  int i, ok = 1;
  if (!env_open(&e, 200, 150, "threads")) return;
  for (i = 0; i < 2; i++) {
    a[i].w = vc_window_new(e.s, "app", -1, 0);
    vc_window_set_budget(a[i].w, 1u << 30, 1ull << 40);
  }
  apps_done = 0;
  pthread_create(&t[2], NULL, composer, e.s);
  for (i = 0; i < 2; i++) pthread_create(&t[i], NULL, app_main, &a[i]);
  for (i = 0; i < 2; i++) pthread_join(t[i], NULL);
  vc_wake(e.s);
  pthread_join(t[2], NULL);
  vc_compose(e.s);
  st = vc_get_stats(e.s);
  for (i = 0; i < 2; i++) {
    /* the last fill: i = ITER-1 (odd) at ((ITER-1)%40, (ITER-1)%30) */
    vd_rect c = client_of(tile(200, 150, 2, i));
    uint32_t want = i == 0 ? 0xff00ff00u : 0xffffffffu;
    if (px(&e, c.x + (ITER - 1) % 40 + 5, c.y + (ITER - 1) % 30 + 5) != want)
      ok = 0;
  }
  CASE("threads",
       ok && a[0].errors == 0 && a[1].errors == 0 && st.presents == 2 * ITER &&
           st.frames > 0,
       "errors %d %d, presents %llu, frames %llu, final pixels ok %d",
       a[0].errors, a[1].errors, (unsigned long long)st.presents,
       (unsigned long long)st.frames, ok);
  for (i = 0; i < 2; i++) vc_window_free(a[i].w);
  vc_screen_free(e.s);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "compositor");
  test_one_window();
  test_damage();
  test_tiles();
  test_stacked();
  test_resize();
  test_budget();
  test_screenshot();
  test_bar_and_tiny();
  test_threads();
  return check_end();
}
