/*
** thermostat — a TMP102-style I2C temperature sensor drives a relay line
** with hysteresis: the relay goes on above ON, off below OFF, and keeps its
** state in between, so it does not chatter around one threshold.
**
**   thermostat [--bus N] [--addr A] [--relay LINE] [-i INTERVAL_MS]
**              [--on DEG] [--off DEG]
**
** Defaults: bus 0, address 0x48, relay line 2 (boards/qemu-x86.toml), 1000 ms,
*on above 25.0,
** off below 23.0 (degrees Celsius, up to 4 decimals); the environment's
** THERMOSTAT_ON / THERMOSTAT_OFF set the thresholds too, the arguments win.
** The sensor: register 0, two bytes MSB first, the temperature in the top
** 12 bits, two's complement, 0.0625 C per step.  Integer maths throughout
** (ten-thousandths of a degree: 0.0625 C is exactly 625 of them).
** Every reading and every relay change goes to @logger:
**   @logger: temp=26.00 relay=on
**   @logger: relay on: 26.00 above 25.00
** The relay changes and HAL errors are also this app's log; a HAL error
** (not granted, no device, no acknowledge) is logged once with
** vy_hal_strerror and retried after a pause, never a crash.  With a window
** ("@sys: window W H") it draws the temperature and the relay state.
** Exits 0 at end of input or on "@sys: shutdown".
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vyoma.h"
#include "vyoma_hal.h"

#define RETRY_MS 5000

typedef struct thermo {
  long bus, addr, relay_line, interval;
  long on_t4, off_t4; /* thresholds, in 1/10000 C */
  int relay_h;        /* the relay's handle, < 0 while not open */
  int relay;          /* its state: 0 off, 1 on */
  int i2c_err;        /* the last sensor error, logged once each */
  int relay_err;
  int have_t;
  long t4; /* the last reading */
  int win_w, win_h;
  char sys_said[128]; /* the last @sys line logged */
} thermo;

static vy_lines in;

static int usage(void) {
  fputs(
      "usage: thermostat [--bus N] [--addr A] [--relay LINE] [-i MS] "
      "[--on DEG] [--off DEG]\n",
      stderr);
  return 2;
}

/* "25", "-3.5", "23.0625" -> 1/10000 C; 0, or -1 for anything else */
static int parse_deg(const char *s, long *out) {
  int neg = *s == '-';
  if (neg || *s == '+') s++;
  if (*s < '0' || *s > '9') return -1;
  long v = 0;
  while (*s >= '0' && *s <= '9' && v < 100000000) v = v * 10 + (*s++ - '0');
  long frac = 0, scale = 1000;
  if (*s == '.')
    for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
      if (scale) frac += (*s - '0') * scale;
  if (*s) return -1;
  v = v * 10000 + frac;
  *out = neg ? -v : v;
  return 0;
}

/* t4 (1/10000 C) as "-1.25", rounded to hundredths */
static const char *fmt_deg(char *buf, size_t n, long t4) {
  long c = (t4 < 0 ? -t4 : t4) + 50;
  snprintf(buf, n, "%s%ld.%02ld", t4 < 0 ? "-" : "", c / 10000, c / 100 % 100);
  return buf;
}

/* The sensor's two bytes -> 1/10000 C: a 12-bit two's complement count
** of 0.0625 C, left-justified in 16 bits. */
static long tmp102_t4(const uint8_t b[2]) {
  int16_t word = (int16_t)(((unsigned)b[0] << 8) | b[1]);
  /* clearing the low bits first makes the division floor, as a 12-bit
     count would, even if the device leaves them set */
  return (long)((word & ~0xf) / 16) * 625;
}

static int parse_args(thermo *t, int argc, char **argv) {
  const char *on = getenv("THERMOSTAT_ON"), *off = getenv("THERMOSTAT_OFF");
  for (int i = 1; i < argc; i++) {
    if (i + 1 >= argc) return -1;
    const char *a = argv[i], *v = argv[++i];
    char *end;
    if (!strcmp(a, "--on")) {
      on = v;
    } else if (!strcmp(a, "--off")) {
      off = v;
    } else if (!strcmp(a, "--addr")) {
      t->addr = strtol(v, &end, 0);
      if (*end || t->addr < 0 || t->addr > 0x7f) return -1;
    } else {
      long *p = !strcmp(a, "--bus")     ? &t->bus
                : !strcmp(a, "--relay") ? &t->relay_line
                : !strcmp(a, "-i")      ? &t->interval
                                        : NULL;
      if (!p || vy_parse_count(v, p)) return -1;
    }
  }
  if (on && parse_deg(on, &t->on_t4)) return -1;
  if (off && parse_deg(off, &t->off_t4)) return -1;
  return t->off_t4 <= t->on_t4 ? 0 : -1;
}

static void draw(const thermo *t) {
  char deg[16], deg2[16], text[48];
  int size = t->win_h / 4 < 12 ? 12 : t->win_h / 4 > 64 ? 64 : t->win_h / 4;
  vy_draw_clear("#101820");
  if (t->have_t) {
    snprintf(text, sizeof text, "%s C", fmt_deg(deg, sizeof deg, t->t4));
  } else {
    snprintf(text, sizeof text, "no reading");
  }
  vy_draw_text_size(8, 8, "#e8e8e8", size, text);
  int y = 16 + size, h = size * 3 / 4;
  vy_draw_fill(8, y, t->win_w - 16, h, t->relay ? "#c03030" : "#304050");
  vy_draw_text_size(16, y + h / 8, "#ffffff", h * 3 / 4,
                    t->relay ? "relay ON" : "relay off");
  snprintf(text, sizeof text, "on > %s  off < %s",
           fmt_deg(deg, sizeof deg, t->on_t4),
           fmt_deg(deg2, sizeof deg2, t->off_t4));
  vy_draw_text_size(8, y + h + 8, "#a0a8b0", 14, text);
  vy_draw_present();
}

/* Handles one stdin line; -1 when the app should end. */
static int on_line(void *ud, char *line) {
  thermo *t = ud;
  vy_msg m;
  if (!vy_parse(line, &m)) return 0;
  if (!strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown")) return -1;
  if (vy_parse_window(&m, &t->win_w, &t->win_h)) {
    draw(t);
  } else if (!strcmp(m.sender, "sys") && strcmp(m.payload, t->sys_said)) {
    /* e.g. "error no-such-app logger": said once, not once a reading */
    snprintf(t->sys_said, sizeof t->sys_said, "%s", m.payload);
    printf("thermostat: from sys: %s\n", m.payload);
    fflush(stdout);
  }
  return 0;
}

/* Logs err for `what` when it differs from the last one logged. */
static void log_err(int *last, int err, const char *what) {
  if (err == *last) return;
  *last = err;
  printf("thermostat: %s: %s; retrying\n", what, vy_hal_strerror(err));
  fflush(stdout);
}

/* Opens the relay line (off) if it is not open; its error, or 0. */
static int relay_ready(thermo *t) {
  if (t->relay_h >= 0) return 0;
  int h = vy_gpio_open((int32_t)t->relay_line, VY_GPIO_OUTPUT);
  char what[32];
  snprintf(what, sizeof what, "relay line %ld", t->relay_line);
  if (h < 0) {
    log_err(&t->relay_err, h, what);
    return h;
  }
  t->relay_h = h;
  t->relay = 0;
  t->relay_err = 0;
  return 0;
}

/* Hysteresis: the state the relay should be in after reading t4. */
static int wanted(const thermo *t) {
  if (t->t4 > t->on_t4) return 1;
  if (t->t4 < t->off_t4) return 0;
  return t->relay;
}

static void set_relay(thermo *t, int on) {
  if (relay_ready(t)) return;
  if (on == t->relay) return;
  int r = vy_gpio_write(t->relay_h, on);
  if (r < 0) {
    log_err(&t->relay_err, r, "relay write");
    vy_gpio_close(t->relay_h); /* open it afresh next time */
    t->relay_h = -1;
    return;
  }
  t->relay = on;
  char a[16], b[16];
  fmt_deg(a, sizeof a, t->t4);
  fmt_deg(b, sizeof b, on ? t->on_t4 : t->off_t4);
  printf("thermostat: relay %s: %s %s %s\n", on ? "on" : "off", a,
         on ? "above" : "below", b);
  fflush(stdout);
  vy_send("logger", "relay %s: %s %s %s", on ? "on" : "off", a,
          on ? "above" : "below", b);
}

/* One reading: 0, or the HAL's error (then the caller pauses longer). */
static int step(thermo *t) {
  uint8_t reg = 0, b[2];
  int r = vy_i2c_write_read((int32_t)t->bus, (int32_t)t->addr, &reg, 1, b, 2);
  char what[40];
  snprintf(what, sizeof what, "sensor i2c %ld:0x%02lx", t->bus, t->addr);
  if (r < 0) {
    log_err(&t->i2c_err, r, what);
    return r;
  }
  if (t->i2c_err || !t->have_t) {
    printf("thermostat: reading %s\n", what);
    fflush(stdout);
  }
  t->i2c_err = 0;
  t->t4 = tmp102_t4(b);
  t->have_t = 1;
  set_relay(t, wanted(t));
  char d[16];
  vy_send("logger", "temp=%s relay=%s", fmt_deg(d, sizeof d, t->t4),
          t->relay ? "on" : "off");
  if (t->win_w) draw(t);
  return 0;
}

int main(int argc, char **argv) {
  thermo t = { .bus = 0,
               .addr = 0x48,
               .relay_line = 2,
               .interval = 1000,
               .on_t4 = 250000,
               .off_t4 = 230000,
               .relay_h = -1 };
  if (parse_args(&t, argc, argv)) return usage();
  char a[16], b[16];
  printf("thermostat: i2c %ld:0x%02lx, relay line %ld, on > %s, off < %s\n",
         t.bus, t.addr, t.relay_line, fmt_deg(a, sizeof a, t.on_t4),
         fmt_deg(b, sizeof b, t.off_t4));
  fflush(stdout);
  relay_ready(&t);
  for (;;) {
    int r = step(&t);
    if (r == VY_HAL_ECANCELED) break;
    if (vy_pause_ms(&in, r < 0 ? RETRY_MS : t.interval, on_line, &t)) break;
  }
  if (t.relay_h >= 0) vy_gpio_close(t.relay_h);
  return 0;
}
