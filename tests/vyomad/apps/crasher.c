/* crasher — traps at once (a crash loop under restart = on-failure). */
#include <stdio.h>
int main(void) {
  puts("about to crash");
  fflush(stdout);
  __builtin_trap();
}
