/*
** linux_adc.c — ADC channels through IIO sysfs: in the converter's device
** folder (the board file's path, or "name:NAME" looked up under
** /sys/bus/iio/devices/DEV/name), channel C reads in_voltageC_raw, scaled
** by in_voltageC_scale or the shared in_voltage_scale (millivolts per
** LSB, IIO's unit for voltage), after in_voltageC_offset or
** in_voltage_offset when the driver has one:
**     millivolts = (raw + offset) * scale, rounded to nearest
** A converter without a scale file reads millivolts = raw + offset.
** The folder is looked up on every read, so a device made at bring-up
** (or unplugged) is seen at once; this is sysfs, a few opens per read.
*/
#include "linux.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int adc_dir(const hal_dev *dev, char *out, size_t len) {
  if (strncmp(dev->path, "name:", 5) != 0) {
    snprintf(out, len, "%s", dev->path);
    return 0;
  }
  char dir[HAL_PATH_MAX + 32];
  snprintf(dir, sizeof dir, "%s/bus/iio/devices", hal_sys_root);
  return lx_find_by_name(dir, dev->path + 5, out, len);
}

/* DIR/in_voltage{C}_{what}, else DIR/in_voltage_{what}: 0 and *v, 1 if
** neither is there, -1 if one is there but does not read as a number */
static int attr(const char *dir, uint32_t ch, const char *what, double *v) {
  char path[HAL_PATH_MAX + 96], text[64];
  snprintf(path, sizeof path, "%s/in_voltage%u_%s", dir, ch, what);
  if (lx_read_line(path, text, sizeof text) != 0) {
    if (errno != ENOENT) return -1;
    snprintf(path, sizeof path, "%s/in_voltage_%s", dir, what);
    if (lx_read_line(path, text, sizeof text) != 0)
      return errno == ENOENT ? 1 : -1;
  }
  char *end;
  *v = strtod(text, &end);
  return end != text && *end == 0 ? 0 : -1;
}

int lx_adc_read(vy_board *b, uint32_t dev, uint32_t ch, int32_t *raw,
                int32_t *mv) {
  const hal_dev *d = hal_devs_find(&b->conf.adc, dev, 0);
  char dir[HAL_PATH_MAX + 64], path[HAL_PATH_MAX + 96], text[64];
  if (!d || adc_dir(d, dir, sizeof dir) != 0) return VY_HAL_ENODEV;
  snprintf(path, sizeof path, "%s/in_voltage%u_raw", dir, ch);
  if (lx_read_line(path, text, sizeof text) != 0)
    return errno == ENOENT ? VY_HAL_ENODEV : VY_HAL_EBUS;
  char *end;
  errno = 0;
  long r = strtol(text, &end, 10);
  if (errno || end == text || *end || r < INT32_MIN || r > INT32_MAX)
    return VY_HAL_EBUS;
  double scale = 1, offset = 0;
  if (attr(dir, ch, "scale", &scale) < 0 ||
      attr(dir, ch, "offset", &offset) < 0)
    return VY_HAL_EBUS;
  double v = round(((double)r + offset) * scale);
  *raw = (int32_t)r;
  *mv = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
  return VY_HAL_OK;
}
