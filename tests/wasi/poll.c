/* poll_oneoff: a relative clock subscription waits at least its timeout;
** no subscriptions is EINVAL.  Absolute clocks and descriptors:
** poll_more.c (node cannot do those). */
#include "wt.h"

int main(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  __wasi_subscription_t s[4];

  s[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20000000, 0); /* 20 ms */
  uint64_t t0 = now();
  __wasi_errno_t e = __wasi_poll_oneoff(s, ev, 1, &n);
  uint64_t dt = now() - t0;
  report("relative 20ms", e, ev, n);
  printf("  waited >= 20ms: %d, < 2s: %d\n", dt >= 20000000, dt < 2000000000);

  e = __wasi_poll_oneoff(s, ev, 0, &n);
  printf("no subscriptions: %d\n", e);
  return 0;
}
