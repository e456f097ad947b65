/*
** linux.c — the linux backend (hal_linux_backend): the board's slots from
** the board file's maps, its per-bus state, the helpers the linux_*.c
** files share (sysfs reads and writes, lookups by name, errno mapping),
** and vy_board_describe's lines.  The uAPI calls themselves live in
** linux_gpio.c, linux_i2c.c, linux_spi.c, linux_uart.c, linux_adc.c and
** linux_setup.c; the structures they hand the kernel are built by the
** pure functions of linux_req.c.
*/
#include "linux.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *hal_sys_root = "/sys";
const char *hal_dev_root = "/dev";
const char *hal_modules_dir = "/lib/modules";

/* ---- helpers ------------------------------------------------------------- */

int lx_read_line(const char *path, char *buf, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, len - 1);
  int e = errno;
  close(fd);
  if (n < 0) {
    errno = e;
    return -1;
  }
  buf[n] = 0;
  buf[strcspn(buf, "\n")] = 0;
  return 0;
}

int lx_write_str(const char *path, const char *s) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = strlen(s);
  ssize_t k = write(fd, s, n);
  int e = errno;
  close(fd);
  if (k == (ssize_t)n) return 0;
  errno = k < 0 ? e : EIO;
  return -1;
}

int lx_find_by_name(const char *dir, const char *name, char *out, size_t len) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  struct dirent *e;
  int rc = -1;
  while (rc != 0 && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[HAL_PATH_MAX + 64], got[HAL_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s/name", dir, e->d_name);
    if (lx_read_line(path, got, sizeof got) == 0 && strcmp(got, name) == 0) {
      int k = snprintf(out, len, "%s/%s", dir, e->d_name);
      rc = k > 0 && (size_t)k < len ? 0 : -1;
    }
  }
  closedir(d);
  return rc;
}

int lx_errno(int e) {
  switch (e) {
    case ENOENT:
    case ENODEV:
    case ENXIO: return VY_HAL_ENODEV;
    case EBUSY: return VY_HAL_EBUSY;
    case EINVAL: return VY_HAL_EINVAL;
    case EOPNOTSUPP: return VY_HAL_ENOTSUP;
    case ENOMEM:
    case EMFILE:
    case ENFILE: return VY_HAL_ENOMEM;
    case ETIMEDOUT: return VY_HAL_ETIMEDOUT;
    default: return VY_HAL_EBUS;
  }
}

/* ---- open and close ------------------------------------------------------ */

static lx_board *lx_of(const vy_board *b) { return b->priv; }

static int init_buses(const hal_devs *devs, lx_bus **out, size_t *n) {
  *out = calloc(devs->n + 1, sizeof **out);
  if (!*out) return -1;
  for (size_t i = 0; i < devs->n; i++) {
    lx_bus *bus = &(*out)[i];
    bus->dev = &devs->v[i];
    bus->fd = bus->mode = -1;
    if (pthread_mutex_init(&bus->mu, NULL) != 0) return -1;
    *n = i + 1;
  }
  return 0;
}

static void lx_close(vy_board *b) {
  lx_board *x = lx_of(b);
  if (!x) return;
  for (size_t i = 0; i < x->ni2c; i++) lx_bus_close(&x->i2c[i]);
  for (size_t i = 0; i < x->nspi; i++) lx_bus_close(&x->spi[i]);
  free(x->i2c);
  free(x->spi);
  free(x);
  b->priv = NULL;
}

static int lx_open(vy_board *b, char *err, size_t errlen) {
  lx_board *x = calloc(1, sizeof *x);
  b->priv = x;
  int rc = x ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < b->conf.ngpio; i++) {
    vy_hal_line *l = hal_add_line(b, b->conf.gpio[i].line);
    if (!l) rc = -1;
    if (l) l->map = &b->conf.gpio[i];
  }
  for (size_t i = 0; rc == 0 && i < b->conf.uart.n; i++) {
    vy_hal_uart *u = hal_add_uart(b, b->conf.uart.v[i].name);
    if (!u) rc = -1;
    if (u) u->dev = &b->conf.uart.v[i];
  }
  if (rc == 0 && (init_buses(&b->conf.i2c, &x->i2c, &x->ni2c) != 0 ||
                  init_buses(&b->conf.spi, &x->spi, &x->nspi) != 0))
    rc = -1;
  if (rc != 0) {
    lx_close(b);
    if (err && errlen) snprintf(err, errlen, "%s: out of memory", b->conf.name);
  }
  return rc;
}

/* ---- describe ------------------------------------------------------------ */

#define OUT(...)                                                               \
  do {                                                                         \
    int k_ = snprintf(len > n ? buf + n : NULL, len > n ? len - n : 0,         \
                      __VA_ARGS__);                                            \
    if (k_ > 0) n += (size_t)k_;                                               \
  } while (0)

static size_t lx_describe(const vy_board *b, char *buf, size_t len) {
  const hal_conf *c = &b->conf;
  size_t n = 0;
  if (len) buf[0] = 0;
  for (size_t i = 0; i < c->ngpio; i++)
    OUT("gpio %u chip %s line %u\n", c->gpio[i].line, c->gpio[i].chip,
        c->gpio[i].offset);
  for (size_t i = 0; i < c->i2c.n; i++)
    OUT("i2c %u %s\n", c->i2c.v[i].a, c->i2c.v[i].path);
  for (size_t i = 0; i < c->spi.n; i++)
    OUT("spi %u:%u %s\n", c->spi.v[i].a, c->spi.v[i].b, c->spi.v[i].path);
  for (size_t i = 0; i < c->uart.n; i++)
    OUT("uart %s %s\n", c->uart.v[i].name, c->uart.v[i].path);
  for (size_t i = 0; i < c->adc.n; i++)
    OUT("adc %u %s\n", c->adc.v[i].a, c->adc.v[i].path);
  return n;
}

/* ---- the table ----------------------------------------------------------- */

static int lx_adc_poke(vy_board *b, uint32_t dev, uint32_t ch, int32_t raw) {
  (void)b, (void)dev, (void)ch, (void)raw;
  return VY_HAL_ENOTSUP; /* a real converter reads what it reads */
}

const hal_backend hal_linux_backend = {
  .name = "linux",
  .open = lx_open,
  .close = lx_close,
  .gpio_open = lx_gpio_open,
  .gpio_read = lx_gpio_read,
  .gpio_write = lx_gpio_write,
  .gpio_wait = lx_gpio_wait,
  .gpio_close = lx_gpio_close,
  .gpio_peek = lx_gpio_peek,
  .gpio_poke = lx_gpio_poke,
  .i2c = lx_i2c,
  .spi = lx_spi,
  .uart_open = lx_uart_open,
  .uart_config = lx_uart_config,
  .uart_read = lx_uart_read,
  .uart_write = lx_uart_write,
  .uart_close = lx_uart_close,
  .adc_read = lx_adc_read,
  .adc_poke = lx_adc_poke,
  .set_temp = NULL,
  .describe = lx_describe,
  .bringup = lx_bringup,
};
