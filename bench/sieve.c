/* sieve.c — benchmark: sieve of Eratosthenes over a byte array, repeated;
** measures memory loads/stores and tight loops.  usage: sieve [LIMIT] [REPS]
** (default 8000000, 30). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  size_t limit = argc > 1 ? (size_t)atol(argv[1]) : 8000000;
  int reps = argc > 2 ? atoi(argv[2]) : 30;
  unsigned char *composite = malloc(limit + 1);
  if (!composite) return 1;
  size_t count = 0;
  for (int r = 0; r < reps; r++) {
    memset(composite, 0, limit + 1);
    count = 0;
    for (size_t i = 2; i <= limit; i++) {
      if (composite[i]) continue;
      count++;
      /* i * i would overflow a 32-bit size_t (wasm32) for large i */
      if (i > limit / i) continue;
      for (size_t j = i * i; j <= limit; j += i) composite[j] = 1;
    }
  }
  printf("primes <= %zu: %zu\n", limit, count);
  free(composite);
  return 0;
}
