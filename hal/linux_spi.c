/*
** linux_spi.c — SPI through spidev (/dev/spidevB.C): full-duplex
** transfers with SPI_IOC_MESSAGE(1).  The mode is set with
** SPI_IOC_WR_MODE and the speed with SPI_IOC_WR_MAX_SPEED_HZ only when
** they change (each is a reconfiguration of the controller); a speed of 0
** keeps the device's default.  The device is opened at first use and
** kept; its mutex keeps one transfer (with its mode) at a time.
*/
#include "linux.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* mode and speed as asked, set only when they differ from the last */
static int spi_setup(lx_bus *d, uint32_t mode, uint32_t speed) {
  int bits = hal_spi_mode_bits(mode);
  if (bits < 0) return VY_HAL_EINVAL;
  if (bits != d->mode) {
    uint8_t m = (uint8_t)bits;
    if (ioctl(d->fd, SPI_IOC_WR_MODE, &m) != 0) return lx_errno(errno);
    d->mode = bits;
  }
  if (speed && speed != d->speed) {
    if (ioctl(d->fd, SPI_IOC_WR_MAX_SPEED_HZ, &speed) != 0)
      return lx_errno(errno);
    d->speed = speed;
  }
  return VY_HAL_OK;
}

int lx_spi(vy_board *b, const hal_dev *dev, uint32_t mode, uint32_t speed,
           const uint8_t *tx, uint8_t *rx, size_t len) {
  lx_board *x = b->priv;
  lx_bus *d = NULL;
  for (size_t i = 0; i < x->nspi; i++)
    if (x->spi[i].dev == dev) d = &x->spi[i];
  if (!d) return VY_HAL_ENODEV;
  pthread_mutex_lock(&d->mu);
  int rc = VY_HAL_OK;
  if (d->fd < 0 && (d->fd = open(dev->path, O_RDWR | O_CLOEXEC)) < 0)
    rc = VY_HAL_ENODEV;
  if (rc == VY_HAL_OK) rc = spi_setup(d, mode, speed);
  if (rc == VY_HAL_OK) {
    struct spi_ioc_transfer t;
    hal_spi_xfer(&t, tx, rx, len, speed);
    if (ioctl(d->fd, SPI_IOC_MESSAGE(1), &t) < 0) rc = lx_errno(errno);
  }
  pthread_mutex_unlock(&d->mu);
  return rc;
}
