/*
** app.c — the app table and each app's lifecycle: one thread per run, its
** WASI world wired from the manifest only, its output lines routed through
** the broker, its stdin served from its inbox, and the process manager
** (states, restart policies with backoff and an intensity limit, kill,
** watchdog).
**
** A run owns everything it creates (module, store, vwasi, broker endpoint,
** line buffers) and frees all of it on the way out, whatever ended it, so
** a killed app leaves nothing behind.  Kill never blocks: it sets the stop
** reason and pokes every place the app could be waiting — vw_interrupt for
** wasm code, vwasi_cancel for host calls and poll_oneoff, and the stdin
** wait, which also gives up every 50 ms to look at the flag, so a lost
** wake-up costs at most that.  The main loop repeats the cancel each tick
** until the thread is gone: a trap consumes the interrupt flag, and a
** cancelled app may still reach more wasm code while it unwinds.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vyomad.h"

#define BACKOFF_MIN_MS 100u
#define BACKOFF_MAX_MS 30000u
#define STABLE_RUN_MS 10000     /* a run this long resets the backoff */
#define STDIN_SLICE_MS 50       /* the stdin wait re-checks cancel this often */
#define APP_STACK_BYTES (1u << 20)

static const char *const state_names[] = {
  "starting", "running", "waiting", "exited", "crashed", "killed", "failed",
  "stopped", "invalid"
};

const char *state_name(app_state s) {
  return (unsigned)s < sizeof state_names / sizeof *state_names ?
         state_names[s] : "unknown";
}

app *app_find(const char *name) {
  for (size_t i = 0; i < S.napps; i++)
    if (!strcmp(S.apps[i]->name, name)) return S.apps[i];
  return NULL;
}

static char *path_join(const char *a, const char *b) {
  char *p;
  if (asprintf(&p, "%s/%s", a, b) < 0) return NULL;
  return p;
}

app *app_load(const char *folder) {
  app *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  snprintf(a->name, sizeof a->name, "%s", folder);
  a->backoff_ms = BACKOFF_MIN_MS;
  a->win_dirfd = -1;
  atomic_init(&a->last_line_ms, 0);
  char *apps = path_join(S.root, "apps");
  a->dir = apps ? path_join(apps, folder) : NULL;
  free(apps);
  char *toml = a->dir ? path_join(a->dir, "vyoma.toml") : NULL;
  if (!toml) {
    free(a->dir);
    free(a);
    return NULL;
  }
  if (vy_manifest_load(toml, &a->m, a->error, sizeof a->error) != 0) {
    a->state = ST_INVALID;
    vlog("app %s not started: %s", folder, a->error);
  } else {
    a->have_manifest = true;
    snprintf(a->name, sizeof a->name, "%s", a->m.name);
    if (strcmp(a->m.name, folder) != 0)
      vlog("app folder %s holds app %s", folder, a->m.name);
    a->state = ST_STOPPED;
  }
  free(toml);
  char *logs = path_join(S.root, "run/vyoma/logs");
  char *logf = NULL;
  if (logs && asprintf(&logf, "%s/%s.log", logs, a->name) >= 0) {
    int fd = open(logf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0 && !(a->log = fdopen(fd, "a"))) close(fd);
    if (!a->log) vlog("cannot open %s: %s", logf, strerror(errno));
  }
  free(logf);
  free(logs);
  if (a->state == ST_INVALID && a->log) {
    /* `vyctl logs NAME` then says why the app is down */
    char stamp[40];
    log_stamp(stamp, sizeof stamp);
    fprintf(a->log, "%s vyomad: not started: %s\n", stamp, a->error);
    fflush(a->log);
  }
  return a;
}

void app_free(app *a) {
  if (!a) return;
  if (a->have_manifest) vy_manifest_free(&a->m);
  if (a->log) fclose(a->log);
  free(a->kbd);
  free(a->restart_times);
  free(a->dir);
  free(a);
}

/* ---- the app's stdio hooks (on its own thread) ---------------------------- */
static void handle_line(app *a, int fd, const char *line, size_t len) {
  atomic_store(&a->last_line_ms, now_ms());
  if (fd == 1) {
    vy_line_kind k = vy_broker_route(S.broker, a->name, line, len);
    if (k == VY_LINE_IPC) return;
    if (k == VY_LINE_DRAW && screen_app_draw(a, line, len)) return;
  }
  app_log_line(a, line, len);
}

static void app_write(void *ud, int fd, const uint8_t *buf, size_t len) {
  app *a = ud;
  if (fd != 1 && fd != 2) return;
  linebuf *lb = &a->out[fd - 1];
  for (size_t i = 0; i < len; i++) {
    char ch = (char)buf[i];
    if (ch == '\n') {
      if (!lb->overlong) handle_line(a, fd, lb->buf, lb->len);
      lb->len = 0;
      lb->overlong = false;
      continue;
    }
    if (lb->overlong) continue;          /* the rest of a cut line */
    lb->buf[lb->len++] = ch;
    if (lb->len == sizeof lb->buf) {
      /* One byte past the limit: hand it on as it is, so the broker answers
      ** too-long for an IPC line, and drop the rest of the line. */
      handle_line(a, fd, lb->buf, lb->len);
      lb->len = 0;
      lb->overlong = true;
    }
  }
}

static bool cancelled(app *a) {
  return vwasi_cancelled(a->wasi);
}

#define KBD_MAX 65536

int app_keyboard(app *a, const char *data, size_t len, bool eof) {
  pthread_mutex_lock(&S.lock);
  int r = 0;
  if (eof) {
    a->kbd_eof = true;
  } else if (a->kbdlen + len > KBD_MAX) {
    r = -1;
  } else {
    char *nb = realloc(a->kbd, a->kbdlen + len);
    if (!nb) {
      r = -1;
    } else {
      memcpy(nb + a->kbdlen, data, len);
      a->kbd = nb;
      a->kbdlen += len;
    }
  }
  bool live = a->thread_live && !a->thread_done;
  pthread_mutex_unlock(&S.lock);
  if (live) vy_broker_wake(S.broker, a->name);
  return r;
}

/* Moves typed keys into the stdin buffer.  1 moved some, -1 end of input
** was typed (Ctrl-D), 0 nothing. */
static int take_keyboard(app *a) {
  int r = 0;
  pthread_mutex_lock(&S.lock);
  if (a->kbdlen) {
    size_t n = a->kbdlen > VY_IPC_MAX_LINE ? VY_IPC_MAX_LINE : a->kbdlen;
    memcpy(a->inbuf, a->kbd, n);
    memmove(a->kbd, a->kbd + n, a->kbdlen - n);
    a->kbdlen -= n;
    a->inlen = n;
    a->inoff = 0;
    r = 1;
  } else if (a->kbd_eof) {
    a->kbd_eof = false;
    r = -1;
  }
  pthread_mutex_unlock(&S.lock);
  return r;
}

/* Takes the next inbox line into a->inbuf, waiting up to timeout_ms (-1 =
** until one comes or the app is cancelled).  1 got one, 0 none, -1 the
** endpoint is gone (end of input). */
static int fill_stdin(app *a, int timeout_ms) {
  int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
  for (;;) {
    if (cancelled(a)) return 0;
    int k = take_keyboard(a);
    if (k) return k;
    int slice = STDIN_SLICE_MS;
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      if (left <= 0 && timeout_ms != 0) return 0;
      if (left < slice) slice = left > 0 ? (int)left : 0;
    }
    ssize_t r = vy_broker_recv(S.broker, a->name, a->inbuf,
                               VY_IPC_MAX_LINE + 64, slice);
    if (r < 0) return -1;
    if (r > 0) {
      a->inlen = (size_t)r;
      a->inoff = 0;
      return 1;
    }
    if (timeout_ms == 0) return 0;
  }
}

static ssize_t app_read(void *ud, uint8_t *buf, size_t len) {
  app *a = ud;
  if (a->inoff >= a->inlen) {
    int r = fill_stdin(a, -1);
    if (r < 0) return 0;                 /* no inbox: end of input */
    if (r == 0) return -1;               /* cancelled: the host call traps */
  }
  size_t n = a->inlen - a->inoff;
  if (n > len) n = len;
  memcpy(buf, a->inbuf + a->inoff, n);
  a->inoff += n;
  return (ssize_t)n;
}

static int app_wait(void *ud, int timeout_ms) {
  app *a = ud;
  if (a->inoff < a->inlen) return 1;
  if (timeout_ms == 0 && !vy_broker_pending(S.broker, a->name)) {
    pthread_mutex_lock(&S.lock);
    bool typed = a->kbdlen || a->kbd_eof;
    pthread_mutex_unlock(&S.lock);
    if (!typed) return 0;
  }
  /* end of input (-1) is readable too: the read returns 0 */
  return fill_stdin(a, timeout_ms) != 0;
}

/* ---- a run ------------------------------------------------------------------ */
static int read_file(const char *path, uint8_t **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) { free(buf); fclose(f); errno = ENOMEM; return -1; }
      buf = nb;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(buf); errno = EIO; return -1; }
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
    if (mkdir(p, 0755) != 0 && errno != EEXIST) { free(p); return -1; }
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

static void *app_thread(void *arg) {
  app *a = arg;
  const vy_manifest *m = &a->m;
  char err[512] = "";
  app_state end = ST_CRASHED;
  int code = 0;
  uint8_t *bytes = NULL;
  size_t blen = 0;
  vw_module *mod = NULL;
  vw_store *st = NULL;
  vwasi *w = NULL;
  const char **argv = NULL;
  char *datadir = NULL;
  bool endpoint = false;
  vw_error e;
  memset(&e, 0, sizeof e);

  a->inbuf = malloc(VY_IPC_MAX_LINE + 64);
  a->inlen = a->inoff = 0;
  memset(a->out, 0, sizeof a->out);
  if (!a->inbuf) { snprintf(err, sizeof err, "out of memory"); goto out; }
  pthread_mutex_lock(&S.lock);
  endpoint = a->registered;
  pthread_mutex_unlock(&S.lock);
  if (!endpoint) {
    snprintf(err, sizeof err, "cannot register with the broker");
    goto out;
  }
  if (read_file(m->module, &bytes, &blen) != 0) {
    snprintf(err, sizeof err, "cannot read %s: %s", m->module, strerror(errno));
    goto out;
  }
  mod = vw_module_new(bytes, blen, NULL, &e);
  free(bytes);
  if (!mod) {
    snprintf(err, sizeof err, "%s: %s", m->module, e.msg);
    goto out;
  }
  vw_config cfg = { 0 };
  cfg.max_memory_bytes = m->memory_bytes ? m->memory_bytes :
                         S.profile.app_memory_default;
  cfg.budget = &S.budget;      /* all apps together stay within the profile */
  if (!(st = vw_store_new(&cfg))) {
    snprintf(err, sizeof err, "out of memory");
    goto out;
  }
  /* argv[0] is the app's name; then the manifest's args, nothing else */
  argv = calloc(m->args.n + 2, sizeof *argv);
  if (!argv) { snprintf(err, sizeof err, "out of memory"); goto out; }
  argv[0] = a->name;
  for (size_t i = 0; i < m->args.n; i++) argv[i + 1] = m->args.items[i];
  vwasi_config wc;
  memset(&wc, 0, sizeof wc);
  wc.argc = (int)m->args.n + 1;
  wc.argv = argv;
  wc.envc = (int)m->env.n;
  wc.envp = (const char *const *)m->env.items;
  wc.stdio[0] = wc.stdio[1] = wc.stdio[2] = -1;
  wc.write_hook = app_write;
  wc.write_ud = a;
  wc.read_hook = app_read;
  wc.wait_hook = app_wait;
  wc.read_ud = a;
  /* No sockets are handed over, even with network = true, until the
  ** network capability exists; without it there is no way to get one. */
  vwasi_preopen pre;
  if (m->filesystem) {
    if (asprintf(&datadir, "%s/data/%s", S.root, a->name) < 0) {
      datadir = NULL;
      snprintf(err, sizeof err, "out of memory");
      goto out;
    }
    if (mkdir_p(datadir) != 0) {
      snprintf(err, sizeof err, "cannot create %s: %s", datadir,
               strerror(errno));
      goto out;
    }
    pre.host_path = datadir;
    pre.guest_path = "/data";
    wc.preopens = &pre;
    wc.npreopens = 1;
  }
  char werr[256];
  if (!(w = vwasi_new(&wc, werr, sizeof werr))) {
    snprintf(err, sizeof err, "WASI: %s", werr);
    goto out;
  }

  pthread_mutex_lock(&S.lock);
  a->store = st;
  a->wasi = w;
  a->have_cpuclock = pthread_getcpuclockid(pthread_self(), &a->cpuclock) == 0;
  bool stop = a->stop != STOP_NONE;
  if (!stop) a->state = ST_RUNNING;
  pthread_mutex_unlock(&S.lock);
  if (stop) goto out;

  vwasi_bind_store(w, st);
  vw_instance *inst = vw_instantiate(st, mod, vwasi_resolve, w, &e);
  if (!inst) {
    snprintf(err, sizeof err, "instantiate: %s", e.msg);
    goto out;
  }
  pthread_mutex_lock(&S.lock);
  a->mem = vw_instance_memory(inst, 0);
  pthread_mutex_unlock(&S.lock);
  screen_app_open(a);
  vw_status rs = vwasi_run(w, st, inst, &code, &e);
  if (rs == VW_OK) {
    end = ST_EXITED;
    if (code != 0) snprintf(err, sizeof err, "exit code %d", code);
  } else {
    snprintf(err, sizeof err, "%s", e.msg[0] ? e.msg : vw_trap_name(e.trap));
  }

out:
  /* what is left of an unfinished line still belongs in the log */
  for (int i = 0; i < 2; i++)
    if (a->out[i].len && !a->out[i].overlong)
      handle_line(a, i + 1, a->out[i].buf, a->out[i].len);
  screen_app_close(a);
  pthread_mutex_lock(&S.lock);
  if (a->have_cpuclock) a->cpu_ns_last = thread_cpu_ns(a->cpuclock);
  a->have_cpuclock = false;
  if (a->mem) a->mem_last = vw_memory_size(a->mem);
  a->mem = NULL;
  a->store = NULL;
  a->wasi = NULL;
  pthread_mutex_unlock(&S.lock);

  vwasi_free(w);
  vw_store_free(st);
  vw_module_free(mod);
  free(argv);
  free(datadir);
  if (endpoint) {
    vy_broker_remove(S.broker, a->name);
    pthread_mutex_lock(&S.lock);
    a->registered = false;
    pthread_mutex_unlock(&S.lock);
  }
  free(a->inbuf);
  a->inbuf = NULL;

  pthread_mutex_lock(&S.lock);
  switch (a->stop) {
  case STOP_KILL: end = ST_KILLED; break;
  case STOP_STOP: case STOP_SHUTDOWN: case STOP_RESTART: end = ST_STOPPED; break;
  case STOP_WATCHDOG:
    end = ST_CRASHED;
    snprintf(err, sizeof err, "no heartbeat for %u ms", m->heartbeat_ms);
    break;
  case STOP_NONE: break;
  }
  a->state = end;
  a->exit_code = code;
  snprintf(a->error, sizeof a->error, "%s", err);
  a->thread_done = true;
  pthread_cond_broadcast(&S.cond);
  pthread_mutex_unlock(&S.lock);
  if (end == ST_KILLED || a->stop != STOP_NONE)
    vlog("app %s %s", a->name, state_name(end));
  else if (err[0])
    vlog("app %s %s: %s", a->name, state_name(end), err);
  else
    vlog("app %s exited", a->name);
  return NULL;
}

int app_register_locked(app *a) {
  if (a->registered) return 0;
  /* The broker never calls back into us while holding its own lock, so
  ** calling it under sup.lock cannot deadlock. */
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
    pthread_join(a->thread, NULL);     /* finished: returns at once */
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

void app_cancel_locked(app *a, app_stop why) {
  if (!a->thread_live || a->thread_done) return;
  if (a->stop == STOP_NONE || why == STOP_KILL) a->stop = why;
  if (a->wasi) vwasi_cancel(a->wasi);
  if (a->store) vw_interrupt(a->store);
}

uint64_t app_cpu_ns(app *a) {
  uint64_t cur = a->have_cpuclock ? thread_cpu_ns(a->cpuclock) : a->cpu_ns_last;
  return a->cpu_ns_prev + cur;
}

uint64_t app_mem_bytes(app *a) {
  return a->mem ? vw_memory_size(a->mem) : 0;
}

/* ---- the process manager ------------------------------------------------- */
/* After a run ended by itself: the restart policy and its intensity limit
** (at most max_restarts within restart_window, then failed). */
static void apply_policy(app *a, int64_t now) {
  bool failure = a->state == ST_CRASHED ||
                 (a->state == ST_EXITED && a->exit_code != 0);
  bool restart = a->m.restart == VY_RESTART_ALWAYS ||
                 (a->m.restart == VY_RESTART_ON_FAILURE && failure);
  if (!restart || atomic_load(&S.shutdown)) return;
  uint32_t max = a->m.max_restarts;
  int64_t window = a->m.restart_window_ms;
  /* forget restarts older than the window */
  uint32_t k = 0;
  for (uint32_t i = 0; i < a->nrestart_times; i++)
    if (now - a->restart_times[i] < window)
      a->restart_times[k++] = a->restart_times[i];
  a->nrestart_times = k;
  if (k >= max) {
    a->state = ST_FAILED;
    vlog("app %s failed: %u restarts within %u ms", a->name, max,
         a->m.restart_window_ms);
    return;
  }
  int64_t *nt = realloc(a->restart_times, (k + 1) * sizeof *nt);
  if (!nt) {
    a->state = ST_FAILED;
    vlog("app %s failed: out of memory", a->name);
    return;
  }
  a->restart_times = nt;
  a->restart_times[a->nrestart_times++] = now;
  if (now - a->started_ms >= STABLE_RUN_MS) a->backoff_ms = BACKOFF_MIN_MS;
  a->state = ST_WAITING;
  a->next_start_ms = now + a->backoff_ms;
  vlog("app %s restarts in %u ms", a->name, a->backoff_ms);
  a->backoff_ms = a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
                  a->backoff_ms * 2;
}

void apps_tick(void) {
  int64_t now = now_ms();
  pthread_mutex_lock(&S.lock);
  for (size_t i = 0; i < S.napps; i++) {
    app *a = S.apps[i];
    if (a->thread_live && a->thread_done) {
      pthread_join(a->thread, NULL);
      a->thread_live = false;
      if (a->stop == STOP_RESTART && !atomic_load(&S.shutdown)) {
        a->restarts++;
        a->backoff_ms = BACKOFF_MIN_MS;
        app_start_locked(a);
      } else if (a->stop == STOP_NONE || a->stop == STOP_WATCHDOG) {
        apply_policy(a, now);
      }
    }
    if (a->state == ST_WAITING && now >= a->next_start_ms &&
        !atomic_load(&S.shutdown)) {
      a->restarts++;
      app_start_locked(a);
    }
    if (a->thread_live && !a->thread_done) {
      if (a->stop == STOP_STOP && now < a->stop_deadline_ms) {
        /* asked to stop; still within its grace period */
      } else if (a->stop != STOP_NONE) {
        /* still unwinding: cancel again (a trap consumed the flag) */
        app_cancel_locked(a, a->stop);
      } else if (a->m.heartbeat_ms && a->state == ST_RUNNING &&
                 now - atomic_load(&a->last_line_ms) > a->m.heartbeat_ms) {
        vlog("app %s: no heartbeat for %u ms, restarting", a->name,
             a->m.heartbeat_ms);
        app_cancel_locked(a, STOP_WATCHDOG);
      }
    }
  }
  pthread_mutex_unlock(&S.lock);
}

/* ---- commands (vyctl and @sys) --------------------------------------------- */
/* Set while an @sys command runs on an app's thread inside the broker:
** then nothing calls back into the broker (whose locks may be held). */
static __thread bool in_sys;

static app *find_or_err(const char *name, char *err, size_t errlen) {
  app *a = app_find(name);
  if (!a) snprintf(err, errlen, "no-such-app %s", name);
  return a;
}

static int cancel_cmd(const char *name, app_stop why, bool wait, char *err,
                      size_t errlen) {
  pthread_mutex_lock(&S.lock);
  app *a = find_or_err(name, err, errlen);
  if (!a) goto fail;
  if (!a->thread_live || a->thread_done) {
    if (a->state == ST_WAITING) {      /* a pending restart is called off */
      a->state = why == STOP_KILL ? ST_KILLED : ST_STOPPED;
      pthread_mutex_unlock(&S.lock);
      return 0;
    }
    snprintf(err, errlen, "not-running %s", name);
    goto fail;
  }
  int64_t grace = 0;
  if (why == STOP_STOP && a->stop == STOP_NONE && S.grace_ms > 0) {
    /* A stop is polite: "@sys: stop" on the app's stdin, and the grace
    ** period to exit by itself before the main loop cancels it. */
    a->stop = STOP_STOP;
    a->stop_deadline_ms = now_ms() + S.grace_ms;
    grace = S.grace_ms;
  } else {
    app_cancel_locked(a, why);
  }
  pthread_mutex_unlock(&S.lock);
  if (!in_sys) {
    if (grace) vy_broker_inject(S.broker, name, "stop");
    else vy_broker_wake(S.broker, name);
  }
  if (!wait) return 0;
  /* the operator's answer comes when the app is really gone (entries of
  ** the table live as long as the supervisor, so a stays valid) */
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += 2 + grace / 1000;
  dl.tv_nsec += (long)(grace % 1000) * 1000000L;
  if (dl.tv_nsec >= 1000000000L) { dl.tv_sec++; dl.tv_nsec -= 1000000000L; }
  pthread_mutex_lock(&S.lock);
  while (!a->thread_done &&
         pthread_cond_timedwait(&S.cond, &S.lock, &dl) != ETIMEDOUT) {}
  bool done = a->thread_done;
  pthread_mutex_unlock(&S.lock);
  if (!done) {
    snprintf(err, errlen, "timeout %s", name);
    return -1;
  }
  return 0;
fail:
  pthread_mutex_unlock(&S.lock);
  return -1;
}

int cmd_kill(const char *name, bool wait, char *err, size_t errlen) {
  return cancel_cmd(name, STOP_KILL, wait, err, errlen);
}

int cmd_stop(const char *name, bool wait, char *err, size_t errlen) {
  return cancel_cmd(name, STOP_STOP, wait, err, errlen);
}

int cmd_start(const char *name, char *err, size_t errlen) {
  pthread_mutex_lock(&S.lock);
  int r = -1;
  app *a = find_or_err(name, err, errlen);
  if (!a) goto done;
  if (!a->have_manifest) {
    snprintf(err, errlen, "invalid %s", a->error);
  } else if (a->thread_live && !a->thread_done) {
    snprintf(err, errlen, "already-running %s", name);
  } else if (atomic_load(&S.shutdown)) {
    snprintf(err, errlen, "shutting-down");
  } else {
    /* an operator's start forgives earlier failures */
    a->nrestart_times = 0;
    a->backoff_ms = BACKOFF_MIN_MS;
    r = app_start_locked(a);
    if (r) snprintf(err, errlen, "cannot-start %s", name);
  }
done:
  pthread_mutex_unlock(&S.lock);
  return r;
}

int cmd_restart(const char *name, char *err, size_t errlen) {
  pthread_mutex_lock(&S.lock);
  app *a = find_or_err(name, err, errlen);
  bool live = a && a->thread_live && !a->thread_done;
  if (live) app_cancel_locked(a, STOP_RESTART);
  pthread_mutex_unlock(&S.lock);
  if (!a) return -1;
  if (live) {
    if (!in_sys) vy_broker_wake(S.broker, name);
    return 0;
  }
  int r = cmd_start(name, err, errlen);
  if (r == 0) {
    pthread_mutex_lock(&S.lock);
    a->restarts++;
    pthread_mutex_unlock(&S.lock);
  }
  return r;
}

/* "@sys: COMMAND" from an app with "sys" in its ipc grants.  Runs on that
** app's thread, inside vy_broker_route: it never waits for the target
** (an app may kill itself) and never calls back into the broker. */
void sys_handler(void *ud, const char *from, const char *cmd, char *reply,
                 size_t replylen) {
  (void)ud;
  char verb[16], arg[64], err[256];
  arg[0] = 0;
  int n = sscanf(cmd, "%15s %63s", verb, arg);
  if (n < 1) {
    snprintf(reply, replylen, "error malformed");
    return;
  }
  int r = 0;
  if ((!strcmp(verb, "ps") || !strcmp(verb, "stats")) && n == 1) {
    /* stats: what sysmon draws, with CPU ms and memory bytes per app */
    sbuf b = { 0 };
    report_sys_list(&b, verb[0] == 's');
    snprintf(reply, replylen, "%s", b.oom ? "error out-of-memory" : b.p);
    sb_free(&b);
    return;
  }
  if (!strcmp(verb, "shutdown") && n == 1) {
    /* the main loop sees the flag within a tick and stops everything */
    vlog("shutdown requested by app %s", from);
    atomic_store(&S.shutdown, 1);
    snprintf(reply, replylen, "ok shutdown");
    return;
  }
  if (n != 2) {
    snprintf(reply, replylen, "error unknown-command %s", verb);
    return;
  }
  in_sys = true;
  if (!strcmp(verb, "kill")) r = cmd_kill(arg, false, err, sizeof err);
  else if (!strcmp(verb, "stop")) r = cmd_stop(arg, false, err, sizeof err);
  else if (!strcmp(verb, "start")) r = cmd_start(arg, err, sizeof err);
  else if (!strcmp(verb, "restart")) r = cmd_restart(arg, err, sizeof err);
  else {
    in_sys = false;
    snprintf(reply, replylen, "error unknown-command %s", verb);
    return;
  }
  in_sys = false;
  if (r) snprintf(reply, replylen, "error %s", err);
  else snprintf(reply, replylen, "ok %s %s", verb, arg);
}
