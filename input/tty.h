/*
** tty.h — the console input router: which app gets the keys, and the line
** editing that lets shell-like apps work on a raw console.
**
** The router is pure logic: the supervisor reads bytes from the console and
** feeds them in one at a time; each byte yields up to VY_TTY_MAX_ACTIONS
** actions telling the caller what to do.  It never touches a descriptor, so
** it is tested by feeding key sequences.  Data pointers in actions point
** into the router and stay valid until the next call on it.
**
** Keys (apps are numbered 0..n-1 in the caller's order; the router only
** needs their count):
**   printable bytes and UTF-8   appended to the line and echoed
**   Backspace (DEL or ^H)       removes the last character, echoes "\b \b"
**   Ctrl-U                      erases the whole line
**   Enter (CR or LF; CR LF is one Enter)  echoes "\r\n" and delivers the
**                               line plus "\n" to the focused app's stdin
**   Ctrl-D                      on an empty line: VY_TTY_EOF for the app;
**                               otherwise delivers the line without "\n"
**   Ctrl-A n / p                focus next / previous app (wrapping)
**   Ctrl-A 1..9                 focus app 0..8, if it exists
**   Ctrl-A l                    list the apps (the caller prints them)
**   Ctrl-A Ctrl-A               a literal Ctrl-A into the line (echoed "^A")
**   Ctrl-A anything else        ignored, as is a lone prefix
**   ESC sequences (arrows...)   swallowed
**   other control bytes         ignored
** Changing focus drops a half-typed line: it was meant for the other app.
** With no apps (or focus -1) keys are dropped and nothing is echoed.
*/
#ifndef VY_TTY_H
#define VY_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#define VY_TTY_LINE_MAX    4095 /* bytes of a line, "\n" excluded */
#define VY_TTY_MAX_ACTIONS 3

typedef enum vy_tty_act {
  VY_TTY_ECHO,    /* write data/len to the console                        */
  VY_TTY_DELIVER, /* write data/len to app `app`'s stdin                  */
  VY_TTY_EOF,     /* end of input for app `app` (Ctrl-D on an empty line) */
  VY_TTY_FOCUS,   /* focus moved to app `app` (the caller announces it)   */
  VY_TTY_LIST     /* show the list of apps                                */
} vy_tty_act;

typedef struct vy_tty_action {
  vy_tty_act kind;
  int app;
  const char *data;
  size_t len;
} vy_tty_action;

typedef struct vy_tty {
  int napps, focus; /* focus -1: nobody */
  int state;        /* internal: normal, prefix, escape... */
  bool last_cr;     /* swallow the LF of a CR LF */
  size_t len;
  char line[VY_TTY_LINE_MAX + 1];
  char scratch[2 * VY_TTY_LINE_MAX + 8]; /* echo text for Ctrl-U */
} vy_tty;

void vy_tty_init(vy_tty *t, int napps);
/* The number of apps changed; focus is kept if still valid, else moved to
** the last app (or -1).  Returns the focus. */
int vy_tty_set_apps(vy_tty *t, int napps);
/* Focus app i (-1 for none) from outside, e.g. when an app starts. */
void vy_tty_set_focus(vy_tty *t, int i);
int vy_tty_focus(const vy_tty *t);
/* Feeds one console byte; fills out[] and returns how many actions. */
int vy_tty_feed(vy_tty *t, unsigned char c,
                vy_tty_action out[VY_TTY_MAX_ACTIONS]);

/* Raw mode on a terminal fd.  enter saves the current settings in *s and
** switches to raw input (no echo, no canonical mode, no flow control,
** bytes as they come) but keeps output processing, so apps' "\n" still
** returns the carriage.  keep_signals leaves ISIG on, so Ctrl-C still
** signals the supervisor (handy on a developer's host; off as PID 1).
** The settings are also restored at exit() (one atexit handler for the
** most recent enter).  -1 with errno (ENOTTY when fd is no terminal). */
typedef struct vy_tty_saved {
  int fd;
  bool active;
  struct termios tio;
} vy_tty_saved;
int vy_tty_raw_enter(int fd, vy_tty_saved *s, bool keep_signals);
int vy_tty_raw_leave(vy_tty_saved *s);

#endif
