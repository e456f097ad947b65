/*
** sleeper — a test app that sleeps in poll_oneoff (nanosleep) for an hour
** at a time.  Killing it proves a sleeping app is woken and stopped.
*/
#include <stdio.h>
#include <time.h>

int main(void) {
  puts("sleeper: sleeping");
  fflush(stdout);
  for (;;) {
    struct timespec ts = { 3600, 0 };
    nanosleep(&ts, NULL);
  }
}
