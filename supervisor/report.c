/*
** report.c — what the supervisor tells about its apps: `ps` (text and
** JSON, as supervisor/control.h lays out), the heartbeat line and the
** Prometheus metrics (both formatted by observability/metrics.h).
**
** A snapshot of the app table is taken under sup.lock; the broker's
** counters are read afterwards, with the lock released, so the supervisor
** never holds its lock while calling into the broker.  The refused-send
** counters (denied, rate-limited, queue-full, dropped) are counted over
** all of an app's runs, like its restarts and CPU time: each run's are
** added to the app's ipc_prev as its endpoint goes (run.c).
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
  uint32_t *runs;     /* each app's ipc_runs under the first lock     */
  vy_ipc_stats *live; /* the broker's counters of each current run    */
  size_t n;
} snap;

void report_ipc_add(vy_ipc_stats *sum, const vy_ipc_stats *run) {
  sum->denied += run->denied;
  sum->rate_limited += run->rate_limited;
  sum->queue_full += run->queue_full;
  sum->dropped_full += run->dropped_full;
}

/* the refused-send counters of vy_app_metrics from a sum of vy_ipc_stats */
static void set_refused(vy_app_metrics *m, const vy_ipc_stats *st) {
  m->ipc_denied = st->denied;
  m->ipc_rate_limited = st->rate_limited;
  m->ipc_queue_full = st->queue_full;
  m->ipc_dropped = st->dropped_full;
}

/* the app table's part of the snapshot (caller holds sup.lock) */
static void snap_apps_locked(snap *s, int64_t now) {
  for (size_t i = 0; i < s->n; i++) {
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
    s->runs[i] = a->ipc_runs;
  }
}

/* The broker's counters of the current runs, read without sup.lock.  The
** refused sends are the earlier runs' sum (ipc_prev) plus the current
** run's.  A run that ends meanwhile is added to the sum before its
** endpoint goes and ipc_runs grows: then the sum, read again, holds it and
** the live figures (of it, or of a new run's fresh endpoint) are left for
** the next report -- a counter never counts a run twice nor goes down. */
static void snap_broker(snap *s) {
  for (size_t i = 0; i < s->n; i++) {
    vy_ipc_stats st;
    if (vy_broker_stats(S.broker, s->names[i], &st) != 0) continue;
    s->m[i].msgs_in = st.msgs_in;
    s->m[i].msgs_out = st.msgs_out;
    s->live[i] = st;
  }
  pthread_mutex_lock(&S.lock);
  for (size_t i = 0; i < s->n && i < S.napps; i++) {
    vy_ipc_stats sum = S.apps[i]->ipc_prev;
    if (S.apps[i]->ipc_runs == s->runs[i]) report_ipc_add(&sum, &s->live[i]);
    set_refused(&s->m[i], &sum);
  }
  pthread_mutex_unlock(&S.lock);
}

static void free_snap(snap *s) {
  free(s->m);
  free(s->names);
  free(s->runs);
  free(s->live);
}

static int take_snap(snap *s) {
  memset(s, 0, sizeof *s);
  int64_t now = now_ms();
  pthread_mutex_lock(&S.lock);
  size_t n = S.napps;
  s->m = calloc(n ? n : 1, sizeof *s->m);
  s->names = calloc(n ? n : 1, sizeof *s->names);
  s->runs = calloc(n ? n : 1, sizeof *s->runs);
  s->live = calloc(n ? n : 1, sizeof *s->live);
  if (!s->m || !s->names || !s->runs || !s->live) {
    pthread_mutex_unlock(&S.lock);
    free_snap(s);
    return -1;
  }
  s->n = n;
  snap_apps_locked(s, now);
  pthread_mutex_unlock(&S.lock);
  snap_broker(s);
  return 0;
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
