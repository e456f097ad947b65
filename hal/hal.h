/*
** hal.h — the hardware abstraction layer: a board's GPIO lines, I2C buses,
** SPI devices, serial ports and ADC channels, behind one interface with two
** backends:
**   linux  the Linux uAPI: GPIO character device v2 (/dev/gpiochipN line
**          requests and edge events), /dev/i2c-N with I2C_RDWR, spidev
**          SPI_IOC_MESSAGE, termios on tty devices, IIO sysfs
**          (in_voltageN_raw, in_voltageN_scale)
**   sim    a simulated board for hosts and tests (hal/sim.c)
** Both are driven by a board file (boards/NAME.toml, next to profiles/),
** which maps the logical numbers and names that manifests grant (gpio line
** 17, i2c "1:0x48", spi "0:1", uart "ttyS1", adc "0:3") to chips, buses,
** ports and channels.
**
** The HAL knows nothing of apps or grants: capability/ checks those before
** it calls here.  Every function returns VY_HAL_OK (0) or a negative
** vy_hal_err, never aborts, and is safe to call from any app's thread
** (each backend locks what it shares).  Blocking calls (edge waits, serial
** reads) take a timeout in milliseconds (-1 = forever) and a cancel fd: an
** eventfd or pipe read end that becomes readable when the caller's app is
** killed, and then the call returns VY_HAL_ECANCELED at once.
*/
#ifndef VY_HAL_H
#define VY_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The errors, shared with the app-facing ABI (sdk/vyoma_hal.h keeps the
** same numbers). */
typedef enum vy_hal_err {
  VY_HAL_OK = 0,
  VY_HAL_ENOTGRANTED = -1,  /* the app's manifest does not grant it       */
  VY_HAL_ENODEV = -2,       /* granted, but the board has no such device  */
  VY_HAL_EBUSY = -3,        /* another app owns it                        */
  VY_HAL_EBUS = -4,         /* bus or I/O error                           */
  VY_HAL_ENOACK_ADDR = -5,  /* I2C: the address was not acknowledged      */
  VY_HAL_ENOACK_DATA = -6,  /* I2C: a data byte was not acknowledged      */
  VY_HAL_ETIMEDOUT = -7,    /* nothing happened within the timeout        */
  VY_HAL_EINVAL = -8,       /* an invalid argument (flags, mode, baud...) */
  VY_HAL_ETOOBIG = -9,      /* more than VY_HAL_MAX_TRANSFER bytes        */
  VY_HAL_EBADHANDLE = -10,  /* not an open handle of this app             */
  VY_HAL_ENOTSUP = -11,     /* the backend cannot do it (e.g. SPI on x86) */
  VY_HAL_EFAULT = -12,      /* a pointer or length outside the app memory */
  VY_HAL_ECANCELED = -13,   /* the app is being stopped                   */
  VY_HAL_ENOMEM = -14       /* the host is out of memory or handles       */
} vy_hal_err;
#define VY_HAL_NERR 15

/* "not-granted", "no-device", ... (the metrics' code label); "ok" for 0 */
const char *vy_hal_err_name(int err);

#define VY_HAL_MAX_TRANSFER 8192 /* bytes per I2C transaction, SPI transfer,
                                    serial read or write */
#define VY_HAL_MAX_I2C_OPS 32    /* operations per I2C transaction */

/* ---- the board ------------------------------------------------------- */
typedef struct vy_board vy_board;

/* Opens a board: "sim:FILE", "linux:FILE" or FILE (the backend is then the
** file's [board] backend).  NULL with a one-line reason in err ("FILE:LINE:
** KEY: message" for a bad board file).  The board must outlive every line
** and port opened on it. */
vy_board *vy_board_open(const char *spec, char *err, size_t errlen);
void vy_board_close(vy_board *b);
const char *vy_board_name(const vy_board *b);    /* [board] name */
const char *vy_board_backend(const vy_board *b); /* "linux" or "sim" */

/* ---- GPIO ---------------------------------------------------------- */
/* vy_hal_gpio_open flags, as in the app ABI */
#define VY_GPIO_OUTPUT        0x001u /* else input                     */
#define VY_GPIO_ACTIVE_LOW    0x002u
#define VY_GPIO_BIAS_MASK     0x00cu
#define VY_GPIO_BIAS_AS_IS    0x000u
#define VY_GPIO_BIAS_DISABLED 0x004u
#define VY_GPIO_PULL_UP       0x008u
#define VY_GPIO_PULL_DOWN     0x00cu
#define VY_GPIO_DRIVE_MASK    0x030u
#define VY_GPIO_PUSH_PULL     0x000u
#define VY_GPIO_OPEN_DRAIN    0x010u
#define VY_GPIO_OPEN_SOURCE   0x020u
#define VY_GPIO_EDGE_MASK     0x0c0u /* inputs only: which edges to report */
#define VY_GPIO_EDGE_RISING   0x040u
#define VY_GPIO_EDGE_FALLING  0x080u
#define VY_GPIO_EDGE_BOTH     0x0c0u
#define VY_GPIO_INITIAL_HIGH  0x100u /* outputs: start active       */
#define VY_GPIO_FLAGS_ALL     0x1ffu

#define VY_GPIO_EDGE_KIND_RISING  1
#define VY_GPIO_EDGE_KIND_FALLING 2

typedef struct vy_hal_edge {
  uint32_t kind;         /* VY_GPIO_EDGE_KIND_*                        */
  uint64_t timestamp_ns; /* CLOCK_MONOTONIC, when the edge happened    */
} vy_hal_edge;

typedef struct vy_hal_line vy_hal_line;

/* Requests logical line `line` with `flags`.  EBUSY if it is requested
** already (by anyone: ownership between apps is capability/'s, the board
** refuses a second request too), ENODEV if the board maps no such line,
** EINVAL for bad flags (edges on an output, drive on an input). */
int vy_hal_gpio_open(vy_board *b, uint32_t line, uint32_t flags,
                     vy_hal_line **out);
/* The logical value (active-low applied): 0 or 1, or an error. */
int vy_hal_gpio_read(vy_hal_line *l);
int vy_hal_gpio_write(vy_hal_line *l, int value); /* outputs only: EINVAL */
/* Waits for the next edge requested at open: VY_HAL_OK with *ev filled,
** ETIMEDOUT, ECANCELED, or EINVAL when the line reports no edges.  Edges
** that happened since open and were not yet waited for are queued (at
** least 16; the oldest are dropped past that), as the kernel does. */
int vy_hal_gpio_wait_edge(vy_hal_line *l, int timeout_ms, int cancel_fd,
                          vy_hal_edge *ev);
/* Releases the line.  An output first goes to `safe`, the state the
** profile names for lines an app lets go of: input (released undriven, the
** default), or driven inactive / active before release. */
#define VY_GPIO_SAFE_INPUT 0
#define VY_GPIO_SAFE_LOW   1
#define VY_GPIO_SAFE_HIGH  2
void vy_hal_gpio_close(vy_hal_line *l, int safe);

/* ---- I2C ----------------------------------------------------------- */
typedef struct vy_hal_i2c_op {
  bool read;    /* else write */
  uint8_t *buf; /* len bytes: filled on read, sent on write */
  size_t len;
} vy_hal_i2c_op;

/* One combined transaction (repeated starts, one stop) on logical bus
** `bus` to 7-bit `addr`.  ENODEV for an unknown bus; ENOACK_ADDR when no
** device answers; ETOOBIG / EINVAL past the limits above. */
int vy_hal_i2c_transaction(vy_board *b, uint32_t bus, uint32_t addr,
                           vy_hal_i2c_op *ops, size_t nops);

/* ---- SPI ----------------------------------------------------------- */
/* Full duplex: len bytes out of tx (NULL: zeros) while len bytes come into
** rx (NULL: dropped), on logical bus.cs, in SPI mode 0..3 at speed_hz
** (0: the device's default). */
int vy_hal_spi_transfer(vy_board *b, uint32_t bus, uint32_t cs, uint32_t mode,
                        uint32_t speed_hz, const uint8_t *tx, uint8_t *rx,
                        size_t len);

/* ---- UART ---------------------------------------------------------- */
typedef struct vy_hal_uart vy_hal_uart;

#define VY_UART_PARITY_NONE 0
#define VY_UART_PARITY_ODD  1
#define VY_UART_PARITY_EVEN 2

/* Opens port `name` (as granted: "ttyS1"), raw mode, 115200 8N1.  EBUSY if
** it is open already. */
int vy_hal_uart_open(vy_board *b, const char *name, vy_hal_uart **out);
/* baud: a standard rate (50..4000000); data_bits 5..8; stop_bits 1 or 2 */
int vy_hal_uart_config(vy_hal_uart *u, uint32_t baud, uint32_t parity,
                       uint32_t stop_bits, uint32_t data_bits);
/* Up to len bytes: the count (> 0) as soon as some arrived, ETIMEDOUT when
** none did within the timeout, ECANCELED. */
int vy_hal_uart_read(vy_hal_uart *u, uint8_t *buf, size_t len, int timeout_ms,
                     int cancel_fd);
/* All len bytes, or an error: the count written. */
int vy_hal_uart_write(vy_hal_uart *u, const uint8_t *buf, size_t len);
void vy_hal_uart_close(vy_hal_uart *u);

/* ---- ADC ----------------------------------------------------------- */
/* Channel `channel` of converter `dev` (a grant "CHANNEL" is dev 0):
** *raw the converter's value, *millivolts with the scale applied
** (raw * scale, rounded to nearest). */
int vy_hal_adc_read(vy_board *b, uint32_t dev, uint32_t channel, int32_t *raw,
                    int32_t *millivolts);

/* ---- the outside of the board: for operators and tests -------------- */
/* What a line is at, as the world outside the board sees it, whoever owns
** it: 0 or 1 (the physical level), or ENOTSUP where a backend cannot tell
** (a real chip's line that is requested by someone).  sim: the line's
** level; linux: gpio-sim chips through their sysfs "value". */
int vy_hal_gpio_peek(vy_board *b, uint32_t line);
/* Drives an input line from outside (a button press): sim: the level;
** linux: a gpio-sim line's "pull"; ENOTSUP on real chips. */
int vy_hal_gpio_poke(vy_board *b, uint32_t line, int level);
/* Sets what an ADC channel reads (sim only; ENOTSUP elsewhere). */
int vy_hal_adc_poke(vy_board *b, uint32_t dev, uint32_t channel, int32_t raw);
/* One line per device the board maps, for `vyctl hal`: "gpio 17 chip
** /dev/gpiochip0 line 17", "i2c 1 /dev/i2c-1", ...; returns the length
** written (snprintf-style, may exceed len). */
size_t vy_board_describe(const vy_board *b, char *buf, size_t len);

/* ---- bring-up and the sim's own helpers ------------------------------ */
/* The board file's [setup]: kernel modules, gpio-sim chips, IIO dummy
** devices (linux backend, as PID 1, before apps start; the sim does
** nothing).  Each step that fails adds one line "setup: ..." to err (the
** lines joined with '\n', cut at errlen) and bring-up goes on with the
** rest; the result is VY_HAL_OK, or VY_HAL_EBUS when any step failed.
** Devices named by label or name ("name:...") are looked up again
** afterwards, so a board opened before bring-up finds what it made. */
int vy_board_bringup(vy_board *b, char *err, size_t errlen);
/* Sets what a simulated TMP102 at bus:addr reads, in milli-degrees C
** (sim only: ENOTSUP elsewhere; ENODEV if there is none there). */
int vy_hal_sim_set_temp(vy_board *b, uint32_t bus, uint32_t addr,
                        int32_t milli_c);

#endif
