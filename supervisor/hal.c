/*
** hal.c — the supervisor's board: which one (--board, else the profile's
** `board` row), opening it once after the profile, and the operator's
** `hal` verbs, which look at and drive it from outside:
**
**   hal                          the board, its devices, who owns what
**   hal gpio LINE                a line's level (vy_hal_gpio_peek)
**   hal gpio LINE 0|1            drives a simulated input (a button)
**   hal i2c BUS:ADDR write B...  bytes to a device
**   hal i2c BUS:ADDR read REG N  N bytes of register REG
**   hal adc DEV:CH RAW           what a simulated channel reads
**
** The i2c verbs are root's debugging tool, as i2cset and i2cget are: they
** go around app ownership, like a probe clipped onto the bus.  Apps' own
** access is capability/'s; the board is shared by every run and lives as
** long as vyomad: it is opened once, so a reload's new `board` row waits
** for the next start of vyomad (gpio_safe_state applies from each app's
** next run).
*/
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "vyomad.h"

void hal_open(const char *opt) {
  const char *v = opt ? opt : S.profile.board ? S.profile.board : "";
  /* the command line's FILE is the caller's; the profile's is the root's */
  vy_cap_board_spec(v, S.root, opt == NULL, S.board_spec, sizeof S.board_spec);
  if (!S.board_spec[0]) {
    vlog(
        "board: none (apps granted gpio, i2c, spi, uart or adc get "
        "no-device)");
    return;
  }
  char err[512];
  S.board = vy_board_open(S.board_spec, err, sizeof err);
  if (!S.board) {
    vlog("board %s: %s; going on without a board", S.board_spec, err);
    return;
  }
  vlog("board %s (%s)", vy_board_name(S.board), vy_board_backend(S.board));
  /* As PID 1 the board file's [setup] (kernel modules, gpio-sim chips, IIO
  ** dummies) is ours to do, before any app starts; a step that fails is
  ** said and the rest goes on (on a host the system has done it) */
  if (!S.pid1) return;
  char setup[2048] = "";
  if (vy_board_bringup(S.board, setup, sizeof setup) != VY_HAL_OK)
    for (char *l = strtok(setup, "\n"); l; l = strtok(NULL, "\n"))
      vlog("board %s: %s", vy_board_name(S.board), l);
  else
    vlog("board %s: bring-up done", vy_board_name(S.board));
}

void hal_close(void) {
  vy_board_close(S.board);
  S.board = NULL;
}

/* ---- the verbs ----------------------------------------------------------- */

static int hal_fail(int r, const char *what, char *err, size_t errlen) {
  const char *why = r == VY_HAL_ENOTSUP
                        ? ": the board cannot (only simulated lines and "
                          "channels can be driven)"
                    : r == VY_HAL_EINVAL && !strncmp(what, "gpio", 4)
                        ? ": an app drives it (only inputs can be driven "
                          "from outside)"
                        : "";
  snprintf(err, errlen, "%s %s%s", vy_hal_err_name(r), what, why);
  return -1;
}

/* "A:B" or, with one_ok, "B" alone (a = 0); each 0..1023 */
static bool pair(const char *s, bool one_ok, uint32_t *a, uint32_t *b) {
  return vy_parse_pair(s, 1023, 1023, one_ok, a, b) == 0;
}

static bool num(const char *s, long max, long *out) {
  char *end;
  long v = strtol(s, &end, 0);
  *out = v;
  return s && *s && !*end && v >= 0 && v <= max;
}

static int hal_summary(bool json, sbuf *b) {
  char dev[8192], own[8192];
  vy_board_describe(S.board, dev, sizeof dev);
  vy_cap_registry_describe(S.caps, json, own, sizeof own);
  if (!json) {
    sb_printf(b, "board %s (%s)\n%s", vy_board_name(S.board),
              vy_board_backend(S.board), dev);
    sb_printf(b, "owned:%s\n%s", own[0] ? "" : " nothing", own);
    return 0;
  }
  sb_printf(b, "{\"board\":");
  sb_json_str(b, vy_board_name(S.board));
  sb_printf(b, ",\"backend\":");
  sb_json_str(b, vy_board_backend(S.board));
  sb_printf(b, ",\"devices\":[");
  int k = 0;
  for (char *l = strtok(dev, "\n"); l; l = strtok(NULL, "\n"), k++) {
    sb_printf(b, "%s", k ? "," : "");
    sb_json_str(b, l);
  }
  sb_printf(b, "],\"owned\":[%s]}\n", own);
  return 0;
}

static int hal_gpio(char **w, int n, bool json, sbuf *b, char *err,
                    size_t errlen) {
  long line, level = -1;
  if (n < 2 || n > 3 || !num(w[1], 1 << 30, &line) ||
      (n == 3 && !num(w[2], 1, &level))) {
    snprintf(err, errlen, "usage hal gpio LINE [0|1]");
    return -1;
  }
  char what[32];
  snprintf(what, sizeof what, "gpio %ld", line);
  int r = n == 3 ? vy_hal_gpio_poke(S.board, (uint32_t)line, (int)level)
                 : vy_hal_gpio_peek(S.board, (uint32_t)line);
  if (r < 0) return hal_fail(r, what, err, errlen);
  if (n == 2) level = r;
  if (json)
    sb_printf(b, "{\"gpio\":%ld,\"level\":%ld%s}\n", line, level,
              n == 3 ? ",\"driven\":true" : "");
  else
    sb_printf(b, "gpio %ld %ld\n", line, level);
  return 0;
}

/* the read's bytes, "0x19 0x00", or the JSON array */
static void hal_bytes(sbuf *b, bool json, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    sb_printf(b, json ? "%s%u" : "%s0x%02x", i ? (json ? "," : " ") : "", p[i]);
}

static int hal_i2c(char **w, int n, bool json, sbuf *b, char *err,
                   size_t errlen) {
  uint32_t bus, addr;
  uint8_t out[64], in[256];
  long v, cnt = 0;
  bool rd = n == 5 && !strcmp(w[2], "read");
  bool ok = n >= 4 && pair(w[1], false, &bus, &addr) && addr <= 0x7f &&
            (rd || (!strcmp(w[2], "write") && n - 3 <= (int)sizeof out));
  for (int i = 3; ok && i < (rd ? 4 : n); i++)
    ok = num(w[i], 255, &v) && ((out[i - 3] = (uint8_t)v), true);
  if (!ok || (rd && !num(w[4], (long)sizeof in, &cnt)) || (rd && !cnt)) {
    snprintf(err, errlen,
             "usage hal i2c BUS:ADDR write BYTE... | hal i2c "
             "BUS:ADDR read REG N (N 1..256)");
    return -1;
  }
  vy_hal_i2c_op ops[2] = { { false, out, rd ? 1 : (size_t)(n - 3) },
                           { true, in, (size_t)cnt } };
  char what[32];
  snprintf(what, sizeof what, "i2c %u:0x%02x", (unsigned)bus, (unsigned)addr);
  int r = vy_hal_i2c_transaction(S.board, bus, addr, ops, rd ? 2 : 1);
  if (r < 0) return hal_fail(r, what, err, errlen);
  if (json)
    sb_printf(b, "{\"i2c\":\"%u:0x%02x\",\"%s\":", (unsigned)bus,
              (unsigned)addr, rd ? "read" : "wrote");
  if (!json) sb_printf(b, "%s %s", what, rd ? "" : "wrote ");
  if (rd) {
    sb_printf(b, "%s", json ? "[" : "");
    hal_bytes(b, json, in, (size_t)cnt);
    sb_printf(b, "%s", json ? "]}\n" : "\n");
  } else {
    sb_printf(b, json ? "%d}\n" : "%d bytes\n", n - 3);
  }
  return 0;
}

static int hal_adc(char **w, int n, bool json, sbuf *b, char *err,
                   size_t errlen) {
  uint32_t dev, ch;
  long raw;
  if (n != 3 || !pair(w[1], true, &dev, &ch) || !num(w[2], INT32_MAX, &raw)) {
    snprintf(err, errlen, "usage hal adc DEV:CH RAW");
    return -1;
  }
  char what[32];
  snprintf(what, sizeof what, "adc %u:%u", (unsigned)dev, (unsigned)ch);
  int r = vy_hal_adc_poke(S.board, dev, ch, (int32_t)raw);
  if (r < 0) return hal_fail(r, what, err, errlen);
  if (json)
    sb_printf(b, "{\"adc\":\"%u:%u\",\"raw\":%ld}\n", (unsigned)dev,
              (unsigned)ch, raw);
  else
    sb_printf(b, "%s raw %ld\n", what, raw);
  return 0;
}

int hal_command(const char *args, bool json, sbuf *b, char *err,
                size_t errlen) {
  char copy[1024], *w[72];
  int n = 0;
  snprintf(copy, sizeof copy, "%s", args ? args : "");
  for (char *t = strtok(copy, " "); t && n < 72; t = strtok(NULL, " "))
    w[n++] = t;
  if (!S.board) {
    snprintf(err, errlen,
             "no-board (vyomad --board SPEC, or the profile's "
             "board)");
    return -1;
  }
  if (!n) return hal_summary(json, b);
  if (!strcmp(w[0], "gpio")) return hal_gpio(w, n, json, b, err, errlen);
  if (!strcmp(w[0], "i2c")) return hal_i2c(w, n, json, b, err, errlen);
  if (!strcmp(w[0], "adc")) return hal_adc(w, n, json, b, err, errlen);
  snprintf(err, errlen,
           "usage hal [gpio LINE [0|1] | i2c BUS:ADDR write "
           "BYTE... | i2c BUS:ADDR read REG N | adc DEV:CH RAW]");
  return -1;
}
