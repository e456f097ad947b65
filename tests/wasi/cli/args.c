/* args.c — prints argv (one per line, numbered) and the environment, sorted
** by the host as given; used by the CLI tests of --env and argv[0]. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  return argc - 1;
}
