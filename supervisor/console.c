/*
** console.c — the console's keyboard: when vyomad's stdin is a terminal,
** it goes to raw mode and a thread feeds each byte to the TTY input router
** (input/tty.h), which edits the line and says where it goes.  Keys go to
** the focused app's stdin (app_keyboard); Ctrl-A then n/p/1-9/l moves the
** focus or lists the apps.  Only apps with input = true can have focus;
** the profile's console_app has it first, unless there is a display: then
** the first input app with a window has it (the shell has none).
**
** The input row: the router draws "NAME> " and the line typed so far.
** When stderr is a terminal, console_start points fd 2 at a pipe whose
** only reader is the console thread, which writes each complete line to
** the terminal between vy_tty_hide and vy_tty_show.  So vlog, heartbeat
** and app lines never splice into a half-typed line, and the prompt and
** the typed text come back below them; and one thread alone writes to the
** terminal, so echo and output need no lock.  console_stop drains the
** pipe and gives fd 2 back.
**
** Tab completes, in the console_app (the shell), its verbs (shell_verbs,
** kept in step with apps/shell/main.c: the shell tests check every verb
** of its help) and, after the first word, the names of all apps.
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
#include <sys/klog.h>
#ifndef SYSLOG_ACTION_CONSOLE_LEVEL
#define SYSLOG_ACTION_CONSOLE_LEVEL 8 /* syslog(2); glibc does not name it */
#endif
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
static int real_err = -1;            /* the terminal, while fd 2 is the pipe */
static int err_pipe[2] = { -1, -1 }; /* everyone's stderr -> the thread */
static char pending[8192];           /* a line not yet complete */
static size_t npending;
static const char **app_names; /* Tab's names: every app */
static const char *const shell_verbs[] = { "help",  "ps",   "status",
                                           "logs",  "kill", "restart",
                                           "start", "stop", "send",
                                           "hal",   "ota",  "poweroff" };

static void out(const char *s, size_t n) {
  while (n) {
    ssize_t w = write(real_err >= 0 ? real_err : STDERR_FILENO, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return; /* the console is gone: nothing to do */
    }
    s += w;
    n -= (size_t)w;
  }
}

/* text of our own or a line from the pipe, on rows above the input row */
static void out_above(const char *s, size_t n) {
  const char *text;
  size_t k = vy_tty_hide(&tty, &text);
  out(text, k);
  out(s, n);
  k = vy_tty_show(&tty, &text);
  out(text, k);
}

static void set_focus(int i) {
  app *a = i >= 0 && i < nfocusable ? focusable[i] : NULL;
  atomic_store(&S.focus, a);
  screen_focus(a);
  char prompt[sizeof a->name + 4];
  snprintf(prompt, sizeof prompt, "%s> ", a ? a->name : "");
  vy_tty_set_prompt(&tty, a ? prompt : "");
  bool shell = a && !strcmp(a->name, S.profile.console_app);
  vy_tty_set_words(&tty, shell ? shell_verbs : NULL,
                   shell ? (int)(sizeof shell_verbs / sizeof *shell_verbs) : 0,
                   shell ? app_names : NULL, shell ? (int)S.napps : 0);
  const char *text;
  out("\r\033[K", 4); /* the old app's prompt */
  out(text, vy_tty_show(&tty, &text));
  if (a)
    vlog("console: keys go to %s (Ctrl-A n/p/1-9 to switch, l to list)",
         a->name);
}

static void no_app(int i) {
  char line[96];
  int n = snprintf(line, sizeof line,
                   "console: no app %d (there %s %d; Ctrl-A l lists them)\n",
                   i + 1, nfocusable == 1 ? "is" : "are", nfocusable);
  if (n > 0) out_above(line, (size_t)n < sizeof line ? (size_t)n : 0);
}

static void list_apps(void) {
  int f = vy_tty_focus(&tty);
  const char *text;
  out(text, vy_tty_hide(&tty, &text));
  for (int i = 0; i < nfocusable; i++) {
    pthread_mutex_lock(&S.lock);
    const char *st = state_name(focusable[i]->state);
    pthread_mutex_unlock(&S.lock);
    char line[160];
    int n = snprintf(line, sizeof line, "%c %d %s (%s)\r\n", i == f ? '*' : ' ',
                     i + 1, focusable[i]->name, st);
    if (n > 0) out(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  }
  out(text, vy_tty_show(&tty, &text));
}

/* what arrived on the stderr pipe: its complete lines above the input row */
static void read_err_pipe(void) {
  ssize_t n = read(err_pipe[0], pending + npending, sizeof pending - npending);
  if (n <= 0) return;
  npending += (size_t)n;
  size_t upto = npending;
  while (upto && pending[upto - 1] != '\n') upto--;
  if (!upto && npending == sizeof pending) upto = npending; /* no newline */
  if (!upto) return;
  out_above(pending, upto);
  memmove(pending, pending + upto, npending - upto);
  npending -= upto;
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
      case VY_TTY_NO_APP: no_app(act[j].app); break;
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
  enum { STOP, ERR, IN, KBD }; /* where each descriptor is in p[] */
  for (;;) {
    struct pollfd p[KBD + MAX_KBD];
    p[STOP] = (struct pollfd){ stop_pipe[0], POLLIN, 0 };
    p[ERR] = (struct pollfd){ err_pipe[0], POLLIN, 0 };
    p[IN] = (struct pollfd){ have_tty ? STDIN_FILENO : -1, POLLIN, 0 };
    for (int i = 0; i < nkbd; i++)
      p[KBD + i] = (struct pollfd){ kbd_fds[i], POLLIN, 0 };
    if (poll(p, (nfds_t)(KBD + nkbd), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[STOP].revents) break;
    if (p[ERR].revents) read_err_pipe();
    for (int i = 0; i < nkbd; i++) {
      if (!p[KBD + i].revents) continue;
      if (!read_keyboard(kbd_fds[i])) {
        vlog("console: keyboard %d went away", i);
        close(kbd_fds[i]);
        kbd_fds[i] = -1; /* poll ignores negative fds */
      }
    }
    if (!p[IN].revents) continue;
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) { /* the terminal hung up; keyboards stay */
      have_tty = false;
      if (!nkbd && err_pipe[0] < 0) break;
      continue;
    }
    for (ssize_t i = 0; i < n; i++) feed(buf[i]);
  }
  return NULL;
}

/* fd 2 becomes a pipe the console thread reads (see the header); -1 when
** it stays as it is */
static int capture_stderr(void) {
  if (!isatty(STDERR_FILENO)) return -1;
  real_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (real_err < 0) return -1;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) goto fail;
  /* room for bursts, so writers (the console thread among them) rarely
  ** wait; the default 64 KiB still works when this is refused */
  fcntl(err_pipe[1], F_SETPIPE_SZ, 1 << 20);
  fflush(stderr);
  if (dup2(err_pipe[1], STDERR_FILENO) < 0) goto fail;
  return 0;
fail:
  for (int i = 0; i < 2; i++)
    if (err_pipe[i] >= 0) close(err_pipe[i]);
  err_pipe[0] = err_pipe[1] = -1;
  close(real_err);
  real_err = -1;
  return -1;
}

/* gives fd 2 back, after writing what is still in the pipe */
static void release_stderr(void) {
  if (real_err < 0) return;
  fflush(stderr);
  dup2(real_err, STDERR_FILENO);
  close(err_pipe[1]); /* now read sees the end after the last line */
  fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  for (;;) {
    size_t before = npending;
    read_err_pipe();
    if (npending == before) break;
  }
  if (npending) out(pending, npending);
  npending = 0;
  close(err_pipe[0]);
  err_pipe[0] = err_pipe[1] = -1;
  close(real_err);
  real_err = -1;
}

/* the app the keys go to first: with a display the first started input
** app with the display capability, which is what gives it a window (its
** thread may not have opened it yet; the shell has none; the status bar
** is a strip, not a window), else the profile's console_app */
static int first_focus(void) {
  for (int i = 0; screen_on() && i < nfocusable; i++) {
    pthread_mutex_lock(&S.lock);
    bool window = focusable[i]->m.display && focusable[i]->thread_live;
    pthread_mutex_unlock(&S.lock);
    if (window && strcmp(focusable[i]->name, S.profile.status_bar)) return i;
  }
  for (int i = 0; i < nfocusable; i++)
    if (!strcmp(focusable[i]->name, S.profile.console_app)) return i;
  return vy_tty_focus(&tty);
}

/* As PID 1: the profile's console_loglevel, so that kernel messages below
** it are all that reach the console (the command line's quiet loglevel=
** already holds them back during boot, ignore_loglevel with V=1 lets them
** all through).  syslog(2), not /proc/sys/kernel/printk: the image's
** kernel has no sysctl files.  The kernel's floor is 1, so 0 means 1.  On
** a developer's host the kernel is not ours. */
static void kernel_loglevel(void) {
  int level = S.profile.console_loglevel;
  if (!S.pid1 || level < 0) return;
  if (klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, level ? level : 1) != 0)
    vlog("console: kernel log level %d: %s", level, strerror(errno));
  else
    vlog("console: kernel log level %d", level);
}

void console_start(void) {
  kernel_loglevel();
  have_tty = isatty(STDIN_FILENO);
  nkbd = S.pid1 && screen_on() ? vy_evdev_open_keyboards(kbd_fds, MAX_KBD) : 0;
  vy_evdev_init(&kbd_state);
  if (!have_tty && !nkbd) return;
  focusable = calloc(S.napps ? S.napps : 1, sizeof *focusable);
  app_names = calloc(S.napps ? S.napps : 1, sizeof *app_names);
  if (!focusable || !app_names) goto fail;
  for (size_t i = 0; i < S.napps; i++) {
    app_names[i] = S.apps[i]->name;
    if (S.apps[i]->have_manifest && S.apps[i]->m.input)
      focusable[nfocusable++] = S.apps[i];
  }
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
  vy_tty_set_focus(&tty, first_focus());
  capture_stderr();
  set_focus(vy_tty_focus(&tty)); /* before the thread: it owns tty after */
  if (pthread_create(&thread, NULL, console_thread, NULL) != 0) {
    release_stderr();
    atomic_store(&S.focus, NULL);
    if (have_tty) vy_tty_raw_leave(&saved);
    vlog("console: cannot create its thread");
    goto fail;
  }
  running = true;
  return;
fail:
  for (int i = 0; i < nkbd; i++) close(kbd_fds[i]);
  nkbd = 0;
  for (int i = 0; i < 2; i++)
    if (stop_pipe[i] >= 0) close(stop_pipe[i]);
  stop_pipe[0] = stop_pipe[1] = -1;
  free(focusable);
  free(app_names);
  focusable = NULL;
  app_names = NULL;
  nfocusable = 0;
}

void console_stop(void) {
  if (!running) return;
  ssize_t w = write(stop_pipe[1], "x", 1);
  (void)w;
  pthread_join(thread, NULL);
  running = false;
  atomic_store(&S.focus, NULL);
  const char *text;
  out(text, vy_tty_hide(&tty, &text)); /* no prompt left behind */
  release_stderr();
  vy_tty_raw_leave(&saved);
  for (int i = 0; i < nkbd; i++)
    if (kbd_fds[i] >= 0) close(kbd_fds[i]);
  nkbd = 0;
  close(stop_pipe[0]);
  close(stop_pipe[1]);
  stop_pipe[0] = stop_pipe[1] = -1;
  free(focusable);
  free(app_names);
  focusable = NULL;
  app_names = NULL;
  nfocusable = 0;
}
