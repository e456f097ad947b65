/*
** pong — answers IPC messages: "@S: ping N" on stdin gets "@S: pong N"
** back to its sender S; any other message gets "@S: pong PAYLOAD".
** Messages from @sys (error replies, vyctl send) are only logged: answering
** them would be a command to the supervisor, and answering its error reply
** to that another loop.  Keyboard lines are logged too.
**
**   pong [-v]      -v logs every message answered
**
** Exits 0 at end of input or when the supervisor asks ("@sys: shutdown").
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"

int main(int argc, char **argv) {
  int verbose = argc > 1 && !strcmp(argv[1], "-v");
  char line[VY_LINE_MAX];
  unsigned long answered = 0;
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    if (!vy_parse(line, &m)) {
      printf("pong: not a message: %s\n", line);
      fflush(stdout);
      continue;
    }
    if (!strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown")) {
      printf("pong: shutting down after %lu answers\n", answered);
      return 0;
    }
    if (!strcmp(m.sender, "sys")) {
      printf("pong: from sys: %s\n", m.payload);
      fflush(stdout);
      continue;
    }
    int r = !strncmp(m.payload, "ping", 4)
                ? vy_send(m.sender, "pong%s", m.payload + 4)
                : vy_send(m.sender, "pong %s", m.payload);
    if (r != 0) return 1;
    answered++;
    if (verbose) {
      printf("pong: answered %s (%lu)\n", m.sender, answered);
      fflush(stdout);
    }
  }
  return 0;
}
