/*
** cm_types.c — the type section's grammar: value types, func types,
** resource types, instance and component types (each its own scope with
** an initially empty type index space), core func and module types,
** extern types, and aliases as they appear in types and components.
** A type index resolves to the cm_type node at once, so the tree that
** comes out has no indices left in it.
*/
#include <string.h>
#include <strings.h>

#include "cm_internal.h"

/* the primitive value types, shared by every component (read-only, so
** decodes on several threads may share them) */
#define PRIM(code)                                                             \
  { .kind = CM_T_PRIM, .prim = code }
static const cm_type prims[13] = {
  PRIM(CM_P_BOOL),  PRIM(CM_P_S8),  PRIM(CM_P_U8),  PRIM(CM_P_S16),
  PRIM(CM_P_U16),   PRIM(CM_P_S32), PRIM(CM_P_U32), PRIM(CM_P_S64),
  PRIM(CM_P_U64),   PRIM(CM_P_F32), PRIM(CM_P_F64), PRIM(CM_P_CHAR),
  PRIM(CM_P_STRING)
};

const cm_type *cm_prim(uint8_t code) {
  if (code < CM_P_STRING || code > CM_P_BOOL) return NULL;
  return &prims[CM_P_BOOL - code];
}

cm_type *cm_new_type(cm_ctx *cx, cm_typekind k) {
  cm_type *t = cm_alloc(cx, sizeof *t);
  if (t) t->kind = k;
  return t;
}

cm_scope *cm_scope_up(cm_scope *sc, uint32_t outer) {
  while (sc && outer--) sc = sc->parent;
  return sc;
}

void cm_scope_free(cm_scope *sc) {
  for (int i = 0; i < CM_NSORTS; i++) cm_vec_free((cm_vec *)&sc->sp[i]);
  cm_vec_free(&sc->imports);
  cm_vec_free(&sc->exports);
  cm_vec_free(&sc->cimports);
  cm_vec_free(&sc->cexports);
}

static bool is_valtype(const cm_type *t) { return t->kind <= CM_T_BORROW; }

/* a type index of the scope's type space */
static bool type_at(cm_reader *r, cm_scope *sc, size_t off, uint32_t i,
                    const cm_type **out) {
  if (i >= sc->sp[CM_SORT_TYPE].n)
    return CM_INVALID(r->cx, off, "type index %u out of range (%u types)", i,
                      sc->sp[CM_SORT_TYPE].n);
  *out = sc->sp[CM_SORT_TYPE].v[i].type;
  return true;
}

bool cm_read_valtype(cm_reader *r, cm_scope *sc, const cm_type **out) {
  size_t off = cm_off(r);
  if (r->p < r->end && (*out = cm_prim(*r->p))) return r->p++, true;
  /* a type index is a non-negative s33; as u32 it is the same number
  ** whenever its top bits are clear, which negative ones never are */
  uint32_t i;
  if (r->p < r->end && (*r->p & 0x40) && !(*r->p & 0x80))
    return CM_MALFORMED(r, "unknown value type 0x%02x", *r->p);
  TRY(cm_u32(r, &i));
  TRY(type_at(r, sc, off, i, out));
  if (!is_valtype(*out))
    return CM_INVALID(r->cx, off, "type %u is a %s, not a value type", i,
                      cm_kind_name((*out)->kind));
  return true;
}

static bool read_optval(cm_reader *r, cm_scope *sc, const cm_type **out) {
  uint8_t b;
  *out = NULL;
  TRY(cm_u8(r, &b));
  if (b == 1) return cm_read_valtype(r, sc, out);
  if (b) return r->p--, CM_MALFORMED(r, "malformed option byte 0x%02x", b);
  return true;
}

/* labels of a record, variant, flags or enum: kebab-case and unique */
static bool read_label(cm_reader *r, cm_field *f, cm_field *prev, uint32_t n) {
  size_t off = cm_off(r);
  TRY(cm_string(r, &f->name));
  TRY(cm_spend(r->cx, off, n));
  if (!cm_label_ok(f->name))
    return CM_INVALID(r->cx, off, "label \"%s\" is not kebab-case", f->name);
  for (uint32_t i = 0; i < n; i++)
    if (!strcasecmp(prev[i].name, f->name))
      return CM_INVALID(r->cx, off, "duplicate label \"%s\"", f->name);
  return true;
}

/* record fields, variant cases, tuple members, flags, enum cases, params */
static bool read_fields(cm_reader *r, cm_scope *sc, cm_type *t, uint8_t op) {
  size_t off = cm_off(r);
  uint32_t n;
  TRY(cm_count(r, &n));
  if (!n && op != 0x40)
    return CM_INVALID(r->cx, off, "a %s needs at least one member",
                      cm_kind_name(t->kind));
  if (op == 0x6e && n > 32)
    return CM_INVALID(r->cx, off, "flags has %u labels; at most 32", n);
  cm_field *f = cm_alloc(r->cx, (size_t)n * sizeof *f + 1);
  if (!f) return false;
  for (uint32_t i = 0; i < n; i++) {
    if (op != 0x6f) TRY(read_label(r, &f[i], f, i));
    if (op == 0x72 || op == 0x6f || op == 0x40)
      TRY(cm_read_valtype(r, sc, &f[i].type));
    if (op == 0x71) {
      uint8_t z;
      TRY(read_optval(r, sc, &f[i].type));
      TRY(cm_u8(r, &z)); /* the refines field, always 0 now */
      if (z) return r->p--, CM_MALFORMED(r, "variant case must end in 0x00");
    }
  }
  t->n = n;
  t->fields = f;
  return true;
}

static bool read_handle(cm_reader *r, cm_scope *sc, cm_type *t) {
  size_t off = cm_off(r);
  uint32_t i;
  TRY(cm_u32(r, &i));
  TRY(type_at(r, sc, off, i, &t->elem));
  if (t->elem->kind != CM_T_RESOURCE)
    return CM_INVALID(r->cx, off, "%s of type %u, a %s, not a resource",
                      t->kind == CM_T_OWN ? "own" : "borrow", i,
                      cm_kind_name(t->elem->kind));
  return true;
}

/* a defvaltype after its opcode */
static bool read_defval(cm_reader *r, cm_scope *sc, uint8_t op, cm_type *t) {
  switch (op) {
    case 0x72: t->kind = CM_T_RECORD; return read_fields(r, sc, t, op);
    case 0x71: t->kind = CM_T_VARIANT; return read_fields(r, sc, t, op);
    case 0x6f: t->kind = CM_T_TUPLE; return read_fields(r, sc, t, op);
    case 0x6e: t->kind = CM_T_FLAGS; return read_fields(r, sc, t, op);
    case 0x6d: t->kind = CM_T_ENUM; return read_fields(r, sc, t, op);
    case 0x70: t->kind = CM_T_LIST; return cm_read_valtype(r, sc, &t->elem);
    case 0x6b: t->kind = CM_T_OPTION; return cm_read_valtype(r, sc, &t->elem);
    case 0x6a:
      t->kind = CM_T_RESULT;
      TRY(read_optval(r, sc, &t->elem));
      return read_optval(r, sc, &t->err);
    case 0x69: t->kind = CM_T_OWN; return read_handle(r, sc, t);
    case 0x68: t->kind = CM_T_BORROW; return read_handle(r, sc, t);
  }
  r->p--;
  if (op == 0x67 || op == 0x66 || op == 0x65 || op == 0x63 || op == 0x64)
    return CM_MALFORMED(r,
                        "type opcode 0x%02x (a gated feature: fixed "
                        "lists, streams, futures, maps, error-context) "
                        "is not supported",
                        op);
  return CM_MALFORMED(r, "unknown type opcode 0x%02x", op);
}

static bool read_functype(cm_reader *r, cm_scope *sc, cm_type *t) {
  size_t off;
  uint8_t b;
  t->kind = CM_T_FUNC;
  TRY(read_fields(r, sc, t, 0x40));
  off = cm_off(r);
  TRY(cm_u8(r, &b));
  if (b == 0) {
    TRY(cm_read_valtype(r, sc, &t->elem));
    if (cm_has_borrow(t->elem, 0))
      return CM_INVALID(r->cx, off, "a function result may not hold a borrow");
    return true;
  }
  if (b == 1 && cm_u8(r, &b) && b == 0) return true;
  r->p = r->base + off;
  return CM_MALFORMED(r, "malformed result list");
}

static bool read_resource(cm_reader *r, cm_scope *sc, cm_type *t) {
  size_t off = cm_off(r);
  uint8_t dt;
  t->kind = CM_T_RESOURCE;
  if (sc->kind != CM_SCOPE_COMPONENT)
    return CM_INVALID(r->cx, off - 1,
                      "resource types may only be defined in a component");
  TRY(cm_u8(r, &t->rep));
  if (t->rep != VW_I32)
    return CM_INVALID(r->cx, off, "a resource's representation must be i32");
  TRY(cm_u8(r, &dt));
  if (dt > 1)
    return r->p--, CM_MALFORMED(r, "malformed option byte 0x%02x", dt);
  t->has_dtor = dt;
  t->local = 1;
  t->definer = sc->comp;
  if (dt) {
    off = cm_off(r);
    TRY(cm_u32(r, &t->dtor));
    const cm_space *fs = &sc->sp[CM_SORT_CORE_FUNC];
    if (t->dtor >= fs->n)
      return CM_INVALID(r->cx, off, "destructor: core func %u out of range",
                        t->dtor);
    const cm_type *ft = fs->v[t->dtor].type;
    static const uint8_t i32[] = { VW_I32 };
    cm_type want = { .kind = CM_T_CORE_FUNC, .nparams = 1, .params = i32 };
    if (!cm_core_func_eq(ft, &want))
      return CM_INVALID(r->cx, off, "destructor must have type [i32] -> []");
  }
  return true;
}

/* a declarator list: of an instance type, or of a component type */
bool cm_read_decls(cm_reader *r, cm_scope *sc, cm_type *t);

bool cm_read_type(cm_reader *r, cm_scope *sc) {
  size_t off = cm_off(r);
  uint8_t op;
  TRY(cm_u8(r, &op));
  cm_type *t = cm_new_type(r->cx, CM_T_PRIM);
  if (!t) return false;
  const cm_type *p = cm_prim(op);
  if (p) return cm_space_push(r->cx, &sc->sp[CM_SORT_TYPE], p, NULL, off);
  bool ok;
  if (op == 0x40)
    ok = read_functype(r, sc, t);
  else if (op == 0x43)
    return r->p--, CM_MALFORMED(r, "async func types are not supported");
  else if (op == 0x3f)
    ok = read_resource(r, sc, t);
  else if (op == 0x41 || op == 0x42) {
    t->kind = op == 0x41 ? CM_T_COMPONENT : CM_T_INSTANCE;
    ok = cm_read_decls(r, sc, t);
  } else
    ok = read_defval(r, sc, op, t);
  if (ok) cm_type_finish(t);
  return ok && cm_space_push(r->cx, &sc->sp[CM_SORT_TYPE], t, NULL, off);
}
