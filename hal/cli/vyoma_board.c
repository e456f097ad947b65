/*
** vyoma_board.c — `vyoma-board`, the board-file checker:
**
**   vyoma-board [--describe] [sim:|linux:]FILE...
**
** opens each board as vy_board_open would (so "FILE:LINE: KEY: message"
** for a bad file) and prints "FILE: ok" or the error; with --describe,
** the board's devices (vy_board_describe) under it.  A linux board opens
** on any host: its devices are looked up when first used, not here.
** Exit status 1 if any file failed, 2 for a usage error.
*/
#include "../hal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_one(const char *spec, int describe) {
  char err[512];
  vy_board *b = vy_board_open(spec, err, sizeof err);
  if (!b) {
    printf("%s\n", err);
    return 1;
  }
  printf("%s: ok (%s board \"%s\")\n", spec, vy_board_backend(b),
         vy_board_name(b));
  if (describe) {
    size_t n = vy_board_describe(b, NULL, 0);
    char *text = malloc(n + 1);
    if (text) {
      vy_board_describe(b, text, n + 1);
      fputs(text, stdout);
      free(text);
    }
  }
  vy_board_close(b);
  return 0;
}

int main(int argc, char **argv) {
  int describe = 0, failed = 0, files = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--describe") == 0) {
      describe = 1;
      continue;
    }
    if (argv[i][0] == '-') {
      fprintf(stderr, "usage: vyoma-board [--describe] [sim:|linux:]FILE...\n");
      return 2;
    }
    files++;
    failed |= check_one(argv[i], describe);
  }
  if (!files) {
    fprintf(stderr, "usage: vyoma-board [--describe] [sim:|linux:]FILE...\n");
    return 2;
  }
  return failed;
}
