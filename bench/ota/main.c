/*
** bench/ota/main.c — ota-bench, the timed steps of bench/ota.sh (figures,
** never pass/fail):
**
**   ota-bench verify PUB BUNDLE      open + verify: "verify_ms N"
**   ota-bench apply PUB BUNDLE OTADIR
**       apply as from the factory system, then boot_select:
**       "apply_ms N bytes_written N points N"
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../ota/ota.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int verify(const uint8_t *pk, const char *path) {
  char err[512];
  vy_bundle *b;
  double t0 = now_ms();
  if (vy_bundle_open(path, pk, &b, err, sizeof err) < 0 ||
      vy_bundle_verify(b, err, sizeof err) < 0) {
    fprintf(stderr, "ota-bench: %s\n", err);
    return 1;
  }
  double t = now_ms() - t0;
  vy_bundle_close(b);
  printf("verify_ms %.2f\n", t);
  return 0;
}

static int apply(const uint8_t *pk, const char *path, const char *otadir) {
  char err[512];
  vy_ota_env env = { otadir, pk, "default", "x86_64", "0", false };
  vy_ota_state st;
  double t0 = now_ms();
  if (vy_ota_apply(&env, path, NULL, err, sizeof err) < 0) {
    fprintf(stderr, "ota-bench: %s\n", err);
    return 1;
  }
  double t = now_ms() - t0;
  vy_ota_boot_select(otadir, &st, err, sizeof err);
  printf("apply_ms %.2f bytes_written %llu points %lu\n", t,
         (unsigned long long)vy_ota_io_bytes_written(), vy_ota_io_points());
  return 0;
}

int main(int argc, char **argv) {
  uint8_t pk[32];
  char err[512];
  if (argc < 4 || (strcmp(argv[1], "verify") && strcmp(argv[1], "apply")) ||
      (!strcmp(argv[1], "apply") && argc < 5)) {
    fprintf(stderr,
            "usage: ota-bench verify PUB BUNDLE | apply PUB BUNDLE "
            "OTADIR\n");
    return 2;
  }
  if (vy_ota_key_read(argv[2], pk, 32, err, sizeof err) < 0) {
    fprintf(stderr, "ota-bench: %s\n", err);
    return 1;
  }
  if (!strcmp(argv[1], "verify")) return verify(pk, argv[3]);
  return apply(pk, argv[3], argv[4]);
}
