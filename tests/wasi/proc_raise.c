/* proc_raise is not supported (ENOSYS): signals are not part of an app's
** world.  Node raises the signal in its own process, hence NODE_SKIP. */
#include "wt.h"

/* wasi-libc no longer declares it: import it directly */
__attribute__((import_module("wasi_snapshot_preview1"),
               import_name("proc_raise"))) int32_t
raw_proc_raise(int32_t sig);

int main(void) {
  SHOW("proc_raise SIGUSR1", raw_proc_raise(10));
  SHOW("proc_raise SIGKILL", raw_proc_raise(9));
  printf("still here\n");
  return 0;
}
