/*
** tty.c — the console input router's state machine and the raw-mode helper
** (contract: input/tty.h).  Owns the line being typed, the prompt, the
** history and Tab completion, and the prefix-key state; knows nothing
** about descriptors except in vy_tty_raw_*.
**
** Why line editing lives here and not in the apps: the supervisor prints
** log lines and other apps' output on the same console at any moment, and
** only the one who owns the input row can draw it again below such a line.
** An app reading stdin gets whole lines.  The words Tab completes come
** from the caller (vyomad knows the app names, and the shell's verbs:
** supervisor/console.c), so the router stays pure logic.
*/
#include "tty.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ST_NORMAL, ST_PREFIX, ST_ESC, ST_CSI, ST_SS3 };

#define CTRL_A 0x01
#define CTRL_D 0x04
#define CTRL_H 0x08
#define TAB    0x09
#define CTRL_U 0x15
#define ESC    0x1b
#define DEL    0x7f

void vy_tty_init(vy_tty *t, int napps) {
  memset(t, 0, sizeof *t);
  t->napps = napps > 0 ? napps : 0;
  t->focus = t->napps ? 0 : -1;
  t->state = ST_NORMAL;
}

int vy_tty_set_apps(vy_tty *t, int napps) {
  t->napps = napps > 0 ? napps : 0;
  if (t->focus >= t->napps) {
    t->focus = t->napps - 1;
    t->len = 0;
  }
  if (t->focus < 0 && t->napps) t->focus = 0;
  return t->focus;
}

void vy_tty_set_focus(vy_tty *t, int i) {
  if (i < -1 || i >= t->napps) return;
  if (i != t->focus) t->len = 0;
  t->focus = i;
}

int vy_tty_focus(const vy_tty *t) { return t->focus; }

void vy_tty_set_prompt(vy_tty *t, const char *prompt) {
  size_t n = strlen(prompt);
  if (n > VY_TTY_PROMPT_MAX) n = VY_TTY_PROMPT_MAX;
  memcpy(t->prompt, prompt, n);
  t->prompt[n] = '\0';
}

void vy_tty_set_words(vy_tty *t, const char *const *verbs, int nverbs,
                      const char *const *names, int nnames) {
  t->verbs = verbs;
  t->nverbs = verbs && nverbs > 0 ? nverbs : 0;
  t->names = names;
  t->nnames = names && nnames > 0 ? nnames : 0;
}

/* columns a byte of the line takes on the console: control bytes are shown
** as ^X, UTF-8 continuation bytes take none */
static int width(unsigned char c) {
  if (c < 0x20 && c != '\t') return 2;
  if ((c & 0xc0) == 0x80) return 0;
  return 1;
}

/* the line as the console shows it (control bytes as ^X) into dst */
static size_t render(const vy_tty *t, char *dst) {
  size_t n = 0;
  for (size_t i = 0; i < t->len; i++) {
    unsigned char c = (unsigned char)t->line[i];
    if (c < 0x20 && c != '\t') {
      dst[n++] = '^';
      dst[n++] = (char)(c + '@');
    } else {
      dst[n++] = (char)c;
    }
  }
  return n;
}

size_t vy_tty_hide(vy_tty *t, const char **text) {
  *text = "\r\033[K"; /* carriage return, erase to the end (ANSI EL) */
  return t->focus >= 0 && (t->len || t->prompt[0]) ? 4 : 0;
}

size_t vy_tty_show(vy_tty *t, const char **text) {
  *text = t->redraw;
  if (t->focus < 0) return 0;
  size_t n = strlen(t->prompt);
  memcpy(t->redraw, t->prompt, n);
  return n + render(t, t->redraw + n);
}

static int act(vy_tty_action *out, int n, vy_tty_act kind, int app,
               const char *data, size_t len) {
  out[n].kind = kind;
  out[n].app = app;
  out[n].data = data;
  out[n].len = len;
  return n + 1;
}

static int focus_to(vy_tty *t, int i, vy_tty_action *out) {
  if (i != t->focus) t->len = 0; /* the half line was for the other app */
  t->hist_at = t->nhist;
  t->focus = i;
  return act(out, 0, VY_TTY_FOCUS, i, NULL, 0);
}

static int prefix_key(vy_tty *t, unsigned char c, vy_tty_action *out) {
  int n = t->napps;
  switch (c) {
    case 'n':
      if (!n) return 0;
      return focus_to(t, t->focus < 0 ? 0 : (t->focus + 1) % n, out);
    case 'p':
      if (!n) return 0;
      return focus_to(t, t->focus <= 0 ? n - 1 : t->focus - 1, out);
    case 'l': return act(out, 0, VY_TTY_LIST, t->focus, NULL, 0);
    case CTRL_A: break; /* a literal Ctrl-A: falls to the line */
    default:
      if (c >= '1' && c <= '9')
        return c - '1' < n ? focus_to(t, c - '1', out)
                           : act(out, 0, VY_TTY_NO_APP, c - '1', NULL, 0);
      return 0;
  }
  if (t->focus < 0) return 0;
  if (t->len >= VY_TTY_LINE_MAX) return act(out, 0, VY_TTY_ECHO, -1, "\a", 1);
  t->line[t->len++] = CTRL_A;
  return act(out, 0, VY_TTY_ECHO, -1, "^A", 2);
}

/* ---- history ------------------------------------------------------------ */

static char *hist_line(vy_tty *t, int i) {
  return t->hist[(t->hist_first + i) % VY_TTY_HISTORY];
}

/* remembers the line being delivered: not empty ones, not too long ones,
** not the same line twice in a row */
static void remember(vy_tty *t) {
  t->hist_at = t->nhist;
  if (!t->len || t->len > VY_TTY_HIST_LINE) return;
  if (t->nhist) {
    const char *last = hist_line(t, t->nhist - 1);
    if (strlen(last) == t->len && !memcmp(last, t->line, t->len)) return;
  }
  if (t->nhist == VY_TTY_HISTORY) { /* full: the oldest goes */
    t->hist_first = (t->hist_first + 1) % VY_TTY_HISTORY;
    t->nhist--;
  }
  char *h = hist_line(t, t->nhist++);
  memcpy(h, t->line, t->len);
  h[t->len] = '\0';
  t->hist_at = t->nhist;
}

/* the input row again, now showing line: erase, prompt, line */
static int redraw_row(vy_tty *t, vy_tty_action *out) {
  const char *show;
  size_t ns = vy_tty_show(t, &show);
  memcpy(t->scratch, "\r\033[K", 4);
  memcpy(t->scratch + 4, show, ns);
  return act(out, 0, VY_TTY_ECHO, -1, t->scratch, ns + 4);
}

/* Up (dir -1) or Down (+1) through the history */
static int browse(vy_tty *t, int dir, vy_tty_action *out) {
  int to = t->hist_at + dir;
  if (to < 0 || to > t->nhist) return 0; /* no older / newer line */
  if (t->hist_at == t->nhist) {          /* leaving the draft: keep it */
    memcpy(t->draft, t->line, t->len);
    t->draft_len = t->len;
  }
  t->hist_at = to;
  if (to == t->nhist) {
    memcpy(t->line, t->draft, t->draft_len);
    t->len = t->draft_len;
  } else {
    const char *h = hist_line(t, to);
    t->len = strlen(h);
    memcpy(t->line, h, t->len);
  }
  return redraw_row(t, out);
}

static int enter(vy_tty *t, vy_tty_action *out) {
  int n = act(out, 0, VY_TTY_ECHO, -1, "\r\n", 2);
  remember(t);
  t->line[t->len++] = '\n'; /* line[] has room for it */
  n = act(out, n, VY_TTY_DELIVER, t->focus, t->line, t->len);
  t->len = 0;
  if (t->prompt[0])
    n = act(out, n, VY_TTY_ECHO, -1, t->prompt, strlen(t->prompt));
  return n;
}

/* ---- Tab completion ------------------------------------------------------ */

/* the candidates for the word that starts at line[from]: the words that
** begin with it, into fit[]; returns how many */
static int candidates(const vy_tty *t, size_t from, bool first,
                      const char **fit, int cap) {
  const char *const *w = first ? t->verbs : t->names;
  int nw = first ? t->nverbs : t->nnames, n = 0;
  size_t plen = t->len - from;
  for (int i = 0; i < nw && n < cap; i++)
    if (strlen(w[i]) >= plen && !memcmp(w[i], t->line + from, plen))
      fit[n++] = w[i];
  return n;
}

/* lists the candidates below the row, then draws the row again */
static int list_candidates(vy_tty *t, const char **fit, int n,
                           vy_tty_action *out) {
  size_t cap = sizeof t->scratch - sizeof t->redraw - 8, k = 0;
  t->scratch[k++] = '\r';
  t->scratch[k++] = '\n';
  for (int i = 0; i < n; i++) {
    size_t wl = strlen(fit[i]);
    if (k + wl + 2 > cap) break; /* as many as fit */
    memcpy(t->scratch + k, fit[i], wl);
    k += wl;
    t->scratch[k++] = ' ';
    t->scratch[k++] = ' ';
  }
  t->scratch[k++] = '\r';
  t->scratch[k++] = '\n';
  const char *show;
  size_t ns = vy_tty_show(t, &show);
  memcpy(t->scratch + k, show, ns);
  return act(out, 0, VY_TTY_ECHO, -1, t->scratch, k + ns);
}

static int complete(vy_tty *t, vy_tty_action *out) {
  size_t from = t->len;
  while (from && t->line[from - 1] != ' ') from--;
  bool first = true; /* is this the line's first word? */
  for (size_t i = 0; i < from; i++)
    if (t->line[i] != ' ') first = false;
  const char *fit[256];
  int n = candidates(t, from, first, fit, 256);
  if (!n) return act(out, 0, VY_TTY_ECHO, -1, "\a", 1);
  size_t plen = t->len - from, common = strlen(fit[0]);
  for (int i = 1; i < n; i++) {
    size_t j = plen;
    while (j < common && fit[i][j] == fit[0][j]) j++;
    common = j;
  }
  if (common == plen && n > 1) return list_candidates(t, fit, n, out);
  size_t add = common - plen + (n == 1); /* a whole word: and a space */
  if (t->len + add > VY_TTY_LINE_MAX)
    return act(out, 0, VY_TTY_ECHO, -1, "\a", 1);
  memcpy(t->line + t->len, fit[0] + plen, common - plen);
  if (n == 1) t->line[t->len + add - 1] = ' ';
  memcpy(t->scratch, t->line + t->len, add);
  t->len += add;
  return act(out, 0, VY_TTY_ECHO, -1, t->scratch, add);
}

static int backspace(vy_tty *t, vy_tty_action *out) {
  if (!t->len) return 0;
  int w = 0;
  /* drop continuation bytes, then the byte that starts the character */
  while (t->len && ((unsigned char)t->line[t->len - 1] & 0xc0) == 0x80)
    t->len--;
  if (t->len) w = width((unsigned char)t->line[--t->len]);
  if (!w) return 0;
  return act(out, 0, VY_TTY_ECHO, -1, w == 2 ? "\b \b\b \b" : "\b \b",
             w == 2 ? 6 : 3);
}

static int kill_line(vy_tty *t, vy_tty_action *out) {
  size_t w = 0;
  for (size_t i = 0; i < t->len; i++)
    w += (size_t)width((unsigned char)t->line[i]);
  t->len = 0;
  if (!w) return 0;
  /* back to where the line began, then erase to the end of the screen
  ** line (ANSI EL), which the Linux console and every xterm know */
  memset(t->scratch, '\b', w);
  memcpy(t->scratch + w, "\033[K", 3);
  return act(out, 0, VY_TTY_ECHO, -1, t->scratch, w + 3);
}

int vy_tty_feed(vy_tty *t, unsigned char c,
                vy_tty_action out[VY_TTY_MAX_ACTIONS]) {
  bool after_cr = t->last_cr;
  t->last_cr = false;
  switch (t->state) {
    case ST_PREFIX: t->state = ST_NORMAL; return prefix_key(t, c, out);
    case ST_ESC:
      t->state = c == '[' ? ST_CSI : c == 'O' ? ST_SS3 : ST_NORMAL;
      return 0;
    case ST_CSI:
    case ST_SS3:
      /* parameters (ESC [ 1 ; 5 A) until the final byte */
      if (t->state == ST_CSI && (c < 0x40 || c > 0x7e)) return 0;
      t->state = ST_NORMAL;
      if (t->focus < 0 || (c != 'A' && c != 'B')) return 0;
      return browse(t, c == 'A' ? -1 : 1, out);
    default: break;
  }
  switch (c) {
    case CTRL_A: t->state = ST_PREFIX; return 0;
    case ESC: t->state = ST_ESC; return 0;
    default: break;
  }
  if (t->focus < 0) return 0; /* nobody to type to */
  switch (c) {
    case '\r': t->last_cr = true; return enter(t, out);
    case '\n': return after_cr ? 0 : enter(t, out);
    case DEL:
    case CTRL_H: return backspace(t, out);
    case CTRL_U: return kill_line(t, out);
    case TAB:
      if (t->nverbs || t->nnames) return complete(t, out);
      break;
    case CTRL_D:
      if (!t->len) return act(out, 0, VY_TTY_EOF, t->focus, NULL, 0);
      {
        int n = act(out, 0, VY_TTY_DELIVER, t->focus, t->line, t->len);
        t->len = 0;
        return n;
      }
    default: break;
  }
  if (c < 0x20 && c != '\t') return 0;
  if (t->len >= VY_TTY_LINE_MAX) return act(out, 0, VY_TTY_ECHO, -1, "\a", 1);
  t->line[t->len++] = (char)c;
  t->scratch[0] = (char)c;
  return act(out, 0, VY_TTY_ECHO, -1, t->scratch, 1);
}

/* ---- raw mode ------------------------------------------------------------ */

/* A copy of the latest saved settings, for the atexit handler (the
** caller's struct may be gone by then). */
static vy_tty_saved at_exit_copy;
static bool at_exit_registered;

static void restore_at_exit(void) {
  if (at_exit_copy.active)
    tcsetattr(at_exit_copy.fd, TCSANOW, &at_exit_copy.tio);
}

int vy_tty_raw_enter(int fd, vy_tty_saved *s, bool keep_signals) {
  struct termios raw;
  if (tcgetattr(fd, &s->tio) != 0) return -1;
  raw = s->tio;
  raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                             ICRNL | IXON);
  raw.c_oflag |= OPOST | ONLCR; /* apps print "\n" and mean "\r\n" */
  raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
  if (!keep_signals) raw.c_lflag &= ~(tcflag_t)ISIG;
  raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
  raw.c_cflag |= CS8;
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr(fd, TCSANOW, &raw) != 0) return -1;
  s->fd = fd;
  s->active = true;
  at_exit_copy = *s;
  /* atexit can fail only for lack of room; raw mode still works then */
  if (!at_exit_registered && atexit(restore_at_exit) == 0)
    at_exit_registered = true;
  return 0;
}

int vy_tty_raw_leave(vy_tty_saved *s) {
  if (!s->active) return 0;
  if (at_exit_copy.active && at_exit_copy.fd == s->fd)
    at_exit_copy.active = false;
  s->active = false;
  return tcsetattr(s->fd, TCSANOW, &s->tio);
}
