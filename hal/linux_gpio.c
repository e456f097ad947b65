/*
** linux_gpio.c — GPIO lines through the GPIO character device, uAPI v2:
** a logical line is a one-line request (GPIO_V2_GET_LINE_IOCTL) on its
** chip, found by /dev path or by label (GPIO_GET_CHIPINFO_IOCTL over
** /dev/gpiochip*); values through GET_VALUES / SET_VALUES; edges read
** from the request's fd (struct gpio_v2_line_event, CLOCK_MONOTONIC
** stamps: the kernel's default) after a poll that also watches the
** line's wake eventfd and the caller's cancel fd.  gpio-sim chips can be
** peeked and poked from outside through their sysfs (sim_gpioN/value,
** sim_gpioN/pull: a pull on an input makes real edges).
**
** The request fd is non-blocking: two threads of one app may wait on one
** line, and the one that loses the race to read must not block there.
*/
#include "linux.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* ---- chips --------------------------------------------------------------- */

/* A chip's fd and info, if its label or name is `want` (or any, NULL). */
static int try_chip(const char *path, const char *want,
                    struct gpiochip_info *info) {
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  memset(info, 0, sizeof *info);
  if (ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, info) == 0 &&
      (!want || strcmp(info->label, want) == 0 ||
       strcmp(info->name, want) == 0))
    return fd;
  close(fd);
  return -1;
}

/* The chip named in the board file: an fd, or ENODEV. */
static int open_chip(const char *chip, struct gpiochip_info *info) {
  if (chip[0] == '/') {
    int fd = try_chip(chip, NULL, info);
    return fd >= 0 ? fd : VY_HAL_ENODEV;
  }
  DIR *d = opendir(hal_dev_root);
  if (!d) return VY_HAL_ENODEV;
  int fd = -1;
  struct dirent *e;
  while (fd < 0 && (e = readdir(d))) {
    if (strncmp(e->d_name, "gpiochip", 8) != 0) continue;
    char path[HAL_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", hal_dev_root, e->d_name);
    fd = try_chip(path, chip, info);
  }
  closedir(d);
  return fd >= 0 ? fd : VY_HAL_ENODEV;
}

/* ---- requests ------------------------------------------------------------ */

int lx_gpio_open(vy_hal_line *l, uint32_t flags) {
  struct gpiochip_info info;
  int chip = open_chip(l->map->chip, &info);
  if (chip < 0) return chip;
  if (l->map->offset >= info.lines) {
    close(chip);
    return VY_HAL_ENODEV;
  }
  struct gpio_v2_line_request req;
  hal_gpio_v2_request(&req, l->map->offset, flags, "vyoma");
  int rc = ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req) == 0 ? VY_HAL_OK
                                                          : lx_errno(errno);
  close(chip);
  if (rc != VY_HAL_OK) return rc;
  int fl = fcntl(req.fd, F_GETFL);
  if (fl < 0 || fcntl(req.fd, F_SETFL, fl | O_NONBLOCK) < 0) {
    close(req.fd);
    return VY_HAL_EBUS;
  }
  l->req_fd = req.fd;
  return VY_HAL_OK;
}

int lx_gpio_read(vy_hal_line *l) {
  struct gpio_v2_line_values v = { 0, 1 };
  if (ioctl(l->req_fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &v) != 0)
    return lx_errno(errno);
  return (int)(v.bits & 1);
}

int lx_gpio_write(vy_hal_line *l, int value) {
  struct gpio_v2_line_values v = { value ? 1u : 0u, 1 };
  if (ioctl(l->req_fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v) != 0)
    return lx_errno(errno);
  return VY_HAL_OK;
}

/* Whether the line was closed since the wait began; if so, the wake goes
** on to any other waiter (one eventfd read takes it from all). */
static bool stale(vy_hal_line *l, uint32_t gen) {
  pthread_mutex_lock(&l->b->mu);
  bool s = l->gen != gen;
  pthread_mutex_unlock(&l->b->mu);
  if (s) hal_wake(l->wake_fd);
  return s;
}

int lx_gpio_wait(vy_hal_line *l, uint32_t gen, int timeout_ms, int cancel_fd,
                 vy_hal_edge *ev) {
  int64_t deadline = hal_deadline(timeout_ms);
  for (;;) {
    if (stale(l, gen)) return VY_HAL_EBADHANDLE;
    int r = hal_poll(l->req_fd, l->wake_fd, cancel_fd, deadline);
    if (r == HAL_READY_WAKE) continue;
    if (r != HAL_READY_FD) return r;
    struct gpio_v2_line_event e;
    ssize_t n = read(l->req_fd, &e, sizeof e);
    if (n == (ssize_t)sizeof e) {
      ev->kind = e.id == GPIO_V2_LINE_EVENT_RISING_EDGE
                     ? VY_GPIO_EDGE_KIND_RISING
                     : VY_GPIO_EDGE_KIND_FALLING;
      ev->timestamp_ns = e.timestamp_ns;
      return VY_HAL_OK;
    }
    /* another waiter took it */
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    return VY_HAL_EBUS;
  }
}

/* The safe state first, then the release.  A failure here has no one to
** report to (the app is gone): the line is released all the same. */
void lx_gpio_close(vy_hal_line *l, int safe) {
  if (l->flags & VY_GPIO_OUTPUT) {
    if (safe == VY_GPIO_SAFE_INPUT) {
      struct gpio_v2_line_config cfg;
      memset(&cfg, 0, sizeof cfg);
      cfg.flags = GPIO_V2_LINE_FLAG_INPUT;
      (void)ioctl(l->req_fd, GPIO_V2_LINE_SET_CONFIG_IOCTL, &cfg);
    } else {
      struct gpio_v2_line_values v = { safe == VY_GPIO_SAFE_HIGH, 1 };
      (void)ioctl(l->req_fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v);
    }
  }
  close(l->req_fd);
  l->req_fd = -1;
}

/* ---- gpio-sim from outside ----------------------------------------------- */

/* The sysfs folder of a gpio-sim line: .../gpiochipM/sim_gpioK; ENOTSUP
** for chips that are not gpio-sim, ENODEV when the chip is missing. */
static int sim_dir(const vy_hal_line *l, char *out, size_t len) {
  struct gpiochip_info info;
  int chip = open_chip(l->map->chip, &info);
  if (chip < 0) return chip;
  close(chip);
  snprintf(out, len, "%s/bus/gpio/devices/%s/sim_gpio%u", hal_sys_root,
           info.name, l->map->offset);
  return access(out, F_OK) == 0 ? VY_HAL_OK : VY_HAL_ENOTSUP;
}

int lx_gpio_peek(vy_board *b, vy_hal_line *l) {
  (void)b;
  char dir[HAL_PATH_MAX + 128], path[HAL_PATH_MAX + 160], v[8];
  int rc = sim_dir(l, dir, sizeof dir);
  if (rc != VY_HAL_OK) return rc;
  snprintf(path, sizeof path, "%s/value", dir);
  if (lx_read_line(path, v, sizeof v) != 0) return lx_errno(errno);
  return v[0] == '1';
}

int lx_gpio_poke(vy_board *b, vy_hal_line *l, int level) {
  (void)b;
  char dir[HAL_PATH_MAX + 128], path[HAL_PATH_MAX + 160];
  int rc = sim_dir(l, dir, sizeof dir);
  if (rc != VY_HAL_OK) return rc;
  snprintf(path, sizeof path, "%s/pull", dir);
  if (lx_write_str(path, level ? "pull-up" : "pull-down") != 0)
    return lx_errno(errno);
  return VY_HAL_OK;
}
