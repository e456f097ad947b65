/* pong — answers "@X: payload" with "@X: pong payload". */
#include <stdio.h>
#include <string.h>
int main(void) {
  char line[8192];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    char *colon = strstr(line, ": ");
    if (line[0] != '@' || !colon || !strncmp(line, "@sys:", 5)) continue;
    *colon = 0;
    printf("%s: pong %s\n", line, colon + 2);
    fflush(stdout);
  }
  return 0;
}
