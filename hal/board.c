/*
** board.c — the HAL's front (hal.h): opening a board from its board file
** (read by hal/board_file.c), the line and port slots, the checks every
** backend would otherwise repeat (flags, limits, handles, EBUSY), and the
** dispatch to the backend's table (hal_int.h).
**
** Slots and waits: a handle is its slot, which lives until the board
** closes.  A wait counts itself in the slot's `waiters` and runs with the
** board lock released; a close bumps the slot's generation, signals its
** eventfd and waits on `idle` until the waiters have left, so a backend
** never closes a file descriptor that another thread polls.
**
** ---- the board file: boards/NAME.toml --------------------------------
** A board file maps the logical numbers and names that manifests grant
** (gpio 17, i2c "1:0x48", spi "0:1", uart "ttyS1", adc "0:3") to devices.
**   [board]
**   name = "sim"                  [a-z][a-z0-9-]{0,31}, required
**   backend = "sim"               sim | linux, required ("sim:FILE" and
**                                 "linux:FILE" override it)
**   description = "..."           for people
**   [gpio]
**   lines = { "17" = "/dev/gpiochip0:17", "0-15" = "vyoma:0" }
**       logical line N (0..1023), or a range N-M, -> CHIP:OFFSET: the chip
**       by /dev path or by label, the offset of the range's first line
**   [i2c]
**   buses = { "1" = "/dev/i2c-1", "0" = "name:SMBus stub driver" }
**       logical bus -> a /dev path, or name:ADAPTER (its name in
**       /sys/class/i2c-dev/i2c-N/name)
**   [spi]
**   devices = { "0:1" = "/dev/spidev0.1" }      BUS:CS -> spidev path
**   [uart]
**   ports = { "ttyS1" = "/dev/ttyS1" }          name -> tty path
**   [adc]
**   devices = { "0" = "/sys/bus/iio/devices/iio:device0",
**               "1" = "name:iio_dummy_part_no" }
**       converter -> IIO device folder, or name:NAME (its "name" file)
**   [setup]                       linux bring-up, vyomad as PID 1
**   modules = ["i2c-stub chip_addr=0x48"]   /lib/modules/NAME.ko PARAMS
**   gpio_sim = ["vyoma:16"]       gpio-sim chips LABEL:LINES
**   iio_dummy = ["adc0"]          IIO dummy devices by name
**   [sim]                         the simulated board
**   state = "sim-state"           state folder, relative to this file
**   tmp102 = ["1:0x48"]           TMP102 sensors at BUS:ADDR
**   temperature = "21.5"          their reading, degrees C (a string: the
**                                 loader's rows have no floats)
**   leds = [17, 18]               output lines
**   buttons = [27]                input lines
**   uart_loopback = ["ttyS1"]     ports that read back what is written
**   adc = ["0:0"]                 DEV:CHANNEL
**   adc_raw = 1234                what they read at first
**   adc_scale = "0.25"            millivolts per LSB (a string, as above)
**   spi_loopback = ["0:0"]        BUS:CS devices whose rx is their tx
**
** With the sim backend the board has the [sim] devices plus every line of
** [gpio] (as plain lines) and every port of [uart] (as loopbacks); with
** linux it has the maps, whatever [sim] says.  The sim's devices: hal/sim.c;
** its state folder: hal/sim_state.c.  Unknown tables and keys are errors;
** every error is one line "FILE:LINE: KEY: message".
*/
#include "hal_int.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

const char *vy_hal_err_name(int err) {
  static const char *const names[VY_HAL_NERR] = {
    "ok",         "not-granted",   "no-device", "busy",     "bus-error",
    "nack-addr",  "nack-data",     "timed-out", "invalid",  "too-big",
    "bad-handle", "not-supported", "fault",     "canceled", "no-memory"
  };
  if (err > 0) return "ok";
  if (-err < VY_HAL_NERR) return names[-err];
  return "unknown";
}

/* ---- time and waiting ---------------------------------------------------- */

uint64_t hal_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int64_t hal_deadline(int timeout_ms) {
  if (timeout_ms < 0) return INT64_MAX;
  return (int64_t)hal_now_ns() + (int64_t)timeout_ms * 1000000;
}

void hal_wake(int wake_fd) {
  uint64_t one = 1;
  /* a full counter (2^64 - 2 wakes pending) would still wake: ignore it */
  if (wake_fd >= 0 && write(wake_fd, &one, sizeof one) < 0) return;
}

static void drain(int fd) {
  uint64_t n;
  if (read(fd, &n, sizeof n) < 0) return; /* EAGAIN: nothing pending */
}

/* the poll timeout left until deadline, rounded up to whole ms */
static int ms_left(int64_t deadline) {
  if (deadline == INT64_MAX) return -1;
  int64_t left = deadline - (int64_t)hal_now_ns();
  if (left <= 0) return 0;
  int64_t ms = (left + 999999) / 1000000;
  return ms > INT_MAX ? INT_MAX : (int)ms;
}

int hal_poll(int fd, int wake_fd, int cancel_fd, int64_t deadline) {
  for (;;) {
    struct pollfd p[3] = { { fd, POLLIN, 0 },
                           { wake_fd, POLLIN, 0 },
                           { cancel_fd, POLLIN, 0 } };
    int n = poll(p, 3, ms_left(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return VY_HAL_EBUS;
    /* cancel first: a killed app must not pick up one more event */
    if (cancel_fd >= 0 && p[2].revents) return VY_HAL_ECANCELED;
    if (wake_fd >= 0 && p[1].revents) {
      drain(wake_fd);
      return HAL_READY_WAKE;
    }
    if (fd >= 0 && p[0].revents) return HAL_READY_FD;
    if (n == 0 && ms_left(deadline) == 0) return VY_HAL_ETIMEDOUT;
  }
}

/* ---- slots --------------------------------------------------------------- */

vy_hal_line *hal_find_line(vy_board *b, uint32_t line) {
  for (size_t i = 0; i < b->nlines; i++)
    if (b->lines[i].line == line) return &b->lines[i];
  return NULL;
}

/* Slots are added only while the board opens (before any handle exists),
** so the arrays may move then. */
vy_hal_line *hal_add_line(vy_board *b, uint32_t line) {
  vy_hal_line *l = hal_find_line(b, line);
  if (l) return l;
  vy_hal_line *g = realloc(b->lines, (b->nlines + 1) * sizeof *g);
  if (!g) return NULL;
  b->lines = g;
  l = &b->lines[b->nlines++];
  memset(l, 0, sizeof *l);
  l->b = b;
  l->line = line;
  l->wake_fd = l->req_fd = -1;
  return l;
}

vy_hal_uart *hal_add_uart(vy_board *b, const char *name) {
  for (size_t i = 0; i < b->nuarts; i++)
    if (strcmp(b->uarts[i].name, name) == 0) return &b->uarts[i];
  vy_hal_uart *g = realloc(b->uarts, (b->nuarts + 1) * sizeof *g);
  if (!g) return NULL;
  b->uarts = g;
  vy_hal_uart *u = &b->uarts[b->nuarts++];
  memset(u, 0, sizeof *u);
  u->b = b;
  snprintf(u->name, sizeof u->name, "%s", name);
  u->wake_fd = u->fd = -1;
  return u;
}

/* The slots' condition variables, made once the arrays stop moving. */
static int init_slots(vy_board *b) {
  for (size_t i = 0; i < b->nlines; i++)
    if (pthread_cond_init(&b->lines[i].idle, NULL) != 0) return -1;
  for (size_t i = 0; i < b->nuarts; i++)
    if (pthread_cond_init(&b->uarts[i].idle, NULL) != 0) return -1;
  return 0;
}

/* A slot's eventfd, made at its first open and drained at each. */
static int slot_wake_fd(int *fd) {
  if (*fd < 0) *fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (*fd < 0) return VY_HAL_ENOMEM;
  drain(*fd);
  return VY_HAL_OK;
}

/* ---- the board ----------------------------------------------------------- */

/* "sim:FILE", "linux:FILE" or FILE -> the backend (NULL: the file's) */
static const hal_backend *spec_backend(const char **spec) {
  if (strncmp(*spec, "sim:", 4) == 0) {
    *spec += 4;
    return &hal_sim_backend;
  }
  if (strncmp(*spec, "linux:", 6) == 0) {
    *spec += 6;
    return &hal_linux_backend;
  }
  return NULL;
}

static void free_board(vy_board *b) {
  for (size_t i = 0; i < b->nlines; i++)
    if (b->lines[i].wake_fd >= 0) close(b->lines[i].wake_fd);
  for (size_t i = 0; i < b->nuarts; i++) {
    if (b->uarts[i].wake_fd >= 0) close(b->uarts[i].wake_fd);
    free(b->uarts[i].buf);
  }
  free(b->lines);
  free(b->uarts);
  hal_conf_free(&b->conf);
  pthread_mutex_destroy(&b->mu);
  free(b);
}

vy_board *vy_board_open(const char *spec, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!spec) spec = "";
  const hal_backend *be = spec_backend(&spec);
  vy_board *b = calloc(1, sizeof *b);
  if (!b || pthread_mutex_init(&b->mu, NULL) != 0) {
    free(b);
    if (err && errlen) snprintf(err, errlen, "%s: out of memory", spec);
    return NULL;
  }
  if (hal_conf_load(spec, &b->conf, err, errlen) != 0) {
    free_board(b);
    return NULL;
  }
  if (!be)
    be = strcmp(b->conf.backend, "linux") == 0 ? &hal_linux_backend
                                               : &hal_sim_backend;
  b->be = be;
  if (be->open(b, err, errlen) != 0) {
    free_board(b);
    return NULL;
  }
  if (init_slots(b) != 0) {
    be->close(b);
    free_board(b);
    if (err && errlen) snprintf(err, errlen, "%s: out of memory", spec);
    return NULL;
  }
  return b;
}

void vy_board_close(vy_board *b) {
  if (!b) return;
  /* what apps left open goes to the default safe state */
  for (size_t i = 0; i < b->nlines; i++)
    vy_hal_gpio_close(&b->lines[i], VY_GPIO_SAFE_INPUT);
  for (size_t i = 0; i < b->nuarts; i++) vy_hal_uart_close(&b->uarts[i]);
  b->be->close(b);
  for (size_t i = 0; i < b->nlines; i++)
    pthread_cond_destroy(&b->lines[i].idle);
  for (size_t i = 0; i < b->nuarts; i++)
    pthread_cond_destroy(&b->uarts[i].idle);
  free_board(b);
}

const char *vy_board_name(const vy_board *b) { return b->conf.name; }
const char *vy_board_backend(const vy_board *b) { return b->be->name; }

int vy_board_bringup(vy_board *b, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  return b->be->bringup ? b->be->bringup(b, err, errlen) : VY_HAL_OK;
}

/* ---- GPIO ---------------------------------------------------------------- */

static int check_flags(uint32_t flags) {
  if (flags & ~VY_GPIO_FLAGS_ALL) return VY_HAL_EINVAL;
  if (flags & VY_GPIO_OUTPUT) {
    if (flags & VY_GPIO_EDGE_MASK) return VY_HAL_EINVAL;
  } else if (flags & (VY_GPIO_DRIVE_MASK | VY_GPIO_INITIAL_HIGH)) {
    return VY_HAL_EINVAL;
  }
  /* both drive bits at once is no drive at all */
  if ((flags & VY_GPIO_DRIVE_MASK) == VY_GPIO_DRIVE_MASK) return VY_HAL_EINVAL;
  return VY_HAL_OK;
}

int vy_hal_gpio_open(vy_board *b, uint32_t line, uint32_t flags,
                     vy_hal_line **out) {
  if (!b || !out) return VY_HAL_EINVAL;
  int rc = check_flags(flags);
  if (rc != VY_HAL_OK) return rc;
  pthread_mutex_lock(&b->mu);
  vy_hal_line *l = hal_find_line(b, line);
  if (!l)
    rc = VY_HAL_ENODEV;
  else if (l->open)
    rc = VY_HAL_EBUSY;
  else if ((rc = slot_wake_fd(&l->wake_fd)) == VY_HAL_OK &&
           (rc = b->be->gpio_open(l, flags)) == VY_HAL_OK) {
    l->open = true;
    l->flags = flags;
    l->qhead = l->qlen = 0;
    *out = l;
  }
  pthread_mutex_unlock(&b->mu);
  return rc;
}

/* Runs fn on an open line under the board lock. */
static int with_line(vy_hal_line *l, int (*fn)(vy_hal_line *, int), int arg) {
  if (!l) return VY_HAL_EBADHANDLE;
  pthread_mutex_lock(&l->b->mu);
  int rc = l->open && !l->closing ? fn(l, arg) : VY_HAL_EBADHANDLE;
  pthread_mutex_unlock(&l->b->mu);
  return rc;
}

static int do_read(vy_hal_line *l, int unused) {
  (void)unused;
  return l->b->be->gpio_read(l);
}
static int do_write(vy_hal_line *l, int value) {
  if (!(l->flags & VY_GPIO_OUTPUT)) return VY_HAL_EINVAL;
  return l->b->be->gpio_write(l, value != 0);
}

int vy_hal_gpio_read(vy_hal_line *l) { return with_line(l, do_read, 0); }
int vy_hal_gpio_write(vy_hal_line *l, int value) {
  return with_line(l, do_write, value);
}

int vy_hal_gpio_wait_edge(vy_hal_line *l, int timeout_ms, int cancel_fd,
                          vy_hal_edge *ev) {
  if (!l) return VY_HAL_EBADHANDLE;
  if (!ev) return VY_HAL_EINVAL;
  vy_board *b = l->b;
  pthread_mutex_lock(&b->mu);
  if (!l->open || l->closing) {
    pthread_mutex_unlock(&b->mu);
    return VY_HAL_EBADHANDLE;
  }
  if (!(l->flags & VY_GPIO_EDGE_MASK)) {
    pthread_mutex_unlock(&b->mu);
    return VY_HAL_EINVAL;
  }
  uint32_t gen = l->gen;
  l->waiters++;
  pthread_mutex_unlock(&b->mu);
  int rc = b->be->gpio_wait(l, gen, timeout_ms, cancel_fd, ev);
  pthread_mutex_lock(&b->mu);
  if (--l->waiters == 0) pthread_cond_broadcast(&l->idle);
  pthread_mutex_unlock(&b->mu);
  return rc;
}

void vy_hal_gpio_close(vy_hal_line *l, int safe) {
  if (!l) return;
  vy_board *b = l->b;
  pthread_mutex_lock(&b->mu);
  if (l->open && !l->closing) {
    l->closing = true;
    l->gen++;
    hal_wake(l->wake_fd);
    while (l->waiters > 0) pthread_cond_wait(&l->idle, &b->mu);
    if (safe < VY_GPIO_SAFE_INPUT || safe > VY_GPIO_SAFE_HIGH)
      safe = VY_GPIO_SAFE_INPUT;
    b->be->gpio_close(l, safe);
    l->open = l->closing = false;
    l->qlen = 0;
  }
  pthread_mutex_unlock(&b->mu);
}

int vy_hal_gpio_peek(vy_board *b, uint32_t line) {
  if (!b) return VY_HAL_EINVAL;
  pthread_mutex_lock(&b->mu);
  vy_hal_line *l = hal_find_line(b, line);
  int rc = l ? b->be->gpio_peek(b, l) : VY_HAL_ENODEV;
  pthread_mutex_unlock(&b->mu);
  return rc;
}

int vy_hal_gpio_poke(vy_board *b, uint32_t line, int level) {
  if (!b) return VY_HAL_EINVAL;
  pthread_mutex_lock(&b->mu);
  vy_hal_line *l = hal_find_line(b, line);
  int rc = l ? b->be->gpio_poke(b, l, level != 0) : VY_HAL_ENODEV;
  pthread_mutex_unlock(&b->mu);
  return rc;
}

/* ---- I2C, SPI, ADC ------------------------------------------------------- */

int vy_hal_i2c_transaction(vy_board *b, uint32_t bus, uint32_t addr,
                           vy_hal_i2c_op *ops, size_t nops) {
  if (!b || addr > 0x7f || nops == 0 || !ops) return VY_HAL_EINVAL;
  if (nops > VY_HAL_MAX_I2C_OPS) return VY_HAL_EINVAL;
  size_t total = 0;
  for (size_t i = 0; i < nops; i++) {
    if (ops[i].len && !ops[i].buf) return VY_HAL_EINVAL;
    if (ops[i].len > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
    total += ops[i].len;
  }
  if (total > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
  const hal_dev *d = hal_devs_find(&b->conf.i2c, bus, 0);
  hal_dev sim = { .a = bus };
  /* the sim knows buses from its sensors too */
  if (!d && b->be == &hal_sim_backend) {
    for (size_t i = 0; i < b->conf.tmp102.n; i++)
      if (b->conf.tmp102.v[i].a == bus) d = &sim;
  }
  if (!d) return VY_HAL_ENODEV;
  return b->be->i2c(b, d, addr, ops, nops);
}

int vy_hal_spi_transfer(vy_board *b, uint32_t bus, uint32_t cs, uint32_t mode,
                        uint32_t speed_hz, const uint8_t *tx, uint8_t *rx,
                        size_t len) {
  if (!b || mode > 3) return VY_HAL_EINVAL;
  if (len > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
  const hal_dev *d = hal_devs_find(
      b->be == &hal_sim_backend ? &b->conf.simspi : &b->conf.spi, bus, cs);
  if (!d) return VY_HAL_ENODEV;
  if (len == 0) return VY_HAL_OK;
  return b->be->spi(b, d, mode, speed_hz, tx, rx, len);
}

int vy_hal_adc_read(vy_board *b, uint32_t dev, uint32_t channel, int32_t *raw,
                    int32_t *millivolts) {
  if (!b || !raw || !millivolts) return VY_HAL_EINVAL;
  return b->be->adc_read(b, dev, channel, raw, millivolts);
}

int vy_hal_adc_poke(vy_board *b, uint32_t dev, uint32_t channel, int32_t raw) {
  if (!b) return VY_HAL_EINVAL;
  return b->be->adc_poke(b, dev, channel, raw);
}

/* ---- UART ---------------------------------------------------------------- */

int vy_hal_uart_open(vy_board *b, const char *name, vy_hal_uart **out) {
  if (!b || !name || !out) return VY_HAL_EINVAL;
  int rc = VY_HAL_ENODEV;
  pthread_mutex_lock(&b->mu);
  for (size_t i = 0; i < b->nuarts; i++) {
    vy_hal_uart *u = &b->uarts[i];
    if (strcmp(u->name, name) != 0) continue;
    if (u->open)
      rc = VY_HAL_EBUSY;
    else if ((rc = slot_wake_fd(&u->wake_fd)) == VY_HAL_OK &&
             (rc = b->be->uart_open(u)) == VY_HAL_OK) {
      u->open = true;
      *out = u;
    }
    break;
  }
  pthread_mutex_unlock(&b->mu);
  return rc;
}

int vy_hal_uart_config(vy_hal_uart *u, uint32_t baud, uint32_t parity,
                       uint32_t stop_bits, uint32_t data_bits) {
  if (!u) return VY_HAL_EBADHANDLE;
  if (!hal_uart_speed(baud) || parity > VY_UART_PARITY_EVEN ||
      (stop_bits != 1 && stop_bits != 2) || data_bits < 5 || data_bits > 8)
    return VY_HAL_EINVAL;
  pthread_mutex_lock(&u->b->mu);
  int rc = u->open && !u->closing
               ? u->b->be->uart_config(u, baud, parity, stop_bits, data_bits)
               : VY_HAL_EBADHANDLE;
  pthread_mutex_unlock(&u->b->mu);
  return rc;
}

int vy_hal_uart_read(vy_hal_uart *u, uint8_t *buf, size_t len, int timeout_ms,
                     int cancel_fd) {
  if (!u) return VY_HAL_EBADHANDLE;
  if (!buf || len == 0) return VY_HAL_EINVAL;
  if (len > VY_HAL_MAX_TRANSFER) len = VY_HAL_MAX_TRANSFER;
  vy_board *b = u->b;
  pthread_mutex_lock(&b->mu);
  if (!u->open || u->closing) {
    pthread_mutex_unlock(&b->mu);
    return VY_HAL_EBADHANDLE;
  }
  uint32_t gen = u->gen;
  u->waiters++;
  pthread_mutex_unlock(&b->mu);
  int rc = b->be->uart_read(u, gen, buf, len, timeout_ms, cancel_fd);
  pthread_mutex_lock(&b->mu);
  if (--u->waiters == 0) pthread_cond_broadcast(&u->idle);
  pthread_mutex_unlock(&b->mu);
  return rc;
}

int vy_hal_uart_write(vy_hal_uart *u, const uint8_t *buf, size_t len) {
  if (!u) return VY_HAL_EBADHANDLE;
  if (len > VY_HAL_MAX_TRANSFER) return VY_HAL_ETOOBIG;
  if (len && !buf) return VY_HAL_EINVAL;
  pthread_mutex_lock(&u->b->mu);
  bool ok = u->open && !u->closing;
  /* counted as a waiter: a write may block on a full tty, unlocked */
  if (ok) u->waiters++;
  pthread_mutex_unlock(&u->b->mu);
  if (!ok) return VY_HAL_EBADHANDLE;
  int rc = len ? u->b->be->uart_write(u, buf, len) : 0;
  pthread_mutex_lock(&u->b->mu);
  if (--u->waiters == 0) pthread_cond_broadcast(&u->idle);
  pthread_mutex_unlock(&u->b->mu);
  return rc;
}

void vy_hal_uart_close(vy_hal_uart *u) {
  if (!u) return;
  vy_board *b = u->b;
  pthread_mutex_lock(&b->mu);
  if (u->open && !u->closing) {
    u->closing = true;
    u->gen++;
    hal_wake(u->wake_fd);
    while (u->waiters > 0) pthread_cond_wait(&u->idle, &b->mu);
    b->be->uart_close(u);
    u->open = u->closing = false;
  }
  pthread_mutex_unlock(&b->mu);
}

/* ---- describe and the sim's helpers -------------------------------------- */

size_t vy_board_describe(const vy_board *b, char *buf, size_t len) {
  if (!b) return 0;
  return b->be->describe(b, buf, len);
}

int vy_hal_sim_set_temp(vy_board *b, uint32_t bus, uint32_t addr,
                        int32_t milli_c) {
  if (!b) return VY_HAL_EINVAL;
  if (!b->be->set_temp) return VY_HAL_ENOTSUP;
  return b->be->set_temp(b, bus, addr, milli_c);
}
