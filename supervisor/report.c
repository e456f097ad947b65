/*
** report.c — what the supervisor tells about its apps: `ps` (text and
** JSON, as supervisor/control.h lays out), the heartbeat line and the
** Prometheus metrics (both formatted by observability/metrics.h).
**
** A snapshot of the app table is taken under sup.lock; the broker's
** counters are read afterwards, with the lock released, so the supervisor
** never holds its lock while calling into the broker.
*/
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "../observability/metrics.h"
#include "vyomad.h"

/* a snapshot of every app; names are copied so they outlive the lock */
typedef struct snap {
  vy_app_metrics *m;
  char (*names)[64];
  size_t n;
} snap;

static int take_snap(snap *s) {
  memset(s, 0, sizeof *s);
  int64_t now = now_ms();
  pthread_mutex_lock(&S.lock);
  size_t n = S.napps;
  s->m = calloc(n ? n : 1, sizeof *s->m);
  s->names = calloc(n ? n : 1, sizeof *s->names);
  if (!s->m || !s->names) {
    pthread_mutex_unlock(&S.lock);
    free(s->m);
    free(s->names);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    app *a = S.apps[i];
    vy_app_metrics *m = &s->m[i];
    snprintf(s->names[i], sizeof s->names[i], "%s", a->name);
    m->name = s->names[i];
    m->state = state_name(a->state);
    bool live = a->state == ST_RUNNING || a->state == ST_STARTING;
    m->uptime_ms = live ? (uint64_t)(now - a->started_ms) : 0;
    m->cpu_ms = app_cpu_ns(a) / 1000000u;
    m->memory_bytes = app_mem_bytes(a);
    m->restarts = a->restarts;
  }
  s->n = n;
  pthread_mutex_unlock(&S.lock);
  for (size_t i = 0; i < n; i++) {
    vy_ipc_stats st;
    if (vy_broker_stats(S.broker, s->names[i], &st) == 0) {
      s->m[i].msgs_in = st.msgs_in;
      s->m[i].msgs_out = st.msgs_out;
    }
  }
  return 0;
}

static void free_snap(snap *s) {
  free(s->m);
  free(s->names);
}

void report_ps(sbuf *b, bool json) {
  snap s;
  if (take_snap(&s) != 0) {
    b->oom = true;
    return;
  }
  if (json) {
    sb_printf(b, "{\"apps\":[");
    for (size_t i = 0; i < s.n; i++) {
      const vy_app_metrics *m = &s.m[i];
      sb_printf(b, "%s{\"name\":", i ? "," : "");
      sb_json_str(b, m->name);
      sb_printf(
          b,
          ",\"state\":\"%s\",\"uptime_s\":%.3f,\"restarts\":%u,"
          "\"cpu_ms\":%llu,\"memory\":%llu,\"msgs_in\":%llu,"
          "\"msgs_out\":%llu}",
          m->state, (double)m->uptime_ms / 1000.0, m->restarts,
          (unsigned long long)m->cpu_ms, (unsigned long long)m->memory_bytes,
          (unsigned long long)m->msgs_in, (unsigned long long)m->msgs_out);
    }
    sb_printf(b, "]}\n");
  } else {
    sb_printf(b,
              "NAME STATE UPTIME_S RESTARTS CPU_MS MEM_BYTES MSGS_IN "
              "MSGS_OUT\n");
    for (size_t i = 0; i < s.n; i++) {
      const vy_app_metrics *m = &s.m[i];
      sb_printf(
          b, "%s %s %.1f %u %llu %llu %llu %llu\n", m->name, m->state,
          (double)m->uptime_ms / 1000.0, m->restarts,
          (unsigned long long)m->cpu_ms, (unsigned long long)m->memory_bytes,
          (unsigned long long)m->msgs_in, (unsigned long long)m->msgs_out);
    }
  }
  free_snap(&s);
}

void report_sys_list(sbuf *b, bool figures) {
  snap s;
  if (take_snap(&s) != 0) {
    b->oom = true;
    return;
  }
  sb_printf(b, "%s", figures ? "stats" : "ps");
  for (size_t i = 0; i < s.n; i++) {
    const vy_app_metrics *m = &s.m[i];
    if (figures)
      sb_printf(b, " %s=%s,%llu,%llu", m->name, m->state,
                (unsigned long long)m->cpu_ms,
                (unsigned long long)m->memory_bytes);
    else
      sb_printf(b, " %s=%s", m->name, m->state);
  }
  free_snap(&s);
}

static void sup_metrics(vy_sup_metrics *sm) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  sm->uptime_ms = (uint64_t)(now_ms() - S.boot_ms);
  sm->time_ms = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
  sm->profile = S.profile_name;
  sm->display = screen_on();
  screen_stats(&sm->display_frames, &sm->display_pixels,
               &sm->display_budget_drops);
}

/* A snapshot of every app and the supervisor's own figures, formatted by
** fmt (observability/) into b; out of memory sets b->oom. */
typedef char *(*formatter)(const vy_sup_metrics *sm, const vy_app_metrics *m,
                           size_t n);

static void report_with(sbuf *b, formatter fmt, bool one_line) {
  snap s;
  if (take_snap(&s) != 0) {
    b->oom = true;
    return;
  }
  vy_sup_metrics sm;
  sup_metrics(&sm);
  char *text = fmt(&sm, s.m, s.n);
  if (!text) {
    b->oom = true;
  } else {
    /* the formatter ends a heartbeat with a newline; one line drops it */
    size_t l = strlen(text);
    if (one_line && l && text[l - 1] == '\n') text[l - 1] = 0;
    sb_printf(b, "%s", text);
  }
  free(text);
  free_snap(&s);
}

void report_heartbeat(sbuf *b) {
  report_with(b, vy_metrics_heartbeat_alloc, true);
}

void report_metrics(sbuf *b) {
  report_with(b, vy_metrics_prometheus_alloc, false);
}
