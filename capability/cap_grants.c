/*
** cap_grants.c — an app's peripheral grants (profile/manifest.c has
** checked their syntax) turned into what a call is matched against: gpio
** line numbers as they are, i2c "BUS:0xADDR", spi "BUS:CS" and adc
** "DEV:CHANNEL" / "CHANNEL" as number pairs, uart names as written.  Also
** the canonical text of a resource, which ownership and the logs use.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_int.h"

/* a grant manifest.c has checked: "A:B", or "B" alone with a = 0 (adc) */
static cap_pair parse_pair(const char *s) {
  cap_pair p = { 0, 0 };
  if (vy_parse_pair(s, UINT32_MAX, UINT32_MAX, true, &p.a, &p.b) != 0)
    p.a = p.b = UINT32_MAX; /* matches nothing a call can name */
  return p;
}

static int parse_list(const vy_strlist *l, cap_pair **out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!l->n) return 0;
  if (!(*out = calloc(l->n, sizeof **out))) return -1;
  for (size_t i = 0; i < l->n; i++) (*out)[i] = parse_pair(l->items[i]);
  *n = l->n;
  return 0;
}

int cap_grants_parse(cap_grants *g, const vy_manifest *m) {
  static const vy_strlist none = { NULL, 0 };
  memset(g, 0, sizeof *g);
  g->uart = m ? &m->uart : &none;
  if (!m) return 0;
  g->gpio = m->gpio;
  g->ngpio = m->ngpio;
  if (parse_list(&m->i2c, &g->i2c, &g->ni2c) != 0 ||
      parse_list(&m->spi, &g->spi, &g->nspi) != 0 ||
      parse_list(&m->adc, &g->adc, &g->nadc) != 0) {
    cap_grants_free(g);
    return -1;
  }
  return 0;
}

void cap_grants_free(cap_grants *g) {
  free(g->i2c);
  free(g->spi);
  free(g->adc);
  g->i2c = g->spi = g->adc = NULL;
}

bool cap_grants_gpio(const cap_grants *g, int32_t line) {
  for (size_t i = 0; i < g->ngpio; i++)
    if (line >= 0 && g->gpio[i] == (uint32_t)line) return true;
  return false;
}

bool cap_grants_pair(const cap_pair *p, size_t n, int32_t a, int32_t b) {
  if (a < 0 || b < 0) return false;
  for (size_t i = 0; i < n; i++)
    if (p[i].a == (uint32_t)a && p[i].b == (uint32_t)b) return true;
  return false;
}

bool cap_grants_uart(const cap_grants *g, const char *name) {
  for (size_t i = 0; i < g->uart->n; i++)
    if (!strcmp(g->uart->items[i], name)) return true;
  return false;
}

static const vy_strlist *list_of(const vy_manifest *m, int kind) {
  switch (kind) {
    case VY_CAP_I2C: return &m->i2c;
    case VY_CAP_SPI: return &m->spi;
    case VY_CAP_UART: return &m->uart;
    case VY_CAP_ADC: return &m->adc;
  }
  return NULL;
}

void cap_grants_list(const vy_manifest *m, int kind, char *buf, size_t len) {
  size_t o = 0, n = 0;
  buf[0] = 0;
  if (m && kind == VY_CAP_GPIO) {
    for (; n < m->ngpio && o < len; n++)
      o += (size_t)snprintf(buf + o, len - o, "%s%u", n ? ", " : "",
                            (unsigned)m->gpio[n]);
  } else if (m) {
    const vy_strlist *l = list_of(m, kind);
    for (; l && n < l->n && o < len; n++)
      o += (size_t)snprintf(buf + o, len - o, "%s%s", n ? ", " : "",
                            l->items[n]);
  }
  if (!n) snprintf(buf, len, "none");
}

void cap_resource(int kind, uint32_t a, uint32_t b, char *buf, size_t len) {
  switch (kind) {
    case VY_CAP_GPIO: snprintf(buf, len, "%u", (unsigned)a); break;
    case VY_CAP_I2C:
      snprintf(buf, len, "%u:0x%02x", (unsigned)a, (unsigned)b);
      break;
    default: snprintf(buf, len, "%u:%u", (unsigned)a, (unsigned)b); break;
  }
}
