/*
** vw_validate.c — validation of a decoded WebAssembly 2.0 module.
**
** Owns vw_validate(): the module-level rules (index spaces, limits, constant
** expressions, segments, start, exports, the set C.refs of declared function
** references) and the type checking of every function body, done with the
** algorithm of the spec's validation appendix: an operand stack of value
** types (with an Unknown type for the polymorphic stack after `unreachable`,
** `br`, `br_table` and `return`) and a control stack of frames.  Both stacks
** are heap arrays grown by doubling, so validation is O(n) and deep nesting
** never recurses on the C stack.
**
** The decoder (vw_decode.c) leaves function bodies undecoded past their
** locals, so the instruction stream is decoded here too.  That makes this
** file also responsible for the malformed-body errors ("illegal opcode",
** "zero byte expected", "data count section required", ...).  The spec
** decodes a whole binary before validating any of it, so a malformed body
** must win over an invalid one that comes earlier; when validation fails,
** every body is therefore scanned again in a syntax-only mode that skips the
** type rules and reports only malformed encodings.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vw_internal.h"
#include "vw_reader.h"

/* The Unknown value type of the validation algorithm (matches anything). */
#define UNK 0

/* frame kinds: the opcode that opened it, or FUNC for the body itself */
#define OP_FUNC  0x00
#define OP_BLOCK WASM_BLOCK
#define OP_LOOP  WASM_LOOP
#define OP_IF    WASM_IF
#define OP_ELSE  WASM_ELSE

typedef struct ctrl {
  const uint8_t *in, *out; /* start types (params), end types (results) */
  uint32_t nin, nout;
  size_t height; /* operand stack height at entry */
  uint8_t op;
  uint8_t unreachable; /* rest of the block is stack-polymorphic */
} ctrl;

typedef struct val {
  const vw_module *m;
  vw_error *err;
  bool syn;      /* syntax-only rescan: no type rules */
  uint8_t *vals; /* operand stack of value types */
  size_t nvals, capvals;
  ctrl *ctrls; /* control stack */
  size_t nctrls, capctrls;
  uint8_t *refs; /* bitmap of C.refs over the function space */
  size_t at;     /* file offset of the current instruction */
} val;

/* Storage for one-value block types: a pointer to one of these bytes
** serves as a one-element result list that lives as long as the program. */
static const uint8_t valtype_bytes[] = { VW_I32,      VW_I64,  VW_F32,
                                         VW_F64,      VW_V128, VW_FUNCREF,
                                         VW_EXTERNREF };

static const uint8_t *valtype_list(uint8_t t) {
  for (size_t i = 0; i < sizeof valtype_bytes; i++)
    if (valtype_bytes[i] == t) return &valtype_bytes[i];
  return NULL;
}

/* ---- errors ---------------------------------------------------------- */

static bool nomem(val *v) {
  vw_fail(v->err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
  return false;
}

/* A validation error at the current instruction.  In the syntax-only
** rescan validation errors are ignored, so this returns true there and the
** caller carries on with a safe fallback. */
static bool invalid(val *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool invalid(val *v, const char *fmt, ...) {
  if (v->syn) return true;
  if (v->err) {
    char msg[sizeof v->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vw_fail(v->err, VW_ERR_INVALID, v->at, "%s", msg);
  }
  return false;
}

static bool malformed(val *v, size_t offset, const char *msg) {
  vw_fail(v->err, VW_ERR_MALFORMED, offset, "%s", msg);
  return false;
}

static bool mismatch(val *v) { return invalid(v, "type mismatch"); }

/* ---- the operand and control stacks ---------------------------------- */

static bool push(val *v, uint8_t t) {
  if (v->syn) return true;
  if (v->nvals == v->capvals) {
    size_t ncap = v->capvals ? v->capvals * 2 : 256;
    uint8_t *p = vw_realloc(&v->m->alloc, v->vals, ncap);
    if (!p) return nomem(v);
    v->vals = p;
    v->capvals = ncap;
  }
  v->vals[v->nvals++] = t;
  return true;
}

static bool pop(val *v, uint8_t *out) {
  *out = UNK;
  if (v->syn) return true;
  const ctrl *c = &v->ctrls[v->nctrls - 1];
  if (v->nvals == c->height) {
    if (c->unreachable) return true;
    return mismatch(v);
  }
  *out = v->vals[--v->nvals];
  return true;
}

static bool pop_expect(val *v, uint8_t want) {
  uint8_t t;
  if (!pop(v, &t)) return false;
  if (t != want && t != UNK && want != UNK) return mismatch(v);
  return true;
}

static bool push_vals(val *v, const uint8_t *ts, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (!push(v, ts[i])) return false;
  return true;
}

static bool pop_vals(val *v, const uint8_t *ts, uint32_t n) {
  for (uint32_t i = n; i-- > 0;)
    if (!pop_expect(v, ts[i])) return false;
  return true;
}

/* pop_vals then push_vals of what was popped, done in place: the values
** stay where they are, and positions below the frame read as Unknown when
** the frame is unreachable (an Unknown pushed back behaves like one popped
** from the polymorphic base). */
static bool peek_vals(val *v, const uint8_t *ts, uint32_t n) {
  if (v->syn) return true;
  const ctrl *c = &v->ctrls[v->nctrls - 1];
  size_t avail = v->nvals - c->height;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t want = ts[n - 1 - i];
    if (i >= avail) {
      if (c->unreachable) return true; /* the rest are Unknown */
      return mismatch(v);
    }
    uint8_t t = v->vals[v->nvals - 1 - i];
    if (t != want && t != UNK) return mismatch(v);
  }
  return true;
}

static bool push_ctrl(val *v, uint8_t op, const uint8_t *in, uint32_t nin,
                      const uint8_t *out, uint32_t nout) {
  if (v->nctrls == v->capctrls) {
    size_t ncap = v->capctrls ? v->capctrls * 2 : 64;
    if (ncap > SIZE_MAX / sizeof(ctrl)) return nomem(v);
    ctrl *p = vw_realloc(&v->m->alloc, v->ctrls, ncap * sizeof(ctrl));
    if (!p) return nomem(v);
    v->ctrls = p;
    v->capctrls = ncap;
  }
  ctrl *c = &v->ctrls[v->nctrls++];
  c->op = op;
  c->in = in;
  c->nin = nin;
  c->out = out;
  c->nout = nout;
  c->height = v->nvals;
  c->unreachable = 0;
  return push_vals(v, in, nin);
}

/* Checks the frame's results are exactly what is left, and pops it into
** *out. */
static bool pop_ctrl(val *v, ctrl *out) {
  *out = v->ctrls[v->nctrls - 1];
  if (!v->syn) {
    if (!pop_vals(v, out->out, out->nout)) return false;
    if (v->nvals != out->height) return mismatch(v);
  }
  v->nctrls--;
  return true;
}

static void set_unreachable(val *v) {
  ctrl *c = &v->ctrls[v->nctrls - 1];
  if (!v->syn) v->nvals = c->height;
  c->unreachable = 1;
}

/* Types a branch to frame c carries: a loop's label is its start. */
static void label_types(const ctrl *c, const uint8_t **ts, uint32_t *n) {
  if (c->op == OP_LOOP) {
    *ts = c->in;
    *n = c->nin;
  } else {
    *ts = c->out;
    *n = c->nout;
  }
}

/* The frame of branch depth `depth`, or NULL (error set unless syn). */
static const ctrl *label_at(val *v, uint32_t depth, bool *ok) {
  *ok = true;
  if (depth >= v->nctrls) {
    *ok = invalid(v, "unknown label");
    return NULL;
  }
  return &v->ctrls[v->nctrls - 1 - depth];
}

/* ---- index spaces ---------------------------------------------------- */

static const vw_functype *type_at(const vw_module *m, uint32_t idx) {
  return idx < m->ntypes ? &m->types[idx] : NULL;
}

static const vw_functype *func_type_at(const vw_module *m, uint32_t idx) {
  return idx < m->nfuncs ? type_at(m, m->func_type[idx]) : NULL;
}

static bool has_ref(const val *v, uint32_t f) {
  return v->refs && f < v->m->nfuncs && (v->refs[f >> 3] >> (f & 7)) & 1;
}

static void add_ref(val *v, const vw_constexpr *c) {
  if (c->op == VW_CONST_REF_FUNC && c->value < v->m->nfuncs)
    v->refs[c->value >> 3] |= (uint8_t)(1u << (c->value & 7));
}

/* ---- module-level rules ---------------------------------------------- */

static vw_status fail_at(val *v, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static vw_status fail_at(val *v, size_t offset, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return vw_fail(v->err, VW_ERR_INVALID, offset, "%s", msg);
}

/* A constant expression (already shaped by the decoder) must produce
** `want`.  Like the spec's C' context, global.get may only name an
** imported global, and that global must be immutable. */
static vw_status check_const(val *v, const vw_constexpr *c, uint8_t want) {
  const vw_module *m = v->m;
  uint8_t t;
  switch (c->op) {
    case VW_CONST_I32: t = VW_I32; break;
    case VW_CONST_I64: t = VW_I64; break;
    case VW_CONST_F32: t = VW_F32; break;
    case VW_CONST_F64: t = VW_F64; break;
    case VW_CONST_V128: t = VW_V128; break;
    case VW_CONST_REF_NULL: t = c->reftype; break;
    case VW_CONST_REF_FUNC:
      if (c->value >= m->nfuncs)
        return fail_at(v, c->offset, "unknown function %u", (unsigned)c->value);
      t = VW_FUNCREF;
      break;
    case VW_CONST_GLOBAL_GET:
      if (c->value >= m->nglobal_imports)
        return fail_at(v, c->offset, "unknown global %u", (unsigned)c->value);
      if (m->globals[c->value].mut)
        return fail_at(v, c->offset, "constant expression required");
      t = m->globals[c->value].type;
      break;
    default: return fail_at(v, c->offset, "constant expression required");
  }
  if (t != want) return fail_at(v, c->offset, "type mismatch");
  return VW_OK;
}

static vw_status check_limits(val *v, const vw_limits *l, uint64_t range,
                              const char *range_msg) {
  if (range_msg && (l->min > range || (l->has_max && l->max > range)))
    return fail_at(v, VW_NO_OFFSET, "%s", range_msg);
  if (l->has_max && l->min > l->max)
    return fail_at(v, VW_NO_OFFSET,
                   "size minimum must not be greater than maximum");
  return VW_OK;
}

/* Export names are compared as byte strings: they may contain NUL. */
static int cmp_exports(const void *a, const void *b) {
  const vw_export *x = *(const vw_export *const *)a;
  const vw_export *y = *(const vw_export *const *)b;
  uint32_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
  int c = memcmp(x->name, y->name, n);
  if (c) return c;
  return (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

static vw_status check_exports(val *v) {
  const vw_module *m = v->m;
  for (uint32_t i = 0; i < m->nexports; i++) {
    const vw_export *e = &m->exports[i];
    switch (e->kind) {
      case VW_EXTERN_FUNC:
        if (e->index >= m->nfuncs)
          return fail_at(v, VW_NO_OFFSET, "unknown function %u", e->index);
        break;
      case VW_EXTERN_TABLE:
        if (e->index >= m->ntables)
          return fail_at(v, VW_NO_OFFSET, "unknown table %u", e->index);
        break;
      case VW_EXTERN_MEMORY:
        if (e->index >= m->nmems)
          return fail_at(v, VW_NO_OFFSET, "unknown memory %u", e->index);
        break;
      case VW_EXTERN_GLOBAL:
        if (e->index >= m->nglobals)
          return fail_at(v, VW_NO_OFFSET, "unknown global %u", e->index);
        break;
      default: return fail_at(v, VW_NO_OFFSET, "malformed export kind");
    }
  }
  if (m->nexports < 2) return VW_OK;
  /* sort pointers to the exports by name: duplicates end up adjacent */
  const vw_export **sorted = vw_calloc(&m->alloc, m->nexports, sizeof *sorted);
  if (!sorted)
    return vw_fail(v->err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
  for (uint32_t i = 0; i < m->nexports; i++) sorted[i] = &m->exports[i];
  qsort(sorted, m->nexports, sizeof *sorted, cmp_exports);
  vw_status st = VW_OK;
  for (uint32_t i = 1; i < m->nexports; i++)
    if (cmp_exports(&sorted[i - 1], &sorted[i]) == 0) {
      st = fail_at(v, VW_NO_OFFSET, "duplicate export name");
      break;
    }
  vw_free(&v->m->alloc, sorted);
  return st;
}

static vw_status check_module(val *v) {
  const vw_module *m = v->m;
  vw_status st;
  for (uint32_t i = 0; i < m->nfuncs; i++)
    if (m->func_type[i] >= m->ntypes)
      return fail_at(v, VW_NO_OFFSET, "unknown type %u", m->func_type[i]);
  for (uint32_t i = 0; i < m->nglobals - m->nglobal_imports; i++)
    if ((st = check_const(v, &m->global_init[i],
                          m->globals[m->nglobal_imports + i].type)))
      return st;
  for (uint32_t i = 0; i < m->ntables; i++)
    if ((st = check_limits(v, &m->tables[i].lim, UINT32_MAX, NULL))) return st;
  for (uint32_t i = 0; i < m->nmems; i++)
    if ((st = check_limits(v, &m->mems[i], VW_MAX_PAGES,
                           "memory size must be at most 65536 pages (4GiB)")))
      return st;
  if (m->nmems > 1) return fail_at(v, VW_NO_OFFSET, "multiple memories");
  for (uint32_t i = 0; i < m->nelems; i++) {
    const vw_elem *e = &m->elems[i];
    if (e->mode == VW_SEG_ACTIVE) {
      if (e->table >= m->ntables)
        return fail_at(v, e->offset.offset, "unknown table %u", e->table);
      if ((st = check_const(v, &e->offset, VW_I32))) return st;
      if (m->tables[e->table].elemtype != e->elemtype)
        return fail_at(v, e->offset.offset, "type mismatch");
    }
    for (uint32_t k = 0; k < e->count; k++)
      if ((st = check_const(v, &e->items[k], e->elemtype))) return st;
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const vw_data *d = &m->datas[i];
    if (d->mode != VW_SEG_ACTIVE) continue;
    if (d->mem >= m->nmems)
      return fail_at(v, d->offset.offset, "unknown memory %u", d->mem);
    if ((st = check_const(v, &d->offset, VW_I32))) return st;
  }
  if (m->has_start) {
    const vw_functype *t = func_type_at(m, m->start);
    if (!t) return fail_at(v, VW_NO_OFFSET, "unknown function %u", m->start);
    if (t->nparams || t->nresults)
      return fail_at(v, VW_NO_OFFSET, "start function");
  }
  return check_exports(v);
}

/* C.refs: the functions named by ref.func in globals, segments and exports
** (not in bodies, not the start function). */
static vw_status collect_refs(val *v) {
  const vw_module *m = v->m;
  v->refs = vw_calloc(&v->m->alloc, (size_t)m->nfuncs / 8 + 1, 1);
  if (!v->refs)
    return vw_fail(v->err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
  for (uint32_t i = 0; i < m->nglobals - m->nglobal_imports; i++)
    add_ref(v, &m->global_init[i]);
  for (uint32_t i = 0; i < m->nelems; i++) {
    if (m->elems[i].mode == VW_SEG_ACTIVE) add_ref(v, &m->elems[i].offset);
    for (uint32_t k = 0; k < m->elems[i].count; k++)
      add_ref(v, &m->elems[i].items[k]);
  }
  for (uint32_t i = 0; i < m->ndatas; i++)
    if (m->datas[i].mode == VW_SEG_ACTIVE) add_ref(v, &m->datas[i].offset);
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == VW_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
      v->refs[m->exports[i].index >> 3] |=
          (uint8_t)(1u << (m->exports[i].index & 7));
  return VW_OK;
}

/* ---- instructions ---------------------------------------------------- */

/* Operand and result types of the one-or-two-operand numeric instructions
** 0x45..0xc4 (tests, comparisons, arithmetic, conversions, sign
** extension).  b is UNK for unary operators. */
static void numeric_sig(uint8_t op, uint8_t *a, uint8_t *b, uint8_t *r) {
  /* conversions 0xa7..0xc4: {operand, result} */
  static const uint8_t conv[30][2] = {
    { VW_I64, VW_I32 }, /* a7 wrap */
    { VW_F32, VW_I32 }, { VW_F32, VW_I32 }, { VW_F64, VW_I32 },
    { VW_F64, VW_I32 }, { VW_I32, VW_I64 }, { VW_I32, VW_I64 }, /* ac ad */
    { VW_F32, VW_I64 }, { VW_F32, VW_I64 }, { VW_F64, VW_I64 },
    { VW_F64, VW_I64 }, { VW_I32, VW_F32 }, { VW_I32, VW_F32 },
    { VW_I64, VW_F32 }, { VW_I64, VW_F32 }, { VW_F64, VW_F32 }, /* b6 demote */
    { VW_I32, VW_F64 }, { VW_I32, VW_F64 }, { VW_I64, VW_F64 },
    { VW_I64, VW_F64 }, { VW_F32, VW_F64 }, /* bb promote */
    { VW_F32, VW_I32 }, { VW_F64, VW_I64 }, { VW_I32, VW_F32 },
    { VW_I64, VW_F64 }, { VW_I32, VW_I32 }, { VW_I32, VW_I32 }, /* c0 c1 */
    { VW_I64, VW_I64 }, { VW_I64, VW_I64 }, { VW_I64, VW_I64 }, /* c2..c4 */
  };
#define UN(t, res)  (*a = (t), *b = UNK, *r = (res))
#define BIN(t, res) (*a = (t), *b = (t), *r = (res))
  if (op == WASM_I32_EQZ)
    UN(VW_I32, VW_I32);
  else if (op <= WASM_I32_GE_U)
    BIN(VW_I32, VW_I32);
  else if (op == WASM_I64_EQZ)
    UN(VW_I64, VW_I32);
  else if (op <= WASM_I64_GE_U)
    BIN(VW_I64, VW_I32);
  else if (op <= WASM_F32_GE)
    BIN(VW_F32, VW_I32);
  else if (op <= WASM_F64_GE)
    BIN(VW_F64, VW_I32);
  else if (op <= WASM_I32_POPCNT)
    UN(VW_I32, VW_I32);
  else if (op <= WASM_I32_ROTR)
    BIN(VW_I32, VW_I32);
  else if (op <= WASM_I64_POPCNT)
    UN(VW_I64, VW_I64);
  else if (op <= WASM_I64_ROTR)
    BIN(VW_I64, VW_I64);
  else if (op <= WASM_F32_SQRT)
    UN(VW_F32, VW_F32);
  else if (op <= WASM_F32_COPYSIGN)
    BIN(VW_F32, VW_F32);
  else if (op <= WASM_F64_SQRT)
    UN(VW_F64, VW_F64);
  else if (op <= WASM_F64_COPYSIGN)
    BIN(VW_F64, VW_F64);
  else
    UN(conv[op - WASM_I32_WRAP_I64][0], conv[op - WASM_I32_WRAP_I64][1]);
#undef UN
#undef BIN
}

/* Natural alignment (log2 bytes) and value type of loads 0x28..0x35 and
** stores 0x36..0x3e. */
static const uint8_t mem_align[] = {
  2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, /* loads */
  2, 3, 2, 3, 0, 1, 0, 1, 2,                /* stores */
};
static const uint8_t mem_type[] = {
  VW_I32, VW_I64, VW_F32, VW_F64, VW_I32, VW_I32, VW_I32, VW_I32,
  VW_I64, VW_I64, VW_I64, VW_I64, VW_I64, VW_I64, VW_I32, VW_I64,
  VW_F32, VW_F64, VW_I32, VW_I32, VW_I64, VW_I64, VW_I64,
};

typedef struct body {
  val *v;
  vw_reader r;
  const vw_funcdef *fd;
  const vw_functype *ft;
} body;

static bool memarg(body *b, unsigned natural);

/* Shapes of the regular SIMD instructions. */
enum {
  SIMD_ILLEGAL,
  SIMD_SPECIAL,
  SIMD_UNARY,
  SIMD_BINARY,
  SIMD_TERNARY,
  SIMD_TEST,
  SIMD_SHIFT
};

static int simd_shape(uint32_t sub) {
  switch (sub) {
    case WASM_FD_V128_LOAD ... WASM_FD_I8X16_SHUFFLE:
    case WASM_FD_I8X16_SPLAT ... WASM_FD_F64X2_REPLACE_LANE:
    case WASM_FD_V128_LOAD8_LANE ... WASM_FD_V128_LOAD64_ZERO:
      return SIMD_SPECIAL;
    case WASM_FD_V128_NOT:
    case WASM_FD_F32X4_DEMOTE_F64X2_ZERO ... WASM_FD_I8X16_POPCNT:
    case WASM_FD_F32X4_CEIL ... WASM_FD_F32X4_NEAREST:
    case WASM_FD_F64X2_CEIL:
    case WASM_FD_F64X2_FLOOR:
    case WASM_FD_F64X2_TRUNC:
    case WASM_FD_I16X8_EXTADD_PAIRWISE_I8X16_S ... WASM_FD_I16X8_NEG:
    case WASM_FD_I16X8_EXTEND_LOW_I8X16_S ... WASM_FD_I16X8_EXTEND_HIGH_I8X16_U:
    case WASM_FD_F64X2_NEAREST:
    case WASM_FD_I32X4_ABS:
    case WASM_FD_I32X4_NEG:
    case WASM_FD_I32X4_EXTEND_LOW_I16X8_S ... WASM_FD_I32X4_EXTEND_HIGH_I16X8_U:
    case WASM_FD_I64X2_ABS:
    case WASM_FD_I64X2_NEG:
    case WASM_FD_I64X2_EXTEND_LOW_I32X4_S ... WASM_FD_I64X2_EXTEND_HIGH_I32X4_U:
    case WASM_FD_F32X4_ABS:
    case WASM_FD_F32X4_NEG:
    case WASM_FD_F32X4_SQRT:
    case WASM_FD_F64X2_ABS:
    case WASM_FD_F64X2_NEG:
    case WASM_FD_F64X2_SQRT:
    case WASM_FD_I32X4_TRUNC_SAT_F32X4_S ... WASM_FD_F64X2_CONVERT_LOW_I32X4_U:
      return SIMD_UNARY;
    case WASM_FD_I8X16_SWIZZLE:
    case WASM_FD_I8X16_EQ ... WASM_FD_F64X2_GE:
    case WASM_FD_V128_AND ... WASM_FD_V128_XOR:
    case WASM_FD_I8X16_NARROW_I16X8_S:
    case WASM_FD_I8X16_NARROW_I16X8_U:
    case WASM_FD_I8X16_ADD ... WASM_FD_I8X16_SUB_SAT_U:
    case WASM_FD_I8X16_MIN_S ... WASM_FD_I8X16_MAX_U:
    case WASM_FD_I8X16_AVGR_U:
    case WASM_FD_I16X8_Q15MULR_SAT_S:
    case WASM_FD_I16X8_NARROW_I32X4_S:
    case WASM_FD_I16X8_NARROW_I32X4_U:
    case WASM_FD_I16X8_ADD ... WASM_FD_I16X8_SUB_SAT_U:
    case WASM_FD_I16X8_MUL ... WASM_FD_I16X8_MAX_U:
    case WASM_FD_I16X8_AVGR_U ... WASM_FD_I16X8_EXTMUL_HIGH_I8X16_U:
    case WASM_FD_I32X4_ADD:
    case WASM_FD_I32X4_SUB:
    case WASM_FD_I32X4_MUL ... WASM_FD_I32X4_DOT_I16X8_S:
    case WASM_FD_I32X4_EXTMUL_LOW_I16X8_S ... WASM_FD_I32X4_EXTMUL_HIGH_I16X8_U:
    case WASM_FD_I64X2_ADD:
    case WASM_FD_I64X2_SUB:
    case WASM_FD_I64X2_MUL ... WASM_FD_I64X2_EXTMUL_HIGH_I32X4_U:
    case WASM_FD_F32X4_ADD ... WASM_FD_F32X4_PMAX:
    case WASM_FD_F64X2_ADD ... WASM_FD_F64X2_PMAX: return SIMD_BINARY;
    case WASM_FD_V128_BITSELECT: return SIMD_TERNARY;
    case WASM_FD_V128_ANY_TRUE:
    case WASM_FD_I8X16_ALL_TRUE:
    case WASM_FD_I8X16_BITMASK:
    case WASM_FD_I16X8_ALL_TRUE:
    case WASM_FD_I16X8_BITMASK:
    case WASM_FD_I32X4_ALL_TRUE:
    case WASM_FD_I32X4_BITMASK:
    case WASM_FD_I64X2_ALL_TRUE:
    case WASM_FD_I64X2_BITMASK: return SIMD_TEST;
    case WASM_FD_I8X16_SHL ... WASM_FD_I8X16_SHR_U:
    case WASM_FD_I16X8_SHL ... WASM_FD_I16X8_SHR_U:
    case WASM_FD_I32X4_SHL ... WASM_FD_I32X4_SHR_U:
    case WASM_FD_I64X2_SHL ... WASM_FD_I64X2_SHR_U: return SIMD_SHIFT;
    default: return SIMD_ILLEGAL;
  }
}

/* Reads a lane index immediate and checks it is below `lanes`. */
static bool lane(body *b, unsigned lanes) {
  uint8_t l;
  if (!vw_read_u8(&b->r, &l)) return false;
  if (l >= lanes) return invalid(b->v, "invalid lane index");
  return true;
}

/* Lane access: splat, extract_lane, replace_lane. */
static bool simd_lanes(body *b, uint32_t sub) {
  val *v = b->v;
  /* lanes of extract/replace, and their scalar type */
  static const uint8_t lane_count[14] = { 16, 16, 16, 8, 8, 8, 4,
                                          4,  2,  2,  4, 4, 2, 2 };
  static const uint8_t lane_type[14] = { VW_I32, VW_I32, VW_I32, VW_I32, VW_I32,
                                         VW_I32, VW_I32, VW_I32, VW_I64, VW_I64,
                                         VW_F32, VW_F32, VW_F64, VW_F64 };
  static const uint8_t splat_type[6] = { VW_I32, VW_I32, VW_I32,
                                         VW_I64, VW_F32, VW_F64 };
  if (sub <= WASM_FD_F64X2_SPLAT)
    return pop_expect(v, splat_type[sub - WASM_FD_I8X16_SPLAT]) &&
           push(v, VW_V128);
  unsigned k = sub - WASM_FD_I8X16_EXTRACT_LANE_S;
  if (!lane(b, lane_count[k])) return false;
  /* i8x16 and i16x8 have _s and _u extracts then replace; the wider
  ** shapes have one extract then replace */
  bool replace = k == 2 || k == 5 || (k >= 6 && (k & 1));
  if (replace)
    return pop_expect(v, lane_type[k]) && pop_expect(v, VW_V128) &&
           push(v, VW_V128);
  return pop_expect(v, VW_V128) && push(v, lane_type[k]);
}

/* The SIMD instructions with immediates: memory accesses, v128.const,
** i8x16.shuffle and the lane ops. */
static bool simd_special(body *b, uint32_t sub) {
  val *v = b->v;
  /* natural alignment (log2) of the plain loads v128.load..load64_splat */
  static const uint8_t load_align[11] = { 4, 3, 3, 3, 3, 3, 3, 0, 1, 2, 3 };
  if (sub <= WASM_FD_V128_LOAD64_SPLAT) {
    if (!memarg(b, load_align[sub])) return false;
    return pop_expect(v, VW_I32) && push(v, VW_V128);
  }
  if (sub == WASM_FD_V128_STORE) {
    if (!memarg(b, 4)) return false;
    return pop_expect(v, VW_V128) && pop_expect(v, VW_I32);
  }
  if (sub == WASM_FD_V128_CONST) {
    const uint8_t *bytes;
    if (!vw_read_bytes(&b->r, 16, &bytes)) return false;
    return push(v, VW_V128);
  }
  if (sub == WASM_FD_I8X16_SHUFFLE) {
    bool bad = false;
    for (int i = 0; i < 16; i++) {
      uint8_t l;
      if (!vw_read_u8(&b->r, &l)) return false;
      bad |= l >= 32;
    }
    if (bad && !invalid(v, "invalid lane index")) return false;
    return pop_expect(v, VW_V128) && pop_expect(v, VW_V128) && push(v, VW_V128);
  }
  if (sub >= WASM_FD_I8X16_SPLAT && sub <= WASM_FD_F64X2_REPLACE_LANE)
    return simd_lanes(b, sub);
  if (sub >= WASM_FD_V128_LOAD8_LANE && sub <= WASM_FD_V128_STORE64_LANE) {
    unsigned sz = (sub - WASM_FD_V128_LOAD8_LANE) & 3; /* log2 bytes */
    if (!memarg(b, sz)) return false;
    if (!lane(b, 16u >> sz)) return false;
    if (sub <= WASM_FD_V128_LOAD64_LANE)
      return pop_expect(v, VW_V128) && pop_expect(v, VW_I32) &&
             push(v, VW_V128);
    return pop_expect(v, VW_V128) && pop_expect(v, VW_I32);
  }
  /* v128.load32_zero, v128.load64_zero */
  if (!memarg(b, sub == WASM_FD_V128_LOAD32_ZERO ? 2 : 3)) return false;
  return pop_expect(v, VW_I32) && push(v, VW_V128);
}

/* The 0xfd prefix: the fixed-width SIMD instructions of WebAssembly 2.0. */
static bool prefix_fd(body *b) {
  val *v = b->v;
  uint32_t sub;
  if (!vw_read_u32(&b->r, &sub)) return false;
  switch (simd_shape(sub)) {
    case SIMD_UNARY: return pop_expect(v, VW_V128) && push(v, VW_V128);
    case SIMD_BINARY:
      return pop_expect(v, VW_V128) && pop_expect(v, VW_V128) &&
             push(v, VW_V128);
    case SIMD_TERNARY:
      return pop_expect(v, VW_V128) && pop_expect(v, VW_V128) &&
             pop_expect(v, VW_V128) && push(v, VW_V128);
    case SIMD_TEST: return pop_expect(v, VW_V128) && push(v, VW_I32);
    case SIMD_SHIFT:
      return pop_expect(v, VW_I32) && pop_expect(v, VW_V128) &&
             push(v, VW_V128);
    case SIMD_SPECIAL: return simd_special(b, sub);
    default: return malformed(v, v->at, "illegal opcode");
  }
}

/* Reads a memarg whose natural alignment is 2^natural and checks memory 0
** exists. */
static bool memarg(body *b, unsigned natural) {
  val *v = b->v;
  uint32_t align, offset;
  if (!vw_read_u32(&b->r, &align) || !vw_read_u32(&b->r, &offset)) return false;
  if (align > natural &&
      !invalid(v, "alignment must not be larger than natural"))
    return false;
  if (v->m->nmems == 0 && !invalid(v, "unknown memory 0")) return false;
  return true;
}

/* The immediate of block, loop and if. */
static bool blocktype(body *b, const uint8_t **in, uint32_t *nin,
                      const uint8_t **out, uint32_t *nout) {
  val *v = b->v;
  *in = *out = NULL;
  *nin = *nout = 0;
  if (b->r.p >= b->r.end) return vw_reader_fail(&b->r, "unexpected end");
  uint8_t first = *b->r.p;
  if (first == WASM_BLOCKTYPE_EMPTY) {
    b->r.p++;
    return true;
  }
  if (vw_is_val_type(first)) {
    b->r.p++;
    *out = valtype_list(first);
    *nout = 1;
    return true;
  }
  /* otherwise a type index, as a positive s33 */
  const uint8_t *start = b->r.p;
  int64_t x;
  if (!vw_read_s33(&b->r, &x)) return false;
  if (x < 0) {
    b->r.p = start; /* point the error at the block type */
    return vw_reader_fail(&b->r, "malformed value type");
  }
  const vw_functype *t = type_at(v->m, (uint32_t)x);
  if (x > UINT32_MAX || !t)
    return invalid(v, "unknown type %lld", (long long)x);
  *in = t->params;
  *nin = t->nparams;
  *out = t->results;
  *nout = t->nresults;
  return true;
}

/* Reads one reserved zero byte. */
static bool zero_byte(body *b) {
  uint8_t z;
  if (!vw_read_u8(&b->r, &z)) return false;
  if (z != 0) {
    b->r.p--;
    return vw_reader_fail(&b->r, "zero byte expected");
  }
  return true;
}

static uint8_t local_type(body *b, uint32_t idx, bool *ok) {
  *ok = true;
  if (b->ft && idx < b->ft->nparams) return b->ft->params[idx];
  uint64_t k = (uint64_t)idx - (b->ft ? b->ft->nparams : 0);
  if (k < b->fd->nlocals) return b->fd->local_types[k];
  *ok = invalid(b->v, "unknown local %u", idx);
  return UNK;
}

static const vw_globaltype *global_at(body *b, uint32_t idx, bool *ok) {
  *ok = true;
  if (idx < b->v->m->nglobals) return &b->v->m->globals[idx];
  *ok = invalid(b->v, "unknown global %u", idx);
  return NULL;
}

static const vw_tabletype *table_at(body *b, uint32_t idx, bool *ok) {
  *ok = true;
  if (idx < b->v->m->ntables) return &b->v->m->tables[idx];
  *ok = invalid(b->v, "unknown table %u", idx);
  return NULL;
}

static const vw_elem *elem_at(body *b, uint32_t idx, bool *ok) {
  *ok = true;
  if (idx < b->v->m->nelems) return &b->v->m->elems[idx];
  *ok = invalid(b->v, "unknown elem segment %u", idx);
  return NULL;
}

/* Pops the three i32 operands of the bulk memory and table ops. */
static bool pop3_i32(val *v) {
  return pop_expect(v, VW_I32) && pop_expect(v, VW_I32) &&
         pop_expect(v, VW_I32);
}

/* memory.init, data.drop, memory.copy, memory.fill */
static bool bulk_memory(body *b, uint32_t sub) {
  val *v = b->v;
  const vw_module *m = v->m;
  uint32_t x;
  if (sub == WASM_FC_MEMORY_COPY || sub == WASM_FC_MEMORY_FILL) {
    if (!zero_byte(b)) return false;
    if (sub == WASM_FC_MEMORY_COPY && !zero_byte(b)) return false;
    if (m->nmems == 0 && !invalid(v, "unknown memory 0")) return false;
    return pop3_i32(v);
  }
  if (!vw_read_u32(&b->r, &x)) return false;
  if (sub == WASM_FC_MEMORY_INIT && !zero_byte(b)) return false;
  /* Without a data count section the binary is malformed; but text
  ** tools (wat2wasm) omit the section when there are no data segments,
  ** and then the index is simply unknown, as the spec tests expect. */
  if (!m->has_datacount && m->ndatas > 0) {
    return malformed(v, v->at, "data count section required");
  }
  if (sub == WASM_FC_MEMORY_INIT && m->nmems == 0 &&
      !invalid(v, "unknown memory 0"))
    return false;
  if (x >= (m->has_datacount ? m->datacount : 0) &&
      !invalid(v, "unknown data segment %u", x))
    return false;
  if (sub == WASM_FC_DATA_DROP) return true;
  return pop3_i32(v);
}

/* table.init, elem.drop, table.copy, table.grow, table.size, table.fill */
static bool table_op(body *b, uint32_t sub) {
  val *v = b->v;
  vw_reader *r = &b->r;
  uint32_t x, y;
  bool ok;
  if (sub == WASM_FC_TABLE_INIT || sub == WASM_FC_TABLE_COPY) {
    /* table.init elem table; table.copy dst src */
    if (!vw_read_u32(r, &x) || !vw_read_u32(r, &y)) return false;
    const vw_tabletype *t = table_at(b, sub == WASM_FC_TABLE_INIT ? y : x, &ok);
    if (!ok) return false;
    uint8_t other = UNK;
    if (sub == WASM_FC_TABLE_INIT) {
      const vw_elem *e = elem_at(b, x, &ok);
      if (!ok) return false;
      if (e) other = e->elemtype;
    } else {
      const vw_tabletype *ty = table_at(b, y, &ok);
      if (!ok) return false;
      if (ty) other = ty->elemtype;
    }
    if (t && other != UNK && t->elemtype != other && !mismatch(v)) return false;
    return pop3_i32(v);
  }
  if (!vw_read_u32(r, &x)) return false;
  if (sub == WASM_FC_ELEM_DROP) {
    elem_at(b, x, &ok);
    return ok;
  }
  const vw_tabletype *t = table_at(b, x, &ok);
  if (!ok) return false;
  uint8_t et = t ? t->elemtype : UNK;
  if (sub == WASM_FC_TABLE_GROW)
    return pop_expect(v, VW_I32) && pop_expect(v, et) && push(v, VW_I32);
  if (sub == WASM_FC_TABLE_SIZE) return push(v, VW_I32);
  return pop_expect(v, VW_I32) && pop_expect(v, et) && pop_expect(v, VW_I32);
}

/* The 0xfc prefix: saturating truncation, bulk memory and table ops. */
static bool prefix_fc(body *b) {
  val *v = b->v;
  uint32_t sub;
  if (!vw_read_u32(&b->r, &sub)) return false;
  switch (sub) {
    case WASM_FC_I32_TRUNC_SAT_F32_S ... WASM_FC_I64_TRUNC_SAT_F64_U: {
      static const uint8_t from[8] = { VW_F32, VW_F32, VW_F64, VW_F64,
                                       VW_F32, VW_F32, VW_F64, VW_F64 };
      return pop_expect(v, from[sub]) &&
             push(v, sub <= WASM_FC_I32_TRUNC_SAT_F64_U ? VW_I32 : VW_I64);
    }
    case WASM_FC_MEMORY_INIT:
    case WASM_FC_DATA_DROP:
    case WASM_FC_MEMORY_COPY:
    case WASM_FC_MEMORY_FILL: return bulk_memory(b, sub);
    case WASM_FC_TABLE_INIT ... WASM_FC_TABLE_FILL: return table_op(b, sub);
    default: return malformed(v, v->at, "illegal opcode");
  }
}

/* block, loop, if, else, end; sets *done at the body's final `end`. */
static bool control(body *b, uint8_t op, bool *done) {
  val *v = b->v;
  ctrl c;
  if (op == WASM_ELSE) {
    /* the spec's decoder ends a block's body at `else` and then wants
    ** `end`, so a stray `else` is a decoding error */
    if (v->ctrls[v->nctrls - 1].op != OP_IF)
      return malformed(v, v->at, "END opcode expected");
    return pop_ctrl(v, &c) && push_ctrl(v, OP_ELSE, c.in, c.nin, c.out, c.nout);
  }
  if (op == WASM_END) {
    if (!pop_ctrl(v, &c)) return false;
    /* an if without else has an implicit empty else: params = results */
    if (c.op == OP_IF && !v->syn &&
        (c.nin != c.nout || (c.nin && memcmp(c.in, c.out, c.nin))))
      return mismatch(v);
    if (v->nctrls == 0) {
      *done = true;
      return true;
    }
    return push_vals(v, c.out, c.nout);
  }
  const uint8_t *in, *out;
  uint32_t nin, nout;
  if (!blocktype(b, &in, &nin, &out, &nout)) return false;
  if (op == WASM_IF && !pop_expect(v, VW_I32)) return false;
  return pop_vals(v, in, nin) && push_ctrl(v, op, in, nin, out, nout);
}

/* br_table: the default label decides the arity, but comes last: the
** targets are skipped once to find it, then checked against it. */
static bool br_table(body *b) {
  val *v = b->v;
  vw_reader *r = &b->r;
  uint32_t n, dflt, x;
  bool ok;
  if (!vw_read_u32(r, &n)) return false;
  vw_reader targets = *r;
  for (uint32_t i = 0; i < n; i++)
    if (!vw_read_u32(r, &x)) return false;
  if (!vw_read_u32(r, &dflt)) return false;
  if (!pop_expect(v, VW_I32)) return false;
  const ctrl *dc = label_at(v, dflt, &ok);
  if (!ok) return false;
  const uint8_t *dts = NULL;
  uint32_t dn = 0;
  if (dc) label_types(dc, &dts, &dn);
  for (uint32_t i = 0; i < n; i++) {
    x = 0;
    vw_read_u32(&targets, &x); /* read successfully above */
    const ctrl *c = label_at(v, x, &ok);
    if (!ok) return false;
    if (!c || !dc) continue;
    const uint8_t *ts;
    uint32_t tn;
    label_types(c, &ts, &tn);
    if (tn != dn && !mismatch(v)) return false;
    if (!peek_vals(v, ts, tn)) return false;
  }
  if (dc && !pop_vals(v, dts, dn)) return false;
  set_unreachable(v);
  return true;
}

/* unreachable, br, br_if, br_table, return */
static bool branch(body *b, uint8_t op) {
  val *v = b->v;
  uint32_t x;
  bool ok;
  if (op == WASM_UNREACHABLE) {
    set_unreachable(v);
    return true;
  }
  if (op == WASM_BR_TABLE) return br_table(b);
  if (op == WASM_RETURN) {
    if (b->ft && !pop_vals(v, b->ft->results, b->ft->nresults)) return false;
    set_unreachable(v);
    return true;
  }
  if (!vw_read_u32(&b->r, &x)) return false;
  const ctrl *c = label_at(v, x, &ok);
  if (!ok) return false;
  if (!c) return true;
  const uint8_t *ts;
  uint32_t n;
  label_types(c, &ts, &n);
  if (op == WASM_BR) {
    if (!pop_vals(v, ts, n)) return false;
    set_unreachable(v);
    return true;
  }
  return pop_expect(v, VW_I32) && pop_vals(v, ts, n) && push_vals(v, ts, n);
}

/* call x, call_indirect y x */
static bool call(body *b, uint8_t op) {
  val *v = b->v;
  const vw_module *m = v->m;
  uint32_t x, y;
  bool ok;
  if (op == WASM_CALL) {
    if (!vw_read_u32(&b->r, &x)) return false;
    const vw_functype *t = func_type_at(m, x);
    if (!t) return invalid(v, "unknown function %u", x);
    return pop_vals(v, t->params, t->nparams) &&
           push_vals(v, t->results, t->nresults);
  }
  if (!vw_read_u32(&b->r, &y) || !vw_read_u32(&b->r, &x)) return false;
  const vw_tabletype *tt = table_at(b, x, &ok);
  if (!ok) return false;
  if (tt && tt->elemtype != VW_FUNCREF && !mismatch(v)) return false;
  const vw_functype *t = type_at(m, y);
  if (!t) return invalid(v, "unknown type %u", y);
  return pop_expect(v, VW_I32) && pop_vals(v, t->params, t->nparams) &&
         push_vals(v, t->results, t->nresults);
}

/* drop, select, select t* */
static bool parametric(body *b, uint8_t op) {
  val *v = b->v;
  vw_reader *r = &b->r;
  uint8_t t1, t2;
  if (op == WASM_DROP) return pop(v, &t1);
  if (op == WASM_SELECT) {
    if (!pop_expect(v, VW_I32) || !pop(v, &t1) || !pop(v, &t2)) return false;
    /* without a type immediate only numeric and vector operands */
    if (vw_is_ref_type(t1) || vw_is_ref_type(t2)) return mismatch(v);
    if (t1 != t2 && t1 != UNK && t2 != UNK) return mismatch(v);
    return push(v, t1 == UNK ? t2 : t1);
  }
  uint32_t n;
  uint8_t t = UNK, tk;
  if (!vw_read_u32(r, &n)) return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!vw_read_u8(r, &tk)) return false;
    if (!vw_is_val_type(tk)) {
      r->p--;
      return vw_reader_fail(r, "malformed value type");
    }
    t = tk;
  }
  if (n != 1) return invalid(v, "invalid result arity");
  return pop_expect(v, VW_I32) && pop_expect(v, t) && pop_expect(v, t) &&
         push(v, t);
}

/* local.get/set/tee, global.get/set */
static bool variable(body *b, uint8_t op) {
  val *v = b->v;
  uint32_t x;
  bool ok;
  if (!vw_read_u32(&b->r, &x)) return false;
  if (op <= WASM_LOCAL_TEE) {
    uint8_t t = local_type(b, x, &ok);
    if (!ok) return false;
    if (op == WASM_LOCAL_GET) return push(v, t);
    if (!pop_expect(v, t)) return false;
    return op == WASM_LOCAL_SET || push(v, t);
  }
  const vw_globaltype *g = global_at(b, x, &ok);
  if (!ok) return false;
  if (!g) return true;
  if (op == WASM_GLOBAL_GET) return push(v, g->type);
  if (!g->mut) return invalid(v, "global is immutable");
  return pop_expect(v, g->type);
}

/* table.get, table.set, ref.null, ref.is_null, ref.func */
static bool table_ref(body *b, uint8_t op) {
  val *v = b->v;
  vw_reader *r = &b->r;
  uint32_t x;
  uint8_t t;
  bool ok;
  if (op == WASM_REF_NULL) {
    if (!vw_read_u8(r, &t)) return false;
    if (!vw_is_ref_type(t)) {
      r->p--;
      return vw_reader_fail(r, "malformed reference type");
    }
    return push(v, t);
  }
  if (op == WASM_REF_IS_NULL) {
    if (!pop(v, &t)) return false;
    if (t != UNK && !vw_is_ref_type(t)) return mismatch(v);
    return push(v, VW_I32);
  }
  if (!vw_read_u32(r, &x)) return false;
  if (op == WASM_REF_FUNC) {
    if (x >= v->m->nfuncs) return invalid(v, "unknown function %u", x);
    if (!v->syn && !has_ref(v, x))
      return invalid(v, "undeclared function reference");
    return push(v, VW_FUNCREF);
  }
  const vw_tabletype *tt = table_at(b, x, &ok);
  if (!ok) return false;
  uint8_t et = tt ? tt->elemtype : UNK;
  if (op == WASM_TABLE_GET) return pop_expect(v, VW_I32) && push(v, et);
  return pop_expect(v, et) && pop_expect(v, VW_I32);
}

/* loads, stores, memory.size, memory.grow */
static bool memory(body *b, uint8_t op) {
  val *v = b->v;
  if (op == WASM_MEMORY_SIZE || op == WASM_MEMORY_GROW) {
    if (!zero_byte(b)) return false;
    if (v->m->nmems == 0 && !invalid(v, "unknown memory 0")) return false;
    if (op == WASM_MEMORY_GROW && !pop_expect(v, VW_I32)) return false;
    return push(v, VW_I32);
  }
  unsigned k = op - WASM_I32_LOAD;
  if (!memarg(b, mem_align[k])) return false;
  if (op <= WASM_I64_LOAD32_U)
    return pop_expect(v, VW_I32) && push(v, mem_type[k]);
  return pop_expect(v, mem_type[k]) && pop_expect(v, VW_I32);
}

/* the constants and the numeric instructions */
static bool numeric(body *b, uint8_t op) {
  val *v = b->v;
  vw_reader *r = &b->r;
  switch (op) { /* the immediates are only read */
    case WASM_I32_CONST:
    case WASM_I64_CONST: {
      int64_t k;
      return vw_read_sleb(r, op == WASM_I32_CONST ? 32 : 64, &k) &&
             push(v, op == WASM_I32_CONST ? VW_I32 : VW_I64);
    }
    case WASM_F32_CONST:
    case WASM_F64_CONST: {
      const uint8_t *bits;
      return vw_read_bytes(r, op == WASM_F32_CONST ? 4 : 8, &bits) &&
             push(v, op == WASM_F32_CONST ? VW_F32 : VW_F64);
    }
  }
  uint8_t a, bt, res;
  numeric_sig(op, &a, &bt, &res);
  if (bt != UNK && !pop_expect(v, bt)) return false;
  return pop_expect(v, a) && push(v, res);
}

/* Validates one instruction; sets *done at the body's final `end`.
** Returns false when it fails: a decoding error is left in the reader (the
** caller reports it), any other error is already in v->err. */
static bool instr(body *b, uint8_t op, bool *done) {
  switch (op) {
    case WASM_NOP: return true;
    case WASM_BLOCK:
    case WASM_LOOP:
    case WASM_IF:
    case WASM_ELSE:
    case WASM_END: return control(b, op, done);
    case WASM_UNREACHABLE:
    case WASM_BR:
    case WASM_BR_IF:
    case WASM_BR_TABLE:
    case WASM_RETURN: return branch(b, op);
    case WASM_CALL:
    case WASM_CALL_INDIRECT: return call(b, op);
    case WASM_DROP:
    case WASM_SELECT:
    case WASM_SELECT_T: return parametric(b, op);
    case WASM_LOCAL_GET ... WASM_GLOBAL_SET: return variable(b, op);
    case WASM_TABLE_GET:
    case WASM_TABLE_SET:
    case WASM_REF_NULL:
    case WASM_REF_IS_NULL:
    case WASM_REF_FUNC: return table_ref(b, op);
    case WASM_I32_LOAD ... WASM_MEMORY_GROW: return memory(b, op);
    case WASM_I32_CONST ... WASM_I64_EXTEND32_S: return numeric(b, op);
    case WASM_PREFIX_FC: return prefix_fc(b);
    case WASM_PREFIX_FD: return prefix_fd(b);
    default: return malformed(b->v, b->v->at, "illegal opcode");
  }
}

/* Validates the body of defined function `i`. */
static vw_status check_body(val *v, uint32_t i) {
  const vw_module *m = v->m;
  body b;
  b.v = v;
  b.fd = &m->funcs[i];
  b.ft = func_type_at(m, m->nfunc_imports + i);
  vw_reader_init(&b.r, b.fd->body, b.fd->body, b.fd->body + b.fd->body_len);
  v->nvals = 0;
  v->nctrls = 0;
  v->at = b.fd->body_offset;
  /* the function's own frame: no params on the stack (they are locals) */
  if (!push_ctrl(v, OP_FUNC, NULL, 0, b.ft ? b.ft->results : NULL,
                 b.ft ? b.ft->nresults : 0))
    return v->err->status;
  for (;;) {
    uint8_t op;
    bool done = false;
    v->at = b.fd->body_offset + (size_t)(b.r.p - b.fd->body);
    if (!vw_read_u8(&b.r, &op) || !instr(&b, op, &done)) {
      if (b.r.error)
        return vw_fail(v->err, VW_ERR_MALFORMED,
                       b.fd->body_offset + b.r.error_offset, "%s", b.r.error);
      return v->err->status;
    }
    if (done) break;
  }
  if (b.r.p != b.r.end)
    return vw_fail(v->err, VW_ERR_MALFORMED,
                   b.fd->body_offset + (size_t)(b.r.p - b.fd->body),
                   "section size mismatch");
  return VW_OK;
}

vw_status vw_validate(const vw_module *m, vw_error *err) {
  /* errors must be seen even when the caller passes no vw_error */
  vw_error local;
  vw_error_clear(&local);
  val v;
  memset(&v, 0, sizeof v);
  v.m = m;
  v.err = &local;
  uint32_t ndefs = m->nfuncs - m->nfunc_imports;

  vw_status st = collect_refs(&v);
  if (st == VW_OK) st = check_module(&v);
  for (uint32_t i = 0; st == VW_OK && i < ndefs; i++) st = check_body(&v, i);

  if (st == VW_ERR_INVALID) {
    /* a malformed body anywhere in the binary takes precedence */
    vw_error scan;
    vw_error_clear(&scan);
    v.err = &scan;
    v.syn = true;
    for (uint32_t i = 0; i < ndefs; i++) {
      vw_status s2 = check_body(&v, i);
      if (s2 != VW_OK && s2 != VW_ERR_INVALID) {
        local = scan;
        st = s2;
        break;
      }
    }
  }
  vw_free(&m->alloc, v.vals);
  vw_free(&m->alloc, v.ctrls);
  vw_free(&m->alloc, v.refs);
  if (st != VW_OK && err) *err = local;
  return st;
}
