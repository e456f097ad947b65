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
**   Ctrl-A 1..9 with no app     VY_TTY_NO_APP (the caller says so)
**   Up / Down (ESC [ A / B, ESC O A / B)  the previous / next line of
**                               the history (the last VY_TTY_HISTORY lines
**                               delivered, one history for all apps); Down
**                               past the newest brings back the draft
**   Tab                         with completion words set: completes the
**                               word being typed (the first word from the
**                               verbs, later ones from the names), to the
**                               longest common prefix; when that adds
**                               nothing and several fit, lists them.
**                               Without words: a tab into the line
**   other ESC sequences         swallowed
**   other control bytes         ignored
** Changing focus drops a half-typed line: it was meant for the other app.
** With no apps (or focus -1) keys are dropped and nothing is echoed.
**
** The prompt and asynchronous output.  The router owns what the console's
** input row shows: the prompt (set by the caller, e.g. "shell> ") and the
** line typed so far.  Enter echoes "\r\n" and then the prompt again.  A
** caller about to print a line of its own (a log line, an app's output)
** writes vy_tty_hide() first and vy_tty_show() after, so the line lands on
** a row of its own and the prompt and half-typed text are drawn again
** below it, as readline does.  Rows wider than the terminal are not
** tracked: hide erases only the row the cursor is on.
*/
#ifndef VY_TTY_H
#define VY_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#define VY_TTY_LINE_MAX    4095 /* bytes of a line, "\n" excluded */
#define VY_TTY_MAX_ACTIONS 3
#define VY_TTY_PROMPT_MAX  63   /* bytes of the prompt */
#define VY_TTY_HISTORY     32   /* lines remembered */
#define VY_TTY_HIST_LINE   1023 /* longer lines are not remembered */

typedef enum vy_tty_act {
  VY_TTY_ECHO,    /* write data/len to the console                        */
  VY_TTY_DELIVER, /* write data/len to app `app`'s stdin                  */
  VY_TTY_EOF,     /* end of input for app `app` (Ctrl-D on an empty line) */
  VY_TTY_FOCUS,   /* focus moved to app `app` (the caller announces it)   */
  VY_TTY_LIST,    /* show the list of apps                                */
  VY_TTY_NO_APP   /* Ctrl-A digit named app `app`, which does not exist   */
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
  char scratch[2 * VY_TTY_LINE_MAX + VY_TTY_PROMPT_MAX + 4096]; /* echo */
  char redraw[2 * VY_TTY_LINE_MAX + VY_TTY_PROMPT_MAX + 8];     /* for show */
  char prompt[VY_TTY_PROMPT_MAX + 1];
  char hist[VY_TTY_HISTORY][VY_TTY_HIST_LINE + 1]; /* a ring, oldest first */
  int nhist, hist_first, hist_at; /* hist_at == nhist: the draft */
  size_t draft_len;
  char draft[VY_TTY_LINE_MAX + 1];         /* the line typed before Up */
  const char *const *verbs, *const *names; /* Tab's words (caller's) */
  int nverbs, nnames;
} vy_tty;

void vy_tty_init(vy_tty *t, int napps);
/* The number of apps changed; focus is kept if still valid, else moved to
** the last app (or -1).  Returns the focus. */
int vy_tty_set_apps(vy_tty *t, int napps);
/* Focus app i (-1 for none) from outside, e.g. when an app starts. */
void vy_tty_set_focus(vy_tty *t, int i);
int vy_tty_focus(const vy_tty *t);
/* The prompt shown before the line ("" for none; cut at PROMPT_MAX). */
void vy_tty_set_prompt(vy_tty *t, const char *prompt);
/* Tab's words: verbs complete the first word of a line, names the others.
** The arrays and strings stay the caller's and must outlive their use;
** no words (both counts 0): Tab is an ordinary character. */
void vy_tty_set_words(vy_tty *t, const char *const *verbs, int nverbs,
                      const char *const *names, int nnames);
/* Text that erases the input row (empty when nothing is shown) / that
** draws the prompt and the line again.  Both point into the router. */
size_t vy_tty_hide(vy_tty *t, const char **text);
size_t vy_tty_show(vy_tty *t, const char **text);
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
