/* polite — exits by itself when asked to stop ("@sys: stop" on stdin). */
#include <stdio.h>
#include <string.h>
int main(void) {
  char line[8192];
  while (fgets(line, sizeof line, stdin)) {
    if (!strcmp(line, "@sys: stop\n")) {
      puts("bye");
      return 0;
    }
  }
  return 0;
}
