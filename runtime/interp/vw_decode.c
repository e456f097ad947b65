/*
** vw_decode.c — the WebAssembly 2.0 binary decoder.
**
** Owns turning the bytes of a module (m->bytes, m->len) into the fields of
** struct vw_module: the header, the section order, every known section, the
** constant expressions, the function bodies' local declarations, and the
** "name" custom section's function names.  What it allocates is freed
** by vw_module_clear (vw_module.c).
**
** What is malformed (a decoding error) is decided here; what is invalid
** (type and index rules) is left to vw_validate.c, with one exception: a
** constant expression must be parsed into a vw_constexpr, so its shape
** ("constant expression required", "type mismatch") is checked here.
** Function bodies are not decoded past their local declarations; the
** validator walks the instructions.
**
** All reading goes through the bounds-checked cursor of vw_reader.h, and a
** vector's length is checked against the bytes left before anything is
** allocated for it.
*/
#include <stddef.h>
#include <string.h>

#include "vw_internal.h"
#include "vw_reader.h"
#include "../../base/vy_utf8.h"

/* Most locals one function may declare: a limit of this engine (the spec
** leaves it to implementations; its tests expect a sum past 2^32 to fail).
** It keeps interpreter frames small, and summing counts against it in
** 64 bits cannot overflow. */
#define MAX_LOCALS 50000u

/* Section ids of the binary format. */
enum {
  SEC_CUSTOM = 0,
  SEC_TYPE,
  SEC_IMPORT,
  SEC_FUNCTION,
  SEC_TABLE,
  SEC_MEMORY,
  SEC_GLOBAL,
  SEC_EXPORT,
  SEC_START,
  SEC_ELEMENT,
  SEC_CODE,
  SEC_DATA,
  SEC_DATACOUNT,
  SEC_LAST = SEC_DATACOUNT
};

/* Position of each known section in the required order; the data count
** section sits between element and code. */
static const uint8_t section_rank[SEC_LAST + 1] = {
  [SEC_CUSTOM] = 0, [SEC_TYPE] = 1,    [SEC_IMPORT] = 2,     [SEC_FUNCTION] = 3,
  [SEC_TABLE] = 4,  [SEC_MEMORY] = 5,  [SEC_GLOBAL] = 6,     [SEC_EXPORT] = 7,
  [SEC_START] = 8,  [SEC_ELEMENT] = 9, [SEC_DATACOUNT] = 10, [SEC_CODE] = 11,
  [SEC_DATA] = 12,
};

typedef struct dec {
  vw_module *m;
  const vw_allocator *a; /* the module's */
  vw_error *err;
  /* Running out of bytes is "unexpected end" in the header, custom sections
  ** and element segments, and "unexpected end of section or function"
  ** elsewhere: the wording of the spec's reference decoder, which the spec
  ** tests expect. */
  int plain_eof;
  /* imported entities, counted while reading the import section */
  uint32_t nimp[4];
  /* whether each index space has been built (see build_space) */
  uint8_t built[4];
  uint32_t ndefs_func; /* entries of the function section */
  uint8_t has_code;
  const uint8_t *names; /* payload of the first "name" section */
  size_t names_len;
} dec;

/* ---- error helpers ------------------------------------------------------- */

/* Turns the cursor's recorded error into a MALFORMED status, with the
** spec's wording for running out of bytes (see dec.plain_eof). */
static vw_status rfail(dec *d, const vw_reader *r) {
  const char *msg = r->error ? r->error : "unexpected end";
  if (!d->plain_eof && strcmp(msg, "unexpected end") == 0)
    msg = "unexpected end of section or function";
  return vw_fail(d->err, VW_ERR_MALFORMED, r->error_offset, "%s", msg);
}

static vw_status malformed(dec *d, size_t off, const char *msg) {
  return vw_fail(d->err, VW_ERR_MALFORMED, off, "%s", msg);
}

static vw_status nomem(dec *d) {
  return vw_fail(d->err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
}

#define TRY(x)                                                                 \
  do {                                                                         \
    vw_status st_ = (x);                                                       \
    if (st_ != VW_OK) return st_;                                              \
  } while (0)
#define RD(x)                                                                  \
  do {                                                                         \
    if (!(x)) return rfail(d, r);                                              \
  } while (0)

static size_t remaining(const vw_reader *r) { return (size_t)(r->end - r->p); }

/* Reads a length (of a vector, a name or a byte string) that cannot exceed
** the bytes left, so a huge count never turns into a huge allocation.  Like
** the spec's reference decoder, the bytes of the length itself count as
** left: a count one too large is then reported where the missing entry
** should begin, as a truncation.  A vector needs at least one byte per
** entry, but no more is assumed, so a truncated first entry is reported
** as what it is. */
static vw_status read_len(dec *d, vw_reader *r, uint32_t *out) {
  size_t off = vw_reader_offset(r), avail = remaining(r);
  RD(vw_read_u32(r, out));
  if (*out > avail) return malformed(d, off, "length out of bounds");
  return VW_OK;
}

/* ---- small types --------------------------------------------------------- */

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF,
** no truncated sequences. */
static bool utf8_valid(const uint8_t *s, size_t n) {
  size_t at;
  return vy_utf8_check(s, n, &at) == VY_UTF8_OK;
}

/* A name: length-prefixed UTF-8.  *out gets a NUL-terminated copy if out is
** non-NULL; otherwise the bytes are only checked.  *rawlen, if asked for,
** is the length (names may contain NUL bytes). */
static vw_status read_name(dec *d, vw_reader *r, char **out,
                           const uint8_t **raw, uint32_t *rawlen) {
  uint32_t len;
  const uint8_t *b;
  TRY(read_len(d, r, &len));
  size_t off = vw_reader_offset(r);
  RD(vw_read_bytes(r, len, &b));
  if (!utf8_valid(b, len)) return malformed(d, off, "malformed UTF-8 encoding");
  if (raw) *raw = b;
  if (rawlen) *rawlen = len;
  if (out) {
    *out = vw_strndup(d->a, (const char *)b, len);
    if (!*out) return nomem(d);
  }
  return VW_OK;
}

/* Single-byte type codes are LEB128 in disguise: a set high bit means an
** encoding longer than the one byte the format allows. */
static vw_status read_valtype(dec *d, vw_reader *r, uint8_t *out) {
  size_t off = vw_reader_offset(r);
  RD(vw_read_u8(r, out));
  if (vw_is_val_type(*out)) return VW_OK;
  if (*out & 0x80) return malformed(d, off, "integer representation too long");
  return malformed(d, off, "malformed value type");
}

static vw_status read_reftype(dec *d, vw_reader *r, uint8_t *out) {
  size_t off = vw_reader_offset(r);
  RD(vw_read_u8(r, out));
  if (vw_is_ref_type(*out)) return VW_OK;
  return malformed(d, off, "malformed reference type");
}

static vw_status read_limits(dec *d, vw_reader *r, vw_limits *lim) {
  size_t off = vw_reader_offset(r);
  uint8_t flags;
  RD(vw_read_u8(r, &flags));
  /* the flags are a u32 LEB128 of which only 0 and 1 are defined */
  if (flags & 0x80) return malformed(d, off, "integer representation too long");
  if (flags > 1) return malformed(d, off, "integer too large");
  RD(vw_read_u32(r, &lim->min));
  lim->has_max = flags;
  lim->max = 0;
  if (flags) RD(vw_read_u32(r, &lim->max));
  return VW_OK;
}

static vw_status read_tabletype(dec *d, vw_reader *r, vw_tabletype *t) {
  TRY(read_reftype(d, r, &t->elemtype));
  return read_limits(d, r, &t->lim);
}

static vw_status read_globaltype(dec *d, vw_reader *r, vw_globaltype *g) {
  TRY(read_valtype(d, r, &g->type));
  size_t off = vw_reader_offset(r);
  RD(vw_read_u8(r, &g->mut));
  if (g->mut > 1) return malformed(d, off, "malformed mutability");
  return VW_OK;
}

/* ---- constant expressions ------------------------------------------------ */

/* Whether b is an opcode of WebAssembly 2.0 at all (prefixes included);
** anything else in an expression is malformed rather than invalid. */
static bool opcode_exists(uint8_t b) {
  switch (b) {
    case WASM_UNREACHABLE ... WASM_ELSE:
    case WASM_END ... WASM_CALL_INDIRECT:
    case WASM_DROP ... WASM_SELECT_T:
    case WASM_LOCAL_GET ... WASM_TABLE_SET:
    case WASM_I32_LOAD ... WASM_I64_EXTEND32_S:
    case WASM_REF_NULL ... WASM_REF_FUNC:
    case WASM_PREFIX_FC:
    case WASM_PREFIX_FD: return true;
    default: return false;
  }
}

/* Reports an instruction that cannot appear in a constant expression. */
static vw_status not_const(dec *d, size_t off, uint8_t op) {
  if (!opcode_exists(op)) return malformed(d, off, "illegal opcode");
  return vw_fail(d->err, VW_ERR_INVALID, off, "constant expression required");
}

/* Reads the immediate of constant instruction `op` into c.  Returns
** VW_ERR_INVALID for an instruction that is not constant (or malformed for
** one that does not exist). */
static vw_status read_const_instr(dec *d, vw_reader *r, uint8_t op, size_t off,
                                  vw_constexpr *c) {
  c->op = op;
  switch (op) {
    case VW_CONST_I32: {
      int32_t v;
      RD(vw_read_s32(r, &v));
      c->value = (uint32_t)v; /* raw slots hold i32 zero-extended */
      return VW_OK;
    }
    case VW_CONST_I64: {
      int64_t v;
      RD(vw_read_s64(r, &v));
      c->value = (uint64_t)v;
      return VW_OK;
    }
    case VW_CONST_F32: {
      uint32_t bits;
      RD(vw_read_f32(r, &bits));
      c->value = bits;
      return VW_OK;
    }
    case VW_CONST_F64: RD(vw_read_f64(r, &c->value)); return VW_OK;
    case VW_CONST_GLOBAL_GET:
    case VW_CONST_REF_FUNC: {
      uint32_t idx;
      RD(vw_read_u32(r, &idx));
      c->value = idx;
      return VW_OK;
    }
    case VW_CONST_REF_NULL: return read_reftype(d, r, &c->reftype);
    case VW_CONST_V128: {
      uint32_t sub;
      const uint8_t *b;
      RD(vw_read_u32(r, &sub));
      if (sub != WASM_FD_V128_CONST)
        return vw_fail(d->err, VW_ERR_INVALID, off,
                       "constant expression required");
      RD(vw_read_bytes(r, 16, &b));
      memcpy(&c->value, b, 8); /* little-endian lanes, low half first */
      memcpy(&c->value_hi, b + 8, 8);
      return VW_OK;
    }
    default: return not_const(d, off, op);
  }
}

/* A constant expression: one constant instruction, then `end`.  Extra
** constants are read on, because what follows decides the error: a later
** non-constant instruction makes the expression non-constant, while a plain
** `end` leaves too many values ("type mismatch"). */
static vw_status read_const(dec *d, vw_reader *r, vw_constexpr *c) {
  memset(c, 0, sizeof *c);
  c->offset = vw_reader_offset(r);
  uint32_t ninstr = 0;
  for (;;) {
    size_t off = vw_reader_offset(r);
    uint8_t op;
    RD(vw_read_u8(r, &op));
    if (op == WASM_END) {
      if (ninstr == 1) return VW_OK;
      /* none: no value where one is needed; several: too many values */
      return vw_fail(d->err, VW_ERR_INVALID, c->offset, "type mismatch");
    }
    vw_constexpr extra;
    TRY(read_const_instr(d, r, op, off, ninstr == 0 ? c : &extra));
    ninstr++;
  }
}

/* ---- index spaces -------------------------------------------------------- */

/* Allocates the index space of one kind (imports first, then ndefs
** definitions) and copies the imported entries into it.  Called by the
** defining section, or at the end for kinds that only have imports. */
static vw_status build_space(dec *d, int kind, uint32_t ndefs) {
  vw_module *m = d->m;
  uint32_t nimp = d->nimp[kind];
  if (ndefs > UINT32_MAX - nimp) return malformed(d, 0, "too many definitions");
  uint32_t total = nimp + ndefs;
  d->built[kind] = 1;
  /* per kind: the space, its entry size, its counts, and where an import
  ** keeps its entry */
  void **space;
  size_t size;
  uint32_t *nimports, *count;
  size_t in_import;
  switch (kind) {
    case VW_EXTERN_FUNC:
      space = (void **)&m->func_type;
      size = sizeof *m->func_type;
      nimports = &m->nfunc_imports;
      count = &m->nfuncs;
      in_import = offsetof(vw_import, type_idx);
      break;
    case VW_EXTERN_TABLE:
      space = (void **)&m->tables;
      size = sizeof *m->tables;
      nimports = &m->ntable_imports;
      count = &m->ntables;
      in_import = offsetof(vw_import, table);
      break;
    case VW_EXTERN_MEMORY:
      space = (void **)&m->mems;
      size = sizeof *m->mems;
      nimports = &m->nmem_imports;
      count = &m->nmems;
      in_import = offsetof(vw_import, mem);
      break;
    default:
      space = (void **)&m->globals;
      size = sizeof *m->globals;
      nimports = &m->nglobal_imports;
      count = &m->nglobals;
      in_import = offsetof(vw_import, global);
      break;
  }
  uint8_t *entries = vw_calloc(d->a, total, size);
  if (!entries) return nomem(d);
  *space = entries;
  uint32_t k = 0;
  for (uint32_t i = 0; i < m->nimports; i++)
    if (m->imports[i].kind == kind)
      memcpy(entries + size * k++, (const uint8_t *)&m->imports[i] + in_import,
             size);
  *nimports = nimp;
  *count = total;
  return VW_OK;
}

/* ---- sections ------------------------------------------------------------ */

static vw_status sec_type(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  uint32_t n;
  TRY(read_len(d, r, &n));
  m->types = vw_calloc(d->a, n, sizeof *m->types);
  if (!m->types) return nomem(d);
  m->ntypes = n;
  for (uint32_t i = 0; i < n; i++) {
    vw_functype *t = &m->types[i];
    size_t off = vw_reader_offset(r);
    uint8_t form;
    RD(vw_read_u8(r, &form));
    if (form != 0x60)
      return malformed(d, off,
                       (form & 0x80) ? "integer representation too long"
                                     : "malformed function type");
    uint32_t np, nr;
    const uint8_t *pb, *rb;
    TRY(read_len(d, r, &np));
    for (uint32_t j = 0; j < np; j++) {
      uint8_t vt;
      TRY(read_valtype(d, r, &vt));
    }
    pb = r->p - np;
    TRY(read_len(d, r, &nr));
    for (uint32_t j = 0; j < nr; j++) {
      uint8_t vt;
      TRY(read_valtype(d, r, &vt));
    }
    rb = r->p - nr;
    /* params and results share one allocation; params owns it */
    t->params = vw_malloc(d->a, (size_t)np + nr);
    if (!t->params) return nomem(d);
    memcpy(t->params, pb, np);
    memcpy(t->params + np, rb, nr);
    t->results = t->params + np;
    t->nparams = np;
    t->nresults = nr;
  }
  return VW_OK;
}

static vw_status sec_import(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  uint32_t n;
  TRY(read_len(d, r, &n));
  m->imports = vw_calloc(d->a, n, sizeof *m->imports);
  if (!m->imports) return nomem(d);
  m->nimports = n;
  for (uint32_t i = 0; i < n; i++) {
    vw_import *im = &m->imports[i];
    TRY(read_name(d, r, &im->module, NULL, &im->module_len));
    TRY(read_name(d, r, &im->name, NULL, &im->name_len));
    size_t off = vw_reader_offset(r);
    RD(vw_read_u8(r, &im->kind));
    switch (im->kind) {
      case VW_EXTERN_FUNC: RD(vw_read_u32(r, &im->type_idx)); break;
      case VW_EXTERN_TABLE: TRY(read_tabletype(d, r, &im->table)); break;
      case VW_EXTERN_MEMORY: TRY(read_limits(d, r, &im->mem)); break;
      case VW_EXTERN_GLOBAL: TRY(read_globaltype(d, r, &im->global)); break;
      default: return malformed(d, off, "malformed import kind");
    }
    d->nimp[im->kind]++;
  }
  return VW_OK;
}

static vw_status sec_function(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  uint32_t n;
  TRY(read_len(d, r, &n));
  TRY(build_space(d, VW_EXTERN_FUNC, n));
  m->funcs = vw_calloc(d->a, n, sizeof *m->funcs);
  if (!m->funcs) return nomem(d);
  d->ndefs_func = n;
  for (uint32_t i = 0; i < n; i++) {
    RD(vw_read_u32(r, &m->funcs[i].type_idx));
    m->func_type[m->nfunc_imports + i] = m->funcs[i].type_idx;
  }
  return VW_OK;
}

/* The table and memory sections: the types of the defined entries of
** their index space. */
static vw_status sec_table_or_memory(dec *d, vw_reader *r, int kind) {
  vw_module *m = d->m;
  uint32_t n;
  TRY(read_len(d, r, &n));
  TRY(build_space(d, kind, n));
  for (uint32_t i = 0; i < n; i++)
    TRY(kind == VW_EXTERN_TABLE
            ? read_tabletype(d, r, &m->tables[m->ntable_imports + i])
            : read_limits(d, r, &m->mems[m->nmem_imports + i]));
  return VW_OK;
}

static vw_status sec_global(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  uint32_t n;
  TRY(read_len(d, r, &n));
  m->global_init = vw_calloc(d->a, n, sizeof *m->global_init);
  if (!m->global_init) return nomem(d);
  TRY(build_space(d, VW_EXTERN_GLOBAL, n));
  for (uint32_t i = 0; i < n; i++) {
    TRY(read_globaltype(d, r, &m->globals[m->nglobal_imports + i]));
    TRY(read_const(d, r, &m->global_init[i]));
  }
  return VW_OK;
}

static vw_status sec_export(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  uint32_t n;
  TRY(read_len(d, r, &n));
  m->exports = vw_calloc(d->a, n, sizeof *m->exports);
  if (!m->exports) return nomem(d);
  m->nexports = n;
  for (uint32_t i = 0; i < n; i++) {
    vw_export *ex = &m->exports[i];
    TRY(read_name(d, r, &ex->name, NULL, &ex->name_len));
    size_t off = vw_reader_offset(r);
    RD(vw_read_u8(r, &ex->kind));
    if (ex->kind > VW_EXTERN_GLOBAL)
      return malformed(d, off, "malformed export kind");
    RD(vw_read_u32(r, &ex->index));
  }
  return VW_OK;
}

static vw_status sec_start(dec *d, vw_reader *r) {
  RD(vw_read_u32(r, &d->m->start));
  d->m->has_start = 1;
  return VW_OK;
}

/* The eight element segment encodings: bit 0 = passive or declarative,
** bit 1 = explicit table index (active) or declarative (bit 0 set),
** bit 2 = items are expressions rather than function indices. */
static vw_status read_elem(dec *d, vw_reader *r, vw_elem *e) {
  size_t off = vw_reader_offset(r);
  uint32_t flags;
  RD(vw_read_u32(r, &flags));
  if (flags > 7) return malformed(d, off, "malformed elements segment kind");
  bool exprs = flags & 4;
  e->elemtype = VW_FUNCREF;
  if (flags & 1) {
    e->mode = (flags & 2) ? VW_SEG_DECLARATIVE : VW_SEG_PASSIVE;
  } else {
    e->mode = VW_SEG_ACTIVE;
    if (flags & 2) RD(vw_read_u32(r, &e->table));
    TRY(read_const(d, r, &e->offset));
  }
  if (flags & 3) { /* encodings with an explicit kind */
    if (exprs) {
      TRY(read_reftype(d, r, &e->elemtype));
    } else {
      size_t koff = vw_reader_offset(r);
      uint8_t kind;
      RD(vw_read_u8(r, &kind));
      if (kind != 0x00)
        return malformed(d, koff, "malformed elements segment kind");
    }
  }
  uint32_t n;
  TRY(read_len(d, r, &n));
  e->items = vw_calloc(d->a, n, sizeof *e->items);
  if (!e->items) return nomem(d);
  e->count = n;
  for (uint32_t i = 0; i < n; i++) {
    if (exprs) {
      TRY(read_const(d, r, &e->items[i]));
    } else {
      uint32_t idx;
      e->items[i].offset = vw_reader_offset(r);
      RD(vw_read_u32(r, &idx));
      e->items[i].op = VW_CONST_REF_FUNC;
      e->items[i].value = idx;
    }
  }
  return VW_OK;
}

static vw_status sec_element(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  uint32_t n;
  TRY(read_len(d, r, &n));
  m->elems = vw_calloc(d->a, n, sizeof *m->elems);
  if (!m->elems) return nomem(d);
  m->nelems = n;
  for (uint32_t i = 0; i < n; i++) TRY(read_elem(d, r, &m->elems[i]));
  return VW_OK;
}

static vw_status sec_datacount(dec *d, vw_reader *r) {
  RD(vw_read_u32(r, &d->m->datacount));
  d->m->has_datacount = 1;
  return VW_OK;
}

/* One function body: local declarations, then the instructions up to and
** including the final `end`, which must be the body's last byte. */
static vw_status read_body(dec *d, vw_reader *sec, vw_funcdef *f, bool last) {
  vw_reader body, *r = sec;
  uint32_t size;
  RD(vw_read_u32(r, &size));
  const uint8_t *start;
  RD(vw_read_bytes(r, size, &start));
  r = &body;
  vw_reader_init(r, sec->base, start, start + size);

  uint32_t ndecl;
  TRY(read_len(d, r, &ndecl));
  const uint8_t *decls = r->p;
  /* first pass: check types and total, which may not overflow */
  uint64_t total = 0;
  for (uint32_t i = 0; i < ndecl; i++) {
    size_t off = vw_reader_offset(r);
    uint32_t cnt;
    uint8_t t;
    RD(vw_read_u32(r, &cnt));
    total += cnt;
    if (total > MAX_LOCALS) return malformed(d, off, "too many locals");
    TRY(read_valtype(d, r, &t));
  }
  f->local_types = vw_malloc(d->a, total);
  if (!f->local_types) return nomem(d);
  /* second pass: expand; the bytes were checked above */
  r->p = decls;
  uint32_t k = 0;
  for (uint32_t i = 0; i < ndecl; i++) {
    uint32_t cnt;
    uint8_t t;
    RD(vw_read_u32(r, &cnt));
    RD(vw_read_u8(r, &t));
    memset(f->local_types + k, t, cnt);
    k += cnt;
  }
  f->nlocals = k;
  f->body = r->p;
  f->body_len = remaining(r);
  f->body_offset = vw_reader_offset(r);
  if (f->body_len == 0 || f->body[f->body_len - 1] != WASM_END)
    return malformed(
        d, (size_t)(r->end - r->base),
        last ? "unexpected end of section or function" : "END opcode expected");
  return VW_OK;
}

static vw_status sec_code(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  size_t off = vw_reader_offset(r);
  uint32_t n;
  TRY(read_len(d, r, &n));
  d->has_code = 1;
  if (n != d->ndefs_func)
    return malformed(d, off,
                     "function and code section have inconsistent lengths");
  for (uint32_t i = 0; i < n; i++)
    TRY(read_body(d, r, &m->funcs[i], i + 1 == n));
  return VW_OK;
}

static vw_status sec_data(dec *d, vw_reader *r) {
  vw_module *m = d->m;
  size_t off = vw_reader_offset(r);
  uint32_t n;
  TRY(read_len(d, r, &n));
  if (m->has_datacount && n != m->datacount)
    return malformed(d, off,
                     "data count and data section have inconsistent lengths");
  m->datas = vw_calloc(d->a, n, sizeof *m->datas);
  if (!m->datas) return nomem(d);
  m->ndatas = n;
  for (uint32_t i = 0; i < n; i++) {
    vw_data *ds = &m->datas[i];
    size_t foff = vw_reader_offset(r);
    uint32_t flags;
    RD(vw_read_u32(r, &flags));
    if (flags > 2) return malformed(d, foff, "malformed data segment kind");
    if (flags == 1) {
      ds->mode = VW_SEG_PASSIVE;
    } else {
      ds->mode = VW_SEG_ACTIVE;
      if (flags == 2) RD(vw_read_u32(r, &ds->mem));
      TRY(read_const(d, r, &ds->offset));
    }
    TRY(read_len(d, r, &ds->len));
    RD(vw_read_bytes(r, ds->len, &ds->bytes));
  }
  return VW_OK;
}

static vw_status sec_custom(dec *d, vw_reader *r) {
  const uint8_t *name;
  uint32_t len;
  TRY(read_name(d, r, NULL, &name, &len));
  if (len == 4 && memcmp(name, "name", 4) == 0 && !d->names) {
    d->names = r->p;
    d->names_len = remaining(r);
  }
  r->p = r->end; /* the payload is not ours to check */
  return VW_OK;
}

/* ---- the "name" section -------------------------------------------------- */

/* Parses the function-names subsection into m->func_names.  Returns VW_OK
** with nothing stored if the section is malformed in any way (the spec
** makes name sections advisory); only out-of-memory is an error. */
static vw_status parse_names(dec *d) {
  vw_module *m = d->m;
  if (!d->names || m->nfuncs == 0) return VW_OK;
  vw_reader rr, *r = &rr;
  vw_reader_init(r, m->bytes, d->names, d->names + d->names_len);
  char **names = NULL;
  int last_id = -1;
  while (!vw_reader_eof(r)) {
    uint8_t id;
    uint32_t size;
    const uint8_t *sub;
    if (!vw_read_u8(r, &id) || !vw_read_u32(r, &size) ||
        !vw_read_bytes(r, size, &sub) || (int)id <= last_id)
      goto ignore;
    last_id = id;
    if (id != 1) continue;
    vw_reader s;
    vw_reader_init(&s, m->bytes, sub, sub + size);
    uint32_t n;
    if (!vw_read_u32(&s, &n) || n > remaining(&s)) goto ignore;
    names = vw_calloc(d->a, m->nfuncs, sizeof *names);
    if (!names) return nomem(d);
    int64_t prev = -1;
    for (uint32_t i = 0; i < n; i++) {
      uint32_t idx, len;
      const uint8_t *b;
      if (!vw_read_u32(&s, &idx) || !vw_read_u32(&s, &len) ||
          !vw_read_bytes(&s, len, &b))
        goto ignore;
      /* indices must be in bounds and strictly increasing */
      if (idx >= m->nfuncs || (int64_t)idx <= prev || !utf8_valid(b, len))
        goto ignore;
      prev = idx;
      names[idx] = vw_strndup(d->a, (const char *)b, len);
      if (!names[idx]) {
        for (uint32_t j = 0; j < m->nfuncs; j++) vw_free(d->a, names[j]);
        vw_free(d->a, names);
        return nomem(d);
      }
    }
    if (!vw_reader_eof(&s)) goto ignore;
  }
  m->func_names = names;
  return VW_OK;
ignore:
  if (names) {
    for (uint32_t j = 0; j < m->nfuncs; j++) vw_free(d->a, names[j]);
    vw_free(d->a, names);
  }
  return VW_OK;
}

/* ---- the module ---------------------------------------------------------- */

static vw_status decode_section(dec *d, uint8_t id, vw_reader *r) {
  switch (id) {
    case SEC_CUSTOM: return sec_custom(d, r);
    case SEC_TYPE: return sec_type(d, r);
    case SEC_IMPORT: return sec_import(d, r);
    case SEC_FUNCTION: return sec_function(d, r);
    case SEC_TABLE: return sec_table_or_memory(d, r, VW_EXTERN_TABLE);
    case SEC_MEMORY: return sec_table_or_memory(d, r, VW_EXTERN_MEMORY);
    case SEC_GLOBAL: return sec_global(d, r);
    case SEC_EXPORT: return sec_export(d, r);
    case SEC_START: return sec_start(d, r);
    case SEC_ELEMENT: return sec_element(d, r);
    case SEC_CODE: return sec_code(d, r);
    case SEC_DATA: return sec_data(d, r);
    case SEC_DATACOUNT: return sec_datacount(d, r);
  }
  return VW_OK;
}

static vw_status decode_module(dec *d) {
  vw_module *m = d->m;
  vw_reader rr, *r = &rr;
  vw_reader_init(r, m->bytes, m->bytes, m->bytes + m->len);
  d->plain_eof = 1;

  const uint8_t *hdr;
  RD(vw_read_bytes(r, 4, &hdr));
  if (memcmp(hdr, "\0asm", 4) != 0)
    return malformed(d, 0, "magic header not detected");
  RD(vw_read_bytes(r, 4, &hdr));
  if (memcmp(hdr, "\1\0\0\0", 4) != 0)
    return malformed(d, 4, "unknown binary version");

  int last_rank = 0;
  while (!vw_reader_eof(r)) {
    size_t off = vw_reader_offset(r);
    uint8_t id;
    uint32_t size;
    d->plain_eof = 1;
    RD(vw_read_u8(r, &id));
    if (id > SEC_LAST) return malformed(d, off, "malformed section id");
    RD(vw_read_u32(r, &size));
    if (size > remaining(r))
      return malformed(d, vw_reader_offset(r), "length out of bounds");
    if (id != SEC_CUSTOM) {
      /* each known section at most once, in order */
      if (section_rank[id] <= last_rank)
        return malformed(d, off, "unexpected content after last section");
      last_rank = section_rank[id];
    }
    /* A known section is read against the rest of the file and its size
    ** compared afterwards, as the spec's reference decoder does: an entry
    ** that runs past the section end is then reported by what is wrong
    ** with it (an overlong integer, say) rather than as a truncation.
    ** A custom section's payload is opaque, so it gets exact bounds. */
    const uint8_t *start = r->p, *end = r->p + size;
    vw_reader sec;
    vw_reader_init(&sec, m->bytes, start, id == SEC_CUSTOM ? end : r->end);
    d->plain_eof = id == SEC_CUSTOM || id == SEC_ELEMENT;
    TRY(decode_section(d, id, &sec));
    if (sec.p != end)
      return malformed(d, (size_t)(end - m->bytes), "section size mismatch");
    r->p = end;
  }

  if (!d->has_code && d->ndefs_func != 0)
    return malformed(d, m->len,
                     "function and code section have inconsistent lengths");
  if (m->has_datacount && m->datacount != m->ndatas)
    return malformed(d, m->len,
                     "data count and data section have inconsistent lengths");
  for (int k = 0; k < 4; k++)
    if (!d->built[k] && d->nimp[k]) TRY(build_space(d, k, 0));
  return parse_names(d);
}

vw_status vw_decode(vw_module *m, vw_error *err) {
  vw_module_wipe(m); /* a clean slate apart from what the caller set */

  dec d;
  memset(&d, 0, sizeof d);
  d.m = m;
  d.a = &m->alloc;
  d.err = err;
  if (!m->bytes && m->len) return malformed(&d, 0, "unexpected end");
  return decode_module(&d);
}
