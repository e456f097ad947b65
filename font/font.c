/*
** font.c — TrueType text for the VyomaOS display (see vf.h): loading a
** font with stb_truetype, UTF-8 decoding, line layout, and the shared glyph
** cache of coverage masks keyed by (codepoint, pixel size).  This file holds
** the only copy of the stb_truetype implementation, made static.
**
** Layout: px is the line height; scale = stbtt_ScaleForPixelHeight(px), so
** ascent - descent spans px; a line's baseline is its top + ascent * scale;
** lines are px apart (the baseline's fraction of a pixel is rendered as a
** subpixel shift).  The pen advances by the glyph's advance (plus pair
** kerning) and each glyph is placed at the rounded pen position, so
** vf_measure and vf_draw share one layout function and always agree.
*/
#include "vf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* stb_truetype trusts its input; fonts come only from the OS image.  Its
** asserts guard invariants; library code must not abort. */
#define STBTT_assert(x) ((void)0)
#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include "../display/stb_quiet.h"
#include <stb/stb_truetype.h>
#pragma GCC diagnostic pop

#define FONT_MAX_FILE (64u << 20)
#define NBUCKETS      1024u

typedef struct glyph {
  uint32_t cp;
  int px;
  int gi;                    /* glyph index in the font (0: .notdef)     */
  float advance;             /* pixels                                   */
  int xoff, yoff, w, h;      /* bitmap placement relative to pen/baseline */
  uint8_t *bm;               /* w*h coverage, NULL when w or h is 0      */
  size_t bytes;              /* what this entry counts against the cap  */
  struct glyph *hnext;       /* hash chain                               */
  struct glyph *prev, *next; /* LRU list: head = most recently used      */
} glyph;

struct vf_font {
  unsigned char *data;
  size_t len;
  stbtt_fontinfo info;
  int ascent, descent;
  pthread_mutex_t lock; /* guards everything below                  */
  glyph *buckets[NBUCKETS];
  glyph *head, *tail;
  vf_stats st;
};

static void seterr(char *err, size_t errlen, const char *fmt, const char *a,
                   const char *b) {
  if (err && errlen) snprintf(err, errlen, fmt, a, b);
}

vf_font *vf_open(const char *path, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!path) {
    seterr(err, errlen, "%s%s", "no font path", "");
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    seterr(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat stbuf;
  if (fstat(fd, &stbuf) != 0 || !S_ISREG(stbuf.st_mode) || stbuf.st_size <= 0 ||
      (uint64_t)stbuf.st_size > FONT_MAX_FILE) {
    close(fd);
    seterr(err, errlen, "%s: %s", path, "not a font file of sane size");
    return NULL;
  }
  size_t len = (size_t)stbuf.st_size, got = 0;
  unsigned char *data = malloc(len);
  if (!data) {
    close(fd);
    seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
    return NULL;
  }
  while (got < len) {
    ssize_t r = read(fd, data + got, len - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (got != len) {
    free(data);
    seterr(err, errlen, "%s: %s", path, "short read");
    return NULL;
  }
  /* the basics stb_truetype does not check: a font header, one font in it
  ** (or a collection), and the tables InitFont needs */
  int off = -1;
  if (len >= 12 && stbtt_GetNumberOfFonts(data) >= 1)
    off = stbtt_GetFontOffsetForIndex(data, 0);
  vf_font *f = calloc(1, sizeof *f);
  if (off < 0 || (size_t)off >= len || !f ||
      !stbtt_InitFont(&f->info, data, off)) {
    free(f);
    free(data);
    seterr(err, errlen, "%s: %s", path, "not a TrueType font");
    return NULL;
  }
  int gap;
  stbtt_GetFontVMetrics(&f->info, &f->ascent, &f->descent, &gap);
  if (f->ascent - f->descent <= 0) {
    free(f);
    free(data);
    seterr(err, errlen, "%s: %s", path, "font has no vertical metrics");
    return NULL;
  }
  f->data = data;
  f->len = len;
  pthread_mutex_init(&f->lock, NULL);
  return f;
}

void vf_close(vf_font *f) {
  if (!f) return;
  for (glyph *g = f->head, *n; g; g = n) {
    n = g->next;
    free(g->bm);
    free(g);
  }
  pthread_mutex_destroy(&f->lock);
  free(f->data);
  free(f);
}

vf_stats vf_get_stats(vf_font *f) {
  vf_stats s = { 0 };
  if (!f) return s;
  pthread_mutex_lock(&f->lock);
  s = f->st;
  pthread_mutex_unlock(&f->lock);
  return s;
}

/* ---- UTF-8 --------------------------------------------------------------- */

/* Decodes one codepoint at s[0..n), n >= 1; returns the bytes consumed.
** Invalid input yields U+FFFD and consumes the longest valid prefix of a
** sequence (at least one byte): overlongs, surrogates and > U+10FFFF are
** invalid, and nothing at or past s[n] is read. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  int need;
  uint32_t v;
  unsigned lo = 0x80, hi = 0xbf; /* range of the second byte */
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
    v = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    v = c & 0x0f;
    if (c == 0xe0) lo = 0xa0; /* overlong */
    if (c == 0xed) hi = 0x9f; /* surrogates */
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    v = c & 0x07;
    if (c == 0xf0) lo = 0x90; /* overlong */
    if (c == 0xf4) hi = 0x8f; /* > U+10FFFF */
  } else {
    *cp = 0xfffd;
    return 1;
  }
  size_t i = 1;
  for (int k = 0; k < need; k++, i++) {
    if (i >= n) {
      *cp = 0xfffd;
      return i;
    }
    unsigned b = s[i];
    unsigned l = k == 0 ? lo : 0x80, h = k == 0 ? hi : 0xbf;
    if (b < l || b > h) {
      *cp = 0xfffd;
      return i;
    }
    v = v << 6 | (b & 0x3f);
  }
  *cp = v;
  return i;
}

/* ---- glyph cache --------------------------------------------------------- */

static unsigned hash(uint32_t cp, int px) {
  uint32_t h = cp * 2654435761u ^ (uint32_t)px * 40503u;
  return (h ^ h >> 15) % NBUCKETS;
}

static void lru_unlink(vf_font *f, glyph *g) {
  if (g->prev)
    g->prev->next = g->next;
  else
    f->head = g->next;
  if (g->next)
    g->next->prev = g->prev;
  else
    f->tail = g->prev;
  g->prev = g->next = NULL;
}

static void lru_push(vf_font *f, glyph *g) {
  g->prev = NULL;
  g->next = f->head;
  if (f->head)
    f->head->prev = g;
  else
    f->tail = g;
  f->head = g;
}

static void evict(vf_font *f, glyph *g) {
  lru_unlink(f, g);
  glyph **pp = &f->buckets[hash(g->cp, g->px)];
  while (*pp && *pp != g) pp = &(*pp)->hnext;
  if (*pp) *pp = g->hnext;
  f->st.bytes -= g->bytes;
  f->st.entries--;
  free(g->bm);
  free(g);
}

/* The glyph for (cp, px), rendered on a miss.  Caller holds f->lock.  NULL
** only when out of memory. */
static glyph *lookup(vf_font *f, uint32_t cp, int px) {
  unsigned hb = hash(cp, px);
  for (glyph *g = f->buckets[hb]; g; g = g->hnext) {
    if (g->cp == cp && g->px == px) {
      f->st.hits++;
      if (f->head != g) {
        lru_unlink(f, g);
        lru_push(f, g);
      }
      return g;
    }
  }
  f->st.misses++;
  glyph *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  float scale = stbtt_ScaleForPixelHeight(&f->info, (float)px);
  g->cp = cp;
  g->px = px;
  g->gi = stbtt_FindGlyphIndex(&f->info, (int)cp); /* 0: .notdef box */
  int adv, lsb;
  stbtt_GetGlyphHMetrics(&f->info, g->gi, &adv, &lsb);
  g->advance = adv * scale;
  /* the baseline sits at ascent*scale below the line's top, usually not a
  ** whole pixel: render with that fraction as a vertical subpixel shift
  ** (the same for every glyph of this px) so ink stays inside the line */
  float asc = f->ascent * scale, shift = asc - floorf(asc);
  int x0, y0, x1, y1;
  stbtt_GetGlyphBitmapBoxSubpixel(&f->info, g->gi, scale, scale, 0, shift, &x0,
                                  &y0, &x1, &y1);
  g->w = x1 - x0;
  g->h = y1 - y0;
  g->xoff = x0;
  g->yoff = y0;
  if (g->w > 0 && g->h > 0 && g->w <= 4 * VF_MAX_PX && g->h <= 4 * VF_MAX_PX) {
    g->bm = calloc((size_t)g->w * (size_t)g->h, 1);
    if (!g->bm) {
      free(g);
      return NULL;
    }
    stbtt_MakeGlyphBitmapSubpixel(&f->info, g->bm, g->w, g->h, g->w, scale,
                                  scale, 0, shift, g->gi);
  } else {
    g->w = g->h = 0; /* a space, or an absurd box from a broken glyph */
  }
  g->bytes = sizeof *g + (size_t)g->w * (size_t)g->h;
  g->hnext = f->buckets[hb];
  f->buckets[hb] = g;
  lru_push(f, g);
  f->st.bytes += g->bytes;
  f->st.entries++;
  /* keep the new glyph even if it alone is over the cap: it is in use */
  while (f->st.bytes > VF_CACHE_BYTES && f->tail && f->tail != g)
    evict(f, f->tail);
  return g;
}

/* ---- layout -------------------------------------------------------------- */

static int clamp_px(int px) {
  return px < VF_MIN_PX ? VF_MIN_PX : px > VF_MAX_PX ? VF_MAX_PX : px;
}

/* Lays out (and, with s, draws) the text; returns the widest line's width
** and the number of lines in *lines.  A line's width is its pen advance or
** its ink's right edge, whichever is further, so the measured box holds the
** ink. */
static int layout(vf_font *f, vd_surface *s, vd_rect clip, int x, int y, int px,
                  vd_color c, const char *utf8, size_t len, int *lines) {
  px = clamp_px(px);
  float scale = stbtt_ScaleForPixelHeight(&f->info, (float)px);
  int base = (int)floorf(f->ascent * scale); /* the rest: lookup's shift */
  const unsigned char *p = (const unsigned char *)utf8;
  size_t i = 0;
  int nlines = 1, widest = 0;
  int64_t top = y;
  float pen = 0;
  int line_w = 0;
  int prev_gi = -1;
  while (p && i < len) {
    uint32_t cp;
    i += utf8_next(p + i, len - i, &cp);
    if (cp == '\n') {
      if (line_w > widest) widest = line_w;
      nlines++;
      top += px;
      pen = 0;
      line_w = 0;
      prev_gi = -1;
      continue;
    }
    if (cp == '\r') continue; /* a CRLF ends a line like LF       */
    if (cp == '\t') cp = ' '; /* no tab stops: a tab is a space   */
    pthread_mutex_lock(&f->lock);
    glyph *g = lookup(f, cp, px);
    if (!g) {
      pthread_mutex_unlock(&f->lock);
      continue;
    }
    if (prev_gi >= 0)
      pen += stbtt_GetGlyphKernAdvance(&f->info, prev_gi, g->gi) * scale;
    int gx = (int)lroundf(pen);
    if (s && g->bm) {
      int64_t dx = (int64_t)x + gx + g->xoff, dy = top + base + g->yoff;
      if (dx >= INT32_MIN && dx <= INT32_MAX && dy >= INT32_MIN &&
          dy <= INT32_MAX)
        vd_mask(s, clip, (int)dx, (int)dy, g->bm, g->w, g->h, g->w, c);
    }
    int ink = g->bm ? gx + g->xoff + g->w : 0;
    prev_gi = g->gi;
    pen += g->advance;
    pthread_mutex_unlock(&f->lock);
    int adv = (int)ceilf(pen);
    if (adv > line_w) line_w = adv;
    if (ink > line_w) line_w = ink;
  }
  if (line_w > widest) widest = line_w;
  if (lines) *lines = nlines;
  return widest;
}

int vf_draw(vf_font *f, vd_surface *s, vd_rect clip, int x, int y, int px,
            vd_color c, const char *utf8, size_t len) {
  if (!f || !s) return 0;
  return layout(f, s, clip, x, y, px, c, utf8, len, NULL);
}

void vf_measure(vf_font *f, int px, const char *utf8, size_t len, int *w,
                int *h) {
  int lines = 1, width = 0;
  vd_rect none = { 0, 0, 0, 0 };
  if (f) width = layout(f, NULL, none, 0, 0, px, 0, utf8, len, &lines);
  if (w) *w = width;
  if (h) *h = lines * clamp_px(px);
}
