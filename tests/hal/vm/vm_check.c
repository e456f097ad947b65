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

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
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

static void flag_checks(vy_board *b) {
  vy_hal_line *l;
  int rc = vy_hal_gpio_open(b, 5, VY_GPIO_PULL_UP | VY_GPIO_ACTIVE_LOW, &l);
  CHECK("gpio-pull-up-active-low",
        rc == 0 && vy_hal_gpio_peek(b, 5) == 1 && vy_hal_gpio_read(l) == 0,
        "rc %d peek %d read %d", rc, vy_hal_gpio_peek(b, 5),
        rc ? -1 : vy_hal_gpio_read(l));
  if (rc == 0) vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  rc = vy_hal_gpio_open(b, 6, VY_GPIO_OUTPUT | VY_GPIO_INITIAL_HIGH, &l);
  CHECK("gpio-initial-high", rc == 0 && vy_hal_gpio_peek(b, 6) == 1,
        "rc %d peek %d", rc, vy_hal_gpio_peek(b, 6));
  if (rc == 0) vy_hal_gpio_close(l, VY_GPIO_SAFE_LOW);
  rc = vy_hal_gpio_open(b, 16, 0, &l);
  CHECK("gpio-unmapped", rc == VY_HAL_ENODEV, "rc %d", rc);
}

typedef struct waiter {
  vy_hal_line *l;
  int cancel_fd, rc;
  uint64_t done;
} waiter;

static void *wait_forever(void *arg) {
  waiter *w = arg;
  vy_hal_edge ev;
  w->rc = vy_hal_gpio_wait_edge(w->l, -1, w->cancel_fd, &ev);
  w->done = now_ns();
  return NULL;
}

static int read_temp(vy_board *b) {
  uint8_t reg = 0, t[2];
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, t, 2 } };
  return vy_hal_i2c_transaction(b, 0, 0x48, ops, 2);
}

/* a forever wait on a real line: I2C goes on meanwhile; a cancel and a
** close each wake it */
static void wait_checks(vy_board *b) {
  waiter w = { NULL, eventfd(0, EFD_CLOEXEC), 1, 0 };
  int rc = vy_hal_gpio_open(b, 7, VY_GPIO_EDGE_BOTH, &w.l);
  if (rc != 0 || w.cancel_fd < 0) {
    CHECK("gpio-wait-open", 0, "rc %d", rc);
    return;
  }
  pthread_t t;
  pthread_create(&t, NULL, wait_forever, &w);
  int ok = 0;
  for (int i = 0; i < 50; i++) ok += read_temp(b) == 0;
  CHECK("i2c-during-wait", ok == 50, "%d of 50", ok);
  uint64_t one = 1, t0 = now_ns();
  if (write(w.cancel_fd, &one, sizeof one) != sizeof one) return;
  pthread_join(t, NULL);
  CHECK("gpio-wait-cancel", w.rc == VY_HAL_ECANCELED && w.done - t0 < 100000000,
        "rc %d after %llu ns", w.rc, (unsigned long long)(w.done - t0));
  close(w.cancel_fd);
  w.cancel_fd = -1;
  w.rc = 1;
  pthread_create(&t, NULL, wait_forever, &w);
  struct timespec ms20 = { 0, 20000000 };
  nanosleep(&ms20, NULL);
  vy_hal_gpio_close(w.l, VY_GPIO_SAFE_INPUT);
  pthread_join(t, NULL);
  CHECK("gpio-wait-close", w.rc == VY_HAL_EBADHANDLE, "rc %d", w.rc);
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
    flag_checks(b);
    wait_checks(b);
    uart_adc_checks(b);
    vy_board_close(b);
  }
  printf("# %s: %s\n", label, failed ? "FAILED" : "ok");
  fflush(stdout);
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}
