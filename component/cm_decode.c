/*
** cm_decode.c — a component's preamble and its sections, in the order
** they come (sections repeat and interleave; each definition sees only
** what was defined before it).  Validation happens as each definition is
** read, because the index spaces it builds are what later ones refer to.
** Core modules go whole to the engine (vw_module_new).
*/
#include <stdlib.h>
#include <string.h>

#include "cm_internal.h"

static const uint8_t preamble[8] = { 0x00, 0x61, 0x73, 0x6d,
                                     0x0d, 0x00, 0x01, 0x00 };

int cm_is_component(const uint8_t *b, size_t len) {
  return len >= 8 && !memcmp(b, preamble, 4) && b[6] == 1 && b[7] == 0;
}

static bool record(cm_ctx *cx, cm_vec *v, const void *item, size_t size) {
  return cm_vec_push(cx, v, item, size);
}

/* ---- core modules: the engine decodes them; their type is kept ---------- */
static bool module_type_of(cm_ctx *cx, vw_module *m, cm_type *t) {
  uint32_t ni = vw_module_import_count(m), ne = vw_module_export_count(m);
  cm_core_extern *im = cm_alloc(cx, (ni + 1) * sizeof *im);
  cm_core_extern *ex = cm_alloc(cx, (ne + 1) * sizeof *ex);
  if (!im || !ex) return false;
  for (uint32_t i = 0; i < ni + ne; i++) {
    vw_extern_info info;
    cm_core_extern *e = i < ni ? &im[i] : &ex[i - ni];
    if (i < ni)
      vw_module_import(m, i, &info);
    else
      vw_module_export(m, i - ni, &info);
    size_t ml = info.module ? strlen(info.module) + 1 : 0,
           nl = strlen(info.name) + 1;
    char *s = cm_alloc(cx, ml + nl);
    cm_type *ft = cm_new_type(cx, CM_T_CORE_FUNC);
    uint8_t *vals = cm_alloc(cx, info.func.nparams + info.func.nresults + 1);
    if (!s || !ft || !vals) return false;
    if (ml) e->module = memcpy(s + nl, info.module, ml);
    e->name = memcpy(s, info.name, nl);
    e->kind = info.kind;
    e->valtype = info.valtype, e->mut = info.mut;
    e->min = info.min, e->max = info.max, e->has_max = info.has_max;
    if (info.kind != VW_EXTERN_FUNC) continue;
    ft->nparams = info.func.nparams;
    ft->nresults = info.func.nresults;
    if (ft->nparams) memcpy(vals, info.func.params, ft->nparams);
    if (ft->nresults)
      memcpy(vals + ft->nparams, info.func.results, ft->nresults);
    ft->params = vals;
    ft->results = vals + ft->nparams;
    e->func = ft;
  }
  t->cimports = im, t->ncimports = ni, t->cexports = ex, t->ncexports = ne;
  return true;
}

static bool sec_core_module(cm_reader *r, cm_component *c) {
  cm_ctx *cx = r->cx;
  size_t off = cm_off(r);
  vw_error e;
  vw_module *m = vw_module_new(r->p, cm_left(r), NULL, &e);
  if (!m) {
    if (e.status == VW_ERR_NOMEM) return cm_nomem(cx);
    size_t at = e.offset == VW_NO_OFFSET ? off : off + e.offset;
    return cm_bad(cx, e.status, at, "core module %u: %s",
                  c->scope.sp[CM_SORT_CORE_MODULE].n, e.msg);
  }
  if (!record(cx, &cx->root->modules, &m, sizeof m)) {
    vw_module_free(m);
    return false;
  }
  cm_type *t = cm_new_type(cx, CM_T_CORE_MODULE);
  TRY(t && module_type_of(cx, m, t));
  r->p = r->end;
  return cm_space_push(cx, &c->scope.sp[CM_SORT_CORE_MODULE], t, m, off);
}

/* ---- instances ------------------------------------------------------------
 */
static bool read_arg(cm_reader *r, cm_scope *sc, const cm_instance *in,
                     cm_arg *a) {
  bool core = in->core;
  if (!core && in->inline_exports)
    TRY(cm_read_extern_name(r, &a->name));
  else
    TRY(cm_string(r, &a->name));
  if (!core || in->inline_exports) {
    size_t off = cm_off(r);
    TRY(core ? cm_read_core_sortidx(r, sc, &a->sort, &a->index)
             : cm_read_sortidx(r, sc, &a->sort, &a->index));
    return a->sort != CM_SORT_VALUE || cm_use_value(r->cx, sc, a->index, off);
  }
  uint8_t b;
  TRY(cm_u8(r, &b));
  if (b != 0x12)
    return r->p--, CM_MALFORMED(r,
                                "a core instantiation argument must be an "
                                "instance (0x12), not 0x%02x",
                                b);
  a->sort = CM_SORT_CORE_INSTANCE;
  size_t off = cm_off(r);
  TRY(cm_u32(r, &a->index));
  if (a->index >= sc->sp[CM_SORT_CORE_INSTANCE].n)
    return CM_INVALID(r->cx, off,
                      "core instance index %u out of range (%u "
                      "defined)",
                      a->index, sc->sp[CM_SORT_CORE_INSTANCE].n);
  return true;
}

static bool read_args(cm_reader *r, cm_scope *sc, cm_instance *in) {
  uint32_t n;
  TRY(cm_count(r, &n));
  cm_arg *a = cm_alloc(r->cx, ((size_t)n + 1) * sizeof *a);
  if (!a) return false;
  for (uint32_t i = 0; i < n; i++) {
    size_t off = cm_off(r);
    TRY(read_arg(r, sc, in, &a[i]));
    TRY(cm_spend(r->cx, off, i));
    for (uint32_t k = 0; k < i; k++)
      if (!strcmp(a[k].name, a[i].name))
        return CM_INVALID(r->cx, off, "duplicate %s \"%s\"",
                          in->inline_exports ? "export name" : "argument name",
                          a[i].name);
  }
  in->args = a;
  in->nargs = n;
  return true;
}

/* the exports of a core instance made of inline exports */
static bool core_inline_type(cm_ctx *cx, cm_scope *sc, const cm_instance *in,
                             size_t off, const cm_type **out) {
  cm_type *t = cm_new_type(cx, CM_T_CORE_MODULE);
  cm_core_extern *ex = cm_alloc(cx, ((size_t)in->nargs + 1) * sizeof *ex);
  if (!t || !ex) return false;
  for (uint32_t i = 0; i < in->nargs; i++) {
    const cm_arg *a = &in->args[i];
    if (a->sort > CM_SORT_CORE_GLOBAL)
      return CM_INVALID(cx, off,
                        "core export \"%s\": a %s cannot be exported "
                        "from a core instance",
                        a->name, cm_sort_name(a->sort));
    const cm_core_extern *of = sc->sp[a->sort].v[a->index].def;
    if (a->sort != CM_SORT_CORE_FUNC && of) ex[i] = *of;
    ex[i].module = NULL;
    ex[i].name = a->name;
    ex[i].kind = (vw_externkind)a->sort;
    ex[i].func = sc->sp[a->sort].v[a->index].type;
  }
  t->cexports = ex;
  t->ncexports = in->nargs;
  *out = t;
  return true;
}

static bool read_instance(cm_reader *r, cm_component *c, bool core) {
  cm_ctx *cx = r->cx;
  cm_scope *sc = &c->scope;
  cm_instance in = { .core = core, .offset = cm_off(r) };
  const cm_type *t = NULL;
  uint8_t b;
  TRY(cm_u8(r, &b));
  if (b > 1) return r->p--, CM_MALFORMED(r, "unknown instance kind 0x%02x", b);
  in.inline_exports = b;
  if (!b) {
    cm_sort s = core ? CM_SORT_CORE_MODULE : CM_SORT_COMPONENT;
    size_t off = cm_off(r);
    TRY(cm_u32(r, &in.of));
    if (in.of >= sc->sp[s].n)
      return CM_INVALID(cx, off,
                        "instantiate: %s index %u out of range (%u "
                        "defined)",
                        cm_sort_name(s), in.of, sc->sp[s].n);
  }
  TRY(read_args(r, sc, &in));
  if (core)
    TRY(b ? core_inline_type(cx, sc, &in, in.offset, &t)
          : cm_check_core_instantiate(cx, sc, &in, &t));
  else
    TRY(cm_check_instantiate(cx, sc, &in, &t));
  TRY(record(cx, core ? &c->core_instances : &c->instances, &in, sizeof in));
  return cm_space_push(cx,
                       &sc->sp[core ? CM_SORT_CORE_INSTANCE : CM_SORT_INSTANCE],
                       t, NULL, in.offset);
}

/* ---- canon ------------------------------------------------------------------
 */
static bool read_opts(cm_reader *r, cm_scope *sc, cm_canon *c) {
  uint32_t n;
  bool seen[8] = { 0 };
  TRY(cm_count(r, &n));
  for (uint32_t i = 0; i < n; i++) {
    size_t off = cm_off(r);
    uint8_t o;
    TRY(cm_u8(r, &o));
    if (o > 5)
      return r->p--, CM_MALFORMED(r,
                                  "canon option 0x%02x (async) is not "
                                  "supported",
                                  o);
    int slot = o < 3 ? 0 : o;
    if (seen[slot])
      return CM_INVALID(r->cx, off, "canon option %s given twice",
                        o < 3    ? "string-encoding"
                        : o == 3 ? "memory"
                        : o == 4 ? "realloc"
                                 : "post-return");
    seen[slot] = true;
    cm_sort s = o == 3 ? CM_SORT_CORE_MEMORY : CM_SORT_CORE_FUNC;
    uint32_t *dst = o == 3   ? &c->memory
                    : o == 4 ? &c->realloc
                             : &c->post_return;
    if (o < 3)
      c->string_encoding = o;
    else {
      off = cm_off(r);
      TRY(cm_u32(r, dst));
      if (*dst >= sc->sp[s].n)
        return CM_INVALID(r->cx, off, "canon option: %s index %u out of range",
                          cm_sort_name(s), *dst);
      *(o == 3   ? &c->has_memory
        : o == 4 ? &c->has_realloc
                 : &c->has_post_return) = 1;
    }
  }
  return true;
}

static bool read_canon(cm_reader *r, cm_component *comp) {
  cm_ctx *cx = r->cx;
  cm_scope *sc = &comp->scope;
  cm_canon c = { .offset = cm_off(r) };
  uint8_t op, z;
  TRY(cm_u8(r, &op));
  if (op > 4)
    return r->p--, CM_MALFORMED(r,
                                "canon opcode 0x%02x (async, threads) is "
                                "not supported",
                                op);
  c.kind = (cm_canonkind)op;
  if (op <= 1) {
    TRY(cm_u8(r, &z));
    if (z)
      return r->p--,
             CM_MALFORMED(r, "canon lift/lower: expected 0x00, got 0x%02x", z);
    TRY(cm_u32(r, &c.func)); /* (range checked by cm_check_canon) */
    TRY(read_opts(r, sc, &c));
  }
  if (op != 1) {
    size_t off = cm_off(r);
    uint32_t i;
    TRY(cm_u32(r, &i));
    if (i >= sc->sp[CM_SORT_TYPE].n)
      return CM_INVALID(cx, off, "canon: type index %u out of range (%u types)",
                        i, sc->sp[CM_SORT_TYPE].n);
    c.type = sc->sp[CM_SORT_TYPE].v[i].type;
  }
  const cm_type *t;
  TRY(cm_check_canon(cx, sc, &c, &t));
  cm_sort s = op == 0 ? CM_SORT_FUNC : CM_SORT_CORE_FUNC;
  c.index = sc->sp[s].n;
  TRY(record(cx, &comp->canons, &c, sizeof c));
  return cm_space_push(cx, &sc->sp[s], t, NULL, c.offset);
}

/* ---- start, imports, exports ------------------------------------------------
 */
static bool sec_start(cm_reader *r, cm_component *comp) {
  cm_ctx *cx = r->cx;
  cm_scope *sc = &comp->scope;
  cm_start s = { .offset = cm_off(r) };
  TRY(cm_u32(r, &s.func));
  if (s.func >= sc->sp[CM_SORT_FUNC].n)
    return CM_INVALID(cx, s.offset, "start: func index %u out of range",
                      s.func);
  TRY(cm_count(r, &s.nargs));
  uint32_t *args = cm_alloc(cx, ((size_t)s.nargs + 1) * sizeof *args);
  if (!args) return false;
  for (uint32_t i = 0; i < s.nargs; i++) {
    size_t off = cm_off(r);
    TRY(cm_u32(r, &args[i]));
    if (args[i] >= sc->sp[CM_SORT_VALUE].n)
      return CM_INVALID(cx, off, "start: value index %u out of range", args[i]);
    TRY(cm_use_value(cx, sc, args[i], off));
  }
  size_t roff = cm_off(r);
  TRY(cm_u32(r, &s.nresults));
  s.args = args;
  const cm_type *ft = sc->sp[CM_SORT_FUNC].v[s.func].type;
  if (ft->n != s.nargs)
    return CM_INVALID(cx, s.offset,
                      "start: func %u takes %u arguments, %u given", s.func,
                      ft->n, s.nargs);
  if ((ft->elem ? 1u : 0u) != s.nresults)
    return CM_INVALID(cx, roff, "start: func %u has %u results, not %u", s.func,
                      ft->elem ? 1u : 0u, s.nresults);
  for (uint32_t i = 0; i < s.nresults; i++)
    TRY(cm_space_push(cx, &sc->sp[CM_SORT_VALUE], ft->elem, NULL, roff));
  return record(cx, &comp->starts, &s, sizeof s);
}

static bool read_import(cm_reader *r, cm_component *comp) {
  cm_extern e = { .offset = cm_off(r) };
  TRY(cm_read_extern_name(r, &e.name.full));
  TRY(cm_read_externtype(r, &comp->scope, &e.sort, &e.type));
  TRY(cm_check_extern_resources(r->cx, &comp->scope, &e, true));
  return cm_add_extern(r->cx, &comp->scope, &comp->scope.imports, &e, true);
}

static bool read_export(cm_reader *r, cm_component *comp) {
  cm_ctx *cx = r->cx;
  cm_scope *sc = &comp->scope;
  cm_extern e = { .offset = cm_off(r) };
  uint8_t has;
  TRY(cm_read_extern_name(r, &e.name.full));
  size_t soff = cm_off(r);
  TRY(cm_read_sortidx(r, sc, &e.sort, &e.index));
  if (e.sort < CM_SORT_FUNC && e.sort != CM_SORT_CORE_MODULE)
    return CM_INVALID(cx, soff, "export \"%s\": a %s cannot be exported",
                      e.name.full, cm_sort_name(e.sort));
  if (e.sort == CM_SORT_VALUE)
    return CM_INVALID(cx, soff, "value exports are not supported");
  e.type = sc->sp[e.sort].v[e.index].type;
  size_t toff = cm_off(r);
  TRY(cm_u8(r, &has));
  if (has > 1)
    return r->p--, CM_MALFORMED(r, "malformed option byte 0x%02x", has);
  if (has) {
    cm_sort s;
    const cm_type *t;
    TRY(cm_read_externtype(r, sc, &s, &t));
    if (s != e.sort || !cm_subtype(e.type, t, 0))
      return CM_INVALID(cx, toff,
                        "export \"%s\": the %s does not match the "
                        "type given",
                        e.name.full, cm_sort_name(e.sort));
    /* a (sub resource) bound on an export names the exported resource */
    if (!(s == CM_SORT_TYPE && t->kind == CM_T_RESOURCE && !t->local))
      e.type = t;
  }
  if (e.sort == CM_SORT_FUNC && cm_has_borrow(e.type, 0))
    return CM_INVALID(cx, soff,
                      "export \"%s\": exported func types may not "
                      "return a borrow",
                      e.name.full);
  TRY(cm_check_extern_resources(cx, sc, &e, false));
  return cm_add_extern(cx, sc, &sc->exports, &e, true);
}

/* ---- nested components ------------------------------------------------------
 */
static bool component_type_of(cm_ctx *cx, cm_component *c,
                              const cm_type **out) {
  cm_type *t = cm_new_type(cx, CM_T_COMPONENT);
  if (!t) return false;
  t->imports = cm_vec_copy(cx, &c->scope.imports, sizeof *t->imports);
  t->exports = cm_vec_copy(cx, &c->scope.exports, sizeof *t->exports);
  t->nimports = c->scope.imports.n;
  t->nexports = c->scope.exports.n;
  *out = t;
  return t->imports && t->exports;
}

static bool sec_component(cm_reader *r, cm_component *c) {
  size_t off = cm_off(r);
  cm_component *sub = cm_decode_nested(r->cx, r, &c->scope);
  const cm_type *t;
  if (!sub) return false;
  TRY(component_type_of(r->cx, sub, &t));
  return cm_space_push(r->cx, &c->scope.sp[CM_SORT_COMPONENT], t, sub, off);
}

/* ---- sections
 * ------------------------------------------------------------------ */
/* one item of a vector section */
static bool read_item(cm_reader *r, cm_component *c, uint8_t id) {
  cm_alias a;
  switch (id) {
    case 2: return read_instance(r, c, true);
    case 3: return cm_read_core_type(r, &c->scope);
    case 5: return read_instance(r, c, false);
    case 6:
      return cm_read_alias(r, &c->scope, &a) &&
             record(r->cx, &c->aliases, &a, sizeof a);
    case 7: return cm_read_type(r, &c->scope);
    case 8: return read_canon(r, c);
    case 10: return read_import(r, c);
    default: return read_export(r, c);
  }
}

static bool read_section(cm_reader *r, cm_component *c, uint8_t id) {
  const char *name;
  uint32_t n;
  switch (id) {
    case 0:
      TRY(cm_string(r, &name));
      r->p = r->end;
      return true;
    case 1: return sec_core_module(r, c);
    case 4: return sec_component(r, c);
    case 9: return sec_start(r, c);
    case 12: return CM_MALFORMED(r, "value sections are not supported");
  }
  if (id > 12) return CM_MALFORMED(r, "unknown section id %u", id);
  TRY(cm_count(r, &n));
  for (uint32_t i = 0; i < n; i++) TRY(read_item(r, c, id));
  return true;
}

static bool read_sections(cm_ctx *cx, cm_reader *r, cm_component *c) {
  while (r->p < r->end) {
    uint8_t id;
    uint32_t size;
    size_t off = cm_off(r);
    TRY(cm_u8(r, &id));
    TRY(cm_u32(r, &size));
    if (size > cm_left(r))
      return cm_bad(cx, VW_ERR_MALFORMED, off,
                    "section %u: size %u exceeds "
                    "the %zu bytes left",
                    id, size, cm_left(r));
    cm_reader s = { r->p, r->p + size, r->base, cx };
    TRY(read_section(&s, c, id));
    if (s.p != s.end)
      return cm_bad(cx, VW_ERR_MALFORMED, cm_off(&s),
                    "section %u: %zu bytes "
                    "left over at its end",
                    id, cm_left(&s));
    r->p = s.end;
  }
  /* every value is used exactly once (one given, not used, is lost) */
  for (uint32_t i = 0; i < c->scope.sp[CM_SORT_VALUE].n; i++)
    if (!c->scope.sp[CM_SORT_VALUE].v[i].used)
      return CM_INVALID(cx, cm_off(r), "value %u is never used", i);
  return true;
}

static bool read_preamble(cm_reader *r) {
  const uint8_t *b;
  if (cm_left(r) < 8) {
    TRY(cm_bytes(r, cm_left(r), &b));
    return CM_MALFORMED(r, "unexpected end: no 8-byte preamble");
  }
  TRY(cm_bytes(r, 8, &b));
  if (memcmp(b, preamble, 4))
    return cm_bad(r->cx, VW_ERR_MALFORMED, cm_off(r) - 8, "bad magic number");
  if (b[6] == 0 && b[7] == 0)
    return cm_bad(r->cx, VW_ERR_MALFORMED, cm_off(r) - 4,
                  "a core module, not a component (layer 0)");
  if (b[6] != 1 || b[7] != 0)
    return cm_bad(r->cx, VW_ERR_MALFORMED, cm_off(r) - 2, "unknown layer %u",
                  b[6] | b[7] << 8);
  if (b[4] != 0x0d || b[5] != 0)
    return cm_bad(r->cx, VW_ERR_MALFORMED, cm_off(r) - 4,
                  "unknown component version 0x%02x%02x (0x000d expected)",
                  b[5], b[4]);
  return true;
}

cm_component *cm_decode_nested(cm_ctx *cx, cm_reader *r, cm_scope *parent) {
  if (cx->depth >= CM_MAX_DEPTH)
    return CM_MALFORMED(r, "components nested more than %d deep", CM_MAX_DEPTH),
           NULL;
  cm_component *c = cm_alloc(cx, sizeof *c);
  if (!c || !record(cx, &cx->root->children, &c, sizeof c)) return NULL;
  c->scope.kind = CM_SCOPE_COMPONENT;
  c->scope.parent = parent;
  c->scope.comp = c;
  cx->depth++;
  bool ok = read_preamble(r) && read_sections(cx, r, c);
  cx->depth--;
  return ok ? c : NULL;
}
