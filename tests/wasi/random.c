/* random_get: fills the buffer; zero length is fine. */
#include "wt.h"

int main(void) {
  uint8_t a[256], b[256];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  SHOW("random_get 0", __wasi_random_get(a, 0));
  SHOW("random_get 256", __wasi_random_get(a, sizeof a));
  SHOW("random_get 256 again", __wasi_random_get(b, sizeof b));
  int zeros = 0;
  for (int i = 0; i < 256; i++) zeros += a[i] == 0;
  printf("mostly nonzero: %d\n", zeros < 32);
  printf("two draws differ: %d\n", memcmp(a, b, sizeof a) != 0);
  static uint8_t big[100000];
  SHOW("random_get 100000", __wasi_random_get(big, sizeof big));
  return 0;
}
