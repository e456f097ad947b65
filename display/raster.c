/*
** raster.c — surfaces and the drawing primitives of the VyomaOS display:
** rectangles, fill/outline, Bresenham lines, circles, blits and coverage
** masks, all clipped and straight-alpha blended (see vd.h).
**
** Every primitive first reduces its work to the intersection of the clip
** rectangle, the surface and the shape's bounding box, computed in 64-bit
** arithmetic, so that no argument (negative, INT_MIN/INT_MAX, huge radius)
** can overflow, write out of bounds, or loop over millions of invisible
** pixels.  Nothing here allocates except vd_surface_init/resize.
*/
#include "vd.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VD_MAX_DIM 16384

/* A half-open box [x0,x1) x [y0,y1) in 64-bit coordinates. */
typedef struct box {
  int64_t x0, y0, x1, y1;
} box;

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static box box_of(vd_rect r) {
  box b = { r.x, r.y, (int64_t)r.x + r.w, (int64_t)r.y + r.h };
  return b;
}

static bool box_empty(box b) { return b.x1 <= b.x0 || b.y1 <= b.y0; }

static box box_and(box a, box b) {
  box r = { max64(a.x0, b.x0), max64(a.y0, b.y0), min64(a.x1, b.x1),
            min64(a.y1, b.y1) };
  return r;
}

/* The pixels a primitive may touch: the clip inside the surface.  Empty when
** the surface has no memory (a canvas that was never given one). */
static box drawable(const vd_surface *s, vd_rect clip) {
  box none = { 0, 0, 0, 0 };
  if (!s || !s->px || s->w <= 0 || s->h <= 0 || s->stride < s->w) return none;
  box sb = { 0, 0, s->w, s->h };
  if (clip.w <= 0 || clip.h <= 0) return none;
  return box_and(sb, box_of(clip));
}

static int clamp_int(int64_t v) {
  return v < INT_MIN ? INT_MIN : v > INT_MAX ? INT_MAX : (int)v;
}

/* ---- rectangles ---------------------------------------------------------- */

vd_rect vd_rect_intersect(vd_rect a, vd_rect b) {
  vd_rect none = { 0, 0, 0, 0 };
  if (vd_rect_empty(a) || vd_rect_empty(b)) return none;
  box r = box_and(box_of(a), box_of(b));
  if (box_empty(r)) return none;
  /* both inputs fit in int, so x0/y0 do; a width may not (INT_MIN..INT_MAX) */
  vd_rect o = { (int)r.x0, (int)r.y0, clamp_int(r.x1 - r.x0),
                clamp_int(r.y1 - r.y0) };
  return o;
}

vd_rect vd_rect_union(vd_rect a, vd_rect b) {
  if (vd_rect_empty(a)) return b;
  if (vd_rect_empty(b)) return a;
  box x = box_of(a), y = box_of(b);
  box r = { min64(x.x0, y.x0), min64(x.y0, y.y0), max64(x.x1, y.x1),
            max64(x.y1, y.y1) };
  vd_rect o = { (int)r.x0, (int)r.y0, clamp_int(r.x1 - r.x0),
                clamp_int(r.y1 - r.y0) };
  return o;
}

bool vd_rect_empty(vd_rect r) { return r.w <= 0 || r.h <= 0; }

/* ---- surfaces ------------------------------------------------------------ */

static void fill_words(uint32_t *p, size_t n, vd_color c) {
  if (c == 0) {
    memset(p, 0, n * sizeof *p);
    return;
  }
  for (size_t i = 0; i < n; i++) p[i] = c;
}

int vd_surface_init(vd_surface *s, int w, int h, vd_color fill) {
  if (!s) return VD_EINVAL;
  memset(s, 0, sizeof *s);
  if (w < 1 || h < 1 || w > VD_MAX_DIM || h > VD_MAX_DIM) return VD_EINVAL;
  /* 16384^2 * 4 = 1 GiB: fits size_t on every target we build for */
  size_t n = (size_t)w * (size_t)h;
  uint32_t *px = calloc(n, sizeof *px);
  if (!px) return VD_ENOMEM;
  if (fill) fill_words(px, n, fill);
  s->px = px;
  s->w = w;
  s->h = h;
  s->stride = w;
  s->owned = true;
  return VD_OK;
}

void vd_surface_wrap(vd_surface *s, uint32_t *px, int w, int h, int stride) {
  if (!s) return;
  memset(s, 0, sizeof *s);
  if (!px || w <= 0 || h <= 0 || stride < w) return; /* an empty surface */
  s->px = px;
  s->w = w;
  s->h = h;
  s->stride = stride;
  s->owned = false;
}

void vd_surface_free(vd_surface *s) {
  if (!s) return;
  if (s->owned) free(s->px);
  memset(s, 0, sizeof *s);
}

int vd_surface_resize(vd_surface *s, int w, int h, vd_color fill) {
  if (!s) return VD_EINVAL;
  if (w < 1 || h < 1 || w > VD_MAX_DIM || h > VD_MAX_DIM) return VD_EINVAL;
  if (s->px && s->w == w && s->h == h) return VD_OK;
  /* a fresh buffer, so a failure leaves the old surface as it was */
  vd_surface n;
  int rc = vd_surface_init(&n, w, h, fill);
  if (rc) return rc;
  if (s->px && s->w > 0 && s->h > 0) {
    int cw = s->w < w ? s->w : w, ch = s->h < h ? s->h : h;
    for (int y = 0; y < ch; y++)
      memcpy(n.px + (size_t)y * n.stride, s->px + (size_t)y * s->stride,
             (size_t)cw * sizeof *n.px);
  }
  vd_surface_free(s);
  *s = n;
  return VD_OK;
}

/* ---- blending ------------------------------------------------------------ */

/* Straight-alpha "over" of colour c (its RGB) at alpha a (0..255) onto d. */
static inline uint32_t blend(uint32_t d, uint32_t c, unsigned a) {
  if (a >= 255) return c | 0xff000000u;
  if (a == 0) return d;
  unsigned da = d >> 24;
  unsigned sr = (c >> 16) & 0xff, sg = (c >> 8) & 0xff, sb = c & 0xff;
  unsigned dr = (d >> 16) & 0xff, dg = (d >> 8) & 0xff, db = d & 0xff;
  if (da == 255) { /* the usual case: an opaque window */
    unsigned na = 255 - a;
    dr = (sr * a + dr * na + 127) / 255;
    dg = (sg * a + dg * na + 127) / 255;
    db = (sb * a + db * na + 127) / 255;
    return 0xff000000u | dr << 16 | dg << 8 | db;
  }
  /* general case: out_a = a + da(1-a); out_c = (s a + d da (1-a)) / out_a,
  ** in units of 255*255 to stay in integers */
  unsigned dw = da * (255 - a); /* d's weight, x255          */
  unsigned sw = a * 255;        /* s's weight, x255          */
  unsigned oa = sw + dw;        /* out alpha x255, > 0       */
  dr = (sr * sw + dr * dw + oa / 2) / oa;
  dg = (sg * sw + dg * dw + oa / 2) / oa;
  db = (sb * sw + db * dw + oa / 2) / oa;
  unsigned outa = (oa + 127) / 255;
  return (uint32_t)outa << 24 | dr << 16 | dg << 8 | db;
}

static void fill_box(vd_surface *s, box d, box r, vd_color c) {
  unsigned a = c >> 24;
  if (a == 0) return;
  box b = box_and(d, r);
  if (box_empty(b)) return;
  size_t n = (size_t)(b.x1 - b.x0);
  for (int64_t y = b.y0; y < b.y1; y++) {
    uint32_t *p = s->px + (size_t)y * (size_t)s->stride + (size_t)b.x0;
    if (a == 255) {
      fill_words(p, n, c);
    } else {
      for (size_t i = 0; i < n; i++) p[i] = blend(p[i], c, a);
    }
  }
}

static inline void plot(vd_surface *s, box d, int64_t x, int64_t y,
                        vd_color c) {
  if (x < d.x0 || x >= d.x1 || y < d.y0 || y >= d.y1) return;
  uint32_t *p = s->px + (size_t)y * (size_t)s->stride + (size_t)x;
  *p = blend(*p, c, c >> 24);
}

/* ---- primitives ---------------------------------------------------------- */

void vd_fill(vd_surface *s, vd_rect clip, vd_rect r, vd_color c) {
  if (vd_rect_empty(r)) return;
  fill_box(s, drawable(s, clip), box_of(r), c);
}

void vd_outline(vd_surface *s, vd_rect clip, vd_rect r, vd_color c) {
  if (vd_rect_empty(r)) return;
  box d = drawable(s, clip);
  if (box_empty(d)) return;
  box o = box_of(r);
  /* four disjoint edges so a translucent outline blends each pixel once */
  box top = { o.x0, o.y0, o.x1, o.y0 + 1 };
  fill_box(s, d, top, c);
  if (o.y1 - o.y0 >= 2) {
    box bot = { o.x0, o.y1 - 1, o.x1, o.y1 };
    fill_box(s, d, bot, c);
  }
  if (o.y1 - o.y0 > 2) {
    box left = { o.x0, o.y0 + 1, o.x0 + 1, o.y1 - 1 };
    fill_box(s, d, left, c);
    if (o.x1 - o.x0 >= 2) {
      box right = { o.x1 - 1, o.y0 + 1, o.x1, o.y1 - 1 };
      fill_box(s, d, right, c);
    }
  }
}

/* floor(n / d) for d > 0 */
static __int128 floordiv(__int128 n, __int128 d) {
  __int128 q = n / d;
  if ((n % d != 0) && (n < 0)) q--;
  return q;
}

void vd_line(vd_surface *s, vd_rect clip, int x1, int y1, int x2, int y2,
             vd_color c) {
  box d = drawable(s, clip);
  if (box_empty(d) || (c >> 24) == 0) return;
  int64_t dx = (int64_t)x2 - x1, dy = (int64_t)y2 - y1;
  int64_t adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
  bool steep = ady > adx;
  /* Walk the major axis from (x1,y1): step i lands on major = m1 + i*sm,
  ** minor = n1 + sn * round(i * dn / dm) (halves rounded up), which is the
  ** pixel set of the integer Bresenham algorithm, both ends included.
  ** Computing each pixel directly lets us visit only the steps whose major
  ** coordinate is inside the clip: at most 16384 of them. */
  int64_t m1 = steep ? y1 : x1, n1 = steep ? x1 : y1;
  int64_t dm = steep ? ady : adx, dn = steep ? adx : ady;
  int64_t sm = (steep ? dy : dx) < 0 ? -1 : 1;
  int64_t sn = (steep ? dx : dy) < 0 ? -1 : 1;
  int64_t lo = steep ? d.y0 : d.x0, hi = steep ? d.y1 : d.x1; /* [lo,hi) */
  /* the steps i in [0, dm] with m1 + i*sm in [lo, hi) */
  int64_t i0, i1;
  if (sm > 0) {
    i0 = lo - m1;
    i1 = hi - 1 - m1;
  } else {
    i0 = m1 - (hi - 1);
    i1 = m1 - lo;
  }
  if (i0 < 0) i0 = 0;
  if (i1 > dm) i1 = dm;
  for (int64_t i = i0; i <= i1; i++) {
    int64_t off = 0;
    if (dm > 0)
      off = (int64_t)floordiv((__int128)2 * i * dn + dm, (__int128)2 * dm);
    int64_t m = m1 + i * sm, n = n1 + sn * off;
    if (steep)
      plot(s, d, n, m, c);
    else
      plot(s, d, m, n, c);
  }
}

/* floor(sqrt(v)) exactly, for v < 2^63 */
static int64_t isqrt64(int64_t v) {
  if (v <= 0) return v == 0 ? 0 : -1;
  int64_t x = (int64_t)sqrt((double)v);
  while (x > 0 && (__int128)x * x > v) x--;
  while ((__int128)(x + 1) * (x + 1) <= v) x++;
  return x;
}

/* Half-width of the disc's row at vertical offset dy, -1 when the row is
** outside.  A pixel is inside when dx^2 + dy^2 <= r^2 + r, the midpoint
** algorithm's criterion (a circle of radius r + 1/2 around pixel centres). */
static int64_t half_width(int64_t r, int64_t dy) {
  if (dy < -r || dy > r) return -1;
  return isqrt64(r * r + r - dy * dy);
}

void vd_circle(vd_surface *s, vd_rect clip, int cx, int cy, int r, vd_color c,
               bool filled) {
  box d = drawable(s, clip);
  if (box_empty(d) || r < 0 || (c >> 24) == 0) return;
  int64_t R = r;
  int64_t ylo = max64((int64_t)cy - R, d.y0),
          yhi = min64((int64_t)cy + R, d.y1 - 1);
  /* Row by row over the visible rows only, so a huge radius costs no more
  ** than the clip's height.  The outline is the disc's boundary: pixels of
  ** the disc with a 4-neighbour outside it (the same thin, 8-connected ring
  ** the midpoint algorithm draws). */
  for (int64_t y = ylo; y <= yhi; y++) {
    int64_t dy = y - cy;
    int64_t hw = half_width(R, dy);
    if (hw < 0) continue;
    if (filled) {
      box row = { (int64_t)cx - hw, y, (int64_t)cx + hw + 1, y + 1 };
      fill_box(s, d, row, c);
      continue;
    }
    int64_t up = half_width(R, dy - 1), dn = half_width(R, dy + 1);
    int64_t inner = (up < dn ? up : dn) + 1; /* first |dx| on the ring */
    if (inner > hw) inner = hw;
    box right = { (int64_t)cx + inner, y, (int64_t)cx + hw + 1, y + 1 };
    fill_box(s, d, right, c);
    if (inner == 0) inner = 1; /* dx = 0 drawn once       */
    if (inner <= hw) {
      box left = { (int64_t)cx - hw, y, (int64_t)cx - inner + 1, y + 1 };
      fill_box(s, d, left, c);
    }
  }
}

void vd_blit(vd_surface *dst, vd_rect clip, int x, int y, const vd_surface *src,
             vd_rect src_rect, bool blend_on) {
  box d = drawable(dst, clip);
  if (box_empty(d) || !src || !src->px || src->w <= 0 || src->h <= 0 ||
      src->stride < src->w || vd_rect_empty(src_rect))
    return;
  box sb = { 0, 0, src->w, src->h };
  box sr = box_of(src_rect);
  box sc = box_and(sr, sb);
  if (box_empty(sc)) return;
  /* where the clipped source lands: src_rect's top-left goes to (x, y) */
  int64_t ox = (int64_t)x - sr.x0, oy = (int64_t)y - sr.y0;
  box db = { sc.x0 + ox, sc.y0 + oy, sc.x1 + ox, sc.y1 + oy };
  box b = box_and(d, db);
  if (box_empty(b)) return;
  size_t n = (size_t)(b.x1 - b.x0);
  int64_t rows = b.y1 - b.y0;
  /* the same buffer, moving down: copy bottom-up so rows are read first */
  bool backwards = dst->px == src->px && oy > 0;
  for (int64_t k = 0; k < rows; k++) {
    int64_t yy = backwards ? b.y1 - 1 - k : b.y0 + k;
    uint32_t *dp = dst->px + (size_t)yy * (size_t)dst->stride + (size_t)b.x0;
    const uint32_t *sp =
        src->px + (size_t)(yy - oy) * (size_t)src->stride + (size_t)(b.x0 - ox);
    if (!blend_on) {
      memmove(dp, sp, n * sizeof *dp);
    } else {
      for (size_t i = 0; i < n; i++) {
        uint32_t sv = sp[i];
        dp[i] = blend(dp[i], sv & 0xffffffu, sv >> 24);
      }
    }
  }
}

void vd_mask(vd_surface *dst, vd_rect clip, int x, int y, const uint8_t *cov,
             int w, int h, int stride, vd_color c) {
  box d = drawable(dst, clip);
  unsigned ca = c >> 24;
  if (box_empty(d) || !cov || w <= 0 || h <= 0 || stride < w || ca == 0) return;
  box mb = { x, y, (int64_t)x + w, (int64_t)y + h };
  box b = box_and(d, mb);
  if (box_empty(b)) return;
  for (int64_t yy = b.y0; yy < b.y1; yy++) {
    uint32_t *dp = dst->px + (size_t)yy * (size_t)dst->stride;
    const uint8_t *cp = cov + (size_t)(yy - y) * (size_t)stride;
    for (int64_t xx = b.x0; xx < b.x1; xx++) {
      unsigned k = cp[xx - x];
      if (!k) continue;
      unsigned a = (ca * k + 127) / 255;
      dp[xx] = blend(dp[xx], c & 0xffffffu, a);
    }
  }
}

/* ---- colours ------------------------------------------------------------- */

static int hexval(unsigned char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

int vd_parse_color(const char *s, size_t n, vd_color *out) {
  if (!s || (n != 7 && n != 9) || s[0] != '#') return VD_EINVAL;
  uint32_t v = 0;
  for (size_t i = 1; i < n; i++) {
    int h = hexval((unsigned char)s[i]);
    if (h < 0) return VD_EINVAL;
    v = v << 4 | (uint32_t)h;
  }
  if (n == 7)
    v |= 0xff000000u;
  else
    v = (v >> 8) | (v << 24); /* rrggbbaa -> aarrggbb */
  if (out) *out = v;
  return VD_OK;
}
