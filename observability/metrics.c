/*
** metrics.c — formats the heartbeat JSON line and the Prometheus text
** exposition (contract: observability/metrics.h).  Owns no state: the
** supervisor snapshots the numbers, this file only writes text, so it is
** trivially thread-safe and testable.
*/
#include "metrics.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* snprintf-style writer: counts everything, stores what fits. */
typedef struct out {
  char *buf;
  size_t cap, len;
} out;

static void put(out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...) {
  size_t room = o->len < o->cap ? o->cap - o->len : 0;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n;
}

static void putc_(out *o, char c) {
  if (o->len + 1 < o->cap) {
    o->buf[o->len] = c;
    o->buf[o->len + 1] = '\0';
  }
  o->len++;
}

/* NULL is written as an empty string: a missing name must not break the
** line's syntax. */
static void json_str(out *o, const char *s) {
  putc_(o, '"');
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      putc_(o, '\\');
      putc_(o, (char)c);
    } else if (c < 0x20 || c == 0x7f)
      put(o, "\\u%04x", c);
    else
      putc_(o, (char)c);
  }
  putc_(o, '"');
}

/* Prometheus label value escapes: backslash, double quote, newline. */
static void prom_label(out *o, const char *s) {
  putc_(o, '"');
  for (; s && *s; s++) {
    if (*s == '\\' || *s == '"') {
      putc_(o, '\\');
      putc_(o, *s);
    } else if (*s == '\n') {
      putc_(o, '\\');
      putc_(o, 'n');
    } else
      putc_(o, *s);
  }
  putc_(o, '"');
}

/* milliseconds as seconds with three decimals, without floating point */
static void seconds(out *o, uint64_t ms) {
  put(o, "%" PRIu64 ".%03u", ms / 1000, (unsigned)(ms % 1000));
}

static void terminate(out *o) {
  if (o->cap) o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
}

size_t vy_metrics_heartbeat(char *buf, size_t cap, const vy_sup_metrics *sup,
                            const vy_app_metrics *apps, size_t napps) {
  out o = { buf, cap, 0 };
  terminate(&o);
  putc_(&o, '{');
  if (sup->time_ms) put(&o, "\"time_ms\":%" PRId64 ",", sup->time_ms);
  put(&o, "\"uptime_s\":");
  seconds(&o, sup->uptime_ms);
  if (sup->profile) {
    put(&o, ",\"profile\":");
    json_str(&o, sup->profile);
  }
  if (sup->ota_slot) {
    put(&o, ",\"ota\":{\"slot\":");
    json_str(&o, sup->ota_slot);
    put(&o, ",\"version\":");
    json_str(&o, sup->ota_version ? sup->ota_version : "");
    put(&o, ",\"state\":");
    json_str(&o, sup->ota_state ? sup->ota_state : "");
    put(&o, ",\"tries\":%" PRIu32 "}", sup->ota_tries);
  }
  put(&o, ",\"apps\":[");
  for (size_t i = 0; i < napps; i++) {
    const vy_app_metrics *a = &apps[i];
    if (i) putc_(&o, ',');
    put(&o, "{\"name\":");
    json_str(&o, a->name);
    put(&o, ",\"state\":");
    json_str(&o, a->state);
    put(&o, ",\"uptime_s\":");
    seconds(&o, a->uptime_ms);
    put(&o,
        ",\"restarts\":%" PRIu32 ",\"cpu_ms\":%" PRIu64 ",\"memory\":%" PRIu64
        ",\"msgs_in\":%" PRIu64 ",\"msgs_out\":%" PRIu64 "}",
        a->restarts, a->cpu_ms, a->memory_bytes, a->msgs_in, a->msgs_out);
  }
  put(&o, "]}\n");
  terminate(&o);
  return o.len;
}

typedef enum field { F_UPTIME, F_RESTARTS, F_CPU, F_MEMORY, F_IN, F_OUT } field;

static const struct family {
  const char *name, *type, *help;
  field f;
} families[] = {
  { "vyoma_app_uptime_seconds", "gauge",
    "Seconds since the app's current start (0 when not running).", F_UPTIME },
  { "vyoma_app_restarts_total", "counter",
    "Restarts of the app by the supervisor.", F_RESTARTS },
  { "vyoma_app_cpu_seconds_total", "counter", "CPU time used by the app.",
    F_CPU },
  { "vyoma_app_memory_bytes", "gauge", "Memory held by the app.", F_MEMORY },
  { "vyoma_app_messages_in_total", "counter", "IPC lines delivered to the app.",
    F_IN },
  { "vyoma_app_messages_out_total", "counter",
    "IPC lines sent by the app and accepted.", F_OUT },
};

static void family_head(out *o, const char *name, const char *type,
                        const char *help) {
  put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *const hal_kinds[VY_METRICS_HAL_KINDS] = { "gpio", "i2c",
                                                             "spi", "uart",
                                                             "adc" };

static bool hal_used(const vy_hal_counts *h) {
  for (int k = 0; h && k < VY_METRICS_HAL_KINDS; k++)
    if (h->calls[k]) return true;
  return false;
}

/* vyoma_hal_{calls,denied}_total: every kind of an app that made calls */
static void hal_family(out *o, const char *name, const char *help, bool denied,
                       const vy_app_metrics *apps, size_t napps) {
  family_head(o, name, "counter", help);
  for (size_t i = 0; i < napps; i++) {
    const vy_hal_counts *h = apps[i].hal;
    if (!hal_used(h)) continue;
    for (int k = 0; k < VY_METRICS_HAL_KINDS; k++) {
      put(o, "%s{app=", name);
      prom_label(o, apps[i].name);
      put(o, ",kind=\"%s\"} %" PRIu64 "\n", hal_kinds[k],
          denied ? h->denied[k] : h->calls[k]);
    }
  }
}

static void hal_families(out *o, const vy_sup_metrics *sup,
                         const vy_app_metrics *apps, size_t napps) {
  hal_family(o, "vyoma_hal_calls_total",
             "vyoma_hal calls made by the app, by kind of device.", false, apps,
             napps);
  hal_family(o, "vyoma_hal_denied_total",
             "vyoma_hal calls refused because the manifest does not grant "
             "the line or device.",
             true, apps, napps);
  family_head(o, "vyoma_hal_errors_total", "counter",
              "vyoma_hal calls that failed otherwise, by error code.");
  for (size_t i = 0; i < napps; i++) {
    const vy_hal_counts *h = apps[i].hal;
    for (int k = 0; h && k < VY_METRICS_HAL_KINDS; k++)
      for (int c = 1; c < VY_METRICS_HAL_CODES; c++) {
        if (!h->errors[k][c]) continue;
        put(o, "vyoma_hal_errors_total{app=");
        prom_label(o, apps[i].name);
        put(o, ",kind=\"%s\",code=", hal_kinds[k]);
        prom_label(o, sup->hal_code_name(-c));
        put(o, "} %" PRIu64 "\n", h->errors[k][c]);
      }
  }
}

/* the running slot, its version and update state, and the tries left */
static void ota_families(out *o, const vy_sup_metrics *sup) {
  family_head(o, "vyoma_ota_info", "gauge",
              "1: the running system slot, its version and update state.");
  put(o, "vyoma_ota_info{slot=");
  prom_label(o, sup->ota_slot);
  put(o, ",version=");
  prom_label(o, sup->ota_version ? sup->ota_version : "");
  put(o, ",state=");
  prom_label(o, sup->ota_state ? sup->ota_state : "");
  put(o, "} 1\n");
  family_head(o, "vyoma_ota_tries_remaining", "gauge",
              "Boots the running slot has left before it counts as failed.");
  put(o, "vyoma_ota_tries_remaining %" PRIu32 "\n", sup->ota_tries);
}

size_t vy_metrics_prometheus(char *buf, size_t cap, const vy_sup_metrics *sup,
                             const vy_app_metrics *apps, size_t napps) {
  out o = { buf, cap, 0 };
  terminate(&o);
  family_head(&o, "vyoma_uptime_seconds", "gauge",
              "Seconds since the supervisor started.");
  put(&o, "vyoma_uptime_seconds ");
  seconds(&o, sup->uptime_ms);
  putc_(&o, '\n');
  family_head(&o, "vyoma_apps", "gauge", "Apps known to the supervisor.");
  put(&o, "vyoma_apps %zu\n", napps);
  if (sup->display) {
    family_head(&o, "vyoma_display_frames_total", "counter",
                "Frames the compositor drew and presented.");
    put(&o, "vyoma_display_frames_total %" PRIu64 "\n", sup->display_frames);
    family_head(&o, "vyoma_display_pixels_total", "counter",
                "Pixels the compositor redrew (damaged regions only).");
    put(&o, "vyoma_display_pixels_total %" PRIu64 "\n", sup->display_pixels);
    family_head(&o, "vyoma_display_budget_drops_total", "counter",
                "Draw commands refused by the per-app draw budget.");
    put(&o, "vyoma_display_budget_drops_total %" PRIu64 "\n",
        sup->display_budget_drops);
  }
  if (sup->ota_slot) ota_families(&o, sup);
  family_head(&o, "vyoma_app_state", "gauge", "1 for the app's current state.");
  for (size_t i = 0; i < napps; i++) {
    put(&o, "vyoma_app_state{app=");
    prom_label(&o, apps[i].name);
    put(&o, ",state=");
    prom_label(&o, apps[i].state);
    put(&o, "} 1\n");
  }
  for (size_t k = 0; k < sizeof families / sizeof *families; k++) {
    const struct family *f = &families[k];
    family_head(&o, f->name, f->type, f->help);
    for (size_t i = 0; i < napps; i++) {
      const vy_app_metrics *a = &apps[i];
      put(&o, "%s{app=", f->name);
      prom_label(&o, a->name);
      put(&o, "} ");
      switch (f->f) {
        case F_UPTIME: seconds(&o, a->uptime_ms); break;
        case F_RESTARTS: put(&o, "%" PRIu32, a->restarts); break;
        case F_CPU: seconds(&o, a->cpu_ms); break;
        case F_MEMORY: put(&o, "%" PRIu64, a->memory_bytes); break;
        case F_IN: put(&o, "%" PRIu64, a->msgs_in); break;
        case F_OUT: put(&o, "%" PRIu64, a->msgs_out); break;
      }
      putc_(&o, '\n');
    }
  }
  family_head(
      &o, "vyoma_app_ipc_refused_total", "counter",
      "IPC sends refused, by reason (dropped: replies lost to a full inbox).");
  for (size_t i = 0; i < napps; i++) {
    const vy_app_metrics *a = &apps[i];
    const struct {
      const char *why;
      uint64_t v;
    } r[] = {
      { "denied", a->ipc_denied },
      { "rate-limited", a->ipc_rate_limited },
      { "queue-full", a->ipc_queue_full },
      { "dropped", a->ipc_dropped },
    };
    for (size_t k = 0; k < sizeof r / sizeof *r; k++) {
      put(&o, "vyoma_app_ipc_refused_total{app=");
      prom_label(&o, a->name);
      put(&o, ",reason=\"%s\"} %" PRIu64 "\n", r[k].why, r[k].v);
    }
  }
  if (sup->hal_code_name) hal_families(&o, sup, apps, napps);
  terminate(&o);
  return o.len;
}

typedef size_t (*formatter)(char *, size_t, const vy_sup_metrics *,
                            const vy_app_metrics *, size_t);

static char *alloc_with(formatter f, const vy_sup_metrics *sup,
                        const vy_app_metrics *apps, size_t napps) {
  size_t n = f(NULL, 0, sup, apps, napps);
  char *s = malloc(n + 1);
  if (s) f(s, n + 1, sup, apps, napps);
  return s;
}

char *vy_metrics_heartbeat_alloc(const vy_sup_metrics *sup,
                                 const vy_app_metrics *apps, size_t napps) {
  return alloc_with(vy_metrics_heartbeat, sup, apps, napps);
}

char *vy_metrics_prometheus_alloc(const vy_sup_metrics *sup,
                                  const vy_app_metrics *apps, size_t napps) {
  return alloc_with(vy_metrics_prometheus, sup, apps, napps);
}
