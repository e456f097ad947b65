/*
** flooder — a hostile display app for tests/display/screen.py: draws as
** fast as it can, forever, never reading its input, so the supervisor's
** per-app draw budget is what keeps it from starving the others.
*/
#include <stdio.h>

int main(void) {
  for (unsigned long i = 0;; i++) {
    printf("VYOMA_DRAW fill 0 0 2000 2000 #%06lx\n",
           (i * 2654435761u) & 0xffffff);
    if (i % 64 == 0) puts("VYOMA_DRAW present");
  }
}
