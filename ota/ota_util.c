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

/* libsodium's hex, lower case both ways: one spelling per hash */
void ota_hex(const uint8_t *in, size_t n, char *out) {
  sodium_bin2hex(out, 2 * n + 1, in, n);
}

int ota_unhex(const char *in, size_t n, uint8_t *out) {
  size_t got = 0;
  for (size_t i = 0; i < 2 * n; i++)
    if (in[i] >= 'A' && in[i] <= 'F') return -1; /* upper case is refused */
  if (sodium_hex2bin(out, n, in, 2 * n, NULL, &got, NULL) != 0 || got != n)
    return -1;
  return 0;
}

int ota_sodium(char *err, size_t errlen) {
  /* sodium_init is idempotent and thread-safe: 1 means already done */
  if (sodium_init() < 0)
    return ota_err(err, errlen, "libsodium does not initialise");
  return 0;
}
