/*
** linux_req.c — the linux backend's pure parts: how a vy_hal call becomes
** the structures the kernel's uAPI takes (a GPIO v2 line request, I2C_RDWR
** messages or the SMBus call that replaces them, an SPI transfer, a
** termios speed) and how the kernel's errno becomes a vy_hal_err.  No
** system calls here, so tests/hal/ checks them on any host, field by
** field; linux_*.c make the calls.
*/
#include "hal_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>

/* ---- GPIO ---------------------------------------------------------------- */

uint64_t hal_gpio_v2_flags(uint32_t flags) {
  uint64_t f = 0;
  if (flags & VY_GPIO_OUTPUT)
    f |= GPIO_V2_LINE_FLAG_OUTPUT;
  else
    f |= GPIO_V2_LINE_FLAG_INPUT;
  if (flags & VY_GPIO_ACTIVE_LOW) f |= GPIO_V2_LINE_FLAG_ACTIVE_LOW;
  switch (flags & VY_GPIO_BIAS_MASK) {
    case VY_GPIO_BIAS_DISABLED: f |= GPIO_V2_LINE_FLAG_BIAS_DISABLED; break;
    case VY_GPIO_PULL_UP: f |= GPIO_V2_LINE_FLAG_BIAS_PULL_UP; break;
    case VY_GPIO_PULL_DOWN: f |= GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN; break;
    default: break; /* as-is: no bias flag leaves the line's bias alone */
  }
  if (flags & VY_GPIO_OUTPUT) {
    if (flags & VY_GPIO_OPEN_DRAIN) f |= GPIO_V2_LINE_FLAG_OPEN_DRAIN;
    if (flags & VY_GPIO_OPEN_SOURCE) f |= GPIO_V2_LINE_FLAG_OPEN_SOURCE;
  } else {
    if (flags & VY_GPIO_EDGE_RISING) f |= GPIO_V2_LINE_FLAG_EDGE_RISING;
    if (flags & VY_GPIO_EDGE_FALLING) f |= GPIO_V2_LINE_FLAG_EDGE_FALLING;
  }
  return f;
}

void hal_gpio_v2_request(struct gpio_v2_line_request *req, uint32_t offset,
                         uint32_t flags, const char *consumer) {
  memset(req, 0, sizeof *req);
  req->offsets[0] = offset;
  req->num_lines = 1;
  snprintf(req->consumer, sizeof req->consumer, "%s", consumer);
  req->config.flags = hal_gpio_v2_flags(flags);
  /* an output's first value rides in the request, so it never glitches */
  if ((flags & VY_GPIO_OUTPUT) && (flags & VY_GPIO_INITIAL_HIGH)) {
    req->config.num_attrs = 1;
    req->config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
    req->config.attrs[0].attr.values = 1;
    req->config.attrs[0].mask = 1;
  }
  /* 16 events at least, as hal.h promises (the kernel's default is 16 per
  ** line too, but saying it keeps that true if the default changes) */
  req->event_buffer_size = (flags & VY_GPIO_EDGE_MASK) ? HAL_EDGE_QUEUE : 0;
}

/* ---- I2C ----------------------------------------------------------------- */

void hal_i2c_msgs(struct i2c_msg *msgs, const vy_hal_i2c_op *ops, size_t nops,
                  uint32_t addr) {
  for (size_t i = 0; i < nops; i++) {
    msgs[i].addr = (__u16)addr;
    msgs[i].flags = ops[i].read ? I2C_M_RD : 0;
    msgs[i].len = (__u16)ops[i].len;
    msgs[i].buf = ops[i].buf;
  }
}

/* The SMBus shape of a transaction: see hal_int.h's HAL_SMBUS_*. */
static int smbus_shape(const vy_hal_i2c_op *ops, size_t nops) {
  if (nops == 1 && !ops[0].read) {
    size_t n = ops[0].len;
    return n == 0                         ? HAL_SMBUS_QUICK
           : n == 1                       ? HAL_SMBUS_BYTE_W
           : n == 2                       ? HAL_SMBUS_BYTE_DATA_W
           : n == 3                       ? HAL_SMBUS_WORD_DATA_W
           : n <= 1 + I2C_SMBUS_BLOCK_MAX ? HAL_SMBUS_BLOCK_W
                                          : HAL_SMBUS_NONE;
  }
  if (nops == 1 && ops[0].read && ops[0].len == 1) return HAL_SMBUS_BYTE_R;
  if (nops == 2 && !ops[0].read && ops[0].len == 1 && ops[1].read) {
    size_t n = ops[1].len;
    return n == 1                               ? HAL_SMBUS_BYTE_DATA_R
           : n == 2                             ? HAL_SMBUS_WORD_DATA_R
           : n >= 3 && n <= I2C_SMBUS_BLOCK_MAX ? HAL_SMBUS_BLOCK_R
                                                : HAL_SMBUS_NONE;
  }
  return HAL_SMBUS_NONE;
}

int hal_smbus_choice(const vy_hal_i2c_op *ops, size_t nops,
                     unsigned long funcs) {
  static const unsigned long need[] = {
    [HAL_SMBUS_NONE] = 0,
    [HAL_SMBUS_QUICK] = I2C_FUNC_SMBUS_QUICK,
    [HAL_SMBUS_BYTE_W] = I2C_FUNC_SMBUS_WRITE_BYTE,
    [HAL_SMBUS_BYTE_R] = I2C_FUNC_SMBUS_READ_BYTE,
    [HAL_SMBUS_BYTE_DATA_W] = I2C_FUNC_SMBUS_WRITE_BYTE_DATA,
    [HAL_SMBUS_WORD_DATA_W] = I2C_FUNC_SMBUS_WRITE_WORD_DATA,
    [HAL_SMBUS_BLOCK_W] = I2C_FUNC_SMBUS_WRITE_I2C_BLOCK,
    [HAL_SMBUS_BYTE_DATA_R] = I2C_FUNC_SMBUS_READ_BYTE_DATA,
    [HAL_SMBUS_WORD_DATA_R] = I2C_FUNC_SMBUS_READ_WORD_DATA,
    [HAL_SMBUS_BLOCK_R] = I2C_FUNC_SMBUS_READ_I2C_BLOCK,
  };
  int shape = smbus_shape(ops, nops);
  if (shape == HAL_SMBUS_NONE || (funcs & need[shape]) != need[shape])
    return HAL_SMBUS_NONE;
  return shape;
}

/* What the kernel's errno says about an I2C transfer on an open bus.
** Adapters differ: a missing address is ENXIO on most SMBus controllers
** and i2c-designware, EREMOTEIO on many I2C masters, ENODEV on i2c-stub
** (no chip there); and few can tell a NACK of the address from one of a
** data byte, reporting both alike.  So all three map to ENOACK_ADDR;
** ENOACK_DATA is only for what the HAL itself knows (the sim).  EAGAIN is
** lost arbitration, ETIMEDOUT a bus held low. */
int hal_i2c_errno(int e) {
  switch (e) {
    case ENXIO:
    case EREMOTEIO:
    case ENODEV: return VY_HAL_ENOACK_ADDR;
    case ETIMEDOUT: return VY_HAL_ETIMEDOUT;
    case EOPNOTSUPP: return VY_HAL_ENOTSUP;
    case EINVAL: return VY_HAL_EINVAL;
    case ENOMEM: return VY_HAL_ENOMEM;
    default: return VY_HAL_EBUS; /* EIO, EAGAIN, EPROTO, ... */
  }
}

/* ---- SPI ----------------------------------------------------------------- */

int hal_spi_mode_bits(uint32_t mode) {
  static const int bits[] = { SPI_MODE_0, SPI_MODE_1, SPI_MODE_2, SPI_MODE_3 };
  return mode < 4 ? bits[mode] : -1;
}

void hal_spi_xfer(struct spi_ioc_transfer *x, const uint8_t *tx, uint8_t *rx,
                  size_t len, uint32_t speed_hz) {
  memset(x, 0, sizeof *x);
  /* a NULL tx sends zeros and a NULL rx drops what comes in: spidev does
  ** both itself when the pointer is 0 */
  x->tx_buf = (__u64)(uintptr_t)tx;
  x->rx_buf = (__u64)(uintptr_t)rx;
  x->len = (__u32)len;
  x->speed_hz = speed_hz;
  x->bits_per_word = 8;
}

/* ---- UART ---------------------------------------------------------------- */

unsigned hal_uart_speed(uint32_t baud) {
  static const struct {
    uint32_t baud;
    speed_t b;
  } rates[] = {
    { 50, B50 },           { 75, B75 },           { 110, B110 },
    { 134, B134 },         { 150, B150 },         { 200, B200 },
    { 300, B300 },         { 600, B600 },         { 1200, B1200 },
    { 1800, B1800 },       { 2400, B2400 },       { 4800, B4800 },
    { 9600, B9600 },       { 19200, B19200 },     { 38400, B38400 },
    { 57600, B57600 },     { 115200, B115200 },   { 230400, B230400 },
    { 460800, B460800 },   { 500000, B500000 },   { 576000, B576000 },
    { 921600, B921600 },   { 1000000, B1000000 }, { 1152000, B1152000 },
    { 1500000, B1500000 }, { 2000000, B2000000 }, { 2500000, B2500000 },
    { 3000000, B3000000 }, { 3500000, B3500000 }, { 4000000, B4000000 },
  };
  for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
    if (rates[i].baud == baud) return (unsigned)rates[i].b;
  return 0;
}

int hal_uart_termios(struct termios *t, uint32_t baud, uint32_t parity,
                     uint32_t stop_bits, uint32_t data_bits) {
  static const tcflag_t size[] = { CS5, CS6, CS7, CS8 };
  speed_t sp = (speed_t)hal_uart_speed(baud);
  if (!sp || data_bits < 5 || data_bits > 8) return -1;
  cfmakeraw(t);
  t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB);
  /* CLOCAL: no modem lines to wait for; CREAD: the receiver on */
  t->c_cflag |= size[data_bits - 5] | CLOCAL | CREAD;
  if (parity != VY_UART_PARITY_NONE) t->c_cflag |= PARENB;
  if (parity == VY_UART_PARITY_ODD) t->c_cflag |= PARODD;
  if (stop_bits == 2) t->c_cflag |= CSTOPB;
  /* reads return what is there: the HAL polls, the tty must not wait */
  t->c_cc[VMIN] = 0;
  t->c_cc[VTIME] = 0;
  if (cfsetispeed(t, sp) != 0 || cfsetospeed(t, sp) != 0) return -1;
  return 0;
}
