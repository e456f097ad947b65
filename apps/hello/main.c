/*
** hello — the smallest VyomaOS app: prints a greeting and exits 0.
** `hello NAME` greets NAME instead of the world.  Uses only fputs so the
** module stays tiny (no printf machinery), which also makes it the app we
** measure start-to-exit time with.
*/
#include <stdio.h>

int main(int argc, char **argv) {
  fputs("Hello, ", stdout);
  fputs(argc > 1 ? argv[1] : "world", stdout);
  fputs("! This is VyomaOS.\n", stdout);
  return 0;
}
