/*
** cm_read.c — the component decoder's plumbing: the error line, the arena
** every decoded node lives in, growable arrays, and the bounds-checked
** cursor (LEB128, counts, UTF-8 strings).  Every read checks the length
** against what remains before it moves, so no length can overflow.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm_internal.h"

bool cm_bad(cm_ctx *cx, vw_status st, size_t off, const char *fmt, ...) {
  cm_error *e = cx->err;
  if (!e || e->status != VW_OK) return false; /* the first error wins */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  e->status = st;
  e->offset = off;
  if (off == VW_NO_OFFSET)
    snprintf(e->line, sizeof e->line, "%s: %s", cx->name, e->msg);
  else
    snprintf(e->line, sizeof e->line, "%s: byte %zu: %s", cx->name, off,
             e->msg);
  return false;
}

bool cm_spend(cm_ctx *cx, size_t off, uint64_t n) {
  if ((cx->steps += n) <= CM_MAX_STEPS) return true;
  return CM_INVALID(cx, off,
                    "too complex to validate: more than %llu "
                    "name comparisons",
                    (unsigned long long)CM_MAX_STEPS);
}

bool cm_nomem(cm_ctx *cx) {
  return cm_bad(cx, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
}

/* ---- arena: blocks chained, freed at once with the component ---------- */
typedef struct cm_arena {
  struct cm_arena *next;
  size_t used, size;
  _Alignas(16) unsigned char data[];
} cm_arena;

#define CM_BLOCK 65536

void *cm_alloc(cm_ctx *cx, size_t n) {
  n = (n + 15) & ~(size_t)15;
  cm_arena *a = cx->arena;
  if (!a || a->size - a->used < n) {
    size_t size = n > CM_BLOCK ? n : CM_BLOCK;
    cm_arena *b = malloc(sizeof *b + size);
    if (!b) return cm_nomem(cx), NULL;
    b->size = size;
    b->used = 0;
    if (a && n > CM_BLOCK) { /* a big one goes behind, keeping the head */
      b->next = a->next;
      a->next = b;
      b->used = n;
      return memset(b->data, 0, n);
    }
    b->next = a;
    cx->arena = a = b;
  }
  void *p = a->data + a->used;
  a->used += n;
  return memset(p, 0, n);
}

void cm_arena_free(cm_arena *a) {
  while (a) {
    cm_arena *next = a->next;
    free(a);
    a = next;
  }
}

bool cm_vec_push(cm_ctx *cx, cm_vec *v, const void *item, size_t size) {
  if (v->n == v->cap) {
    uint32_t cap = v->cap ? v->cap * 2 : 8;
    void *p = realloc(v->v, (size_t)cap * size);
    if (!p) return cm_nomem(cx);
    v->v = p;
    v->cap = cap;
  }
  memcpy((char *)v->v + (size_t)v->n++ * size, item, size);
  return true;
}

void *cm_vec_copy(cm_ctx *cx, const cm_vec *v, size_t size) {
  void *p = cm_alloc(cx, (size_t)v->n * size + 1);
  if (p && v->n) memcpy(p, v->v, (size_t)v->n * size);
  return p;
}

void cm_vec_free(cm_vec *v) {
  free(v->v);
  v->v = NULL;
  v->n = v->cap = 0;
}

bool cm_space_push(cm_ctx *cx, cm_space *s, const cm_type *t, void *def,
                   size_t off) {
  if (s->n >= CM_MAX_ITEMS)
    return CM_INVALID(cx, off, "more than %u items in one index space",
                      CM_MAX_ITEMS);
  cm_item it = { t, def, 0 };
  return cm_vec_push(cx, (cm_vec *)s, &it, sizeof it);
}

bool cm_use_value(cm_ctx *cx, cm_scope *sc, uint32_t i, size_t off) {
  if (sc->sp[CM_SORT_VALUE].v[i].used++)
    return CM_INVALID(cx, off, "value %u is used a second time", i);
  return true;
}

/* ---- the cursor ---------------------------------------------------------- */
bool cm_u8(cm_reader *r, uint8_t *out) {
  if (r->p >= r->end) return CM_MALFORMED(r, "unexpected end");
  *out = *r->p++;
  return true;
}

bool cm_bytes(cm_reader *r, size_t n, const uint8_t **out) {
  if (cm_left(r) < n) return CM_MALFORMED(r, "unexpected end");
  *out = r->p;
  r->p += n;
  return true;
}

/* unsigned LEB128 of at most `bits` bits: overlong or too big is malformed */
static bool read_uleb(cm_reader *r, unsigned bits, uint64_t *out) {
  uint64_t v = 0;
  const uint8_t *start = r->p;
  for (unsigned shift = 0;; shift += 7) {
    if (r->p >= r->end) return CM_MALFORMED(r, "unexpected end");
    uint8_t b = *r->p++;
    if (shift + 7 > bits + 6 ||
        (shift + 7 > bits && (b & 0x7f) >> (bits - shift))) {
      r->p = start;
      return CM_MALFORMED(r, "integer too large");
    }
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  *out = v;
  return true;
}

bool cm_u32(cm_reader *r, uint32_t *out) {
  uint64_t v;
  TRY(read_uleb(r, 32, &v));
  *out = (uint32_t)v;
  return true;
}

bool cm_u64(cm_reader *r, uint64_t *out) { return read_uleb(r, 64, out); }

bool cm_count(cm_reader *r, uint32_t *out) {
  size_t off = cm_off(r);
  TRY(cm_u32(r, out));
  if (*out > cm_left(r))
    return cm_bad(r->cx, VW_ERR_MALFORMED, off,
                  "count %u exceeds the %zu bytes left", *out, cm_left(r));
  return true;
}

/* whether s[0..n) is well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF)
 */
static bool utf8_ok(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    size_t len = c < 0x80             ? 1
                 : (c & 0xe0) == 0xc0 ? 2
                 : (c & 0xf0) == 0xe0 ? 3
                 : (c & 0xf8) == 0xf0 ? 4
                                      : 0;
    if (!len || n - i < len) return false;
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

bool cm_string(cm_reader *r, const char **out) {
  size_t off = cm_off(r);
  uint32_t n;
  const uint8_t *s;
  TRY(cm_u32(r, &n));
  if (n > cm_left(r))
    return cm_bad(r->cx, VW_ERR_MALFORMED, off,
                  "name length %u exceeds the %zu bytes left", n, cm_left(r));
  TRY(cm_bytes(r, n, &s));
  if (!utf8_ok(s, n) || memchr(s, 0, n))
    return cm_bad(r->cx, VW_ERR_MALFORMED, off, "name is not valid UTF-8");
  char *p = cm_alloc(r->cx, (size_t)n + 1);
  if (!p) return false;
  memcpy(p, s, n);
  *out = p;
  return true;
}
