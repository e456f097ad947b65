/*
** common.h — what bench/hal's two builds share: the clock, the
** percentiles, and the RESULT lines bench/hal.sh reads.  The loops
** themselves are in wasm.c (through the vyoma_hal imports) and native.c
** (hal/hal.h linked in), written alike so the two figures compare the
** call path and nothing else.
*/
#ifndef BENCH_HAL_COMMON_H
#define BENCH_HAL_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* the sim board of boards/sim.toml: an LED, the button, the TMP102 */
#define BENCH_LED      17
#define BENCH_BUTTON   27
#define BENCH_I2C_BUS  1
#define BENCH_I2C_ADDR 0x48

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* "RESULT NAME VALUE": one figure per line, for bench/hal.sh */
static inline void result(const char *name, double v) {
  printf("RESULT %s %.1f\n", name, v);
  fflush(stdout);
}

/* p50 and p99 of n latencies (ns; sorted in place), in microseconds */
static inline void result_latency(const char *name, uint32_t *v, size_t n) {
  char key[64];
  qsort(v, n, sizeof *v, cmp_u32);
  snprintf(key, sizeof key, "%s_p50_us", name);
  result(key, n ? v[n / 2] / 1000.0 : -1);
  snprintf(key, sizeof key, "%s_p99_us", name);
  result(key, n ? v[n * 99 / 100] / 1000.0 : -1);
  snprintf(key, sizeof key, "%s_seen", name);
  result(key, (double)n);
}

/* calls per second of `calls` calls that took ns */
static inline void result_rate(const char *name, uint64_t calls, uint64_t ns) {
  result(name, ns ? calls * 1e9 / (double)ns : 0);
}

#endif
