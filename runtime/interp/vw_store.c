/*
** vw_store.c — stores and the runtime objects they own.
**
** A store owns every function, table, memory, global and instance created in
** it (a singly linked list of vw_object headers, freed together), interns
** function types so call_indirect compares one integer, and enforces the
** per-store resource caps (memory bytes, table elements) on growth.
*/
#include <stdio.h>
#include <string.h>

#include "vw_internal.h"

#define DEFAULT_CALL_DEPTH  10000u
#define DEFAULT_STACK_SLOTS (512u * 1024u)

vw_store *vw_store_new(const vw_config *cfg) {
  vw_allocator a = vw_allocator_or_libc(cfg ? cfg->allocator : NULL);
  vw_store *s = vw_calloc(&a, 1, sizeof *s);
  if (!s) return NULL;
  s->alloc = a;
  if (cfg) s->cfg = *cfg;
  s->cfg.allocator = &s->alloc; /* not the caller's, which may go */
  if (!s->cfg.max_call_depth) s->cfg.max_call_depth = DEFAULT_CALL_DEPTH;
  if (!s->cfg.value_stack_slots) s->cfg.value_stack_slots = DEFAULT_STACK_SLOTS;
  if (!s->cfg.max_memory_bytes ||
      s->cfg.max_memory_bytes > (uint64_t)VW_MAX_PAGES * VW_PAGE_SIZE)
    s->cfg.max_memory_bytes = (uint64_t)VW_MAX_PAGES * VW_PAGE_SIZE;
  if (!s->cfg.max_table_elems || s->cfg.max_table_elems > VW_TABLE_LIMIT)
    s->cfg.max_table_elems = VW_TABLE_LIMIT;
  atomic_init(&s->interrupt, 0);
  return s;
}

void vw_store_free(vw_store *s) {
  if (!s) return;
  vw_object *o = s->objects;
  while (o) {
    vw_object *next = o->next;
    o->destroy(s, o);
    o = next;
  }
  for (uint32_t i = 0; i < s->nsigs; i++) vw_free(&s->alloc, s->sigs[i]);
  vw_free(&s->alloc, s->sigs);
  vw_exec_state_free(s, s->exec);
  vw_allocator a = s->alloc; /* s itself is freed with it */
  vw_free(&a, s);
}

void vw_interrupt(vw_store *s) { atomic_store(&s->interrupt, 1); }

void vw_store_adopt(vw_store *s, vw_object *o,
                    void (*destroy)(vw_store *, vw_object *)) {
  o->destroy = destroy;
  o->next = s->objects;
  s->objects = o;
}

bool vw_functype_equal(const vw_functype *a, const vw_functype *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         (!a->nparams || memcmp(a->params, b->params, a->nparams) == 0) &&
         (!a->nresults || memcmp(a->results, b->results, a->nresults) == 0);
}

/* Linear search: stores hold few distinct signatures (tens), and interning
** happens at instantiation, never on the call path. */
uint32_t vw_store_sig(vw_store *s, const vw_functype *t) {
  for (uint32_t i = 0; i < s->nsigs; i++)
    if (vw_functype_equal(s->sigs[i], t)) return i;
  if (s->nsigs == s->sigcap) {
    uint32_t cap = s->sigcap ? s->sigcap * 2 : 16;
    vw_functype **n = vw_realloc(&s->alloc, s->sigs, cap * sizeof *n);
    if (!n) return UINT32_MAX;
    s->sigs = n;
    s->sigcap = cap;
  }
  size_t n = t->nparams + t->nresults;
  vw_functype *c = vw_malloc(&s->alloc, sizeof *c + n);
  if (!c) return UINT32_MAX;
  c->nparams = t->nparams;
  c->nresults = t->nresults;
  c->params = (uint8_t *)(c + 1);
  c->results = c->params + t->nparams;
  if (t->nparams) memcpy(c->params, t->params, t->nparams);
  if (t->nresults) memcpy(c->results, t->results, t->nresults);
  s->sigs[s->nsigs] = c;
  return s->nsigs++;
}

/* ---- memories ----------------------------------------------------------- */
/* Draws n bytes from a shared budget; false if that would pass its limit. */
static bool budget_take(vw_budget *b, uint64_t n) {
  if (!b || n == 0) return true;
  uint64_t used = atomic_load(&b->used);
  do {
    if (b->limit && (used + n < used || used + n > b->limit)) return false;
  } while (!atomic_compare_exchange_weak(&b->used, &used, used + n));
  return true;
}

static void budget_give(vw_budget *b, uint64_t n) {
  if (b && n) atomic_fetch_sub(&b->used, n);
}

static void memory_destroy(vw_store *s, vw_object *o) {
  vw_memory *m = (vw_memory *)o;
  budget_give(m->budget, m->size);
  vw_free(&s->alloc, m->data);
  vw_free(&s->alloc, m);
}

/* Creates a memory; NULL if out of memory or min exceeds the store's cap. */
vw_memory *vw_memory_new(vw_store *s, uint32_t min_pages, uint32_t max_pages,
                         int has_max) {
  uint32_t cap = (uint32_t)(s->cfg.max_memory_bytes / VW_PAGE_SIZE);
  if (min_pages > cap || min_pages > VW_MAX_PAGES) return NULL;
  vw_memory *m = vw_calloc(&s->alloc, 1, sizeof *m);
  if (!m) return NULL;
  m->size = (uint64_t)min_pages * VW_PAGE_SIZE;
  if (m->size > SIZE_MAX) {
    vw_free(&s->alloc, m);
    return NULL;
  }
  if (!budget_take(s->cfg.budget, m->size)) {
    vw_free(&s->alloc, m);
    return NULL;
  }
  m->budget = s->cfg.budget;
  m->alloc = &s->alloc;
  m->data = vw_calloc(&s->alloc, 1, (size_t)m->size);
  if (!m->data) {
    budget_give(m->budget, m->size);
    vw_free(&s->alloc, m);
    return NULL;
  }
  m->pages = min_pages;
  m->has_max = has_max ? 1 : 0;
  m->decl_max = has_max ? max_pages : VW_MAX_PAGES;
  m->max_pages = m->decl_max < cap ? m->decl_max : cap;
  vw_store_adopt(s, &m->obj, memory_destroy);
  return m;
}

uint8_t *vw_memory_data(vw_memory *m) { return m->data; }
uint64_t vw_memory_size(const vw_memory *m) { return m->size; }

int64_t vw_memory_grow_impl(vw_memory *m, uint32_t delta) {
  uint32_t old = m->pages;
  if (delta == 0) return old;
  if ((uint64_t)old + delta > m->max_pages) return -1;
  uint64_t nsize = (uint64_t)(old + delta) * VW_PAGE_SIZE;
  if (nsize > SIZE_MAX) return -1;
  if (!budget_take(m->budget, nsize - m->size)) return -1;
  uint8_t *d = vw_realloc(m->alloc, m->data, (size_t)nsize);
  if (!d) {
    budget_give(m->budget, nsize - m->size);
    return -1;
  }
  memset(d + m->size, 0, (size_t)(nsize - m->size));
  m->data = d;
  m->size = nsize;
  m->pages = old + delta;
  return old;
}

int64_t vw_memory_grow(vw_memory *m, uint32_t delta_pages) {
  return vw_memory_grow_impl(m, delta_pages);
}

/* ---- tables ------------------------------------------------------------- */
static void table_destroy(vw_store *s, vw_object *o) {
  vw_table *t = (vw_table *)o;
  vw_free(&s->alloc, t->elems);
  vw_free(&s->alloc, t);
}

static vw_table *table_create(vw_store *s, uint8_t elem, uint32_t min,
                              uint32_t max, int has_max, vw_raw init) {
  uint32_t cap = s->cfg.max_table_elems;
  if (min > cap) return NULL;
  vw_table *t = vw_calloc(&s->alloc, 1, sizeof *t);
  if (!t) return NULL;
  t->elems = vw_calloc(&s->alloc, min ? min : 1, sizeof *t->elems);
  if (!t->elems) {
    vw_free(&s->alloc, t);
    return NULL;
  }
  t->alloc = &s->alloc;
  for (uint32_t i = 0; i < min; i++) t->elems[i] = init;
  t->size = min;
  t->has_max = has_max ? 1 : 0;
  t->max = has_max ? max : UINT32_MAX;
  t->elemtype = elem;
  vw_store_adopt(s, &t->obj, table_destroy);
  return t;
}

vw_table *vw_table_new(vw_store *s, vw_valtype elem, uint32_t min, uint32_t max,
                       int has_max, vw_raw init) {
  if (!vw_is_ref_type((uint8_t)elem) || (has_max && max < min)) return NULL;
  return table_create(s, (uint8_t)elem, min, max, has_max, init);
}

/* Growth is bounded by the table's own max and the engine-wide element
** limit; the store's lower cap applies at creation (vw_instance.c). */
int64_t vw_table_grow_impl(vw_table *t, uint32_t delta, vw_raw init) {
  uint32_t old = t->size;
  if (delta == 0) return old;
  uint64_t n = (uint64_t)old + delta;
  if (n > t->max || n > VW_TABLE_LIMIT) return -1;
  vw_raw *e = vw_realloc(t->alloc, t->elems, (size_t)n * sizeof *e);
  if (!e) return -1;
  for (uint64_t i = old; i < n; i++) e[i] = init;
  t->elems = e;
  t->size = (uint32_t)n;
  return old;
}

uint32_t vw_table_size(const vw_table *t) { return t->size; }

int vw_table_get(const vw_table *t, uint32_t i, vw_raw *out) {
  if (i >= t->size) return -1;
  *out = t->elems[i];
  return 0;
}

int vw_table_set(vw_table *t, uint32_t i, vw_raw v) {
  if (i >= t->size) return -1;
  t->elems[i] = v;
  return 0;
}

/* ---- globals ------------------------------------------------------------ */
static void plain_destroy(vw_store *s, vw_object *o) { vw_free(&s->alloc, o); }

vw_global *vw_global_new(vw_store *s, vw_valtype type, int mut, vw_raw v) {
  if (!vw_is_val_type((uint8_t)type)) return NULL;
  vw_global *g = vw_calloc(&s->alloc, 1, sizeof *g);
  if (!g) return NULL;
  g->type = (uint8_t)type;
  g->mut = mut ? 1 : 0;
  g->val = v;
  vw_store_adopt(s, &g->obj, plain_destroy);
  return g;
}

vw_raw vw_global_get(const vw_global *g) { return g->val; }
void vw_global_set(vw_global *g, vw_raw v) { g->val = v; }
vw_valtype vw_global_type(const vw_global *g, int *mut) {
  if (mut) *mut = g->mut;
  return (vw_valtype)g->type;
}

/* ---- host functions ------------------------------------------------------ */
vw_func *vw_func_new_host(vw_store *s, const vw_functype_info *type,
                          vw_host_fn fn, void *ud) {
  size_t n = (size_t)type->nparams + type->nresults;
  vw_func *f = vw_calloc(&s->alloc, 1, sizeof *f + n);
  if (!f) return NULL;
  uint8_t *types = (uint8_t *)(f + 1);
  if (type->nparams) memcpy(types, type->params, type->nparams);
  if (type->nresults)
    memcpy(types + type->nparams, type->results, type->nresults);
  f->host_type.nparams = type->nparams;
  f->host_type.nresults = type->nresults;
  f->host_type.params = types;
  f->host_type.results = types + type->nparams;
  f->type = &f->host_type;
  f->sig = vw_store_sig(s, f->type);
  if (f->sig == UINT32_MAX) {
    vw_free(&s->alloc, f);
    return NULL;
  }
  f->host = fn;
  f->host_ud = ud;
  f->index = UINT32_MAX;
  vw_store_adopt(s, &f->obj, plain_destroy);
  return f;
}

vw_store *vw_host_store(vw_host_call *c) { return c->store; }
vw_instance *vw_host_instance(vw_host_call *c) { return c->caller; }

vw_memory *vw_host_memory(vw_host_call *c) {
  if (!c->caller || c->caller->module->nmems == 0) return NULL;
  return c->caller->mems[0];
}

int vw_host_trap(vw_host_call *c, const char *fmt, ...) {
  if (c->err) {
    c->err->status = VW_ERR_TRAP;
    c->err->trap = VW_TRAP_HOST;
    c->err->offset = VW_NO_OFFSET;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
    va_end(ap);
  }
  return -1;
}

int vw_host_exit(vw_host_call *c, int code) {
  if (c->err) {
    vw_trap_set(c->err, VW_TRAP_EXIT);
    c->err->exit_code = code;
    snprintf(c->err->msg, sizeof c->err->msg, "exit with code %d", code);
  }
  return -1;
}
