/*
** blocker — a test app that blocks reading stdin forever (logging what
** it reads).  Killing it proves a reader blocked in fd_read is woken.
*/
#include <stdio.h>
#include <unistd.h>

int main(void) {
  puts("blocker: reading stdin");
  fflush(stdout);
  char buf[4096];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n <= 0) {
      /* end of input is not expected under the supervisor: say so and
      ** keep the app alive so the kill test still has something to kill */
      puts("blocker: end of input");
      fflush(stdout);
      for (;;) sleep(3600);
    }
    printf("blocker: read %ld bytes\n", (long)n);
    fflush(stdout);
  }
}
