/*
** vy_utf8.h — strict UTF-8 validation, for the names in a WebAssembly
** module (runtime/) and for TOML documents (toml/): no overlong forms, no
** surrogates, nothing above U+10FFFF, no truncated sequences.  Header
** only, so the engine stays free of other libraries.
*/
#ifndef VY_UTF8_H
#define VY_UTF8_H

#include <stddef.h>
#include <stdint.h>

typedef enum vy_utf8_err {
  VY_UTF8_OK,
  VY_UTF8_BAD_BYTE,  /* a byte that cannot start a sequence */
  VY_UTF8_TRUNCATED, /* the input ends inside a sequence */
  VY_UTF8_BAD_SEQ    /* bad continuation, overlong, surrogate, too large */
} vy_utf8_err;

/* Checks s[0..n); on an error, *at is the offset of the sequence. */
static inline vy_utf8_err vy_utf8_check(const unsigned char *s, size_t n,
                                        size_t *at) {
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k; /* continuation bytes */
    uint32_t cp, min;
    *at = i;
    if (c >= 0xC2 && c <= 0xDF) {
      k = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return VY_UTF8_BAD_BYTE;
    }
    if (k >= n - i) return VY_UTF8_TRUNCATED;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return VY_UTF8_BAD_SEQ;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return VY_UTF8_BAD_SEQ;
    i += k + 1;
  }
  return VY_UTF8_OK;
}

#endif
