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
#include "suggest.h"
#include "vyomad.h"

/* what ps shows beyond the metrics: the state with its reason */
typedef struct app_extra {
  char state[200]; /* "exited 0", "failed: module missing", ...     */
  char reason[128], ended_at[40];
  uint64_t limit; /* its linear memory cap, bytes                  */
} app_extra;

/* a snapshot of every app; names are copied so they outlive the lock */
typedef struct snap {
  vy_app_metrics *m;
  char (*names)[64];
  app_extra *x;
  size_t *idx;        /* each entry's place in S.apps                  */
  uint32_t *runs;     /* each app's ipc_runs under the first lock     */
  vy_ipc_stats *live; /* the broker's counters of each current run    */
  vy_hal_counts *hal; /* each app's vyoma_hal counters (all its runs)  */
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

/* an app's vyoma_hal counters, read one by one (they are atomics that its
** run bumps; a report may be a call behind, never wrong) */
static void copy_hal(vy_hal_counts *to, vy_cap_stats *from) {
  for (int k = 0; k < VY_METRICS_HAL_KINDS && k < VY_CAP_NKINDS; k++) {
    to->calls[k] = atomic_load_explicit(&from->calls[k], memory_order_relaxed);
    to->denied[k] =
        atomic_load_explicit(&from->denied[k], memory_order_relaxed);
    for (int c = 0; c < VY_METRICS_HAL_CODES && c < VY_HAL_NERR; c++)
      to->errors[k][c] =
          atomic_load_explicit(&from->errors[k][c], memory_order_relaxed);
  }
}

/* the state as ps shows it: with why the last run ended, once it has */
static void state_text(const app *a, char *buf, size_t len) {
  const char *st = state_name(a->state), *why = a->reason;
  switch (a->state) {
    case ST_EXITED:
    case ST_CRASHED:
    case ST_KILLED:
    case ST_STOPPED:
      /* the reason says it: "exited 0", "trap: unreachable", "killed by
      ** operator" (a stop's reason may be "restarted by ...") */
      snprintf(buf, len, "%s", why[0] ? why : st);
      if (a->state == ST_STOPPED && strncmp(why, "stopped", 7) != 0)
        snprintf(buf, len, "stopped");
      return;
    case ST_FAILED:
      snprintf(buf, len, "failed: %s", why[0] ? why : "?");
      return;
    case ST_INVALID: snprintf(buf, len, "invalid manifest"); return;
    default: snprintf(buf, len, "%s", st); return;
  }
}

uint64_t app_limit_bytes(const app *a) {
  return a->m.memory_bytes ? a->m.memory_bytes : S.profile.app_memory_default;
}

/* the app table's part of the snapshot, apps removed by a reload left
** out (caller holds sup.lock) */
static void snap_apps_locked(snap *s, size_t napps, int64_t now) {
  size_t k = 0;
  for (size_t j = 0; j < napps; j++) {
    app *a = S.apps[j];
    if (a->removed) continue;
    size_t i = k++;
    vy_app_metrics *m = &s->m[i];
    snprintf(s->names[i], sizeof s->names[i], "%s", a->name);
    m->name = s->names[i];
    m->state = state_name(a->state);
    bool live = a->state == ST_RUNNING || a->state == ST_STARTING;
    m->uptime_ms = live ? (uint64_t)(now - a->started_ms) : 0;
    m->cpu_ms = app_cpu_ns(a) / 1000000u;
    m->memory_bytes = app_mem_bytes(a);
    m->restarts = a->restarts;
    state_text(a, s->x[i].state, sizeof s->x[i].state);
    snprintf(s->x[i].reason, sizeof s->x[i].reason, "%s", a->reason);
    snprintf(s->x[i].ended_at, sizeof s->x[i].ended_at, "%s", a->ended_at);
    s->x[i].limit = a->have_manifest ? app_limit_bytes(a) : 0;
    s->idx[i] = j;
    s->runs[i] = a->ipc_runs;
    copy_hal(&s->hal[i], &a->hal);
    m->hal = &s->hal[i];
  }
  s->n = k;
}

/* The broker's counters of the current runs, read without sup.lock.  The
** refused sends are the earlier runs' sum (ipc_prev) plus the current
** run's.  A run that ends meanwhile is added to the sum before its
** endpoint goes and ipc_runs grows: then the sum, read again, holds it and
** the live figures (of it, or of a new run's fresh endpoint) are left for
** the next report -- a counter never counts a run twice nor goes down.
** Entries of S.apps live as long as the supervisor, so idx stays valid. */
static void snap_broker(snap *s) {
  for (size_t i = 0; i < s->n; i++) {
    vy_ipc_stats st;
    if (vy_broker_stats(S.broker, s->names[i], &st) != 0) continue;
    s->m[i].msgs_in = st.msgs_in;
    s->m[i].msgs_out = st.msgs_out;
    s->live[i] = st;
  }
  pthread_mutex_lock(&S.lock);
  for (size_t i = 0; i < s->n; i++) {
    const app *a = S.apps[s->idx[i]];
    vy_ipc_stats sum = a->ipc_prev;
    if (a->ipc_runs == s->runs[i]) report_ipc_add(&sum, &s->live[i]);
    set_refused(&s->m[i], &sum);
  }
  pthread_mutex_unlock(&S.lock);
}

static void free_snap(snap *s) {
  free(s->m);
  free(s->names);
  free(s->x);
  free(s->idx);
  free(s->runs);
  free(s->live);
  free(s->hal);
}

static int take_snap(snap *s) {
  memset(s, 0, sizeof *s);
  int64_t now = now_ms();
  pthread_mutex_lock(&S.lock);
  size_t n = S.napps ? S.napps : 1;
  s->m = calloc(n, sizeof *s->m);
  s->names = calloc(n, sizeof *s->names);
  s->x = calloc(n, sizeof *s->x);
  s->idx = calloc(n, sizeof *s->idx);
  s->runs = calloc(n, sizeof *s->runs);
  s->live = calloc(n, sizeof *s->live);
  s->hal = calloc(n, sizeof *s->hal);
  if (!s->m || !s->names || !s->x || !s->idx || !s->runs || !s->live ||
      !s->hal) {
    pthread_mutex_unlock(&S.lock);
    free_snap(s);
    return -1;
  }
  snap_apps_locked(s, S.napps, now);
  pthread_mutex_unlock(&S.lock);
  snap_broker(s);
  return 0;
}

void fmt_duration(char *buf, size_t len, uint64_t ms) {
  if (ms < 1000)
    snprintf(buf, len, "%llu ms", (unsigned long long)ms);
  else if (ms < 100000)
    snprintf(buf, len, "%.1f s", (double)ms / 1e3);
  else if (ms < 3600000)
    snprintf(buf, len, "%.1f min", (double)ms / 6e4);
  else if (ms < 86400000)
    snprintf(buf, len, "%.1f h", (double)ms / 3.6e6);
  else
    snprintf(buf, len, "%.1f d", (double)ms / 8.64e7);
}

void fmt_bytes(char *buf, size_t len, uint64_t n) {
  static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
  if (n < 1024) {
    snprintf(buf, len, "%llu B", (unsigned long long)n);
    return;
  }
  double v = (double)n / 1024;
  int u = 0;
  while (v >= 1024 && u < 3) v /= 1024, u++;
  if (v == (double)(uint64_t)v || v >= 100)
    snprintf(buf, len, "%.0f %s", v, units[u]);
  else
    snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* ---- the ps table: cells, then widths, then aligned lines ---------------- */
#define PS_COLS      10
#define PS_CELL      200
#define PS_STATE_MAX 36 /* STATE is cut there unless wide */

static const char *const ps_heads[PS_COLS] = { "NAME",     "STATE", "UPTIME",
                                               "RESTARTS", "CPU",   "MEMORY",
                                               "MSGS IN",  "OUT",   "LIMIT",
                                               "ENDED" };

static void ps_cells(const snap *s, size_t i, bool wide,
                     char cell[PS_COLS][PS_CELL]) {
  const vy_app_metrics *m = &s->m[i];
  const app_extra *x = &s->x[i];
  snprintf(cell[0], PS_CELL, "%s", m->name);
  snprintf(cell[1], PS_CELL, "%s", x->state);
  if (!wide && strlen(cell[1]) > PS_STATE_MAX)
    memcpy(cell[1] + PS_STATE_MAX - 3, "...", 4);
  if (m->uptime_ms || !strcmp(m->state, "running"))
    fmt_duration(cell[2], PS_CELL, m->uptime_ms);
  else
    snprintf(cell[2], PS_CELL, "-");
  snprintf(cell[3], PS_CELL, "%u", m->restarts);
  fmt_duration(cell[4], PS_CELL, m->cpu_ms);
  fmt_bytes(cell[5], PS_CELL, m->memory_bytes);
  snprintf(cell[6], PS_CELL, "%llu", (unsigned long long)m->msgs_in);
  snprintf(cell[7], PS_CELL, "%llu", (unsigned long long)m->msgs_out);
  fmt_bytes(cell[8], PS_CELL, x->limit);
  snprintf(cell[9], PS_CELL, "%s", x->ended_at[0] ? x->ended_at : "-");
}

static void ps_row(sbuf *b, char cell[PS_COLS][PS_CELL], const size_t *w,
                   int ncols) {
  for (int c = 0; c < ncols; c++)
    if (c == ncols - 1)
      sb_printf(b, "%s\n", cell[c]);
    else
      sb_printf(b, "%-*s  ", (int)w[c], cell[c]);
}

static void ps_table(sbuf *b, const snap *s, bool wide) {
  int ncols = wide ? PS_COLS : PS_COLS - 2;
  char(*cells)[PS_COLS][PS_CELL] = calloc(s->n + 1, sizeof *cells);
  if (!cells) {
    b->oom = true;
    return;
  }
  size_t w[PS_COLS] = { 0 };
  for (int c = 0; c < ncols; c++)
    snprintf(cells[0][c], PS_CELL, "%s", ps_heads[c]);
  for (size_t i = 0; i < s->n; i++) ps_cells(s, i, wide, cells[i + 1]);
  for (size_t r = 0; r <= s->n; r++)
    for (int c = 0; c < ncols; c++)
      if (strlen(cells[r][c]) > w[c]) w[c] = strlen(cells[r][c]);
  for (size_t r = 0; r <= s->n; r++) ps_row(b, cells[r], w, ncols);
  free(cells);
}

/* an app's JSON object, open: {"name":...,"ended_at":"..." (the caller
** adds what else it says and the closing brace); ps and status share it */
static void app_json(sbuf *b, const vy_app_metrics *m, const app_extra *x) {
  sb_printf(b, "{\"name\":");
  sb_json_str(b, m->name);
  sb_printf(b,
            ",\"state\":\"%s\",\"uptime_s\":%.3f,\"restarts\":%u,"
            "\"cpu_ms\":%llu,\"memory\":%llu,\"limit\":%llu,\"msgs_in\":%llu,"
            "\"msgs_out\":%llu,\"status\":",
            m->state, (double)m->uptime_ms / 1000.0, m->restarts,
            (unsigned long long)m->cpu_ms, (unsigned long long)m->memory_bytes,
            (unsigned long long)x->limit, (unsigned long long)m->msgs_in,
            (unsigned long long)m->msgs_out);
  sb_json_str(b, x->state);
  sb_printf(b, ",\"reason\":");
  sb_json_str(b, x->reason);
  sb_printf(b, ",\"ended_at\":");
  sb_json_str(b, x->ended_at);
}

static void ps_json(sbuf *b, const snap *s) {
  sb_printf(b, "{\"apps\":[");
  for (size_t i = 0; i < s->n; i++) {
    sb_printf(b, "%s", i ? "," : "");
    app_json(b, &s->m[i], &s->x[i]);
    sb_printf(b, "}");
  }
  sb_printf(b, "]}\n");
}

void report_ps(sbuf *b, bool json, bool wide) {
  snap s;
  if (take_snap(&s) != 0) {
    b->oom = true;
    return;
  }
  if (json)
    ps_json(b, &s);
  else
    ps_table(b, &s, wide);
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
      sb_printf(b, " %s=%s,%llu,%llu,limit=%llu", m->name, m->state,
                (unsigned long long)m->cpu_ms,
                (unsigned long long)m->memory_bytes,
                (unsigned long long)s.x[i].limit);
    else
      sb_printf(b, " %s=%s", m->name, m->state);
  }
  free_snap(&s);
}

static void sup_metrics(vy_sup_metrics *sm, char *ota_state, size_t len) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  sm->uptime_ms = (uint64_t)(now_ms() - S.boot_ms);
  sm->time_ms = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
  sm->profile = S.profile_name;
  sm->display = screen_on();
  screen_stats(&sm->display_frames, &sm->display_pixels,
               &sm->display_budget_drops);
  sm->hal_code_name = vy_hal_err_name;
  ota_metrics(sm, ota_state, len);
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
  vy_sup_metrics sm = { 0 };
  char ota_state[16];
  sup_metrics(&sm, ota_state, sizeof ota_state);
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

/* ---- status NAME and the log's tail ---------------------------------------
 */
#define TAIL_BYTES 16384

/* the last n lines of app name's log file (malloc'd, lines end with '\n'),
** or NULL when it has none */
char *report_log_tail(const char *name, int n) {
  char path[4200];
  snprintf(path, sizeof path, "%s/run/vyoma/logs/%s.log", S.root, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = malloc(TAIL_BYTES + 1);
  long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  long from = size > TAIL_BYTES ? size - TAIL_BYTES : 0;
  size_t got = buf && size >= 0 && fseek(f, from, SEEK_SET) == 0
                   ? fread(buf, 1, TAIL_BYTES, f)
                   : 0;
  fclose(f);
  if (!buf) return NULL;
  buf[got] = 0;
  /* from the end: the start of the n-th line back */
  size_t start = got, seen = 0;
  if (start && buf[start - 1] == '\n') start--;
  while (start > 0 && seen < (size_t)n)
    if (buf[--start] == '\n') seen++;
  if (seen == (size_t)n) start++; /* past that line's newline */
  if (from && start == 0) {       /* a cut first line: skip it */
    char *nl = strchr(buf, '\n');
    start = nl ? (size_t)(nl - buf) + 1 : got;
  }
  memmove(buf, buf + start, got - start + 1);
  return buf;
}

static void status_text(sbuf *b, const snap *s, size_t i, const char *log) {
  const vy_app_metrics *m = &s->m[i];
  const app_extra *x = &s->x[i];
  char up[32], cpu[32], mem[32], lim[32];
  fmt_duration(up, sizeof up, m->uptime_ms);
  fmt_duration(cpu, sizeof cpu, m->cpu_ms);
  fmt_bytes(mem, sizeof mem, m->memory_bytes);
  fmt_bytes(lim, sizeof lim, x->limit);
  sb_printf(b, "%s\n  state:     %s\n", m->name, x->state);
  if (!strcmp(m->state, "running")) sb_printf(b, "  uptime:    %s\n", up);
  sb_printf(b, "  restarts:  %u\n  cpu:       %s\n  memory:    %s of %s\n",
            m->restarts, cpu, mem, lim);
  sb_printf(b, "  messages:  %llu in, %llu out\n",
            (unsigned long long)m->msgs_in, (unsigned long long)m->msgs_out);
  if (x->ended_at[0])
    sb_printf(b, "  last end:  %s at %s\n", x->reason, x->ended_at);
  else
    sb_printf(b, "  last end:  - (it has not ended yet)\n");
  sb_printf(b, "  log (last lines):\n");
  for (const char *l = log; l && *l;) {
    const char *nl = strchr(l, '\n');
    int len = nl ? (int)(nl - l) : (int)strlen(l);
    sb_printf(b, "    %.*s\n", len, l);
    l += len + (nl != NULL);
  }
}

static void status_json(sbuf *b, const snap *s, size_t i, const char *log) {
  app_json(b, &s->m[i], &s->x[i]);
  sb_printf(b, ",\"log\":[");
  int k = 0;
  for (const char *l = log; l && *l; k++) {
    const char *nl = strchr(l, '\n');
    size_t len = nl ? (size_t)(nl - l) : strlen(l);
    char *one = strndup(l, len);
    sb_printf(b, "%s", k ? "," : "");
    sb_json_str(b, one ? one : "");
    free(one);
    l += len + (nl != NULL);
  }
  sb_printf(b, "]}\n");
}

int report_status(sbuf *b, const char *name, bool json, char *err,
                  size_t errlen) {
  snap s;
  if (take_snap(&s) != 0) {
    snprintf(err, errlen, "out-of-memory");
    return -1;
  }
  size_t i = 0;
  while (i < s.n && strcmp(s.names[i], name) != 0) i++;
  if (i == s.n) {
    free_snap(&s);
    report_no_such_app(name, err, errlen);
    return -1;
  }
  char *log = report_log_tail(name, STATUS_LOG_LINES);
  if (json)
    status_json(b, &s, i, log);
  else
    status_text(b, &s, i, log);
  free(log);
  free_snap(&s);
  return 0;
}

void report_no_such_app(const char *name, char *err, size_t errlen) {
  const char *names[256];
  size_t n = 0;
  pthread_mutex_lock(&S.lock);
  for (size_t i = 0; i < S.napps && n < 256; i++)
    if (!S.apps[i]->removed) names[n++] = S.apps[i]->name;
  const char *near = vy_suggest(name, names, n);
  if (near)
    snprintf(err, errlen, "no-such-app %.64s (did you mean %s?)", name, near);
  else
    snprintf(err, errlen, "no-such-app %.64s", name);
  pthread_mutex_unlock(&S.lock);
}
