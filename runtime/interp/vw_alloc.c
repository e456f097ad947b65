/*
** vw_alloc.c — the engine's one door to the heap.
**
** Every allocation of the engine goes through vw_malloc/vw_realloc/vw_free
** with the allocator of the module or store it is for (vw_module_new's
** argument, vw_config.allocator), so an embedder can account for memory and
** the out-of-memory tests can make the Nth allocation fail and check that
** the engine unwinds cleanly.  A NULL allocator is the C library's.
*/
#include <stdlib.h>
#include <string.h>

#include "vw_internal.h"

static void *libc_malloc(size_t n, void *ud) {
  (void)ud;
  return malloc(n);
}
static void *libc_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  return realloc(p, n);
}
static void libc_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static const vw_allocator libc_allocator = { libc_malloc, libc_realloc,
                                             libc_free, NULL };

vw_allocator vw_allocator_or_libc(const vw_allocator *a) {
  return a ? *a : libc_allocator;
}

void *vw_malloc(const vw_allocator *a, size_t n) {
  if (!a) a = &libc_allocator;
  return a->malloc_fn(n ? n : 1, a->ud);
}

void *vw_calloc(const vw_allocator *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  size_t n = count * size;
  void *p = vw_malloc(a, n);
  if (p) memset(p, 0, n ? n : 1);
  return p;
}

void *vw_realloc(const vw_allocator *a, void *p, size_t n) {
  if (!a) a = &libc_allocator;
  return a->realloc_fn(p, n ? n : 1, a->ud);
}

void vw_free(const vw_allocator *a, void *p) {
  if (!a) a = &libc_allocator;
  if (p) a->free_fn(p, a->ud);
}

char *vw_strndup(const vw_allocator *a, const char *s, size_t n) {
  char *d = vw_malloc(a, n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}
