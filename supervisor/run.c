/*
** run.c — one run of an app: its thread, which loads the module, wires its
** WASI world from the manifest only (arguments, environment, /data when
** filesystem = true, stdio through app.c, no sockets), runs it, and ends
** the run through lifecycle.c; also starting that thread and the run's
** CPU and memory figures.
**
** A run owns everything it creates (module, store, vwasi, broker endpoint,
** line buffers) and frees all of it on the way out, whatever ended it, so
** a killed app leaves nothing behind.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../profile/cli/module_check.h"
#include "vyomad.h"

#define APP_STACK_BYTES (1u << 20)

static int mkdir_p(const char *path) {
  char *p = strdup(path);
  if (!p) return -1;
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
      free(p);
      return -1;
    }
    *s = '/';
  }
  int r = mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
  free(p);
  return r;
}

static uint64_t thread_cpu_ns(clockid_t c) {
  struct timespec t;
  if (clock_gettime(c, &t) != 0) return 0;
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* what a run holds while it lives; run_* fill and free it */
typedef struct run {
  app *a;
  char err[512];    /* why it ended, if not well */
  char reason[128]; /* the same, short (app.reason) */
  bool permanent;   /* it cannot run until the operator fixes it */
  int code;         /* its exit code */
  bool exited;      /* it exited (else it trapped or never ran) */
  bool endpoint;    /* it has a broker endpoint to remove */
  vw_module *mod;
  vw_store *st;
  vwasi *w;
  vy_cap *cap;
  const char **argv;
  char *datadir;
} run;

/* the module, and a store within the app's and the profile's memory */
static int run_load(run *r) {
  const vy_manifest *m = &r->a->m;
  if (vy_module_check(m->module, m, &r->mod, r->err, sizeof r->err) != 0) {
    /* the reason is the message up to its first ':' */
    snprintf(r->reason, sizeof r->reason, "%.*s", (int)strcspn(r->err, ":"),
             r->err);
    r->permanent = strcmp(r->reason, "out of memory") != 0;
    return -1;
  }
  vw_config cfg = { 0 };
  cfg.max_memory_bytes =
      m->memory_bytes ? m->memory_bytes : S.profile.app_memory_default;
  cfg.budget = &S.budget; /* all apps together stay within the profile */
  if (!(r->st = vw_store_new(&cfg))) {
    snprintf(r->err, sizeof r->err, "out of memory");
    return -1;
  }
  return 0;
}

/* its WASI world, from the manifest only */
static int run_wasi(run *r, vwasi_config *wc) {
  app *a = r->a;
  const vy_manifest *m = &a->m;
  /* argv[0] is the app's name; then the manifest's args, nothing else */
  r->argv = calloc(m->args.n + 2, sizeof *r->argv);
  if (!r->argv) {
    snprintf(r->err, sizeof r->err, "out of memory");
    return -1;
  }
  r->argv[0] = a->name;
  for (size_t i = 0; i < m->args.n; i++) r->argv[i + 1] = m->args.items[i];
  wc->argc = (int)m->args.n + 1;
  wc->argv = r->argv;
  wc->envc = (int)m->env.n;
  wc->envp = (const char *const *)m->env.items;
  /* No sockets are handed over, even with network = true, until the
  ** network capability exists; without it there is no way to get one. */
  vwasi_preopen pre;
  if (m->filesystem) {
    if (asprintf(&r->datadir, "%s/data/%s", S.root, a->name) < 0) {
      r->datadir = NULL;
      snprintf(r->err, sizeof r->err, "out of memory");
      return -1;
    }
    if (mkdir_p(r->datadir) != 0) {
      snprintf(r->err, sizeof r->err, "cannot create %s: %s", r->datadir,
               strerror(errno));
      return -1;
    }
    pre.host_path = r->datadir;
    pre.guest_path = "/data";
    wc->preopens = &pre;
    wc->npreopens = 1;
  }
  char werr[256];
  if (!(r->w = vwasi_new(wc, werr, sizeof werr))) {
    snprintf(r->err, sizeof r->err, "WASI: %s", werr);
    return -1;
  }
  return 0;
}

/* a line of the enforcer about the app (a denial, a busy line): the
** supervisor's log and the app's own */
static void cap_line(void *ud, const char *line) {
  app *a = ud;
  vlog("%s", line);
  if (a->log) {
    char stamp[40];
    log_stamp(stamp, sizeof stamp);
    fprintf(a->log, "%s vyomad: %s\n", stamp, line);
    fflush(a->log);
  }
}

/* its HAL world: the manifest's grants on the board, if there is one */
static int run_cap(run *r) {
  app *a = r->a;
  vy_cap_config cc = {
    a->name, &a->m,    S.board, S.caps, S.profile.gpio_safe_state,
    &a->hal, cap_line, a
  };
  char cerr[256];
  if (!(r->cap = vy_cap_new(&cc, cerr, sizeof cerr))) {
    snprintf(r->err, sizeof r->err, "HAL: %s", cerr);
    return -1;
  }
  return 0;
}

/* a trap: its name, and the wasm backtrace (innermost first) in err */
static void run_trap(run *r, const vw_error *e) {
  const char *name = e->trap == VW_TRAP_HOST && e->msg[0] ? e->msg
                     : e->msg[0]                          ? e->msg
                                 : vw_trap_name(e->trap);
  bool oom = e->status == VW_ERR_NOMEM;
  snprintf(r->reason, sizeof r->reason, "%s%.100s",
           oom ? "" : "trap: ", oom ? "out of memory" : name);
  size_t n = (size_t)snprintf(r->err, sizeof r->err, "%s", r->reason);
  for (unsigned i = 0; i < e->ntrace && i < VW_TRACE_MAX; i++) {
    if (n >= sizeof r->err) break;
    const vw_func *f = e->trace[i];
    const char *fn = f ? vw_func_name(f) : NULL;
    if (fn)
      n += (size_t)snprintf(r->err + n, sizeof r->err - n, "%s %s",
                            i ? " <" : "; backtrace:", fn);
    else
      n += (size_t)snprintf(
          r->err + n, sizeof r->err - n, "%s #%u",
          i ? " <" : "; backtrace:", f ? vw_func_index(f) : 0u);
  }
}

/* instantiates and runs it, unless it was cancelled while being set up */
static void run_exec(run *r) {
  app *a = r->a;
  vw_error e;
  memset(&e, 0, sizeof e);
  pthread_mutex_lock(&S.lock);
  a->store = r->st;
  a->wasi = r->w;
  a->cap = r->cap;
  a->have_cpuclock = pthread_getcpuclockid(pthread_self(), &a->cpuclock) == 0;
  bool stop = a->stop != STOP_NONE;
  if (!stop) a->state = ST_RUNNING;
  pthread_mutex_unlock(&S.lock);
  if (stop) return;

  vwasi_bind_store(r->w, r->st);
  vy_cap_bind_store(r->cap, r->st);
  vy_cap_link link = { r->w, r->cap };
  vw_instance *inst =
      vw_instantiate(r->st, r->mod, vy_cap_link_resolve, &link, &e);
  if (!inst) {
    snprintf(r->err, sizeof r->err, "instantiate: %s", e.msg);
    r->permanent = e.status == VW_ERR_UNLINKABLE;
    snprintf(r->reason, sizeof r->reason, "%s",
             r->permanent ? "unknown import" : "cannot instantiate");
    return;
  }
  pthread_mutex_lock(&S.lock);
  a->mem = vw_instance_memory(inst, 0);
  pthread_mutex_unlock(&S.lock);
  screen_app_open(a);
  vw_status rs = vwasi_run(r->w, r->st, inst, &r->code, &e);
  if (rs == VW_OK) {
    r->exited = true;
    snprintf(r->reason, sizeof r->reason, "exited %d", r->code);
    if (r->code != 0) snprintf(r->err, sizeof r->err, "exit code %d", r->code);
  } else {
    run_trap(r, &e);
  }
}

/* frees what the run created; keeps its last CPU and memory figures */
static void run_release(run *r) {
  app *a = r->a;
  app_stdio_flush(a);
  screen_app_close(a);
  pthread_mutex_lock(&S.lock);
  if (a->have_cpuclock) a->cpu_ns_last = thread_cpu_ns(a->cpuclock);
  a->have_cpuclock = false;
  if (a->mem) a->mem_last = vw_memory_size(a->mem);
  a->mem = NULL;
  a->store = NULL;
  a->wasi = NULL;
  a->cap = NULL;
  pthread_mutex_unlock(&S.lock);

  /* lines back to the safe state and ownerships dropped, however the run
  ** ended, before a restart can ask for them again */
  vy_cap_free(r->cap);
  vwasi_free(r->w);
  vw_store_free(r->st);
  vw_module_free(r->mod);
  free(r->argv);
  free(r->datadir);
  if (r->endpoint) {
    /* the run's IPC counters outlive its endpoint: added to the app's sum
    ** before the endpoint goes, so a report never misses them (report.c) */
    vy_ipc_stats st;
    bool have = vy_broker_stats(S.broker, a->name, &st) == 0;
    pthread_mutex_lock(&S.lock);
    if (have) report_ipc_add(&a->ipc_prev, &st);
    a->ipc_runs++;
    pthread_mutex_unlock(&S.lock);
    vy_broker_remove(S.broker, a->name);
    pthread_mutex_lock(&S.lock);
    a->registered = false;
    pthread_mutex_unlock(&S.lock);
  }
  app_stdio_close(a);
}

/* why a run that was asked to end ended: "killed by operator", ... */
static void asked_reason(const app *a, char *buf, size_t len) {
  const char *how = a->stop == STOP_KILL       ? "killed"
                    : a->stop == STOP_RESTART  ? "restarted"
                    : a->stop == STOP_SHUTDOWN ? "stopped at shutdown"
                                               : "stopped";
  if (a->stop == STOP_WATCHDOG)
    snprintf(buf, len, "watchdog: no heartbeat for %u ms", a->m.heartbeat_ms);
  else if (a->stop == STOP_SHUTDOWN)
    snprintf(buf, len, "%s", how);
  else
    snprintf(buf, len, "%s by %s", how,
             a->stop_by[0] ? a->stop_by : "operator");
}

/* the run's end, as the lifecycle table says, and its reason: in ps and
** status, on the console and in the app's own log */
static void run_end(run *r) {
  app *a = r->a;
  app_effects fx = { .err = r->err, .errlen = 0 };
  pthread_mutex_lock(&S.lock);
  a->exit_code = r->code;
  snprintf(a->error, sizeof a->error, "%s", r->err);
  bool asked = a->stop != STOP_NONE;
  if (asked)
    asked_reason(a, a->reason, sizeof a->reason);
  else
    snprintf(a->reason, sizeof a->reason, "%s",
             r->reason[0] ? r->reason : "ended");
  a->start_failed = r->permanent && !asked;
  log_stamp(a->ended_at, sizeof a->ended_at);
  app_event_locked(a, r->exited ? EV_EXITED : EV_CRASHED, &fx);
  app_state end = a->state;
  /* the line for the logs: the details when they say more than the
  ** reason ("trap: unreachable; backtrace: ..."), led by the state unless
  ** they begin with it ("killed by operator", "exited 0") */
  const char *what = a->reason;
  if (!asked && !r->exited && r->err[0] &&
      !strncmp(r->err, a->reason, strlen(a->reason)))
    what = r->err;
  const char *st = state_name(end);
  char line[700];
  if (!strncmp(what, st, strlen(st)))
    snprintf(line, sizeof line, "vyomad: %s", what);
  else
    snprintf(line, sizeof line, "vyomad: %s: %s", st, what);
  pthread_mutex_unlock(&S.lock);
  if (a->log) {
    char stamp[40];
    log_stamp(stamp, sizeof stamp);
    fprintf(a->log, "%s %s\n", stamp, line);
    fflush(a->log);
  }
  vlog("app %s %s", a->name, line + 8);
}

static void *app_thread(void *arg) {
  run r;
  memset(&r, 0, sizeof r);
  r.a = arg;
  vwasi_config wc;
  memset(&wc, 0, sizeof wc);
  pthread_mutex_lock(&S.lock);
  r.endpoint = r.a->registered;
  pthread_mutex_unlock(&S.lock);
  if (app_stdio_open(r.a, &wc) != 0)
    snprintf(r.err, sizeof r.err, "out of memory");
  else if (!r.endpoint)
    snprintf(r.err, sizeof r.err, "cannot register with the broker");
  else if (run_load(&r) == 0 && run_wasi(&r, &wc) == 0 && run_cap(&r) == 0)
    run_exec(&r);
  run_release(&r);
  run_end(&r);
  return NULL;
}

int app_register_locked(app *a) {
  if (a->registered) return 0;
  /* under sup.lock: the broker's lock comes after it (see vyomad.h) */
  const vy_manifest *m = &a->m;
  if (vy_broker_add(S.broker, a->name, (const char *const *)m->ipc.items,
                    m->ipc.n, m->messages_per_sec ? m->messages_per_sec : 1000,
                    VY_IPC_QUEUE_DEFAULT) != 0)
    return -1;
  a->registered = true;
  return 0;
}

int app_start_locked(app *a) {
  if (!a->have_manifest) return -1;
  if (a->thread_live) {
    if (!a->thread_done) return -1;
    pthread_join(a->thread, NULL); /* finished: returns at once */
    a->thread_live = false;
  }
  /* registered before the thread runs, so that messages sent to it by
  ** apps started at the same time find it */
  if (app_register_locked(a) != 0) {
    a->state = ST_CRASHED;
    snprintf(a->error, sizeof a->error, "cannot register with the broker");
    vlog("app %s: %s", a->name, a->error);
    return -1;
  }
  a->state = ST_STARTING;
  a->stop = STOP_NONE;
  a->stop_deadline_ms = 0;
  a->thread_done = false;
  a->runs++;
  a->started_ms = now_ms();
  atomic_store(&a->last_line_ms, a->started_ms);
  a->cpu_ns_prev += a->cpu_ns_last;
  a->cpu_ns_last = 0;
  a->error[0] = 0;
  /* An explicit stack size: musl's default (128 KiB) is small, glibc's
  ** (8 MiB) is large once robotics-rt's mlockall locks every page of it.
  ** The interpreter keeps wasm frames on its own stack, not this one. */
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setstacksize(&at, APP_STACK_BYTES);
  int r = pthread_create(&a->thread, &at, app_thread, a);
  pthread_attr_destroy(&at);
  if (r != 0) {
    a->state = ST_CRASHED;
    snprintf(a->error, sizeof a->error, "cannot create a thread: %s",
             strerror(r));
    vlog("app %s: %s", a->name, a->error);
    return -1;
  }
  a->thread_live = true;
  return 0;
}

uint64_t app_cpu_ns(app *a) {
  uint64_t cur = a->have_cpuclock ? thread_cpu_ns(a->cpuclock) : a->cpu_ns_last;
  return a->cpu_ns_prev + cur;
}

uint64_t app_mem_bytes(app *a) { return a->mem ? vw_memory_size(a->mem) : 0; }
