/* environ_sizes_get / environ_get: only the configured variables exist. */
#include "wt.h"

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  __wasi_size_t n, size;
  SHOW("environ_sizes_get", __wasi_environ_sizes_get(&n, &size));
  printf("count=%u size=%u\n", (unsigned)n, (unsigned)size);
  char **env = calloc(n + 1, sizeof *env);
  uint8_t *buf = malloc(size ? size : 1);
  SHOW("environ_get", __wasi_environ_get((uint8_t **)env, buf));
  qsort(env, n, sizeof *env, cmp);
  for (unsigned i = 0; i < n; i++) printf("%s\n", env[i]);
  printf("getenv(B)=%s\n", getenv("B") ? getenv("B") : "(null)");
  printf("getenv(HOME)=%s\n", getenv("HOME") ? getenv("HOME") : "(null)");
  return 0;
}
