/*
** hal_int.h — what the files of hal/ share and nothing outside hal/ (and
** its tests) should see: the board file as read (board_file.c), the board
** with its line and port slots (board.c), the backend table that sim.c and
** linux.c fill, and the pure request builders of the linux backend, which
** tests/hal/ checks field by field.
**
** Lines and serial ports are slots that live as long as the board: a
** handle (vy_hal_line *, vy_hal_uart *) is the slot itself, so a thread
** still waiting on a line that another thread closes never touches freed
** memory.  Closing bumps the slot's generation, wakes its waiters through
** the slot's eventfd and waits (on a condition variable, the board lock
** released) until they have left; they return EBADHANDLE.
**
** One mutex per board (vy_board.mu) guards every slot and the sim's
** state.  It is never held across a blocking wait: waits poll with the
** lock released.
*/
#ifndef VY_HAL_INT_H
#define VY_HAL_INT_H

#include "hal.h"
#include "../profile/schema.h"

#include <pthread.h>
#include <stdint.h>

#define HAL_EDGE_QUEUE 16 /* edges kept per line, as the kernel's minimum */
#define HAL_PATH_MAX   256
#define HAL_NAME_MAX   33 /* uart names: [A-Za-z0-9_-]{1,32} + NUL */

/* ---- the board file (board_file.c) ------------------------------------- */

/* A logical line mapped to CHIP:OFFSET; chip is a /dev path or a label. */
typedef struct hal_gpio_map {
  uint32_t line;
  char chip[HAL_PATH_MAX];
  uint32_t offset;
} hal_gpio_map;

/* A bus, SPI device, serial port, ADC converter or sim device: a, b its
** logical numbers (i2c: bus; spi: bus, cs; adc: dev; sim tmp102: bus,
** addr; sim adc: dev, channel), name a uart's name, path where it is (a
** path, or "name:LABEL" to be looked up by the linux backend). */
typedef struct hal_dev {
  uint32_t a, b;
  char name[HAL_NAME_MAX];
  char path[HAL_PATH_MAX];
} hal_dev;

typedef struct hal_devs {
  hal_dev *v;
  size_t n;
} hal_devs;

typedef struct hal_conf {
  /* filled by the rows */
  char *name, *backend;
  vy_strlist gpio_lines, i2c_buses, spi_devices, uart_ports, adc_devices;
  vy_strlist modules, gpio_sim, iio_dummy;
  char *sim_state;
  vy_strlist sim_tmp102, sim_uart, sim_adc, sim_spi;
  char sim_temperature[24], sim_adc_scale[24];
  uint32_t *sim_leds, *sim_buttons;
  size_t nsim_leds, nsim_buttons;
  int64_t sim_adc_raw;
  /* filled by the finish hook from the above */
  hal_gpio_map *gpio;
  size_t ngpio;
  hal_devs i2c, spi, uart, adc, tmp102, simadc, simspi;
  int32_t temp_mc;        /* sim temperature, milli-degrees C */
  double adc_scale;       /* sim: millivolts per LSB */
  char dir[HAL_PATH_MAX]; /* the board file's folder */
} hal_conf;

/* Reads a board file: 0, or -1 with "FILE:LINE: KEY: message" in err. */
int hal_conf_load(const char *path, hal_conf *c, char *err, size_t errlen);
/* The same from text (tests). */
int hal_conf_parse(const char *path, const char *text, hal_conf *c, char *err,
                   size_t errlen);
void hal_conf_free(hal_conf *c);
const hal_dev *hal_devs_find(const hal_devs *d, uint32_t a, uint32_t b);
const hal_dev *hal_devs_find_name(const hal_devs *d, const char *name);
/* "21.5", "-0.25", "3" -> value; -1 if not a plain decimal number. */
int hal_parse_decimal(const char *s, double *out);

/* ---- slots ----------------------------------------------------------- */

enum { HAL_ROLE_PLAIN, HAL_ROLE_LED, HAL_ROLE_BUTTON };

struct vy_hal_line {
  vy_board *b;
  uint32_t line;
  const hal_gpio_map *map; /* linux; NULL on the sim */
  int role;                /* sim: HAL_ROLE_* (what the state folder does) */
  bool open, closing;
  uint32_t flags;
  uint32_t gen; /* bumped at each close: waiters from before leave */
  int waiters;
  int wake_fd; /* eventfd: an edge was queued (sim), or a close */
  pthread_cond_t idle;
  /* sim */
  int level;   /* the physical level */
  bool driven; /* poked from outside since the board opened */
  vy_hal_edge q[HAL_EDGE_QUEUE];
  unsigned qhead, qlen;
  /* linux */
  int req_fd;
};

struct vy_hal_uart {
  vy_board *b;
  char name[HAL_NAME_MAX];
  const hal_dev *dev; /* linux; NULL on the sim */
  bool open, closing;
  uint32_t gen;
  int waiters;
  int wake_fd;
  pthread_cond_t idle;
  int fd; /* linux */
  /* sim loopback: what was written and not yet read */
  uint8_t *buf;
  size_t head, len;
};

/* ---- backends -------------------------------------------------------- */

/* Each function is called with b->mu held unless it says "unlocked";
** those take and drop it themselves around what they share. */
typedef struct hal_backend {
  const char *name;
  int (*open)(vy_board *b, char *err, size_t errlen); /* unlocked */
  void (*close)(vy_board *b);                         /* unlocked */
  int (*gpio_open)(vy_hal_line *l, uint32_t flags);
  int (*gpio_read)(vy_hal_line *l);
  int (*gpio_write)(vy_hal_line *l, int value);
  /* unlocked; the line is open and counted as waited on */
  int (*gpio_wait)(vy_hal_line *l, uint32_t gen, int timeout_ms, int cancel_fd,
                   vy_hal_edge *ev);
  void (*gpio_close)(vy_hal_line *l, int safe);
  int (*gpio_peek)(vy_board *b, vy_hal_line *l);
  int (*gpio_poke)(vy_board *b, vy_hal_line *l, int level);
  /* unlocked */
  int (*i2c)(vy_board *b, const hal_dev *bus, uint32_t addr, vy_hal_i2c_op *ops,
             size_t nops);
  int (*spi)(vy_board *b, const hal_dev *dev, uint32_t mode, uint32_t speed,
             const uint8_t *tx, uint8_t *rx, size_t len);
  int (*uart_open)(vy_hal_uart *u);
  int (*uart_config)(vy_hal_uart *u, uint32_t baud, uint32_t parity,
                     uint32_t stop_bits, uint32_t data_bits);
  /* unlocked; the port is open and counted as waited on */
  int (*uart_read)(vy_hal_uart *u, uint32_t gen, uint8_t *buf, size_t len,
                   int timeout_ms, int cancel_fd);
  /* unlocked; counted as waited on (a tty write may block) */
  int (*uart_write)(vy_hal_uart *u, const uint8_t *buf, size_t len);
  void (*uart_close)(vy_hal_uart *u);
  /* unlocked */
  int (*adc_read)(vy_board *b, uint32_t dev, uint32_t ch, int32_t *raw,
                  int32_t *mv);
  int (*adc_poke)(vy_board *b, uint32_t dev, uint32_t ch, int32_t raw);
  int (*set_temp)(vy_board *b, uint32_t bus, uint32_t addr, int32_t milli_c);
  /* unlocked; appends the backend's own lines to vy_board_describe's */
  size_t (*describe)(const vy_board *b, char *buf, size_t len);
  int (*bringup)(vy_board *b, char *err, size_t errlen); /* unlocked */
} hal_backend;

extern const hal_backend hal_sim_backend;
extern const hal_backend hal_linux_backend;

struct vy_board {
  const hal_backend *be;
  hal_conf conf;
  pthread_mutex_t mu;
  vy_hal_line *lines; /* one slot per logical line the board has */
  size_t nlines;
  vy_hal_uart *uarts; /* one slot per port */
  size_t nuarts;
  void *priv; /* the backend's own */
};

/* Slots (board.c): adds a line or port slot while the backend opens the
** board; NULL if out of memory.  A line number already there is returned
** as it is. */
vy_hal_line *hal_add_line(vy_board *b, uint32_t line);
vy_hal_uart *hal_add_uart(vy_board *b, const char *name);
vy_hal_line *hal_find_line(vy_board *b, uint32_t line);

/* ---- waiting (board.c) --------------------------------------------------- */

#define HAL_READY_FD   1 /* fd is readable */
#define HAL_READY_WAKE 2 /* wake_fd was signalled (and is now drained) */

/* An absolute CLOCK_MONOTONIC deadline in ns for timeout_ms (-1: none,
** INT64_MAX), and the wait itself: polls fd (may be -1), wake_fd and
** cancel_fd (may be -1) until one is ready or the deadline passes.
** HAL_READY_*, ECANCELED, ETIMEDOUT, or EBUS if poll fails. */
int64_t hal_deadline(int timeout_ms);
int hal_poll(int fd, int wake_fd, int cancel_fd, int64_t deadline);
uint64_t hal_now_ns(void);
void hal_wake(int wake_fd); /* signals an eventfd; never blocks */

/* Where the linux backend looks: "/sys", "/dev", "/lib/modules" (tests
** point them at scratch folders before opening a board). */
extern const char *hal_sys_root, *hal_dev_root, *hal_modules_dir;

/* ---- the linux backend's pure parts (linux_req.c), tested on any host -- */

#include <linux/gpio.h>
#include <linux/i2c.h>
#include <linux/spi/spidev.h>

/* vy_hal_gpio_open flags -> the line attribute flags of a v2 request */
uint64_t hal_gpio_v2_flags(uint32_t flags);
/* a whole request for one line at offset, consumer label, initial value */
void hal_gpio_v2_request(struct gpio_v2_line_request *req, uint32_t offset,
                         uint32_t flags, const char *consumer);

/* How an I2C transaction goes to the kernel: as I2C_RDWR messages, or, on
** an adapter without I2C_FUNC_I2C, as one SMBus call. */
enum {
  HAL_SMBUS_NONE,        /* not expressible as SMBus: ENOTSUP */
  HAL_SMBUS_QUICK,       /* a zero-length write: address probe */
  HAL_SMBUS_BYTE_W,      /* write 1: "send byte" */
  HAL_SMBUS_BYTE_R,      /* read 1: "receive byte" */
  HAL_SMBUS_BYTE_DATA_W, /* write 2: command + byte */
  HAL_SMBUS_WORD_DATA_W, /* write 3: command + word (MSB/LSB as sent) */
  HAL_SMBUS_BLOCK_W,     /* write 4..33: command + i2c block */
  HAL_SMBUS_BYTE_DATA_R, /* write 1 + read 1 */
  HAL_SMBUS_WORD_DATA_R, /* write 1 + read 2 */
  HAL_SMBUS_BLOCK_R      /* write 1 + read 3..32: i2c block read */
};
/* The SMBus call for ops, given the adapter's I2C_FUNCS bits; NONE if
** there is none or the adapter lacks it. */
int hal_smbus_choice(const vy_hal_i2c_op *ops, size_t nops,
                     unsigned long funcs);
/* ops -> msgs[nops] for I2C_RDWR */
void hal_i2c_msgs(struct i2c_msg *msgs, const vy_hal_i2c_op *ops, size_t nops,
                  uint32_t addr);
/* errno of a failed I2C ioctl -> vy_hal_err */
int hal_i2c_errno(int e);
void hal_spi_xfer(struct spi_ioc_transfer *x, const uint8_t *tx, uint8_t *rx,
                  size_t len, uint32_t speed_hz);
/* SPI mode 0..3 -> SPI_MODE_n bits; -1 if out of range */
int hal_spi_mode_bits(uint32_t mode);
/* baud -> B* constant; 0 if not a standard rate */
unsigned hal_uart_speed(uint32_t baud);
/* raw mode (cfmakeraw), CLOCAL | CREAD, the frame and both speeds into t;
** -1 for a rate or size that is not one */
struct termios;
int hal_uart_termios(struct termios *t, uint32_t baud, uint32_t parity,
                     uint32_t stop_bits, uint32_t data_bits);

#endif
