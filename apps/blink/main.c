/*
** blink — toggles one granted GPIO line (an LED) for ever, at a fixed
** interval, and logs every EVERY toggles how many there were:
**   blink: line 0: 10 toggles, now 0
**
**   blink [--line N] [-i INTERVAL_MS] [-n EVERY]
**
** Defaults: line 0 (boards/qemu-x86.toml's first LED), 500 ms, every 10
*toggles.  HAL errors (no grant, no
** such line, busy) are logged with vy_hal_strerror and retried every 5 s:
** a missing board is not a crash.  Exits 0 at end of input or on
** "@sys: shutdown" (the supervisor stopping), and when a HAL call says the
** app is being stopped.
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"
#include "vyoma_hal.h"

#define RETRY_MS 5000

static vy_lines in;

static int usage(void) {
  fputs("usage: blink [--line N] [-i INTERVAL_MS] [-n EVERY]\n", stderr);
  return 2;
}

/* Opens the line as an output, starting low; retries until it works. */
static int open_line(long line) {
  for (;;) {
    int h = vy_gpio_open((int32_t)line, VY_GPIO_OUTPUT);
    if (h >= 0) return h;
    printf("blink: line %ld: %s; retrying in %d s\n", line, vy_hal_strerror(h),
           RETRY_MS / 1000);
    fflush(stdout);
    if (h == VY_HAL_ECANCELED || vy_pause_ms(&in, RETRY_MS, NULL, NULL))
      return -1;
  }
}

int main(int argc, char **argv) {
  long line = 0, interval = 500, every = 10;
  for (int i = 1; i < argc; i++) {
    long *v = !strcmp(argv[i], "--line") ? &line
              : !strcmp(argv[i], "-i")   ? &interval
              : !strcmp(argv[i], "-n")   ? &every
                                         : NULL;
    if (!v || i + 1 >= argc || vy_parse_count(argv[++i], v)) return usage();
  }
  if (every == 0) every = 1;
  int h = open_line(line);
  if (h < 0) return 0;
  printf("blink: line %ld every %ld ms\n", line, interval);
  fflush(stdout);
  int level = 0;
  for (unsigned long n = 1;; n++) {
    level = !level;
    int r = vy_gpio_write(h, level);
    if (r < 0) {
      /* the line went away under us (the app is being stopped, or a
         board error): say so once, then start over with a fresh handle */
      printf("blink: line %ld: write: %s\n", line, vy_hal_strerror(r));
      fflush(stdout);
      if (r == VY_HAL_ECANCELED) return 0;
      vy_gpio_close(h);
      if (vy_pause_ms(&in, RETRY_MS, NULL, NULL) || (h = open_line(line)) < 0)
        return 0;
      continue;
    }
    if (n % (unsigned long)every == 0) {
      printf("blink: line %ld: %lu toggles, now %d\n", line, n, level);
      fflush(stdout);
    }
    if (vy_pause_ms(&in, (int)interval, NULL, NULL)) break;
  }
  vy_gpio_close(h);
  return 0;
}
