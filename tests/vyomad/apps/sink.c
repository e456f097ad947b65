/* sink — logs every stdin line it gets as "sink got: LINE". */
#include <stdio.h>
#include <string.h>
int main(void) {
  char line[8192];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    printf("sink got: %s\n", line);
    fflush(stdout);
  }
  return 0;
}
