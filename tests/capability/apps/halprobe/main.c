/*
** halprobe — a test app that calls the vyoma_hal imports as told: each
** argument, then each stdin line (a leading "@sys: " dropped, as vyctl
** send delivers them), is one command; each prints one line
** "probe: COMMAND = RESULT [DETAIL]" (RESULT the call's value, a
** VY_HAL_E* code when negative).  tests/capability/run.sh drives it
** through vyomad and `vyoma run`.
**
**   open LINE FLAGS     gpio_open           write H V / read H / close H
**   wait H MS           gpio_wait_edge: "= 0 KIND" or the code
**   temp BUS ADDR       TMP102: register 0, two bytes: "= 0 MILLI_C"
**   i2cr BUS ADDR REG   one register byte: "= 0 VALUE"
**   adc DEV CH          "= 0 RAW MV"
**   uart NAME TEXT      open, write TEXT, read it back (500 ms): "= N TEXT"
**   spi BUS CS TEXT     full duplex: "= 0 RX"
**   fault               adc_read into a pointer past the memory's end
**   wrap                i2c read with buf+len wrapping 32 bits
**   big                 i2c read of VY_HAL_MAX_TRANSFER + 1 bytes
**   repeat N CMD...     CMD N times, one line for all: the last result
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vyoma_hal.h"

static uint8_t scratch[VY_HAL_MAX_TRANSFER + 16];

static int cmd_i2c(char **w, int n, char *out, size_t len) {
  if (n < 3) return VY_HAL_EINVAL;
  uint8_t reg = !strcmp(w[0], "temp") ? 0 : (uint8_t)strtol(w[3], NULL, 0);
  uint8_t in[2] = { 0, 0 };
  int want = !strcmp(w[0], "temp") ? 2 : 1;
  int r = vy_i2c_write_read(atoi(w[1]), (int32_t)strtol(w[2], NULL, 0), &reg, 1,
                            in, (uint32_t)want);
  if (r == 0 && want == 2) {
    int raw = (in[0] << 4) | (in[1] >> 4);
    snprintf(out, len, " %d", raw * 625 / 10);
  } else if (r == 0) {
    snprintf(out, len, " %d", in[0]);
  }
  return r;
}

static int cmd_uart(char **w, int n, char *out, size_t len) {
  if (n < 3) return VY_HAL_EINVAL;
  int h = vy_uart_open(w[1]);
  if (h < 0) return h;
  int r = vy_uart_write(h, w[2], (uint32_t)strlen(w[2]));
  char back[128] = "";
  if (r >= 0) r = vy_uart_read(h, back, sizeof back - 1, 500);
  if (r > 0) snprintf(out, len, " %.*s", r, back);
  vy_uart_close(h);
  return r;
}

static int cmd_spi(char **w, int n, char *out, size_t len) {
  if (n < 4) return VY_HAL_EINVAL;
  char rx[128] = "";
  uint32_t l = (uint32_t)strlen(w[3]);
  if (l >= sizeof rx) return VY_HAL_ETOOBIG;
  int r = vy_spi_transfer(atoi(w[1]), atoi(w[2]), 0, 0, w[3], rx, l);
  if (r == 0) snprintf(out, len, " %s", rx);
  return r;
}

static int cmd_gpio(char **w, int n, char *out, size_t len) {
  int a = n > 1 ? atoi(w[1]) : 0;
  int b = n > 2 ? (int)strtol(w[2], NULL, 0) : 0;
  if (!strcmp(w[0], "open")) return vy_gpio_open(a, (uint32_t)b);
  if (!strcmp(w[0], "write")) return vy_gpio_write(a, b);
  if (!strcmp(w[0], "read")) return vy_gpio_read(a);
  if (!strcmp(w[0], "close")) return vy_gpio_close(a);
  vy_gpio_event ev = { 0, 0, 0 };
  int r = vy_gpio_wait_edge(a, b, &ev);
  if (r == 0) snprintf(out, len, " %u", (unsigned)ev.kind);
  return r;
}

static int cmd_bad(char **w, char *out, size_t len) {
  (void)out;
  (void)len;
  if (!strcmp(w[0], "fault"))
    return vy_adc_read(0, 0, (vy_adc_value *)(uintptr_t)0xfffffff8u);
  if (!strcmp(w[0], "wrap"))
    return vy_i2c_read(1, 0x48, (void *)(uintptr_t)0xfffffff0u, 0x20);
  return vy_i2c_read(1, 0x48, scratch, VY_HAL_MAX_TRANSFER + 1);
}

static int run(char **w, int n, char *out, size_t len) {
  out[0] = 0;
  if (!n) return VY_HAL_EINVAL;
  const char *c = w[0];
  if (!strcmp(c, "repeat") && n > 2) {
    int r = 0;
    for (int i = atoi(w[1]); i > 0; i--) r = run(w + 2, n - 2, out, len);
    return r;
  }
  if (!strcmp(c, "temp") || !strcmp(c, "i2cr")) return cmd_i2c(w, n, out, len);
  if (!strcmp(c, "uart")) return cmd_uart(w, n, out, len);
  if (!strcmp(c, "spi")) return cmd_spi(w, n, out, len);
  if (!strcmp(c, "fault") || !strcmp(c, "wrap") || !strcmp(c, "big"))
    return cmd_bad(w, out, len);
  if (!strcmp(c, "adc") && n > 2) {
    vy_adc_value v;
    int r = vy_adc_read(atoi(w[1]), atoi(w[2]), &v);
    if (r == 0) snprintf(out, len, " %d %d", (int)v.raw, (int)v.millivolts);
    return r;
  }
  if (!strcmp(c, "open") || !strcmp(c, "write") || !strcmp(c, "read") ||
      !strcmp(c, "close") || !strcmp(c, "wait"))
    return cmd_gpio(w, n, out, len);
  return VY_HAL_EINVAL;
}

static void line(char *s) {
  char *w[16], copy[512], out[256];
  int n = 0;
  if (!strncmp(s, "@sys: ", 6)) s += 6;
  s[strcspn(s, "\r\n")] = 0;
  snprintf(copy, sizeof copy, "%s", s);
  for (char *t = strtok(copy, " "); t && n < 16; t = strtok(NULL, " "))
    w[n++] = t;
  if (!n) return;
  int r = run(w, n, out, sizeof out);
  printf("probe: %s = %d%s\n", s, r, out);
  fflush(stdout);
}

int main(int argc, char **argv) {
  printf("probe: ready\n");
  fflush(stdout);
  for (int i = 1; i < argc; i++) line(argv[i]);
  char buf[512];
  while (fgets(buf, sizeof buf, stdin)) line(buf);
  return 0;
}
