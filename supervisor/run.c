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

#include "vyomad.h"

#define APP_STACK_BYTES (1u << 20)

static int read_file(const char *path, uint8_t **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        errno = ENOMEM;
        return -1;
      }
      buf = nb;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    errno = EIO;
    return -1;
  }
  *out = buf;
  *len = n;
  return 0;
}

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
  char err[512]; /* why it ended, if not well */
  int code;      /* its exit code */
  bool exited;   /* it exited (else it trapped or never ran) */
  bool endpoint; /* it has a broker endpoint to remove */
  vw_module *mod;
  vw_store *st;
  vwasi *w;
  const char **argv;
  char *datadir;
} run;

/* the module, and a store within the app's and the profile's memory */
static int run_load(run *r) {
  const vy_manifest *m = &r->a->m;
  uint8_t *bytes = NULL;
  size_t blen = 0;
  vw_error e;
  memset(&e, 0, sizeof e);
  if (read_file(m->module, &bytes, &blen) != 0) {
    snprintf(r->err, sizeof r->err, "cannot read %s: %s", m->module,
             strerror(errno));
    return -1;
  }
  r->mod = vw_module_new(bytes, blen, NULL, &e);
  free(bytes);
  if (!r->mod) {
    snprintf(r->err, sizeof r->err, "%s: %s", m->module, e.msg);
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

/* instantiates and runs it, unless it was cancelled while being set up */
static void run_exec(run *r) {
  app *a = r->a;
  vw_error e;
  memset(&e, 0, sizeof e);
  pthread_mutex_lock(&S.lock);
  a->store = r->st;
  a->wasi = r->w;
  a->have_cpuclock = pthread_getcpuclockid(pthread_self(), &a->cpuclock) == 0;
  bool stop = a->stop != STOP_NONE;
  if (!stop) a->state = ST_RUNNING;
  pthread_mutex_unlock(&S.lock);
  if (stop) return;

  vwasi_bind_store(r->w, r->st);
  vw_instance *inst = vw_instantiate(r->st, r->mod, vwasi_resolve, r->w, &e);
  if (!inst) {
    snprintf(r->err, sizeof r->err, "instantiate: %s", e.msg);
    return;
  }
  pthread_mutex_lock(&S.lock);
  a->mem = vw_instance_memory(inst, 0);
  pthread_mutex_unlock(&S.lock);
  screen_app_open(a);
  vw_status rs = vwasi_run(r->w, r->st, inst, &r->code, &e);
  if (rs == VW_OK) {
    r->exited = true;
    if (r->code != 0) snprintf(r->err, sizeof r->err, "exit code %d", r->code);
  } else {
    snprintf(r->err, sizeof r->err, "%s",
             e.msg[0] ? e.msg : vw_trap_name(e.trap));
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
  pthread_mutex_unlock(&S.lock);

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

/* the run's end, as the lifecycle table says, and its log line */
static void run_end(run *r) {
  app *a = r->a;
  app_effects fx = { .err = r->err, .errlen = 0 };
  pthread_mutex_lock(&S.lock);
  a->exit_code = r->code;
  snprintf(a->error, sizeof a->error, "%s", r->err);
  app_event_locked(a, r->exited ? EV_EXITED : EV_CRASHED, &fx);
  app_state end = a->state;
  bool asked = a->stop != STOP_NONE;
  pthread_mutex_unlock(&S.lock);
  if (end == ST_KILLED || asked)
    vlog("app %s %s", a->name, state_name(end));
  else if (r->err[0])
    vlog("app %s %s: %s", a->name, state_name(end), r->err);
  else
    vlog("app %s exited", a->name);
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
  else if (run_load(&r) == 0 && run_wasi(&r, &wc) == 0)
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
