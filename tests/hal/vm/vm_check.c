/*
** tests/hal/vm/vm_check.c — the linux backend against the real kernel
** devices of the x86 VM: built static (musl) as an initramfs's /init by
** tests/hal/vm.sh, it mounts what PID 1 needs, runs vy_board_bringup on
** boards/qemu-x86.toml and exercises the gpio-sim chip (request, values,
** edges from pulls, safe state), the i2c-stub TMP102 stand-in through the
** SMBus fallback, ttyS1, and the IIO dummy; prints PASS/FAIL lines and
** powers off.  Not part of tests/hal/run.sh: it needs a kernel image.
*/
#include "../../../hal/hal.h"

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failed;
static char label[64] = "hal/vm"; /* hal.label= on the kernel command line */

static void read_label(void) {
  FILE *f = fopen("/proc/cmdline", "r");
  char line[1024];
  if (!f) return;
  if (fgets(line, sizeof line, f)) {
    char *p = strstr(line, "hal.label=");
    if (p) sscanf(p + 10, "%63s", label);
  }
  fclose(f);
}

#define CHECK(name, cond, ...)                                                 \
  do {                                                                         \
    if (cond) {                                                                \
      printf("PASS %s/%s\n", label, name);                                     \
    } else {                                                                   \
      failed++;                                                                \
      printf("FAIL %s/%s: ", label, name);                                     \
      printf(__VA_ARGS__);                                                     \
      printf("\n");                                                            \
    }                                                                          \
  } while (0)

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void gpio_checks(vy_board *b) {
  vy_hal_line *led, *btn;
  int rc = vy_hal_gpio_open(b, 0, VY_GPIO_OUTPUT, &led);
  CHECK("gpio-open-output", rc == 0, "rc %d %s", rc, vy_hal_err_name(rc));
  if (rc) return;
  vy_hal_gpio_write(led, 1);
  CHECK("gpio-peek-high", vy_hal_gpio_peek(b, 0) == 1, "peek %d",
        vy_hal_gpio_peek(b, 0));
  vy_hal_gpio_write(led, 0);
  CHECK("gpio-peek-low", vy_hal_gpio_peek(b, 0) == 0, "peek %d",
        vy_hal_gpio_peek(b, 0));
  vy_hal_line *again;
  rc = vy_hal_gpio_open(b, 0, 0, &again);
  CHECK("gpio-busy", rc == VY_HAL_EBUSY, "rc %d", rc);
  /* a released gpio-sim line follows its pull again (pull-down unless
  ** poked), so the safe state cannot be seen after the close; that the
  ** line is released is what can */
  vy_hal_gpio_close(led, VY_GPIO_SAFE_HIGH);
  rc = vy_hal_gpio_open(b, 0, 0, &again);
  CHECK("gpio-released", rc == 0 && vy_hal_gpio_peek(b, 0) == 0,
        "rc %d peek %d", rc, vy_hal_gpio_peek(b, 0));
  if (rc == 0) vy_hal_gpio_close(again, VY_GPIO_SAFE_INPUT);

  rc = vy_hal_gpio_open(b, 4, VY_GPIO_EDGE_BOTH, &btn);
  CHECK("gpio-open-edges", rc == 0, "rc %d %s", rc, vy_hal_err_name(rc));
  if (rc) return;
  vy_hal_gpio_poke(b, 4, 0);
  vy_hal_edge ev;
  while (vy_hal_gpio_wait_edge(btn, 50, -1, &ev) == 0) {}
  uint64_t before = now_ns();
  rc = vy_hal_gpio_poke(b, 4, 1);
  CHECK("gpio-poke", rc == 0, "rc %d %s", rc, vy_hal_err_name(rc));
  rc = vy_hal_gpio_wait_edge(btn, 2000, -1, &ev);
  uint64_t after = now_ns();
  CHECK("gpio-edge-rising",
        rc == 0 && ev.kind == VY_GPIO_EDGE_KIND_RISING &&
            ev.timestamp_ns >= before && ev.timestamp_ns <= after,
        "rc %d kind %u ts %llu in %llu..%llu", rc, ev.kind,
        (unsigned long long)ev.timestamp_ns, (unsigned long long)before,
        (unsigned long long)after);
  CHECK("gpio-read", vy_hal_gpio_read(btn) == 1, "read %d",
        vy_hal_gpio_read(btn));
  vy_hal_gpio_poke(b, 4, 0);
  rc = vy_hal_gpio_wait_edge(btn, 2000, -1, &ev);
  CHECK("gpio-edge-falling", rc == 0 && ev.kind == VY_GPIO_EDGE_KIND_FALLING,
        "rc %d kind %u", rc, ev.kind);
  rc = vy_hal_gpio_wait_edge(btn, 50, -1, &ev);
  CHECK("gpio-edge-timeout", rc == VY_HAL_ETIMEDOUT, "rc %d", rc);
  vy_hal_gpio_close(btn, VY_GPIO_SAFE_INPUT);
}

static void i2c_checks(vy_board *b) {
  uint8_t w[3] = { 0x00, 0x15, 0x80 }, reg = 0, t[2] = { 0, 0 };
  vy_hal_i2c_op wr = { false, w, 3 };
  int rc = vy_hal_i2c_transaction(b, 0, 0x48, &wr, 1);
  CHECK("i2c-smbus-write-word", rc == 0, "rc %d %s", rc, vy_hal_err_name(rc));
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, t, 2 } };
  rc = vy_hal_i2c_transaction(b, 0, 0x48, ops, 2);
  CHECK("i2c-smbus-read-word", rc == 0 && t[0] == 0x15 && t[1] == 0x80,
        "rc %d %s bytes %02x %02x", rc, vy_hal_err_name(rc), t[0], t[1]);
  rc = vy_hal_i2c_transaction(b, 0, 0x49, ops, 2);
  CHECK("i2c-nack", rc == VY_HAL_ENOACK_ADDR, "rc %d %s", rc,
        vy_hal_err_name(rc));
  uint8_t blk[4] = { 0 };
  ops[1] = (vy_hal_i2c_op){ true, blk, 4 };
  rc = vy_hal_i2c_transaction(b, 0, 0x48, ops, 2);
  /* i2c-stub's block reads take the low bytes of registers 0, 1, ... */
  CHECK("i2c-smbus-block-read", rc == 0 && blk[0] == 0x15 && blk[1] == 0,
        "rc %d %s bytes %02x %02x", rc, vy_hal_err_name(rc), blk[0], blk[1]);
  vy_hal_i2c_op three[3] = { { false, &reg, 1 },
                             { true, t, 1 },
                             { true, t, 1 } };
  rc = vy_hal_i2c_transaction(b, 0, 0x48, three, 3);
  CHECK("i2c-no-smbus-shape", rc == VY_HAL_ENOTSUP, "rc %d", rc);
}

static void uart_adc_checks(vy_board *b) {
  vy_hal_uart *u;
  int rc = vy_hal_uart_open(b, "ttyS1", &u);
  CHECK("uart-open", rc == 0, "rc %d %s", rc, vy_hal_err_name(rc));
  if (rc == 0) {
    CHECK("uart-config", vy_hal_uart_config(u, 9600, 0, 1, 8) == 0, "config");
    rc = vy_hal_uart_write(u, (const uint8_t *)"vyoma-uart\n", 11);
    CHECK("uart-write", rc == 11, "rc %d", rc);
    uint8_t in[8];
    rc = vy_hal_uart_read(u, in, sizeof in, 100, -1);
    CHECK("uart-read-timeout", rc == VY_HAL_ETIMEDOUT, "rc %d", rc);
    vy_hal_uart_close(u);
  }
  int32_t raw = 0, mv = 0;
  rc = vy_hal_adc_read(b, 0, 0, &raw, &mv);
  CHECK("adc-read", rc == 0, "rc %d %s", rc, vy_hal_err_name(rc));
  printf("# adc 0:0 raw %d mv %d\n", raw, mv);
  uint8_t x[2];
  rc = vy_hal_spi_transfer(b, 0, 0, 0, 0, x, x, 2);
  CHECK("spi-none", rc == VY_HAL_ENODEV, "rc %d", rc);
}

int main(void) {
  mount("proc", "/proc", "proc", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  read_label();
  char err[1024], d[2048];
  vy_board *b = vy_board_open("/boards/qemu-x86.toml", err, sizeof err);
  CHECK("open", b != NULL, "%s", err);
  if (b) {
    int rc = vy_board_bringup(b, err, sizeof err);
    CHECK("bringup", rc == 0, "%s", err);
    vy_board_describe(b, d, sizeof d);
    gpio_checks(b);
    i2c_checks(b);
    uart_adc_checks(b);
    vy_board_close(b);
  }
  printf("# %s: %s\n", label, failed ? "FAILED" : "ok");
  fflush(stdout);
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}
