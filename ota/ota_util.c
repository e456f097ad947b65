/*
** ota_util.c — the small helpers every file of ota/ uses: the one error
** line, hex, and libsodium's one-time initialisation.
*/
#include <sodium.h>
#include <stdio.h>

#include "ota_internal.h"

int ota_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

void ota_hex(const uint8_t *in, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1; /* upper case is refused: one spelling per hash */
}

int ota_unhex(const char *in, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

int ota_sodium(char *err, size_t errlen) {
  /* sodium_init is idempotent and thread-safe: 1 means already done */
  if (sodium_init() < 0)
    return ota_err(err, errlen, "libsodium does not initialise");
  return 0;
}
