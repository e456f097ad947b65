/*
** fuzz_component.c — libFuzzer target: component decode + validate.
**
** Any byte string must give either a component or one clean error line
** (with its offset inside the input), never a crash, a sanitizer report or
** a leak.  The input is given a component preamble when it lacks one, so
** the fuzzer spends its time on sections rather than on the magic.
**
**   make build/fuzz/fuzz_component && build/fuzz/fuzz_component
*-max_total_time=60 corpus/
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../component/cm.h"

static const uint8_t pre[8] = {
  0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00
};

static void one(const uint8_t *b, size_t n) {
  cm_error err;
  cm_component *c = cm_decode(b, n, "fuzz", &err);
  if (c) {
    /* walk what the accessors give, as inspect and instantiation would */
    FILE *null = fopen("/dev/null", "w");
    if (null) cm_describe(c, null), fclose(null);
    cm_free(c);
  } else if (err.status != VW_ERR_NOMEM && err.offset != VW_NO_OFFSET &&
             err.offset > n) {
    fprintf(stderr, "offset %zu past the end (%zu): %s\n", err.offset, n,
            err.line);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  one(data, size);
  if (size >= 8 && !memcmp(data, pre, 8)) return 0;
  uint8_t *b = malloc(size + 8);
  if (!b) return 0;
  memcpy(b, pre, 8);
  memcpy(b + 8, data, size);
  one(b, size + 8);
  free(b);
  return 0;
}
