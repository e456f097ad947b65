/*
** linux_setup.c — bring-up (vy_board_bringup on the linux backend): what
** the board file's [setup] asks of the kernel before apps start, done by
** vyomad as PID 1:
**   modules    finit_module(2) of /lib/modules/NAME.ko with the rest of
**              the string as its parameters ("i2c-stub chip_addr=0x48");
**              EEXIST (loaded already, or built in) is fine
**   gpio_sim   "LABEL:N": a gpio-sim chip through configfs (mounted at
**              /sys/kernel/config if it is not): gpio-sim/LABEL/bank0 with
**              num_lines N and label LABEL, then live 1, so the chip's
**              label is LABEL for the [gpio] map
**   iio_dummy  "NAME": mkdir iio/devices/dummy/NAME there, an IIO dummy
**              device whose "name" is NAME for the [adc] map
** Every step that fails adds one line "setup: WHAT: reason" to err and
** bring-up goes on with the next.
*/
#include "linux.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct report {
  char *err;
  size_t errlen, used;
  bool failed;
} report;

/* one more line of err; returns -1 */
static int note(report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int note(report *r, const char *fmt, ...) {
  r->failed = true;
  if (!r->err || r->used + 1 >= r->errlen) return -1;
  if (r->used) r->err[r->used++] = '\n';
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(r->err + r->used, r->errlen - r->used, fmt, ap);
  va_end(ap);
  if (k > 0) r->used += (size_t)k;
  if (r->used >= r->errlen) r->used = r->errlen - 1;
  return -1;
}

static void load_module(report *r, const char *spec) {
  char name[64], path[HAL_PATH_MAX + 80];
  size_t n = strcspn(spec, " ");
  snprintf(name, sizeof name, "%.*s", (int)n, spec);
  const char *params = spec + n;
  while (*params == ' ') params++;
  snprintf(path, sizeof path, "%s/%s.ko", hal_modules_dir, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    note(r, "setup: module %s: %s: %s", name, path, strerror(errno));
    return;
  }
  if (syscall(SYS_finit_module, fd, params, 0) != 0 && errno != EEXIST)
    note(r, "setup: module %s: %s", name, strerror(errno));
  close(fd);
}

/* configfs at SYS/kernel/config, mounted if `sub` is not there yet */
static int configfs(report *r, const char *sub, char *out, size_t len) {
  snprintf(out, len, "%s/kernel/config", hal_sys_root);
  char path[HAL_PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", out, sub);
  if (access(path, F_OK) == 0) return 0;
  if (mount("configfs", out, "configfs", 0, NULL) != 0 && errno != EBUSY)
    return note(r, "setup: configfs: %s: %s", out, strerror(errno));
  if (access(path, F_OK) == 0) return 0;
  return note(r, "setup: configfs: no %s (is the driver built?)", path);
}

static int make_dir(report *r, const char *what, const char *path) {
  if (mkdir(path, 0755) == 0 || errno == EEXIST) return 0;
  return note(r, "setup: %s: %s: %s", what, path, strerror(errno));
}

static int put(report *r, const char *what, const char *dir, const char *file,
               const char *value) {
  char path[HAL_PATH_MAX + 192];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  if (lx_write_str(path, value) == 0) return 0;
  return note(r, "setup: %s: %s: %s", what, path, strerror(errno));
}

static void make_gpio_sim(report *r, const char *spec) {
  char cfg[HAL_PATH_MAX + 32], dev[HAL_PATH_MAX + 96], bank[HAL_PATH_MAX + 112],
      what[96], label[40], live[8];
  const char *colon = strrchr(spec, ':');
  snprintf(label, sizeof label, "%.*s", (int)(colon - spec), spec);
  snprintf(what, sizeof what, "gpio-sim %s", label);
  if (configfs(r, "gpio-sim", cfg, sizeof cfg) != 0) return;
  snprintf(dev, sizeof dev, "%s/gpio-sim/%s", cfg, label);
  snprintf(bank, sizeof bank, "%s/bank0", dev);
  if (make_dir(r, what, dev) != 0) return;
  char livepath[HAL_PATH_MAX + 112];
  snprintf(livepath, sizeof livepath, "%s/live", dev);
  if (lx_read_line(livepath, live, sizeof live) == 0 && live[0] == '1')
    return; /* made already (a restarted vyomad) */
  if (make_dir(r, what, bank) != 0 ||
      put(r, what, bank, "num_lines", colon + 1) != 0 ||
      put(r, what, bank, "label", label) != 0)
    return;
  put(r, what, dev, "live", "1");
}

static void make_iio_dummy(report *r, const char *name) {
  char cfg[HAL_PATH_MAX + 32], dir[HAL_PATH_MAX + 96], what[64];
  snprintf(what, sizeof what, "iio dummy %s", name);
  if (configfs(r, "iio/devices/dummy", cfg, sizeof cfg) != 0) return;
  snprintf(dir, sizeof dir, "%s/iio/devices/dummy/%s", cfg, name);
  make_dir(r, what, dir);
}

/* sysfs, in case nothing mounted it yet: configfs lives inside it */
static void need_sysfs(report *r) {
  char path[HAL_PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/kernel", hal_sys_root);
  if (access(path, F_OK) == 0) return;
  if (mount("sysfs", hal_sys_root, "sysfs", 0, NULL) != 0 && errno != EBUSY)
    note(r, "setup: sysfs: %s: %s", hal_sys_root, strerror(errno));
}

int lx_bringup(vy_board *b, char *err, size_t errlen) {
  report r = { err, errlen, 0, false };
  const hal_conf *c = &b->conf;
  if (c->gpio_sim.n || c->iio_dummy.n) need_sysfs(&r);
  for (size_t i = 0; i < c->modules.n; i++)
    load_module(&r, c->modules.items[i]);
  for (size_t i = 0; i < c->gpio_sim.n; i++)
    make_gpio_sim(&r, c->gpio_sim.items[i]);
  for (size_t i = 0; i < c->iio_dummy.n; i++)
    make_iio_dummy(&r, c->iio_dummy.items[i]);
  return r.failed ? VY_HAL_EBUS : VY_HAL_OK;
}
