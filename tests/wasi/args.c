/* args_sizes_get / args_get: the app sees exactly the configured argv. */
#include "wt.h"

int main(void) {
  __wasi_size_t argc, size;
  SHOW("args_sizes_get", __wasi_args_sizes_get(&argc, &size));
  printf("argc=%u size=%u\n", (unsigned)argc, (unsigned)size);
  uint8_t **argv = calloc(argc + 1, sizeof *argv);
  uint8_t *buf = malloc(size);
  SHOW("args_get", __wasi_args_get(argv, buf));
  for (unsigned i = 0; i < argc; i++)
    printf("argv[%u]=\"%s\" in-buffer=%d\n", i, (char *)argv[i],
           argv[i] >= buf && argv[i] < buf + size);
  return 0;
}
