/*
** spinner — a test app that never makes a host call once it is running:
** it prints one line, then spins in a pure loop.  Killing it proves the
** supervisor can stop code that never returns to the host on its own.
*/
#include <stdio.h>

int main(void) {
  puts("spinner: spinning");
  fflush(stdout);
  volatile unsigned long n = 0;
  for (;;) n++;
}
