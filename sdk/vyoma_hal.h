/*
** vyoma_hal.h — hardware access for VyomaOS apps: GPIO, I2C, SPI, UART and
** ADC through the supervisor's "vyoma_hal" import module.
**
** Unlike vyoma.h, this header makes the module import functions: an app
** that calls them runs only where a host provides "vyoma_hal" (vyomad, or
** `vyoma run --board ...`), and only with the grants its manifest declares:
**   [capabilities]
**   gpio = [17, 27]          lines
**   i2c  = ["1:0x48"]        BUS:ADDR
**   spi  = ["0:1"]           BUS:CS
**   uart = ["ttyS1"]         port names
**   adc  = ["0:3"]           DEV:CHANNEL ("3" is device 0)
** A kind the manifest does not grant is not there: a module that imports
** e.g. gpio_open without a gpio grant is refused at start, naming the
** import and the missing grant.  Within a granted kind every call is
** checked against the list, and an I2C transaction that touches one
** ungranted address is refused whole, before any byte moves.  A line or
** device belongs to the first app that uses it until that app ends;
** another asking for it gets VY_HAL_EBUSY.
**
** Every call returns a value >= 0 on success and a negative VY_HAL_E*
** code on failure; none traps.  vy_hal_strerror names a code.
**
**   int led = vy_gpio_open(17, VY_GPIO_OUTPUT);
**   vy_gpio_write(led, 1);
**   uint8_t t[2];
**   if (vy_i2c_write_read(1, 0x48, (uint8_t[]){0}, 1, t, 2) == 0) ...
**
** The ABI (module "vyoma_hal"; every parameter and result is i32, pointers
** are offsets into the app's memory 0, structures are little-endian):
**   gpio_open(line, flags) -> handle          flags: VY_GPIO_* below
**   gpio_read(h) -> 0 | 1
**   gpio_write(h, value) -> 0
**   gpio_wait_edge(h, timeout_ms, event*) -> 0        event: vy_gpio_event
**   gpio_close(h) -> 0
**   i2c_transaction(bus, addr, ops*, nops) -> 0       ops: vy_i2c_op[nops]
**   spi_transfer(bus, cs, mode, speed_hz, tx*, rx*, len) -> 0
**                                     tx 0: send zeros; rx 0: drop input
**   uart_open(name*, name_len) -> handle
**   uart_config(h, baud, parity, stop_bits, data_bits) -> 0
**   uart_read(h, buf*, len, timeout_ms) -> bytes read (> 0)
**   uart_write(h, buf*, len) -> bytes written (= len)
**   uart_close(h) -> 0
**   adc_read(dev, channel, out*) -> 0                out: vy_adc_value
** timeout_ms -1 waits forever.  Transfers are at most VY_HAL_MAX_TRANSFER
** bytes (per I2C transaction, in total), VY_HAL_MAX_I2C_OPS operations.
*/
#ifndef VYOMA_HAL_SDK_H
#define VYOMA_HAL_SDK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- results ------------------------------------------------------------ */
#define VY_HAL_OK          0
#define VY_HAL_ENOTGRANTED (-1)  /* the manifest does not grant it        */
#define VY_HAL_ENODEV      (-2)  /* granted, but the board has none        */
#define VY_HAL_EBUSY       (-3)  /* another app owns it                    */
#define VY_HAL_EBUS        (-4)  /* bus or I/O error                       */
#define VY_HAL_ENOACK_ADDR (-5)  /* I2C: address not acknowledged          */
#define VY_HAL_ENOACK_DATA (-6)  /* I2C: data not acknowledged             */
#define VY_HAL_ETIMEDOUT   (-7)  /* nothing within the timeout             */
#define VY_HAL_EINVAL      (-8)  /* invalid argument                       */
#define VY_HAL_ETOOBIG     (-9)  /* past VY_HAL_MAX_TRANSFER               */
#define VY_HAL_EBADHANDLE  (-10) /* not an open handle                     */
#define VY_HAL_ENOTSUP     (-11) /* this board cannot do it                */
#define VY_HAL_EFAULT      (-12) /* pointer or length outside memory       */
#define VY_HAL_ECANCELED   (-13) /* the app is being stopped               */
#define VY_HAL_ENOMEM      (-14) /* the host ran out of memory or handles  */

#define VY_HAL_MAX_TRANSFER 8192
#define VY_HAL_MAX_I2C_OPS  32

/* ---- GPIO --------------------------------------------------------------- */
#define VY_GPIO_INPUT         0x000u
#define VY_GPIO_OUTPUT        0x001u
#define VY_GPIO_ACTIVE_LOW    0x002u
#define VY_GPIO_BIAS_AS_IS    0x000u
#define VY_GPIO_BIAS_DISABLED 0x004u
#define VY_GPIO_PULL_UP       0x008u
#define VY_GPIO_PULL_DOWN     0x00cu
#define VY_GPIO_PUSH_PULL     0x000u
#define VY_GPIO_OPEN_DRAIN    0x010u /* outputs */
#define VY_GPIO_OPEN_SOURCE   0x020u /* outputs */
#define VY_GPIO_EDGE_RISING   0x040u /* inputs: edges to wait for */
#define VY_GPIO_EDGE_FALLING  0x080u
#define VY_GPIO_EDGE_BOTH     0x0c0u
#define VY_GPIO_INITIAL_HIGH  0x100u /* outputs: start active */

#define VY_GPIO_EDGE_KIND_RISING  1
#define VY_GPIO_EDGE_KIND_FALLING 2

typedef struct vy_gpio_event {
  uint32_t kind;         /* VY_GPIO_EDGE_KIND_*                         */
  uint32_t reserved;     /* 0                                           */
  uint64_t timestamp_ns; /* monotonic clock, as clock_gettime(CLOCK_MONOTONIC) */
} vy_gpio_event;

/* ---- I2C ---------------------------------------------------------------- */
#define VY_I2C_WRITE 0u
#define VY_I2C_READ  1u

typedef struct vy_i2c_op {
  uint32_t kind; /* VY_I2C_WRITE or VY_I2C_READ */
  uint32_t buf;  /* the bytes (a pointer in the app's memory) */
  uint32_t len;
} vy_i2c_op;

/* ---- UART --------------------------------------------------------------- */
#define VY_UART_PARITY_NONE 0
#define VY_UART_PARITY_ODD  1
#define VY_UART_PARITY_EVEN 2

/* ---- ADC ---------------------------------------------------------------- */
typedef struct vy_adc_value {
  int32_t raw;        /* the converter's reading              */
  int32_t millivolts; /* raw with the board's scale, rounded  */
} vy_adc_value;

/* ---- the imports -------------------------------------------------------- */
#define VY_HAL_IMPORT(name) \
  __attribute__((import_module("vyoma_hal"), import_name(name)))

VY_HAL_IMPORT("gpio_open") int32_t vy_gpio_open(int32_t line, uint32_t flags);
VY_HAL_IMPORT("gpio_read") int32_t vy_gpio_read(int32_t h);
VY_HAL_IMPORT("gpio_write") int32_t vy_gpio_write(int32_t h, int32_t value);
VY_HAL_IMPORT("gpio_wait_edge")
int32_t vy_gpio_wait_edge(int32_t h, int32_t timeout_ms, vy_gpio_event *ev);
VY_HAL_IMPORT("gpio_close") int32_t vy_gpio_close(int32_t h);

VY_HAL_IMPORT("i2c_transaction")
int32_t vy_i2c_transaction(int32_t bus, int32_t addr, vy_i2c_op *ops,
                           int32_t nops);

VY_HAL_IMPORT("spi_transfer")
int32_t vy_spi_transfer(int32_t bus, int32_t cs, int32_t mode,
                        uint32_t speed_hz, const void *tx, void *rx,
                        uint32_t len);

VY_HAL_IMPORT("uart_open")
int32_t vy_uart_open_n(const char *name, uint32_t name_len);
VY_HAL_IMPORT("uart_config")
int32_t vy_uart_config(int32_t h, uint32_t baud, uint32_t parity,
                       uint32_t stop_bits, uint32_t data_bits);
VY_HAL_IMPORT("uart_read")
int32_t vy_uart_read(int32_t h, void *buf, uint32_t len, int32_t timeout_ms);
VY_HAL_IMPORT("uart_write")
int32_t vy_uart_write(int32_t h, const void *buf, uint32_t len);
VY_HAL_IMPORT("uart_close") int32_t vy_uart_close(int32_t h);

VY_HAL_IMPORT("adc_read")
int32_t vy_adc_read(int32_t dev, int32_t channel, vy_adc_value *out);

/* ---- helpers (wasi:i2c's read / write / write-read) --------------------- */
static inline int32_t vy_i2c_read(int32_t bus, int32_t addr, void *buf,
                                  uint32_t len) __attribute__((unused));
static inline int32_t vy_i2c_read(int32_t bus, int32_t addr, void *buf,
                                  uint32_t len) {
  vy_i2c_op op = { VY_I2C_READ, (uint32_t)(uintptr_t)buf, len };
  return vy_i2c_transaction(bus, addr, &op, 1);
}

static inline int32_t vy_i2c_write(int32_t bus, int32_t addr, const void *buf,
                                   uint32_t len) __attribute__((unused));
static inline int32_t vy_i2c_write(int32_t bus, int32_t addr, const void *buf,
                                   uint32_t len) {
  vy_i2c_op op = { VY_I2C_WRITE, (uint32_t)(uintptr_t)buf, len };
  return vy_i2c_transaction(bus, addr, &op, 1);
}

/* out bytes, then (repeated start) in bytes: a register read */
static inline int32_t vy_i2c_write_read(int32_t bus, int32_t addr,
                                        const void *out, uint32_t outlen,
                                        void *in, uint32_t inlen)
    __attribute__((unused));
static inline int32_t vy_i2c_write_read(int32_t bus, int32_t addr,
                                        const void *out, uint32_t outlen,
                                        void *in, uint32_t inlen) {
  vy_i2c_op ops[2] = { { VY_I2C_WRITE, (uint32_t)(uintptr_t)out, outlen },
                       { VY_I2C_READ, (uint32_t)(uintptr_t)in, inlen } };
  return vy_i2c_transaction(bus, addr, ops, 2);
}

static inline int32_t vy_uart_open(const char *name) __attribute__((unused));
static inline int32_t vy_uart_open(const char *name) {
  return vy_uart_open_n(name, (uint32_t)strlen(name));
}

static inline const char *vy_hal_strerror(int32_t err) __attribute__((unused));
static inline const char *vy_hal_strerror(int32_t err) {
  static const char *const names[] = {
    "ok",        "not granted",   "no such device",    "busy",
    "bus error", "no acknowledge (address)", "no acknowledge (data)",
    "timed out", "invalid argument", "transfer too big", "bad handle",
    "not supported", "bad pointer", "canceled", "out of memory"
  };
  if (err > 0) return "ok";
  if (-err < (int32_t)(sizeof names / sizeof *names)) return names[-err];
  return "unknown error";
}

#endif
