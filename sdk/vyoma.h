/*
** vyoma.h — header-only helpers for VyomaOS app authors.
**
** Apps talk to VyomaOS over plain WASI stdio (see DESIGN.md, "App
** protocols"); this header only spares you the formatting and parsing.
** No custom imports: an app using it still runs under any WASI host.
**
**   IPC      vy_send("logger", "started %d", n);  ->  "@logger: started 1"
**            incoming "@clock: tick 5" lines arrive on stdin; vy_parse()
**            splits them into sender and payload.
**   Draw     vy_draw_clear("#000000"); vy_draw_text(10, 20, "#ffffff", "hi");
**            vy_draw_present();   ->  "VYOMA_DRAW ..." lines on stdout
**   Log      anything else written to stdout/stderr is the app's log.
**
** Draw line grammar (coordinates are integers in window pixels, colours are
** #rrggbb or #rrggbbaa, text is double-quoted with \" \\ \n escapes):
**   VYOMA_DRAW clear COLOR
**   VYOMA_DRAW rect X Y W H COLOR          outline
**   VYOMA_DRAW fill X Y W H COLOR          filled rectangle
**   VYOMA_DRAW line X1 Y1 X2 Y2 COLOR
**   VYOMA_DRAW circle CX CY R COLOR [fill]   outline, or a disc with "fill"
**   VYOMA_DRAW text X Y COLOR "TEXT" [SIZE]  (X,Y) is the top-left of the
**                                          first line; SIZE is the line
**                                          height in pixels, default 16
**   VYOMA_DRAW image X Y "PATH"            a PNG inside the app's files
**   VYOMA_DRAW present                     show what was drawn since the last
**
** Window: on start and whenever the window's client area changes size, the
** app receives "@sys: window W H" on stdin (vy_parse_window); until then it
** should assume 320x240.  A bad draw line is answered "@sys: error draw
** REASON" on stdin.
**
** Lines are limited to VY_LINE_MAX bytes by the broker; vy_send truncates the
** payload to fit and turns newlines into spaces so one call is one message.
*/
#ifndef VYOMA_SDK_H
#define VYOMA_SDK_H

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VY_LINE_MAX 4096 /* the broker's line limit, newline included */
#define VY_NAME_MAX 32   /* app names: [a-z][a-z0-9-]{0,31}           */

/* ---- IPC ----------------------------------------------------------------- */

/* Sends one message to app `target` ("sys" for the supervisor).  Returns 0,
** or -1 if stdout failed.  The payload is printf-formatted. */
/* Parses a whole non-negative decimal argument ("-n 5"); 0 on success. */
static inline int vy_parse_count(const char *s, long *out)
    __attribute__((unused));
static inline int vy_parse_count(const char *s, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < 0) return -1;
  *out = v;
  return 0;
}

static inline int vy_send(const char *target, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));
static inline int vy_send(const char *target, const char *fmt, ...) {
  char line[VY_LINE_MAX];
  int n = snprintf(line, sizeof line, "@%s: ", target);
  if (n < 0 || (size_t)n >= sizeof line - 1) return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
  va_end(ap);
  /* one call = one message: embedded line breaks would split it */
  for (char *p = line + n; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  size_t len = strlen(line);
  line[len++] = '\n';
  if (fwrite(line, 1, len, stdout) != len) return -1;
  return fflush(stdout) == 0 ? 0 : -1;
}

typedef struct vy_msg {
  char sender[VY_NAME_MAX + 1]; /* "clock", "sys", ...                    */
  const char *payload;          /* points into the parsed line            */
} vy_msg;

/* Parses a line read from stdin.  If it is an IPC message
** ("@sender: payload"), fills *m, strips the line ending from the payload
** (in place) and returns 1; otherwise (keyboard input) returns 0 and leaves
** the line as it is. */
static inline int vy_parse(char *line, vy_msg *m) __attribute__((unused));
static inline int vy_parse(char *line, vy_msg *m) {
  if (line[0] != '@') return 0;
  size_t i = 1;
  while (i <= VY_NAME_MAX &&
         ((line[i] >= 'a' && line[i] <= 'z') ||
          (line[i] >= '0' && line[i] <= '9') || line[i] == '-'))
    i++;
  if (i == 1 || line[i] != ':') return 0;
  memcpy(m->sender, line + 1, i - 1);
  m->sender[i - 1] = 0;
  char *p = line + i + 1;
  if (*p == ' ') p++;
  size_t len = strlen(p);
  while (len && (p[len - 1] == '\n' || p[len - 1] == '\r')) p[--len] = 0;
  m->payload = p;
  return 1;
}

/* If m is the supervisor's "window W H" (the client area's size in pixels,
** sent at start and on every resize), stores the size and returns 1; else
** returns 0 and leaves *w and *h alone. */
static inline int vy_parse_window(const vy_msg *m, int *w, int *h)
    __attribute__((unused));
static inline int vy_parse_window(const vy_msg *m, int *w, int *h) {
  int a, b, n = 0;
  if (strcmp(m->sender, "sys") != 0) return 0;
  if (sscanf(m->payload, "window %d %d%n", &a, &b, &n) != 2 ||
      m->payload[n] != 0 || a <= 0 || b <= 0)
    return 0;
  *w = a;
  *h = b;
  return 1;
}

/* Reads one line from stdin (without its newline).  Returns its length, or
** -1 at end of input.  Longer lines are cut at n-1 bytes; the rest is
** skipped. */
static inline int vy_read_line(char *buf, size_t n) __attribute__((unused));
static inline int vy_read_line(char *buf, size_t n) {
  if (!fgets(buf, (int)n, stdin)) return -1;
  size_t len = strlen(buf);
  if (len && buf[len - 1] == '\n') {
    buf[--len] = 0;
  } else {
    int c;
    while ((c = getchar()) != EOF && c != '\n') {}
  }
  if (len && buf[len - 1] == '\r') buf[--len] = 0;
  return (int)len;
}

/* ---- waiting for stdin or a timeout ----------------------------------------
** Apps that also redraw on a timer (a clock, a monitor) wait with poll() on
** fd 0 (wasi-libc maps it to poll_oneoff) and read() into their own buffer:
** stdio's buffered fgets would hide lines already read from poll.  Do not
** mix vy_read_line and vy_wait_line on one stdin. */
#define VY_TIMEOUT (-2)

typedef struct vy_lines {
  char buf[VY_LINE_MAX];
  size_t len; /* bytes buffered in buf                                */
  int eof;    /* stdin ended (or failed): deliver what is left, then -1 */
  int skip;   /* dropping the rest of an over-long line               */
} vy_lines;

static inline long long vy_now_ms(clockid_t clock) __attribute__((unused));
static inline long long vy_now_ms(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to timeout_ms (< 0: forever) for one whole line on stdin and
** copies it, without its line ending, into out (cut at n-1 bytes).  Returns
** its length, VY_TIMEOUT if no whole line arrived in time, or -1 at end of
** input.  r must start zeroed. */
static inline int vy_wait_line(vy_lines *r, char *out, size_t n, int timeout_ms)
    __attribute__((unused));
static inline int vy_wait_line(vy_lines *r, char *out, size_t n,
                               int timeout_ms) {
  long long deadline = vy_now_ms(CLOCK_MONOTONIC) + timeout_ms;
  for (;;) {
    char *nl = memchr(r->buf, '\n', r->len);
    if (nl || (r->eof && r->len) || r->len == sizeof r->buf) {
      size_t len = nl ? (size_t)(nl - r->buf) : r->len;
      size_t used = nl ? len + 1 : len;
      int skipped = r->skip;
      /* a full buffer without a newline: deliver it, drop the rest */
      r->skip = !nl && !r->eof;
      if (len && r->buf[len - 1] == '\r') len--;
      if (len > n - 1) len = n - 1;
      memcpy(out, r->buf, len);
      out[len] = 0;
      memmove(r->buf, r->buf + used, r->len - used);
      r->len -= used;
      if (!skipped) return (int)len;
      continue; /* the tail of an over-long line */
    }
    if (r->eof) return -1;
    int wait = -1;
    if (timeout_ms >= 0) {
      long long left = deadline - vy_now_ms(CLOCK_MONOTONIC);
      if (left <= 0) return VY_TIMEOUT;
      wait = left > 1000000 ? 1000000 : (int)left;
    }
    struct pollfd p = { 0, POLLIN, 0 };
    int k = poll(&p, 1, wait);
    if (k < 0 && errno != EINTR) {
      r->eof = 1;
      continue;
    }
    if (k <= 0) continue; /* timeout or EINTR: check the clock */
    ssize_t got = read(0, r->buf + r->len, sizeof r->buf - r->len);
    if (got > 0)
      r->len += (size_t)got;
    else if (got == 0 || (errno != EINTR && errno != EAGAIN))
      r->eof = 1;
  }
}

/* Waits ms (0: just looks) while reading stdin, so an app that sleeps
** between readings still hears that it should end: returns -1 at the end
** of input, or when "@sys: shutdown" arrives, or when on_line (if not NULL;
** it sees every line, the shutdown too, and may change it) returns nonzero;
** else 0 once the time is up. */
static inline int vy_pause_ms(vy_lines *in, long ms,
                              int (*on_line)(void *ud, char *line), void *ud)
    __attribute__((unused));
static inline int vy_pause_ms(vy_lines *in, long ms,
                              int (*on_line)(void *ud, char *line), void *ud) {
  long long end = vy_now_ms(CLOCK_MONOTONIC) + ms;
  char line[VY_LINE_MAX];
  for (;;) {
    long long left = end - vy_now_ms(CLOCK_MONOTONIC);
    /* vy_wait_line does not look at stdin with no time left: give it 1 ms */
    int n = vy_wait_line(in, line, sizeof line, left > 0 ? (int)left : 1);
    if (n == -1) return -1;
    if (n == VY_TIMEOUT) return 0;
    if (on_line && on_line(ud, line)) return -1;
    vy_msg m;
    if (!on_line && vy_parse(line, &m) && !strcmp(m.sender, "sys") &&
        !strcmp(m.payload, "shutdown"))
      return -1;
  }
}

/* ---- drawing ------------------------------------------------------------- */

static inline void vy_draw_clear(const char *color) __attribute__((unused));
static inline void vy_draw_clear(const char *color) {
  printf("VYOMA_DRAW clear %s\n", color);
}

static inline void vy_draw_rect(int x, int y, int w, int h, const char *color)
    __attribute__((unused));
static inline void vy_draw_rect(int x, int y, int w, int h, const char *color) {
  printf("VYOMA_DRAW rect %d %d %d %d %s\n", x, y, w, h, color);
}

static inline void vy_draw_fill(int x, int y, int w, int h, const char *color)
    __attribute__((unused));
static inline void vy_draw_fill(int x, int y, int w, int h, const char *color) {
  printf("VYOMA_DRAW fill %d %d %d %d %s\n", x, y, w, h, color);
}

static inline void vy_draw_line(int x1, int y1, int x2, int y2,
                                const char *color) __attribute__((unused));
static inline void vy_draw_line(int x1, int y1, int x2, int y2,
                                const char *color) {
  printf("VYOMA_DRAW line %d %d %d %d %s\n", x1, y1, x2, y2, color);
}

static inline void vy_draw_circle(int cx, int cy, int r, const char *color)
    __attribute__((unused));
static inline void vy_draw_circle(int cx, int cy, int r, const char *color) {
  printf("VYOMA_DRAW circle %d %d %d %s\n", cx, cy, r, color);
}

/* A filled circle: "circle CX CY R COLOR fill". */
static inline void vy_draw_disc(int cx, int cy, int r, const char *color)
    __attribute__((unused));
static inline void vy_draw_disc(int cx, int cy, int r, const char *color) {
  printf("VYOMA_DRAW circle %d %d %d %s fill\n", cx, cy, r, color);
}

/* Writes s double-quoted, escaping what would end or break the line. */
static inline void vy__quoted(const char *s) __attribute__((unused));
static inline void vy__quoted(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') {
      putchar('\\');
      putchar(*s);
    } else if (*s == '\n')
      fputs("\\n", stdout);
    else if (*s == '\r')
      fputs("\\r", stdout);
    else if (*s == '\t')
      fputs("\\t", stdout);
    else
      putchar(*s);
  }
  putchar('"');
}

/* Text with an explicit line height of `size` pixels (0: the default). */
static inline void vy_draw_text_size(int x, int y, const char *color, int size,
                                     const char *text) __attribute__((unused));
static inline void vy_draw_text_size(int x, int y, const char *color, int size,
                                     const char *text) {
  printf("VYOMA_DRAW text %d %d %s ", x, y, color);
  vy__quoted(text);
  if (size > 0) printf(" %d", size);
  putchar('\n');
}

static inline void vy_draw_text(int x, int y, const char *color,
                                const char *text) __attribute__((unused));
static inline void vy_draw_text(int x, int y, const char *color,
                                const char *text) {
  vy_draw_text_size(x, y, color, 0, text);
}

static inline void vy_draw_image(int x, int y, const char *path)
    __attribute__((unused));
static inline void vy_draw_image(int x, int y, const char *path) {
  printf("VYOMA_DRAW image %d %d ", x, y);
  vy__quoted(path);
  putchar('\n');
}

/* Ends a frame; also flushes stdout so the supervisor sees it now. */
static inline void vy_draw_present(void) __attribute__((unused));
static inline void vy_draw_present(void) {
  fputs("VYOMA_DRAW present\n", stdout);
  fflush(stdout);
}

#endif
