/* poll_oneoff with absolute clock subscriptions (monotonic in the near
** future, realtime in the past) and descriptor subscriptions: stdout
** writable before a 5 s clock, a regular file readable, a bad descriptor
** reported as an event with EBADF.  Node hangs on absolute clocks and says
** EPERM for descriptor subscriptions, hence NODE_SKIP. */
#include "wt.h"

int main(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  __wasi_subscription_t s[4];
  uint64_t t0, dt;
  __wasi_errno_t e;
  s[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, now() + 15000000, 1);
  t0 = now();
  e = __wasi_poll_oneoff(s, ev, 1, &n);
  dt = now() - t0;
  report("absolute +15ms", e, ev, n);
  printf("  waited >= 10ms: %d\n", dt >= 10000000);

  __wasi_timestamp_t rt;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt);
  s[0] = clock_sub(9, __WASI_CLOCKID_REALTIME, rt - 1000000000ull, 1);
  e = __wasi_poll_oneoff(s, ev, 1, &n);
  report("absolute realtime in the past", e, ev, n);

  s[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  s[1] = fd_sub(11, __WASI_EVENTTYPE_FD_WRITE, 1);
  t0 = now();
  e = __wasi_poll_oneoff(s, ev, 2, &n);
  dt = now() - t0;
  report("stdout writable + 5s clock", e, ev, n);
  printf("  returned before the clock: %d\n", dt < 4000000000ull);

  __wasi_fd_t f;
  (void)wopen(
      SB, "hello.txt", 0, 0,
      (RIGHTS_RW & ~__WASI_RIGHTS_FD_WRITE) | __WASI_RIGHTS_POLL_FD_READWRITE,
      0, &f);
  s[0] = fd_sub(12, __WASI_EVENTTYPE_FD_READ, f);
  e = __wasi_poll_oneoff(s, ev, 1, &n);
  report("regular file readable", e, ev, n);

  s[0] = fd_sub(13, __WASI_EVENTTYPE_FD_READ, 55);
  s[1] = clock_sub(14, __WASI_CLOCKID_MONOTONIC, 1000000, 0);
  e = __wasi_poll_oneoff(s, ev, 2, &n);
  printf("bad fd: %d nevents>=1: %d\n", e, n >= 1);
  for (unsigned i = 0; i < n && !e; i++)
    if (ev[i].userdata == 13)
      printf("  userdata=13 error=%u type=%u\n", ev[i].error, ev[i].type);

  return 0;
}
