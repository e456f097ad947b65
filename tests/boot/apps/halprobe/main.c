/*
** halprobe — boot-test app (tests/boot/run.sh), not in the product image:
** a hostile neighbour.  Its manifest grants GPIO line 5 and I2C 0:0x50; it
** uses those, then reaches for what other apps own and it is not granted:
** blink's LED line (0) and the thermostat's sensor (0:0x48).  Each result
** is logged with its code:
**   halprobe: gpio 5 (granted): ok
**   halprobe: gpio 0 (not granted): not granted (-1)
**   halprobe: i2c 0:0x48 (not granted): not granted (-1)
** then "halprobe: done; staying up" and it keeps running (so the test can
** see that the others are unaffected while it is there), until
** "@sys: shutdown" or end of input.
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"
#include "vyoma_hal.h"

static void report(const char *what, int granted, int r) {
  printf("halprobe: %s (%s): %s", what, granted ? "granted" : "not granted",
         vy_hal_strerror(r));
  if (r < 0) printf(" (%d)", r);
  putchar('\n');
  fflush(stdout);
}

static void probe_gpio(int line, int granted) {
  char what[24];
  snprintf(what, sizeof what, "gpio %d", line);
  int h = vy_gpio_open(line, VY_GPIO_INPUT);
  report(what, granted, h < 0 ? h : 0);
  if (h >= 0) vy_gpio_close(h);
}

static void probe_i2c(int bus, int addr, int granted) {
  char what[24];
  uint8_t reg = 0, b[2];
  snprintf(what, sizeof what, "i2c %d:0x%02x", bus, addr);
  report(what, granted, vy_i2c_write_read(bus, addr, &reg, 1, b, 2));
}

int main(void) {
  probe_gpio(5, 1);
  probe_gpio(0, 0);
  probe_i2c(0, 0x50, 1);
  probe_i2c(0, 0x48, 0);
  puts("halprobe: done; staying up");
  fflush(stdout);
  char line[VY_LINE_MAX];
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    if (vy_parse(line, &m) && !strcmp(m.sender, "sys") &&
        !strcmp(m.payload, "shutdown"))
      break;
  }
  return 0;
}
