/*
** tests/input/tty.c — the TTY input router (input/tty.c) fed key sequences:
** line editing (echo, backspace over ASCII, UTF-8 and ^A, Ctrl-U, CR LF),
** delivery to the focused app, focus keys (n, p, digits, wrap), list,
** literal Ctrl-A, escape sequences, Ctrl-D, no apps, app count changes,
** and raw mode on a pseudo-terminal.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "../../input/tty.h"
#include "../check.h"

/* What the caller would have done, as text: echo goes to `screen`, each
** delivery appends "[N:bytes]" to `sent`, other actions "{focus N}",
** "{list}", "{eof N}". */
static char screen[16384], sent[16384];
static size_t nscreen, nsent;

static void reset(void) {
  nscreen = nsent = 0;
  screen[0] = sent[0] = '\0';
}

static void addf(char *dst, size_t *n, size_t cap, const char *s, size_t len) {
  if (*n + len >= cap) len = cap - *n - 1;
  memcpy(dst + *n, s, len);
  *n += len;
  dst[*n] = '\0';
}

static void feed(vy_tty *t, const char *keys, size_t len) {
  vy_tty_action a[VY_TTY_MAX_ACTIONS];
  char tmp[64];
  for (size_t i = 0; i < len; i++) {
    int n = vy_tty_feed(t, (unsigned char)keys[i], a);
    for (int k = 0; k < n; k++) {
      switch (a[k].kind) {
        case VY_TTY_ECHO:
          addf(screen, &nscreen, sizeof screen, a[k].data, a[k].len);
          break;
        case VY_TTY_DELIVER:
          snprintf(tmp, sizeof tmp, "[%d:", a[k].app);
          addf(sent, &nsent, sizeof sent, tmp, strlen(tmp));
          addf(sent, &nsent, sizeof sent, a[k].data, a[k].len);
          addf(sent, &nsent, sizeof sent, "]", 1);
          break;
        case VY_TTY_EOF:
          snprintf(tmp, sizeof tmp, "{eof %d}", a[k].app);
          addf(sent, &nsent, sizeof sent, tmp, strlen(tmp));
          break;
        case VY_TTY_FOCUS:
          snprintf(tmp, sizeof tmp, "{focus %d}", a[k].app);
          addf(sent, &nsent, sizeof sent, tmp, strlen(tmp));
          break;
        case VY_TTY_LIST: addf(sent, &nsent, sizeof sent, "{list}", 6); break;
        case VY_TTY_NO_APP:
          snprintf(tmp, sizeof tmp, "{no app %d}", a[k].app);
          addf(sent, &nsent, sizeof sent, tmp, strlen(tmp));
          break;
      }
    }
  }
}
#define FEED(t, s) feed(t, s, sizeof(s) - 1)

static vy_tty T;

static void typing(void) {
  vy_tty_init(&T, 3);
  reset();
  EQ(vy_tty_focus(&T), 0);
  FEED(&T, "ls -l\r");
  EQ(sent, "[0:ls -l\n]");
  EQ(screen, "ls -l\r\n");
  reset();
  FEED(&T, "a\r\nb\nc\r\r"); /* CR LF is one Enter; lone LF and CR too */
  EQ(sent, "[0:a\n][0:b\n][0:c\n][0:\n]");
  reset();
  FEED(&T, "x\ty\r"); /* tab is typed like a character */
  EQ(sent, "[0:x\ty\n]");
}

static void editing(void) {
  vy_tty_init(&T, 1);
  reset();
  FEED(&T, "hellp\x7f\x7flo\r");
  EQ(sent, "[0:hello\n]");
  EQ(screen, "hellp\b \b\b \blo\r\n");
  reset();
  FEED(&T, "\x7f\x08x\x08y\r"); /* backspace on empty: nothing; ^H too */
  EQ(sent, "[0:y\n]");
  EQ(screen, "x\b \by\r\n");
  reset();
  /* UTF-8: one backspace removes the whole character, one column */
  FEED(&T, "a\xc3\xa9\x7f\r");
  EQ(sent, "[0:a\n]");
  EQ(screen, "a\xc3\xa9\b \b\r\n");
  reset();
  /* Ctrl-U erases the line: back over its columns, then erase to the end */
  FEED(&T, "wrong\x15right\r");
  EQ(sent, "[0:right\n]");
  EQ(screen, "wrong\b\b\b\b\b\033[Kright\r\n");
  reset();
  FEED(&T, "\x15\r"); /* Ctrl-U on empty */
  REQUIRE(strcmp(sent, "[0:\n]") == 0 && strcmp(screen, "\r\n") == 0);
  reset();
  /* other control bytes are ignored, escape sequences swallowed */
  FEED(&T, "a\x02\x1b[D\x1b[1;5Cb\x1bOPc\x1bxd\r");
  EQ(sent, "[0:abcd\n]");
  EQ(screen, "abcd\r\n");
}

static void focus_keys(void) {
  vy_tty_init(&T, 3);
  reset();
  FEED(&T,
       "\x01n"
       "\x01n"
       "\x01n"
       "\x01p"
       "\x01p");
  REQUIREF(strcmp(sent, "{focus 1}{focus 2}{focus 0}{focus 2}{focus 1}") == 0,
           "sent %s", sent);
  EQ(vy_tty_focus(&T), 1);
  EQ(screen[0], '\0'); /* prefix keys are never echoed */
  reset();
  FEED(&T,
       "\x01"
       "3hi\r"
       "\x01"
       "1yo\r"
       "\x01"
       "9"
       "\x01"
       "4");
  /* a digit with no app moves nothing; the caller says so */
  EQ(sent, "{focus 2}[2:hi\n]{focus 0}[0:yo\n]{no app 8}{no app 3}");
  reset();
  FEED(&T,
       "\x01l"
       "\x01x"
       "z\r"); /* list; unknown prefix key ignored */
  EQ(sent, "{list}[0:z\n]");
  reset();
  /* switching focus drops the half line; re-focusing the same app keeps it */
  FEED(&T,
       "abc\x01n"
       "d\r"
       "ef\x01"
       "2g\r");
  EQ(sent, "{focus 1}[1:d\n]{focus 1}[1:efg\n]");
}

static void literal_ctrl_a(void) {
  vy_tty_init(&T, 2);
  reset();
  FEED(&T,
       "a\x01\x01"
       "b\r");
  REQUIRE(nsent == 8 && memcmp(sent,
                               "[0:a\x01"
                               "b\n]",
                               8) == 0);
  EQ(screen, "a^Ab\r\n");
  reset();
  FEED(&T, "\x01\x01\x7f\r"); /* ^A takes two columns to erase */
  EQ(sent, "[0:\n]");
  EQ(screen, "^A\b \b\b \b\r\n");
  reset();
  FEED(&T, "\x01\x01\x01n"); /* literal, then a real prefix */
  EQ(sent, "{focus 1}");
}

static void ctrl_d(void) {
  vy_tty_init(&T, 2);
  reset();
  FEED(&T,
       "\x04"
       "ab\x04"
       "\x01n\x04");
  EQ(sent, "{eof 0}[0:ab]{focus 1}{eof 1}");
}

static void no_apps(void) {
  vy_tty_init(&T, 0);
  reset();
  REQUIRE(vy_tty_focus(&T) == -1);
  FEED(&T,
       "hello\r\x01n\x01p\x01"
       "1\x01l");
  EQ(sent, "{no app 0}{list}");
  EQ(screen[0], '\0');
  /* apps appear: focus goes to the first */
  EQ(vy_tty_set_apps(&T, 2), 0);
  FEED(&T, "x\r");
  EQ(sent, "{no app 0}{list}[0:x\n]");
  /* the focused app goes away: focus moves to the last one left */
  vy_tty_set_focus(&T, 1);
  EQ(vy_tty_set_apps(&T, 1), 0);
  REQUIRE(vy_tty_set_apps(&T, 0) == -1);
  vy_tty_set_focus(&T, 5); /* out of range: ignored */
  REQUIRE(vy_tty_focus(&T) == -1);
}

static void long_line(void) {
  vy_tty_init(&T, 1);
  reset();
  static char keys[VY_TTY_LINE_MAX + 10];
  memset(keys, 'k', sizeof keys);
  feed(&T, keys, sizeof keys); /* 10 bytes too many: bells */
  REQUIRE(nscreen == VY_TTY_LINE_MAX + 10);
  EQ(screen[VY_TTY_LINE_MAX], '\a');
  FEED(&T, "\x01\x01"); /* no room for a literal ^A either */
  EQ(screen[nscreen - 1], '\a');
  reset();
  FEED(&T, "\r");
  REQUIRE(nsent == 3 + VY_TTY_LINE_MAX + 1 + 1 && sent[nsent - 2] == '\n');
  /* a whole-line Ctrl-U of the longest line fits the echo buffer */
  feed(&T, keys, VY_TTY_LINE_MAX);
  reset();
  FEED(&T, "\x15");
  REQUIRE(nscreen == VY_TTY_LINE_MAX + 3);
}

static void raw_mode(void) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) || unlockpt(m)) {
    if (m >= 0) close(m);
    SKIP("no pseudo-terminals here");
  }
  int s = open(ptsname(m), O_RDWR | O_NOCTTY);
  REQUIRE(s >= 0);
  struct termios before, during, after;
  EQ(tcgetattr(s, &before), 0);
  vy_tty_saved sv;
  EQ(vy_tty_raw_enter(s, &sv, false), 0);
  EQ(tcgetattr(s, &during), 0);
  REQUIRE(!(during.c_lflag & (ICANON | ECHO | ISIG)) &&
          !(during.c_iflag & ICRNL));
  REQUIRE(during.c_oflag & OPOST);
  /* bytes arrive one by one, unechoed, CR untranslated */
  EQ(write(m, "a\r", 2), 2);
  char buf[8];
  ssize_t n = read(s, buf, sizeof buf);
  REQUIRE(n >= 1 && buf[0] == 'a');
  EQ(vy_tty_raw_leave(&sv), 0);
  EQ(vy_tty_raw_leave(&sv), 0); /* twice is harmless */
  EQ(tcgetattr(s, &after), 0);
  REQUIRE(after.c_lflag == before.c_lflag && after.c_iflag == before.c_iflag);
  EQ(vy_tty_raw_enter(s, &sv, true), 0);
  REQUIRE(tcgetattr(s, &during) == 0 && (during.c_lflag & ISIG));
  EQ(vy_tty_raw_leave(&sv), 0);
  /* not a terminal */
  int p[2];
  EQ(pipe(p), 0);
  REQUIRE(vy_tty_raw_enter(p[0], &sv, false) == -1);
  close(p[0]);
  close(p[1]);
  close(s);
  close(m);
}

/* the prompt after Enter; hide and show around a line printed meanwhile */
static void prompt_and_redraw(void) {
  vy_tty_init(&T, 2);
  reset();
  const char *text;
  EQ(vy_tty_hide(&T, &text), 0); /* no prompt, no line: nothing shown */
  vy_tty_set_prompt(&T, "shell> ");
  EQ(vy_tty_hide(&T, &text), 4);
  CHECK(!memcmp(text, "\r\033[K", 4));
  FEED(&T, "ps\r");
  EQ(screen, "ps\r\nshell> ");
  EQ(sent, "[0:ps\n]");
  reset();
  FEED(&T, "ha\x01\x01");
  size_t n = vy_tty_show(&T, &text);
  addf(screen, &nscreen, sizeof screen, text, n);
  EQ(screen, "ha^Ashell> ha^A"); /* the echo, then the row drawn again */
  vy_tty_set_focus(&T, -1);
  EQ(vy_tty_hide(&T, &text), 0);
  EQ(vy_tty_show(&T, &text), 0);
}

static void history(void) {
  vy_tty_init(&T, 2);
  vy_tty_set_prompt(&T, "> ");
  FEED(&T, "one\rtwo\rtwo\r\r");
  reset();
  FEED(&T, "dra\x1b[A"); /* Up: the newest line (twice is once, empty none) */
  EQ(screen, "dra\r\033[K> two");
  reset();
  FEED(&T, "\x1bOA\x1b[A"); /* SS3 Up too; past the oldest: nothing */
  EQ(screen, "\r\033[K> one");
  reset();
  FEED(&T, "\x1b[B\x1b[B\x1b[B"); /* Down to the draft, then nothing */
  EQ(screen, "\r\033[K> two\r\033[K> dra");
  reset();
  FEED(&T, "\x1b[A\x1b[A!\r");
  EQ(sent, "[0:one!\n]");
  /* the ring keeps the newest VY_TTY_HISTORY lines */
  vy_tty_init(&T, 1);
  char line[16];
  for (int i = 0; i < VY_TTY_HISTORY + 5; i++) {
    int k = snprintf(line, sizeof line, "l%d\r", i);
    feed(&T, line, (size_t)k);
  }
  for (int i = 0; i < VY_TTY_HISTORY + 5; i++) FEED(&T, "\x1b[A");
  reset();
  FEED(&T, "\r");
  EQ(sent, "[0:l5\n]");
}

static const char *const verbs[] = { "help",   "kill",  "logs", "ps",
                                     "status", "start", "stop" };
static const char *const names[] = { "shell", "sensor", "clock" };

static void completion(void) {
  vy_tty_init(&T, 2);
  vy_tty_set_prompt(&T, "shell> ");
  vy_tty_set_words(&T, verbs, 7, names, 3);
  reset();
  FEED(&T, "he\tcl\t\r"); /* unique: the word and a space */
  EQ(sent, "[0:help clock \n]");
  EQ(screen, "help clock \r\nshell> ");
  reset();
  FEED(&T, "s\t"); /* to the common prefix: "st" */
  EQ(screen, "st");
  reset();
  FEED(&T, "\t"); /* nothing to add: the candidates, the row again */
  EQ(screen, "\r\nstatus  start  stop  \r\nshell> st");
  reset();
  FEED(&T, "o\ts\t"); /* later words: the names */
  EQ(screen, "op s\r\nshell  sensor  \r\nshell> stop s");
  reset();
  FEED(&T, "x\t\x15  lo\t"); /* no fit: a bell; leading blanks: a verb */
  EQ(screen, "x\a\b\b\b\b\b\b\b\033[K  logs ");
  CHECK(!strchr(screen + 2, '\a') && screen[1] == '\a');
  vy_tty_set_words(&T, NULL, 0, NULL, 0); /* no words: Tab is typed */
  reset();
  FEED(&T, "\t\r");
  EQ(sent, "[0:  logs \t\n]");
}

/* Ctrl-A with a digit that names no app says which, and moves nothing */
static void no_such_app(void) {
  vy_tty_init(&T, 2);
  reset();
  FEED(&T,
       "\x01"
       "3\x01"
       "9\x01"
       "2");
  EQ(sent, "{no app 2}{no app 8}{focus 1}");
  EQ(vy_tty_focus(&T), 1);
}

int main(int argc, char **argv) {
  check_init(argc, argv, NULL);
  RUN(typing);
  RUN(editing);
  RUN(focus_keys);
  RUN(literal_ctrl_a);
  RUN(ctrl_d);
  RUN(no_apps);
  RUN(long_line);
  RUN(raw_mode);
  RUN(prompt_and_redraw);
  RUN(history);
  RUN(completion);
  RUN(no_such_app);
  return check_end();
}
