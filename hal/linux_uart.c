/*
** linux_uart.c — serial ports through termios: opened non-blocking, raw
** (cfmakeraw: no echo, no line editing, no signals, 8 bits through), no
** modem control (CLOCAL), 115200 8N1 at first; vy_hal_uart_config sets a
** standard B* rate for both directions, parity, stop and data bits.
** Reads poll the tty with the port's wake eventfd (a close) and the
** caller's cancel fd; writes write all, polling for room, and give up
** with EBADHANDLE if the port is closed meanwhile.
*/
#include "linux.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

static int apply(int fd, uint32_t baud, uint32_t parity, uint32_t stop_bits,
                 uint32_t data_bits) {
  struct termios t;
  if (tcgetattr(fd, &t) != 0) return lx_errno(errno);
  if (hal_uart_termios(&t, baud, parity, stop_bits, data_bits) != 0)
    return VY_HAL_EINVAL;
  if (tcsetattr(fd, TCSANOW, &t) != 0) return lx_errno(errno);
  return VY_HAL_OK;
}

int lx_uart_open(vy_hal_uart *u) {
  int fd = open(u->dev->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno == EBUSY ? VY_HAL_EBUSY : VY_HAL_ENODEV;
  int rc =
      isatty(fd) ? apply(fd, 115200, VY_UART_PARITY_NONE, 1, 8) : VY_HAL_ENODEV;
  if (rc != VY_HAL_OK) {
    close(fd);
    return rc;
  }
  /* what arrived before anyone listened is not this app's */
  tcflush(fd, TCIFLUSH);
  u->fd = fd;
  return VY_HAL_OK;
}

int lx_uart_config(vy_hal_uart *u, uint32_t baud, uint32_t parity,
                   uint32_t stop_bits, uint32_t data_bits) {
  return apply(u->fd, baud, parity, stop_bits, data_bits);
}

/* as lx_gpio_wait: closed since the wait began? then pass the wake on */
static bool stale(vy_hal_uart *u, uint32_t gen) {
  pthread_mutex_lock(&u->b->mu);
  bool s = u->gen != gen;
  pthread_mutex_unlock(&u->b->mu);
  if (s) hal_wake(u->wake_fd);
  return s;
}

int lx_uart_read(vy_hal_uart *u, uint32_t gen, uint8_t *buf, size_t len,
                 int timeout_ms, int cancel_fd) {
  int64_t deadline = hal_deadline(timeout_ms);
  for (;;) {
    if (stale(u, gen)) return VY_HAL_EBADHANDLE;
    int r = hal_poll(u->fd, u->wake_fd, cancel_fd, deadline);
    if (r == HAL_READY_WAKE) continue;
    if (r != HAL_READY_FD) return r;
    ssize_t n = read(u->fd, buf, len);
    if (n > 0) return (int)n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    /* 0: a hang-up (the other side of a pty closed); EIO likewise */
    return VY_HAL_EBUS;
  }
}

int lx_uart_write(vy_hal_uart *u, const uint8_t *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(u->fd, buf + done, len - done);
    if (n > 0) {
      done += (size_t)n;
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return VY_HAL_EBUS;
    /* full: wait for room, or for a close */
    struct pollfd p[2] = { { u->fd, POLLOUT, 0 }, { u->wake_fd, POLLIN, 0 } };
    if (poll(p, 2, -1) < 0 && errno != EINTR) return VY_HAL_EBUS;
    if (p[1].revents)
      return VY_HAL_EBADHANDLE; /* not drained: readers
                                    wake on it too */
  }
  return (int)len;
}

void lx_uart_close(vy_hal_uart *u) {
  close(u->fd);
  u->fd = -1;
}
