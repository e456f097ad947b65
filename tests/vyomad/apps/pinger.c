/* pinger — IPC round trip, a denied send and an @sys command; logs every
** reply it gets as "reply: LINE", then waits for more. */
#include <stdio.h>
#include <string.h>
int main(void) {
  char line[8192];
  puts("@pong: hello");
  puts("@sink: forbidden");
  puts("@sys: ps");
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    printf("reply: %s\n", line);
    fflush(stdout);
  }
  return 0;
}
