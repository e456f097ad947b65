/*
** log.c — vyomad's logging: timestamped lines on stderr (the console) and
** each app's lines in DIR/run/vyoma/logs/NAME.log.
**
** A line is written with one fprintf on an unbuffered-per-line stream while
** holding the stream's own lock, so lines of different threads never mix.
** A failing log write is ignored: the supervisor must not stop because its
** console or disk is gone.
*/
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include <sys/time.h>

#include "vyomad.h"

int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void log_stamp(char *buf, size_t len) {
  struct timespec t;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &t);
  time_t sec = t.tv_sec;
  gmtime_r(&sec, &tm);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           t.tv_nsec / 1000000);
}

void vlog(const char *fmt, ...) {
  char stamp[40], msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_stamp(stamp, sizeof stamp);
  fprintf(stderr, "%s vyomad: %s\n", stamp, msg);
}

void app_log_line(app *a, const char *line, size_t len) {
  char stamp[40];
  log_stamp(stamp, sizeof stamp);
  int n = len > 8192 ? 8192 : (int)len;
  if (a->log) {
    fprintf(a->log, "%s %.*s\n", stamp, n, line);
    fflush(a->log);
  }
  /* the console: the focused app's lines as they are (it is the one being
  ** typed to); the others' prefixed with their name, unless the console is
  ** someone's keyboard (--console-logs focused): then they would scroll
  ** through what is being typed, and stay in the log files */
  if (atomic_load(&S.focus) == a)
    fprintf(stderr, "%.*s\n", n, line);
  else if (S.console_all)
    fprintf(stderr, "%s %s: %.*s\n", stamp, a->name, n, line);
}
