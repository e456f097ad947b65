/*
** vw_reader.h — a bounds-checked cursor over WebAssembly binary bytes.
**
** The decoder, the validator and the compiler all read LEB128 integers and
** bytes through these few inline functions, so malformed-integer rules
** (overlong encodings, unused bits that must be zero or sign copies) are
** enforced in exactly one place.  Every reader returns false on error and
** records the first error (message + file offset) in the cursor.
*/
#ifndef VW_READER_H
#define VW_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct vw_reader {
  const uint8_t *p, *end;
  const uint8_t *base; /* start of the whole module, for offsets */
  const char *error;   /* first error, static text; NULL if none */
  size_t error_offset;
} vw_reader;

static inline void vw_reader_init(vw_reader *r, const uint8_t *base,
                                  const uint8_t *p, const uint8_t *end) {
  r->base = base;
  r->p = p;
  r->end = end;
  r->error = NULL;
  r->error_offset = 0;
}

static inline size_t vw_reader_offset(const vw_reader *r) {
  return (size_t)(r->p - r->base);
}

static inline bool vw_reader_fail(vw_reader *r, const char *msg) {
  if (!r->error) {
    r->error = msg;
    r->error_offset = vw_reader_offset(r);
  }
  return false;
}

static inline bool vw_reader_eof(const vw_reader *r) { return r->p >= r->end; }

static inline bool vw_read_u8(vw_reader *r, uint8_t *out) {
  if (r->p >= r->end) return vw_reader_fail(r, "unexpected end");
  *out = *r->p++;
  return true;
}

static inline bool vw_read_bytes(vw_reader *r, size_t n, const uint8_t **out) {
  if ((size_t)(r->end - r->p) < n) return vw_reader_fail(r, "unexpected end");
  *out = r->p;
  r->p += n;
  return true;
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64). */
static inline bool vw_read_uleb(vw_reader *r, unsigned bits, uint64_t *out) {
  uint64_t result = 0;
  unsigned shift = 0;
  const unsigned maxbytes = (bits + 6) / 7;
  for (unsigned i = 0;; i++) {
    if (r->p >= r->end) return vw_reader_fail(r, "unexpected end");
    uint8_t b = *r->p++;
    if (i == maxbytes - 1) {
      /* last permitted byte: no continuation, unused high bits zero */
      if (b & 0x80) return vw_reader_fail(r, "integer representation too long");
      unsigned used = bits - shift; /* bits left to fill */
      if (used < 7 && (b >> used) != 0)
        return vw_reader_fail(r, "integer too large");
      result |= (uint64_t)b << shift;
      break;
    }
    result |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  *out = result;
  return true;
}

/* Signed LEB128 of at most `bits` bits (32, 33 or 64). */
static inline bool vw_read_sleb(vw_reader *r, unsigned bits, int64_t *out) {
  uint64_t result = 0;
  unsigned shift = 0;
  const unsigned maxbytes = (bits + 6) / 7;
  uint8_t b;
  for (unsigned i = 0;; i++) {
    if (r->p >= r->end) return vw_reader_fail(r, "unexpected end");
    b = *r->p++;
    if (i == maxbytes - 1) {
      if (b & 0x80) return vw_reader_fail(r, "integer representation too long");
      /* the unused bits must all equal the sign bit of the value */
      unsigned used = bits - shift; /* 1..7 */
      if (used < 7) {
        uint8_t rest = (uint8_t)(b & 0x7f) >> (used - 1); /* sign + unused */
        uint8_t ones = (uint8_t)(0x7f >> (used - 1));
        if (rest != 0 && rest != ones)
          return vw_reader_fail(r, "integer too large");
      }
      result |= (uint64_t)(b & 0x7f) << shift;
      shift += 7;
      break;
    }
    result |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (shift < 64 && (b & 0x40)) result |= ~(uint64_t)0 << shift;
  *out = (int64_t)result;
  return true;
}

static inline bool vw_read_u32(vw_reader *r, uint32_t *out) {
  uint64_t v;
  if (!vw_read_uleb(r, 32, &v)) return false;
  *out = (uint32_t)v;
  return true;
}

static inline bool vw_read_s32(vw_reader *r, int32_t *out) {
  int64_t v;
  if (!vw_read_sleb(r, 32, &v)) return false;
  *out = (int32_t)v;
  return true;
}

static inline bool vw_read_s33(vw_reader *r, int64_t *out) {
  return vw_read_sleb(r, 33, out);
}

static inline bool vw_read_s64(vw_reader *r, int64_t *out) {
  return vw_read_sleb(r, 64, out);
}

static inline bool vw_read_f32(vw_reader *r, uint32_t *bits) {
  const uint8_t *b;
  if (!vw_read_bytes(r, 4, &b)) return false;
  memcpy(bits, b, 4); /* wasm is little-endian, as is x86/arm */
  return true;
}

static inline bool vw_read_f64(vw_reader *r, uint64_t *bits) {
  const uint8_t *b;
  if (!vw_read_bytes(r, 8, &b)) return false;
  memcpy(bits, b, 8);
  return true;
}

#endif
