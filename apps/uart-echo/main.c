/*
** uart-echo — echoes what arrives on a granted serial port back out of it,
** optionally upper-cased, and logs the byte counts:
**   uart-echo: ttyS1: 11 bytes echoed (11 in all)
**
**   uart-echo [--port NAME] [--baud N] [--upper]
**
** Defaults: ttyS1 at 115200 8N1, as is.  Reads wait in slices of 250 ms
** so "@sys: shutdown" on stdin is seen between them.  HAL errors are logged
** with vy_hal_strerror and retried every 5 s.
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"
#include "vyoma_hal.h"

#define RETRY_MS 5000
#define SLICE_MS 250

static vy_lines in;

static int usage(void) {
  fputs("usage: uart-echo [--port NAME] [--baud N] [--upper]\n", stderr);
  return 2;
}

static void say_err(const char *port, const char *what, int err) {
  printf("uart-echo: %s: %s: %s; retrying in %d s\n", port, what,
         vy_hal_strerror(err), RETRY_MS / 1000);
  fflush(stdout);
}

/* Opens and configures the port, retrying; -1 when told to end. */
static int open_port(const char *port, long baud) {
  for (;;) {
    int h = vy_uart_open(port), r = h;
    if (h >= 0) {
      r = vy_uart_config(h, (uint32_t)baud, VY_UART_PARITY_NONE, 1, 8);
      if (r == 0) return h;
      vy_uart_close(h);
    }
    say_err(port, h < 0 ? "open" : "config", r);
    if (r == VY_HAL_ECANCELED || vy_pause_ms(&in, RETRY_MS, NULL, NULL))
      return -1;
  }
}

static void upcase(uint8_t *b, int n) {
  for (int i = 0; i < n; i++)
    if (b[i] >= 'a' && b[i] <= 'z') b[i] = (uint8_t)(b[i] - 'a' + 'A');
}

int main(int argc, char **argv) {
  const char *port = "ttyS1";
  long baud = 115200;
  int upper = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--upper"))
      upper = 1;
    else if (!strcmp(argv[i], "--port") && i + 1 < argc)
      port = argv[++i];
    else if (!strcmp(argv[i], "--baud") && i + 1 < argc) {
      if (vy_parse_count(argv[++i], &baud) || baud == 0) return usage();
    } else
      return usage();
  }
  int h = open_port(port, baud);
  if (h < 0) return 0;
  printf("uart-echo: %s at %ld 8N1%s\n", port, baud,
         upper ? ", upper-casing" : "");
  fflush(stdout);
  unsigned long total = 0;
  static uint8_t buf[512];
  for (;;) {
    int n = vy_uart_read(h, buf, sizeof buf, SLICE_MS);
    if (n == VY_HAL_ECANCELED) break;
    if (n > 0) {
      if (upper) upcase(buf, n);
      int w = vy_uart_write(h, buf, (uint32_t)n);
      if (w < 0) say_err(port, "write", w);
      total += (unsigned long)n;
      printf("uart-echo: %s: %d bytes echoed (%lu in all)\n", port, n, total);
      fflush(stdout);
    } else if (n != VY_HAL_ETIMEDOUT) {
      say_err(port, "read", n);
      if (vy_pause_ms(&in, RETRY_MS, NULL, NULL)) break;
      continue;
    }
    if (vy_pause_ms(&in, 0, NULL, NULL)) break;
  }
  vy_uart_close(h);
  return 0;
}
