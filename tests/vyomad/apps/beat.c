/* beat — prints one line then goes silent: the watchdog must restart it. */
#include <stdio.h>
#include <unistd.h>
int main(void) {
  puts("alive");
  fflush(stdout);
  sleep(100000);
  return 0;
}
