/*
** blinky — a test app that imports gpio only (vyoma_hal.gpio_open and
** gpio_write): it drives line LINE (argv[1], default 17) high, says so,
** and waits for stdin to end.  Where its manifest grants no gpio it must
** not start at all (tests/capability/run.sh).
*/
#include <stdio.h>
#include <stdlib.h>

#include "vyoma_hal.h"

int main(int argc, char **argv) {
  int line = argc > 1 ? atoi(argv[1]) : 17;
  int h = vy_gpio_open(line, VY_GPIO_OUTPUT);
  int r = h < 0 ? h : vy_gpio_write(h, 1);
  printf("blinky: line %d: %s\n", line, r < 0 ? vy_hal_strerror(r) : "on");
  fflush(stdout);
  char buf[256];
  while (fgets(buf, sizeof buf, stdin)) {}
  return 0;
}
