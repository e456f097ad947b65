/*
** tests/display/raster.c — the display's surfaces and primitives
** (display/raster.c): exact pixels of each primitive, blending, clipping
** (nothing outside the clip changes), hostile coordinates never writing out
** of bounds (a wrapped surface inside a guarded buffer; ASan in the asan
** build), and colour parsing.  argv[1] is the label ("display" or
** "display-asan").
*/
#include "../../display/vd.h"

#include "../check.h"
#include "fixture.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BG 0xff102030u
static const vd_rect NOCLIP = { INT_MIN / 2, INT_MIN / 2, INT_MAX, INT_MAX };

static uint32_t px(const vd_surface *s, int x, int y) {
  return s->px[(size_t)y * s->stride + x];
}

static int count(const vd_surface *s, uint32_t v) {
  int n = 0;
  for (int y = 0; y < s->h; y++)
    for (int x = 0; x < s->w; x++) n += px(s, x, y) == v;
  return n;
}

static bool near(uint32_t a, uint32_t b, int tol) {
  for (int sh = 0; sh < 32; sh += 8) {
    int d = (int)((a >> sh) & 0xff) - (int)((b >> sh) & 0xff);
    if (d < -tol || d > tol) return false;
  }
  return true;
}

/* ---- rectangles and surfaces --------------------------------------------- */

static void t_rects(void) {
  vd_rect a = { 0, 0, 10, 10 }, b = { 5, -5, 10, 10 };
  vd_rect i = vd_rect_intersect(a, b);
  REQUIREF(i.x == 5 && i.y == 0 && i.w == 5 && i.h == 5,
           "intersect %d %d %d %d", i.x, i.y, i.w, i.h);
  vd_rect u = vd_rect_union(a, b);
  REQUIREF(u.x == 0 && u.y == -5 && u.w == 15 && u.h == 15, "union %d %d %d %d",
           u.x, u.y, u.w, u.h);
  vd_rect far = { 100, 100, 1, 1 };
  REQUIREF(vd_rect_empty(vd_rect_intersect(a, far)), "disjoint not empty");
  vd_rect neg = { 0, 0, -3, 4 };
  REQUIREF(vd_rect_empty(neg) && vd_rect_empty(vd_rect_intersect(a, neg)),
           "negative width not empty");
  vd_rect u2 = vd_rect_union(neg, far);
  REQUIREF(u2.x == 100 && u2.w == 1, "union with an empty rect");
  vd_rect huge = { INT_MIN, INT_MIN, INT_MAX, INT_MAX };
  vd_rect big = { INT_MAX - 1, INT_MAX - 1, INT_MAX, INT_MAX };
  vd_rect h2 = vd_rect_union(huge, big);
  REQUIREF(h2.w > 0 && h2.h > 0, "huge union went negative: %d", h2.w);
  vd_rect h3 = vd_rect_intersect(huge, a);
  REQUIREF(vd_rect_empty(h3), "huge/a intersect should be empty (ends at -1)");
}

static void t_surface(void) {
  vd_surface s;
  REQUIREF(vd_surface_init(&s, 0, 5, 0) == VD_EINVAL, "w 0 accepted");
  REQUIREF(vd_surface_init(&s, 5, -1, 0) == VD_EINVAL, "h -1 accepted");
  REQUIREF(vd_surface_init(&s, 16385, 1, 0) == VD_EINVAL, "w 16385 accepted");
  REQUIREF(vd_surface_init(&s, INT_MAX, INT_MAX, 0) == VD_EINVAL, "INT_MAX");
  REQUIREF(vd_surface_init(&s, 3, 2, BG) == 0, "3x2 refused");
  REQUIREF(s.w == 3 && s.h == 2 && s.stride == 3 && s.owned, "fields");
  REQUIREF(count(&s, BG) == 6, "not filled");
  s.px[0] = 0xff0000ffu;
  REQUIREF(vd_surface_resize(&s, 5, 1, 0xff00ff00u) == 0, "resize");
  REQUIREF(s.w == 5 && s.h == 1 && px(&s, 0, 0) == 0xff0000ffu &&
               px(&s, 2, 0) == BG && px(&s, 3, 0) == 0xff00ff00u,
           "resize lost content or fill: %08x %08x %08x", px(&s, 0, 0),
           px(&s, 2, 0), px(&s, 3, 0));
  uint32_t *old = s.px;
  REQUIREF(
      vd_surface_resize(&s, 0, 1, 0) == VD_EINVAL && s.px == old && s.w == 5,
      "a bad resize changed the surface");
  vd_surface_free(&s);
  REQUIREF(s.px == NULL, "free left px");
  uint32_t mem[4] = { 1, 2, 3, 4 };
  vd_surface_wrap(&s, mem, 2, 2, 2);
  REQUIREF(!s.owned && s.px == mem, "wrap");
  vd_surface_free(&s); /* must not free the caller's memory */
  REQUIREF(mem[3] == 4, "wrap memory touched");
}

/* ---- primitives ---------------------------------------------------------- */

static void t_fill(void) {
  vd_surface *s = fresh(8, 8, BG);
  vd_rect r = { 2, 3, 3, 2 };
  vd_fill(s, NOCLIP, r, 0xffff0000u);
  REQUIREF(count(s, 0xffff0000u) == 6, "filled %d px", count(s, 0xffff0000u));
  REQUIREF(px(s, 2, 3) == 0xffff0000u && px(s, 4, 4) == 0xffff0000u &&
               px(s, 5, 4) == BG && px(s, 2, 5) == BG && px(s, 1, 3) == BG,
           "wrong pixels");
  vd_rect all = { 0, 0, 8, 8 };
  vd_fill(s, all, all, 0x00ffffffu); /* alpha 0: nothing */
  REQUIREF(count(s, BG) == 58, "alpha 0 drew");
  /* 50% red over opaque blue: (255*128 + 127)/255 = 128 red, 127 blue */
  s = fresh(2, 2, 0xff0000ffu);
  vd_fill(s, all, all, 0x80ff0000u);
  REQUIREF(near(px(s, 1, 1), 0xff80007fu, 1), "blend gave %08x", px(s, 1, 1));
  /* over a transparent pixel the colour is the source's, alpha its own */
  s = fresh(1, 1, 0);
  vd_fill(s, all, all, 0x80ff0000u);
  REQUIREF(near(px(s, 0, 0), 0x80ff0000u, 1), "over transparent %08x",
           px(s, 0, 0));
}

static void t_outline(void) {
  vd_surface *s = fresh(8, 8, BG);
  vd_rect r = { 1, 1, 5, 4 };
  uint32_t c = 0xffffffffu;
  vd_outline(s, NOCLIP, r, c);
  REQUIREF(px(s, 1, 1) == c && px(s, 5, 1) == c && px(s, 1, 4) == c &&
               px(s, 5, 4) == c,
           "corners");
  REQUIREF(px(s, 2, 2) == BG && px(s, 4, 3) == BG && px(s, 6, 1) == BG &&
               px(s, 1, 5) == BG,
           "inside/outside touched");
  REQUIREF(count(s, c) == 14, "perimeter %d px, want 14", count(s, c));
  /* translucent: each perimeter pixel blended exactly once */
  s = fresh(8, 8, 0xff000000u);
  vd_outline(s, NOCLIP, r, 0x80ffffffu);
  REQUIREF(count(s, px(s, 1, 1)) == 14 && near(px(s, 1, 1), 0xff808080u, 1),
           "translucent outline not uniform: %08x", px(s, 1, 1));
  /* a 1 x 3 rectangle is 3 pixels, a 1 x 1 one is 1 */
  s = fresh(4, 4, BG);
  vd_rect thin = { 1, 0, 1, 3 }, dot = { 3, 3, 1, 1 };
  vd_outline(s, NOCLIP, thin, c);
  vd_outline(s, NOCLIP, dot, c);
  REQUIREF(count(s, c) == 4, "thin rects gave %d", count(s, c));
}

static void t_line(void) {
  uint32_t c = 0xffffff00u;
  vd_surface *s = fresh(10, 10, BG);
  vd_line(s, NOCLIP, 1, 2, 8, 5, c);
  REQUIREF(px(s, 1, 2) == c && px(s, 8, 5) == c, "endpoints missing");
  REQUIREF(count(s, c) == 8, "x-major line has %d px, want 8", count(s, c));
  /* one pixel per column, moving by at most one row */
  int prev = -1;
  for (int x = 1; x <= 8; x++) {
    int n = 0, yy = -1;
    for (int y = 0; y < 10; y++)
      if (px(s, x, y) == c) {
        n++;
        yy = y;
      }
    REQUIREF(n == 1, "column %d has %d px", x, n);
    REQUIREF(prev < 0 || yy - prev == 0 || yy - prev == 1, "gap at %d", x);
    prev = yy;
  }
  s = fresh(10, 10, BG);
  vd_line(s, NOCLIP, 7, 9, 3, 0, c); /* steep, reversed */
  REQUIREF(px(s, 7, 9) == c && px(s, 3, 0) == c && count(s, c) == 10,
           "steep line: %d px", count(s, c));
  s = fresh(4, 4, BG);
  vd_line(s, NOCLIP, 2, 2, 2, 2, c); /* a point */
  REQUIREF(count(s, c) == 1 && px(s, 2, 2) == c, "point line");
  vd_line(s, NOCLIP, 0, 0, 3, 3, c); /* diagonal */
  REQUIREF(px(s, 0, 0) == c && px(s, 1, 1) == c && px(s, 3, 3) == c &&
               count(s, c) == 4,
           "diagonal");
  /* a line from far outside lands exactly where the visible part would */
  s = fresh(10, 10, BG);
  vd_line(s, NOCLIP, -1000000, 5, 1000000, 5, c);
  REQUIREF(count(s, c) == 10, "long horizontal line: %d", count(s, c));
}

static void t_circle(void) {
  uint32_t c = 0xff00ffffu;
  vd_surface *s = fresh(11, 11, BG);
  vd_circle(s, NOCLIP, 5, 5, 4, c, false);
  REQUIREF(px(s, 1, 5) == c && px(s, 9, 5) == c && px(s, 5, 1) == c &&
               px(s, 5, 9) == c,
           "extremes missing");
  REQUIREF(px(s, 5, 5) == BG && px(s, 4, 5) == BG && px(s, 0, 5) == BG &&
               px(s, 1, 1) == BG,
           "inside or corner drawn");
  int ring = count(s, c);
  REQUIREF(ring >= 20 && ring <= 32, "ring of %d px", ring);
  /* 8-fold symmetric */
  for (int y = 0; y < 11; y++)
    for (int x = 0; x < 11; x++)
      REQUIREF(px(s, x, y) == px(s, 10 - x, y) && px(s, x, y) == px(s, y, x),
               "not symmetric at %d,%d", x, y);
  s = fresh(11, 11, BG);
  vd_circle(s, NOCLIP, 5, 5, 4, c, true);
  REQUIREF(px(s, 5, 5) == c && px(s, 1, 5) == c && px(s, 5, 9) == c &&
               px(s, 1, 1) == BG && px(s, 0, 5) == BG,
           "disc pixels");
  /* the midpoint criterion: pixel centres within r + 1/2 of the centre,
  ** x^2 + y^2 <= r^2 + r (69 pixels for r 4) */
  int disc = count(s, c), want = 0;
  for (int y = -4; y <= 4; y++)
    for (int x = -4; x <= 4; x++) {
      bool in = x * x + y * y <= 20;
      want += in;
      REQUIREF((px(s, 5 + x, 5 + y) == c) == in, "disc pixel %d,%d", x, y);
    }
  REQUIREF(disc == want && disc == 69, "disc of %d px, want %d", disc, want);
  s = fresh(3, 3, BG);
  vd_circle(s, NOCLIP, 1, 1, 0, c, false);
  REQUIREF(count(s, c) == 1 && px(s, 1, 1) == c, "r 0 is one pixel");
  vd_circle(s, NOCLIP, 1, 1, -5, 0xff000000u, true);
  REQUIREF(count(s, c) == 1, "negative radius drew");
}

static void t_blit(void) {
  vd_surface d, s;
  vd_surface_init(&d, 6, 6, BG);
  vd_surface_init(&s, 3, 3, 0);
  for (int i = 0; i < 9; i++) s.px[i] = 0xff000000u | (uint32_t)(i + 1);
  vd_rect part = { 1, 1, 5, 5 }; /* clipped to the source: 2 x 2 */
  vd_blit(&d, NOCLIP, 2, 3, &s, part, false);
  REQUIREF(px(&d, 2, 3) == 0xff000005u && px(&d, 3, 3) == 0xff000006u &&
               px(&d, 2, 4) == 0xff000008u && px(&d, 3, 4) == 0xff000009u,
           "copied wrong: %08x", px(&d, 2, 3));
  REQUIREF(count(&d, BG) == 32, "copied outside the 2x2: %d", count(&d, BG));
  /* negative src_rect origin: (x, y) is where src_rect's corner would be */
  vd_surface_free(&d);
  vd_surface_init(&d, 6, 6, BG);
  vd_rect neg = { -1, -1, 3, 3 };
  vd_blit(&d, NOCLIP, 0, 0, &s, neg, false);
  REQUIREF(px(&d, 1, 1) == 0xff000001u && px(&d, 2, 2) == 0xff000005u &&
               px(&d, 0, 0) == BG && count(&d, BG) == 32,
           "negative src_rect");
  /* blend honours the source alpha; alpha 0 leaves the destination */
  s.px[0] = 0x80ffffffu;
  s.px[1] = 0x00ffffffu;
  vd_rect one = { 0, 0, 2, 1 };
  vd_blit(&d, NOCLIP, 4, 4, &s, one, true);
  REQUIREF(near(px(&d, 4, 4), 0xff878f97u, 1) && px(&d, 5, 4) == BG,
           "blended blit %08x %08x", px(&d, 4, 4), px(&d, 5, 4));
  vd_surface_free(&d);
  vd_surface_free(&s);
}

static void t_mask(void) {
  vd_surface d;
  vd_surface_init(&d, 4, 1, 0xff000000u);
  const uint8_t cov[6] = { 0, 255, 128, 9, 9, 9 }; /* stride 6, w 3 */
  vd_mask(&d, NOCLIP, 0, 0, cov, 3, 1, 6, 0xffffffffu);
  REQUIREF(px(&d, 0, 0) == 0xff000000u && px(&d, 1, 0) == 0xffffffffu &&
               near(px(&d, 2, 0), 0xff808080u, 1) &&
               px(&d, 3, 0) == 0xff000000u,
           "mask %08x %08x %08x", px(&d, 0, 0), px(&d, 1, 0), px(&d, 2, 0));
  /* coverage times the colour's alpha */
  vd_surface_free(&d);
  vd_surface_init(&d, 1, 1, 0xff000000u);
  const uint8_t full = 255;
  vd_mask(&d, NOCLIP, 0, 0, &full, 1, 1, 1, 0x80ffffffu);
  REQUIREF(near(px(&d, 0, 0), 0xff808080u, 1), "alpha x coverage %08x",
           px(&d, 0, 0));
  vd_mask(&d, NOCLIP, 0, 0, &full, 1, 1, 0, 0xffffffffu); /* stride < w */
  REQUIREF(near(px(&d, 0, 0), 0xff808080u, 1), "bad stride drew");
  vd_surface_free(&d);
}

/* ---- clipping and hostile input ------------------------------------------ */

static void draw_all(vd_surface *s, vd_rect clip, int a, int b, int c, int d) {
  vd_rect r = { a, b, c, d };
  vd_fill(s, clip, r, 0xffff0000u);
  vd_fill(s, clip, r, 0x80ff00ffu);
  vd_outline(s, clip, r, 0xff00ff00u);
  vd_line(s, clip, a, b, c, d, 0xff0000ffu);
  vd_line(s, clip, c, d, a, b, 0x800000ffu);
  vd_circle(s, clip, a, b, c, 0xffffffffu, false);
  vd_circle(s, clip, a, b, d, 0x80ffffffu, true);
  static uint32_t spx[16 * 16];
  vd_surface src;
  vd_surface_wrap(&src, spx, 16, 16, 16);
  vd_blit(s, clip, a, b, &src, r, true);
  vd_blit(s, clip, c, d, &src, r, false);
  vd_rect sr = { 0, 0, 16, 16 };
  vd_blit(s, clip, a, b, &src, sr, false);
  static uint8_t cov[16 * 16];
  memset(cov, 200, sizeof cov);
  vd_mask(s, clip, a, b, cov, 16, 16, 16, 0xff123456u);
  vd_mask(s, clip, a, b, cov, c, d, 16, 0xff123456u);
}

static void t_clip(void) {
  vd_surface s, copy;
  vd_surface_init(&s, 32, 32, BG);
  vd_surface_init(&copy, 32, 32, BG);
  vd_rect clip = { 8, 6, 10, 12 };
  draw_all(&s, clip, 2, 3, 25, 27);
  draw_all(&s, clip, 12, 12, 5, 4);
  draw_all(&s, clip, -5, 30, 40, -3);
  int changed = 0;
  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 32; x++) {
      bool in = x >= 8 && x < 18 && y >= 6 && y < 18;
      if (!in)
        REQUIREF(px(&s, x, y) == px(&copy, x, y),
                 "pixel %d,%d outside the clip "
                 "changed",
                 x, y);
      else
        changed += px(&s, x, y) != BG;
    }
  REQUIREF(changed > 50, "only %d pixels changed inside the clip", changed);
  vd_surface_free(&s);
  vd_surface_free(&copy);
}

static void t_hostile(void) {
  /* a 20 x 10 view into the middle of a guarded 40 x 30 buffer */
  enum { BW = 40, BH = 30, OX = 10, OY = 10, W = 20, H = 10 };
  static uint32_t buf[BW * BH];
  const uint32_t guard = 0xdeadbeefu;
  for (int i = 0; i < BW * BH; i++) buf[i] = guard;
  vd_surface s;
  vd_surface_wrap(&s, buf + OY * BW + OX, W, H, BW);
  vd_rect all = { 0, 0, W, H };
  vd_fill(&s, all, all, BG);
  const int v[] = { INT_MIN, INT_MIN + 1, -1000000,    -17,    -1, 0, 1, 5, 19,
                    20,      1000000,     INT_MAX - 1, INT_MAX };
  const int nv = (int)(sizeof v / sizeof v[0]);
  vd_rect clips[] = { all,
                      NOCLIP,
                      { INT_MIN, INT_MIN, INT_MAX, INT_MAX },
                      { -5, -5, INT_MAX, INT_MAX },
                      { 3, 3, -4, 8 },
                      { INT_MAX, INT_MAX, INT_MAX, INT_MAX } };
  for (int k = 0; k < (int)(sizeof clips / sizeof clips[0]); k++)
    for (int a = 0; a < nv; a += 1)
      for (int b = 0; b < nv; b += 2)
        for (int c = 0; c < nv; c += 3)
          draw_all(&s, clips[k], v[a], v[b], v[c], v[(a + b + c) % nv]);
  for (int y = 0; y < BH; y++)
    for (int x = 0; x < BW; x++) {
      bool in = x >= OX && x < OX + W && y >= OY && y < OY + H;
      if (!in)
        REQUIREF(buf[y * BW + x] == guard, "wrote outside at %d,%d", x, y);
    }
  /* a surface without memory draws nothing and does not crash */
  vd_surface none = { 0 };
  draw_all(&none, all, 0, 0, 5, 5);
}

static void t_colours(void) {
  vd_color c = 0;
  REQUIREF(vd_parse_color("#12aBcF", 7, &c) == 0 && c == 0xff12abcfu,
           "#12aBcF -> %08x", c);
  REQUIREF(vd_parse_color("#11223344", 9, &c) == 0 && c == 0x44112233u,
           "#11223344 -> %08x", c);
  REQUIREF(vd_parse_color("#ffffff00junk", 9, &c) == 0 && c == 0x00ffffffu,
           "n bytes only -> %08x", c);
  const char *bad[] = { "",        "#",       "#12",     "#1234567",
                        "123456",  "#12345g", "#12 456", "#1234567890",
                        "#-12345", "##12345", "#0x1234" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    REQUIREF(vd_parse_color(bad[i], strlen(bad[i]), &c) == VD_EINVAL,
             "\"%s\" accepted", bad[i]);
  REQUIREF(vd_parse_color("#12\0456", 7, &c) == VD_EINVAL, "NUL accepted");
}

int main(int argc, char **argv) {
  check_init(argc, argv, "raster");
  check_run("rects", t_rects);
  check_run("surface", t_surface);
  check_run("fill", t_fill);
  check_run("outline", t_outline);
  check_run("line", t_line);
  check_run("circle", t_circle);
  check_run("blit", t_blit);
  check_run("mask", t_mask);
  check_run("clip", t_clip);
  check_run("hostile", t_hostile);
  check_run("colours", t_colours);
  fixture_end();
  return check_end();
}
