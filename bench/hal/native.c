/*
** native.c — bench/hal's native side: the same loops as wasm.c, calling
** hal/hal.h directly on the same sim board (linked with libvyhal), so
** that wasm / native is the cost of the vyoma_hal import path (the
** interpreter, capability/'s checks) per call.
**   halbench-native BOARD gpio|edge|i2c N
** edge: a thread pokes the button every GAP_US microseconds (the pacing
** bench/hal.sh's outside poker uses for the wasm run), so edges do not
** queue and the latency is the wake-up's, not a backlog's.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "../../hal/hal.h"

#define GAP_US 1000

static vy_board *board;
static long pokes;

static int fail(const char *what, int r) {
  printf("halbench-native: %s: %s\n", what, vy_hal_err_name(r));
  return 1;
}

static int bench_gpio(long n) {
  vy_hal_line *l;
  int r = vy_hal_gpio_open(board, BENCH_LED, VY_GPIO_OUTPUT, &l);
  if (r < 0) return fail("gpio open", r);
  uint64_t t0 = now_ns();
  for (long i = 0; i < n; i++) vy_hal_gpio_write(l, (int)(i & 1));
  result_rate("gpio_writes_per_s", (uint64_t)n, now_ns() - t0);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  return 0;
}

static void *poker(void *arg) {
  (void)arg;
  for (long i = 0; i < pokes; i++) {
    usleep(GAP_US);
    vy_hal_gpio_poke(board, BENCH_BUTTON, !(i & 1));
  }
  return NULL;
}

static int bench_edge(long n) {
  static uint32_t lat[100000];
  if (n > (long)(sizeof lat / sizeof *lat)) n = sizeof lat / sizeof *lat;
  vy_hal_line *b;
  int r = vy_hal_gpio_open(board, BENCH_BUTTON, VY_GPIO_EDGE_BOTH,
                           &b); /* an input */
  if (r < 0) return fail("button open", r);
  pthread_t t;
  pokes = n;
  pthread_create(&t, NULL, poker, NULL);
  size_t k = 0;
  while ((long)k < n) {
    vy_hal_edge ev;
    if (vy_hal_gpio_wait_edge(b, 2000, -1, &ev) != 0) break;
    uint64_t now = now_ns();
    lat[k++] = now > ev.timestamp_ns ? (uint32_t)(now - ev.timestamp_ns) : 0;
  }
  pthread_join(t, NULL);
  result_latency("edge", lat, k);
  vy_hal_gpio_close(b, VY_GPIO_SAFE_INPUT);
  return 0;
}

static int bench_i2c(long n) {
  uint8_t reg = 0, v[2];
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, v, 2 } };
  int r = vy_hal_i2c_transaction(board, BENCH_I2C_BUS, BENCH_I2C_ADDR, ops, 2);
  if (r < 0) return fail("i2c read", r);
  uint64_t t0 = now_ns();
  for (long i = 0; i < n; i++)
    vy_hal_i2c_transaction(board, BENCH_I2C_BUS, BENCH_I2C_ADDR, ops, 2);
  result_rate("i2c_reads_per_s", (uint64_t)n, now_ns() - t0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fputs("usage: halbench-native BOARD gpio|edge|i2c N\n", stderr);
    return 2;
  }
  char err[256];
  board = vy_board_open(argv[1], err, sizeof err);
  if (!board) {
    fprintf(stderr, "halbench-native: %s\n", err);
    return 1;
  }
  long n = atol(argv[3]);
  int rc = !strcmp(argv[2], "gpio")   ? bench_gpio(n)
           : !strcmp(argv[2], "edge") ? bench_edge(n)
           : !strcmp(argv[2], "i2c")  ? bench_i2c(n)
                                      : 2;
  vy_board_close(board);
  return rc;
}
