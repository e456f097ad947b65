/*
** vw_instance.c — instantiation and the call entry of the public API.
**
** Resolves and type-checks imports, allocates the instance's own functions,
** tables, memories and globals in its store, evaluates constant expressions,
** applies active element and data segments in order (a trap stops there,
** leaving earlier writes in place, as the spec says), and runs the start
** function.  Everything allocated is owned by the store at once, so every
** failure path simply returns: vw_store_free reclaims it.
*/
#include <string.h>

#include "vw_internal.h"

static void instance_destroy(vw_store *s, vw_object *o) {
  vw_instance *inst = (vw_instance *)o;
  vw_free(&s->alloc, inst->funcs); /* the defined vw_funcs follow the array */
  vw_free(&s->alloc, inst->tables);
  vw_free(&s->alloc, inst->mems);
  vw_free(&s->alloc, inst->globals);
  vw_free(&s->alloc, inst->sigs);
  vw_free(&s->alloc, inst->elem_dropped);
  vw_free(&s->alloc, inst->data_dropped);
  vw_module_free(inst->module);
  vw_free(&s->alloc, inst);
}

void vw_eval_const(const vw_instance *inst, const vw_constexpr *c, vw_raw *out,
                   vw_raw *out_hi) {
  vw_raw lo = 0, hi = 0;
  switch (c->op) {
    case VW_CONST_I32:
    case VW_CONST_F32: lo = (uint32_t)c->value; break;
    case VW_CONST_I64:
    case VW_CONST_F64: lo = c->value; break;
    case VW_CONST_V128:
      lo = c->value;
      hi = c->value_hi;
      break;
    case VW_CONST_GLOBAL_GET:
      lo = inst->globals[c->value]->val;
      hi = inst->globals[c->value]->val_hi;
      break;
    case VW_CONST_REF_FUNC:
      lo = (vw_raw)(uintptr_t)inst->funcs[c->value];
      break;
    case VW_CONST_REF_NULL:
    default: break;
  }
  *out = lo;
  if (out_hi) *out_hi = hi;
}

static bool limits_match(uint32_t size, bool has_max, uint32_t max,
                         const vw_limits *want) {
  if (size < want->min) return false;
  if (want->has_max && (!has_max || max > want->max)) return false;
  return true;
}

/* Checks that `ext` satisfies import `im` (the module's view of its type). */
static bool import_matches(const vw_module *m, const vw_import *im,
                           const vw_extern *ext) {
  if ((uint8_t)ext->kind != im->kind || !ext->of.func) return false;
  switch (ext->kind) {
    case VW_EXTERN_FUNC:
      return vw_functype_equal(ext->of.func->type, &m->types[im->type_idx]);
    case VW_EXTERN_TABLE: {
      const vw_table *t = ext->of.table;
      return t->elemtype == im->table.elemtype &&
             limits_match(t->size, t->has_max, t->max, &im->table.lim);
    }
    case VW_EXTERN_MEMORY: {
      const vw_memory *mem = ext->of.memory;
      return limits_match(mem->pages, mem->has_max, mem->decl_max, &im->mem);
    }
    case VW_EXTERN_GLOBAL:
      return ext->of.global->type == im->global.type &&
             ext->of.global->mut == im->global.mut;
  }
  return false;
}

static const char *kind_name(uint8_t kind) {
  static const char *const names[] = { "function", "table", "memory",
                                       "global" };
  return kind < 4 ? names[kind] : "extern";
}

static vw_status link_imports(vw_instance *inst, vw_resolver resolve, void *ud,
                              vw_error *err) {
  const vw_module *m = inst->module;
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (uint32_t i = 0; i < m->nimports; i++) {
    const vw_import *im = &m->imports[i];
    vw_extern ext;
    memset(&ext, 0, sizeof ext);
    if (!resolve ||
        resolve(ud, im->module, im->name, (vw_externkind)im->kind, &ext) != 0)
      return vw_fail(err, VW_ERR_UNLINKABLE, VW_NO_OFFSET,
                     "unknown import \"%s\" \"%s\" (%s)", im->module, im->name,
                     kind_name(im->kind));
    if (!import_matches(m, im, &ext))
      return vw_fail(err, VW_ERR_UNLINKABLE, VW_NO_OFFSET,
                     "incompatible import type for \"%s\" \"%s\" (%s)",
                     im->module, im->name, kind_name(im->kind));
    switch (im->kind) {
      case VW_EXTERN_FUNC: inst->funcs[nf++] = ext.of.func; break;
      case VW_EXTERN_TABLE: inst->tables[nt++] = ext.of.table; break;
      case VW_EXTERN_MEMORY: inst->mems[nm++] = ext.of.memory; break;
      case VW_EXTERN_GLOBAL: inst->globals[ng++] = ext.of.global; break;
    }
  }
  return VW_OK;
}

/* One allocation holds the instance's function pointer array and, after it
** (aligned), the vw_func objects of the functions the module defines. */
static size_t func_array_bytes(const vw_module *m) {
  size_t n = (size_t)m->nfuncs * sizeof(vw_func *);
  return (n + 15) & ~(size_t)15;
}

static vw_status nomem(vw_error *err) {
  return vw_fail(err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
}

/* Allocates the instance's own functions, tables, memories and globals. */
static vw_status define_objects(vw_instance *inst, vw_error *err) {
  vw_store *s = inst->store;
  const vw_module *m = inst->module;

  for (uint32_t i = 0; i < m->ntypes; i++) {
    inst->sigs[i] = vw_store_sig(s, &m->types[i]);
    if (inst->sigs[i] == UINT32_MAX) return nomem(err);
  }
  vw_func *defined = (vw_func *)((uint8_t *)inst->funcs + func_array_bytes(m));
  for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
    vw_func *f = &defined[i - m->nfunc_imports];
    f->type = &m->types[m->func_type[i]];
    f->sig = inst->sigs[m->func_type[i]];
    f->inst = inst;
    f->index = i;
    f->def = &m->funcs[i - m->nfunc_imports];
    inst->funcs[i] = f;
  }
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
    const vw_tabletype *tt = &m->tables[i];
    if (tt->lim.min > s->cfg.max_table_elems)
      return vw_fail(err, VW_ERR_UNLINKABLE, VW_NO_OFFSET,
                     "table %u: %u elements exceed the limit of %u", i,
                     tt->lim.min, s->cfg.max_table_elems);
    inst->tables[i] = vw_table_new(s, (vw_valtype)tt->elemtype, tt->lim.min,
                                   tt->lim.max, tt->lim.has_max, 0);
    if (!inst->tables[i]) return nomem(err);
  }
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
    const vw_limits *l = &m->mems[i];
    if ((uint64_t)l->min * VW_PAGE_SIZE > s->cfg.max_memory_bytes)
      return vw_fail(err, VW_ERR_UNLINKABLE, VW_NO_OFFSET,
                     "memory %u: %u pages exceed the limit of %llu bytes", i,
                     l->min, (unsigned long long)s->cfg.max_memory_bytes);
    inst->mems[i] = vw_memory_new(s, l->min, l->max, l->has_max);
    if (!inst->mems[i]) {
      /* vw_memory_new drew on the budget itself; only name the reason */
      const vw_budget *b = s->cfg.budget;
      uint64_t used = b ? atomic_load(&b->used) : 0;
      if (b && b->limit && used + (uint64_t)l->min * VW_PAGE_SIZE > b->limit)
        return vw_fail(err, VW_ERR_UNLINKABLE, VW_NO_OFFSET,
                       "memory %u: %u pages exceed the shared memory budget "
                       "(%llu of %llu bytes in use)",
                       i, l->min, (unsigned long long)used,
                       (unsigned long long)b->limit);
      return nomem(err);
    }
  }
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
    const vw_globaltype *gt = &m->globals[i];
    vw_raw lo, hi;
    vw_eval_const(inst, &m->global_init[i - m->nglobal_imports], &lo, &hi);
    vw_global *g = vw_global_new(s, (vw_valtype)gt->type, gt->mut, lo);
    if (!g) return nomem(err);
    g->val_hi = hi;
    inst->globals[i] = g;
  }
  return VW_OK;
}

/* Active element then data segments, in order, as table.init/memory.init
** followed by a drop; declarative element segments are dropped at once. */
static vw_status apply_segments(vw_instance *inst, vw_error *err) {
  const vw_module *m = inst->module;
  for (uint32_t i = 0; i < m->nelems; i++) {
    const vw_elem *e = &m->elems[i];
    if (e->mode == VW_SEG_PASSIVE) continue;
    inst->elem_dropped[i] = 1;
    if (e->mode == VW_SEG_DECLARATIVE) continue;
    vw_raw off;
    vw_eval_const(inst, &e->offset, &off, NULL);
    vw_table *t = inst->tables[e->table];
    if ((uint64_t)(uint32_t)off + e->count > t->size)
      return vw_trap_set(err, VW_TRAP_OOB_TABLE);
    for (uint32_t k = 0; k < e->count; k++)
      vw_eval_const(inst, &e->items[k], &t->elems[(uint32_t)off + k], NULL);
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const vw_data *d = &m->datas[i];
    if (d->mode != VW_SEG_ACTIVE) continue;
    inst->data_dropped[i] = 1;
    vw_raw off;
    vw_eval_const(inst, &d->offset, &off, NULL);
    vw_memory *mem = inst->mems[d->mem];
    if ((uint64_t)(uint32_t)off + d->len > mem->size)
      return vw_trap_set(err, VW_TRAP_OOB_MEMORY);
    if (d->len) memcpy(mem->data + (uint32_t)off, d->bytes, d->len);
  }
  return VW_OK;
}

vw_instance *vw_instantiate(vw_store *s, vw_module *m, vw_resolver resolve,
                            void *ud, vw_error *err) {
  vw_error_clear(err);
  vw_instance *inst = vw_calloc(&s->alloc, 1, sizeof *inst);
  if (!inst) {
    nomem(err);
    return NULL;
  }
  inst->store = s;
  inst->module = m;
  m->refs++;
  vw_store_adopt(s, &inst->obj, instance_destroy);

  uint32_t ndefined = m->nfuncs - m->nfunc_imports;
  const vw_allocator *a = &s->alloc;
  inst->funcs =
      vw_calloc(a, 1, func_array_bytes(m) + ndefined * sizeof(vw_func));
  inst->tables = vw_calloc(a, m->ntables ? m->ntables : 1, sizeof(vw_table *));
  inst->mems = vw_calloc(a, m->nmems ? m->nmems : 1, sizeof(vw_memory *));
  inst->globals =
      vw_calloc(a, m->nglobals ? m->nglobals : 1, sizeof(vw_global *));
  inst->sigs = vw_calloc(a, m->ntypes ? m->ntypes : 1, sizeof(uint32_t));
  inst->elem_dropped = vw_calloc(a, m->nelems ? m->nelems : 1, 1);
  inst->data_dropped = vw_calloc(a, m->ndatas ? m->ndatas : 1, 1);
  if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals ||
      !inst->sigs || !inst->elem_dropped || !inst->data_dropped) {
    nomem(err);
    return NULL;
  }
  if (link_imports(inst, resolve, ud, err) != VW_OK) return NULL;
  if (define_objects(inst, err) != VW_OK) return NULL;
  if (apply_segments(inst, err) != VW_OK) return NULL;
  if (m->has_start) {
    if (vw_call(s, inst->funcs[m->start], NULL, NULL, err) != VW_OK)
      return NULL;
  }
  return inst;
}

int vw_instance_export(vw_instance *inst, const char *name, vw_extern *out) {
  return vw_instance_export_n(inst, name, strlen(name), out);
}

int vw_instance_export_n(vw_instance *inst, const char *name, size_t len,
                         vw_extern *out) {
  const vw_module *m = inst->module;
  for (uint32_t i = 0; i < m->nexports; i++) {
    const vw_export *e = &m->exports[i];
    if (e->name_len != len || memcmp(e->name, name, len) != 0) continue;
    out->kind = (vw_externkind)e->kind;
    switch (e->kind) {
      case VW_EXTERN_FUNC: out->of.func = inst->funcs[e->index]; break;
      case VW_EXTERN_TABLE: out->of.table = inst->tables[e->index]; break;
      case VW_EXTERN_MEMORY: out->of.memory = inst->mems[e->index]; break;
      case VW_EXTERN_GLOBAL: out->of.global = inst->globals[e->index]; break;
    }
    return 0;
  }
  return -1;
}

vw_memory *vw_instance_memory(vw_instance *inst, uint32_t idx) {
  return idx < inst->module->nmems ? inst->mems[idx] : NULL;
}

const vw_module *vw_instance_module(const vw_instance *inst) {
  return inst->module;
}

/* ---- functions ----------------------------------------------------------- */
void vw_func_type(const vw_func *f, vw_functype_info *out) {
  out->nparams = f->type->nparams;
  out->nresults = f->type->nresults;
  out->params = f->type->params;
  out->results = f->type->results;
}

uint32_t vw_func_index(const vw_func *f) {
  return f->inst ? f->index : UINT32_MAX;
}

const char *vw_func_name(const vw_func *f) {
  if (!f->inst) return NULL;
  const vw_module *m = f->inst->module;
  if (m->func_names && m->func_names[f->index]) return m->func_names[f->index];
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == VW_EXTERN_FUNC && m->exports[i].index == f->index)
      return m->exports[i].name;
  return NULL;
}

vw_status vw_call(vw_store *s, vw_func *f, const vw_raw *args, vw_raw *results,
                  vw_error *err) {
  vw_error_clear(err);
  const vw_functype *t = f->type;
  uint32_t in = 0, out = 0;
  for (uint32_t i = 0; i < t->nparams; i++) in += vw_slots(t->params[i]);
  for (uint32_t i = 0; i < t->nresults; i++) out += vw_slots(t->results[i]);
  uint32_t n = in > out ? in : out;
  vw_raw small[16];
  vw_raw *slots = small;
  if (n > 16) {
    slots = vw_calloc(&s->alloc, n, sizeof *slots);
    if (!slots) return nomem(err);
  }
  if (in) memcpy(slots, args, in * sizeof *slots);
  vw_status st = vw_exec(s, f, slots, err);
  if (st == VW_OK && out) memcpy(results, slots, out * sizeof *slots);
  if (slots != small) vw_free(&s->alloc, slots);
  return st;
}
