/* sched_yield always succeeds. */
#include "wt.h"

int main(void) {
  for (int i = 0; i < 3; i++) SHOW("sched_yield", __wasi_sched_yield());
  return 0;
}
