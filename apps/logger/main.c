/*
** logger — appends every line it receives to /data/log.txt, each with a
** UTC timestamp and its sender:
**   2026-11-25T17:50:00.123Z clock: tick 5
** IPC messages ("@sender: payload") are written as "sender: payload";
** keyboard lines as "tty: LINE".  Needs filesystem = true (its /data is
** DIR/data/logger on the host).  Exits 0 at end of input, 1 if /data cannot
** be written (a supervisor restart policy can then retry).  "@sys: shutdown"
** (the supervisor stopping) ends it like end of input.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vyoma.h"

#define LOG_PATH "/data/log.txt"

static void timestamp(char *buf, size_t n) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000);
}

int main(void) {
  FILE *f = fopen(LOG_PATH, "a");
  if (!f) {
    perror("logger: " LOG_PATH);
    return 1;
  }
  printf("logger: appending to " LOG_PATH "\n");
  fflush(stdout);
  char line[VY_LINE_MAX], ts[40];
  unsigned long n = 0;
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    int ipc = vy_parse(line, &m);
    if (ipc && !strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown"))
      break; /* the supervisor asks us to stop */
    timestamp(ts, sizeof ts);
    int r = ipc ? fprintf(f, "%s %s: %s\n", ts, m.sender, m.payload)
                : fprintf(f, "%s tty: %s\n", ts, line);
    /* flushed per line: a kill must not lose what was already received */
    if (r < 0 || fflush(f) != 0) {
      perror("logger: " LOG_PATH);
      fclose(f);
      return 1;
    }
    n++;
  }
  printf("logger: %lu lines written\n", n);
  return fclose(f) == 0 ? 0 : 1;
}
