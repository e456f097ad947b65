/*
** draw.c — the VYOMA_DRAW line language (grammar in vd.h and sdk/vyoma.h):
** a strict tokenizer, the ops executed on a canvas, the canvas's cache of
** decoded images, and the statistics and per-command cost the compositor
** uses for its per-app draw budget.
**
** Lines come from untrusted apps: any bytes may appear (NUL included, no
** terminator at line[len]), integers are parsed here (no sscanf overflow),
** and every error is one line of text for "@sys: error draw <reason>".
*/
#include "vd.h"
#include "../font/vf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS      8
#define INT_LIMIT       1000000
#define IMG_MAX_ENTRIES 32
#define IMG_MAX_PIXELS  ((16u << 20) / 4) /* 16 MiB of pixels            */
#define TEXT_DEFAULT_PX 16

typedef struct img_entry {
  char *path; /* NUL-terminated key                       */
  vd_surface surf;
  uint64_t used; /* clock value of the last use             */
} img_entry;

/* The decoded images of one canvas, made on its first `image` command. */
struct vd_image_cache {
  img_entry e[IMG_MAX_ENTRIES];
  int n;
  size_t pixels;
  uint64_t clock;
};

/* ---- canvas -------------------------------------------------------------- */

void vd_canvas_init(vd_canvas *c, struct vf_font *font, int dirfd) {
  if (!c) return;
  memset(c, 0, sizeof *c);
  c->font = font;
  c->dirfd = dirfd;
  c->last_cost = 1;
}

static void cache_clear(struct vd_image_cache *ic) {
  for (int i = 0; i < ic->n; i++) {
    free(ic->e[i].path);
    vd_surface_free(&ic->e[i].surf);
  }
  ic->n = 0;
  ic->pixels = 0;
}

void vd_canvas_free(vd_canvas *c) {
  if (!c) return;
  vd_surface_free(&c->surf);
  if (c->images) {
    cache_clear(c->images);
    free(c->images);
    c->images = NULL;
  }
}

uint64_t vd_canvas_last_cost(const vd_canvas *c) {
  return c && c->last_cost ? c->last_cost : 1;
}

/* ---- errors -------------------------------------------------------------- */

typedef struct ctx {
  vd_canvas *c;
  char *err;
  size_t errlen;
  uint64_t cost;
} ctx;

static int fail(ctx *x, int code, const char *fmt, ...) {
  if (x->err && x->errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err, x->errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* Quotes untrusted bytes for an error message: at most 40 of them, anything
** but printable ASCII (and the quote and backslash) as '?', so the message
** stays one line. */
static const char *show(char buf[48], const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n && k < 40; i++) {
    unsigned char ch = (unsigned char)s[i];
    buf[k++] =
        (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ? (char)ch : '?';
  }
  if (n > 40) {
    buf[k++] = '.';
    buf[k++] = '.';
    buf[k++] = '.';
  }
  buf[k] = 0;
  return buf;
}

/* ---- tokens -------------------------------------------------------------- */

typedef struct token {
  const char *s; /* bare: into the line; quoted: into qbuf   */
  size_t n;
  bool quoted;
} token;

/* Splits line into tokens.  Quoted strings are unescaped into qbuf (at
** least len bytes).  Returns the token count, or -1 after fail(). */
static int tokenize(ctx *x, const char *line, size_t len, token *t, int maxt,
                    char *qbuf, int *rc) {
  size_t i = 0, q = 0;
  int n = 0;
  for (;;) {
    while (i < len && line[i] == ' ') i++;
    if (i >= len) break;
    if (n == maxt) {
      *rc = fail(x, VD_EINVAL, "too many arguments");
      return -1;
    }
    if (line[i] == '"') {
      size_t start = q;
      i++;
      bool closed = false;
      while (i < len) {
        char ch = line[i++];
        if (ch == '"') {
          closed = true;
          break;
        }
        if (ch == '\\') {
          if (i >= len) break;
          char e = line[i++];
          switch (e) {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            default: {
              char b[48];
              *rc = fail(x, VD_EINVAL, "bad escape \"\\%s\"", show(b, &e, 1));
              return -1;
            }
          }
        }
        qbuf[q++] = ch;
      }
      if (!closed) {
        *rc = fail(x, VD_EINVAL, "unterminated string");
        return -1;
      }
      if (i < len && line[i] != ' ') {
        *rc = fail(x, VD_EINVAL, "no space after a closing quote");
        return -1;
      }
      t[n].s = qbuf + start;
      t[n].n = q - start;
      t[n].quoted = true;
    } else {
      size_t start = i;
      while (i < len && line[i] != ' ') i++;
      t[n].s = line + start;
      t[n].n = i - start;
      t[n].quoted = false;
    }
    n++;
  }
  return n;
}

static bool tok_is(const token *t, const char *word) {
  size_t n = strlen(word);
  return !t->quoted && t->n == n && memcmp(t->s, word, n) == 0;
}

/* A decimal integer, optional '-', |v| <= INT_LIMIT. */
static bool parse_int(const token *t, int *out) {
  if (t->quoted || t->n == 0) return false;
  size_t i = 0;
  bool neg = false;
  if (t->s[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i >= t->n) return false;
  long v = 0;
  for (; i < t->n; i++) {
    unsigned char ch = (unsigned char)t->s[i];
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
    if (v > INT_LIMIT) return false;
  }
  *out = (int)(neg ? -v : v);
  return true;
}

/* Integers t[0..n) into v; on error fills err naming the op. */
static int ints(ctx *x, const char *op, const token *t, int n, int *v) {
  for (int i = 0; i < n; i++) {
    if (!parse_int(&t[i], &v[i])) {
      char b[48];
      return fail(x, VD_EINVAL, "%s: bad integer \"%s\" (|n| <= %d)", op,
                  show(b, t[i].s, t[i].n), INT_LIMIT);
    }
  }
  return 0;
}

static int colour(ctx *x, const token *t, vd_color *out) {
  if (t->quoted || vd_parse_color(t->s, t->n, out) != 0) {
    char b[48];
    return fail(x, VD_EINVAL, "bad colour \"%s\"", show(b, t->s, t->n));
  }
  return 0;
}

/* ---- cost ---------------------------------------------------------------- */

/* A command touched the box [x0,x1) x [y0,y1): its part inside the surface
** is the command's cost (at least 1) and joins the canvas's dirty rect. */
static void touched(ctx *x, int64_t x0, int64_t y0, int64_t x1, int64_t y1) {
  vd_canvas *c = x->c;
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > c->surf.w) x1 = c->surf.w;
  if (y1 > c->surf.h) y1 = c->surf.h;
  if (x1 <= x0 || y1 <= y0) {
    x->cost = 1;
    return;
  }
  x->cost = (uint64_t)(x1 - x0) * (uint64_t)(y1 - y0);
  vd_rect r = { (int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0) };
  c->dirty = vd_rect_empty(c->dirty) ? r : vd_rect_union(c->dirty, r);
}

/* ---- images -------------------------------------------------------------- */

static struct vd_image_cache *cache(vd_canvas *c) {
  if (!c->images) c->images = calloc(1, sizeof *c->images);
  return c->images;
}

static void cache_drop(struct vd_image_cache *ic, int i) {
  ic->pixels -= (size_t)ic->e[i].surf.w * (size_t)ic->e[i].surf.h;
  free(ic->e[i].path);
  vd_surface_free(&ic->e[i].surf);
  ic->e[i] = ic->e[--ic->n];
}

static int op_image(ctx *x, const token *t, int nt) {
  vd_canvas *c = x->c;
  int v[2];
  if (nt != 3 || t[2].quoted == false)
    return fail(x, VD_EINVAL, "image: expected 2 integers and a quoted path");
  int rc = ints(x, "image", t, 2, v);
  if (rc) return rc;
  if (c->dirfd < 0) return fail(x, VD_EINVAL, "image: no app folder");
  struct vd_image_cache *ic = cache(c);
  if (!ic) return fail(x, VD_ENOMEM, "image: out of memory");
  char b[48];
  const char *p = t[2].s;
  size_t pn = t[2].n;
  if (pn == 0 || memchr(p, 0, pn)) /* no file has an empty or NUL name */
    return fail(x, VD_ENOENT, "image \"%s\": not found", show(b, p, pn));
  ic->clock++;
  vd_surface *img = NULL, tmp = { 0 };
  for (int i = 0; i < ic->n; i++)
    if (strlen(ic->e[i].path) == pn && memcmp(ic->e[i].path, p, pn) == 0) {
      img = &ic->e[i].surf;
      ic->e[i].used = ic->clock;
      break;
    }
  if (!img) {
    char *key = malloc(pn + 1);
    if (!key) return fail(x, VD_ENOMEM, "image: out of memory");
    memcpy(key, p, pn);
    key[pn] = 0;
    rc = vd_png_load(c->dirfd, key, &tmp);
    if (rc) {
      free(key);
      const char *why = rc == VD_ENOENT   ? "not found"
                        : rc == VD_EACCES ? "escapes the app folder"
                        : rc == VD_ENOMEM ? "out of memory"
                                          : "not a PNG";
      return fail(x, rc, "image \"%s\": %s", show(b, p, pn), why);
    }
    size_t px = (size_t)tmp.w * (size_t)tmp.h;
    if (px <= IMG_MAX_PIXELS) {
      /* make room: the least recently used go first */
      while (ic->n > 0 &&
             (ic->n == IMG_MAX_ENTRIES || ic->pixels + px > IMG_MAX_PIXELS)) {
        int old = 0;
        for (int i = 1; i < ic->n; i++)
          if (ic->e[i].used < ic->e[old].used) old = i;
        cache_drop(ic, old);
      }
      img_entry *e = &ic->e[ic->n++];
      e->path = key;
      e->surf = tmp;
      e->used = ic->clock;
      ic->pixels += px;
      img = &e->surf;
      key = NULL;
      memset(&tmp, 0, sizeof tmp); /* the cache owns the pixels now */
    } else {
      img = &tmp; /* too big to keep: draw once, then free */
    }
    free(key);
  }
  vd_rect all = { 0, 0, c->surf.w, c->surf.h };
  vd_rect whole = { 0, 0, img->w, img->h };
  vd_blit(&c->surf, all, v[0], v[1], img, whole, true);
  touched(x, v[0], v[1], (int64_t)v[0] + img->w, (int64_t)v[1] + img->h);
  vd_surface_free(&tmp);
  return VD_DRAW_DONE;
}

/* ---- ops ----------------------------------------------------------------- */

/* Each op takes the arguments after its name; `all` is the whole window,
** the clip of every primitive. */
static vd_rect whole_window(const vd_surface *s) {
  vd_rect all = { 0, 0, s->w, s->h };
  return all;
}

static int op_present(ctx *x, const token *a, int na) {
  (void)a;
  if (na != 0) return fail(x, VD_EINVAL, "present: expected no arguments");
  return VD_DRAW_PRESENT;
}

static int op_clear(ctx *x, const token *a, int na) {
  vd_surface *s = &x->c->surf;
  vd_color col;
  int rc;
  if (na != 1) return fail(x, VD_EINVAL, "clear: expected a colour");
  if ((rc = colour(x, &a[0], &col))) return rc;
  vd_fill(s, whole_window(s), whole_window(s), col);
  touched(x, 0, 0, s->w, s->h);
  return VD_DRAW_DONE;
}

static int rect_or_fill(ctx *x, const token *a, int na, bool fill) {
  vd_surface *s = &x->c->surf;
  const char *op = fill ? "fill" : "rect";
  int v[4], rc;
  vd_color col;
  if (na != 5)
    return fail(x, VD_EINVAL, "%s: expected 4 integers and a colour", op);
  if ((rc = ints(x, op, a, 4, v)) || (rc = colour(x, &a[4], &col))) return rc;
  vd_rect r = { v[0], v[1], v[2], v[3] };
  if (fill)
    vd_fill(s, whole_window(s), r, col);
  else
    vd_outline(s, whole_window(s), r, col);
  if (v[2] > 0 && v[3] > 0)
    touched(x, v[0], v[1], (int64_t)v[0] + v[2], (int64_t)v[1] + v[3]);
  return VD_DRAW_DONE;
}

static int op_rect(ctx *x, const token *a, int na) {
  return rect_or_fill(x, a, na, false);
}

static int op_fill(ctx *x, const token *a, int na) {
  return rect_or_fill(x, a, na, true);
}

static int op_line(ctx *x, const token *a, int na) {
  vd_surface *s = &x->c->surf;
  int v[4], rc;
  vd_color col;
  if (na != 5)
    return fail(x, VD_EINVAL, "line: expected 4 integers and a colour");
  if ((rc = ints(x, "line", a, 4, v)) || (rc = colour(x, &a[4], &col)))
    return rc;
  vd_line(s, whole_window(s), v[0], v[1], v[2], v[3], col);
  int64_t x0 = v[0] < v[2] ? v[0] : v[2], x1 = v[0] < v[2] ? v[2] : v[0];
  int64_t y0 = v[1] < v[3] ? v[1] : v[3], y1 = v[1] < v[3] ? v[3] : v[1];
  touched(x, x0, y0, x1 + 1, y1 + 1);
  return VD_DRAW_DONE;
}

static int op_circle(ctx *x, const token *a, int na) {
  vd_surface *s = &x->c->surf;
  int v[3], rc;
  vd_color col;
  if ((na != 4 && na != 5) || (na == 5 && !tok_is(&a[4], "fill")))
    return fail(x, VD_EINVAL,
                "circle: expected 3 integers, a colour and optional \"fill\"");
  if ((rc = ints(x, "circle", a, 3, v)) || (rc = colour(x, &a[3], &col)))
    return rc;
  if (v[2] < 0)
    return fail(x, VD_EINVAL, "circle: radius must not be negative");
  vd_circle(s, whole_window(s), v[0], v[1], v[2], col, na == 5);
  touched(x, (int64_t)v[0] - v[2], (int64_t)v[1] - v[2],
          (int64_t)v[0] + v[2] + 1, (int64_t)v[1] + v[2] + 1);
  return VD_DRAW_DONE;
}

static int op_text(ctx *x, const token *a, int na) {
  vd_canvas *c = x->c;
  vd_surface *s = &c->surf;
  int v[2], rc;
  vd_color col;
  if ((na != 4 && na != 5) || a[0].quoted || a[1].quoted || a[2].quoted ||
      !a[3].quoted)
    return fail(x, VD_EINVAL,
                "text: expected 2 integers, a colour, a quoted string "
                "and an optional size");
  if ((rc = ints(x, "text", a, 2, v)) || (rc = colour(x, &a[2], &col)))
    return rc;
  int px = TEXT_DEFAULT_PX;
  if (na == 5) {
    if ((rc = ints(x, "text", &a[4], 1, &px))) return rc;
    if (px < VF_MIN_PX || px > VF_MAX_PX)
      return fail(x, VD_EINVAL, "text: size must be %d..%d", VF_MIN_PX,
                  VF_MAX_PX);
  }
  if (!c->font) return fail(x, VD_EINVAL, "text: no font");
  int w =
      vf_draw(c->font, s, whole_window(s), v[0], v[1], px, col, a[3].s, a[3].n);
  int lines = 1;
  for (size_t i = 0; i < a[3].n; i++) lines += a[3].s[i] == '\n';
  /* glyph ink may reach a little past the advance box (negative left
  ** bearings, a last glyph wider than its advance): half a size of slack */
  touched(x, (int64_t)v[0] - px / 2, v[1], (int64_t)v[0] + w + px / 2,
          (int64_t)v[1] + (int64_t)lines * px);
  return VD_DRAW_DONE;
}

static const struct {
  const char *name;
  int (*run)(ctx *x, const token *args, int nargs);
} ops[] = {
  { "present", op_present }, { "clear", op_clear }, { "rect", op_rect },
  { "fill", op_fill },       { "line", op_line },   { "circle", op_circle },
  { "text", op_text },       { "image", op_image },
};

static int exec_tokens(ctx *x, const token *t, int nt) {
  char b[48];
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (tok_is(t, ops[i].name)) return ops[i].run(x, t + 1, nt - 1);
  return fail(x, VD_EINVAL, "unknown op \"%s\"", show(b, t->s, t->n));
}

int vd_canvas_exec(vd_canvas *c, const char *line, size_t len, char *err,
                   size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!c) return VD_EINVAL;
  ctx x = { c, err, errlen, 1 };
  c->commands++;
  if (!line) len = 0;
  while (len > 0 && line[0] == ' ') line++, len--;
  /* the optional prefix */
  static const char pre[] = "VYOMA_DRAW";
  size_t pl = sizeof pre - 1;
  if (len >= pl && memcmp(line, pre, pl) == 0 && (len == pl || line[pl] == ' '))
    line += pl, len -= pl;

  int rc;
  token t[MAX_TOKENS];
  /* quoted strings unescape into at most len bytes */
  char small[256];
  char *qbuf = len <= sizeof small ? small : malloc(len);
  if (!qbuf) {
    rc = fail(&x, VD_ENOMEM, "out of memory");
  } else {
    int nt = tokenize(&x, line, len, t, MAX_TOKENS, qbuf, &rc);
    if (nt == 0)
      rc = fail(&x, VD_EINVAL, "empty command");
    else if (nt > 0) {
      if (t[0].quoted) {
        char b[48];
        rc = fail(&x, VD_EINVAL, "unknown op \"%s\"", show(b, t[0].s, t[0].n));
      } else {
        rc = exec_tokens(&x, t, nt);
      }
    }
    if (qbuf != small) free(qbuf);
  }
  if (rc < 0)
    c->errors++;
  else if (rc == VD_DRAW_PRESENT)
    c->presents++;
  c->last_cost = rc < 0 ? 1 : x.cost;
  return rc;
}
