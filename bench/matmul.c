/* matmul.c — benchmark: dense double matrix multiply (i-k-j order), repeated;
** measures f64 multiply-add and strided memory access.
** usage: matmul [N] [REPS] (default 256, 48). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 256;
  int reps = argc > 2 ? atoi(argv[2]) : 48;
  double *a = malloc(sizeof(double) * n * n),
         *b = malloc(sizeof(double) * n * n),
         *c = malloc(sizeof(double) * n * n);
  if (!a || !b || !c) return 1;
  for (int i = 0; i < n * n; i++) {
    a[i] = (double)(i % 17) / 16.0 - 0.5;
    b[i] = (double)(i % 13) / 12.0 - 0.5;
  }
  double trace = 0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < n * n; i++) c[i] = 0;
    for (int i = 0; i < n; i++)
      for (int k = 0; k < n; k++) {
        double aik = a[i * n + k];
        for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
      }
    /* feed the result back so repetitions cannot be folded away */
    for (int i = 0; i < n * n; i++) a[i] = c[i] / n;
    for (int i = 0; i < n; i++) trace += c[i * n + i];
  }
  printf("matmul %dx%d x%d: trace sum %.6e\n", n, n, reps, trace);
  free(a);
  free(b);
  free(c);
  return 0;
}
