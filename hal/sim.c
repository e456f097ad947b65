/*
** sim.c — the simulated board (hal_sim_backend): what a board file's
** [sim] part (and its [gpio] and [uart] maps) describes, in memory.
**
**   gpio   every line of [sim] leds and buttons and of [gpio] lines; a
**          line's physical level, 0 until someone drives it.  Outputs
**          drive it; vy_hal_gpio_poke drives an input from outside and
**          queues the edges the line asked for (logical: active-low
**          swaps rising and falling, as the kernel does), stamped with
**          CLOCK_MONOTONIC, and signals the line's eventfd so a waiter
**          wakes at once.  An input opened with a pull and never poked
**          reads what the pull gives.  On close an output goes to its safe
**          state: SAFE_LOW / SAFE_HIGH drive logical 0 / 1 and keep it
**          there, SAFE_INPUT leaves the line undriven, which reads 0.
**   i2c    a TMP102 at each [sim] tmp102 BUS:ADDR: a pointer register
**          (the first byte written) selecting temperature (0, read-only),
**          config (1, 0x60A0 at reset), TLOW (2, 75 C) and THIGH (3, 80
**          C); reads return the register MSB first, over and over.  A
**          write of 1 byte sets the pointer, of 3 bytes also the register;
**          other lengths, a pointer above 3 and a write to register 0 are
**          NACKed (ENOACK_DATA), as a stricter part than the TMP102 (which
**          ignores them) would, so a driver's mistake shows.  No device
**          at an address: ENOACK_ADDR, and no byte moves.
**   spi    each [sim] spi_loopback BUS:CS: rx = tx.
**   uart   each [sim] uart_loopback port and [uart] port: what is written
**          is read back (64 KiB kept; past that the oldest bytes go, as an
**          overrun would lose them).
**   adc    each [sim] adc DEV:CHANNEL: adc_raw at first (vy_hal_adc_poke
**          sets it), millivolts = raw * adc_scale rounded to nearest.
** The state folder (sim_state.c) mirrors it to files for outside scripts.
*/
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UART_KEEP (64u << 10)

/* the temperature register for milli-degrees: 12 bits of 0.0625 C,
** left-justified, clamped to the part's range */
static uint16_t tmp102_reg(int32_t milli_c) {
  long count = lround((double)milli_c / 62.5);
  if (count > 2047) count = 2047;
  if (count < -2048) count = -2048;
  return (uint16_t)(((unsigned long)count & 0xfffu) << 4);
}

static sim_board *sim_of(vy_board *b) { return b->priv; }

/* ---- open and close ------------------------------------------------------ */

static int add_lines(vy_board *b, const uint32_t *v, size_t n, int role) {
  for (size_t i = 0; i < n; i++) {
    vy_hal_line *l = hal_add_line(b, v[i]);
    if (!l) return -1;
    l->role = role;
  }
  return 0;
}

static int add_devices(vy_board *b, sim_board *s) {
  const hal_conf *c = &b->conf;
  for (size_t i = 0; i < c->ngpio; i++)
    if (!hal_add_line(b, c->gpio[i].line)) return -1;
  if (add_lines(b, c->sim_leds, c->nsim_leds, HAL_ROLE_LED) != 0 ||
      add_lines(b, c->sim_buttons, c->nsim_buttons, HAL_ROLE_BUTTON) != 0)
    return -1;
  for (size_t i = 0; i < c->sim_uart.n; i++)
    if (!hal_add_uart(b, c->sim_uart.items[i])) return -1;
  for (size_t i = 0; i < c->uart.n; i++)
    if (!hal_add_uart(b, c->uart.v[i].name)) return -1;
  s->ntmp = c->tmp102.n;
  s->nadc = c->simadc.n;
  s->tmp = calloc(s->ntmp + 1, sizeof *s->tmp);
  s->adc = calloc(s->nadc + 1, sizeof *s->adc);
  if (!s->tmp || !s->adc) return -1;
  for (size_t i = 0; i < s->ntmp; i++) {
    sim_tmp102 *t = &s->tmp[i];
    t->bus = c->tmp102.v[i].a;
    t->addr = c->tmp102.v[i].b;
    t->reg[0] = tmp102_reg(c->temp_mc);
    t->reg[1] = 0x60a0;
    t->reg[2] = 75 << 8;
    t->reg[3] = 80 << 8;
  }
  for (size_t i = 0; i < s->nadc; i++)
    s->adc[i] = (sim_adc){ c->simadc.v[i].a, c->simadc.v[i].b,
                           (int32_t)c->sim_adc_raw };
  return 0;
}

static void sim_close(vy_board *b) {
  sim_board *s = sim_of(b);
  if (!s) return;
  sim_state_stop(b);
  free(s->tmp);
  free(s->adc);
  free(s);
  b->priv = NULL;
}

static int sim_open(vy_board *b, char *err, size_t errlen) {
  sim_board *s = calloc(1, sizeof *s);
  b->priv = s;
  if (!s || add_devices(b, s) != 0) {
    sim_close(b);
    if (err && errlen) snprintf(err, errlen, "sim: out of memory");
    return -1;
  }
  if (sim_state_start(b, err, errlen) != 0) {
    sim_close(b);
    return -1;
  }
  return 0;
}

/* ---- GPIO ---------------------------------------------------------------- */

static int active_low(const vy_hal_line *l) {
  return (l->flags & VY_GPIO_ACTIVE_LOW) != 0;
}

/* The board drives l to physical level: the state folder hears of it. */
static void drive(vy_hal_line *l, int level) {
  if (l->level == level) return;
  l->level = level;
  sim_state_level(l->b, l);
}

static int sim_gpio_open(vy_hal_line *l, uint32_t flags) {
  l->flags = flags; /* active_low() below reads it */
  if (flags & VY_GPIO_OUTPUT) {
    drive(l, ((flags & VY_GPIO_INITIAL_HIGH) != 0) ^ active_low(l));
  } else if (!l->driven) {
    uint32_t bias = flags & VY_GPIO_BIAS_MASK;
    if (bias == VY_GPIO_PULL_UP) l->level = 1;
    if (bias == VY_GPIO_PULL_DOWN) l->level = 0;
  }
  return VY_HAL_OK;
}

static int sim_gpio_read(vy_hal_line *l) { return l->level ^ active_low(l); }

static int sim_gpio_write(vy_hal_line *l, int value) {
  drive(l, value ^ active_low(l));
  return VY_HAL_OK;
}

static void sim_gpio_close(vy_hal_line *l, int safe) {
  if (!(l->flags & VY_GPIO_OUTPUT)) return;
  if (safe == VY_GPIO_SAFE_INPUT)
    drive(l, 0);
  else
    drive(l, (safe == VY_GPIO_SAFE_HIGH) ^ active_low(l));
}

/* An edge the line asked for goes to its queue (the oldest dropped when
** full) and wakes a waiter. */
static void queue_edge(vy_hal_line *l, int logical) {
  uint32_t want = logical ? VY_GPIO_EDGE_RISING : VY_GPIO_EDGE_FALLING;
  if (!l->open || !(l->flags & want)) return;
  vy_hal_edge e = { logical ? VY_GPIO_EDGE_KIND_RISING
                            : VY_GPIO_EDGE_KIND_FALLING,
                    hal_now_ns() };
  if (l->qlen == HAL_EDGE_QUEUE) {
    l->qhead = (l->qhead + 1) % HAL_EDGE_QUEUE;
    l->qlen--;
  }
  l->q[(l->qhead + l->qlen++) % HAL_EDGE_QUEUE] = e;
  hal_wake(l->wake_fd);
}

static int sim_gpio_poke(vy_board *b, vy_hal_line *l, int level) {
  (void)b;
  if (l->open && (l->flags & VY_GPIO_OUTPUT)) return VY_HAL_EINVAL;
  l->driven = true;
  if (l->level == level) return VY_HAL_OK;
  l->level = level;
  if (l->open) queue_edge(l, level ^ active_low(l));
  return VY_HAL_OK;
}

static int sim_gpio_peek(vy_board *b, vy_hal_line *l) {
  (void)b;
  return l->level;
}

static int sim_gpio_wait(vy_hal_line *l, uint32_t gen, int timeout_ms,
                         int cancel_fd, vy_hal_edge *ev) {
  int64_t deadline = hal_deadline(timeout_ms);
  pthread_mutex_t *mu = &l->b->mu;
  pthread_mutex_lock(mu);
  int rc;
  for (;;) {
    if (l->gen != gen) { /* closed: pass the wake on to other waiters */
      hal_wake(l->wake_fd);
      rc = VY_HAL_EBADHANDLE;
      break;
    }
    if (l->qlen) {
      *ev = l->q[l->qhead];
      l->qhead = (l->qhead + 1) % HAL_EDGE_QUEUE;
      /* another thread of the app may wait on the same line */
      if (--l->qlen) hal_wake(l->wake_fd);
      rc = VY_HAL_OK;
      break;
    }
    pthread_mutex_unlock(mu);
    rc = hal_poll(-1, l->wake_fd, cancel_fd, deadline);
    pthread_mutex_lock(mu);
    if (rc < 0) break;
  }
  pthread_mutex_unlock(mu);
  return rc;
}

/* ---- I2C ----------------------------------------------------------------- */

static sim_tmp102 *find_tmp(sim_board *s, uint32_t bus, uint32_t addr) {
  for (size_t i = 0; i < s->ntmp; i++)
    if (s->tmp[i].bus == bus && s->tmp[i].addr == addr) return &s->tmp[i];
  return NULL;
}

static int tmp_write(sim_tmp102 *t, const uint8_t *buf, size_t len) {
  if (len == 0) return VY_HAL_OK; /* an address probe */
  if ((len != 1 && len != 3) || buf[0] > 3) return VY_HAL_ENOACK_DATA;
  if (len == 3 && buf[0] == 0) return VY_HAL_ENOACK_DATA;
  t->ptr = buf[0];
  if (len == 3) t->reg[t->ptr] = (uint16_t)(buf[1] << 8 | buf[2]);
  return VY_HAL_OK;
}

static void tmp_read(const sim_tmp102 *t, uint8_t *buf, size_t len) {
  uint16_t r = t->reg[t->ptr];
  for (size_t i = 0; i < len; i++)
    buf[i] = (uint8_t)(i % 2 == 0 ? r >> 8 : r & 0xff);
}

static int sim_i2c(vy_board *b, const hal_dev *bus, uint32_t addr,
                   vy_hal_i2c_op *ops, size_t nops) {
  sim_board *s = sim_of(b);
  pthread_mutex_lock(&b->mu);
  sim_tmp102 *t = find_tmp(s, bus->a, addr);
  int rc = t ? VY_HAL_OK : VY_HAL_ENOACK_ADDR;
  if (!t) sim_state_i2c(b, bus->a, addr, NULL);
  for (size_t i = 0; t && i < nops && rc == VY_HAL_OK; i++) {
    if (ops[i].read)
      tmp_read(t, ops[i].buf, ops[i].len);
    else
      rc = tmp_write(t, ops[i].buf, ops[i].len);
    sim_state_i2c(b, bus->a, addr, &ops[i]);
  }
  pthread_mutex_unlock(&b->mu);
  return rc;
}

static int sim_set_temp(vy_board *b, uint32_t bus, uint32_t addr,
                        int32_t milli_c) {
  pthread_mutex_lock(&b->mu);
  sim_tmp102 *t = find_tmp(sim_of(b), bus, addr);
  if (t) t->reg[0] = tmp102_reg(milli_c);
  pthread_mutex_unlock(&b->mu);
  return t ? VY_HAL_OK : VY_HAL_ENODEV;
}

/* ---- SPI and ADC --------------------------------------------------------- */

static int sim_spi(vy_board *b, const hal_dev *dev, uint32_t mode,
                   uint32_t speed, const uint8_t *tx, uint8_t *rx, size_t len) {
  (void)b, (void)dev, (void)mode, (void)speed;
  if (!rx) return VY_HAL_OK;
  if (tx)
    memmove(rx, tx, len);
  else
    memset(rx, 0, len);
  return VY_HAL_OK;
}

static sim_adc *find_adc(sim_board *s, uint32_t dev, uint32_t ch) {
  for (size_t i = 0; i < s->nadc; i++)
    if (s->adc[i].dev == dev && s->adc[i].ch == ch) return &s->adc[i];
  return NULL;
}

static int sim_adc_read(vy_board *b, uint32_t dev, uint32_t ch, int32_t *raw,
                        int32_t *mv) {
  pthread_mutex_lock(&b->mu);
  sim_adc *a = find_adc(sim_of(b), dev, ch);
  if (a) {
    *raw = a->raw;
    double v = round((double)a->raw * b->conf.adc_scale);
    *mv = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
  }
  pthread_mutex_unlock(&b->mu);
  return a ? VY_HAL_OK : VY_HAL_ENODEV;
}

static int sim_adc_poke(vy_board *b, uint32_t dev, uint32_t ch, int32_t raw) {
  pthread_mutex_lock(&b->mu);
  sim_adc *a = find_adc(sim_of(b), dev, ch);
  if (a) a->raw = raw;
  pthread_mutex_unlock(&b->mu);
  return a ? VY_HAL_OK : VY_HAL_ENODEV;
}

/* ---- UART ---------------------------------------------------------------- */

static int sim_uart_open(vy_hal_uart *u) {
  if (!u->buf && !(u->buf = malloc(UART_KEEP))) return VY_HAL_ENOMEM;
  u->head = u->len = 0;
  return VY_HAL_OK;
}

static int sim_uart_config(vy_hal_uart *u, uint32_t baud, uint32_t parity,
                           uint32_t stop_bits, uint32_t data_bits) {
  (void)u, (void)baud, (void)parity, (void)stop_bits, (void)data_bits;
  return VY_HAL_OK; /* a loopback has no line to configure */
}

static size_t take(vy_hal_uart *u, uint8_t *buf, size_t len) {
  size_t n = 0;
  for (; n < len && u->len; n++, u->len--) {
    buf[n] = u->buf[u->head];
    u->head = (u->head + 1) % UART_KEEP;
  }
  return n;
}

static int sim_uart_read(vy_hal_uart *u, uint32_t gen, uint8_t *buf, size_t len,
                         int timeout_ms, int cancel_fd) {
  int64_t deadline = hal_deadline(timeout_ms);
  pthread_mutex_t *mu = &u->b->mu;
  pthread_mutex_lock(mu);
  int rc;
  for (;;) {
    if (u->gen != gen) {
      hal_wake(u->wake_fd);
      rc = VY_HAL_EBADHANDLE;
      break;
    }
    if (u->len) {
      rc = (int)take(u, buf, len);
      if (u->len) hal_wake(u->wake_fd);
      break;
    }
    pthread_mutex_unlock(mu);
    rc = hal_poll(-1, u->wake_fd, cancel_fd, deadline);
    pthread_mutex_lock(mu);
    if (rc < 0) break;
  }
  pthread_mutex_unlock(mu);
  return rc;
}

static int sim_uart_write(vy_hal_uart *u, const uint8_t *buf, size_t len) {
  pthread_mutex_lock(&u->b->mu);
  for (size_t i = 0; i < len; i++) {
    if (u->len == UART_KEEP) { /* overrun: the oldest byte goes */
      u->head = (u->head + 1) % UART_KEEP;
      u->len--;
    }
    u->buf[(u->head + u->len++) % UART_KEEP] = buf[i];
  }
  hal_wake(u->wake_fd);
  pthread_mutex_unlock(&u->b->mu);
  return (int)len;
}

static void sim_uart_close(vy_hal_uart *u) { u->len = 0; }

const hal_backend hal_sim_backend = {
  .name = "sim",
  .open = sim_open,
  .close = sim_close,
  .gpio_open = sim_gpio_open,
  .gpio_read = sim_gpio_read,
  .gpio_write = sim_gpio_write,
  .gpio_wait = sim_gpio_wait,
  .gpio_close = sim_gpio_close,
  .gpio_peek = sim_gpio_peek,
  .gpio_poke = sim_gpio_poke,
  .i2c = sim_i2c,
  .spi = sim_spi,
  .uart_open = sim_uart_open,
  .uart_config = sim_uart_config,
  .uart_read = sim_uart_read,
  .uart_write = sim_uart_write,
  .uart_close = sim_uart_close,
  .adc_read = sim_adc_read,
  .adc_poke = sim_adc_poke,
  .set_temp = sim_set_temp,
  .describe = sim_describe,
  .bringup = NULL,
};
