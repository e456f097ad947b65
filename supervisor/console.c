/*
** console.c — the console's keyboard: when vyomad's stdin is a terminal,
** it goes to raw mode and a thread feeds each byte to the TTY input router
** (input/tty.h), which edits the line and says where it goes.  Keys go to
** the focused app's stdin (app_keyboard); Ctrl-A then n/p/1-9/l moves the
** focus or lists the apps.  Only apps with input = true can have focus;
** the profile's console_app has it first.
**
** On a developer's host Ctrl-C still signals vyomad (ISIG kept); as PID 1
** the console has no one to signal, so raw mode takes every key.
**
** As PID 1 with a display, the keyboards under /dev/input (the VM window's
** keyboard) feed the same router through input/evdev.h, so keys typed on the
** graphical console and on the serial one behave alike.  Only as PID 1: on a
** developer's host those devices are the desktop's own keyboard.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/input.h>

#include "../input/evdev.h"
#include "../input/tty.h"
#include "vyomad.h"

static vy_tty tty;
static vy_tty_saved saved;
static pthread_t thread;
static bool running;
static int stop_pipe[2] = { -1, -1 };
static app **focusable; /* apps with input = true, in table order */
static int nfocusable;
static bool have_tty; /* stdin is a terminal in raw mode        */
#define MAX_KBD 8
static int kbd_fds[MAX_KBD]; /* evdev keyboards                        */
static int nkbd;
static vy_evdev kbd_state;

static void out(const char *s, size_t n) {
  while (n) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return; /* the console is gone: nothing to do */
    }
    s += w;
    n -= (size_t)w;
  }
}

static void set_focus(int i) {
  app *a = i >= 0 && i < nfocusable ? focusable[i] : NULL;
  atomic_store(&S.focus, a);
  screen_focus(a);
  if (a)
    vlog("console: keys go to %s (Ctrl-A n/p/1-9 to switch, l to list)",
         a->name);
}

static void list_apps(void) {
  int f = vy_tty_focus(&tty);
  for (int i = 0; i < nfocusable; i++) {
    pthread_mutex_lock(&S.lock);
    const char *st = state_name(focusable[i]->state);
    pthread_mutex_unlock(&S.lock);
    char line[160];
    int n = snprintf(line, sizeof line, "%c %d %s (%s)\r\n", i == f ? '*' : ' ',
                     i + 1, focusable[i]->name, st);
    if (n > 0) out(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  }
}

static void feed(unsigned char c) {
  vy_tty_action act[VY_TTY_MAX_ACTIONS];
  int k = vy_tty_feed(&tty, c, act);
  for (int j = 0; j < k; j++) {
    app *a = act[j].app >= 0 && act[j].app < nfocusable ? focusable[act[j].app]
                                                        : NULL;
    switch (act[j].kind) {
      case VY_TTY_ECHO: out(act[j].data, act[j].len); break;
      case VY_TTY_DELIVER:
        if (a && app_keyboard(a, act[j].data, act[j].len, false) != 0)
          vlog("console: %s is not reading its input; line dropped", a->name);
        break;
      case VY_TTY_EOF:
        if (a) app_keyboard(a, NULL, 0, true);
        break;
      case VY_TTY_FOCUS: set_focus(act[j].app); break;
      case VY_TTY_LIST: list_apps(); break;
    }
  }
}

/* drains one evdev keyboard; false when the device went away */
static bool read_keyboard(int fd) {
  struct input_event ev[32];
  for (;;) {
    ssize_t n = read(fd, ev, sizeof ev);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    if (n == 0) return false;
    for (size_t i = 0; i < (size_t)n / sizeof ev[0]; i++) {
      if (ev[i].type != EV_KEY) continue;
      char bytes[8];
      int m = vy_evdev_key(&kbd_state, ev[i].code, ev[i].value, bytes);
      for (int b = 0; b < m; b++) feed((unsigned char)bytes[b]);
    }
  }
}

static void *console_thread(void *arg) {
  (void)arg;
  unsigned char buf[256];
  for (;;) {
    struct pollfd p[2 + MAX_KBD];
    int np = 0;
    p[np++] = (struct pollfd){ stop_pipe[0], POLLIN, 0 };
    p[np++] = (struct pollfd){ have_tty ? STDIN_FILENO : -1, POLLIN, 0 };
    for (int i = 0; i < nkbd; i++)
      p[np++] = (struct pollfd){ kbd_fds[i], POLLIN, 0 };
    if (poll(p, (nfds_t)np, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[0].revents) break;
    for (int i = 0; i < nkbd; i++) {
      if (!p[2 + i].revents) continue;
      if (!read_keyboard(kbd_fds[i])) {
        vlog("console: keyboard %d went away", i);
        close(kbd_fds[i]);
        kbd_fds[i] = -1; /* poll ignores negative fds */
      }
    }
    if (!p[1].revents) continue;
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) { /* the terminal hung up; keyboards stay */
      have_tty = false;
      if (!nkbd) break;
      continue;
    }
    for (ssize_t i = 0; i < n; i++) feed(buf[i]);
  }
  return NULL;
}

void console_start(void) {
  have_tty = isatty(STDIN_FILENO);
  nkbd = S.pid1 && screen_on() ? vy_evdev_open_keyboards(kbd_fds, MAX_KBD) : 0;
  vy_evdev_init(&kbd_state);
  if (!have_tty && !nkbd) return;
  focusable = calloc(S.napps ? S.napps : 1, sizeof *focusable);
  if (!focusable) return;
  for (size_t i = 0; i < S.napps; i++)
    if (S.apps[i]->have_manifest && S.apps[i]->m.input)
      focusable[nfocusable++] = S.apps[i];
  if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
    vlog("console: pipe: %s", strerror(errno));
    goto fail;
  }
  if (have_tty && vy_tty_raw_enter(STDIN_FILENO, &saved, !S.pid1) != 0) {
    vlog("console: cannot enter raw mode: %s", strerror(errno));
    have_tty = false;
    if (!nkbd) goto fail;
  }
  if (nkbd)
    vlog("console: %d keyboard%s on the graphical console", nkbd,
         nkbd > 1 ? "s" : "");
  vy_tty_init(&tty, nfocusable);
  for (int i = 0; i < nfocusable; i++)
    if (!strcmp(focusable[i]->name, S.profile.console_app))
      vy_tty_set_focus(&tty, i);
  if (pthread_create(&thread, NULL, console_thread, NULL) != 0) {
    if (have_tty) vy_tty_raw_leave(&saved);
    vlog("console: cannot create its thread");
    goto fail;
  }
  running = true;
  set_focus(vy_tty_focus(&tty));
  return;
fail:
  for (int i = 0; i < nkbd; i++) close(kbd_fds[i]);
  nkbd = 0;
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
  for (int i = 0; i < nkbd; i++)
    if (kbd_fds[i] >= 0) close(kbd_fds[i]);
  nkbd = 0;
  close(stop_pipe[0]);
  close(stop_pipe[1]);
  stop_pipe[0] = stop_pipe[1] = -1;
  free(focusable);
  focusable = NULL;
  nfocusable = 0;
}
