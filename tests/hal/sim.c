/*
** tests/hal/sim.c — the simulated board (hal/sim.c) through hal.h, on
** boards/sim.toml: GPIO levels, edges, waits, cancels and safe states;
** the TMP102; limits; the UART, ADC and SPI loopbacks; and that a wait on
** one line blocks no other call.
*/
#include "../../hal/hal.h"
#include "../check.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static vy_board *board;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void sleep_ms(int ms) {
  struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
  nanosleep(&t, NULL);
}

/* ---- GPIO ---------------------------------------------------------------- */

static void led_write_shows_in_peek(void) {
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(board, 17, VY_GPIO_OUTPUT, &l) == VY_HAL_OK);
  EQ(vy_hal_gpio_peek(board, 17), 0);
  EQ(vy_hal_gpio_write(l, 1), VY_HAL_OK);
  EQ(vy_hal_gpio_peek(board, 17), 1);
  EQ(vy_hal_gpio_read(l), 1);
  EQ(vy_hal_gpio_write(l, 0), VY_HAL_OK);
  EQ(vy_hal_gpio_peek(board, 17), 0);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  /* active-low: logical 1 is physical 0 */
  REQUIRE(vy_hal_gpio_open(
              board, 18,
              VY_GPIO_OUTPUT | VY_GPIO_ACTIVE_LOW | VY_GPIO_INITIAL_HIGH,
              &l) == VY_HAL_OK);
  EQ(vy_hal_gpio_peek(board, 18), 0);
  EQ(vy_hal_gpio_read(l), 1);
  EQ(vy_hal_gpio_write(l, 0), VY_HAL_OK);
  EQ(vy_hal_gpio_peek(board, 18), 1);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
}

static void button_poke_makes_edges(void) {
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_BOTH, &l) == VY_HAL_OK);
  vy_hal_edge ev;
  uint64_t before = now_ns();
  EQ(vy_hal_gpio_poke(board, 27, 1), VY_HAL_OK);
  uint64_t after = now_ns();
  EQ(vy_hal_gpio_read(l), 1);
  REQUIRE(vy_hal_gpio_wait_edge(l, 1000, -1, &ev) == VY_HAL_OK);
  EQ(ev.kind, (uint32_t)VY_GPIO_EDGE_KIND_RISING);
  CHECKF(ev.timestamp_ns >= before && ev.timestamp_ns <= after,
         "timestamp %llu not in %llu..%llu",
         (unsigned long long)ev.timestamp_ns, (unsigned long long)before,
         (unsigned long long)after);
  EQ(vy_hal_gpio_poke(board, 27, 1), VY_HAL_OK); /* no change: no edge */
  EQ(vy_hal_gpio_poke(board, 27, 0), VY_HAL_OK);
  REQUIRE(vy_hal_gpio_wait_edge(l, 1000, -1, &ev) == VY_HAL_OK);
  EQ(ev.kind, (uint32_t)VY_GPIO_EDGE_KIND_FALLING);
  EQ(vy_hal_gpio_wait_edge(l, 0, -1, &ev), VY_HAL_ETIMEDOUT);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
}

static void only_the_asked_edges(void) {
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_FALLING | VY_GPIO_ACTIVE_LOW,
                           &l) == VY_HAL_OK);
  vy_hal_edge ev;
  /* physical 0 -> 1 is logical 1 -> 0 on an active-low line: falling */
  vy_hal_gpio_poke(board, 27, 1);
  REQUIRE(vy_hal_gpio_wait_edge(l, 1000, -1, &ev) == VY_HAL_OK);
  EQ(ev.kind, (uint32_t)VY_GPIO_EDGE_KIND_FALLING);
  vy_hal_gpio_poke(board, 27, 0); /* logical rising: not asked for */
  EQ(vy_hal_gpio_wait_edge(l, 20, -1, &ev), VY_HAL_ETIMEDOUT);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
}

typedef struct waiter {
  vy_hal_line *l;
  vy_hal_uart *u;
  int cancel_fd, rc;
  vy_hal_edge ev;
  uint64_t done_ns;
} waiter;

static void *wait_forever(void *arg) {
  waiter *w = arg;
  if (w->u) {
    uint8_t b[8];
    w->rc = vy_hal_uart_read(w->u, b, sizeof b, -1, w->cancel_fd);
  } else {
    w->rc = vy_hal_gpio_wait_edge(w->l, -1, w->cancel_fd, &w->ev);
  }
  __atomic_store_n(&w->done_ns, now_ns(), __ATOMIC_SEQ_CST);
  return NULL;
}

static void edge_wakes_a_waiter_at_once(void) {
  waiter w = { .cancel_fd = -1 };
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_RISING, &w.l) == VY_HAL_OK);
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, wait_forever, &w) == 0);
  sleep_ms(30);
  uint64_t poked = now_ns();
  vy_hal_gpio_poke(board, 27, 1);
  pthread_join(t, NULL);
  EQ(w.rc, VY_HAL_OK);
  EQ(w.ev.kind, (uint32_t)VY_GPIO_EDGE_KIND_RISING);
  uint64_t us = (w.done_ns - poked) / 1000;
  /* microseconds in practice; generous for a loaded host under ASan */
  CHECKF(us < 50000, "woke %llu us after the edge", (unsigned long long)us);
  vy_hal_gpio_poke(board, 27, 0);
  vy_hal_gpio_close(w.l, VY_GPIO_SAFE_INPUT);
}

static void wait_times_out(void) {
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_BOTH, &l) == VY_HAL_OK);
  vy_hal_edge ev;
  uint64_t t0 = now_ns();
  EQ(vy_hal_gpio_wait_edge(l, 60, -1, &ev), VY_HAL_ETIMEDOUT);
  uint64_t ms = (now_ns() - t0) / 1000000;
  CHECKF(ms >= 59 && ms < 1000, "waited %llu ms for 60",
         (unsigned long long)ms);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
}

static void cancel_wakes_a_forever_wait(void) {
  waiter w = { .cancel_fd = eventfd(0, EFD_CLOEXEC) };
  REQUIRE(w.cancel_fd >= 0);
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_BOTH, &w.l) == VY_HAL_OK);
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, wait_forever, &w) == 0);
  sleep_ms(30);
  uint64_t one = 1, killed = now_ns();
  CHECK(write(w.cancel_fd, &one, sizeof one) == sizeof one);
  pthread_join(t, NULL);
  EQ(w.rc, VY_HAL_ECANCELED);
  uint64_t us = (w.done_ns - killed) / 1000;
  CHECKF(us < 50000, "canceled %llu us after", (unsigned long long)us);
  /* a cancel fd that is readable already: at once */
  vy_hal_edge ev;
  EQ(vy_hal_gpio_wait_edge(w.l, -1, w.cancel_fd, &ev), VY_HAL_ECANCELED);
  vy_hal_gpio_close(w.l, VY_GPIO_SAFE_INPUT);
  close(w.cancel_fd);
}

static void close_wakes_a_waiter(void) {
  waiter w = { .cancel_fd = -1 };
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_BOTH, &w.l) == VY_HAL_OK);
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, wait_forever, &w) == 0);
  sleep_ms(30);
  vy_hal_gpio_close(w.l, VY_GPIO_SAFE_INPUT);
  pthread_join(t, NULL);
  EQ(w.rc, VY_HAL_EBADHANDLE);
  EQ(vy_hal_gpio_read(w.l), VY_HAL_EBADHANDLE);
}

/* two threads of one app wait on one line: a close wakes both (the wake
** is passed on), and one edge wakes exactly one */
static void two_waiters_on_a_line(void) {
  waiter w[2] = { { .cancel_fd = -1 }, { .cancel_fd = -1 } };
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_RISING, &w[0].l) ==
          VY_HAL_OK);
  w[1].l = w[0].l;
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    REQUIRE(pthread_create(&t[i], NULL, wait_forever, &w[i]) == 0);
  sleep_ms(30);
  vy_hal_gpio_poke(board, 27, 1);
  sleep_ms(30);
  int woke = (__atomic_load_n(&w[0].done_ns, __ATOMIC_SEQ_CST) != 0) +
             (__atomic_load_n(&w[1].done_ns, __ATOMIC_SEQ_CST) != 0);
  EQ(woke, 1);
  vy_hal_gpio_close(w[0].l, VY_GPIO_SAFE_INPUT);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  int ok = (w[0].rc == VY_HAL_OK) + (w[1].rc == VY_HAL_OK);
  int closed = (w[0].rc == VY_HAL_EBADHANDLE) + (w[1].rc == VY_HAL_EBADHANDLE);
  EQ(ok, 1);
  EQ(closed, 1);
  vy_hal_gpio_poke(board, 27, 0);
}

/* many threads at once: opens, closes, waits, pokes, I2C, LEDs; the
** checks are that nothing crashes, deadlocks or races (TSan, ASan) */
static int stop_stress; /* __atomic: the threads read it */

static void *stress_waiter(void *arg) {
  (void)arg;
  while (!__atomic_load_n(&stop_stress, __ATOMIC_SEQ_CST)) {
    vy_hal_line *l;
    if (vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_BOTH, &l) != VY_HAL_OK)
      continue;
    vy_hal_edge ev;
    for (int i = 0; i < 5; i++) vy_hal_gpio_wait_edge(l, 1, -1, &ev);
    vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  }
  return NULL;
}

static void *stress_poker(void *arg) {
  (void)arg;
  for (int v = 0; !__atomic_load_n(&stop_stress, __ATOMIC_SEQ_CST); v ^= 1)
    vy_hal_gpio_poke(board, 27, v);
  vy_hal_gpio_poke(board, 27, 0);
  return NULL;
}

static void *stress_bus(void *arg) {
  (void)arg;
  uint8_t reg = 0, t[2];
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, t, 2 } };
  while (!__atomic_load_n(&stop_stress, __ATOMIC_SEQ_CST)) {
    vy_hal_i2c_transaction(board, 1, 0x48, ops, 2);
    vy_hal_line *l;
    if (vy_hal_gpio_open(board, 17, VY_GPIO_OUTPUT, &l) == VY_HAL_OK) {
      vy_hal_gpio_write(l, 1);
      vy_hal_gpio_close(l, VY_GPIO_SAFE_LOW);
    }
  }
  return NULL;
}

static void concurrent_use(void) {
  void *(*fns[])(void *) = { stress_waiter, stress_waiter, stress_poker,
                             stress_bus, stress_bus };
  pthread_t t[5];
  __atomic_store_n(&stop_stress, 0, __ATOMIC_SEQ_CST);
  for (int i = 0; i < 5; i++)
    REQUIRE(pthread_create(&t[i], NULL, fns[i], 0) == 0);
  sleep_ms(300);
  __atomic_store_n(&stop_stress, 1, __ATOMIC_SEQ_CST);
  for (int i = 0; i < 5; i++) pthread_join(t[i], NULL);
  vy_hal_line *l;
  EQ(vy_hal_gpio_open(board, 27, 0, &l), VY_HAL_OK); /* all let go */
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  EQ(vy_hal_gpio_peek(board, 17), 0);
}

static void edges_queue_up_to_16(void) {
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_BOTH, &l) == VY_HAL_OK);
  uint64_t stamps[20];
  for (int i = 0; i < 20; i++) {
    stamps[i] = now_ns();
    vy_hal_gpio_poke(board, 27, (i + 1) % 2); /* 1, 0, 1, ... */
  }
  vy_hal_edge ev;
  /* the 4 oldest were dropped: the first left is edge 4, rising */
  for (int i = 4; i < 20; i++) {
    REQUIRE(vy_hal_gpio_wait_edge(l, 0, -1, &ev) == VY_HAL_OK);
    EQ(ev.kind, (uint32_t)(i % 2 == 0 ? VY_GPIO_EDGE_KIND_RISING
                                      : VY_GPIO_EDGE_KIND_FALLING));
    CHECK(ev.timestamp_ns >= stamps[i]);
  }
  EQ(vy_hal_gpio_wait_edge(l, 0, -1, &ev), VY_HAL_ETIMEDOUT);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
}

static void second_open_is_busy(void) {
  vy_hal_line *a, *b;
  REQUIRE(vy_hal_gpio_open(board, 27, 0, &a) == VY_HAL_OK);
  EQ(vy_hal_gpio_open(board, 27, 0, &b), VY_HAL_EBUSY);
  EQ(vy_hal_gpio_open(board, 27, VY_GPIO_OUTPUT, &b), VY_HAL_EBUSY);
  vy_hal_gpio_close(a, VY_GPIO_SAFE_INPUT);
  REQUIRE(vy_hal_gpio_open(board, 27, 0, &b) == VY_HAL_OK);
  vy_hal_gpio_close(b, VY_GPIO_SAFE_INPUT);
}

static void bad_requests(void) {
  vy_hal_line *l;
  EQ(vy_hal_gpio_open(board, 5, 0, &l), VY_HAL_ENODEV);
  EQ(vy_hal_gpio_open(board, 17, VY_GPIO_OUTPUT | VY_GPIO_EDGE_RISING, &l),
     VY_HAL_EINVAL);
  EQ(vy_hal_gpio_open(board, 27, VY_GPIO_OPEN_DRAIN, &l), VY_HAL_EINVAL);
  EQ(vy_hal_gpio_open(board, 27, VY_GPIO_INITIAL_HIGH, &l), VY_HAL_EINVAL);
  EQ(vy_hal_gpio_open(board, 27, 0x200, &l), VY_HAL_EINVAL);
  REQUIRE(vy_hal_gpio_open(board, 27, 0, &l) == VY_HAL_OK);
  EQ(vy_hal_gpio_write(l, 1), VY_HAL_EINVAL);
  vy_hal_edge ev;
  EQ(vy_hal_gpio_wait_edge(l, 0, -1, &ev), VY_HAL_EINVAL);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  EQ(vy_hal_gpio_read(NULL), VY_HAL_EBADHANDLE);
  EQ(vy_hal_gpio_poke(board, 99, 1), VY_HAL_ENODEV);
}

static void pulls_set_an_undriven_input(void) {
  /* boards/sim.toml's line 20 is an LED nobody has poked */
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(board, 20, VY_GPIO_PULL_UP, &l) == VY_HAL_OK);
  EQ(vy_hal_gpio_read(l), 1);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  REQUIRE(vy_hal_gpio_open(board, 20, VY_GPIO_PULL_DOWN, &l) == VY_HAL_OK);
  EQ(vy_hal_gpio_read(l), 0);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
}

static void close_applies_the_safe_state(void) {
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(board, 19, VY_GPIO_OUTPUT, &l) == VY_HAL_OK);
  vy_hal_gpio_write(l, 1);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_LOW);
  EQ(vy_hal_gpio_peek(board, 19), 0);
  REQUIRE(vy_hal_gpio_open(board, 19, VY_GPIO_OUTPUT, &l) == VY_HAL_OK);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_HIGH);
  EQ(vy_hal_gpio_peek(board, 19), 1);
  REQUIRE(vy_hal_gpio_open(board, 19, VY_GPIO_OUTPUT | VY_GPIO_INITIAL_HIGH,
                           &l) == VY_HAL_OK);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT); /* released: undriven reads 0 */
  EQ(vy_hal_gpio_peek(board, 19), 0);
  /* inactive on an active-low line is physical 1 */
  REQUIRE(vy_hal_gpio_open(board, 19, VY_GPIO_OUTPUT | VY_GPIO_ACTIVE_LOW,
                           &l) == VY_HAL_OK);
  vy_hal_gpio_write(l, 1);
  EQ(vy_hal_gpio_peek(board, 19), 0);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_LOW);
  EQ(vy_hal_gpio_peek(board, 19), 1);
}

/* ---- I2C ----------------------------------------------------------------- */

/* register reg of the sensor at bus 1, 0x48: 0 and out[2], or an error */
static int read_reg(uint32_t addr, uint8_t reg, uint8_t *out, size_t n) {
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, out, n } };
  return vy_hal_i2c_transaction(board, 1, addr, ops, 2);
}

static void tmp102_reads_the_temperature(void) {
  uint8_t t[2] = { 0 };
  REQUIRE(read_reg(0x48, 0, t, 2) == VY_HAL_OK);
  EQ(t[0], 0x15); /* 21.5 C = 344 * 0.0625: 0x158 left-justified */
  EQ(t[1], 0x80);
  EQ(vy_hal_sim_set_temp(board, 1, 0x48, -25000), VY_HAL_OK);
  REQUIRE(read_reg(0x48, 0, t, 2) == VY_HAL_OK);
  EQ(t[0], 0xe7); /* the datasheet's -25 C: 0xE70 */
  EQ(t[1], 0x00);
  EQ(vy_hal_sim_set_temp(board, 1, 0x48, 21500), VY_HAL_OK);
  EQ(vy_hal_sim_set_temp(board, 1, 0x49, 0), VY_HAL_ENODEV);
  REQUIRE(read_reg(0x48, 1, t, 2) == VY_HAL_OK);
  EQ(t[0], 0x60);
  EQ(t[1], 0xa0);
  /* the pointer stays: a plain read reads config again */
  vy_hal_i2c_op rd = { true, t, 1 };
  t[0] = 0;
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, &rd, 1), VY_HAL_OK);
  EQ(t[0], 0x60);
}

static void tmp102_registers_and_refusals(void) {
  uint8_t w[3] = { 3, 0x50, 0x80 }, t[2];
  vy_hal_i2c_op op = { false, w, 3 };
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, &op, 1), VY_HAL_OK);
  REQUIRE(read_reg(0x48, 3, t, 2) == VY_HAL_OK);
  EQ(t[0], 0x50);
  EQ(t[1], 0x80);
  w[0] = 0; /* the temperature is read-only */
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, &op, 1), VY_HAL_ENOACK_DATA);
  EQ(read_reg(0x48, 7, t, 2), VY_HAL_ENOACK_DATA);
  EQ(read_reg(0x49, 0, t, 2), VY_HAL_ENOACK_ADDR);
  EQ(read_reg(0x48, 0, t, 2), VY_HAL_OK);
}

static void i2c_limits(void) {
  static uint8_t big[VY_HAL_MAX_TRANSFER + 1];
  uint8_t reg = 0;
  vy_hal_i2c_op ops[VY_HAL_MAX_I2C_OPS + 1];
  ops[0] = (vy_hal_i2c_op){ false, &reg, 1 };
  ops[1] = (vy_hal_i2c_op){ true, big, VY_HAL_MAX_TRANSFER - 1 };
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, ops, 2), VY_HAL_OK);
  ops[1].len = VY_HAL_MAX_TRANSFER; /* 8193 in all */
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, ops, 2), VY_HAL_ETOOBIG);
  ops[0] = (vy_hal_i2c_op){ true, big, VY_HAL_MAX_TRANSFER + 1 };
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, ops, 1), VY_HAL_ETOOBIG);
  for (int i = 0; i <= VY_HAL_MAX_I2C_OPS; i++)
    ops[i] = (vy_hal_i2c_op){ true, big, 1 };
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, ops, VY_HAL_MAX_I2C_OPS),
     VY_HAL_OK);
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, ops, VY_HAL_MAX_I2C_OPS + 1),
     VY_HAL_EINVAL);
  EQ(vy_hal_i2c_transaction(board, 1, 0x80, ops, 1), VY_HAL_EINVAL);
  EQ(vy_hal_i2c_transaction(board, 1, 0x48, ops, 0), VY_HAL_EINVAL);
  EQ(vy_hal_i2c_transaction(board, 7, 0x48, ops, 1), VY_HAL_ENODEV);
}

/* a forever edge wait on one line leaves I2C to others */
static void a_wait_blocks_no_one(void) {
  waiter w = { .cancel_fd = -1 };
  REQUIRE(vy_hal_gpio_open(board, 27, VY_GPIO_EDGE_RISING, &w.l) == VY_HAL_OK);
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, wait_forever, &w) == 0);
  sleep_ms(20);
  uint64_t t0 = now_ns();
  int ok = 0;
  uint8_t v[2];
  for (int i = 0; i < 200; i++) ok += read_reg(0x48, 0, v, 2) == VY_HAL_OK;
  vy_hal_line *led;
  EQ(vy_hal_gpio_open(board, 17, VY_GPIO_OUTPUT, &led), VY_HAL_OK);
  vy_hal_gpio_close(led, VY_GPIO_SAFE_INPUT);
  uint64_t ms = (now_ns() - t0) / 1000000;
  EQ(ok, 200);
  CHECKF(ms < 1000, "200 reads took %llu ms", (unsigned long long)ms);
  vy_hal_gpio_poke(board, 27, 1);
  pthread_join(t, NULL);
  EQ(w.rc, VY_HAL_OK);
  vy_hal_gpio_poke(board, 27, 0);
  vy_hal_gpio_close(w.l, VY_GPIO_SAFE_INPUT);
}

/* ---- UART, ADC, SPI ------------------------------------------------------ */

static void uart_loops_back(void) {
  vy_hal_uart *u, *u2;
  REQUIRE(vy_hal_uart_open(board, "ttyS1", &u) == VY_HAL_OK);
  EQ(vy_hal_uart_open(board, "ttyS1", &u2), VY_HAL_EBUSY);
  EQ(vy_hal_uart_open(board, "ttyS9", &u2), VY_HAL_ENODEV);
  EQ(vy_hal_uart_config(u, 9600, VY_UART_PARITY_EVEN, 2, 7), VY_HAL_OK);
  EQ(vy_hal_uart_config(u, 12345, 0, 1, 8), VY_HAL_EINVAL);
  EQ(vy_hal_uart_config(u, 9600, 3, 1, 8), VY_HAL_EINVAL);
  EQ(vy_hal_uart_config(u, 9600, 0, 3, 8), VY_HAL_EINVAL);
  EQ(vy_hal_uart_config(u, 9600, 0, 1, 9), VY_HAL_EINVAL);
  uint8_t buf[16];
  uint64_t t0 = now_ns();
  EQ(vy_hal_uart_read(u, buf, sizeof buf, 40, -1), VY_HAL_ETIMEDOUT);
  CHECK((now_ns() - t0) / 1000000 >= 39);
  EQ(vy_hal_uart_write(u, (const uint8_t *)"hello", 5), 5);
  int n = vy_hal_uart_read(u, buf, 3, 100, -1);
  EQ(n, 3);
  n = vy_hal_uart_read(u, buf + 3, sizeof buf - 3, 100, -1);
  EQ(n, 2);
  CHECK(memcmp(buf, "hello", 5) == 0);
  vy_hal_uart_close(u);
  EQ(vy_hal_uart_write(u, buf, 1), VY_HAL_EBADHANDLE);
}

static void uart_read_cancels(void) {
  waiter w = { .cancel_fd = eventfd(0, EFD_CLOEXEC) };
  REQUIRE(vy_hal_uart_open(board, "ttyS1", &w.u) == VY_HAL_OK);
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, wait_forever, &w) == 0);
  sleep_ms(20);
  uint64_t one = 1;
  CHECK(write(w.cancel_fd, &one, sizeof one) == sizeof one);
  pthread_join(t, NULL);
  EQ(w.rc, VY_HAL_ECANCELED);
  vy_hal_uart_close(w.u);
  close(w.cancel_fd);
}

static void adc_rounds_millivolts(void) {
  int32_t raw, mv;
  REQUIRE(vy_hal_adc_read(board, 0, 0, &raw, &mv) == VY_HAL_OK);
  EQ(raw, 1234);
  EQ(mv, 309); /* 308.5 rounds away from zero */
  EQ(vy_hal_adc_poke(board, 0, 1, 1001), VY_HAL_OK);
  REQUIRE(vy_hal_adc_read(board, 0, 1, &raw, &mv) == VY_HAL_OK);
  EQ(raw, 1001);
  EQ(mv, 250); /* 250.25 */
  EQ(vy_hal_adc_poke(board, 0, 1, -3), VY_HAL_OK);
  REQUIRE(vy_hal_adc_read(board, 0, 1, &raw, &mv) == VY_HAL_OK);
  EQ(mv, -1); /* -0.75 */
  EQ(vy_hal_adc_read(board, 0, 2, &raw, &mv), VY_HAL_ENODEV);
  EQ(vy_hal_adc_poke(board, 3, 0, 1), VY_HAL_ENODEV);
}

static void spi_loops_back(void) {
  uint8_t rx[4] = { 9, 9, 9, 9 };
  EQ(vy_hal_spi_transfer(board, 0, 0, 0, 1000000, (const uint8_t *)"abcd", rx,
                         4),
     VY_HAL_OK);
  CHECK(memcmp(rx, "abcd", 4) == 0);
  EQ(vy_hal_spi_transfer(board, 0, 0, 3, 0, NULL, rx, 4), VY_HAL_OK);
  CHECK(rx[0] == 0 && rx[3] == 0);
  EQ(vy_hal_spi_transfer(board, 0, 0, 4, 0, NULL, rx, 4), VY_HAL_EINVAL);
  EQ(vy_hal_spi_transfer(board, 0, 1, 0, 0, NULL, rx, 4), VY_HAL_ENODEV);
  static uint8_t big[VY_HAL_MAX_TRANSFER + 1];
  EQ(vy_hal_spi_transfer(board, 0, 0, 0, 0, big, big, sizeof big),
     VY_HAL_ETOOBIG);
}

static void describe_lists_the_devices(void) {
  char buf[1024];
  size_t n = vy_board_describe(board, buf, sizeof buf);
  CHECK(n > 0 && n < sizeof buf);
  CHECKF(strstr(buf, "gpio 17 sim led\n") != NULL, "%s", buf);
  CHECKF(strstr(buf, "gpio 27 sim button\n") != NULL, "%s", buf);
  CHECKF(strstr(buf, "i2c 1 0x48 sim tmp102\n") != NULL, "%s", buf);
  CHECKF(strstr(buf, "uart ttyS1 sim loopback\n") != NULL, "%s", buf);
  char small[8];
  EQ(vy_board_describe(board, small, sizeof small), n); /* snprintf-style */
  EQ(vy_board_bringup(board, buf, sizeof buf), VY_HAL_OK);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "sim");
  char err[256];
  unsetenv("VYOMA_SIM_STATE");
  board = vy_board_open("sim:boards/sim.toml", err, sizeof err);
  if (!board) {
    printf("FAIL %s/sim: %s\n", argc > 1 ? argv[1] : "test", err);
    return 1;
  }
  RUN(led_write_shows_in_peek);
  RUN(button_poke_makes_edges);
  RUN(only_the_asked_edges);
  RUN(edge_wakes_a_waiter_at_once);
  RUN(wait_times_out);
  RUN(cancel_wakes_a_forever_wait);
  RUN(close_wakes_a_waiter);
  RUN(two_waiters_on_a_line);
  RUN(edges_queue_up_to_16);
  RUN(second_open_is_busy);
  RUN(bad_requests);
  RUN(pulls_set_an_undriven_input);
  RUN(close_applies_the_safe_state);
  RUN(tmp102_reads_the_temperature);
  RUN(tmp102_registers_and_refusals);
  RUN(i2c_limits);
  RUN(a_wait_blocks_no_one);
  RUN(uart_loops_back);
  RUN(uart_read_cancels);
  RUN(adc_rounds_millivolts);
  RUN(spi_loops_back);
  RUN(describe_lists_the_devices);
  RUN(concurrent_use);
  vy_board_close(board);
  return check_end();
}
