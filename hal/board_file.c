/*
** board_file.c — reads a board file (boards/NAME.toml) into a hal_conf:
** the key rows for vy_schema (profile/schema.h) and a finish hook that
** turns the maps' "KEY=VALUE" strings into typed, checked entries.
**
** The format is described at the top of hal/board.c (and shown in use by
** boards/sim.toml); this file is its rows and the checks the rows cannot
** make.
*/
#include "hal_int.h"
#include "../toml/toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOARD_MAX_BYTES (256u << 10)

/* ---- small parsers ------------------------------------------------------- */

int hal_parse_decimal(const char *s, double *out) {
  const char *p = s;
  if (*p == '-' || *p == '+') p++;
  if (!isdigit((unsigned char)*p)) return -1;
  while (isdigit((unsigned char)*p)) p++;
  if (*p == '.') {
    p++;
    if (!isdigit((unsigned char)*p)) return -1;
    while (isdigit((unsigned char)*p)) p++;
  }
  if (*p) return -1;
  *out = strtod(s, NULL);
  return 0;
}

static bool valid_uart_name(const char *s, size_t len) {
  if (len == 0 || len > 32) return false;
  for (size_t i = 0; i < len; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
      return false;
  return true;
}

/* ---- checks of single strings (vy_check_fn) ------------------------------ */

static const char *check_board_name(const char *s) {
  return vy_valid_name(s) ? NULL
                          : "bad board name \"%s\" (want [a-z][a-z0-9-]{0,31})";
}
static const char *check_backend(const char *s) {
  return strcmp(s, "sim") == 0 || strcmp(s, "linux") == 0
             ? NULL
             : "unknown backend \"%s\" (sim or linux)";
}
static const char *check_bus_addr(const char *s) {
  uint32_t a, b;
  return vy_parse_pair(s, 1023, 0x7f, false, &a, &b) == 0
             ? NULL
             : "bad device \"%s\" (want BUS:ADDR, e.g. \"1:0x48\")";
}
static const char *check_dev_ch(const char *s) {
  uint32_t a, b;
  return vy_parse_pair(s, 1023, 1023, false, &a, &b) == 0
             ? NULL
             : "bad channel \"%s\" (want DEV:CHANNEL or BUS:CS, e.g. \"0:1\")";
}
static const char *check_uart(const char *s) {
  return valid_uart_name(s, strlen(s))
             ? NULL
             : "bad port name \"%s\" (want [A-Za-z0-9_-]{1,32})";
}
static const char *check_decimal(const char *s) {
  double d;
  return hal_parse_decimal(s, &d) == 0
             ? NULL
             : "bad number \"%s\" (want a decimal, e.g. \"21.5\")";
}
static const char *check_gpio_sim(const char *s) {
  const char *colon = strrchr(s, ':');
  uint32_t n;
  if (!colon || colon == s || !valid_uart_name(s, (size_t)(colon - s)) ||
      vy_parse_uint(colon + 1, strlen(colon + 1), 1024, &n) != 0 || n == 0)
    return "bad gpio-sim chip \"%s\" (want LABEL:LINES, e.g. \"vyoma:16\")";
  return NULL;
}
static const char *check_module(const char *s) {
  size_t n = strcspn(s, " ");
  return n > 0 && valid_uart_name(s, n)
             ? NULL
             : "bad module \"%s\" (want \"NAME [PARAM=VALUE...]\")";
}
static const char *check_dummy(const char *s) {
  return valid_uart_name(s, strlen(s))
             ? NULL
             : "bad device name \"%s\" (want [A-Za-z0-9_-]{1,32})";
}
static const char *check_state(const char *s) {
  return *s && strlen(s) < HAL_PATH_MAX - 64 ? NULL : "bad state folder \"%s\"";
}

/* ---- the rows -------------------------------------------------------- */

#define C(member) VY_AT(hal_conf, member)
#define UNKNOWN   "unknown key (see hal/board_file.c for the format)"

static const vy_key board_keys[] = {
  { "name", VY_STR, C(name), .check = check_board_name },
  { "backend", VY_STR, C(backend), .check = check_backend },
  { "description", VY_NOTE, .offset = 0 },
};
static const vy_key gpio_keys[] = {
  { "lines", VY_STRMAP, C(gpio_lines), .what = "a line" },
};
static const vy_key i2c_keys[] = {
  { "buses", VY_STRMAP, C(i2c_buses), .what = "a bus" },
};
static const vy_key spi_keys[] = {
  { "devices", VY_STRMAP, C(spi_devices), .what = "a device" },
};
static const vy_key uart_keys[] = {
  { "ports", VY_STRMAP, C(uart_ports), .what = "a port" },
};
static const vy_key adc_keys[] = {
  { "devices", VY_STRMAP, C(adc_devices), .what = "a converter" },
};
static const vy_key setup_keys[] = {
  { "modules", VY_STRLIST, C(modules), .check = check_module },
  { "gpio_sim", VY_STRLIST, C(gpio_sim), .check = check_gpio_sim },
  { "iio_dummy", VY_STRLIST, C(iio_dummy), .check = check_dummy },
};
static const vy_key sim_keys[] = {
  { "state", VY_STR, C(sim_state), .check = check_state },
  { "tmp102", VY_STRLIST, C(sim_tmp102), .check = check_bus_addr },
  { "temperature", VY_TEXT, C(sim_temperature), .check = check_decimal,
    .dflt_text = "21.5" },
  { "leds", VY_INTLIST, C(sim_leds), .min = 0, .max = 1023,
    .count_offset = offsetof(hal_conf, nsim_leds) },
  { "buttons", VY_INTLIST, C(sim_buttons), .min = 0, .max = 1023,
    .count_offset = offsetof(hal_conf, nsim_buttons) },
  { "uart_loopback", VY_STRLIST, C(sim_uart), .check = check_uart },
  { "adc", VY_STRLIST, C(sim_adc), .check = check_dev_ch },
  { "adc_raw", VY_INT, C(sim_adc_raw), .min = INT32_MIN, .max = INT32_MAX },
  { "adc_scale", VY_TEXT, C(sim_adc_scale), .check = check_decimal,
    .dflt_text = "1" },
  { "spi_loopback", VY_STRLIST, C(sim_spi), .check = check_dev_ch },
};

#define TABLE(keys)                                                            \
  { VY_ROWS(keys), UNKNOWN, NULL }
static const vy_table board_t = TABLE(board_keys), gpio_t = TABLE(gpio_keys),
                      i2c_t = TABLE(i2c_keys), spi_t = TABLE(spi_keys),
                      uart_t = TABLE(uart_keys), adc_t = TABLE(adc_keys),
                      setup_t = TABLE(setup_keys), sim_t = TABLE(sim_keys);

static const vy_key root_keys[] = {
  { "board", VY_TABLE, .table = &board_t },
  { "gpio", VY_TABLE, .table = &gpio_t },
  { "i2c", VY_TABLE, .table = &i2c_t },
  { "spi", VY_TABLE, .table = &spi_t },
  { "uart", VY_TABLE, .table = &uart_t },
  { "adc", VY_TABLE, .table = &adc_t },
  { "setup", VY_TABLE, .table = &setup_t },
  { "sim", VY_TABLE, .table = &sim_t },
};
static const vy_table root_t = {
  VY_ROWS(root_keys),
  "unknown key (a board file has tables only: [board], [gpio], ...)",
  "unknown table (board, gpio, i2c, spi, uart, adc, setup or sim)"
};

/* ---- finish: the maps ---------------------------------------------------- */

/* The line of [table] KEY's entry ENTRY, for messages. */
static int entry_line(const toml_value *root, const char *table,
                      const char *key, const char *entry) {
  const toml_value *m = toml_get(toml_get(root, table), key);
  const toml_value *e = entry ? toml_get(m, entry) : NULL;
  return toml_line(e ? e : m);
}

static int grow(void **v, size_t n, size_t size) {
  void *g = realloc(*v, (n + 1) * size);
  if (!g) return -1;
  *v = g;
  return 0;
}

/* A VY_STRMAP item "KEY=VALUE" (the loader made sure of the '='): the
** key into key (cut to keylen, which then matches nothing), the value. */
static const char *split_kv(const char *kv, char *key, size_t keylen) {
  const char *eq = strchr(kv, '=');
  if (!eq) eq = kv + strlen(kv) - 1; /* not reached: read_map_entry */
  snprintf(key, keylen, "%.*s", (int)(eq - kv), kv);
  return eq + 1;
}

/* "N" or "N-M" in 0..1023 */
static int parse_line_range(const char *s, size_t len, uint32_t *lo,
                            uint32_t *hi) {
  const char *dash = memchr(s, '-', len);
  if (!dash) {
    if (vy_parse_uint(s, len, 1023, lo) != 0) return -1;
    *hi = *lo;
    return 0;
  }
  if (vy_parse_uint(s, (size_t)(dash - s), 1023, lo) != 0 ||
      vy_parse_uint(dash + 1, len - (size_t)(dash - s) - 1, 1023, hi) != 0)
    return -1;
  return *lo <= *hi ? 0 : -1;
}

static bool gpio_mapped(const hal_conf *c, uint32_t line) {
  for (size_t i = 0; i < c->ngpio; i++)
    if (c->gpio[i].line == line) return true;
  return false;
}

/* One [gpio] lines entry: KEY=CHIP:OFFSET. */
static int gpio_entry(vy_ck *ck, const toml_value *root, hal_conf *c,
                      const char *kv) {
  char key[64], dk[96];
  const char *val = split_kv(kv, key, sizeof key);
  const char *eq = val - 1;
  snprintf(dk, sizeof dk, "gpio.lines.%s", key);
  int line = entry_line(root, "gpio", "lines", key);
  uint32_t lo, hi, off;
  if (parse_line_range(kv, (size_t)(eq - kv), &lo, &hi) != 0)
    return vy_ck_fail(ck, line, dk, "bad line (want N or N-M, 0..1023)");
  const char *colon = strrchr(val, ':');
  if (!colon || colon == val || (size_t)(colon - val) >= HAL_PATH_MAX ||
      vy_parse_uint(colon + 1, strlen(colon + 1), 65535, &off) != 0)
    return vy_ck_fail(ck, line, dk,
                      "bad chip line \"%s\" (want CHIP:OFFSET, e.g. "
                      "\"vyoma:0\" or \"/dev/gpiochip0:17\")",
                      val);
  for (uint32_t l = lo; l <= hi; l++) {
    if (gpio_mapped(c, l))
      return vy_ck_fail(ck, line, dk, "line %u is mapped twice", l);
    if (grow((void **)&c->gpio, c->ngpio, sizeof *c->gpio) != 0)
      return vy_ck_nomem(ck);
    hal_gpio_map *m = &c->gpio[c->ngpio++];
    m->line = l;
    snprintf(m->chip, sizeof m->chip, "%.*s", (int)(colon - val), val);
    m->offset = off + (l - lo);
  }
  return 0;
}

/* How a map's keys read: a number, BUS:CS, or a port name. */
enum { KEY_NUM, KEY_PAIR, KEY_NAME };

static int dev_entry(vy_ck *ck, const toml_value *root, const char *table,
                     const char *mapkey, int kind, const char *kv,
                     hal_devs *out) {
  char key[64], dk[128];
  const char *val = split_kv(kv, key, sizeof key);
  snprintf(dk, sizeof dk, "%s.%s.%s", table, mapkey, key);
  int line = entry_line(root, table, mapkey, key);
  hal_dev d = { 0 };
  bool ok = kind == KEY_NUM ? vy_parse_uint(key, strlen(key), 1023, &d.a) == 0
            : kind == KEY_PAIR
                ? vy_parse_pair(key, 1023, 1023, false, &d.a, &d.b) == 0
                : valid_uart_name(key, strlen(key));
  if (!ok)
    return vy_ck_fail(ck, line, dk, "bad %s",
                      kind == KEY_NUM    ? "number (want 0..1023)"
                      : kind == KEY_PAIR ? "BUS:CS (want e.g. \"0:1\")"
                                         : "name (want [A-Za-z0-9_-]{1,32})");
  if (!*val || strlen(val) >= HAL_PATH_MAX)
    return vy_ck_fail(ck, line, dk, "empty or too long a path");
  if (kind == KEY_NAME) snprintf(d.name, sizeof d.name, "%.32s", key);
  snprintf(d.path, sizeof d.path, "%s", val);
  if (grow((void **)&out->v, out->n, sizeof *out->v) != 0)
    return vy_ck_nomem(ck);
  out->v[out->n++] = d;
  return 0;
}

static int dev_map(vy_ck *ck, const toml_value *root, const char *table,
                   const char *mapkey, int kind, const vy_strlist *l,
                   hal_devs *out) {
  for (size_t i = 0; i < l->n; i++)
    if (dev_entry(ck, root, table, mapkey, kind, l->items[i], out) != 0)
      return -1;
  return 0;
}

/* A [sim] list of "A:B" strings (checked by the rows) as devices; a
** device named twice is an error. */
static int sim_list(vy_ck *ck, const toml_value *root, const char *key,
                    const vy_strlist *l, uint32_t maxb, hal_devs *out) {
  for (size_t i = 0; i < l->n; i++) {
    hal_dev d = { 0 };
    vy_parse_pair(l->items[i], 1023, maxb, false, &d.a, &d.b);
    if (hal_devs_find(out, d.a, d.b)) {
      char dk[64];
      snprintf(dk, sizeof dk, "sim.%s", key);
      return vy_ck_fail(ck, entry_line(root, "sim", key, NULL), dk,
                        "\"%s\" is listed twice", l->items[i]);
    }
    if (grow((void **)&out->v, out->n, sizeof *out->v) != 0)
      return vy_ck_nomem(ck);
    out->v[out->n++] = d;
  }
  return 0;
}

/* Lines that are both LEDs and buttons would be driven from two sides. */
static int sim_lines(vy_ck *ck, const toml_value *root, const hal_conf *c) {
  for (size_t i = 0; i < c->nsim_buttons; i++)
    for (size_t j = 0; j < c->nsim_leds; j++)
      if (c->sim_buttons[i] == c->sim_leds[j])
        return vy_ck_fail(ck, entry_line(root, "sim", "buttons", NULL),
                          "sim.buttons", "line %u is also an LED",
                          c->sim_buttons[i]);
  return 0;
}

static int finish_sim(vy_ck *ck, const toml_value *root, hal_conf *c) {
  double t, s;
  hal_parse_decimal(c->sim_temperature, &t);
  hal_parse_decimal(c->sim_adc_scale, &s);
  if (t < -128 || t > 127)
    return vy_ck_fail(ck, entry_line(root, "sim", "temperature", NULL),
                      "sim.temperature", "out of the TMP102's range -128..127");
  c->temp_mc = (int32_t)(t * 1000 + (t < 0 ? -0.5 : 0.5));
  c->adc_scale = s;
  if (sim_list(ck, root, "tmp102", &c->sim_tmp102, 0x7f, &c->tmp102) != 0 ||
      sim_list(ck, root, "adc", &c->sim_adc, 1023, &c->simadc) != 0 ||
      sim_list(ck, root, "spi_loopback", &c->sim_spi, 1023, &c->simspi) != 0)
    return -1;
  return sim_lines(ck, root, c);
}

static int finish_conf(vy_ck *ck, const toml_value *root, void *obj) {
  hal_conf *c = obj;
  if (!c->name)
    return vy_ck_fail(ck, toml_line(toml_get(root, "board")), "board.name",
                      "missing (the board's name)");
  if (!c->backend)
    return vy_ck_fail(ck, toml_line(toml_get(root, "board")), "board.backend",
                      "missing (sim or linux)");
  for (size_t i = 0; i < c->gpio_lines.n; i++)
    if (gpio_entry(ck, root, c, c->gpio_lines.items[i]) != 0) return -1;
  if (dev_map(ck, root, "i2c", "buses", KEY_NUM, &c->i2c_buses, &c->i2c) ||
      dev_map(ck, root, "spi", "devices", KEY_PAIR, &c->spi_devices, &c->spi) ||
      dev_map(ck, root, "uart", "ports", KEY_NAME, &c->uart_ports, &c->uart) ||
      dev_map(ck, root, "adc", "devices", KEY_NUM, &c->adc_devices, &c->adc))
    return -1;
  return finish_sim(ck, root, c);
}

/* ---- load and free ------------------------------------------------------- */

void hal_conf_free(hal_conf *c) {
  free(c->name);
  free(c->backend);
  free(c->sim_state);
  vy_strlist *lists[] = { &c->gpio_lines, &c->i2c_buses,   &c->spi_devices,
                          &c->uart_ports, &c->adc_devices, &c->modules,
                          &c->gpio_sim,   &c->iio_dummy,   &c->sim_tmp102,
                          &c->sim_uart,   &c->sim_adc,     &c->sim_spi };
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    vy_strlist_free(lists[i]);
  free(c->sim_leds);
  free(c->sim_buttons);
  free(c->gpio);
  hal_devs *devs[] = { &c->i2c,    &c->spi,    &c->uart,  &c->adc,
                       &c->tmp102, &c->simadc, &c->simspi };
  for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++) free(devs[i]->v);
  memset(c, 0, sizeof *c);
}

static void free_conf(void *obj) { hal_conf_free(obj); }

static const vy_schema board_schema = { &root_t, sizeof(hal_conf),
                                        BOARD_MAX_BYTES, finish_conf,
                                        free_conf };

/* The folder of path ("." for a bare file name). */
static void set_dir(hal_conf *c, const char *path) {
  const char *slash = path ? strrchr(path, '/') : NULL;
  if (!slash)
    snprintf(c->dir, sizeof c->dir, ".");
  else if (slash == path)
    snprintf(c->dir, sizeof c->dir, "/");
  else
    snprintf(c->dir, sizeof c->dir, "%.*s", (int)(slash - path), path);
}

int hal_conf_load(const char *path, hal_conf *c, char *err, size_t errlen) {
  if (vy_schema_load(&board_schema, path, c, err, errlen) != 0) return -1;
  set_dir(c, path);
  return 0;
}

int hal_conf_parse(const char *path, const char *text, hal_conf *c, char *err,
                   size_t errlen) {
  if (vy_schema_parse(&board_schema, path, text, strlen(text), c, err,
                      errlen) != 0)
    return -1;
  set_dir(c, path);
  return 0;
}

const hal_dev *hal_devs_find(const hal_devs *d, uint32_t a, uint32_t b) {
  for (size_t i = 0; i < d->n; i++)
    if (d->v[i].a == a && d->v[i].b == b) return &d->v[i];
  return NULL;
}

const hal_dev *hal_devs_find_name(const hal_devs *d, const char *name) {
  for (size_t i = 0; i < d->n; i++)
    if (strcmp(d->v[i].name, name) == 0) return &d->v[i];
  return NULL;
}
