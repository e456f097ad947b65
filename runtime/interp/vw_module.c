/*
** vw_module.c — loading a module (copy, decode, validate, compile), its
** reference count, freeing what decoding and compiling allocated
** (vw_module_clear), and the introspection of the public API: imports,
** exports, the names of value types.
*/
#include <string.h>

#include "vw_internal.h"

vw_module *vw_module_new(const uint8_t *bytes, size_t len,
                         const vw_allocator *alloc, vw_error *err) {
  vw_error_clear(err);
  vw_allocator a = vw_allocator_or_libc(alloc);
  vw_module *m = vw_calloc(&a, 1, sizeof *m);
  if (!m) {
    vw_fail(err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
    return NULL;
  }
  m->alloc = a;
  m->refs = 1;
  m->bytes = vw_malloc(&a, len);
  if (!m->bytes) {
    vw_free(&a, m);
    vw_fail(err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
    return NULL;
  }
  if (len) memcpy(m->bytes, bytes, len);
  m->len = len;
  vw_status st = vw_decode(m, err);
  if (st == VW_OK) st = vw_validate(m, err);
  if (st == VW_OK) st = vw_compile(m, err);
  if (st != VW_OK) {
    vw_module_free(m);
    return NULL;
  }
  return m;
}

void vw_module_wipe(vw_module *m) {
  uint8_t *bytes = m->bytes;
  size_t len = m->len;
  uint32_t refs = m->refs;
  vw_allocator alloc = m->alloc;
  memset(m, 0, sizeof *m);
  m->bytes = bytes;
  m->len = len;
  m->refs = refs;
  m->alloc = alloc;
}

void vw_module_clear(vw_module *m) {
  if (!m) return;
  const vw_allocator *a = &m->alloc;
  if (m->types)
    for (uint32_t i = 0; i < m->ntypes; i++) vw_free(a, m->types[i].params);
  vw_free(a, m->types);
  if (m->imports)
    for (uint32_t i = 0; i < m->nimports; i++) {
      vw_free(a, m->imports[i].module);
      vw_free(a, m->imports[i].name);
    }
  vw_free(a, m->imports);
  /* funcs, when present, holds exactly the defined functions */
  if (m->funcs && m->nfuncs >= m->nfunc_imports)
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
      vw_free(a, m->funcs[i].local_types);
      if (m->funcs[i].code) vw_code_free(a, m->funcs[i].code);
    }
  vw_free(a, m->funcs);
  if (m->func_names)
    for (uint32_t i = 0; i < m->nfuncs; i++) vw_free(a, m->func_names[i]);
  vw_free(a, m->func_names);
  vw_free(a, m->func_type);
  vw_free(a, m->tables);
  vw_free(a, m->mems);
  vw_free(a, m->globals);
  vw_free(a, m->global_init);
  if (m->exports)
    for (uint32_t i = 0; i < m->nexports; i++) vw_free(a, m->exports[i].name);
  vw_free(a, m->exports);
  if (m->elems)
    for (uint32_t i = 0; i < m->nelems; i++) vw_free(a, m->elems[i].items);
  vw_free(a, m->elems);
  vw_free(a, m->datas);
  vw_module_wipe(m);
}

void vw_module_free(vw_module *m) {
  if (!m || --m->refs > 0) return;
  vw_module_clear(m);
  vw_allocator a = m->alloc; /* m itself is freed with it */
  vw_free(&a, m->bytes);
  vw_free(&a, m);
}

uint32_t vw_module_import_count(const vw_module *m) { return m->nimports; }
uint32_t vw_module_export_count(const vw_module *m) { return m->nexports; }

static void functype_info(const vw_functype *t, vw_functype_info *out) {
  out->nparams = t->nparams;
  out->nresults = t->nresults;
  out->params = t->params;
  out->results = t->results;
}

/* Describes entry `index` of the `kind` index space of m. */
static void describe(const vw_module *m, vw_externkind kind, uint32_t index,
                     vw_extern_info *out) {
  out->kind = kind;
  switch (kind) {
    case VW_EXTERN_FUNC:
      functype_info(&m->types[m->func_type[index]], &out->func);
      break;
    case VW_EXTERN_TABLE:
      out->valtype = m->tables[index].elemtype;
      out->min = m->tables[index].lim.min;
      out->max = m->tables[index].lim.max;
      out->has_max = m->tables[index].lim.has_max;
      break;
    case VW_EXTERN_MEMORY:
      out->min = m->mems[index].min;
      out->max = m->mems[index].max;
      out->has_max = m->mems[index].has_max;
      break;
    case VW_EXTERN_GLOBAL:
      out->valtype = m->globals[index].type;
      out->mut = m->globals[index].mut;
      break;
  }
}

void vw_module_import(const vw_module *m, uint32_t i, vw_extern_info *out) {
  memset(out, 0, sizeof *out);
  const vw_import *im = &m->imports[i];
  /* the k-th import of a kind is entry k of that kind's index space */
  uint32_t k = 0;
  for (uint32_t j = 0; j < i; j++) k += m->imports[j].kind == im->kind;
  describe(m, (vw_externkind)im->kind, k, out);
  out->module = im->module;
  out->name = im->name;
}

void vw_module_export(const vw_module *m, uint32_t i, vw_extern_info *out) {
  memset(out, 0, sizeof *out);
  describe(m, (vw_externkind)m->exports[i].kind, m->exports[i].index, out);
  out->name = m->exports[i].name;
}

const char *vw_valtype_name(uint8_t t) {
  switch (t) {
    case VW_I32: return "i32";
    case VW_I64: return "i64";
    case VW_F32: return "f32";
    case VW_F64: return "f64";
    case VW_V128: return "v128";
    case VW_FUNCREF: return "funcref";
    case VW_EXTERNREF: return "externref";
    default: return "?";
  }
}
