/*
** cm_decls.c — what declares and refers: extern types, the declarator
** lists of instance and component types, core func and module types, and
** aliases (export, core export, outer) in components and in types.
*/
#include <string.h>

#include "cm_internal.h"

static const char *sort_names[CM_NSORTS] = {
  "core func", "core table",  "core memory",   "core global", "core tag",
  "core type", "core module", "core instance", "func",        "value",
  "type",      "component",   "instance"
};

const char *cm_sort_name(cm_sort s) {
  return (unsigned)s < CM_NSORTS ? sort_names[s] : "?";
}

static bool core_sort(cm_reader *r, cm_sort *out) {
  uint8_t c;
  static const int core[] = {
    [0x00] = CM_SORT_CORE_FUNC + 1,   [0x01] = CM_SORT_CORE_TABLE + 1,
    [0x02] = CM_SORT_CORE_MEMORY + 1, [0x03] = CM_SORT_CORE_GLOBAL + 1,
    [0x04] = CM_SORT_CORE_TAG + 1,    [0x10] = CM_SORT_CORE_TYPE + 1,
    [0x11] = CM_SORT_CORE_MODULE + 1, [0x12] = CM_SORT_CORE_INSTANCE + 1
  };
  TRY(cm_u8(r, &c));
  if (c > 0x12 || !core[c])
    return r->p--, CM_MALFORMED(r, "unknown core sort 0x%02x", c);
  *out = (cm_sort)(core[c] - 1);
  return true;
}

static bool read_sort(cm_reader *r, cm_sort *out) {
  uint8_t b;
  TRY(cm_u8(r, &b));
  if (b == 0) return core_sort(r, out);
  if (b > 5) return r->p--, CM_MALFORMED(r, "unknown sort 0x%02x", b);
  static const cm_sort comp[] = { 0,
                                  CM_SORT_FUNC,
                                  CM_SORT_VALUE,
                                  CM_SORT_TYPE,
                                  CM_SORT_COMPONENT,
                                  CM_SORT_INSTANCE };
  *out = comp[b];
  return true;
}

static bool index_in(cm_reader *r, cm_scope *sc, cm_sort s, uint32_t *i) {
  size_t off = cm_off(r);
  TRY(cm_u32(r, i));
  if (*i >= sc->sp[s].n)
    return CM_INVALID(r->cx, off, "%s index %u out of range (%u defined)",
                      cm_sort_name(s), *i, sc->sp[s].n);
  return true;
}

bool cm_read_core_sortidx(cm_reader *r, cm_scope *sc, cm_sort *s, uint32_t *i) {
  TRY(core_sort(r, s));
  return index_in(r, sc, *s, i);
}

bool cm_read_sortidx(cm_reader *r, cm_scope *sc, cm_sort *s, uint32_t *i) {
  TRY(read_sort(r, s));
  return index_in(r, sc, *s, i);
}

/* a typeidx whose type must be of kind k */
static bool typed_index(cm_reader *r, cm_scope *sc, cm_sort s, cm_typekind k,
                        const cm_type **out) {
  size_t off = cm_off(r);
  uint32_t i;
  TRY(cm_u32(r, &i));
  if (i >= sc->sp[s].n)
    return CM_INVALID(r->cx, off, "%s index %u out of range (%u defined)",
                      cm_sort_name(s), i, sc->sp[s].n);
  *out = sc->sp[s].v[i].type;
  if (!*out || (*out)->kind != k)
    return CM_INVALID(r->cx, off, "%s %u is a %s, not a %s", cm_sort_name(s), i,
                      *out ? cm_kind_name((*out)->kind) : "?", cm_kind_name(k));
  return true;
}

bool cm_read_externtype(cm_reader *r, cm_scope *sc, cm_sort *sort,
                        const cm_type **t) {
  uint8_t b, c;
  TRY(cm_u8(r, &b));
  switch (b) {
    case 0x00:
      TRY(cm_u8(r, &c));
      if (c != 0x11)
        return r->p--, CM_MALFORMED(r, "malformed core module type");
      *sort = CM_SORT_CORE_MODULE;
      return typed_index(r, sc, CM_SORT_CORE_TYPE, CM_T_CORE_MODULE, t);
    case 0x01:
      *sort = CM_SORT_FUNC;
      return typed_index(r, sc, CM_SORT_TYPE, CM_T_FUNC, t);
    case 0x03:
      *sort = CM_SORT_TYPE;
      TRY(cm_u8(r, &c));
      if (c == 0x01) { /* (sub resource): a fresh abstract resource */
        cm_type *res = cm_new_type(r->cx, CM_T_RESOURCE);
        if (!res) return false;
        res->rep = VW_I32;
        cm_type_finish(res);
        *t = res;
        return true;
      }
      if (c != 0x00) return r->p--, CM_MALFORMED(r, "malformed type bound");
      {
        size_t off = cm_off(r);
        uint32_t i;
        TRY(cm_u32(r, &i));
        if (i >= sc->sp[CM_SORT_TYPE].n)
          return CM_INVALID(r->cx, off, "type index %u out of range", i);
        *t = sc->sp[CM_SORT_TYPE].v[i].type;
        return true;
      }
    case 0x04:
      *sort = CM_SORT_COMPONENT;
      return typed_index(r, sc, CM_SORT_TYPE, CM_T_COMPONENT, t);
    case 0x05:
      *sort = CM_SORT_INSTANCE;
      return typed_index(r, sc, CM_SORT_TYPE, CM_T_INSTANCE, t);
  }
  r->p--;
  if (b == 0x02)
    return CM_MALFORMED(r, "value imports/exports are not supported");
  return CM_MALFORMED(r, "unknown extern type 0x%02x", b);
}

/* the name of an import or export; attributes (0x02) are read and
** ignored, as validation of types ignores them */
bool cm_read_extern_name(cm_reader *r, const char **name) {
  uint8_t b;
  TRY(cm_u8(r, &b));
  if (b > 2) return r->p--, CM_MALFORMED(r, "malformed name 0x%02x", b);
  TRY(cm_string(r, name));
  if (b < 2) return true;
  uint32_t n;
  TRY(cm_count(r, &n));
  for (uint32_t i = 0; i < n; i++) {
    const char *s;
    TRY(cm_u8(r, &b));
    if (b > 2) return r->p--, CM_MALFORMED(r, "malformed attribute 0x%02x", b);
    TRY(cm_string(r, &s));
  }
  return true;
}

/* ---- aliases ------------------------------------------------------------- */
static const cm_extern *find_export(const cm_type *t, const char *name) {
  for (uint32_t i = 0; t && i < t->nexports; i++)
    if (!strcmp(t->exports[i].name.full, name)) return &t->exports[i];
  return NULL;
}

const cm_core_extern *cm_find_core_export(const cm_type *t, const char *name) {
  for (uint32_t i = 0; t && i < t->ncexports; i++)
    if (!strcmp(t->cexports[i].name, name)) return &t->cexports[i];
  return NULL;
}

static bool alias_export(cm_reader *r, cm_scope *sc, cm_alias *a, size_t off) {
  cm_ctx *cx = r->cx;
  bool core = a->kind == CM_ALIAS_CORE_EXPORT;
  cm_sort is = core ? CM_SORT_CORE_INSTANCE : CM_SORT_INSTANCE;
  size_t ioff = cm_off(r);
  TRY(cm_u32(r, &a->instance));
  TRY(cm_string(r, &a->name));
  if (a->instance >= sc->sp[is].n)
    return CM_INVALID(cx, ioff, "alias: %s index %u out of range (%u defined)",
                      cm_sort_name(is), a->instance, sc->sp[is].n);
  const cm_type *it = sc->sp[is].v[a->instance].type;
  if (core) {
    TRY(cm_spend(cx, ioff, it ? it->ncexports : 0));
    const cm_core_extern *e = cm_find_core_export(it, a->name);
    if (!e)
      return CM_INVALID(cx, ioff,
                        "alias: core instance %u has no export \"%s\"",
                        a->instance, a->name);
    if ((cm_sort)e->kind != a->sort)
      return CM_INVALID(cx, off,
                        "alias: export \"%s\" of core instance %u "
                        "does not have sort %s",
                        a->name, a->instance, cm_sort_name(a->sort));
    /* (table, memory and global items keep their extern: its limits) */
    return cm_space_push(cx, &sc->sp[a->sort], e->func, (void *)e, off);
  }
  TRY(cm_spend(cx, ioff, it ? it->nexports : 0));
  const cm_extern *e = find_export(it, a->name);
  if (!e)
    return CM_INVALID(cx, ioff, "alias: instance %u has no export \"%s\"",
                      a->instance, a->name);
  if (e->sort != a->sort)
    return CM_INVALID(cx, off,
                      "alias: export \"%s\" of instance %u has "
                      "sort %s, not %s",
                      a->name, a->instance, cm_sort_name(e->sort),
                      cm_sort_name(a->sort));
  return cm_space_push(cx, &sc->sp[a->sort], e->type, NULL, off);
}

/* whether an outer alias from sc to `outer` scopes out leaves a component */
static bool crosses_component(cm_scope *sc, uint32_t outer) {
  for (; outer && sc; outer--, sc = sc->parent)
    if (sc->kind == CM_SCOPE_COMPONENT) return true;
  return false;
}

static bool alias_outer(cm_reader *r, cm_scope *sc, cm_alias *a, size_t off) {
  cm_ctx *cx = r->cx;
  TRY(cm_u32(r, &a->outer));
  size_t ioff = cm_off(r);
  TRY(cm_u32(r, &a->index));
  bool in_type = sc->kind != CM_SCOPE_COMPONENT;
  if (a->sort != CM_SORT_TYPE && a->sort != CM_SORT_CORE_TYPE &&
      (in_type ||
       (a->sort != CM_SORT_CORE_MODULE && a->sort != CM_SORT_COMPONENT)))
    return CM_INVALID(cx, off, "outer alias of a %s is not allowed here",
                      cm_sort_name(a->sort));
  cm_scope *t = cm_scope_up(sc, a->outer);
  if (!t)
    return CM_INVALID(cx, off,
                      "outer alias: %u scopes out, but only %u enclose",
                      a->outer, (unsigned)(a->outer - 1));
  if (a->index >= t->sp[a->sort].n)
    return CM_INVALID(cx, ioff,
                      "outer alias: %s index %u out of range (%u "
                      "defined there)",
                      cm_sort_name(a->sort), a->index, t->sp[a->sort].n);
  cm_item it = t->sp[a->sort].v[a->index];
  if (a->sort == CM_SORT_TYPE && crosses_component(sc, a->outer) &&
      cm_has_resource(it.type, 0))
    return CM_INVALID(cx, ioff,
                      "outer alias of type %u, which refers to a "
                      "resource, out of a component",
                      a->index);
  return cm_space_push(cx, &sc->sp[a->sort], it.type, it.def, off);
}

bool cm_read_alias(cm_reader *r, cm_scope *sc, cm_alias *a) {
  size_t off = cm_off(r);
  uint8_t tag;
  memset(a, 0, sizeof *a);
  a->offset = off;
  TRY(read_sort(r, &a->sort));
  TRY(cm_u8(r, &tag));
  if (tag > 2) return r->p--, CM_MALFORMED(r, "unknown alias kind 0x%02x", tag);
  a->kind = tag == 0   ? CM_ALIAS_EXPORT
            : tag == 1 ? CM_ALIAS_CORE_EXPORT
                       : CM_ALIAS_OUTER;
  if (a->sort == CM_SORT_VALUE)
    return CM_MALFORMED(r, "value aliases are not supported");
  if (sc->kind != CM_SCOPE_COMPONENT && a->kind != CM_ALIAS_OUTER &&
      (a->kind == CM_ALIAS_CORE_EXPORT ||
       (a->sort != CM_SORT_INSTANCE && a->sort != CM_SORT_TYPE)))
    return CM_INVALID(r->cx, off,
                      "an alias in a type may only be an outer "
                      "alias or an export alias of a type or instance");
  if (a->kind == CM_ALIAS_OUTER) return alias_outer(r, sc, a, off);
  bool ok = a->kind == CM_ALIAS_CORE_EXPORT
                ? a->sort <= CM_SORT_CORE_TAG
                : a->sort >= CM_SORT_FUNC || a->sort == CM_SORT_CORE_MODULE;
  if (!ok)
    return CM_INVALID(
        r->cx, off, "alias: a %s cannot be a%s export", cm_sort_name(a->sort),
        a->kind == CM_ALIAS_CORE_EXPORT ? " core instance's" : "n instance's");
  return alias_export(r, sc, a, off);
}

/* ---- instance and component types ---------------------------------------- */
/* annotated names: [constructor]r etc. need a func and a resource "r"
** declared before in the same scope */
static bool check_annotated(cm_ctx *cx, cm_scope *sc, const cm_extern *e) {
  const cm_name *n = &e->name;
  if (n->kind < CM_NAME_CONSTRUCTOR || n->kind > CM_NAME_STATIC) return true;
  if (e->sort != CM_SORT_FUNC)
    return CM_INVALID(cx, e->offset, "\"%s\" must be a func", n->full);
  TRY(cm_spend(cx, e->offset, sc->imports.n + sc->exports.n));
  const cm_type *res = NULL;
  const cm_vec *lists[2] = { &sc->imports, &sc->exports };
  for (int l = 0; l < 2; l++)
    for (uint32_t i = 0; i < lists[l]->n; i++) {
      const cm_extern *x = (const cm_extern *)lists[l]->v + i;
      if (x->sort == CM_SORT_TYPE && !strcmp(x->name.full, n->package) &&
          x->type->kind == CM_T_RESOURCE)
        res = x->type;
    }
  if (!res)
    return CM_INVALID(cx, e->offset,
                      "\"%s\": no resource \"%s\" declared "
                      "before it",
                      n->full, n->package);
  const cm_type *ft = e->type, *r = ft->elem;
  if (n->kind == CM_NAME_METHOD &&
      (!ft->n || strcmp(ft->fields[0].name, "self") ||
       ft->fields[0].type->kind != CM_T_BORROW ||
       ft->fields[0].type->elem != res))
    return CM_INVALID(cx, e->offset,
                      "\"%s\": the first parameter must be "
                      "self: borrow<%s>",
                      n->full, n->package);
  if (n->kind == CM_NAME_CONSTRUCTOR && r && r->kind == CM_T_RESULT)
    r = r->elem;
  if (n->kind == CM_NAME_CONSTRUCTOR &&
      (!r || r->kind != CM_T_OWN || r->elem != res))
    return CM_INVALID(cx, e->offset, "\"%s\": must return own<%s>", n->full,
                      n->package);
  return true;
}

bool cm_add_extern(cm_ctx *cx, cm_scope *sc, cm_vec *list, cm_extern *e,
                   bool add_item) {
  bool imp = list == &sc->imports;
  TRY(cm_name_parse(cx, e->offset, e->name.full, &e->name));
  TRY(cm_name_unique(cx, e->offset, list, e->name.full,
                     imp ? "import" : "export"));
  TRY(check_annotated(cx, sc, e));
  /* a named type prints by its name where it is used (all nodes but the
  ** primitives are the arena's, so the name may be set on the node) */
  if (e->sort == CM_SORT_TYPE && e->type->kind != CM_T_PRIM && !e->type->name)
    ((cm_type *)e->type)->name = e->name.full;
  if (add_item) {
    e->index = sc->sp[e->sort].n;
    TRY(cm_space_push(cx, &sc->sp[e->sort], e->type, NULL, e->offset));
  }
  return cm_vec_push(cx, list, e, sizeof *e);
}

static bool read_externdecl(cm_reader *r, cm_scope *sc, bool import) {
  cm_extern e = { .offset = cm_off(r) };
  TRY(cm_read_extern_name(r, &e.name.full));
  TRY(cm_read_externtype(r, sc, &e.sort, &e.type));
  return cm_add_extern(r->cx, sc, import ? &sc->imports : &sc->exports, &e,
                       true);
}

/* the externs of a vector as a type's array */
static bool copy_externs(cm_ctx *cx, const cm_vec *v, const cm_extern **out,
                         uint32_t *n) {
  *n = v->n;
  return (*out = cm_vec_copy(cx, v, sizeof **out)) != NULL;
}

static bool read_decl(cm_reader *r, cm_scope *in, bool component) {
  uint8_t b;
  cm_alias a;
  size_t off = cm_off(r);
  TRY(cm_u8(r, &b));
  switch (b) {
    case 0x00: return cm_read_core_type(r, in);
    case 0x01: return cm_read_type(r, in);
    case 0x02: return cm_read_alias(r, in, &a);
    case 0x03:
      if (component) return read_externdecl(r, in, true);
      break;
    case 0x04: return read_externdecl(r, in, false);
  }
  r->p = r->base + off;
  return CM_MALFORMED(r, "unknown %s declarator 0x%02x",
                      component ? "component type" : "instance type", b);
}

bool cm_read_decls(cm_reader *r, cm_scope *sc, cm_type *t) {
  cm_ctx *cx = r->cx;
  bool component = t->kind == CM_T_COMPONENT;
  cm_scope in = { .kind = component ? CM_SCOPE_COMPONENT_TYPE
                                    : CM_SCOPE_INSTANCE_TYPE,
                  .parent = sc };
  uint32_t n;
  if (cx->depth >= CM_MAX_DEPTH)
    return CM_MALFORMED(r, "types nested more than %d deep", CM_MAX_DEPTH);
  cx->depth++;
  bool ok = cm_count(r, &n);
  for (uint32_t i = 0; ok && i < n; i++) ok = read_decl(r, &in, component);
  ok = ok && copy_externs(cx, &in.imports, &t->imports, &t->nimports) &&
       copy_externs(cx, &in.exports, &t->exports, &t->nexports);
  cx->depth--;
  cm_scope_free(&in);
  return ok;
}

/* ---- core types ------------------------------------------------------------
 */
static bool core_valtype(cm_reader *r, uint8_t *out) {
  TRY(cm_u8(r, out));
  if ((*out >= 0x7b && *out <= 0x7f) || *out == 0x70 || *out == 0x6f)
    return true;
  r->p--;
  return CM_MALFORMED(r, "unknown core value type 0x%02x", *out);
}

static bool core_vals(cm_reader *r, uint32_t *n, const uint8_t **out) {
  TRY(cm_count(r, n));
  uint8_t *v = cm_alloc(r->cx, (size_t)*n + 1);
  if (!v) return false;
  for (uint32_t i = 0; i < *n; i++) TRY(core_valtype(r, &v[i]));
  *out = v;
  return true;
}

static bool limits(cm_reader *r, cm_core_extern *e) {
  uint8_t f;
  uint32_t v;
  TRY(cm_u8(r, &f));
  if (f > 7) return r->p--, CM_MALFORMED(r, "malformed limits flags 0x%02x", f);
  e->has_max = f & 1;
  if (f & 4) {
    TRY(cm_u64(r, &e->min));
  } else {
    TRY(cm_u32(r, &v));
    e->min = v;
  }
  if (!(f & 1)) return true;
  if (f & 4) return cm_u64(r, &e->max);
  TRY(cm_u32(r, &v));
  e->max = v;
  return true;
}

/* a core:externtype inside a module type */
static bool core_externtype(cm_reader *r, cm_scope *mt, cm_core_extern *e) {
  uint8_t b, v;
  TRY(cm_u8(r, &b));
  e->kind = (vw_externkind)b;
  switch (b) {
    case 0x00:
      return typed_index(r, mt, CM_SORT_CORE_TYPE, CM_T_CORE_FUNC, &e->func);
    case 0x01: TRY(core_valtype(r, &e->valtype)); return limits(r, e);
    case 0x02: return limits(r, e);
    case 0x03:
      TRY(core_valtype(r, &e->valtype));
      TRY(cm_u8(r, &v));
      if (v > 1)
        return r->p--, CM_MALFORMED(r, "malformed mutability 0x%02x", v);
      e->mut = v;
      return true;
  }
  r->p--;
  return CM_MALFORMED(r, "unknown core extern type 0x%02x", b);
}

static bool module_decl(cm_reader *r, cm_scope *mt) {
  cm_core_extern e = { 0 };
  uint8_t b, c;
  size_t off = cm_off(r);
  TRY(cm_u8(r, &b));
  switch (b) {
    case 0x00:
      TRY(cm_string(r, &e.module) && cm_string(r, &e.name));
      TRY(core_externtype(r, mt, &e));
      return cm_vec_push(r->cx, &mt->cimports, &e, sizeof e);
    case 0x01:
      if (r->p < r->end && *r->p == 0x50)
        return CM_INVALID(r->cx, off,
                          "a module type may not define a module type");
      return cm_read_core_type(r, mt);
    case 0x02: {
      cm_alias a = { .sort = CM_SORT_CORE_TYPE, .kind = CM_ALIAS_OUTER };
      TRY(cm_u8(r, &b) && cm_u8(r, &c));
      if (b != 0x10 || c != 0x01)
        return CM_MALFORMED(
            r, "a module type's alias must be an outer type alias");
      return alias_outer(r, mt, &a, off);
    }
    case 0x03:
      TRY(cm_string(r, &e.name));
      TRY(core_externtype(r, mt, &e));
      return cm_vec_push(r->cx, &mt->cexports, &e, sizeof e);
  }
  r->p--;
  return CM_MALFORMED(r, "unknown module type declarator 0x%02x", b);
}

static bool copy_core(cm_ctx *cx, const cm_vec *v, const cm_core_extern **out,
                      uint32_t *n) {
  *n = v->n;
  return (*out = cm_vec_copy(cx, v, sizeof **out)) != NULL;
}

static bool module_type(cm_reader *r, cm_scope *sc, cm_type *t) {
  cm_scope mt = { .kind = CM_SCOPE_MODULE_TYPE, .parent = sc };
  uint32_t n;
  bool ok = cm_count(r, &n);
  for (uint32_t i = 0; ok && i < n; i++) ok = module_decl(r, &mt);
  ok = ok && copy_core(r->cx, &mt.cimports, &t->cimports, &t->ncimports) &&
       copy_core(r->cx, &mt.cexports, &t->cexports, &t->ncexports);
  cm_scope_free(&mt);
  return ok;
}

bool cm_read_core_type(cm_reader *r, cm_scope *sc) {
  size_t off = cm_off(r);
  uint8_t op;
  TRY(cm_u8(r, &op));
  cm_type *t = cm_new_type(r->cx, CM_T_CORE_FUNC);
  if (!t) return false;
  if (op == 0x60) {
    TRY(core_vals(r, &t->nparams, &t->params));
    TRY(core_vals(r, &t->nresults, &t->results));
  } else if (op == 0x50) {
    t->kind = CM_T_CORE_MODULE;
    TRY(module_type(r, sc, t));
  } else {
    r->p--;
    return CM_MALFORMED(
        r, "core type opcode 0x%02x (GC types) is not supported", op);
  }
  return cm_space_push(r->cx, &sc->sp[CM_SORT_CORE_TYPE], t, NULL, off);
}
