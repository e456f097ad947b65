/*
** liner — a test app that logs every line it reads on stdin as
** "liner got: LINE", exactly as it arrived (so a test sees the "@sys: "
** the supervisor puts in front of an operator's message).  It is polite:
** on a line that contains "@sys: stop" it says "liner: got stop" and exits
** 0 at once, so a test can tell a stop it heard from a cancel at the end
** of the grace period.  "liner: ready" comes first, once it reads.
*/
#include <stdio.h>
#include <string.h>

int main(void) {
  char line[8192];
  puts("liner: ready");
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    printf("liner got: %s\n", line);
    if (strstr(line, "@sys: stop")) {
      puts("liner: got stop");
      return 0;
    }
    fflush(stdout);
  }
  puts("liner: end of input");
  return 0;
}
