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
**   VYOMA_DRAW circle CX CY R COLOR
**   VYOMA_DRAW text X Y COLOR "TEXT"
**   VYOMA_DRAW image X Y "PATH"            a PNG inside the app's files
**   VYOMA_DRAW present                     show what was drawn since the last
**
** Lines are limited to VY_LINE_MAX bytes by the broker; vy_send truncates the
** payload to fit and turns newlines into spaces so one call is one message.
*/
#ifndef VYOMA_SDK_H
#define VYOMA_SDK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VY_LINE_MAX 4096      /* the broker's line limit, newline included */
#define VY_NAME_MAX 32        /* app names: [a-z][a-z0-9-]{0,31}           */

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
  char sender[VY_NAME_MAX + 1];  /* "clock", "sys", ...                    */
  const char *payload;           /* points into the parsed line            */
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

/* Writes s double-quoted, escaping what would end or break the line. */
static inline void vy__quoted(const char *s) __attribute__((unused));
static inline void vy__quoted(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') { putchar('\\'); putchar(*s); }
    else if (*s == '\n') fputs("\\n", stdout);
    else if (*s == '\r') fputs("\\r", stdout);
    else if (*s == '\t') fputs("\\t", stdout);
    else putchar(*s);
  }
  putchar('"');
}

static inline void vy_draw_text(int x, int y, const char *color,
                                const char *text) __attribute__((unused));
static inline void vy_draw_text(int x, int y, const char *color,
                                const char *text) {
  printf("VYOMA_DRAW text %d %d %s ", x, y, color);
  vy__quoted(text);
  putchar('\n');
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
