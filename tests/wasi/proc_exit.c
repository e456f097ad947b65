/* proc_exit: the code reaches the embedder, nothing after it runs. */
#include "wt.h"

int main(void) {
  printf("before\n");
  fflush(stdout);
  __wasi_proc_exit(7);
  printf("after\n");
  return 0;
}
