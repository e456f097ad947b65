/*
** cm_abi.c — owns the canonical ABI's value conversions (cm_abi.h):
** layout (alignment, size, flattening) of component value types, lifting
** values out of guest memory and flat core values into host cm_val trees,
** lowering them back (strings and lists through the guest's realloc), and
** the spilling rules of function parameters and results.
**
** Every guest memory access goes through mem(), which re-reads the memory's
** data and size (a realloc call may have grown it) and checks the range in
** 64-bit arithmetic.
*/
#include "cm_abi.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STRING_BYTES 0x7fffffffu /* the spec's limit on one string */
#define UTF16_TAG        0x80000000u /* latin1+utf16: the string is utf16 */

/* ---- the arena ---------------------------------------------------------- */
typedef struct cm_blk {
  struct cm_blk *next;
  size_t cap, used;
  max_align_t data[];
} cm_blk;

struct cm_abi_arena {
  cm_blk *head;
  size_t total, limit;
};

cm_abi_arena *cm_abi_arena_new(size_t limit_bytes) {
  cm_abi_arena *a = calloc(1, sizeof *a);
  if (a) a->limit = limit_bytes;
  return a;
}

void *cm_abi_arena_alloc(cm_abi_arena *a, size_t n) {
  const size_t al = sizeof(max_align_t);
  if (!a || n > SIZE_MAX / 2) return NULL;
  n = (n + al - 1) / al * al;
  if (n == 0) n = al;
  cm_blk *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > 65536 ? n : 65536;
    if (a->limit && (a->total + cap > a->limit || a->total + cap < cap))
      return NULL;
    b = malloc(sizeof *b + cap);
    if (!b) return NULL;
    b->cap = cap, b->used = 0, b->next = a->head;
    a->head = b;
    a->total += cap;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

void cm_abi_arena_free(cm_abi_arena *a) {
  if (!a) return;
  for (cm_blk *b = a->head, *nx; b; b = nx) nx = b->next, free(b);
  free(a);
}

/* ---- traps -------------------------------------------------------------- */
static int trap(cm_abi_cx *cx, cm_abi_trap code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int trap(cm_abi_cx *cx, cm_abi_trap code, const char *fmt, ...) {
  if (cx->err && cx->err->code == CM_TRAP_NONE) {
    va_list ap;
    va_start(ap, fmt);
    cx->err->code = code;
    vsnprintf(cx->err->msg, sizeof cx->err->msg, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static void *alloc(cm_abi_cx *cx, uint64_t n, size_t each) {
  void *p = NULL;
  if (n <= SIZE_MAX / 2 / (each ? each : 1))
    p = cm_abi_arena_alloc(cx->arena, (size_t)n * each);
  if (!p) trap(cx, CM_TRAP_NOMEM, "out of host memory for lifted values");
  return p;
}

/* ---- layout ------------------------------------------------------------- */
static uint64_t align_to(uint64_t x, uint32_t a) { return (x + a - 1) / a * a; }

static uint32_t ncases(const cm_type *t) {
  return t->kind == CM_T_VARIANT || t->kind == CM_T_ENUM ? t->n : 2;
}

/* the payload type of case i, NULL when it has none */
static const cm_type *case_type(const cm_type *t, uint32_t i) {
  switch (t->kind) {
    case CM_T_VARIANT: return t->fields[i].type;
    case CM_T_OPTION: return i ? t->elem : NULL;
    case CM_T_RESULT: return i ? t->err : t->elem;
    default: return NULL;
  }
}

static uint32_t disc_size(const cm_type *t) {
  uint32_t n = ncases(t);
  return n <= 256 ? 1 : n <= 65536 ? 2 : 4;
}

static uint32_t prim_size(uint8_t p) {
  switch (p) {
    case CM_P_BOOL:
    case CM_P_S8:
    case CM_P_U8: return 1;
    case CM_P_S16:
    case CM_P_U16: return 2;
    case CM_P_S64:
    case CM_P_U64:
    case CM_P_F64: return 8;
    case CM_P_STRING: return 8;
    default: return 4;
  }
}

static uint32_t flags_size(uint32_t n) {
  return n == 0 ? 0 : n <= 8 ? 1 : n <= 16 ? 2 : 4 * ((n + 31) / 32);
}

static uint32_t max_case_align(const cm_type *t) {
  uint32_t a = 1;
  for (uint32_t i = 0; i < ncases(t); i++) {
    const cm_type *c = case_type(t, i);
    if (c && cm_abi_align(c) > a) a = cm_abi_align(c);
  }
  return a;
}

static uint32_t rec_align(const cm_field *f, uint32_t n) {
  uint32_t a = 1;
  for (uint32_t i = 0; i < n; i++)
    if (cm_abi_align(f[i].type) > a) a = cm_abi_align(f[i].type);
  return a;
}

static uint64_t sat(uint64_t x) {
  return x > CM_ABI_SIZE_MAX ? CM_ABI_SIZE_MAX : x;
}

static uint64_t rec_size(const cm_field *f, uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++)
    s = sat(align_to(s, cm_abi_align(f[i].type)) + cm_abi_size(f[i].type));
  return align_to(s, rec_align(f, n));
}

uint32_t cm_abi_align(const cm_type *t) {
  if (t->abi_align) return t->abi_align;
  switch (t->kind) {
    case CM_T_PRIM: return t->prim == CM_P_STRING ? 4 : prim_size(t->prim);
    case CM_T_RECORD:
    case CM_T_TUPLE: return rec_align(t->fields, t->n);
    case CM_T_FLAGS: return t->n <= 8 ? 1 : t->n <= 16 ? 2 : 4;
    case CM_T_VARIANT:
    case CM_T_ENUM:
    case CM_T_OPTION:
    case CM_T_RESULT: {
      uint32_t d = disc_size(t), c = max_case_align(t);
      return d > c ? d : c;
    }
    default: return 4; /* list, own, borrow */
  }
}

static uint32_t payload_offset(const cm_type *t) {
  return (uint32_t)align_to(disc_size(t), max_case_align(t));
}

uint64_t cm_abi_size(const cm_type *t) {
  if (t->abi_align) return t->abi_size;
  switch (t->kind) {
    case CM_T_PRIM: return prim_size(t->prim);
    case CM_T_RECORD:
    case CM_T_TUPLE: return rec_size(t->fields, t->n);
    case CM_T_FLAGS: return flags_size(t->n);
    case CM_T_LIST: return 8;
    case CM_T_VARIANT:
    case CM_T_ENUM:
    case CM_T_OPTION:
    case CM_T_RESULT: {
      uint64_t m = 0;
      for (uint32_t i = 0; i < ncases(t); i++) {
        const cm_type *c = case_type(t, i);
        if (c && cm_abi_size(c) > m) m = cm_abi_size(c);
      }
      return align_to(payload_offset(t) + m, cm_abi_align(t));
    }
    default: return 4;
  }
}

/* i32/f32 join to i32, anything else that differs to i64 */
static uint8_t join(uint8_t a, uint8_t b) {
  if (a == b) return a;
  if ((a == VW_I32 && b == VW_F32) || (a == VW_F32 && b == VW_I32))
    return VW_I32;
  return VW_I64;
}

static void push(uint8_t *buf, uint32_t *n, uint8_t t) {
  if (*n < 17) buf[*n] = t, ++*n;
}

static uint32_t flat17(const cm_type *t, uint8_t buf[17]);

static uint32_t flat_varlike(const cm_type *t, uint8_t buf[17]) {
  uint8_t joined[16], tmp[17];
  uint32_t n = 0, jn = 0;
  push(buf, &n, VW_I32);
  for (uint32_t i = 0; i < ncases(t); i++) {
    const cm_type *c = case_type(t, i);
    uint32_t k = c ? flat17(c, tmp) : 0;
    if (k > 16) return 17;
    for (uint32_t j = 0; j < k; j++)
      if (j < jn)
        joined[j] = join(joined[j], tmp[j]);
      else
        joined[jn++] = tmp[j];
  }
  for (uint32_t j = 0; j < jn; j++) push(buf, &n, joined[j]);
  return n;
}

static uint32_t flat_fields(const cm_field *f, uint32_t nf, uint8_t buf[17]) {
  uint8_t tmp[17];
  uint32_t n = 0;
  for (uint32_t i = 0; i < nf && n < 17; i++) {
    uint32_t k = flat17(f[i].type, tmp);
    for (uint32_t j = 0; j < k; j++) push(buf, &n, tmp[j]);
  }
  return n;
}

/* the flattening, capped at 17 (= more than 16) */
static uint32_t flat17(const cm_type *t, uint8_t buf[17]) {
  uint32_t n = 0;
  if (t->abi_align && t->kind != CM_T_PRIM) { /* the decoder's, cached */
    memcpy(buf, t->flat, t->nflat <= 16 ? t->nflat : 0);
    return t->nflat;
  }
  switch (t->kind) {
    case CM_T_PRIM:
      switch (t->prim) {
        case CM_P_S64:
        case CM_P_U64: push(buf, &n, VW_I64); break;
        case CM_P_F32: push(buf, &n, VW_F32); break;
        case CM_P_F64: push(buf, &n, VW_F64); break;
        case CM_P_STRING:
          push(buf, &n, VW_I32);
          push(buf, &n, VW_I32);
          break;
        default: push(buf, &n, VW_I32);
      }
      return n;
    case CM_T_LIST:
      push(buf, &n, VW_I32);
      push(buf, &n, VW_I32);
      return n;
    case CM_T_RECORD:
    case CM_T_TUPLE: return flat_fields(t->fields, t->n, buf);
    case CM_T_FLAGS:
      for (uint32_t i = 0; i < (t->n + 31) / 32 && n < 17; i++)
        push(buf, &n, VW_I32);
      return n;
    case CM_T_VARIANT:
    case CM_T_ENUM:
    case CM_T_OPTION:
    case CM_T_RESULT: return flat_varlike(t, buf);
    default: push(buf, &n, VW_I32); return n;
  }
}

uint32_t cm_abi_flatten(const cm_type *t, uint8_t *out, uint32_t max) {
  uint8_t buf[17];
  uint32_t n = flat17(t, buf);
  if (n > max) return max + 1;
  memcpy(out, buf, n);
  return n;
}

/* ---- guest memory -------------------------------------------------------- */
static uint8_t *mem(cm_abi_cx *cx, uint64_t ptr, uint64_t len) {
  if (!cx->memory) {
    trap(cx, CM_TRAP_ARG, "no memory to lift from or lower into");
    return NULL;
  }
  uint64_t size = vw_memory_size(cx->memory);
  if (ptr > size || len > size - ptr) {
    trap(cx, CM_TRAP_BOUNDS,
         "out of bounds: pointer 0x%llx + %llu bytes past memory of %llu "
         "bytes",
         (unsigned long long)ptr, (unsigned long long)len,
         (unsigned long long)size);
    return NULL;
  }
  return vw_memory_data(cx->memory) + ptr;
}

static int check_range(cm_abi_cx *cx, uint64_t ptr, uint32_t align,
                       uint64_t len) {
  if (ptr % align)
    return trap(cx, CM_TRAP_ALIGN, "misaligned pointer 0x%llx (alignment %u)",
                (unsigned long long)ptr, align);
  return mem(cx, ptr, len) ? 0 : -1;
}

static int rd(cm_abi_cx *cx, uint64_t ptr, uint32_t n, uint64_t *v) {
  uint8_t *p = mem(cx, ptr, n);
  if (!p) return -1;
  *v = 0;
  for (uint32_t i = 0; i < n; i++) *v |= (uint64_t)p[i] << (8 * i);
  return 0;
}

static int wr(cm_abi_cx *cx, uint64_t ptr, uint32_t n, uint64_t v) {
  uint8_t *p = mem(cx, ptr, n);
  if (!p) return -1;
  for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
  return 0;
}

/* calls the guest's realloc(0, 0, align, size) and checks what it gives */
static int guest_alloc(cm_abi_cx *cx, uint32_t align, uint64_t size,
                       uint64_t *ptr) {
  if (!cx->realloc)
    return trap(cx, CM_TRAP_REALLOC, "lowering needs realloc, none given");
  if (size > UINT32_MAX)
    return trap(cx, CM_TRAP_TOO_LONG,
                "an allocation of %llu bytes is too large",
                (unsigned long long)size);
  vw_raw args[4] = { 0, 0, align, (uint32_t)size }, res[1] = { 0 };
  vw_error e;
  memset(&e, 0, sizeof e);
  if (vw_call(cx->store, cx->realloc, args, res, &e) != VW_OK)
    return trap(cx, CM_TRAP_REALLOC, "realloc failed: %s", e.msg);
  *ptr = (uint32_t)res[0];
  return check_range(cx, *ptr, align, size);
}

/* ---- characters and strings --------------------------------------------- */
static int valid_char(uint32_t c) {
  return c < 0xd800 || (c > 0xdfff && c <= 0x10ffff);
}

/* one code point of UTF-8 at s[*i]; -1 when invalid (overlong, surrogate,
** past 0x10FFFF, cut) */
static int utf8_next(const uint8_t *s, size_t n, size_t *i, uint32_t *cp) {
  uint8_t b = s[*i];
  uint32_t k = b < 0x80                ? 0
               : b >= 0xc2 && b < 0xe0 ? 1
               : b >= 0xe0 && b < 0xf0 ? 2
               : b >= 0xf0 && b < 0xf5 ? 3
                                       : 9;
  if (k == 9 || n - *i <= k) return -1;
  uint32_t c = k ? b & (0x3f >> k) : b;
  for (uint32_t j = 1; j <= k; j++) {
    if ((s[*i + j] & 0xc0) != 0x80) return -1;
    c = c << 6 | (s[*i + j] & 0x3f);
  }
  static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
  if (c < min[k] || !valid_char(c)) return -1;
  *i += k + 1;
  *cp = c;
  return 0;
}

static size_t utf8_put(char *o, uint32_t c) {
  if (c < 0x80) return o[0] = (char)c, 1;
  if (c < 0x800)
    return o[0] = (char)(0xc0 | c >> 6), o[1] = (char)(0x80 | (c & 0x3f)), 2;
  if (c < 0x10000) {
    o[0] = (char)(0xe0 | c >> 12), o[1] = (char)(0x80 | (c >> 6 & 0x3f));
    return o[2] = (char)(0x80 | (c & 0x3f)), 3;
  }
  o[0] = (char)(0xf0 | c >> 18), o[1] = (char)(0x80 | (c >> 12 & 0x3f));
  o[2] = (char)(0x80 | (c >> 6 & 0x3f)), o[3] = (char)(0x80 | (c & 0x3f));
  return 4;
}

/* guest UTF-16 (little-endian, n units at p) to host UTF-8 */
static int from_utf16(cm_abi_cx *cx, const uint8_t *p, uint64_t n,
                      cm_val *out) {
  char *o = alloc(cx, n * 3 + 1, 1);
  size_t len = 0;
  if (!o) return -1;
  for (uint64_t i = 0; i < n; i++) {
    uint32_t c = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      uint32_t d = p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
      if (d >= 0xdc00 && d < 0xe000)
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), i++;
    }
    if (c >= 0xd800 && c < 0xe000)
      return trap(cx, CM_TRAP_UTF16,
                  "invalid UTF-16: unpaired surrogate at unit %llu",
                  (unsigned long long)i);
    len += utf8_put(o + len, c);
  }
  out->u.str.ptr = o, out->u.str.len = len;
  return 0;
}

static int from_bytes(cm_abi_cx *cx, const uint8_t *p, uint64_t n, int latin1,
                      cm_val *out) {
  char *o = alloc(cx, n * (latin1 ? 2 : 1) + 1, 1);
  size_t len = 0, i = 0;
  uint32_t c;
  if (!o) return -1;
  if (latin1) {
    for (i = 0; i < n; i++) len += utf8_put(o + len, p[i]);
  } else {
    while (i < n)
      if (utf8_next(p, n, &i, &c))
        return trap(cx, CM_TRAP_UTF8, "invalid UTF-8 at byte %zu", i);
    memcpy(o, p, n);
    len = n;
  }
  out->u.str.ptr = o, out->u.str.len = len;
  return 0;
}

/* a string of the guest's encoding at ptr, tagged length len */
static int load_string(cm_abi_cx *cx, uint64_t ptr, uint32_t len, cm_val *out) {
  int utf16 = cx->encoding == CM_ENC_UTF16;
  uint32_t align = utf16 ? 2 : 1;
  if (cx->encoding == CM_ENC_LATIN1_UTF16) {
    align = 2;
    if (len & UTF16_TAG) utf16 = 1, len &= ~UTF16_TAG;
  }
  uint64_t bytes = (uint64_t)len * (utf16 ? 2 : 1);
  if (check_range(cx, ptr, align, bytes)) return -1;
  const uint8_t *p = mem(cx, ptr, bytes);
  out->kind = CM_T_PRIM, out->prim = CM_P_STRING;
  if (utf16) return from_utf16(cx, p, len, out);
  return from_bytes(cx, p, len, cx->encoding == CM_ENC_LATIN1_UTF16, out);
}

typedef struct str_info {
  uint64_t ncp, nunits; /* code points, UTF-16 units */
  int latin1;           /* every code point < 256 */
} str_info;

static int scan_host(cm_abi_cx *cx, const cm_val *v, str_info *si) {
  const uint8_t *s = (const uint8_t *)v->u.str.ptr;
  size_t i = 0, n = v->u.str.len;
  uint32_t c;
  if (n && !s) return trap(cx, CM_TRAP_ARG, "host string with NULL pointer");
  si->ncp = si->nunits = 0, si->latin1 = 1;
  while (i < n) {
    if (utf8_next(s, n, &i, &c))
      return trap(cx, CM_TRAP_UTF8, "invalid UTF-8 in host string at byte %zu",
                  i);
    si->ncp++, si->nunits += c >= 0x10000 ? 2 : 1;
    if (c > 0xff) si->latin1 = 0;
  }
  return 0;
}

static void put_utf16(uint8_t *o, const cm_val *v) {
  const uint8_t *s = (const uint8_t *)v->u.str.ptr;
  size_t i = 0, k = 0;
  uint32_t c;
  while (i < v->u.str.len && !utf8_next(s, v->u.str.len, &i, &c)) {
    uint32_t u[2] = { c, 0 }, m = 1;
    if (c >= 0x10000)
      u[0] = 0xd800 + ((c - 0x10000) >> 10), u[1] = 0xdc00 + (c & 0x3ff), m = 2;
    for (uint32_t j = 0; j < m; j++)
      o[k++] = (uint8_t)u[j], o[k++] = (uint8_t)(u[j] >> 8);
  }
}

/* lowers a host string: realloc'd in the guest's encoding */
static int store_string(cm_abi_cx *cx, const cm_val *v, uint64_t *ptr,
                        uint32_t *tagged) {
  str_info si = { 0, 0, 1 };
  if (cx->encoding == CM_ENC_UTF8 && v->u.str.len > MAX_STRING_BYTES)
    return trap(cx, CM_TRAP_TOO_LONG, "string too long (%zu bytes)",
                v->u.str.len); /* before reading all of it */
  if (scan_host(cx, v, &si)) return -1;
  int enc = cx->encoding;
  uint64_t bytes = enc == CM_ENC_UTF8                        ? v->u.str.len
                   : enc == CM_ENC_LATIN1_UTF16 && si.latin1 ? si.ncp
                                                             : 2 * si.nunits;
  if (bytes > MAX_STRING_BYTES)
    return trap(cx, CM_TRAP_TOO_LONG, "string too long (%llu bytes)",
                (unsigned long long)bytes);
  if (guest_alloc(cx, enc == CM_ENC_UTF8 ? 1 : 2, bytes, ptr)) return -1;
  uint8_t *o = mem(cx, *ptr, bytes);
  if (!o) return -1;
  if (enc == CM_ENC_UTF8) {
    if (bytes) memcpy(o, v->u.str.ptr, bytes);
    *tagged = (uint32_t)bytes;
  } else if (enc == CM_ENC_LATIN1_UTF16 && si.latin1) {
    const uint8_t *s = (const uint8_t *)v->u.str.ptr;
    size_t i = 0, k = 0;
    uint32_t c;
    while (i < v->u.str.len && !utf8_next(s, v->u.str.len, &i, &c))
      o[k++] = (uint8_t)c;
    *tagged = (uint32_t)si.ncp;
  } else {
    put_utf16(o, v);
    *tagged = (uint32_t)si.nunits | (enc == CM_ENC_UTF16 ? 0 : UTF16_TAG);
  }
  return 0;
}

/* ---- loading (lifting from memory) -------------------------------------- */
static int load_val(cm_abi_cx *cx, const cm_type *t, uint64_t ptr, cm_val *out);

static float canon_f32(uint32_t bits) {
  float f;
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffff))
    bits = 0x7fc00000u; /* one NaN, so hosts see deterministic bits */
  memcpy(&f, &bits, 4);
  return f;
}

static double canon_f64(uint64_t bits) {
  double d;
  if ((bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull &&
      (bits & 0xfffffffffffffull))
    bits = 0x7ff8000000000000ull;
  memcpy(&d, &bits, 8);
  return d;
}

/* a primitive from its raw bits (memory or a flat value: the same rules) */
static int prim_from_bits(cm_abi_cx *cx, uint8_t p, uint64_t b, cm_val *out) {
  out->kind = CM_T_PRIM, out->prim = p;
  switch (p) {
    case CM_P_BOOL: out->u.b = (uint32_t)b != 0; break;
    case CM_P_S8: out->u.s = (int8_t)b; break;
    case CM_P_U8: out->u.u = (uint8_t)b; break;
    case CM_P_S16: out->u.s = (int16_t)b; break;
    case CM_P_U16: out->u.u = (uint16_t)b; break;
    case CM_P_S32: out->u.s = (int32_t)b; break;
    case CM_P_U32: out->u.u = (uint32_t)b; break;
    case CM_P_S64: out->u.s = (int64_t)b; break;
    case CM_P_U64: out->u.u = b; break;
    case CM_P_F32: out->u.f32 = canon_f32((uint32_t)b); break;
    case CM_P_F64: out->u.f64 = canon_f64(b); break;
    case CM_P_CHAR:
      if (!valid_char((uint32_t)b))
        return trap(cx, CM_TRAP_CHAR, "invalid char 0x%x", (uint32_t)b);
      out->u.ch = (uint32_t)b;
      break;
    default: return trap(cx, CM_TRAP_ARG, "unknown primitive 0x%02x", p);
  }
  return 0;
}

/* n elements of es bytes; past 2^33 it saturates (no memory holds that,
** and n * es could overflow) */
static uint64_t list_bytes(uint64_t n, uint64_t es) {
  return es && n > (1ull << 33) / es ? 1ull << 33 : n * es;
}

static int load_list_range(cm_abi_cx *cx, const cm_type *elem, uint64_t ptr,
                           uint32_t n, cm_val *out) {
  uint64_t es = cm_abi_size(elem);
  if (check_range(cx, ptr, cm_abi_align(elem), list_bytes(n, es))) return -1;
  out->kind = CM_T_LIST, out->u.seq.n = n;
  if (!(out->u.seq.items = alloc(cx, n, sizeof(cm_val)))) return -1;
  for (uint32_t i = 0; i < n; i++)
    if (load_val(cx, elem, ptr + (uint64_t)i * es, &out->u.seq.items[i]))
      return -1;
  return 0;
}

static int load_fields(cm_abi_cx *cx, const cm_field *f, uint32_t n,
                       uint64_t ptr, cm_val *items) {
  uint64_t off = 0;
  for (uint32_t i = 0; i < n; i++) {
    off = align_to(off, cm_abi_align(f[i].type));
    if (load_val(cx, f[i].type, ptr + off, &items[i])) return -1;
    off += cm_abi_size(f[i].type);
  }
  return 0;
}

static int check_case(cm_abi_cx *cx, const cm_type *t, uint64_t idx) {
  if (idx < ncases(t)) return 0;
  return trap(cx, CM_TRAP_DISCRIMINANT, "invalid discriminant %llu (%u cases)",
              (unsigned long long)idx, ncases(t));
}

static int load_varlike(cm_abi_cx *cx, const cm_type *t, uint64_t ptr,
                        cm_val *out) {
  uint64_t idx = 0;
  if (rd(cx, ptr, disc_size(t), &idx) || check_case(cx, t, idx)) return -1;
  out->u.var.index = (uint32_t)idx;
  const cm_type *c = case_type(t, (uint32_t)idx);
  if (!c) return 0;
  if (!(out->u.var.payload = alloc(cx, 1, sizeof(cm_val)))) return -1;
  return load_val(cx, c, ptr + payload_offset(t), out->u.var.payload);
}

static int load_flags(cm_abi_cx *cx, const cm_type *t, uint64_t ptr,
                      cm_val *out) {
  uint32_t nw = (t->n + 31) / 32, sz = flags_size(t->n);
  uint64_t w = 0;
  out->u.flags.n = t->n;
  if (!(out->u.flags.words = alloc(cx, nw ? nw : 1, 4))) return -1;
  for (uint32_t i = 0; i < nw; i++) {
    if (rd(cx, ptr + 4ull * i, sz < 4 ? sz : 4, &w)) return -1;
    /* bits past the last label are ignored */
    if (i == nw - 1 && t->n % 32) w &= (1ull << (t->n % 32)) - 1;
    out->u.flags.words[i] = (uint32_t)w;
  }
  return 0;
}

static int load_val(cm_abi_cx *cx, const cm_type *t, uint64_t ptr,
                    cm_val *out) {
  uint64_t a = 0, b = 0;
  memset(out, 0, sizeof *out); /* prim stays 0 for the non-primitive */
  out->kind = (uint8_t)t->kind;
  switch (t->kind) {
    case CM_T_PRIM:
      if (t->prim == CM_P_STRING)
        return rd(cx, ptr, 4, &a) || rd(cx, ptr + 4, 4, &b) ||
                       load_string(cx, a, (uint32_t)b, out)
                   ? -1
                   : 0;
      if (rd(cx, ptr, prim_size(t->prim), &a)) return -1;
      return prim_from_bits(cx, t->prim, a, out);
    case CM_T_LIST:
      if (rd(cx, ptr, 4, &a) || rd(cx, ptr + 4, 4, &b)) return -1;
      return load_list_range(cx, t->elem, a, (uint32_t)b, out);
    case CM_T_RECORD:
    case CM_T_TUPLE:
      out->u.seq.n = t->n;
      if (!(out->u.seq.items = alloc(cx, t->n, sizeof(cm_val)))) return -1;
      return load_fields(cx, t->fields, t->n, ptr, out->u.seq.items);
    case CM_T_VARIANT:
    case CM_T_ENUM:
    case CM_T_OPTION:
    case CM_T_RESULT: return load_varlike(cx, t, ptr, out);
    case CM_T_FLAGS: return load_flags(cx, t, ptr, out);
    case CM_T_OWN:
    case CM_T_BORROW:
      if (rd(cx, ptr, 4, &a)) return -1;
      out->u.handle = (uint32_t)a;
      return 0;
    default: return trap(cx, CM_TRAP_ARG, "not a value type");
  }
}

int cm_abi_load(cm_abi_cx *cx, const cm_type *t, uint64_t ptr, cm_val *out) {
  if (check_range(cx, ptr, cm_abi_align(t), cm_abi_size(t))) return -1;
  return load_val(cx, t, ptr, out);
}

/* ---- storing (lowering into memory) ------------------------------------- */
static int store_val(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                     uint64_t ptr);

static int check_kind(cm_abi_cx *cx, const cm_type *t, const cm_val *v) {
  if (v && v->kind == t->kind && (t->kind != CM_T_PRIM || v->prim == t->prim))
    return 0;
  return trap(cx, CM_TRAP_ARG, "a host value does not match its type");
}

static uint64_t prim_bits(const cm_val *v) {
  uint32_t f;
  uint64_t d;
  switch (v->prim) {
    case CM_P_BOOL: return v->u.b ? 1 : 0;
    case CM_P_S8:
    case CM_P_S16:
    case CM_P_S32:
      return (uint32_t)(int32_t)v->u.s; /* an i32 slot is zero-extended */
    case CM_P_S64: return (uint64_t)v->u.s;
    case CM_P_F32: memcpy(&f, &v->u.f32, 4); return f;
    case CM_P_F64: memcpy(&d, &v->u.f64, 8); return d;
    case CM_P_CHAR: return v->u.ch;
    case CM_P_U64: return v->u.u;
    default: return (uint32_t)v->u.u;
  }
}

static int store_list(cm_abi_cx *cx, const cm_type *elem, const cm_val *v,
                      uint64_t *ptr) {
  uint64_t bytes = list_bytes(v->u.seq.n, cm_abi_size(elem));
  if (bytes >= (1ull << 32))
    return trap(cx, CM_TRAP_TOO_LONG, "list too long (%llu bytes)",
                (unsigned long long)bytes);
  if (v->u.seq.n && !v->u.seq.items)
    return trap(cx, CM_TRAP_ARG, "host list with NULL items");
  if (guest_alloc(cx, cm_abi_align(elem), bytes, ptr)) return -1;
  for (uint32_t i = 0; i < v->u.seq.n; i++)
    if (store_val(cx, elem, &v->u.seq.items[i],
                  *ptr + (uint64_t)i * cm_abi_size(elem)))
      return -1;
  return 0;
}

static int store_fields(cm_abi_cx *cx, const cm_field *f, uint32_t n,
                        const cm_val *items, uint64_t ptr) {
  uint64_t off = 0;
  for (uint32_t i = 0; i < n; i++) {
    off = align_to(off, cm_abi_align(f[i].type));
    if (store_val(cx, f[i].type, &items[i], ptr + off)) return -1;
    off += cm_abi_size(f[i].type);
  }
  return 0;
}

static int store_varlike(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                         uint64_t ptr) {
  if (check_case(cx, t, v->u.var.index)) return -1;
  if (wr(cx, ptr, disc_size(t), v->u.var.index)) return -1;
  const cm_type *c = case_type(t, v->u.var.index);
  if (!c) return 0;
  return store_val(cx, c, v->u.var.payload, ptr + payload_offset(t));
}

static int store_flags(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                       uint64_t ptr) {
  uint32_t nw = (t->n + 31) / 32, sz = flags_size(t->n);
  if (nw && (!v->u.flags.words || v->u.flags.n != t->n))
    return trap(cx, CM_TRAP_ARG, "host flags do not match their type");
  for (uint32_t i = 0; i < nw; i++) {
    uint64_t w = v->u.flags.words[i];
    if (i == nw - 1 && t->n % 32) w &= (1ull << (t->n % 32)) - 1;
    if (wr(cx, ptr + 4ull * i, sz < 4 ? sz : 4, w)) return -1;
  }
  return 0;
}

static int store_val(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                     uint64_t ptr) {
  uint64_t p = 0;
  uint32_t n = 0;
  if (check_kind(cx, t, v)) return -1;
  switch (t->kind) {
    case CM_T_PRIM:
      if (t->prim == CM_P_STRING)
        return store_string(cx, v, &p, &n) || wr(cx, ptr, 4, p) ||
                       wr(cx, ptr + 4, 4, n)
                   ? -1
                   : 0;
      if (t->prim == CM_P_CHAR && !valid_char(v->u.ch))
        return trap(cx, CM_TRAP_CHAR, "invalid char 0x%x", v->u.ch);
      return wr(cx, ptr, prim_size(t->prim), prim_bits(v));
    case CM_T_LIST:
      return store_list(cx, t->elem, v, &p) || wr(cx, ptr, 4, p) ||
                     wr(cx, ptr + 4, 4, v->u.seq.n)
                 ? -1
                 : 0;
    case CM_T_RECORD:
    case CM_T_TUPLE:
      if (v->u.seq.n != t->n || (t->n && !v->u.seq.items))
        return trap(cx, CM_TRAP_ARG, "host record has %u fields, its type %u",
                    v->u.seq.n, t->n);
      return store_fields(cx, t->fields, t->n, v->u.seq.items, ptr);
    case CM_T_VARIANT:
    case CM_T_ENUM:
    case CM_T_OPTION:
    case CM_T_RESULT: return store_varlike(cx, t, v, ptr);
    case CM_T_FLAGS: return store_flags(cx, t, v, ptr);
    case CM_T_OWN:
    case CM_T_BORROW: return wr(cx, ptr, 4, v->u.handle);
    default: return trap(cx, CM_TRAP_ARG, "not a value type");
  }
}

int cm_abi_store(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                 uint64_t ptr) {
  if (check_range(cx, ptr, cm_abi_align(t), cm_abi_size(t))) return -1;
  return store_val(cx, t, v, ptr);
}

/* ---- flat values ---------------------------------------------------------
** A flat value is the raw slot of its core type.  Inside a variant the
** slot has the joined type; since vw_raw keeps i32 and f32 zero-extended
** and f64 as bits, reading a case's i32/f32 from an i64 slot is taking its
** low 32 bits, and writing one into it needs nothing. */
typedef struct flat_in {
  const vw_raw *v;
  uint32_t n, pos;
} flat_in;

static int next(cm_abi_cx *cx, flat_in *in, int wide, uint64_t *out) {
  if (in->pos >= in->n)
    return trap(cx, CM_TRAP_ARG, "too few flat values (%u)", in->n);
  *out = in->v[in->pos++];
  if (!wide) *out = (uint32_t)*out;
  return 0;
}

static int lift_flat_val(cm_abi_cx *cx, const cm_type *t, flat_in *in,
                         cm_val *out);

static int lift_flat_varlike(cm_abi_cx *cx, const cm_type *t, flat_in *in,
                             cm_val *out) {
  uint8_t buf[17];
  uint32_t nf = flat17(t, buf);
  uint64_t idx = 0;
  if (next(cx, in, 0, &idx) || check_case(cx, t, idx)) return -1;
  uint32_t end = in->pos + nf - 1; /* past the joined payload */
  out->u.var.index = (uint32_t)idx;
  const cm_type *c = case_type(t, (uint32_t)idx);
  if (c) {
    if (!(out->u.var.payload = alloc(cx, 1, sizeof(cm_val)))) return -1;
    if (lift_flat_val(cx, c, in, out->u.var.payload)) return -1;
  }
  if (end > in->n) return trap(cx, CM_TRAP_ARG, "too few flat values");
  in->pos = end;
  return 0;
}

static int lift_flat_val(cm_abi_cx *cx, const cm_type *t, flat_in *in,
                         cm_val *out) {
  uint64_t a = 0, b = 0;
  memset(out, 0, sizeof *out); /* prim stays 0 for the non-primitive */
  out->kind = (uint8_t)t->kind;
  switch (t->kind) {
    case CM_T_PRIM:
      if (t->prim == CM_P_STRING)
        return next(cx, in, 0, &a) || next(cx, in, 0, &b) ||
                       load_string(cx, a, (uint32_t)b, out)
                   ? -1
                   : 0;
      if (next(cx, in, prim_size(t->prim) == 8, &a)) return -1;
      return prim_from_bits(cx, t->prim, a, out);
    case CM_T_LIST:
      if (next(cx, in, 0, &a) || next(cx, in, 0, &b)) return -1;
      return load_list_range(cx, t->elem, a, (uint32_t)b, out);
    case CM_T_RECORD:
    case CM_T_TUPLE:
      out->u.seq.n = t->n;
      if (!(out->u.seq.items = alloc(cx, t->n, sizeof(cm_val)))) return -1;
      for (uint32_t i = 0; i < t->n; i++)
        if (lift_flat_val(cx, t->fields[i].type, in, &out->u.seq.items[i]))
          return -1;
      return 0;
    case CM_T_VARIANT:
    case CM_T_ENUM:
    case CM_T_OPTION:
    case CM_T_RESULT: return lift_flat_varlike(cx, t, in, out);
    case CM_T_FLAGS:
      out->u.flags.n = t->n;
      if (!(out->u.flags.words = alloc(cx, (t->n + 31) / 32 + 1, 4))) return -1;
      for (uint32_t i = 0; i < (t->n + 31) / 32; i++) {
        if (next(cx, in, 0, &a)) return -1;
        if (i == (t->n - 1) / 32 && t->n % 32) a &= (1ull << (t->n % 32)) - 1;
        out->u.flags.words[i] = (uint32_t)a;
      }
      return 0;
    case CM_T_OWN:
    case CM_T_BORROW:
      if (next(cx, in, 0, &a)) return -1;
      out->u.handle = (uint32_t)a;
      return 0;
    default: return trap(cx, CM_TRAP_ARG, "not a value type");
  }
}

int cm_abi_lift_flat(cm_abi_cx *cx, const cm_type *t, const vw_raw *flat,
                     uint32_t n, uint32_t *pos, cm_val *out) {
  flat_in in = { flat, n, *pos };
  int r = lift_flat_val(cx, t, &in, out);
  *pos = in.pos;
  return r;
}

typedef struct flat_out {
  vw_raw *v;
  uint32_t max, pos;
} flat_out;

static int put(cm_abi_cx *cx, flat_out *o, uint64_t v) {
  if (o->pos >= o->max)
    return trap(cx, CM_TRAP_ARG, "more than %u flat values", o->max);
  o->v[o->pos++] = v;
  return 0;
}

static int lower_flat_val(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                          flat_out *o);

static int lower_flat_varlike(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                              flat_out *o) {
  uint8_t buf[17];
  uint32_t nf = flat17(t, buf);
  if (check_case(cx, t, v->u.var.index) || put(cx, o, v->u.var.index))
    return -1;
  uint32_t end = o->pos + nf - 1;
  const cm_type *c = case_type(t, v->u.var.index);
  if (c && lower_flat_val(cx, c, v->u.var.payload, o)) return -1;
  while (o->pos < end) /* the joined payload's unused slots are zero */
    if (put(cx, o, 0)) return -1;
  return 0;
}

static int lower_flat_val(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                          flat_out *o) {
  uint64_t p = 0;
  uint32_t n = 0;
  if (check_kind(cx, t, v)) return -1;
  switch (t->kind) {
    case CM_T_PRIM:
      if (t->prim == CM_P_STRING)
        return store_string(cx, v, &p, &n) || put(cx, o, p) || put(cx, o, n)
                   ? -1
                   : 0;
      if (t->prim == CM_P_CHAR && !valid_char(v->u.ch))
        return trap(cx, CM_TRAP_CHAR, "invalid char 0x%x", v->u.ch);
      return put(cx, o, prim_bits(v));
    case CM_T_LIST:
      return store_list(cx, t->elem, v, &p) || put(cx, o, p) ||
                     put(cx, o, v->u.seq.n)
                 ? -1
                 : 0;
    case CM_T_RECORD:
    case CM_T_TUPLE:
      if (v->u.seq.n != t->n || (t->n && !v->u.seq.items))
        return trap(cx, CM_TRAP_ARG, "host record has %u fields, its type %u",
                    v->u.seq.n, t->n);
      for (uint32_t i = 0; i < t->n; i++)
        if (lower_flat_val(cx, t->fields[i].type, &v->u.seq.items[i], o))
          return -1;
      return 0;
    case CM_T_VARIANT:
    case CM_T_ENUM:
    case CM_T_OPTION:
    case CM_T_RESULT: return lower_flat_varlike(cx, t, v, o);
    case CM_T_FLAGS:
      if (t->n && (!v->u.flags.words || v->u.flags.n != t->n))
        return trap(cx, CM_TRAP_ARG, "host flags do not match their type");
      for (uint32_t i = 0; i < (t->n + 31) / 32; i++) {
        uint64_t w = v->u.flags.words[i];
        if (i == (t->n - 1) / 32 && t->n % 32) w &= (1ull << (t->n % 32)) - 1;
        if (put(cx, o, w)) return -1;
      }
      return 0;
    case CM_T_OWN:
    case CM_T_BORROW: return put(cx, o, v->u.handle);
    default: return trap(cx, CM_TRAP_ARG, "not a value type");
  }
}

int cm_abi_lower_flat(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                      vw_raw *out, uint32_t max, uint32_t *pos) {
  flat_out o = { out, max, *pos };
  int r = lower_flat_val(cx, t, v, &o);
  *pos = o.pos;
  return r;
}

/* ---- a function's parameters and results -------------------------------- */
static int check_func(cm_abi_cx *cx, const cm_type *ft) {
  if (ft && ft->kind == CM_T_FUNC) return 0;
  return trap(cx, CM_TRAP_ARG, "not a function type");
}

int cm_abi_lower_params(cm_abi_cx *cx, const cm_type *ft, const cm_val *args,
                        vw_raw *flat, uint32_t *nflat) {
  uint8_t buf[17];
  uint64_t ptr = 0;
  *nflat = 0;
  if (check_func(cx, ft)) return -1;
  if (flat_fields(ft->fields, ft->n, buf) <= CM_MAX_FLAT_PARAMS) {
    flat_out o = { flat, CM_MAX_FLAT_PARAMS, 0 };
    for (uint32_t i = 0; i < ft->n; i++)
      if (lower_flat_val(cx, ft->fields[i].type, &args[i], &o)) return -1;
    *nflat = o.pos;
    return 0;
  }
  /* too many: the callee gets one pointer to them, stored as a tuple */
  if (guest_alloc(cx, rec_align(ft->fields, ft->n), rec_size(ft->fields, ft->n),
                  &ptr) ||
      store_fields(cx, ft->fields, ft->n, args, ptr))
    return -1;
  flat[0] = ptr, *nflat = 1;
  return 0;
}

int cm_abi_lift_params(cm_abi_cx *cx, const cm_type *ft, const vw_raw *flat,
                       uint32_t nflat, cm_val *args) {
  uint8_t buf[17];
  if (check_func(cx, ft)) return -1;
  if (flat_fields(ft->fields, ft->n, buf) <= CM_MAX_FLAT_PARAMS) {
    flat_in in = { flat, nflat, 0 };
    for (uint32_t i = 0; i < ft->n; i++)
      if (lift_flat_val(cx, ft->fields[i].type, &in, &args[i])) return -1;
    return 0;
  }
  if (nflat < 1) return trap(cx, CM_TRAP_ARG, "no parameter pointer");
  uint64_t ptr = (uint32_t)flat[0];
  if (check_range(cx, ptr, rec_align(ft->fields, ft->n),
                  rec_size(ft->fields, ft->n)))
    return -1;
  return load_fields(cx, ft->fields, ft->n, ptr, args);
}

int cm_abi_lift_results(cm_abi_cx *cx, const cm_type *ft, const vw_raw *flat,
                        uint32_t nflat, cm_val **out) {
  uint8_t buf[17];
  *out = NULL;
  if (check_func(cx, ft)) return -1;
  if (!ft->elem) return 0;
  if (!(*out = alloc(cx, 1, sizeof(cm_val)))) return -1;
  if (flat17(ft->elem, buf) <= CM_MAX_FLAT_RESULTS) {
    flat_in in = { flat, nflat, 0 };
    return lift_flat_val(cx, ft->elem, &in, *out);
  }
  /* too many: the core function returned a pointer to them */
  if (nflat < 1) return trap(cx, CM_TRAP_ARG, "no result pointer");
  return cm_abi_load(cx, ft->elem, (uint32_t)flat[0], *out);
}

int cm_abi_lower_results(cm_abi_cx *cx, const cm_type *ft, const cm_val *res,
                         vw_raw *flat, uint32_t *nflat, uint64_t retptr) {
  uint8_t buf[17];
  *nflat = 0;
  if (check_func(cx, ft)) return -1;
  if (!ft->elem) return 0;
  if (flat17(ft->elem, buf) <= CM_MAX_FLAT_RESULTS) {
    flat_out o = { flat, CM_MAX_FLAT_RESULTS, 0 };
    int r = lower_flat_val(cx, ft->elem, res, &o);
    *nflat = o.pos;
    return r;
  }
  /* too many: stored where the caller's out-pointer says */
  return cm_abi_store(cx, ft->elem, res, retptr);
}
