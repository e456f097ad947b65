/* Guest pointers and lengths outside linear memory are EFAULT, never a
** host crash: iovec arrays, buffers inside iovecs, result pointers, paths,
** with values that overflow 32-bit arithmetic.  Node reports EOVERFLOW for
** these, hence NODE_SKIP. */
#include "wt.h"

#define IMPORT(n)                                                              \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#n)))
IMPORT(fd_write) int32_t raw_fd_write(int32_t, int32_t, int32_t, int32_t);
IMPORT(fd_read) int32_t raw_fd_read(int32_t, int32_t, int32_t, int32_t);
IMPORT(args_get) int32_t raw_args_get(int32_t, int32_t);
IMPORT(args_sizes_get) int32_t raw_args_sizes_get(int32_t, int32_t);
IMPORT(random_get) int32_t raw_random_get(int32_t, int32_t);
IMPORT(clock_time_get) int32_t raw_clock_time_get(int32_t, int64_t, int32_t);
IMPORT(path_open)
int32_t raw_path_open(int32_t, int32_t, int32_t, int32_t, int32_t, int64_t,
                      int64_t, int32_t, int32_t);
IMPORT(fd_readdir)
int32_t raw_fd_readdir(int32_t, int32_t, int32_t, int64_t, int32_t);
IMPORT(poll_oneoff) int32_t raw_poll_oneoff(int32_t, int32_t, int32_t, int32_t);
IMPORT(fd_prestat_dir_name)
int32_t raw_prestat_dir_name(int32_t, int32_t, int32_t);

static uint32_t iov[2];
static int32_t n;

int main(void) {
  int32_t top = (int32_t)(__builtin_wasm_memory_size(0) * 65536);
  printf("iovs past the end: %d\n", raw_fd_write(1, top - 4, 1, (int32_t)&n));
  printf("iovs count overflow: %d\n",
         raw_fd_write(1, (int32_t)iov, 0x20000000, (int32_t)&n));
  iov[0] = (uint32_t)top - 2;
  iov[1] = 4;
  printf("buffer past the end: %d\n",
         raw_fd_write(1, (int32_t)iov, 1, (int32_t)&n));
  iov[0] = 0xfffffff0u;
  iov[1] = 0x20;
  printf("buffer wraps 2^32: %d\n",
         raw_fd_read(0, (int32_t)iov, 1, (int32_t)&n));
  iov[0] = 16;
  iov[1] = 0;
  printf("result pointer past the end: %d\n",
         raw_fd_write(1, (int32_t)iov, 1, top - 2));
  printf("args_sizes_get bad pointer: %d\n", raw_args_sizes_get(top, 16));
  printf("args_get bad buffer: %d\n", raw_args_get(16, -1));
  printf("random_get past the end: %d\n", raw_random_get(top - 8, 16));
  printf("clock_time_get bad pointer: %d\n", raw_clock_time_get(0, 1, top - 4));
  printf("path_open path past the end: %d\n",
         raw_path_open(SB, 0, top - 3, 10, 0, 2, 0, 0, (int32_t)&n));
  printf("path_open result past the end: %d\n",
         raw_path_open(SB, 0, (int32_t) "hello.txt", 9, 0, 2, 0, 0, top));
  printf("fd_readdir buffer past the end: %d\n",
         raw_fd_readdir(SB, top - 10, 100, 0, (int32_t)&n));
  printf("poll_oneoff subscriptions past the end: %d\n",
         raw_poll_oneoff(top - 40, 64, 1, (int32_t)&n));
  printf("prestat_dir_name past the end: %d\n",
         raw_prestat_dir_name(SB, top - 4, 8));
  return 0;
}
