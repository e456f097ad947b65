/*
** fake_hal.c — a tiny in-memory board behind hal/hal.h, for the
** enforcer's unit tests (cap-unit): they must see exactly what reached
** the HAL (how many I2C bytes moved, which lines are requested) without a
** board file.  Not a simulator: hal/sim.c is that, and tests/capability/
** run.sh drives the real one through vyomad and `vyoma run`.
**
** The fake board: gpio lines 0..31 (a requested line is EBUSY), i2c bus 1
** with a TMP102 at 0x48 (register 0 reads 0x19 0x00: 25.0 C), spi 0:0 and
** 0:1 loop back, uart "ttyS1" loops back, adc 0:3 reads raw 2048 = 1650 mV.
*/
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hal/hal.h"
#include "fake_hal.h"

#define NLINES 32

struct vy_board {
  int dummy;
};
struct vy_hal_line {
  uint32_t n;
};
struct vy_hal_uart {
  int open;
};

static struct vy_board the_board;
static struct vy_hal_line lines[NLINES];
static struct vy_hal_uart uart;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

fake_state fake;

const char *vy_hal_err_name(int err) {
  static const char *const n[VY_HAL_NERR] = {
    "ok",      "not-granted",    "no-device",   "busy",
    "bus",     "no-ack-address", "no-ack-data", "timed-out",
    "invalid", "too-big",        "bad-handle",  "not-supported",
    "fault",   "canceled",       "no-memory"
  };
  return err <= 0 && -err < VY_HAL_NERR ? n[-err] : "unknown";
}

vy_board *vy_board_open(const char *spec, char *err, size_t errlen) {
  if (strcmp(spec, "fake") != 0) {
    snprintf(err, errlen, "%s: no such board", spec);
    return NULL;
  }
  return &the_board;
}
void vy_board_close(vy_board *b) { (void)b; }
const char *vy_board_name(const vy_board *b) {
  (void)b;
  return "fake";
}
const char *vy_board_backend(const vy_board *b) {
  (void)b;
  return "sim";
}

int vy_hal_gpio_open(vy_board *b, uint32_t line, uint32_t flags,
                     vy_hal_line **out) {
  (void)b;
  if (line >= NLINES) return VY_HAL_ENODEV;
  pthread_mutex_lock(&lock);
  int r = fake.requested[line] ? VY_HAL_EBUSY : 0;
  if (!r) {
    fake.requested[line] = 1;
    fake.output[line] = flags & VY_GPIO_OUTPUT;
    if (fake.output[line]) fake.level[line] = !!(flags & VY_GPIO_INITIAL_HIGH);
    lines[line].n = line;
    *out = &lines[line];
  }
  pthread_mutex_unlock(&lock);
  return r;
}

int vy_hal_gpio_read(vy_hal_line *l) { return fake.level[l->n]; }

int vy_hal_gpio_write(vy_hal_line *l, int value) {
  if (!fake.output[l->n]) return VY_HAL_EINVAL;
  fake.level[l->n] = value;
  return 0;
}

int vy_hal_gpio_wait_edge(vy_hal_line *l, int timeout_ms, int cancel_fd,
                          vy_hal_edge *ev) {
  (void)l;
  struct pollfd p = { cancel_fd, POLLIN, 0 };
  int r = poll(&p, 1, timeout_ms);
  if (r > 0) return VY_HAL_ECANCELED;
  ev->kind = VY_GPIO_EDGE_KIND_RISING;
  ev->timestamp_ns = 42;
  return r == 0 ? VY_HAL_ETIMEDOUT : VY_HAL_EBUS;
}

void vy_hal_gpio_close(vy_hal_line *l, int safe) {
  pthread_mutex_lock(&lock);
  if (fake.output[l->n] && safe != VY_GPIO_SAFE_INPUT)
    fake.level[l->n] = safe == VY_GPIO_SAFE_HIGH;
  fake.requested[l->n] = 0;
  fake.output[l->n] = 0;
  fake.closes++;
  pthread_mutex_unlock(&lock);
}

int vy_hal_i2c_transaction(vy_board *b, uint32_t bus, uint32_t addr,
                           vy_hal_i2c_op *ops, size_t nops) {
  (void)b;
  if (bus != 1) return VY_HAL_ENODEV;
  if (addr != 0x48) return VY_HAL_ENOACK_ADDR;
  for (size_t i = 0; i < nops; i++) {
    fake.i2c_bytes += ops[i].len;
    if (!ops[i].read) continue;
    for (size_t j = 0; j < ops[i].len; j++)
      ops[i].buf[j] = j == 0 ? 0x19 : 0x00;
  }
  return 0;
}

int vy_hal_spi_transfer(vy_board *b, uint32_t bus, uint32_t cs, uint32_t mode,
                        uint32_t speed_hz, const uint8_t *tx, uint8_t *rx,
                        size_t len) {
  (void)b;
  (void)mode;
  (void)speed_hz;
  if (bus != 0 || cs > 1) return VY_HAL_ENODEV;
  for (size_t i = 0; rx && i < len; i++) rx[i] = tx ? tx[i] : 0;
  return 0;
}

int vy_hal_uart_open(vy_board *b, const char *name, vy_hal_uart **out) {
  (void)b;
  if (strcmp(name, "ttyS1") != 0) return VY_HAL_ENODEV;
  if (uart.open) return VY_HAL_EBUSY;
  uart.open = 1;
  *out = &uart;
  return 0;
}

int vy_hal_uart_config(vy_hal_uart *u, uint32_t baud, uint32_t parity,
                       uint32_t stop_bits, uint32_t data_bits) {
  (void)u;
  (void)parity;
  (void)stop_bits;
  (void)data_bits;
  return baud == 115200 || baud == 9600 ? 0 : VY_HAL_EINVAL;
}

int vy_hal_uart_read(vy_hal_uart *u, uint8_t *buf, size_t len, int timeout_ms,
                     int cancel_fd) {
  (void)u;
  if (fake.uart_len) {
    size_t n = len < fake.uart_len ? len : fake.uart_len;
    memcpy(buf, fake.uart_buf, n);
    memmove(fake.uart_buf, fake.uart_buf + n, fake.uart_len - n);
    fake.uart_len -= n;
    return (int)n;
  }
  struct pollfd p = { cancel_fd, POLLIN, 0 };
  int r = poll(&p, 1, timeout_ms);
  return r > 0 ? VY_HAL_ECANCELED : VY_HAL_ETIMEDOUT;
}

int vy_hal_uart_write(vy_hal_uart *u, const uint8_t *buf, size_t len) {
  (void)u;
  if (fake.uart_len + len > sizeof fake.uart_buf) return VY_HAL_EBUS;
  memcpy(fake.uart_buf + fake.uart_len, buf, len);
  fake.uart_len += len;
  return (int)len;
}

void vy_hal_uart_close(vy_hal_uart *u) { u->open = 0; }

int vy_hal_adc_read(vy_board *b, uint32_t dev, uint32_t channel, int32_t *raw,
                    int32_t *millivolts) {
  (void)b;
  if (dev != 0 || channel != 3) return VY_HAL_ENODEV;
  *raw = 2048;
  *millivolts = 1650;
  return 0;
}

int vy_hal_gpio_peek(vy_board *b, uint32_t line) {
  (void)b;
  return line < NLINES ? fake.level[line] : VY_HAL_ENODEV;
}

int vy_hal_gpio_poke(vy_board *b, uint32_t line, int level) {
  (void)b;
  if (line >= NLINES) return VY_HAL_ENODEV;
  fake.level[line] = level;
  return 0;
}

int vy_hal_adc_poke(vy_board *b, uint32_t dev, uint32_t channel, int32_t raw) {
  (void)b;
  (void)dev;
  (void)channel;
  (void)raw;
  return VY_HAL_ENOTSUP;
}

size_t vy_board_describe(const vy_board *b, char *buf, size_t len) {
  (void)b;
  return (size_t)snprintf(buf, len, "gpio 0..31 fake\n");
}
