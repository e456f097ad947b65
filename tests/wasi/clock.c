/* clock_res_get / clock_time_get on the four clocks, and a bad clock id. */
#include "wt.h"

int main(void) {
  for (__wasi_clockid_t id = 0; id < 5; id++) {
    __wasi_timestamp_t res = 0, t1 = 0, t2 = 0;
    __wasi_errno_t e1 = __wasi_clock_res_get(id, &res);
    __wasi_errno_t e2 = __wasi_clock_time_get(id, 1, &t1);
    __wasi_errno_t e3 = __wasi_clock_time_get(id, 1000, &t2);
    printf("clock %u: res %d %s, time %d %d %s\n", (unsigned)id, e1,
           e1 ? "-" : (res > 0 && res <= 1000000000ull ? "sane" : "odd"), e2,
           e3, e2 ? "-" : (t1 > 0 && t2 >= t1 ? "sane" : "odd"));
  }
  __wasi_timestamp_t now;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
  /* after 2020-01-01 and before 2200 */
  printf("realtime plausible: %d\n", now > 1577836800ull * 1000000000ull &&
                                         now < 7258118400ull * 1000000000ull);
  return 0;
}
