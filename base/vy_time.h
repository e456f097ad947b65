/*
** vy_time.h — time arithmetic shared by the supervisor's parts (the IPC
** broker, the compositor, the lifecycle): one way to say "ms from now" as
** the absolute deadline pthread_cond_timedwait wants.  Header only, so any
** library can use it without linking another.
*/
#ifndef VY_TIME_H
#define VY_TIME_H

#include <time.h>

/* now on `clock`, plus ms (>= 0) */
static inline struct timespec vy_deadline_after(clockid_t clock, int ms) {
  struct timespec t;
  clock_gettime(clock, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

#endif
