/*
** ota_version.c — system versions: "MAJOR.MINOR.PATCH", any number of
** dot-separated decimal parts, compared part by part as numbers (of any
** length: digits are compared, not converted, so nothing overflows);
** missing parts are 0, so "2" == "2.0.0".
*/
#include <string.h>

#include "ota_internal.h"

bool vy_ota_version_valid(const char *v) {
  if (!v) return false;
  size_t n = strlen(v);
  if (n == 0 || n > VY_OTA_VERSION_MAX) return false;
  bool digit = false; /* a digit since the last dot */
  for (const char *p = v; *p; p++) {
    if (*p >= '0' && *p <= '9') {
      digit = true;
    } else if (*p == '.' && digit) {
      digit = false;
    } else {
      return false;
    }
  }
  return digit; /* no trailing dot */
}

/* one part at *s (advanced past it and its dot): compares as a number */
static int part_cmp(const char **a, const char **b) {
  const char *pa = *a, *pb = *b;
  while (*pa == '0') pa++;
  while (*pb == '0') pb++;
  size_t la = strspn(pa, "0123456789"), lb = strspn(pb, "0123456789");
  int c = la < lb ? -1 : la > lb ? 1 : memcmp(pa, pb, la);
  pa += la;
  pb += lb;
  *a = *pa == '.' ? pa + 1 : pa;
  *b = *pb == '.' ? pb + 1 : pb;
  return c < 0 ? -1 : c > 0;
}

int vy_ota_version_cmp(const char *a, const char *b) {
  bool va = vy_ota_version_valid(a), vb = vy_ota_version_valid(b);
  /* a malformed version is older than any good one, so never "newer" */
  if (!va || !vb) return va - vb;
  while (*a || *b) {
    int c = part_cmp(&a, &b);
    if (c) return c;
  }
  return 0;
}
