/*
** fuzz_bundle.c — libFuzzer target for the bundle reader (ota/).
**
** The first byte picks what the rest is:
**   even  a whole bundle file, as an attacker would hand it over: the
**         reader must refuse it at the signature (or the header) safely
**   odd   a manifest and payload, split at the first 0xff byte, signed
**         here with a fixed test key, so that what lies behind the
**         signature check (the manifest parser, the path rules, the size
**         and layout checks, verify's streaming) is reached too
** The file lives in a memfd, opened by its /proc/self/fd path.
**
**   make build/fuzz/fuzz_bundle && build/fuzz/fuzz_bundle \
**     -dict=tests/fuzz/fuzz_bundle.dict -max_total_time=60 CORPUS_DIR
*/
#define _GNU_SOURCE
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../ota/ota.h"
#include "../../ota/ota_internal.h"

static uint8_t pk[32], sk[64];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  uint8_t seed[32] = "vyomaos fuzz_bundle test seed";
  if (sodium_init() < 0) return -1;
  crypto_sign_seed_keypair(pk, sk, seed);
  return 0;
}

static void read_back(const char *path) {
  vy_bundle *b;
  char err[512];
  if (vy_bundle_open(path, pk, &b, err, sizeof err) < 0) return;
  vy_bundle_info in;
  vy_bundle_info_get(b, &in);
  for (size_t i = 0; i < in.nfiles; i++) {
    const char *p;
    uint64_t size;
    if (vy_bundle_file(b, i, &p, &size) < 0 || ota_path_problem(p))
      __builtin_trap(); /* a path the rules refuse got through */
  }
  vy_bundle_verify(b, err, sizeof err);
  vy_bundle_close(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int fd = memfd_create("bundle", MFD_CLOEXEC);
  if (fd < 0) return 0;
  FILE *f = fdopen(dup(fd), "wb");
  if (!f) {
    close(fd);
    return 0;
  }
  const uint8_t *rest = data + 1;
  size_t n = size - 1;
  if (data[0] & 1) {
    const uint8_t *sep = memchr(rest, 0xff, n);
    size_t mlen = sep ? (size_t)(sep - rest) : n;
    ota_write_signed_head(f, 1, (const char *)rest, mlen, sk);
    if (sep) fwrite(sep + 1, 1, n - mlen - 1, f);
    ota_manifest m;
    char err[256];
    if (ota_manifest_parse((const char *)rest, mlen, &m, err, sizeof err) == 0)
      ota_manifest_free(&m);
  } else {
    fwrite(rest, 1, n, f);
  }
  fclose(f);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  read_back(path);
  close(fd);
  return 0;
}
