/*
** button — mirrors a button line onto an LED line: it waits for edges on
** the button and sets the LED to the button's new level, logging each with
** the edge's timestamp (CLOCK_MONOTONIC, as the kernel stamps it):
**   button: pressed at 12.345678901 s (line 4 -> 1 on)
**   button: released at 13.000000200 s (line 4 -> 1 off)
** "Pressed" is the rising edge of the logical level (--active-low flips
** the button line, for a button that pulls it low).  With --falling only
** falling edges are asked for (a low-active button's presses without
** --active-low): each one is a press and toggles the LED.
**
**   button [--button N] [--led N] [--falling] [--active-low]
**
** Defaults: button 4, LED 1 (boards/qemu-x86.toml), both edges.  It waits for
*edges in slices of
** 250 ms so that "@sys: shutdown" on stdin is seen between them.  HAL
** errors are logged with vy_hal_strerror and retried every 5 s.
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"
#include "vyoma_hal.h"

#define RETRY_MS 5000
#define SLICE_MS 250

static vy_lines in;

static int usage(void) {
  fputs("usage: button [--button N] [--led N] [--falling] [--active-low]\n",
        stderr);
  return 2;
}

/* Opens line with flags, retrying until it works; -1 when told to end. */
static int open_line(const char *what, long line, uint32_t flags) {
  for (;;) {
    int h = vy_gpio_open((int32_t)line, flags);
    if (h >= 0) return h;
    printf("button: %s line %ld: %s; retrying in %d s\n", what, line,
           vy_hal_strerror(h), RETRY_MS / 1000);
    fflush(stdout);
    if (h == VY_HAL_ECANCELED || vy_pause_ms(&in, RETRY_MS, NULL, NULL))
      return -1;
  }
}

static void log_edge(const vy_gpio_event *ev, int pressed, long button,
                     long led, int on) {
  printf("button: %s at %llu.%09llu s (line %ld -> %ld %s)\n",
         pressed ? "pressed" : "released",
         (unsigned long long)(ev->timestamp_ns / 1000000000u),
         (unsigned long long)(ev->timestamp_ns % 1000000000u), button, led,
         on ? "on" : "off");
  fflush(stdout);
}

int main(int argc, char **argv) {
  long button = 4, led = 1;
  uint32_t edges = VY_GPIO_EDGE_BOTH, polarity = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--falling")) {
      edges = VY_GPIO_EDGE_FALLING;
    } else if (!strcmp(argv[i], "--active-low")) {
      polarity = VY_GPIO_ACTIVE_LOW;
    } else {
      long *v = !strcmp(argv[i], "--button") ? &button
                : !strcmp(argv[i], "--led")  ? &led
                                             : NULL;
      if (!v || i + 1 >= argc || vy_parse_count(argv[++i], v)) return usage();
    }
  }
  int b = open_line("button", button, VY_GPIO_INPUT | edges | polarity);
  if (b < 0) return 0;
  int l = open_line("led", led, VY_GPIO_OUTPUT);
  if (l < 0) return 0;
  /* the LED starts as the button is, so a held button shows at once */
  int level = edges == VY_GPIO_EDGE_BOTH ? vy_gpio_read(b) : 0;
  if (level < 0) level = 0;
  vy_gpio_write(l, level);
  printf("button: line %ld -> led %ld, %s edges\n", button, led,
         edges == VY_GPIO_EDGE_BOTH ? "both" : "falling");
  fflush(stdout);
  for (;;) {
    vy_gpio_event ev;
    int r = vy_gpio_wait_edge(b, SLICE_MS, &ev);
    if (r == VY_HAL_ECANCELED) break;
    if (r == 0) {
      int pressed =
          edges == VY_GPIO_EDGE_FALLING || ev.kind == VY_GPIO_EDGE_KIND_RISING;
      level = edges == VY_GPIO_EDGE_FALLING ? !level : pressed;
      vy_gpio_write(l, level);
      log_edge(&ev, pressed, button, led, level);
    } else if (r != VY_HAL_ETIMEDOUT) {
      printf("button: wait: %s\n", vy_hal_strerror(r));
      fflush(stdout);
      if (vy_pause_ms(&in, RETRY_MS, NULL, NULL)) break;
      continue;
    }
    if (vy_pause_ms(&in, 0, NULL, NULL)) break;
  }
  vy_gpio_close(l);
  vy_gpio_close(b);
  return 0;
}
