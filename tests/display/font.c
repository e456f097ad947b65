/*
** tests/display/font.c — fonts and text (font/font.c): opening and refusing
** files, UTF-8 edge cases (malformed input is U+FFFD, never read past its
** end), measure vs draw, ink staying inside the measured box at 12 and
** 64 px, the glyph cache (hits on a redraw, bounded by VF_CACHE_BYTES), and
** two threads drawing at once.  Needs DejaVu Sans (fonts-dejavu-core); SKIPs
** without it.  argv[1] is the label.
*/
#include "../../font/vf.h"

#include "../check.h"
#include "fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

static vf_font *font;

/* width of exactly these bytes, from a heap copy of exactly that size so
** ASan catches a read past the end */
static int width(const char *s, size_t n) {
  char *copy = malloc(n ? n : 1);
  memcpy(copy, s, n);
  int w = 0, h = 0;
  vf_measure(font, 20, copy, n, &w, &h);
  free(copy);
  return w;
}
#define W(lit) width(lit, sizeof lit - 1)

static void t_open(void) {
  char err[128] = "";
  REQUIREF(vf_open("/nonexistent/font.ttf", err, sizeof err) == NULL && err[0],
           "missing file opened or no reason");
  err[0] = 0;
  REQUIREF(vf_open("/etc/hostname", err, sizeof err) == NULL && err[0],
           "a text file opened as a font");
  REQUIREF(vf_open("/tmp", err, sizeof err) == NULL, "a folder opened");
  REQUIREF(vf_open(NULL, err, sizeof err) == NULL, "NULL path");
  vf_close(NULL);
}

static void t_utf8(void) {
  int r1 = W("\xEF\xBF\xBD"); /* one U+FFFD */
  REQUIREF(r1 > 0, "U+FFFD has no width");
  REQUIREF(W("A") > 0 && W("AA") > W("A"), "ASCII widths");
  struct {
    const char *s;
    size_t n;
    int fffd;
  } bad[] = {
    { "\xC0\x80", 2, 2 },         /* overlong NUL */
    { "\xC1\xBF", 2, 2 },         /* overlong */
    { "\xE0\x80\xAF", 3, 3 },     /* overlong '/' */
    { "\xF0\x80\x80\xAF", 4, 4 }, /* overlong */
    { "\xED\xA0\x80", 3, 3 },     /* surrogate U+D800 */
    { "\xED\xBF\xBF", 3, 3 },     /* surrogate U+DFFF */
    { "\xF4\x90\x80\x80", 4, 4 }, /* U+110000 */
    { "\xF5\x80\x80\x80", 4, 4 },
    { "\xF8\x88\x80\x80\x80", 5, 5 }, /* 5-byte form */
    { "\xFF", 1, 1 },
    { "\x80", 1, 1 },         /* stray continuation */
    { "\xE2\x82", 2, 1 },     /* truncated at the end */
    { "\xF0\x9F\x98", 3, 1 }, /* truncated at the end */
    { "\xE2\x82"
      "A",
      3, 1 }, /* truncated before ASCII */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int w = width(bad[i].s, bad[i].n);
    int extra = bad[i].s[bad[i].n - 1] == 'A' ? W("\xEF\xBF\xBD"
                                                  "A") -
                                                    r1
                                              : 0;
    /* n U+FFFD side by side: allow one pixel of rounding per glyph */
    int want = bad[i].fffd * r1 + extra;
    REQUIREF(w >= want - bad[i].fffd && w <= want + bad[i].fffd,
             "case %zu: width %d, want %d (%d x U+FFFD)", i, w, want,
             bad[i].fffd);
  }
  /* valid multi-byte sequences are one codepoint each, not U+FFFD */
  REQUIREF(W("\xE2\x82\xAC") > 0 && W("\xE2\x82\xAC") != r1, "euro sign");
  REQUIREF(W("\xC3\xA9") == W("\xC3\xA9"), "e acute");
  REQUIREF(W("\xC3\xA9") < r1 && W("\xC3\xA9") > 0, "e acute as U+FFFD");
  REQUIREF(W("\xF0\x9F\x98\x80") < 2 * r1, "4-byte sequence split");
  REQUIREF(W("\xF4\x8F\xBF\xBF") < 2 * r1, "U+10FFFF split");
  REQUIREF(width("", 0) == 0, "empty text has width");
  REQUIREF(W("a\tb") == W("a b") && W("ab\r") == W("ab"), "tab or CR");
  int h = 0;
  vf_measure(font, 20, "a\nb\n", 4, NULL, &h);
  REQUIREF(h == 60, "3 lines of 20 px measured %d", h);
  vf_measure(font, 1000, "a", 1, NULL, &h);
  REQUIREF(h == VF_MAX_PX, "px not clamped: %d", h);
}

#define BG 0xff000000u

static void ink_in_box(int px) {
  const char *text = "Hello, Vyoma! fjg|\nSecond line \xC3\x85y";
  size_t n = strlen(text);
  int mw, mh;
  vf_measure(font, px, text, n, &mw, &mh);
  int ox = 20, oy = 20;
  vd_surface *s = fresh(mw + 2 * ox, mh + 2 * oy, BG);
  vd_rect all = { 0, 0, s->w, s->h };
  int dw = vf_draw(font, s, all, ox, oy, px, 0xffffffffu, text, n);
  REQUIREF(dw == mw, "%d px: draw width %d != measured %d", px, dw, mw);
  REQUIREF(mh == 2 * px, "%d px: height %d", px, mh);
  int ink = 0, right = -1, bottom = -1;
  for (int y = 0; y < s->h; y++)
    for (int x = 0; x < s->w; x++) {
      if (s->px[y * s->w + x] == BG) continue;
      ink++;
      REQUIREF(x >= ox && x < ox + mw && y >= oy && y < oy + mh,
               "%d px: ink at %d,%d outside the box %d,%d %dx%d", px, x, y, ox,
               oy, mw, mh);
      if (x > right) right = x;
      if (y > bottom) bottom = y;
    }
  REQUIREF(ink > px * 10, "%d px: only %d ink pixels", px, ink);
  /* the box is tight, not just big */
  REQUIREF(right >= ox + mw - 1 - px / 4, "%d px: ink ends at %d, box at %d",
           px, right, ox + mw);
  REQUIREF(bottom >= oy + px, "%d px: second line has no ink", px);
}

static void t_box12(void) { ink_in_box(12); }
static void t_box64(void) { ink_in_box(64); }
static void t_box_sizes(void) {
  for (int px = VF_MIN_PX; px <= 100 && !check_failing(); px++) ink_in_box(px);
}

static void t_clip(void) {
  vd_surface *s = fresh(40, 40, BG);
  vd_rect clip = { 10, 10, 10, 10 };
  vf_draw(font, s, clip, -30, -5, 64, 0xffffffffu, "WWW", 3);
  vf_draw(font, s, clip, 2000000000, 2000000000, 64, 0xffffffffu, "W", 1);
  vf_draw(font, s, clip, -2000000000, 2000000000, 64, 0xffffffffu, "W\nW", 3);
  int ink = 0;
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 40; x++) {
      bool in = x >= 10 && x < 20 && y >= 10 && y < 20;
      if (s->px[y * 40 + x] != BG) {
        REQUIREF(in, "ink at %d,%d outside the clip", x, y);
        ink++;
      }
    }
  REQUIREF(ink > 0, "nothing drawn inside the clip");
}

static void t_cache_hits(void) {
  vd_surface *s = fresh(300, 40, BG);
  vd_rect all = { 0, 0, 300, 40 };
  const char *text = "cache me: 0123";
  size_t n = strlen(text);
  vf_draw(font, s, all, 0, 0, 23, 0xffffffffu, text, n);
  vf_stats a = vf_get_stats(font);
  vf_draw(font, s, all, 0, 0, 23, 0xffffffffu, text, n);
  vf_stats b = vf_get_stats(font);
  REQUIREF(b.hits >= a.hits + n, "hits %llu -> %llu over %zu glyphs",
           (unsigned long long)a.hits, (unsigned long long)b.hits, n);
  REQUIREF(b.misses == a.misses, "misses grew on a redraw: %llu -> %llu",
           (unsigned long long)a.misses, (unsigned long long)b.misses);
  REQUIREF(b.entries > 0 && b.bytes > 0, "empty stats");
}

static void t_cache_bound(void) {
  vd_surface *s = fresh(64, 64, BG);
  vd_rect all = { 0, 0, 64, 64 };
  const char *text = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  size_t n = strlen(text);
  uint64_t most = 0;
  for (int px = 40; px <= 256; px += 6) {
    vf_draw(font, s, all, 0, 0, px, 0xffffffffu, text, n);
    vf_stats st = vf_get_stats(font);
    REQUIREF(st.bytes <= VF_CACHE_BYTES, "cache at %llu bytes after %d px",
             (unsigned long long)st.bytes, px);
    if (st.entries > most) most = st.entries;
  }
  vf_stats st = vf_get_stats(font);
  REQUIREF(st.misses > st.entries,
           "nothing was evicted (%llu misses, %llu "
           "entries)",
           (unsigned long long)st.misses, (unsigned long long)st.entries);
  REQUIREF(st.bytes > VF_CACHE_BYTES / 2, "cache only %llu bytes",
           (unsigned long long)st.bytes);
}

static void *drawer(void *arg) {
  vd_surface *s = arg;
  vd_rect all = { 0, 0, s->w, s->h };
  for (int i = 0; i < 40; i++)
    vf_draw(font, s, all, 0, 0, 10 + i % 7 * 13, 0xffffffffu,
            "threads share one cache", 23);
  return NULL;
}

static void t_threads(void) {
  vd_surface s[2];
  pthread_t th[2];
  for (int i = 0; i < 2; i++) {
    vd_surface_init(&s[i], 200, 100, BG);
    REQUIREF(pthread_create(&th[i], NULL, drawer, &s[i]) == 0, "thread");
  }
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < 200 * 100; i++)
    REQUIREF(s[0].px[i] == s[1].px[i], "threads drew different pixels at %d",
             i);
  vd_surface_free(&s[0]);
  vd_surface_free(&s[1]);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "font");
  char err[256];
  check_run("open", t_open);
  font = vf_open(FONT, err, sizeof err);
  if (!font) {
    check_skip("text", "%s (install fonts-dejavu-core)", err);
    return check_end();
  }
  check_run("utf8", t_utf8);
  check_run("box-12px", t_box12);
  check_run("box-64px", t_box64);
  check_run("box-4-100px", t_box_sizes);
  check_run("clip", t_clip);
  check_run("cache-hits", t_cache_hits);
  check_run("cache-bound", t_cache_bound);
  check_run("threads", t_threads);
  vf_close(font);
  fixture_end();
  return check_end();
}
