/*
** cm_component.c — the public entry points: cm_decode (the root of a
** decode: its context, its cleanup on error), cm_free, and the read-only
** accessors.  The whole tree (nested components, types, names) lives in
** one arena; the growable arrays and the engine's modules are freed here.
*/
#include <stdlib.h>
#include <string.h>

#include "cm_internal.h"

static void free_records(cm_component *c) {
  cm_scope_free(&c->scope);
  cm_vec_free(&c->instances);
  cm_vec_free(&c->core_instances);
  cm_vec_free(&c->aliases);
  cm_vec_free(&c->canons);
  cm_vec_free(&c->starts);
}

/* frees what the holder of a decode collected: every component's arrays,
** the modules, the arena */
static void free_all(cm_vec *children, cm_vec *modules, struct cm_arena *a) {
  for (uint32_t i = 0; i < children->n; i++)
    free_records(((cm_component **)children->v)[i]);
  for (uint32_t i = 0; i < modules->n; i++)
    vw_module_free(((vw_module **)modules->v)[i]);
  cm_vec_free(children);
  cm_vec_free(modules);
  cm_arena_free(a);
}

cm_component *cm_decode(const uint8_t *bytes, size_t len,
                        const char *name_for_errors, cm_error *err) {
  cm_error dummy;
  if (!err) err = &dummy;
  memset(err, 0, sizeof *err);
  err->offset = VW_NO_OFFSET;
  cm_component holder = { 0 };
  cm_ctx cx = { .name = name_for_errors ? name_for_errors : "component",
                .err = err,
                .root = &holder };
  cm_reader r = { bytes, bytes + len, bytes, &cx };
  if (!bytes && len) {
    cm_bad(&cx, VW_ERR_ARG, VW_NO_OFFSET, "no bytes");
    return NULL;
  }
  cm_component *c = cm_decode_nested(&cx, &r, NULL);
  if (!c) {
    if (err->status == VW_OK) cm_nomem(&cx);
    free_all(&holder.children, &holder.modules, cx.arena);
    return NULL;
  }
  c->root = 1;
  c->children = holder.children;
  c->modules = holder.modules;
  c->arena = cx.arena;
  return c;
}

void cm_free(cm_component *c) {
  if (!c || !c->root) return;
  cm_vec children = c->children, modules = c->modules;
  free_all(&children, &modules, c->arena);
}

/* ---- accessors
 * ------------------------------------------------------------------ */
#define VEC_AT(vec, T, i) ((i) < (vec).n ? &((const T *)(vec).v)[i] : NULL)

uint32_t cm_import_count(const cm_component *c) { return c->scope.imports.n; }
const cm_extern *cm_import(const cm_component *c, uint32_t i) {
  return VEC_AT(c->scope.imports, cm_extern, i);
}
uint32_t cm_export_count(const cm_component *c) { return c->scope.exports.n; }
const cm_extern *cm_export(const cm_component *c, uint32_t i) {
  return VEC_AT(c->scope.exports, cm_extern, i);
}

uint32_t cm_sort_count(const cm_component *c, cm_sort s) {
  return (unsigned)s < CM_NSORTS ? c->scope.sp[s].n : 0;
}

const cm_type *cm_item_type(const cm_component *c, cm_sort s, uint32_t i) {
  if ((unsigned)s >= CM_NSORTS || i >= c->scope.sp[s].n) return NULL;
  return c->scope.sp[s].v[i].type;
}

uint32_t cm_core_module_count(const cm_component *c) {
  return c->scope.sp[CM_SORT_CORE_MODULE].n;
}
vw_module *cm_core_module(const cm_component *c, uint32_t i) {
  return i < cm_core_module_count(c) ? c->scope.sp[CM_SORT_CORE_MODULE].v[i].def
                                     : NULL;
}
const cm_type *cm_core_module_type(const cm_component *c, uint32_t i) {
  return cm_item_type(c, CM_SORT_CORE_MODULE, i);
}
uint32_t cm_component_count(const cm_component *c) {
  return c->scope.sp[CM_SORT_COMPONENT].n;
}
const cm_component *cm_component_at(const cm_component *c, uint32_t i) {
  return i < cm_component_count(c) ? c->scope.sp[CM_SORT_COMPONENT].v[i].def
                                   : NULL;
}

/* the records of definitions: a count and an item accessor each */
#define RECORDS(count_fn, at_fn, T, vec)                                       \
  uint32_t count_fn(const cm_component *c) { return c->vec.n; }                \
  const T *at_fn(const cm_component *c, uint32_t i) {                          \
    return VEC_AT(c->vec, T, i);                                               \
  }
RECORDS(cm_core_instance_count, cm_core_instance, cm_instance, core_instances)
RECORDS(cm_instance_count, cm_instance_at, cm_instance, instances)
RECORDS(cm_alias_count, cm_alias_at, cm_alias, aliases)
RECORDS(cm_canon_count, cm_canon_at, cm_canon, canons)
RECORDS(cm_start_count, cm_start_at, cm_start, starts)
