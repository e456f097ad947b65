/*
** consumer — receives readings "temp=21.5 seq=N" (from sensor, or anyone)
** and prints each with the running average:
**   consumer: seq=N temp=21.5 avg=21.43 n=12 missed=0
** A jump in seq from the same sender counts the readings in between as
** missed (the sensor restarting from seq=1 starts a new sequence).  Other
** lines are logged as they are.  Exits 0 at end of input or on
** "@sys: shutdown", with a last summary line.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vyoma.h"

int main(void) {
  char line[VY_LINE_MAX];
  double sum = 0;
  unsigned long n = 0, missed = 0;
  long last_seq = 0;
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    if (!vy_parse(line, &m)) {
      printf("consumer: not a message: %s\n", line);
      fflush(stdout);
      continue;
    }
    if (!strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown")) break;
    const char *t = strstr(m.payload, "temp=");
    const char *s = strstr(m.payload, "seq=");
    char *end;
    double temp = t ? strtod(t + 5, &end) : 0;
    if (!t || end == t + 5) {
      printf("consumer: from %s: %s\n", m.sender, m.payload);
      fflush(stdout);
      continue;
    }
    long seq = s ? strtol(s + 4, NULL, 10) : 0;
    if (seq > last_seq + 1 && last_seq > 0)
      missed += (unsigned long)(seq - last_seq - 1);
    if (seq > 0) last_seq = seq;
    sum += temp;
    n++;
    printf("consumer: seq=%ld temp=%.1f avg=%.2f n=%lu missed=%lu\n", seq, temp,
           sum / (double)n, n, missed);
    fflush(stdout);
  }
  printf("consumer: done: n=%lu avg=%.2f missed=%lu\n", n,
         n ? sum / (double)n : 0.0, missed);
  return 0;
}
