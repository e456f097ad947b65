/*
** cap_cases.h — the unit cases of the capability enforcer (capability/),
** for two boards: cap_unit.c (the fake board of fake_hal.c) and cap_sim.c
** (the HAL's simulated board, boards/sim.toml).  A WAT module
** (wat/proxy.wat, built into build/tests/capability/) that re-exports
** every vyoma_hal import is instantiated through vy_cap_link_resolve and
** called with the arguments each case needs, good and bad; the board says
** what reached it.  The including file defines, before it:
**   BOARD_SPEC              what vy_board_open gets
**   ADC_DEV, ADC_CH, ADC_RAW, ADC_MV   a channel and what it reads
**   TEMP_B0, TEMP_B1        the TMP102's temperature register at 1:0x48
**   static size_t i2c_moved(void)      I2C operations that reached the bus
**   static void board_setup(void)      before the board opens
** and runs cap_main.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../capability/cap.h"
#include "../check.h"

#define WASM_DIR "build/tests/capability/"
#define OP_WRITE 0u /* vy_i2c_op kinds (sdk/vyoma_hal.h) */
#define OP_READ  1u

/* one app's run: its manifest, cap, store, instance and log lines */
typedef struct env {
  vy_manifest m;
  vy_cap *cap;
  vw_store *s;
  vw_instance *inst;
  vw_module *mod;
  vy_cap_stats st;
  char log[4096];
  int nlog;
  char trap[256];
  bool uart; /* cancel_one: block in uart_read, not an edge wait */
} env;

static vy_cap_registry *reg;
static vy_board *board;

static void on_log(void *ud, const char *line) {
  env *e = ud;
  size_t n = strlen(e->log);
  snprintf(e->log + n, sizeof e->log - n, "%s\n", line);
  e->nlog++;
}

static vw_module *load(const char *file) {
  char path[256];
  snprintf(path, sizeof path, WASM_DIR "%s", file);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static uint8_t buf[65536];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  vw_error err;
  return vw_module_new(buf, n, NULL, &err);
}

/* app `name` with [capabilities] `caps`, running `file`; 0 or -1 */
static int env_open(env *e, const char *name, const char *caps,
                    const char *file, vy_board *b, int safe) {
  memset(e, 0, sizeof *e);
  char text[1024], err[512];
  snprintf(text, sizeof text,
           "[app]\nname = \"%s\"\nversion = \"1\"\nmodule = \"%s\"\n"
           "[capabilities]\n%s\n",
           name, file, caps);
  if (vy_manifest_parse("t/vyoma.toml", text, strlen(text), &e->m, err,
                        sizeof err) != 0) {
    printf("    manifest: %s\n", err);
    return -1;
  }
  vy_cap_config cc = { name, &e->m, b, reg, safe, &e->st, on_log, e };
  if (!(e->cap = vy_cap_new(&cc, err, sizeof err))) return -1;
  if (!(e->mod = load(file)) || !(e->s = vw_store_new(NULL))) return -1;
  vy_cap_bind_store(e->cap, e->s);
  vy_cap_link link = { NULL, e->cap };
  vw_error ve;
  e->inst = vw_instantiate(e->s, e->mod, vy_cap_link_resolve, &link, &ve);
  if (!e->inst) snprintf(e->trap, sizeof e->trap, "%s", ve.msg);
  return e->inst ? 0 : -1;
}

static void env_close(env *e) {
  vy_cap_free(e->cap);
  vw_store_free(e->s);
  vw_module_free(e->mod);
  vy_manifest_free(&e->m);
  e->cap = NULL;
}

/* export fn with n i32 arguments; its result, or INT32_MIN on a trap */
static int32_t call(env *e, const char *fn, int n, ...) {
  vw_extern ex;
  if (vw_instance_export(e->inst, fn, &ex) != 0) return INT32_MIN + 1;
  vw_raw args[8] = { 0 }, res[1] = { 0 };
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) args[i] = (uint32_t)va_arg(ap, int32_t);
  va_end(ap);
  vw_error err;
  memset(&err, 0, sizeof err);
  if (vw_call(e->s, ex.of.func, args, res, &err) != VW_OK) {
    snprintf(e->trap, sizeof e->trap, "%s", err.msg);
    return INT32_MIN;
  }
  return (int32_t)(uint32_t)res[0];
}

static uint8_t *mem(env *e) {
  return vw_memory_data(vw_instance_memory(e->inst, 0));
}

/* a vy_i2c_op at guest address at */
static void put_op(env *e, uint32_t at, uint32_t kind, uint32_t buf,
                   uint32_t len) {
  uint32_t v[3] = { kind, buf, len };
  memcpy(mem(e) + at, v, sizeof v);
}

#define STR_(x) #x
#define STR(x)  STR_(x)
#define ALL_CAPS                                                               \
  "gpio = [17, 27]\ni2c = [\"1:0x48\"]\nspi = [\"0:0\"]\n"                     \
  "uart = [\"ttyS1\"]\nadc = [\"" STR(ADC_DEV) ":" STR(ADC_CH) "\"]"

/* the level of a line as the world outside the board sees it */
static int level(uint32_t line) { return vy_hal_gpio_peek(board, line); }

static bool open_all(env *e, const char *name) {
  return env_open(e, name, ALL_CAPS, "proxy.wasm", board, VY_GPIO_SAFE_INPUT) ==
         0;
}

/* ---- the cases ----------------------------------------------------------- */

static void gpio_write_reaches_board(void) {
  env e;
  REQUIRE(open_all(&e, "blinky"));
  int32_t h = call(&e, "gpio_open", 2, 17, VY_GPIO_OUTPUT);
  CHECKF(h >= 1, "gpio_open: %d", h);
  EQ(call(&e, "gpio_write", 2, h, 1), 0);
  EQ(level(17), 1);
  EQ(call(&e, "gpio_read", 1, h), 1);
  EQ(call(&e, "gpio_write", 2, h, 0), 0);
  EQ(level(17), 0);
  EQ(call(&e, "gpio_close", 1, h), 0);
  EQ(call(&e, "gpio_close", 1, h), VY_HAL_EBADHANDLE);
  env_close(&e);
}

static void gpio_ungranted_line(void) {
  env e, other;
  REQUIRE(open_all(&e, "blinky"));
  REQUIRE(open_all(&other, "other"));
  for (int i = 0; i < 3; i++)
    EQ(call(&e, "gpio_open", 2, 5, VY_GPIO_OUTPUT), VY_HAL_ENOTGRANTED);
  /* the granted line of the same app and another app's keep working */
  int32_t h = call(&e, "gpio_open", 2, 17, VY_GPIO_OUTPUT);
  CHECKF(h >= 1, "gpio_open 17: %d", h);
  EQ(call(&e, "gpio_write", 2, h, 1), 0);
  int32_t o = call(&other, "gpio_open", 2, 27, 0);
  CHECKF(o >= 1, "other's gpio_open 27: %d", o);
  /* denied three times, logged once, counted as denials */
  EQ(e.nlog, 1);
  EQ((const char *)e.log,
     "app blinky: gpio line 5 not granted (grants: 17, 27)\n");
  EQ(atomic_load(&e.st.denied[VY_CAP_GPIO]), 3ull);
  EQ(atomic_load(&e.st.calls[VY_CAP_GPIO]), 5ull);
  env_close(&e);
  env_close(&other);
}

static void i2c_refused_whole(void) {
  env e;
  REQUIRE(open_all(&e, "sensor"));
  size_t moved = i2c_moved();
  mem(&e)[100] = 0;
  put_op(&e, 200, OP_WRITE, 100, 1);
  put_op(&e, 212, OP_READ, 104, 2);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x50, 200, 2), VY_HAL_ENOTGRANTED);
  EQ(call(&e, "i2c_transaction", 4, 2, 0x48, 200, 2), VY_HAL_ENOTGRANTED);
  EQ(i2c_moved(), moved);
  CHECK(strstr(e.log, "app sensor: i2c 1:0x50 not granted (grants: 1:0x48)"));
  env_close(&e);
}

static void i2c_tmp102(void) {
  env e;
  REQUIRE(open_all(&e, "sensor"));
  size_t moved = i2c_moved();
  mem(&e)[100] = 0; /* the temperature register */
  memset(mem(&e) + 104, 0xee, 2);
  put_op(&e, 200, OP_WRITE, 100, 1);
  put_op(&e, 212, OP_READ, 104, 2);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x48, 200, 2), 0);
  EQ(mem(&e)[104], TEMP_B0);
  EQ(mem(&e)[105], TEMP_B1);
  CHECK(i2c_moved() > moved);
  moved = i2c_moved();
  /* bad ops: a kind, too many, too big in total, a buffer past the end */
  put_op(&e, 300, 7, 100, 1);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x48, 300, 1), VY_HAL_EINVAL);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x48, 200, 33), VY_HAL_ETOOBIG);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x48, 200, 0), VY_HAL_EINVAL);
  put_op(&e, 300, OP_WRITE, 1000, 4096);
  put_op(&e, 312, OP_READ, 6000, 4097);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x48, 300, 2), VY_HAL_ETOOBIG);
  put_op(&e, 300, OP_READ, 65535, 2);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x48, 300, 1), VY_HAL_EFAULT);
  EQ(call(&e, "i2c_transaction", 4, 1, 0x48, 65530, 1), VY_HAL_EFAULT);
  EQ(i2c_moved(), moved); /* none of the bad ones reached the bus */
  env_close(&e);
}

static void ebusy_then_released(void) {
  env a, b;
  REQUIRE(env_open(&a, "first", ALL_CAPS, "proxy.wasm", board,
                   VY_GPIO_SAFE_LOW) == 0);
  REQUIRE(env_open(&b, "second", ALL_CAPS, "proxy.wasm", board,
                   VY_GPIO_SAFE_LOW) == 0);
  int32_t h = call(&a, "gpio_open", 2, 17, VY_GPIO_OUTPUT);
  CHECKF(h >= 1, "first: %d", h);
  EQ(call(&a, "gpio_write", 2, h, 1), 0);
  EQ(call(&b, "gpio_open", 2, 17, VY_GPIO_OUTPUT), VY_HAL_EBUSY);
  char d[256];
  vy_cap_registry_describe(reg, false, d, sizeof d);
  EQ((const char *)d, "gpio 17 first\n");
  vy_cap_free(a.cap); /* the first app's run ends */
  a.cap = NULL;
  EQ(level(17), 0); /* driven to the safe state, low */
  int32_t h2 = call(&b, "gpio_open", 2, 17, VY_GPIO_OUTPUT);
  CHECKF(h2 >= 1, "second after release: %d", h2);
  CHECK(strstr(b.log, "app second: gpio 17 is busy: app first has it"));
  env_close(&a);
  env_close(&b);
}

static void efault_and_wrap(void) {
  env e;
  REQUIRE(open_all(&e, "probe"));
  int32_t g = call(&e, "gpio_open", 2, 27, VY_GPIO_EDGE_RISING);
  CHECKF(g >= 1, "gpio_open: %d", g);
  EQ(call(&e, "gpio_wait_edge", 3, g, 0, 65536 - 8), VY_HAL_EFAULT);
  EQ(call(&e, "gpio_wait_edge", 3, g, 0, -4), VY_HAL_EFAULT);
  int32_t u = call(&e, "uart_open", 2, 0, 0);
  EQ(u, VY_HAL_EINVAL);
  memcpy(mem(&e) + 10, "ttyS1", 5);
  EQ(call(&e, "uart_open", 2, 65534, 5), VY_HAL_EFAULT);
  u = call(&e, "uart_open", 2, 10, 5);
  CHECKF(u >= 1, "uart_open: %d", u);
  /* 0xfffffff0 + 0x20 wraps to 0x10 in 32 bits: still outside */
  EQ(call(&e, "uart_write", 3, u, (int32_t)0xfffffff0, 0x20), VY_HAL_EFAULT);
  EQ(call(&e, "uart_write", 3, u, 65000, 1000), VY_HAL_EFAULT);
  EQ(call(&e, "uart_read", 4, u, 65535, 2, 0), VY_HAL_EFAULT);
  EQ(call(&e, "adc_read", 3, ADC_DEV, ADC_CH, 65532), VY_HAL_EFAULT);
  EQ(call(&e, "spi_transfer", 7, 0, 0, 0, 0, 65535, 0, 2), VY_HAL_EFAULT);
  EQ(call(&e, "spi_transfer", 7, 0, 0, 0, 0, 0, -1, 2), VY_HAL_EFAULT);
  /* after memory.grow the same pointer is inside */
  EQ(call(&e, "grow", 1, 1), 1);
  EQ(call(&e, "adc_read", 3, ADC_DEV, ADC_CH, 65532), 0);
  EQ(atomic_load(&e.st.errors[VY_CAP_UART][-VY_HAL_EFAULT]), 4ull);
  env_close(&e);
}

static void etoobig(void) {
  env e;
  REQUIRE(open_all(&e, "probe"));
  memcpy(mem(&e) + 10, "ttyS1", 5);
  int32_t u = call(&e, "uart_open", 2, 10, 5);
  EQ(call(&e, "uart_write", 3, u, 0, 8193), VY_HAL_ETOOBIG);
  EQ(call(&e, "uart_read", 4, u, 0, 8193, 0), VY_HAL_ETOOBIG);
  EQ(call(&e, "spi_transfer", 7, 0, 0, 0, 0, 0, 0, 8193), VY_HAL_ETOOBIG);
  EQ(call(&e, "uart_write", 3, u, 0, 8192), 8192);
  env_close(&e);
}

static void bad_handles_and_flags(void) {
  env e;
  REQUIRE(open_all(&e, "probe"));
  memcpy(mem(&e) + 10, "ttyS1", 5);
  int32_t u = call(&e, "uart_open", 2, 10, 5);
  CHECKF(u >= 1, "uart_open: %d", u);
  EQ(call(&e, "gpio_read", 1, u), VY_HAL_EBADHANDLE);
  EQ(call(&e, "gpio_read", 1, 0), VY_HAL_EBADHANDLE);
  EQ(call(&e, "gpio_read", 1, 65), VY_HAL_EBADHANDLE);
  EQ(call(&e, "gpio_read", 1, -1), VY_HAL_EBADHANDLE);
  EQ(call(&e, "uart_close", 1, 99), VY_HAL_EBADHANDLE);
  EQ(call(&e, "gpio_open", 2, 17, 0x200), VY_HAL_EINVAL);
  int32_t g = call(&e, "gpio_open", 2, 17, VY_GPIO_OUTPUT);
  EQ(call(&e, "gpio_write", 2, g, 2), VY_HAL_EINVAL);
  EQ(call(&e, "uart_write", 3, g, 0, 1), VY_HAL_EBADHANDLE);
  EQ(call(&e, "spi_transfer", 7, 0, 0, 4, 0, 0, 0, 1), VY_HAL_EINVAL);
  EQ(call(&e, "uart_config", 5, u, 115200, 3, 1, 8), VY_HAL_EINVAL);
  EQ(call(&e, "uart_config", 5, u, 115200, 0, 3, 8), VY_HAL_EINVAL);
  EQ(call(&e, "uart_config", 5, u, 115200, 0, 1, 9), VY_HAL_EINVAL);
  EQ(call(&e, "uart_config", 5, u, 9600, 0, 1, 8), 0);
  EQ(call(&e, "gpio_wait_edge", 3, g, -2, 0), VY_HAL_EINVAL);
  env_close(&e);
}

static void loopbacks_and_adc(void) {
  env e;
  REQUIRE(open_all(&e, "io"));
  memcpy(mem(&e) + 10, "ttyS1", 5);
  int32_t u = call(&e, "uart_open", 2, 10, 5);
  while (call(&e, "uart_read", 4, u, 1000, 8192, 0) > 0) {
  } /* what earlier cases left in the loopback */
  memcpy(mem(&e) + 100, "hello", 5);
  EQ(call(&e, "uart_write", 3, u, 100, 5), 5);
  EQ(call(&e, "uart_read", 4, u, 200, 16, 100), 5);
  CHECK(!memcmp(mem(&e) + 200, "hello", 5));
  EQ(call(&e, "uart_read", 4, u, 200, 16, 10), VY_HAL_ETIMEDOUT);
  memcpy(mem(&e) + 300, "\x01\x02\x03", 3);
  EQ(call(&e, "spi_transfer", 7, 0, 0, 0, 1000000, 300, 400, 3), 0);
  CHECK(!memcmp(mem(&e) + 400, "\x01\x02\x03", 3));
  EQ(call(&e, "spi_transfer", 7, 0, 1, 0, 0, 300, 400, 3), VY_HAL_ENOTGRANTED);
  EQ(call(&e, "adc_read", 3, ADC_DEV, ADC_CH, 500), 0);
  int32_t v[2];
  memcpy(v, mem(&e) + 500, 8);
  EQ(v[0], ADC_RAW);
  EQ(v[1], ADC_MV);
  EQ(call(&e, "adc_read", 3, ADC_DEV, ADC_CH + 7, 500), VY_HAL_ENOTGRANTED);
  env_close(&e);
}

static void no_board_is_enodev(void) {
  env e;
  REQUIRE(env_open(&e, "lonely", ALL_CAPS, "proxy.wasm", NULL, 0) == 0);
  EQ(call(&e, "gpio_open", 2, 17, 0), VY_HAL_ENODEV);
  EQ(call(&e, "gpio_open", 2, 5, 0), VY_HAL_ENOTGRANTED);
  EQ(call(&e, "adc_read", 3, ADC_DEV, ADC_CH, 500), VY_HAL_ENODEV);
  EQ(atomic_load(&e.st.errors[VY_CAP_GPIO][-VY_HAL_ENODEV]), 1ull);
  env_close(&e);
}

/* blocks forever: an edge wait on the button, or (env's uart flag) a
** serial read of a silent port */
static void *waiter(void *arg) {
  env *e = arg;
  if (e->uart) {
    memcpy(mem(e) + 10, "ttyS1", 5);
    int32_t u = call(e, "uart_open", 2, 10, 5);
    while (u >= 1 && call(e, "uart_read", 4, u, 1000, 8192, 0) > 0) {
    } /* what earlier cases left in the loopback */
    if (u < 1) return (void *)(intptr_t)u;
    return (void *)(intptr_t)call(e, "uart_read", 4, u, 100, 16, -1);
  }
  int32_t h = call(e, "gpio_open", 2, 27, VY_GPIO_EDGE_BOTH);
  if (h < 1) return (void *)(intptr_t)h;
  return (void *)(intptr_t)call(e, "gpio_wait_edge", 3, h, -1, 0);
}

static int64_t ms_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void cancel_one(bool uart) {
  env e;
  REQUIRE(open_all(&e, "button"));
  e.uart = uart;
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, waiter, &e) == 0);
  struct timespec ts = { 0, 200 * 1000000L };
  nanosleep(&ts, NULL);
  int64_t t0 = ms_now();
  vy_cap_cancel(e.cap);
  void *r;
  pthread_join(t, &r);
  int64_t took = ms_now() - t0;
  EQ((int32_t)(intptr_t)r, INT32_MIN);
  EQ((const char *)e.trap, "killed");
  CHECKF(took < 1000, "the wait ended %lld ms after the cancel",
         (long long)took);
  CHECK(vy_cap_cancelled(e.cap));
  e.trap[0] = 0;
  EQ(call(&e, "gpio_read", 1, 1), INT32_MIN); /* every later call traps */
  EQ((const char *)e.trap, "killed");
  env_close(&e);
}

static void cancel_wakes_wait(void) { cancel_one(false); }
static void cancel_wakes_uart_read(void) { cancel_one(true); }

static void wiring_refuses_ungranted_kind(void) {
  env e;
  CHECK(env_open(&e, "blinky", "ipc = []", "gpio_only.wasm", board, 0) != 0);
  CHECK(e.inst == NULL);
  env_close(&e);
  REQUIRE(env_open(&e, "blinky", "gpio = [1]", "gpio_only.wasm", board, 0) ==
          0);
  env_close(&e);
  vy_manifest m;
  char err[512];
  const char *t =
      "[app]\nname = \"blinky\"\nversion = \"1\"\nmodule = "
      "\"b.wasm\"\n";
  REQUIRE(vy_manifest_parse("b/vyoma.toml", t, strlen(t), &m, err,
                            sizeof err) == 0);
  uint8_t p[2] = { VW_I32, VW_I32 }, r = VW_I32;
  vw_functype_info ft = { 2, 1, p, &r };
  EQ(vy_cap_check_import(&m, "gpio_open", &ft, err, sizeof err), -1);
  EQ((const char *)err,
     "import not granted: app blinky: imports vyoma_hal.gpio_open, but its "
     "manifest grants no gpio (add gpio = [LINE, ...] under [capabilities])");
  EQ(vy_cap_check_import(&m, "gpio_frob", &ft, err, sizeof err), -1);
  CHECK(!strncmp(err, "unknown import: vyoma_hal.gpio_frob", 35));
  ft.nparams = 1;
  EQ(vy_cap_check_import(&m, "gpio_open", &ft, err, sizeof err), -1);
  CHECK(strstr(err, "wrong type") != NULL);
  EQ(vy_cap_import_kind("adc_read"), VY_CAP_ADC);
  vy_manifest_free(&m);
}

static void board_specs(void) {
  char b[256];
  vy_cap_board_spec("", "/r", true, b, sizeof b);
  EQ((const char *)b, "");
  vy_cap_board_spec("pi4", "/r", true, b, sizeof b);
  EQ((const char *)b, "/r/boards/pi4.toml");
  vy_cap_board_spec("sim:boards/sim.toml", "/r", true, b, sizeof b);
  EQ((const char *)b, "sim:/r/boards/sim.toml");
  vy_cap_board_spec("sim:boards/sim.toml", "/r", false, b, sizeof b);
  EQ((const char *)b, "sim:boards/sim.toml");
  vy_cap_board_spec("linux:/etc/b.toml", "/r", true, b, sizeof b);
  EQ((const char *)b, "linux:/etc/b.toml");
}

static int cap_main(int argc, char **argv, const char *prog) {
  check_init(argc, argv, prog);
  char err[256];
  board_setup();
  reg = vy_cap_registry_new();
  board = vy_board_open(BOARD_SPEC, err, sizeof err);
  if (!reg || !board || access(WASM_DIR "proxy.wasm", R_OK) != 0) {
    printf("FAIL %s/%s: no registry, board (%s) or " WASM_DIR "proxy.wasm\n",
           check_prefix, prog, board ? "" : err);
    return 1;
  }
  RUN(gpio_write_reaches_board);
  RUN(gpio_ungranted_line);
  RUN(i2c_refused_whole);
  RUN(i2c_tmp102);
  RUN(ebusy_then_released);
  RUN(efault_and_wrap);
  RUN(etoobig);
  RUN(bad_handles_and_flags);
  RUN(loopbacks_and_adc);
  RUN(no_board_is_enodev);
  RUN(cancel_wakes_wait);
  RUN(cancel_wakes_uart_read);
  RUN(wiring_refuses_ungranted_kind);
  RUN(board_specs);
  vy_board_close(board);
  vy_cap_registry_free(reg);
  return check_end();
}
