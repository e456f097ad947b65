/*
** linux.h — what the linux backend's files share: its part of the board
** (per-bus and per-device state with their own locks, so a transfer on
** one bus waits for no other), the lookups of devices named by label or
** name, and each file's entry points for linux.c's backend table.
**
** Devices are found when first used, not when the board opens: vyomad
** opens the board before bring-up makes the gpio-sim chip or loads
** i2c-stub, and a board whose devices are missing still opens; its calls
** then return ENODEV until the devices appear.
*/
#ifndef VY_HAL_LINUX_H
#define VY_HAL_LINUX_H

#include "hal_int.h"

typedef struct lx_bus { /* an I2C bus or an SPI device */
  const hal_dev *dev;
  pthread_mutex_t mu;  /* one transfer at a time: SMBus binds the fd */
  int fd;              /* -1 until first used */
  unsigned long funcs; /* I2C_FUNCS */
  int mode;            /* SPI: the mode bits set, -1 for none yet */
  uint32_t speed;      /* SPI: the max speed set, 0 for none yet */
} lx_bus;

typedef struct lx_board {
  lx_bus *i2c, *spi;
  size_t ni2c, nspi;
} lx_board;

/* linux.c: small file helpers */
/* the first line of a sysfs file into buf (newline cut); -1 with errno */
int lx_read_line(const char *path, char *buf, size_t len);
int lx_write_str(const char *path, const char *s); /* -1 with errno */
/* "name:X": the folder under dir (e.g. /sys/bus/iio/devices) whose
** file "name" reads X, into out; -1 if none does */
int lx_find_by_name(const char *dir, const char *name, char *out, size_t len);
/* errno of a failed open or ioctl on a device -> vy_hal_err */
int lx_errno(int e);

/* linux_gpio.c (b->mu held) */
int lx_gpio_open(vy_hal_line *l, uint32_t flags);
int lx_gpio_read(vy_hal_line *l);
int lx_gpio_write(vy_hal_line *l, int value);
int lx_gpio_wait(vy_hal_line *l, uint32_t gen, int timeout_ms, int cancel_fd,
                 vy_hal_edge *ev); /* unlocked */
void lx_gpio_close(vy_hal_line *l, int safe);
int lx_gpio_peek(vy_board *b, vy_hal_line *l);
int lx_gpio_poke(vy_board *b, vy_hal_line *l, int level);

/* linux_i2c.c, linux_spi.c (unlocked) */
int lx_i2c(vy_board *b, const hal_dev *bus, uint32_t addr, vy_hal_i2c_op *ops,
           size_t nops);
int lx_spi(vy_board *b, const hal_dev *dev, uint32_t mode, uint32_t speed,
           const uint8_t *tx, uint8_t *rx, size_t len);
void lx_bus_close(lx_bus *bus);

/* linux_uart.c */
int lx_uart_open(vy_hal_uart *u);
int lx_uart_config(vy_hal_uart *u, uint32_t baud, uint32_t parity,
                   uint32_t stop_bits, uint32_t data_bits);
int lx_uart_read(vy_hal_uart *u, uint32_t gen, uint8_t *buf, size_t len,
                 int timeout_ms, int cancel_fd); /* unlocked */
int lx_uart_write(vy_hal_uart *u, const uint8_t *buf, size_t len); /* same */
void lx_uart_close(vy_hal_uart *u);

/* linux_adc.c (unlocked) */
int lx_adc_read(vy_board *b, uint32_t dev, uint32_t ch, int32_t *raw,
                int32_t *mv);

/* linux_setup.c (unlocked) */
int lx_bringup(vy_board *b, char *err, size_t errlen);

#endif
