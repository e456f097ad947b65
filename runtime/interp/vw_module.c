/*
** vw_module.c — loading a module (copy, decode, validate, compile), its
** reference count, and the import/export introspection of the public API.
*/
#include <string.h>

#include "vw_internal.h"

vw_module *vw_module_new(const uint8_t *bytes, size_t len, vw_error *err) {
  vw_error_clear(err);
  vw_module *m = vw_calloc(1, sizeof *m);
  if (!m) { vw_fail(err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory"); return NULL; }
  m->refs = 1;
  m->bytes = vw_malloc(len);
  if (!m->bytes) {
    vw_free(m);
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

void vw_module_free(vw_module *m) {
  if (!m || --m->refs > 0) return;
  vw_module_clear(m);
  vw_free(m->bytes);
  vw_free(m);
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
