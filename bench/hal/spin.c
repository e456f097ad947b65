/*
** spin.c — bench/hal's CPU-bound neighbour (bench/hal.sh): a wasm app
** with no grants that only computes, forever, beside the edge app under
** vyomad, so the edge latency is measured with a busy CPU.
*/
#include <stdint.h>

int main(void) {
  volatile uint32_t x = 1;
  for (;;) x = x * 1664525u + 1013904223u; /* a step of an LCG */
}
