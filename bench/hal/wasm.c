/*
** wasm.c — bench/hal's app side: the HAL calls through the vyoma_hal
** imports, run by `vyoma run --board sim:boards/sim.toml` (bench/hal.sh):
**   halbench gpio N   N writes to the LED line, toggling, no sleep
**   halbench edge N   waits for N edges on the button (poked from outside
**                     through the sim's state folder), each latency from
**                     the sim's edge timestamp to the return of the wait
**   halbench i2c N    N reads of the TMP102's 2-byte register 0
** Prints RESULT lines (common.h).  The LED goes high once the button is
** open, which is how the outside poker knows to start, and then shows the
** last edge seen (inverted), which is how it knows to poke again.
*/
#include <string.h>

#include "common.h"
#include "vyoma_hal.h"

static int fail(const char *what, int r) {
  printf("halbench: %s: %s\n", what, vy_hal_strerror(r));
  return 1;
}

static int bench_gpio(long n) {
  int h = vy_gpio_open(BENCH_LED, VY_GPIO_OUTPUT);
  if (h < 0) return fail("gpio open", h);
  long bad = 0;
  uint64_t t0 = now_ns();
  for (long i = 0; i < n; i++) bad += vy_gpio_write(h, (int32_t)(i & 1)) != 0;
  result_rate("gpio_writes_per_s", (uint64_t)n, now_ns() - t0);
  if (bad) return fail("gpio write", vy_gpio_write(h, 0));
  return 0;
}

static int bench_edge(long n) {
  static uint32_t lat[100000];
  if (n > (long)(sizeof lat / sizeof *lat)) n = sizeof lat / sizeof *lat;
  int b = vy_gpio_open(BENCH_BUTTON, VY_GPIO_INPUT | VY_GPIO_EDGE_BOTH);
  if (b < 0) return fail("button open", b);
  int led = vy_gpio_open(BENCH_LED, VY_GPIO_OUTPUT);
  if (led < 0) return fail("led open", led);
  vy_gpio_write(led, 1); /* ready: the poker may start */
  size_t k = 0;
  while ((long)k < n) {
    vy_gpio_event ev;
    /* the poker is done, or lost an edge: stop with what was seen */
    if (vy_gpio_wait_edge(b, 2000, &ev) != 0) break;
    uint64_t t = now_ns();
    lat[k++] = t > ev.timestamp_ns ? (uint32_t)(t - ev.timestamp_ns) : 0;
    /* the acknowledgement, after the clock was read: the LED shows the
       button's level inverted (high = ready for a press, low = for a
       release), and the poker waits for it, so no poke is lost */
    vy_gpio_write(led, ev.kind != VY_GPIO_EDGE_KIND_RISING);
  }
  result_latency("edge", lat, k);
  return 0;
}

static int bench_i2c(long n) {
  uint8_t reg = 0, v[2];
  int r = vy_i2c_write_read(BENCH_I2C_BUS, BENCH_I2C_ADDR, &reg, 1, v, 2);
  if (r < 0) return fail("i2c read", r);
  long bad = 0;
  uint64_t t0 = now_ns();
  for (long i = 0; i < n; i++)
    bad += vy_i2c_write_read(BENCH_I2C_BUS, BENCH_I2C_ADDR, &reg, 1, v, 2) != 0;
  result_rate("i2c_reads_per_s", (uint64_t)n, now_ns() - t0);
  if (bad) return fail("i2c read", -4);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fputs("usage: halbench gpio|edge|i2c N\n", stderr);
    return 2;
  }
  long n = atol(argv[2]);
  if (!strcmp(argv[1], "gpio")) return bench_gpio(n);
  if (!strcmp(argv[1], "edge")) return bench_edge(n);
  if (!strcmp(argv[1], "i2c")) return bench_i2c(n);
  return 2;
}
