/* poll_oneoff: a relative clock subscription waits at least its timeout;
** no subscriptions is EINVAL.  Absolute clocks and descriptors:
** poll_more.c (node cannot do those). */
#include "wt.h"

static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id,
                                       uint64_t timeout, int abs) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, __wasi_eventtype_t t,
                                    __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = t;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

static uint64_t now(void) {
  __wasi_timestamp_t t;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static void report(const char *label, __wasi_errno_t e, __wasi_event_t *ev,
                   __wasi_size_t n) {
  printf("%s: %d nevents=%u\n", label, e, (unsigned)n);
  for (unsigned i = 0; i < n && !e; i++)
    printf("  userdata=%llu error=%u type=%u\n",
           (unsigned long long)ev[i].userdata, ev[i].error, ev[i].type);
}

int main(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  __wasi_subscription_t s[4];

  s[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20000000, 0);   /* 20 ms */
  uint64_t t0 = now();
  __wasi_errno_t e = __wasi_poll_oneoff(s, ev, 1, &n);
  uint64_t dt = now() - t0;
  report("relative 20ms", e, ev, n);
  printf("  waited >= 20ms: %d, < 2s: %d\n", dt >= 20000000, dt < 2000000000);

  e = __wasi_poll_oneoff(s, ev, 0, &n);
  printf("no subscriptions: %d\n", e);
  return 0;
}
