/*
** vw_alloc.c — the engine's one door to the heap.
**
** Every allocation of the engine goes through vw_malloc/vw_realloc/vw_free,
** so an embedder can account for memory and the out-of-memory tests can make
** the Nth allocation fail and check that the engine unwinds cleanly.
*/
#include <stdlib.h>
#include <string.h>

#include "vw_internal.h"

static void *libc_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *libc_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  return realloc(p, n);
}
static void libc_free(void *p, void *ud) { (void)ud; free(p); }

static vw_allocator current = {libc_malloc, libc_realloc, libc_free, NULL};

void vw_set_allocator(const vw_allocator *a) {
  if (a) {
    current = *a;
  } else {
    current.malloc_fn = libc_malloc;
    current.realloc_fn = libc_realloc;
    current.free_fn = libc_free;
    current.ud = NULL;
  }
}

void *vw_malloc(size_t n) {
  return current.malloc_fn(n ? n : 1, current.ud);
}

void *vw_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  size_t n = count * size;
  void *p = vw_malloc(n);
  if (p) memset(p, 0, n ? n : 1);
  return p;
}

void *vw_realloc(void *p, size_t n) {
  return current.realloc_fn(p, n ? n : 1, current.ud);
}

void vw_free(void *p) {
  if (p) current.free_fn(p, current.ud);
}

char *vw_strndup(const char *s, size_t n) {
  char *d = vw_malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}
