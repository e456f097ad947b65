/*
** app.c — the app table (loading each app's manifest and log file, finding
** and freeing entries) and each app's stdio while it runs: its output cut
** into lines and routed through the broker (or to the display, or to its
** log), its stdin served from its inbox and the keyboard.  A run itself is
** run.c; when runs start and stop is lifecycle.c.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vyomad.h"

#define STDIN_SLICE_MS 50 /* the stdin wait re-checks cancel this often */

static const char *const state_names[] = { "starting", "running", "waiting",
                                           "exited",   "crashed", "killed",
                                           "failed",   "stopped", "invalid" };

const char *state_name(app_state s) {
  return (unsigned)s < sizeof state_names / sizeof *state_names ? state_names[s]
                                                                : "unknown";
}

app *app_find(const char *name) {
  for (size_t i = 0; i < S.napps; i++)
    if (!S.apps[i]->removed && !strcmp(S.apps[i]->name, name)) return S.apps[i];
  return NULL;
}

char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0, r;
  do {
    if (len + 4097 > cap) {
      char *nb = realloc(buf, cap = cap * 2 + 8192);
      if (!nb) break;
      buf = nb;
    }
    r = fread(buf + len, 1, cap - len - 1, f);
    len += r;
  } while (r > 0);
  fclose(f);
  if (buf) buf[len] = 0;
  return buf;
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
  char *apps = path_join(S.sys_root, "apps");
  a->dir = apps ? path_join(apps, folder) : NULL;
  free(apps);
  char *toml = a->dir ? path_join(a->dir, "vyoma.toml") : NULL;
  if (!toml) {
    free(a->dir);
    free(a);
    return NULL;
  }
  a->manifest_text = read_text(toml);
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
  free(a->manifest_text);
  free(a->restart_times);
  free(a->dir);
  free(a);
}

/* ---- the app's stdio hooks (on its own thread) --------------------------- */
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
    if (lb->overlong) continue; /* the rest of a cut line */
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

static bool cancelled(app *a) { return vwasi_cancelled(a->wasi); }

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
    if (r < 0) return 0;   /* no inbox: end of input */
    if (r == 0) return -1; /* cancelled: the host call traps */
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

int app_stdio_open(app *a, vwasi_config *wc) {
  a->inbuf = malloc(VY_IPC_MAX_LINE + 64);
  a->inlen = a->inoff = 0;
  memset(a->out, 0, sizeof a->out);
  wc->stdio[0] = wc->stdio[1] = wc->stdio[2] = -1;
  wc->write_hook = app_write;
  wc->write_ud = a;
  wc->read_hook = app_read;
  wc->wait_hook = app_wait;
  wc->read_ud = a;
  return a->inbuf ? 0 : -1;
}

void app_stdio_flush(app *a) {
  /* what is left of an unfinished line still belongs in the log */
  for (int i = 0; i < 2; i++)
    if (a->out[i].len && !a->out[i].overlong)
      handle_line(a, i + 1, a->out[i].buf, a->out[i].len);
}

void app_stdio_close(app *a) {
  free(a->inbuf);
  a->inbuf = NULL;
}
