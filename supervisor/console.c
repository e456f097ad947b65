/*
** console.c — the console's keyboard: when vyomad's stdin is a terminal,
** it goes to raw mode and a thread feeds each byte to the TTY input router
** (input/tty.h), which edits the line and says where it goes.  Keys go to
** the focused app's stdin (app_keyboard); Ctrl-A then n/p/1-9/l moves the
** focus or lists the apps.  Only apps with input = true can have focus.
**
** On a developer's host Ctrl-C still signals vyomad (ISIG kept); as PID 1
** the console has no one to signal, so raw mode takes every key.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../input/tty.h"
#include "vyomad.h"

static vy_tty tty;
static vy_tty_saved saved;
static pthread_t thread;
static bool running;
static int stop_pipe[2] = { -1, -1 };
static app **focusable;       /* apps with input = true, in table order */
static int nfocusable;

static void out(const char *s, size_t n) {
  while (n) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;                      /* the console is gone: nothing to do */
    }
    s += w;
    n -= (size_t)w;
  }
}

static void set_focus(int i) {
  app *a = i >= 0 && i < nfocusable ? focusable[i] : NULL;
  atomic_store(&S.focus, a);
  if (a) vlog("console: keys go to %s (Ctrl-A n/p/1-9 to switch, l to list)",
              a->name);
}

static void list_apps(void) {
  int f = vy_tty_focus(&tty);
  for (int i = 0; i < nfocusable; i++) {
    pthread_mutex_lock(&S.lock);
    const char *st = state_name(focusable[i]->state);
    pthread_mutex_unlock(&S.lock);
    char line[160];
    int n = snprintf(line, sizeof line, "%c %d %s (%s)\r\n",
                     i == f ? '*' : ' ', i + 1, focusable[i]->name, st);
    if (n > 0) out(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  }
}

static void *console_thread(void *arg) {
  (void)arg;
  unsigned char buf[256];
  for (;;) {
    struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 },
                           { stop_pipe[0], POLLIN, 0 } };
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents) break;
    if (!p[0].revents) continue;
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;             /* the console hung up */
    for (ssize_t i = 0; i < n; i++) {
      vy_tty_action act[VY_TTY_MAX_ACTIONS];
      int k = vy_tty_feed(&tty, buf[i], act);
      for (int j = 0; j < k; j++) {
        app *a = act[j].app >= 0 && act[j].app < nfocusable ?
                 focusable[act[j].app] : NULL;
        switch (act[j].kind) {
        case VY_TTY_ECHO: out(act[j].data, act[j].len); break;
        case VY_TTY_DELIVER:
          if (a && app_keyboard(a, act[j].data, act[j].len, false) != 0)
            vlog("console: %s is not reading its input; line dropped",
                 a->name);
          break;
        case VY_TTY_EOF:
          if (a) app_keyboard(a, NULL, 0, true);
          break;
        case VY_TTY_FOCUS: set_focus(act[j].app); break;
        case VY_TTY_LIST: list_apps(); break;
        }
      }
    }
  }
  return NULL;
}

void console_start(void) {
  if (!isatty(STDIN_FILENO)) return;
  focusable = calloc(S.napps ? S.napps : 1, sizeof *focusable);
  if (!focusable) return;
  for (size_t i = 0; i < S.napps; i++)
    if (S.apps[i]->have_manifest && S.apps[i]->m.input)
      focusable[nfocusable++] = S.apps[i];
  if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
    vlog("console: pipe: %s", strerror(errno));
    goto fail;
  }
  if (vy_tty_raw_enter(STDIN_FILENO, &saved, !S.pid1) != 0) {
    vlog("console: cannot enter raw mode: %s", strerror(errno));
    goto fail;
  }
  vy_tty_init(&tty, nfocusable);
  if (pthread_create(&thread, NULL, console_thread, NULL) != 0) {
    vy_tty_raw_leave(&saved);
    vlog("console: cannot create its thread");
    goto fail;
  }
  running = true;
  set_focus(vy_tty_focus(&tty));
  return;
fail:
  for (int i = 0; i < 2; i++)
    if (stop_pipe[i] >= 0) close(stop_pipe[i]);
  stop_pipe[0] = stop_pipe[1] = -1;
  free(focusable);
  focusable = NULL;
  nfocusable = 0;
}

void console_stop(void) {
  if (!running) return;
  ssize_t w = write(stop_pipe[1], "x", 1);
  (void)w;
  pthread_join(thread, NULL);
  running = false;
  atomic_store(&S.focus, NULL);
  vy_tty_raw_leave(&saved);
  close(stop_pipe[0]);
  close(stop_pipe[1]);
  stop_pipe[0] = stop_pipe[1] = -1;
  free(focusable);
  focusable = NULL;
  nfocusable = 0;
}
