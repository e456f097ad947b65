/*
** cm_validate.c — the checks that need more than one definition: type
** matching (subtyping of component types, equality of core func types),
** the canonical ABI's flattening of func types (what a canon lift's core
** func must be, what a canon lower gives), canon options, and the type
** checks of core and component instantiation.
*/
#include <string.h>

#include "cm_abi.h"
#include "cm_internal.h"

const char *cm_kind_name(cm_typekind k) {
  static const char *names[] = { "primitive",
                                 "record",
                                 "variant",
                                 "list",
                                 "tuple",
                                 "flags",
                                 "enum",
                                 "option",
                                 "result",
                                 "own",
                                 "borrow",
                                 "resource",
                                 "func",
                                 "instance type",
                                 "component type",
                                 "core func type",
                                 "core module type" };
  return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static uint8_t props_of(const cm_type *t) {
  if (!t) return 0;
  if (t->kind == CM_T_PRIM) return t->prim == CM_P_STRING ? CM_PROP_MEMORY : 0;
  return t->props;
}

bool cm_has_resource(const cm_type *t, int depth) {
  (void)depth;
  return props_of(t) & CM_PROP_RESOURCE;
}

/* a func's result (or a value type) holding a borrow; params may */
bool cm_has_borrow(const cm_type *t, int depth) {
  (void)depth;
  if (t && t->kind == CM_T_FUNC) return props_of(t->elem) & CM_PROP_BORROW;
  return props_of(t) & CM_PROP_BORROW;
}

static bool needs_memory(const cm_type *t) {
  return props_of(t) & CM_PROP_MEMORY;
}

bool cm_core_func_eq(const cm_type *a, const cm_type *b) {
  return a && b && a->kind == CM_T_CORE_FUNC && b->kind == CM_T_CORE_FUNC &&
         a->nparams == b->nparams && a->nresults == b->nresults &&
         (!a->nparams || !memcmp(a->params, b->params, a->nparams)) &&
         (!a->nresults || !memcmp(a->results, b->results, a->nresults));
}

static bool sub(const cm_type *a, const cm_type *b, int depth, long *budget);

static bool externs_sub(const cm_extern *a, uint32_t na, const cm_extern *b,
                        uint32_t nb, int depth, long *budget) {
  for (uint32_t i = 0; i < nb; i++) {
    uint32_t k = 0;
    if ((*budget -= na) < 0) return false;
    while (k < na && strcmp(a[k].name.full, b[i].name.full)) k++;
    if (k == na || a[k].sort != b[i].sort ||
        !sub(a[k].type, b[i].type, depth + 1, budget))
      return false;
  }
  return true;
}

/* a is a subtype of b: a can be given where b is expected.  Value types
** match structurally; resources by identity, except that an abstract
** resource of a type (a (sub resource) bound) accepts any resource, as
** the import it stands for is substituted at instantiation. */
static bool sub(const cm_type *a, const cm_type *b, int depth, long *budget) {
  if (a == b) return true;
  if (!a || !b || depth > CM_MAX_TYPE_DEPTH || --*budget < 0) return false;
  if (b->kind == CM_T_RESOURCE) return a->kind == CM_T_RESOURCE && !b->local;
  if (a->kind != b->kind || a->prim != b->prim || a->n != b->n) return false;
  switch (a->kind) {
    case CM_T_INSTANCE:
      return externs_sub(a->exports, a->nexports, b->exports, b->nexports,
                         depth, budget);
    case CM_T_COMPONENT: /* imports contravariant, exports covariant */
      return externs_sub(b->imports, b->nimports, a->imports, a->nimports,
                         depth, budget) &&
             externs_sub(a->exports, a->nexports, b->exports, b->nexports,
                         depth, budget);
    case CM_T_CORE_FUNC: return cm_core_func_eq(a, b);
    case CM_T_CORE_MODULE: return true; /* (checked by instantiation) */
    default: break;
  }
  for (uint32_t i = 0; i < a->n; i++) {
    const cm_field *x = &a->fields[i], *y = &b->fields[i];
    if ((x->name && y->name && strcmp(x->name, y->name)) ||
        (!x->type) != (!y->type) ||
        (x->type && !sub(x->type, y->type, depth + 1, budget)))
      return false;
  }
  if ((!a->elem) != (!b->elem) || (!a->err) != (!b->err)) return false;
  return (!a->elem || sub(a->elem, b->elem, depth + 1, budget)) &&
         (!a->err || sub(a->err, b->err, depth + 1, budget));
}

/* (a budget of steps: types are DAGs whose trees can be exponentially
** large; a comparison that needs more than this many steps fails) */
bool cm_subtype(const cm_type *a, const cm_type *b, int depth) {
  long budget = 1L << 20;
  return sub(a, b, depth, &budget);
}

/* ---- the canonical ABI's flattening ----------------------------------------
 */
#define CM_MAX_FLAT_PARAMS  16
#define CM_MAX_FLAT_RESULTS 1

typedef struct cm_flat {
  uint8_t v[CM_MAX_FLAT_PARAMS + 1];
  uint32_t n;
  bool over; /* more than fit: the ABI passes them through memory */
} cm_flat;

static void flat_push(cm_flat *f, uint8_t t) {
  if (f->n < sizeof f->v)
    f->v[f->n++] = t;
  else
    f->over = true;
}

static uint8_t flat_join(uint8_t a, uint8_t b) {
  if (a == b) return a;
  if ((a == VW_I32 && b == VW_F32) || (a == VW_F32 && b == VW_I32))
    return VW_I32;
  return VW_I64;
}

static void flatten_prim(uint8_t p, cm_flat *f) {
  switch (p) {
    case CM_P_S64:
    case CM_P_U64: flat_push(f, VW_I64); break;
    case CM_P_F32: flat_push(f, VW_F32); break;
    case CM_P_F64: flat_push(f, VW_F64); break;
    case CM_P_STRING:
      flat_push(f, VW_I32);
      flat_push(f, VW_I32);
      break;
    default: flat_push(f, VW_I32);
  }
}

/* appends t's flattening, made when t was (cm_type_finish) */
static void flatten(const cm_type *t, cm_flat *f) {
  if (!t) return;
  if (t->kind == CM_T_PRIM) return flatten_prim(t->prim, f);
  if (t->nflat > CM_MAX_FLAT_PARAMS) f->over = true;
  for (uint32_t i = 0; i < t->nflat && i < CM_MAX_FLAT_PARAMS; i++)
    flat_push(f, t->flat[i]);
}

/* one case of a variant: its flattening joined into the positions after
** the discriminant (base), which grow to the longest case (*len) */
static void join_case(cm_flat *f, uint32_t base, uint32_t *len,
                      const cm_type *c) {
  cm_flat cf = { 0 };
  flatten(c, &cf);
  if (cf.over) f->over = true;
  for (uint32_t k = 0; k < cf.n; k++) {
    if (k >= *len)
      flat_push(f, cf.v[k]), (*len)++;
    else if (base + k < f->n)
      f->v[base + k] = flat_join(f->v[base + k], cf.v[k]);
  }
}

/* the flattening of a value type from its members' */
static void flatten_new(const cm_type *t, cm_flat *f) {
  uint32_t base, len = 0;
  switch (t->kind) {
    case CM_T_LIST: flat_push(f, VW_I32), flat_push(f, VW_I32); return;
    case CM_T_RECORD:
    case CM_T_TUPLE:
      for (uint32_t i = 0; i < t->n; i++) flatten(t->fields[i].type, f);
      return;
    case CM_T_VARIANT:
    case CM_T_OPTION:
    case CM_T_RESULT:
      flat_push(f, VW_I32); /* the discriminant */
      base = f->n;
      if (t->kind == CM_T_VARIANT)
        for (uint32_t i = 0; i < t->n; i++)
          join_case(f, base, &len, t->fields[i].type);
      else
        join_case(f, base, &len, t->kind == CM_T_RESULT ? t->elem : NULL),
            join_case(f, base, &len, t->kind == CM_T_RESULT ? t->err : t->elem);
      return;
    default: flat_push(f, VW_I32); /* flags (<= 32), enum, handles */
  }
}

static uint8_t members_props(const cm_type *t) {
  uint8_t p = props_of(t->elem) | props_of(t->err);
  for (uint32_t i = 0; i < t->n; i++) p |= props_of(t->fields[i].type);
  for (uint32_t i = 0; i < t->nexports; i++) p |= props_of(t->exports[i].type);
  for (uint32_t i = 0; i < t->nimports; i++) p |= props_of(t->imports[i].type);
  return p;
}

void cm_type_finish(cm_type *t) {
  t->props = members_props(t);
  if (t->kind == CM_T_BORROW) t->props |= CM_PROP_BORROW | CM_PROP_RESOURCE;
  if (t->kind == CM_T_OWN || t->kind == CM_T_RESOURCE)
    t->props |= CM_PROP_RESOURCE;
  if (t->kind == CM_T_LIST) t->props |= CM_PROP_MEMORY;
  if (t->kind > CM_T_BORROW) return; /* (not a value type: no flattening) */
  cm_flat f = { 0 };
  flatten_new(t, &f);
  t->nflat = f.over || f.n > CM_MAX_FLAT_PARAMS ? CM_MAX_FLAT_PARAMS + 1
                                                : (uint8_t)f.n;
  memcpy(t->flat, f.v, t->nflat <= CM_MAX_FLAT_PARAMS ? t->nflat : 0);
  if (t->kind == CM_T_RESOURCE) return;
  /* the layout too, from the members' (cached): no walk of the tree */
  t->abi_size = cm_abi_size(t);
  t->abi_align = cm_abi_align(t);
}

static bool params_need_memory(const cm_type *ft) {
  for (uint32_t i = 0; i < ft->n; i++)
    if (needs_memory(ft->fields[i].type)) return true;
  return false;
}

const cm_type *cm_flatten(cm_ctx *cx, const cm_type *ft, bool lower) {
  cm_flat p = { 0 }, r = { 0 };
  for (uint32_t i = 0; i < ft->n; i++) flatten(ft->fields[i].type, &p);
  flatten(ft->elem, &r);
  cm_type *t = cm_new_type(cx, CM_T_CORE_FUNC);
  uint8_t *v = cm_alloc(cx, sizeof p.v + sizeof r.v + 2);
  if (!t || !v) return NULL;
  if (p.over || p.n > CM_MAX_FLAT_PARAMS) p.n = 1, p.v[0] = VW_I32;
  bool spill = r.over || r.n > CM_MAX_FLAT_RESULTS;
  if (spill && lower)
    p.v[p.n++] = VW_I32, r.n = 0;
  else if (spill)
    r.n = 1, r.v[0] = VW_I32;
  memcpy(v, p.v, p.n);
  memcpy(v + p.n, r.v, r.n);
  t->nparams = p.n, t->params = v;
  t->nresults = r.n, t->results = v + p.n;
  return t;
}

/* "[i32 i32] -> [i32]" */
static const char *sig(const cm_type *t, char *buf, size_t n) {
  size_t k = 0;
  if (!t || t->kind != CM_T_CORE_FUNC)
    return snprintf(buf, n, "(no type)"), buf;
  k += (size_t)snprintf(buf + k, n - k, "[");
  for (uint32_t i = 0; i < t->nparams && k < n; i++)
    k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? " " : "",
                          vw_valtype_name(t->params[i]));
  if (k < n) k += (size_t)snprintf(buf + k, n - k, "] -> [");
  for (uint32_t i = 0; i < t->nresults && k < n; i++)
    k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? " " : "",
                          vw_valtype_name(t->results[i]));
  if (k < n) snprintf(buf + k, n - k, "]");
  return buf;
}

/* ---- canon definitions -----------------------------------------------------
 */
static bool check_opts(cm_ctx *cx, cm_scope *sc, const cm_canon *c,
                       const cm_type *ft, const cm_type *core) {
  bool lift = c->kind == CM_CANON_LIFT;
  cm_flat p = { 0 }, r = { 0 };
  for (uint32_t i = 0; i < ft->n; i++) flatten(ft->fields[i].type, &p);
  flatten(ft->elem, &r);
  bool pspill = p.over || p.n > CM_MAX_FLAT_PARAMS;
  bool rspill = r.over || r.n > CM_MAX_FLAT_RESULTS;
  bool mem =
      params_need_memory(ft) || needs_memory(ft->elem) || pspill || rspill;
  bool realloc =
      lift ? params_need_memory(ft) || pspill : needs_memory(ft->elem);
  const char *what = lift ? "canon lift" : "canon lower";
  if (mem && !c->has_memory)
    return CM_INVALID(cx, c->offset, "%s: the func type needs a memory option",
                      what);
  if (realloc && !c->has_realloc)
    return CM_INVALID(cx, c->offset, "%s: the func type needs a realloc option",
                      what);
  char a[128], b[128];
  static const uint8_t i4[] = { VW_I32, VW_I32, VW_I32, VW_I32 };
  cm_type want = { .kind = CM_T_CORE_FUNC,
                   .nparams = 4,
                   .params = i4,
                   .nresults = 1,
                   .results = i4 };
  const cm_type *got =
      c->has_realloc ? sc->sp[CM_SORT_CORE_FUNC].v[c->realloc].type : NULL;
  if (got && !cm_core_func_eq(got, &want))
    return CM_INVALID(cx, c->offset, "%s: realloc has type %s, not %s", what,
                      sig(got, a, sizeof a), sig(&want, b, sizeof b));
  if (c->has_post_return && !lift)
    return CM_INVALID(cx, c->offset, "canon lower: post-return is not allowed");
  if (c->has_post_return) {
    cm_type pr = { .kind = CM_T_CORE_FUNC,
                   .nparams = core->nresults,
                   .params = core->results };
    got = sc->sp[CM_SORT_CORE_FUNC].v[c->post_return].type;
    if (!cm_core_func_eq(got, &pr))
      return CM_INVALID(cx, c->offset,
                        "canon lift: post-return has type %s, not %s",
                        sig(got, a, sizeof a), sig(&pr, b, sizeof b));
  }
  return true;
}

static bool check_lift_lower(cm_ctx *cx, cm_scope *sc, cm_canon *c,
                             const cm_type **out) {
  bool lift = c->kind == CM_CANON_LIFT;
  cm_sort s = lift ? CM_SORT_CORE_FUNC : CM_SORT_FUNC;
  char a[128], b[128];
  if (c->func >= sc->sp[s].n)
    return CM_INVALID(cx, c->offset,
                      "canon %s: %s index %u out of range (%u "
                      "defined)",
                      lift ? "lift" : "lower", cm_sort_name(s), c->func,
                      sc->sp[s].n);
  const cm_type *ft = lift ? c->type : sc->sp[s].v[c->func].type;
  if (lift && ft->kind != CM_T_FUNC)
    return CM_INVALID(cx, c->offset, "canon lift: the type is a %s, not a func",
                      cm_kind_name(ft->kind));
  if (!lift) c->type = ft;
  const cm_type *core = cm_flatten(cx, ft, !lift);
  if (!core) return false;
  if (lift) {
    const cm_type *got = sc->sp[s].v[c->func].type;
    if (!cm_core_func_eq(got, core))
      return CM_INVALID(cx, c->offset,
                        "canon lift: core func %u has type %s, "
                        "but the func type flattens to %s",
                        c->func, sig(got, a, sizeof a), sig(core, b, sizeof b));
  }
  TRY(check_opts(cx, sc, c, ft, core));
  *out = lift ? ft : core;
  return true;
}

bool cm_check_canon(cm_ctx *cx, cm_scope *sc, cm_canon *c,
                    const cm_type **out) {
  static const uint8_t i32[] = { VW_I32 };
  static const char *names[] = { "", "", "resource.new", "resource.drop",
                                 "resource.rep" };
  if (c->kind <= CM_CANON_LOWER) return check_lift_lower(cx, sc, c, out);
  const cm_type *rt = c->type;
  if (rt->kind != CM_T_RESOURCE)
    return CM_INVALID(cx, c->offset,
                      "canon %s: the type is a %s, not a resource",
                      names[c->kind], cm_kind_name(rt->kind));
  if (c->kind != CM_CANON_RESOURCE_DROP && rt->definer != sc->comp)
    return CM_INVALID(cx, c->offset,
                      "canon %s: the resource is not defined by "
                      "this component",
                      names[c->kind]);
  cm_type *t = cm_new_type(cx, CM_T_CORE_FUNC);
  if (!t) return false;
  t->nparams = 1;
  t->params = c->kind == CM_CANON_RESOURCE_NEW ? &rt->rep : i32;
  t->nresults = c->kind == CM_CANON_RESOURCE_DROP ? 0 : 1;
  t->results = c->kind == CM_CANON_RESOURCE_REP ? &rt->rep : i32;
  *out = t;
  return true;
}

/* ---- instantiation
 * ------------------------------------------------------------ */
static const cm_arg *find_arg(const cm_instance *in, const char *name) {
  for (uint32_t i = 0; i < in->nargs; i++)
    if (!strcmp(in->args[i].name, name)) return &in->args[i];
  return NULL;
}

static const char *kind_word(vw_externkind k) {
  static const char *w[] = { "func", "table", "memory", "global" };
  return (unsigned)k < 4 ? w[k] : "tag";
}

/* a table, memory or global given (x) where one is imported (im): limits
** within the import's, the same value type */
static bool core_extern_ok(const cm_core_extern *x, const cm_core_extern *im) {
  if (im->kind == VW_EXTERN_GLOBAL)
    return x->valtype == im->valtype && x->mut == im->mut;
  if (im->kind == VW_EXTERN_TABLE && x->valtype != im->valtype) return false;
  return x->min >= im->min &&
         (!im->has_max || (x->has_max && x->max <= im->max));
}

/* one import of a core module against the instances given */
static bool core_import_ok(cm_ctx *cx, cm_scope *sc, const cm_instance *in,
                           const cm_core_extern *im) {
  char a[128], b[128];
  TRY(cm_spend(cx, in->offset, in->nargs));
  const cm_arg *arg = find_arg(in, im->module);
  if (!arg)
    return CM_INVALID(cx, in->offset,
                      "instantiate core module %u: no argument "
                      "\"%s\" for its import \"%s\" \"%s\"",
                      in->of, im->module, im->module, im->name);
  const cm_type *it = sc->sp[CM_SORT_CORE_INSTANCE].v[arg->index].type;
  TRY(cm_spend(cx, in->offset, it->ncexports));
  const cm_core_extern *ex = cm_find_core_export(it, im->name);
  if (!ex)
    return CM_INVALID(cx, in->offset,
                      "instantiate core module %u: core "
                      "instance %u has no export \"%s\" for its import \"%s\" "
                      "\"%s\"",
                      in->of, arg->index, im->name, im->module, im->name);
  if (ex->kind != im->kind)
    return CM_INVALID(cx, in->offset,
                      "instantiate core module %u: import \"%s\" "
                      "\"%s\" is a %s, core instance %u gives a %s",
                      in->of, im->module, im->name, kind_word(im->kind),
                      arg->index, kind_word(ex->kind));
  if (im->kind != VW_EXTERN_FUNC && !core_extern_ok(ex, im))
    return CM_INVALID(cx, in->offset,
                      "instantiate core module %u: import "
                      "\"%s\" \"%s\": the %s given does not match (limits or "
                      "type)",
                      in->of, im->module, im->name, kind_word(im->kind));
  if (im->kind == VW_EXTERN_FUNC && !cm_core_func_eq(ex->func, im->func))
    return CM_INVALID(cx, in->offset,
                      "instantiate core module %u: import \"%s\" "
                      "\"%s\" has type %s, but is given %s",
                      in->of, im->module, im->name, sig(im->func, a, sizeof a),
                      sig(ex->func, b, sizeof b));
  return true;
}

bool cm_check_core_instantiate(cm_ctx *cx, cm_scope *sc, const cm_instance *in,
                               const cm_type **out) {
  const cm_type *mt = sc->sp[CM_SORT_CORE_MODULE].v[in->of].type;
  for (uint32_t i = 0; i < mt->ncimports; i++)
    TRY(core_import_ok(cx, sc, in, &mt->cimports[i]));
  cm_type *t = cm_new_type(cx, CM_T_CORE_MODULE);
  if (!t) return false;
  t->cexports = mt->cexports;
  t->ncexports = mt->ncexports;
  *out = t;
  return true;
}

/* an instance of inline exports: its type lists them */
static bool inline_instance(cm_ctx *cx, cm_scope *sc, const cm_instance *in,
                            const cm_type **out) {
  cm_type *t = cm_new_type(cx, CM_T_INSTANCE);
  cm_extern *ex = cm_alloc(cx, ((size_t)in->nargs + 1) * sizeof *ex);
  if (!t || !ex) return false;
  for (uint32_t i = 0; i < in->nargs; i++) {
    const cm_arg *a = &in->args[i];
    if (a->sort < CM_SORT_FUNC && a->sort != CM_SORT_CORE_MODULE)
      return CM_INVALID(cx, in->offset,
                        "instance export \"%s\": a %s cannot be "
                        "exported",
                        a->name, cm_sort_name(a->sort));
    TRY(cm_name_parse(cx, in->offset, a->name, &ex[i].name));
    ex[i].sort = a->sort;
    ex[i].index = a->index;
    ex[i].type = sc->sp[a->sort].v[a->index].type;
    ex[i].offset = in->offset;
  }
  t->exports = ex;
  t->nexports = in->nargs;
  *out = t;
  return true;
}

bool cm_check_instantiate(cm_ctx *cx, cm_scope *sc, const cm_instance *in,
                          const cm_type **out) {
  if (in->inline_exports) return inline_instance(cx, sc, in, out);
  const cm_type *ct = sc->sp[CM_SORT_COMPONENT].v[in->of].type;
  for (uint32_t i = 0; i < ct->nimports; i++) {
    const cm_extern *im = &ct->imports[i];
    TRY(cm_spend(cx, in->offset, in->nargs));
    const cm_arg *arg = find_arg(in, im->name.full);
    if (!arg)
      return CM_INVALID(cx, in->offset,
                        "instantiate component %u: no argument "
                        "for its import \"%s\"",
                        in->of, im->name.full);
    if (arg->sort != im->sort)
      return CM_INVALID(cx, in->offset,
                        "instantiate component %u: import \"%s\" "
                        "is a %s, the argument a %s",
                        in->of, im->name.full, cm_sort_name(im->sort),
                        cm_sort_name(arg->sort));
    if (!cm_subtype(sc->sp[arg->sort].v[arg->index].type, im->type, 0))
      return CM_INVALID(cx, in->offset,
                        "instantiate component %u: the argument "
                        "for import \"%s\" does not match its type",
                        in->of, im->name.full);
  }
  cm_type *t = cm_new_type(cx, CM_T_INSTANCE);
  if (!t) return false;
  t->exports = ct->exports;
  t->nexports = ct->nexports;
  *out = t;
  return true;
}

/* ---- resources an export may use ---------------------------------------- */
/* whether resource r is declared by an extern of the list: a type
** import/export itself, or a type an instance import/export exports */
static bool declared_in(const cm_type *r, const cm_extern *e, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (e[i].sort == CM_SORT_TYPE && e[i].type == r) return true;
    if (e[i].sort == CM_SORT_INSTANCE && e[i].type &&
        declared_in(r, e[i].type->exports, e[i].type->nexports))
      return true;
  }
  return false;
}

/* the first resource t uses that is not declared before, or NULL; each
** node is visited once per walk (mark), so the walk is linear in the
** types, not in the tree they unfold to */
static const cm_type *undeclared(const cm_scope *sc, const cm_extern *self,
                                 const cm_type *t, cm_ctx *cx) {
  uint32_t walk = cx->walk;
  if (!t || !(props_of(t) & CM_PROP_RESOURCE) || t->mark == walk) return NULL;
  ((cm_type *)t)->mark = walk; /* (an arena node: props say not a prim) */
  if (t->kind == CM_T_RESOURCE) {
    /* (a search too long counts as found: the step error is set) */
    if (!cm_spend(cx, self->offset, sc->imports.n + sc->exports.n)) return NULL;
    bool ok = declared_in(t, sc->imports.v, sc->imports.n) ||
              declared_in(t, sc->exports.v, sc->exports.n) ||
              declared_in(t, self, 1);
    return ok ? NULL : t;
  }
  const cm_type *u = NULL;
  if (t->kind == CM_T_INSTANCE || t->kind == CM_T_COMPONENT) return NULL;
  for (uint32_t i = 0; !u && i < t->n; i++)
    u = undeclared(sc, self, t->fields[i].type, cx);
  if (!u) u = undeclared(sc, self, t->elem, cx);
  if (!u) u = undeclared(sc, self, t->err, cx);
  return u;
}

bool cm_check_extern_resources(cm_ctx *cx, const cm_scope *sc,
                               const cm_extern *e, bool is_import) {
  const cm_type *t = e->type, *u = NULL;
  ++cx->walk;
  if (e->sort == CM_SORT_FUNC) u = undeclared(sc, e, t, cx);
  for (uint32_t i = 0; !u && e->sort == CM_SORT_INSTANCE && i < t->nexports;
       i++)
    if (t->exports[i].sort == CM_SORT_FUNC)
      u = undeclared(sc, e, t->exports[i].type, cx);
  if (cx->err->status != VW_OK) return false; /* (too many steps) */
  if (u)
    return CM_INVALID(cx, e->offset,
                      "%s \"%s\": it uses a resource%s%s that is not "
                      "imported or exported before it",
                      is_import ? "import" : "export", e->name.full,
                      u->name ? " " : "", u->name ? u->name : "");
  return true;
}
