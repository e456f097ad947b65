/*
** linux_i2c.c — I2C through /dev/i2c-N: a transaction is one I2C_RDWR
** ioctl (one struct i2c_msg per operation: repeated starts, one stop).
** An adapter without I2C_FUNC_I2C (SMBus-only controllers, and i2c-stub,
** which the VM uses) gets the one SMBus call that does the same thing
** (hal_smbus_choice: write 1 + read 1/2/N is read byte / word / i2c-block
** data, a single write is write byte / word / block); others are ENOTSUP.
**
** Bytes are always as on the wire.  An SMBus word goes low byte first, so
** a register read of two bytes (a TMP102 sends MSB first) is the word's
** low byte then its high byte, and a write of [reg, b1, b2] sends word
** b1 | b2 << 8.
**
** A bus is found at first use ("name:ADAPTER" through
** /sys/class/i2c-dev/i2c-N/name) and kept open; its mutex keeps one
** transaction at a time on it (SMBus binds the fd to an address with
** I2C_SLAVE), and no other bus waits for it.
*/
#include "linux.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void lx_bus_close(lx_bus *bus) {
  if (bus->fd >= 0) close(bus->fd);
  bus->fd = -1;
  pthread_mutex_destroy(&bus->mu);
}

/* "/dev/i2c-1" as it is; "name:X" -> /dev/i2c-N of the adapter named X */
static int bus_path(const char *spec, char *out, size_t len) {
  if (strncmp(spec, "name:", 5) != 0) {
    snprintf(out, len, "%s", spec);
    return 0;
  }
  char dir[HAL_PATH_MAX + 32], found[HAL_PATH_MAX + 64];
  snprintf(dir, sizeof dir, "%s/class/i2c-dev", hal_sys_root);
  if (lx_find_by_name(dir, spec + 5, found, sizeof found) != 0) return -1;
  const char *base = strrchr(found, '/');
  snprintf(out, len, "%s/%s", hal_dev_root, base + 1);
  return 0;
}

/* The bus's fd, opened at first use: 0, or ENODEV. */
static int bus_open(lx_bus *bus) {
  if (bus->fd >= 0) return 0;
  char path[HAL_PATH_MAX + 64];
  if (bus_path(bus->dev->path, path, sizeof path) != 0) return VY_HAL_ENODEV;
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return lx_errno(errno) == VY_HAL_EBUS ? VY_HAL_EBUS : VY_HAL_ENODEV;
  if (ioctl(fd, I2C_FUNCS, &bus->funcs) != 0) bus->funcs = I2C_FUNC_I2C;
  bus->fd = fd;
  return 0;
}

static int smbus_call(int fd, char rw, uint8_t cmd, int size,
                      union i2c_smbus_data *data) {
  struct i2c_smbus_ioctl_data a = { rw, cmd, (__u32)size, data };
  return ioctl(fd, I2C_SMBUS, &a) == 0 ? VY_HAL_OK : hal_i2c_errno(errno);
}

/* The SMBus call for `shape` (hal_int.h), bytes in wire order. */
static int smbus_do(int fd, int shape, vy_hal_i2c_op *ops) {
  union i2c_smbus_data d;
  const uint8_t *w = ops[0].buf;
  int rc;
  memset(&d, 0, sizeof d);
  switch (shape) {
    case HAL_SMBUS_QUICK:
      return smbus_call(fd, I2C_SMBUS_WRITE, 0, I2C_SMBUS_QUICK, NULL);
    case HAL_SMBUS_BYTE_W:
      return smbus_call(fd, I2C_SMBUS_WRITE, w[0], I2C_SMBUS_BYTE, NULL);
    case HAL_SMBUS_BYTE_R:
      rc = smbus_call(fd, I2C_SMBUS_READ, 0, I2C_SMBUS_BYTE, &d);
      if (rc == VY_HAL_OK) ops[0].buf[0] = d.byte;
      return rc;
    case HAL_SMBUS_BYTE_DATA_W:
      d.byte = w[1];
      return smbus_call(fd, I2C_SMBUS_WRITE, w[0], I2C_SMBUS_BYTE_DATA, &d);
    case HAL_SMBUS_WORD_DATA_W:
      d.word = (__u16)(w[1] | w[2] << 8);
      return smbus_call(fd, I2C_SMBUS_WRITE, w[0], I2C_SMBUS_WORD_DATA, &d);
    case HAL_SMBUS_BLOCK_W:
      d.block[0] = (__u8)(ops[0].len - 1);
      memcpy(d.block + 1, w + 1, ops[0].len - 1);
      return smbus_call(fd, I2C_SMBUS_WRITE, w[0], I2C_SMBUS_I2C_BLOCK_DATA,
                        &d);
    default: break;
  }
  int size = shape == HAL_SMBUS_BYTE_DATA_R   ? I2C_SMBUS_BYTE_DATA
             : shape == HAL_SMBUS_WORD_DATA_R ? I2C_SMBUS_WORD_DATA
                                              : I2C_SMBUS_I2C_BLOCK_DATA;
  /* the reads: a write of the command, then ops[1] */
  uint8_t *r = ops[1].buf;
  d.block[0] = (__u8)ops[1].len; /* i2c block read: how many bytes */
  rc = smbus_call(fd, I2C_SMBUS_READ, w[0], size, &d);
  if (rc != VY_HAL_OK) return rc;
  if (shape == HAL_SMBUS_BYTE_DATA_R) {
    r[0] = d.byte;
  } else if (shape == HAL_SMBUS_WORD_DATA_R) {
    r[0] = (uint8_t)(d.word & 0xff); /* the first byte on the wire */
    r[1] = (uint8_t)(d.word >> 8);
  } else {
    memcpy(r, d.block + 1, ops[1].len);
  }
  return VY_HAL_OK;
}

static int smbus_transaction(lx_bus *bus, uint32_t addr, vy_hal_i2c_op *ops,
                             size_t nops) {
  int shape = hal_smbus_choice(ops, nops, bus->funcs);
  if (shape == HAL_SMBUS_NONE) return VY_HAL_ENOTSUP;
  /* EBUSY: a kernel driver owns the address */
  if (ioctl(bus->fd, I2C_SLAVE, (unsigned long)addr) != 0)
    return errno == EBUSY ? VY_HAL_EBUSY : VY_HAL_EBUS;
  return smbus_do(bus->fd, shape, ops);
}

static int rdwr_transaction(lx_bus *bus, uint32_t addr, vy_hal_i2c_op *ops,
                            size_t nops) {
  struct i2c_msg msgs[VY_HAL_MAX_I2C_OPS];
  hal_i2c_msgs(msgs, ops, nops, addr);
  struct i2c_rdwr_ioctl_data d = { msgs, (__u32)nops };
  if (ioctl(bus->fd, I2C_RDWR, &d) >= 0) return VY_HAL_OK;
  return hal_i2c_errno(errno);
}

int lx_i2c(vy_board *b, const hal_dev *dev, uint32_t addr, vy_hal_i2c_op *ops,
           size_t nops) {
  lx_board *x = b->priv;
  lx_bus *bus = NULL;
  for (size_t i = 0; i < x->ni2c; i++)
    if (x->i2c[i].dev == dev) bus = &x->i2c[i];
  if (!bus) return VY_HAL_ENODEV;
  pthread_mutex_lock(&bus->mu);
  int rc = bus_open(bus);
  if (rc == VY_HAL_OK) {
    if (bus->funcs & I2C_FUNC_I2C) rc = rdwr_transaction(bus, addr, ops, nops);
    /* an adapter may claim I2C and still refuse a shape of it */
    if (!(bus->funcs & I2C_FUNC_I2C) || rc == VY_HAL_ENOTSUP)
      rc = smbus_transaction(bus, addr, ops, nops);
  }
  pthread_mutex_unlock(&bus->mu);
  return rc;
}
