/*
** toml.c — the TOML 1.0.0 parser behind toml.h.
**
** This file owns the whole parser: the memory arena a document lives in,
** UTF-8 validation, the lexer (keys, strings, numbers, date-times), the
** grammar (key/values, [table] and [[array]] headers, arrays, inline
** tables), the redefinition rules of the spec, and the read-only accessors.
**
** Design notes.
**  - Every node and string of a document lives in an arena of blocks taken
**    from the caller's allocator, so toml_free() and every error path just
**    release the block list: no per-node ownership, no leak on any path.
**  - Errors unwind with longjmp to toml_parse_ex (as Lua does): the parser
**    holds no memory outside the arena and one scratch buffer, both freed
**    there, so deep code needs no error plumbing.
**  - Recursion happens only for nested arrays / inline tables, and every
**    container knows its depth in the tree, which is capped at
**    TOML_MAX_DEPTH; consumers may therefore walk a document recursively.
**  - Table state for the redefinition rules: a table is IMPLICIT (made as a
**    parent by a header such as [a.b.c]), HEADER (named by its own header),
**    DOTTED (made by a dotted key, in "section" N: each header and each
**    inline table opens a new section; a dotted table may be extended by
**    dotted keys only within its own section) and/or INLINE (an inline table
**    or made inside one: never extended afterwards).
*/
#include "toml.h"
#include "../base/vy_utf8.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- nodes --------------------------------------------------------------- */

#define F_IMPLICIT 0x01u
#define F_HEADER   0x02u
#define F_DOTTED   0x04u
#define F_INLINE   0x08u
#define F_AOT      0x10u /* array made by [[...]]: may still be appended to */

typedef struct toml_kv {
  const char *key;
  size_t klen;
  toml_value *val;
} toml_kv;

struct toml_value {
  toml_type type;
  int line, col; /* where it was defined: 1-based, col in characters */
  unsigned flags;
  unsigned section; /* DOTTED tables: the section that made them */
  int depth;        /* containers: distance from the root */
  union {
    struct {
      toml_kv *items;
      size_t n, cap;
      uint32_t *index; /* open addressing, slot = item + 1; NULL if small */
      size_t icap;
    } tab;
    struct {
      toml_value **items;
      size_t n, cap;
    } arr;
    struct {
      const char *s;
      size_t len;
    } str;
    int64_t i;
    double f;
    int b;
    toml_datetime dt;
  } u;
};

/* ---- arena --------------------------------------------------------------- */

typedef struct block {
  struct block *next;
  size_t used, size;
  /* data follows the header, aligned to ALIGN */
} block;

#define ALIGN      16u
#define BLOCK_HDR  ((sizeof(block) + ALIGN - 1) & ~(size_t)(ALIGN - 1))
#define BLOCK_SIZE 8192u

struct toml_doc {
  toml_alloc alloc;
  block *blocks;
  toml_value *root;
};

static void *std_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

static void *doc_raw(toml_alloc *a, void *ptr, size_t size) {
  return a->realloc(a->ud, ptr, size);
}

static void arena_release(toml_alloc *a, block *b) {
  while (b) {
    block *next = b->next;
    doc_raw(a, b, 0);
    b = next;
  }
}

/* ---- parser state -------------------------------------------------------- */

typedef struct parser {
  const char *s;
  size_t n, pos;
  const char *fname;
  size_t lpos; /* position cache: s[0..lpos) holds lline - 1 */
  int lline;   /* newlines, and lpos is at column lcol of its line */
  int lcol;
  jmp_buf jb;
  char *err;
  size_t errsz;
  toml_doc *doc;
  char *buf; /* scratch for strings and numbers */
  size_t blen, bcap;
  unsigned section; /* current section (see the notes at the top) */
  unsigned nsections;
  int nest;      /* recursion: arrays / inline tables being parsed */
  int in_inline; /* > 0 while inside an inline table */
} parser;

/* Move the position cache to byte offset pos: the 1-based line and column
** there.  Columns count characters (UTF-8 code points: every byte that is
** not a continuation byte 10xxxxxx), so a column matches what an editor
** shows for non-ASCII text; a tab is one character.  Parsing moves forward,
** stepping back only a little (to the start of a header or value), so
** counting from the cached point in either direction is linear overall;
** only stepping back over a newline rescans the line it lands on. */
static void seek_pos(parser *p, size_t pos) {
  if (pos > p->n) pos = p->n;
  int crossed = 0;
  for (size_t i = p->lpos; i > pos; i--) {
    unsigned char c = (unsigned char)p->s[i - 1];
    if (c == '\n') {
      p->lline--;
      crossed = 1;
    } else if ((c & 0xC0u) != 0x80u)
      p->lcol--;
  }
  if (crossed) {
    size_t j = pos;
    while (j > 0 && p->s[j - 1] != '\n') j--;
    p->lcol = 1;
    for (; j < pos; j++)
      if (((unsigned char)p->s[j] & 0xC0u) != 0x80u) p->lcol++;
  }
  for (size_t i = p->lpos; i < pos; i++) {
    unsigned char c = (unsigned char)p->s[i];
    if (c == '\n') {
      p->lline++;
      p->lcol = 1;
    } else if ((c & 0xC0u) != 0x80u)
      p->lcol++;
  }
  p->lpos = pos;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4), noreturn))
#endif
static void
fail_at(parser *p, size_t pos, const char *fmt, ...) {
  if (p->errsz > 0) {
    seek_pos(p, pos);
    int k =
        snprintf(p->err, p->errsz, "%s:%d:%d: ", p->fname, p->lline, p->lcol);
    if (k >= 0 && (size_t)k < p->errsz) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(p->err + k, p->errsz - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  longjmp(p->jb, TOML_ERR_SYNTAX);
}

#define fail(p, ...) fail_at((p), (p)->pos, __VA_ARGS__)

#if defined(__GNUC__)
__attribute__((noreturn))
#endif
static void
nomem(parser *p) {
  if (p->errsz > 0) snprintf(p->err, p->errsz, "%s: out of memory", p->fname);
  longjmp(p->jb, TOML_ERR_NOMEM);
}

static void *arena_alloc(parser *p, size_t size) {
  toml_doc *d = p->doc;
  size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (size == 0) size = ALIGN;
  block *b = d->blocks;
  if (b && b->size - b->used >= size) {
    void *r = (char *)b + BLOCK_HDR + b->used;
    b->used += size;
    return r;
  }
  size_t want = size > BLOCK_SIZE - BLOCK_HDR ? size : BLOCK_SIZE - BLOCK_HDR;
  if (want > SIZE_MAX - BLOCK_HDR) nomem(p);
  block *nb = doc_raw(&d->alloc, NULL, BLOCK_HDR + want);
  if (!nb) nomem(p);
  nb->size = want;
  nb->used = size;
  if (b && want > size) {
    /* a fresh block with room left becomes the current one */
    nb->next = b;
    d->blocks = nb;
  } else if (b) {
    /* a block filled by one big object goes behind the current one, which
    ** may still have room */
    nb->next = b->next;
    b->next = nb;
  } else {
    nb->next = NULL;
    d->blocks = nb;
  }
  return (char *)nb + BLOCK_HDR;
}

/* Grow an arena array of elements of size esz to hold at least need. */
static void *arena_grow(parser *p, void *old, size_t n, size_t *cap, size_t esz,
                        size_t need) {
  if (need <= *cap) return old;
  size_t nc = *cap ? *cap * 2 : 4;
  while (nc < need) nc *= 2;
  if (nc > SIZE_MAX / esz) nomem(p);
  void *r = arena_alloc(p, nc * esz);
  if (n) memcpy(r, old, n * esz);
  *cap = nc;
  return r;
}

static toml_value *new_value(parser *p, toml_type t, size_t pos) {
  toml_value *v = arena_alloc(p, sizeof *v);
  memset(v, 0, sizeof *v);
  v->type = t;
  seek_pos(p, pos);
  v->line = p->lline;
  v->col = p->lcol;
  return v;
}

static char *arena_strdup(parser *p, const char *s, size_t len) {
  char *r = arena_alloc(p, len + 1);
  if (len) memcpy(r, s, len);
  r[len] = 0;
  return r;
}

/* ---- scratch buffer ------------------------------------------------------ */

static void buf_reserve(parser *p, size_t extra) {
  if (p->blen + extra <= p->bcap) return;
  size_t nc = p->bcap ? p->bcap : 64;
  while (nc < p->blen + extra) {
    if (nc > SIZE_MAX / 2) nomem(p);
    nc *= 2;
  }
  char *nb = doc_raw(&p->doc->alloc, p->buf, nc);
  if (!nb) nomem(p);
  p->buf = nb;
  p->bcap = nc;
}

static void buf_put(parser *p, const char *s, size_t len) {
  if (len == 0) return; /* the buffer may still be NULL */
  buf_reserve(p, len);
  memcpy(p->buf + p->blen, s, len);
  p->blen += len;
}

static void buf_ch(parser *p, char c) {
  buf_reserve(p, 1);
  p->buf[p->blen++] = c;
}

static void buf_utf8(parser *p, uint32_t c) {
  char t[4];
  size_t k;
  if (c < 0x80) {
    t[0] = (char)c;
    k = 1;
  } else if (c < 0x800) {
    t[0] = (char)(0xC0 | (c >> 6));
    t[1] = (char)(0x80 | (c & 0x3F));
    k = 2;
  } else if (c < 0x10000) {
    t[0] = (char)(0xE0 | (c >> 12));
    t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    t[2] = (char)(0x80 | (c & 0x3F));
    k = 3;
  } else {
    t[0] = (char)(0xF0 | (c >> 18));
    t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    t[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    t[3] = (char)(0x80 | (c & 0x3F));
    k = 4;
  }
  buf_put(p, t, k);
}

/* ---- tables and arrays --------------------------------------------------- */

static uint32_t hash_key(const char *k, size_t len) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)k[i];
    h *= 16777619u;
  }
  return h;
}

#define INDEX_MIN 8 /* tables with fewer keys are searched linearly */

static long table_find(const toml_value *t, const char *k, size_t len) {
  if (t->u.tab.index) {
    size_t mask = t->u.tab.icap - 1;
    for (size_t i = hash_key(k, len) & mask;; i = (i + 1) & mask) {
      uint32_t slot = t->u.tab.index[i];
      if (slot == 0) return -1;
      const toml_kv *kv = &t->u.tab.items[slot - 1];
      if (kv->klen == len && (len == 0 || memcmp(kv->key, k, len) == 0))
        return (long)(slot - 1);
    }
  }
  for (size_t i = 0; i < t->u.tab.n; i++) {
    const toml_kv *kv = &t->u.tab.items[i];
    /* len 0: k may be the still unallocated (NULL) scratch buffer */
    if (kv->klen == len && (len == 0 || memcmp(kv->key, k, len) == 0))
      return (long)i;
  }
  return -1;
}

static void index_put(toml_value *t, size_t item) {
  size_t mask = t->u.tab.icap - 1;
  const toml_kv *kv = &t->u.tab.items[item];
  size_t i = hash_key(kv->key, kv->klen) & mask;
  while (t->u.tab.index[i]) i = (i + 1) & mask;
  t->u.tab.index[i] = (uint32_t)(item + 1);
}

/* Append key (already in the arena) to table t.  The caller has checked
** that the key is new. */
static void table_add(parser *p, toml_value *t, const char *key, size_t klen,
                      toml_value *val) {
  size_t n = t->u.tab.n;
  if (n >= UINT32_MAX - 1) fail(p, "too many keys in one table");
  t->u.tab.items =
      arena_grow(p, t->u.tab.items, n, &t->u.tab.cap, sizeof(toml_kv), n + 1);
  t->u.tab.items[n].key = key;
  t->u.tab.items[n].klen = klen;
  t->u.tab.items[n].val = val;
  t->u.tab.n = n + 1;
  if (n + 1 < INDEX_MIN) return;
  if ((n + 1) * 2 > t->u.tab.icap) {
    /* keep the load factor at most 1/2; rebuild from the ordered items */
    size_t nc = t->u.tab.icap ? t->u.tab.icap * 2 : 32;
    while (nc < (n + 1) * 2) nc *= 2;
    if (nc > SIZE_MAX / sizeof(uint32_t)) nomem(p);
    t->u.tab.index = arena_alloc(p, nc * sizeof(uint32_t));
    memset(t->u.tab.index, 0, nc * sizeof(uint32_t));
    t->u.tab.icap = nc;
    for (size_t i = 0; i <= n; i++) index_put(t, i);
  } else {
    index_put(t, n);
  }
}

static void array_push(parser *p, toml_value *a, toml_value *v) {
  size_t n = a->u.arr.n;
  a->u.arr.items = arena_grow(p, a->u.arr.items, n, &a->u.arr.cap,
                              sizeof(toml_value *), n + 1);
  a->u.arr.items[n] = v;
  a->u.arr.n = n + 1;
}

static toml_value *new_container(parser *p, toml_type t, size_t pos,
                                 int depth) {
  if (depth > TOML_MAX_DEPTH)
    fail_at(p, pos, "nesting deeper than %d levels", TOML_MAX_DEPTH);
  toml_value *v = new_value(p, t, pos);
  v->depth = depth;
  return v;
}

/* ---- characters ---------------------------------------------------------- */

static int at(parser *p, size_t off) {
  return p->pos + off < p->n ? (unsigned char)p->s[p->pos + off] : -1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_hex(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int hex_val(int c) {
  return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}
static int is_bare(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) ||
         c == '_' || c == '-';
}
/* Control characters the spec forbids in strings and comments (tab is
** allowed; newlines are handled by the callers). */
static int is_ctrl(int c) {
  return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7F;
}

static void skip_ws(parser *p) {
  while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
    p->pos++;
}

/* At a newline (LF or CRLF)?  Returns its length, 0 if none. */
static int newline_len(parser *p) {
  int c = at(p, 0);
  if (c == '\n') return 1;
  if (c == '\r' && at(p, 1) == '\n') return 2;
  return 0;
}

/* Skip a comment starting at '#', up to (not over) the end of its line. */
static void skip_comment(parser *p) {
  p->pos++;
  while (p->pos < p->n) {
    int c = (unsigned char)p->s[p->pos];
    if (c == '\n' || (c == '\r' && at(p, 1) == '\n')) return;
    if (is_ctrl(c)) fail(p, "control character U+%04X in comment", c);
    p->pos++;
  }
}

/* After a statement: blanks, an optional comment, then a newline or EOF. */
static void expect_eol(parser *p, const char *what) {
  skip_ws(p);
  if (at(p, 0) == '#') skip_comment(p);
  if (p->pos >= p->n) return;
  int k = newline_len(p);
  if (!k) fail(p, "unexpected text after %s", what);
  p->pos += (size_t)k;
}

/* Inside arrays: blanks, newlines and comments. */
static void skip_ws_nl(parser *p) {
  for (;;) {
    skip_ws(p);
    int c = at(p, 0);
    if (c == '#') {
      skip_comment(p);
      continue;
    }
    int k = newline_len(p);
    if (!k) return;
    p->pos += (size_t)k;
  }
}

/* Whole-input UTF-8 check, before anything else: overlong forms,
** surrogates and code points above U+10FFFF are rejected. */
static void check_utf8(parser *p) {
  size_t at = 0;
  unsigned char c;
  switch (vy_utf8_check((const unsigned char *)p->s, p->n, &at)) {
    case VY_UTF8_OK: return;
    case VY_UTF8_BAD_BYTE:
      c = (unsigned char)p->s[at];
      fail_at(p, at, "invalid UTF-8 byte 0x%02X", c);
    case VY_UTF8_TRUNCATED: fail_at(p, at, "truncated UTF-8 sequence");
    case VY_UTF8_BAD_SEQ: fail_at(p, at, "invalid UTF-8 sequence");
  }
}

/* ---- strings ------------------------------------------------------------- */

/* One escape after a backslash (p->pos at the backslash), into the buffer. */
static void parse_escape(parser *p) {
  size_t start = p->pos;
  int c = at(p, 1);
  p->pos += 2;
  switch (c) {
    case 'b': buf_ch(p, '\b'); return;
    case 't': buf_ch(p, '\t'); return;
    case 'n': buf_ch(p, '\n'); return;
    case 'f': buf_ch(p, '\f'); return;
    case 'r': buf_ch(p, '\r'); return;
    case '"': buf_ch(p, '"'); return;
    case '\\': buf_ch(p, '\\'); return;
    case 'u':
    case 'U': {
      int nd = c == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (int i = 0; i < nd; i++) {
        int h = at(p, 0);
        if (!is_hex(h))
          fail_at(p, start, "\\%c escape needs %d hex digits", c, nd);
        cp = (cp << 4) | (uint32_t)hex_val(h);
        p->pos++;
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        fail_at(p, start, "\\%c escape is not a Unicode scalar value", c);
      buf_utf8(p, cp);
      return;
    }
    default:
      if (c < 0) fail_at(p, start, "unterminated string");
      if (c >= 0x20 && c < 0x7F) fail_at(p, start, "invalid escape \\%c", c);
      fail_at(p, start, "invalid escape in string");
  }
}

/* A string at p->pos (basic or literal, single- or multi-line) into the
** scratch buffer; multi is set when multi-line forms are allowed (values,
** not keys).  CRLF inside multi-line strings becomes LF. */
static void parse_string(parser *p, int multi) {
  size_t start = p->pos;
  char q = p->s[p->pos];
  int basic = q == '"';
  p->blen = 0;
  if (multi && at(p, 1) == q && at(p, 2) == q) {
    p->pos += 3;
    int k = newline_len(p); /* a newline right after the opener is trimmed */
    p->pos += (size_t)k;
    for (;;) {
      if (p->pos >= p->n) fail_at(p, start, "unterminated multi-line string");
      int c = (unsigned char)p->s[p->pos];
      if (c == q) {
        size_t run = 0;
        while (at(p, run) == q) run++;
        if (run < 3) {
          for (size_t i = 0; i < run; i++) buf_ch(p, q);
          p->pos += run;
          continue;
        }
        if (run > 5)
          fail(p, "too many quotes at the end of a multi-line string");
        for (size_t i = 3; i < run; i++) buf_ch(p, q);
        p->pos += run;
        return;
      }
      if (basic && c == '\\') {
        /* a line-ending backslash eats all blanks and newlines after it */
        size_t j = 1;
        while (at(p, j) == ' ' || at(p, j) == '\t') j++;
        if (at(p, j) == '\n' || (at(p, j) == '\r' && at(p, j + 1) == '\n')) {
          p->pos += j;
          for (;;) {
            int d = at(p, 0);
            if (d == ' ' || d == '\t' || d == '\n')
              p->pos++;
            else if (d == '\r' && at(p, 1) == '\n')
              p->pos += 2;
            else
              break;
          }
          continue;
        }
        parse_escape(p);
        continue;
      }
      if (c == '\n') {
        buf_ch(p, '\n');
        p->pos++;
        continue;
      }
      if (c == '\r' && at(p, 1) == '\n') {
        buf_ch(p, '\n');
        p->pos += 2;
        continue;
      }
      if (is_ctrl(c)) fail(p, "control character U+%04X in string", c);
      buf_ch(p, (char)c);
      p->pos++;
    }
  }
  p->pos++;
  for (;;) {
    if (p->pos >= p->n) fail_at(p, start, "unterminated string");
    int c = (unsigned char)p->s[p->pos];
    if (c == q) {
      p->pos++;
      return;
    }
    if (c == '\n' || (c == '\r' && at(p, 1) == '\n'))
      fail_at(p, start,
              "unterminated string (newline before the closing quote)");
    if (basic && c == '\\') {
      parse_escape(p);
      continue;
    }
    if (is_ctrl(c)) fail(p, "control character U+%04X in string", c);
    buf_ch(p, (char)c);
    p->pos++;
  }
}

/* ---- keys ---------------------------------------------------------------- */

/* One key part (bare or quoted) into the scratch buffer. */
static void parse_key_part(parser *p) {
  int c = at(p, 0);
  if (c == '"' || c == '\'') {
    parse_string(p, 0);
    return;
  }
  size_t s = p->pos;
  while (p->pos < p->n && is_bare((unsigned char)p->s[p->pos])) p->pos++;
  if (p->pos == s) {
    if (c < 0 || c == '\n' || c == '\r') fail(p, "expected a key");
    if (c == '=') fail(p, "empty key");
    if (c >= 0x20 && c < 0x7F) fail(p, "invalid character '%c' in key", c);
    fail(p, "invalid character in key");
  }
  p->blen = 0;
  buf_put(p, p->s + s, p->pos - s);
}

static const char *kind_of(const toml_value *v) {
  if (v->type == TOML_TABLE)
    return (v->flags & F_INLINE) ? "an inline table" : "a table";
  if (v->type == TOML_ARRAY)
    return (v->flags & F_AOT) ? "an array of tables" : "an array";
  return "a value";
}

/* Print-safe short form of the key in the scratch buffer, for messages. */
static const char *key_name(parser *p, char *out, size_t outsz) {
  size_t j = 0;
  for (size_t i = 0; i < p->blen && j + 4 < outsz; i++) {
    unsigned char c = (unsigned char)p->buf[i];
    out[j++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
  }
  if (j + 4 >= outsz && p->blen > j) {
    out[j++] = '.';
    out[j++] = '.';
    out[j++] = '.';
  }
  out[j] = 0;
  return out;
}

/* Key part in the buffer, seen as a step of a dotted key in table t: find
** or create the sub-table.  pos is where the part began (for messages). */
static toml_value *dotted_step(parser *p, toml_value *t, size_t pos) {
  char nm[64];
  long i = table_find(t, p->buf, p->blen);
  if (i < 0) {
    toml_value *nt = new_container(p, TOML_TABLE, pos, t->depth + 1);
    nt->flags = F_DOTTED | (p->in_inline ? F_INLINE : 0);
    nt->section = p->section;
    table_add(p, t, arena_strdup(p, p->buf, p->blen), p->blen, nt);
    return nt;
  }
  toml_value *v = t->u.tab.items[i].val;
  if (v->type == TOML_TABLE) {
    if ((v->flags & F_DOTTED) && v->section == p->section) return v;
    if ((v->flags & F_INLINE))
      fail_at(p, pos, "key '%s': cannot add keys to an inline table",
              key_name(p, nm, sizeof nm));
    if (v->flags & F_IMPLICIT) {
      /* a parent made by a header below this table: the dotted key now
      ** defines it, so a later [header] of its own is a redefinition */
      v->flags = F_DOTTED;
      v->section = p->section;
      return v;
    }
    fail_at(p, pos, "key '%s': table already defined elsewhere",
            key_name(p, nm, sizeof nm));
  }
  fail_at(p, pos, "key '%s' is already %s", key_name(p, nm, sizeof nm),
          kind_of(v));
}

/* Key part in the buffer, seen as a step of a [header] path in table t. */
static toml_value *header_step(parser *p, toml_value *t, size_t pos) {
  char nm[64];
  long i = table_find(t, p->buf, p->blen);
  if (i < 0) {
    toml_value *nt = new_container(p, TOML_TABLE, pos, t->depth + 1);
    nt->flags = F_IMPLICIT;
    table_add(p, t, arena_strdup(p, p->buf, p->blen), p->blen, nt);
    return nt;
  }
  toml_value *v = t->u.tab.items[i].val;
  if (v->type == TOML_TABLE && !(v->flags & F_INLINE)) return v;
  if (v->type == TOML_ARRAY && (v->flags & F_AOT)) {
    if (v->u.arr.n == 0)
      fail_at(p, pos, "internal error: empty array of tables");
    return v->u.arr.items[v->u.arr.n - 1];
  }
  fail_at(p, pos, "key '%s' is already %s", key_name(p, nm, sizeof nm),
          kind_of(v));
}

/* ---- values -------------------------------------------------------------- */

static toml_value *parse_value(parser *p, int depth);

/* digit ( '_'? digit )* in the given base, from s[i]; returns the end or
** (size_t)-1 if no digit starts it or an underscore is not between digits. */
static size_t scan_digits(const char *s, size_t i, size_t end, int base) {
  size_t st = i;
  for (;;) {
    if (i >= end) break;
    int c = (unsigned char)s[i];
    int ok = base == 16 ? is_hex(c) : (c >= '0' && c < '0' + base);
    if (ok) {
      i++;
      continue;
    }
    if (c == '_' && i > st && i + 1 < end) {
      int d = (unsigned char)s[i + 1];
      int ok2 = base == 16 ? is_hex(d) : (d >= '0' && d < '0' + base);
      if (ok2) {
        i++;
        continue;
      }
    }
    if (c == '_') return (size_t)-1;
    break;
  }
  return i == st ? (size_t)-1 : i;
}

/* 0x, 0o, 0b integers: s[i..end) starts with the prefix. */
static toml_value *parse_prefixed(parser *p, size_t start, size_t i,
                                  size_t end) {
  const char *s = p->s;
  int base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
  size_t e = scan_digits(s, i + 2, end, base);
  if (e != end)
    fail_at(p, start, "invalid %s integer",
            base == 16  ? "hexadecimal"
            : base == 8 ? "octal"
                        : "binary");
  uint64_t u = 0;
  for (size_t j = i + 2; j < end; j++) {
    if (s[j] == '_') continue;
    uint64_t d = (uint64_t)hex_val((unsigned char)s[j]);
    if (u > ((uint64_t)INT64_MAX - d) / (uint64_t)base)
      fail_at(p, start, "integer out of range (64-bit signed)");
    u = u * (uint64_t)base + d;
  }
  toml_value *v = new_value(p, TOML_INTEGER, start);
  v->u.i = (int64_t)u;
  return v;
}

/* A decimal integer whose digits (already checked) are s[i..end). */
static toml_value *parse_decimal(parser *p, size_t start, size_t i, size_t end,
                                 int neg) {
  const char *s = p->s;
  uint64_t u = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (size_t k = i; k < end; k++) {
    if (s[k] == '_') continue;
    uint64_t d = (uint64_t)(s[k] - '0');
    if (u > (lim - d) / 10)
      fail_at(p, start, "integer out of range (64-bit signed)");
    u = u * 10 + d;
  }
  toml_value *v = new_value(p, TOML_INTEGER, start);
  /* -(2^63) has no positive counterpart in int64_t */
  if (neg)
    v->u.i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
  else
    v->u.i = (int64_t)u;
  return v;
}

/* A float whose syntax (already checked) is s[start..end). */
static toml_value *parse_float(parser *p, size_t start, size_t end) {
  p->blen = 0;
  for (size_t k = start; k < end; k++)
    if (p->s[k] != '_') buf_ch(p, p->s[k]);
  buf_ch(p, 0);
  char *ep;
  errno = 0;
  double d = strtod(p->buf, &ep);
  if (*ep) fail_at(p, start, "invalid float");
  if (isinf(d)) fail_at(p, start, "float out of range");
  toml_value *v = new_value(p, TOML_FLOAT, start);
  v->u.f = d;
  return v;
}

static toml_value *parse_number(parser *p) {
  size_t start = p->pos, end = p->pos;
  const char *s = p->s;
  while (end < p->n) {
    int c = (unsigned char)s[end];
    if (is_bare(c) || c == '+' || c == '.')
      end++;
    else
      break;
  }
  size_t len = end - start;
  p->pos = end;
  if (len == 0) fail_at(p, start, "expected a value");
  size_t i = start;
  int neg = 0, sign = 0;
  if (s[i] == '+' || s[i] == '-') {
    neg = s[i] == '-';
    sign = 1;
    i++;
  }
  /* inf and nan */
  if (end - i == 3 &&
      (memcmp(s + i, "inf", 3) == 0 || memcmp(s + i, "nan", 3) == 0)) {
    toml_value *v = new_value(p, TOML_FLOAT, start);
    if (s[i] == 'i')
      v->u.f = neg ? -INFINITY : INFINITY;
    else
      v->u.f = neg ? -NAN : NAN;
    return v;
  }
  if (!sign && end - i >= 2 && s[i] == '0' &&
      (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b'))
    return parse_prefixed(p, start, i, end);
  size_t ie = scan_digits(s, i, end, 10);
  if (ie == (size_t)-1) fail_at(p, start, "invalid number");
  if (s[i] == '0' && ie - i > 1)
    fail_at(p, start, "leading zeros are not allowed");
  int is_float = 0;
  size_t j = ie;
  if (j < end && s[j] == '.') {
    j = scan_digits(s, j + 1, end, 10);
    if (j == (size_t)-1)
      fail_at(p, start, "invalid float: digits must follow the '.'");
    is_float = 1;
  }
  if (j < end && (s[j] == 'e' || s[j] == 'E')) {
    j++;
    if (j < end && (s[j] == '+' || s[j] == '-')) j++;
    j = scan_digits(s, j, end, 10);
    if (j == (size_t)-1) fail_at(p, start, "invalid float exponent");
    is_float = 1;
  }
  if (j != end) fail_at(p, start, "invalid number");
  return is_float ? parse_float(p, start, end)
                  : parse_decimal(p, start, i, end, neg);
}

/* Exactly n digits at p->pos, as a number; -1 if not. */
static int digits(parser *p, int n) {
  int r = 0;
  for (int i = 0; i < n; i++) {
    int c = at(p, (size_t)i);
    if (!is_digit(c)) return -1;
    r = r * 10 + (c - '0');
  }
  p->pos += (size_t)n;
  return r;
}

static int days_in(int y, int m) {
  static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[m - 1];
}

/* HH:MM:SS[.frac] into dt. */
static void parse_time(parser *p, size_t start, toml_datetime *dt) {
  dt->hour = digits(p, 2);
  if (dt->hour < 0 || at(p, 0) != ':')
    fail_at(p, start, "invalid time (want HH:MM:SS)");
  p->pos++;
  dt->minute = digits(p, 2);
  if (dt->minute < 0 || at(p, 0) != ':')
    fail_at(p, start, "invalid time (want HH:MM:SS)");
  p->pos++;
  dt->second = digits(p, 2);
  if (dt->second < 0) fail_at(p, start, "invalid time (want HH:MM:SS)");
  if (dt->hour > 23 || dt->minute > 59 || dt->second > 60)
    fail_at(p, start, "time out of range");
  if (at(p, 0) == '.') {
    p->pos++;
    if (!is_digit(at(p, 0)))
      fail_at(p, start, "invalid time: digits must follow the '.'");
    int ns = 0, nd = 0;
    while (is_digit(at(p, 0))) {
      if (nd < 9) {
        ns = ns * 10 + (at(p, 0) - '0');
        nd++;
      }
      p->pos++;
    }
    dt->frac_digits = nd;
    for (int k = nd; k < 9; k++) ns *= 10;
    dt->nanosecond = ns;
  }
}

static toml_value *parse_datetime(parser *p) {
  size_t start = p->pos;
  toml_datetime dt;
  memset(&dt, 0, sizeof dt);
  toml_type type;
  if (at(p, 2) == ':') {
    parse_time(p, start, &dt);
    type = TOML_TIME_LOCAL;
  } else {
    dt.year = digits(p, 4);
    if (dt.year < 0 || at(p, 0) != '-')
      fail_at(p, start, "invalid date (want YYYY-MM-DD)");
    p->pos++;
    dt.month = digits(p, 2);
    if (dt.month < 0 || at(p, 0) != '-')
      fail_at(p, start, "invalid date (want YYYY-MM-DD)");
    p->pos++;
    dt.day = digits(p, 2);
    if (dt.day < 0) fail_at(p, start, "invalid date (want YYYY-MM-DD)");
    if (dt.month < 1 || dt.month > 12 || dt.day < 1 ||
        dt.day > days_in(dt.year, dt.month))
      fail_at(p, start, "date out of range");
    type = TOML_DATE_LOCAL;
    int c = at(p, 0);
    /* a space separates date and time only if a time follows */
    if (c == 'T' || c == 't' ||
        (c == ' ' && is_digit(at(p, 1)) && is_digit(at(p, 2)) &&
         at(p, 3) == ':')) {
      p->pos++;
      parse_time(p, start, &dt);
      type = TOML_DATETIME_LOCAL;
      c = at(p, 0);
      if (c == 'Z' || c == 'z') {
        p->pos++;
        type = TOML_DATETIME;
      } else if (c == '+' || c == '-') {
        p->pos++;
        int oh = digits(p, 2);
        if (oh < 0 || at(p, 0) != ':')
          fail_at(p, start, "invalid time offset (want +HH:MM)");
        p->pos++;
        int om = digits(p, 2);
        if (om < 0) fail_at(p, start, "invalid time offset (want +HH:MM)");
        if (oh > 23 || om > 59) fail_at(p, start, "time offset out of range");
        dt.offset_minutes = (c == '-' ? -1 : 1) * (oh * 60 + om);
        type = TOML_DATETIME;
      }
    }
  }
  toml_value *v = new_value(p, type, start);
  v->u.dt = dt;
  return v;
}

static toml_value *parse_array(parser *p, int depth) {
  size_t start = p->pos;
  toml_value *a = new_container(p, TOML_ARRAY, start, depth);
  if (++p->nest > TOML_MAX_DEPTH)
    fail(p, "nesting deeper than %d levels", TOML_MAX_DEPTH);
  p->pos++;
  for (;;) {
    skip_ws_nl(p);
    if (at(p, 0) == ']') {
      p->pos++;
      break;
    }
    if (p->pos >= p->n) fail_at(p, start, "unterminated array");
    array_push(p, a, parse_value(p, depth + 1));
    skip_ws_nl(p);
    int c = at(p, 0);
    if (c == ',') {
      p->pos++;
      continue;
    }
    if (c == ']') {
      p->pos++;
      break;
    }
    if (c < 0) fail_at(p, start, "unterminated array");
    fail(p, "expected ',' or ']' in array");
  }
  p->nest--;
  return a;
}

static void parse_keyval(parser *p, toml_value *t);

static toml_value *parse_inline_table(parser *p, int depth) {
  size_t start = p->pos;
  toml_value *t = new_container(p, TOML_TABLE, start, depth);
  t->flags = F_INLINE;
  if (++p->nest > TOML_MAX_DEPTH)
    fail(p, "nesting deeper than %d levels", TOML_MAX_DEPTH);
  /* a section of its own, so that dotted keys inside can extend each other
  ** but nothing can reopen them later */
  unsigned saved = p->section;
  p->section = ++p->nsections;
  p->in_inline++;
  p->pos++;
  skip_ws(p);
  if (at(p, 0) == '}') {
    p->pos++;
  } else {
    for (;;) {
      skip_ws(p);
      int c = at(p, 0);
      if (c == '\n' || c == '\r') fail(p, "newline inside an inline table");
      if (c == '}') fail(p, "trailing comma in an inline table");
      parse_keyval(p, t);
      skip_ws(p);
      c = at(p, 0);
      if (c == ',') {
        p->pos++;
        continue;
      }
      if (c == '}') {
        p->pos++;
        break;
      }
      if (c < 0) fail_at(p, start, "unterminated inline table");
      if (c == '\n' || c == '\r') fail(p, "newline inside an inline table");
      fail(p, "expected ',' or '}' in inline table");
    }
  }
  p->in_inline--;
  p->section = saved;
  p->nest--;
  return t;
}

/* A value at p->pos, to live at the given depth of the tree. */
static toml_value *parse_value(parser *p, int depth) {
  int c = at(p, 0);
  switch (c) {
    case '"':
    case '\'': {
      size_t start = p->pos;
      parse_string(p, 1);
      toml_value *v = new_value(p, TOML_STRING, start);
      v->u.str.s = arena_strdup(p, p->buf, p->blen);
      v->u.str.len = p->blen;
      return v;
    }
    case '[': return parse_array(p, depth);
    case '{': return parse_inline_table(p, depth);
    case 't':
    case 'f': {
      size_t start = p->pos;
      int b = c == 't';
      size_t len = b ? 4 : 5;
      if (p->n - p->pos < len ||
          memcmp(p->s + p->pos, b ? "true" : "false", len) != 0 ||
          (p->pos + len < p->n && is_bare((unsigned char)p->s[p->pos + len])))
        fail(p, "invalid value (booleans are 'true' and 'false')");
      p->pos += len;
      toml_value *v = new_value(p, TOML_BOOL, start);
      v->u.b = b;
      return v;
    }
    default: break;
  }
  if (c < 0 || c == '\n' || c == '\r' || c == '#') fail(p, "missing value");
  if (is_digit(c) && is_digit(at(p, 1)) &&
      ((is_digit(at(p, 2)) && is_digit(at(p, 3)) && at(p, 4) == '-') ||
       at(p, 2) == ':'))
    return parse_datetime(p);
  if (is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n')
    return parse_number(p);
  if (c >= 0x20 && c < 0x7F) fail(p, "invalid value starting with '%c'", c);
  fail(p, "invalid value");
}

/* key = value into table t (the current table or an inline table). */
static void parse_keyval(parser *p, toml_value *t) {
  char nm[64];
  for (;;) {
    size_t kpos = p->pos;
    parse_key_part(p);
    skip_ws(p);
    if (at(p, 0) == '.') {
      t = dotted_step(p, t, kpos);
      p->pos++;
      skip_ws(p);
      continue;
    }
    if (at(p, 0) != '=')
      fail(p, "expected '=' after key '%s'", key_name(p, nm, sizeof nm));
    long i = table_find(t, p->buf, p->blen);
    if (i >= 0)
      fail_at(p, kpos, "duplicate key '%s' (first defined on line %d)",
              key_name(p, nm, sizeof nm), t->u.tab.items[i].val->line);
    size_t klen = p->blen;
    const char *key = arena_strdup(p, p->buf, klen);
    p->pos++;
    skip_ws(p);
    if (t->depth + 1 > TOML_MAX_DEPTH)
      fail_at(p, kpos, "nesting deeper than %d levels", TOML_MAX_DEPTH);
    toml_value *v = parse_value(p, t->depth + 1);
    table_add(p, t, key, klen, v);
    return;
  }
}

/* [a.b.c] or [[a.b.c]] at p->pos; returns the table that follows. */
static toml_value *parse_header(parser *p, toml_value *root) {
  char nm[64];
  size_t hpos = p->pos;
  int aot = at(p, 1) == '[';
  p->pos += aot ? 2 : 1;
  toml_value *t = root;
  for (;;) {
    skip_ws(p);
    size_t kpos = p->pos;
    parse_key_part(p);
    skip_ws(p);
    if (at(p, 0) == '.') {
      t = header_step(p, t, kpos);
      p->pos++;
      continue;
    }
    if (at(p, 0) != ']' || (aot && at(p, 1) != ']'))
      fail(p, "expected '%s' to close the header", aot ? "]]" : "]");
    p->pos += aot ? 2 : 1;
    long i = table_find(t, p->buf, p->blen);
    toml_value *v = i >= 0 ? t->u.tab.items[i].val : NULL;
    if (aot) {
      if (!v) {
        v = new_container(p, TOML_ARRAY, hpos, t->depth + 1);
        v->flags = F_AOT;
        table_add(p, t, arena_strdup(p, p->buf, p->blen), p->blen, v);
      } else if (v->type != TOML_ARRAY || !(v->flags & F_AOT)) {
        fail_at(p, hpos, "key '%s' is already %s", key_name(p, nm, sizeof nm),
                kind_of(v));
      }
      toml_value *nt = new_container(p, TOML_TABLE, hpos, v->depth + 1);
      nt->flags = F_HEADER;
      array_push(p, v, nt);
      return nt;
    }
    if (!v) {
      v = new_container(p, TOML_TABLE, hpos, t->depth + 1);
      v->flags = F_HEADER;
      table_add(p, t, arena_strdup(p, p->buf, p->blen), p->blen, v);
      return v;
    }
    if (v->type == TOML_TABLE && v->flags == F_IMPLICIT) {
      v->flags = F_HEADER;
      seek_pos(p, hpos);
      v->line = p->lline;
      v->col = p->lcol;
      return v;
    }
    if (v->type == TOML_TABLE && !(v->flags & F_INLINE))
      fail_at(p, hpos, "table '%s' already defined (line %d)",
              key_name(p, nm, sizeof nm), v->line);
    fail_at(p, hpos, "key '%s' is already %s", key_name(p, nm, sizeof nm),
            kind_of(v));
  }
}

static void parse_document(parser *p) {
  toml_value *root = new_container(p, TOML_TABLE, 0, 0);
  root->flags = F_HEADER;
  p->doc->root = root;
  check_utf8(p);
  if (p->n >= 3 && memcmp(p->s, "\xEF\xBB\xBF", 3) == 0) p->pos = 3;
  toml_value *cur = root;
  while (p->pos < p->n) {
    skip_ws(p);
    int c = at(p, 0);
    if (c < 0) break;
    if (c == '#') {
      expect_eol(p, "comment");
      continue;
    }
    int k = newline_len(p);
    if (k) {
      p->pos += (size_t)k;
      continue;
    }
    if (c == '[') {
      cur = parse_header(p, root);
      p->section = ++p->nsections;
      expect_eol(p, "table header");
      continue;
    }
    parse_keyval(p, cur);
    expect_eol(p, "value");
  }
}

/* ---- public entry points ------------------------------------------------- */

int toml_parse_ex(const char *buf, size_t len, const char *filename,
                  const toml_alloc *alloc, toml_doc **out, char *err,
                  size_t errsz) {
  static const toml_alloc std = { std_realloc, NULL };
  toml_alloc a = alloc && alloc->realloc ? *alloc : std;
  if (out) *out = NULL;
  if (err && errsz) err[0] = 0;
  if (!buf && len) return TOML_ERR_SYNTAX;
  toml_doc *doc = a.realloc(a.ud, NULL, sizeof *doc);
  if (!doc) {
    if (err && errsz)
      snprintf(err, errsz, "%s: out of memory",
               filename ? filename : "<input>");
    return TOML_ERR_NOMEM;
  }
  memset(doc, 0, sizeof *doc);
  doc->alloc = a;
  /* volatile: it is read after longjmp */
  parser *volatile pp = NULL;
  parser p;
  memset(&p, 0, sizeof p);
  p.s = buf ? buf : "";
  p.n = len;
  p.fname = filename ? filename : "<input>";
  p.lpos = 0;
  p.lline = 1;
  p.lcol = 1;
  p.err = err;
  p.errsz = err ? errsz : 0;
  p.doc = doc;
  pp = &p;
  int rc = setjmp(p.jb);
  if (rc == 0) {
    parse_document(pp);
    rc = TOML_OK;
  }
  if (pp->buf) doc_raw(&doc->alloc, pp->buf, 0);
  if (rc != TOML_OK) {
    toml_free(doc);
    return rc;
  }
  if (out)
    *out = doc;
  else
    toml_free(doc);
  return TOML_OK;
}

int toml_parse(const char *buf, size_t len, const char *filename,
               toml_doc **out, char *err, size_t errsz) {
  return toml_parse_ex(buf, len, filename, NULL, out, err, errsz);
}

void toml_free(toml_doc *doc) {
  if (!doc) return;
  toml_alloc a = doc->alloc;
  arena_release(&a, doc->blocks);
  a.realloc(a.ud, doc, 0);
}

/* ---- accessors ----------------------------------------------------------- */

const toml_value *toml_root(const toml_doc *doc) {
  return doc ? doc->root : NULL;
}

toml_type toml_type_of(const toml_value *v) {
  return v ? v->type : (toml_type)0;
}

int toml_line(const toml_value *v) { return v ? v->line : 0; }

int toml_col(const toml_value *v) { return v ? v->col : 0; }

const char *toml_type_name(toml_type t) {
  switch (t) {
    case TOML_TABLE: return "table";
    case TOML_ARRAY: return "array";
    case TOML_STRING: return "string";
    case TOML_INTEGER: return "integer";
    case TOML_FLOAT: return "float";
    case TOML_BOOL: return "bool";
    case TOML_DATETIME: return "datetime";
    case TOML_DATETIME_LOCAL: return "datetime-local";
    case TOML_DATE_LOCAL: return "date-local";
    case TOML_TIME_LOCAL: return "time-local";
  }
  return "none";
}

const toml_value *toml_getn(const toml_value *t, const char *key,
                            size_t keylen) {
  if (!t || t->type != TOML_TABLE || (!key && keylen)) return NULL;
  long i = table_find(t, key ? key : "", keylen);
  return i < 0 ? NULL : t->u.tab.items[i].val;
}

const toml_value *toml_get(const toml_value *t, const char *key) {
  return key ? toml_getn(t, key, strlen(key)) : NULL;
}

size_t toml_table_len(const toml_value *t) {
  return t && t->type == TOML_TABLE ? t->u.tab.n : 0;
}

const char *toml_table_key(const toml_value *t, size_t i, size_t *keylen,
                           const toml_value **val) {
  if (!t || t->type != TOML_TABLE || i >= t->u.tab.n) return NULL;
  const toml_kv *kv = &t->u.tab.items[i];
  if (keylen) *keylen = kv->klen;
  if (val) *val = kv->val;
  return kv->key;
}

size_t toml_array_len(const toml_value *a) {
  return a && a->type == TOML_ARRAY ? a->u.arr.n : 0;
}

const toml_value *toml_array_at(const toml_value *a, size_t i) {
  if (!a || a->type != TOML_ARRAY || i >= a->u.arr.n) return NULL;
  return a->u.arr.items[i];
}

int toml_string(const toml_value *v, const char **out, size_t *len) {
  if (!v || v->type != TOML_STRING) return -1;
  if (out) *out = v->u.str.s;
  if (len) *len = v->u.str.len;
  return 0;
}

int toml_int(const toml_value *v, int64_t *out) {
  if (!v || v->type != TOML_INTEGER) return -1;
  if (out) *out = v->u.i;
  return 0;
}

int toml_float(const toml_value *v, double *out) {
  if (!v) return -1;
  if (v->type == TOML_FLOAT) {
    if (out) *out = v->u.f;
    return 0;
  }
  if (v->type == TOML_INTEGER) {
    if (out) *out = (double)v->u.i;
    return 0;
  }
  return -1;
}

int toml_bool(const toml_value *v, int *out) {
  if (!v || v->type != TOML_BOOL) return -1;
  if (out) *out = v->u.b;
  return 0;
}

int toml_datetime_of(const toml_value *v, toml_datetime *out) {
  if (!v || (v->type != TOML_DATETIME && v->type != TOML_DATETIME_LOCAL &&
             v->type != TOML_DATE_LOCAL && v->type != TOML_TIME_LOCAL))
    return -1;
  if (out) *out = v->u.dt;
  return 0;
}
