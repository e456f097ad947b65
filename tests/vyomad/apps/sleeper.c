/* sleeper — sleeps in poll_oneoff for a very long time. */
#include <stdio.h>
#include <unistd.h>
int main(void) {
  puts("sleeping");
  fflush(stdout);
  sleep(100000);
  return 0;
}
