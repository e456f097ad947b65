/*
** vw_compile.c — translates validated function bodies into internal code.
**
** Owns vw_compile and vw_code_free.  Each body is translated once, at load
** time, into the register-style code of vw_code.h.  The translator keeps a
** compile-time model of the operand stack in which every entry has a fixed
** "home" slot (its stack height) and is either
**   TEMP   the value is in its home slot,
**   LOCAL  the value is local x, not yet copied (local.get emits nothing),
**   CONST  the value is a known constant, not yet stored.
** Instructions read LOCAL operands straight from the local's slot and take
** CONST operands as immediates where a `_si` form exists, so
** `local.get a; i32.const 1; i32.add; local.set a` becomes one instruction.
** A result that is immediately stored by local.set is written straight into
** the local (the destination of the last instruction is patched), and an
** integer compare followed by br_if/if becomes one compare-and-branch.
**
** Lazy entries are made real ("materialised") wherever control flow could
** join with a different path: at block/loop/if entry every entry is made
** TEMP, so inside a block everything below the block's base is in its home
** slot, and a branch only has to copy the label's values.  Before a local
** is written, lazy copies of it are materialised.
**
** Code after br, br_table, return and unreachable up to the matching else
** or end is dead and skipped without emitting anything, which also avoids
** modelling the polymorphic stack.
**
** Fewer dispatches is most of the speed, so common sequences are fused
** when the earlier instruction is the one just emitted and its result is a
** temporary read only by the later one (last_val/last_op/prev_op track
** this; a join point clears them): an i32.add (optionally of a shifted
** index) folded into the address of a load or store, and/mask or an
** unsigned range check folded into a branch, a load folded into f64
** arithmetic, add+add, mul+mul and rotl+xor chains.  Independent neighbours
** pair up (mov+mov, add+add).  Constant operands use immediate forms
** (_si, _is, stores of constants, constant addresses).  Calls to functions
** of the same module carry their code (call_def), and scan_locals spares
** locals that are always written before read the zeroing on entry.
*/
#include <string.h>

#include "vw_code.h"
#include "vw_reader.h"

#define NONE ((size_t)-1)

enum { V_TEMP, V_LOCAL, V_CONST };

typedef struct vval {
  uint8_t kind, type;
  uint32_t home; /* its stack slot */
  uint32_t slot; /* where it is now (TEMP, LOCAL) */
  uint64_t k;    /* CONST value */
} vval;

enum { C_BLOCK, C_LOOP, C_IF, C_FUNC };

typedef struct ctl {
  uint8_t kind;
  uint8_t single;  /* result type of a one-result block */
  uint32_t height; /* slot height below the params */
  uint32_t nvals;  /* operand-stack entries below them */
  uint32_t np, nr;
  const uint8_t *params, *results; /* NULL results: use `single` */
  uint32_t label_slots;            /* slots a branch to it carries */
  uint32_t label_count;            /* values a branch to it carries */
  size_t loop_pos;                 /* loops: the first instruction */
  uint32_t fix_end;                /* forward branches to the end */
  uint32_t fix_else;               /* if: the branch to the else part */
} ctl;

/* The compare instruction that may fuse with a following br_if / if. */
typedef struct cmpinfo {
  uint16_t op, op_si, br, br_si, ibr, ibr_si;
} cmpinfo;

/* The opcode tables, one row per line: kept as written. */
/* clang-format off */
#define CMP_ENTRY(name, opc, T, expr, inv)                                \
  { VW_OP_##name, VW_OP_##name##_si, VW_OP_br_##name,                     \
    VW_OP_br_##name##_si, VW_OP_br_##inv, VW_OP_br_##inv##_si },
static const cmpinfo cmps[] = { VW_CMP_OPS(CMP_ENTRY) };
#define NCMPS (sizeof cmps / sizeof cmps[0])
#define CMP_EQZ ((int)NCMPS)         /* i32.eqz: branch on zero */
#define CMP_AND ((int)NCMPS + 1)     /* i32.and with a constant mask */
#define CMP_ANDZ ((int)NCMPS + 2)    /* that and, then i32.eqz */

/* ---- the opcode table of simple numeric instructions --------------------- */
enum { N_NONE, N_CMP, N_BINI, N_BIN, N_UN, N_RETYPE };
typedef struct numinfo {
  uint8_t kind, rtype, comm;
  uint8_t cmp;                       /* a compare that can fuse */
  uint16_t op, op_si;
  uint8_t is;                        /* has an _is form (op_si + 1) */
} numinfo;

#define T_CMP(name, opc, T, expr, inv)                                     \
  [opc] = { N_CMP, VW_I32, 0, 1, VW_OP_##name, VW_OP_##name##_si },
#define T_BINI(name, opc, T, expr, comm)                                   \
  [opc] = { N_BINI, VW_T_##T, comm, 0, VW_OP_##name, VW_OP_##name##_si, 1 },
#define T_DIV(name, opc, T)                                                \
  [opc] = { N_BINI, VW_T_##T, 0, 0, VW_OP_##name, VW_OP_##name##_si },
#define T_BIN(name, opc, T, R, expr)                                       \
  [opc] = { N_BIN, VW_WASM_RESULT(opc, VW_T_##R), 0, 0, VW_OP_##name,      \
            VW_OP_##name##_si, 1 },
#define T_UN(name, opc, T, R, expr)                                        \
  [opc] = { N_UN, VW_WASM_RESULT(opc, VW_T_##R), 0, 0, VW_OP_##name, 0 },
#define T_TRUNC(name, opc, T, R, fn, ct)                                   \
  [opc] = { N_UN, VW_T_##R, 0, 0, VW_OP_##name, 0 },
static const numinfo numtab[0x108] = {
  VW_CMP_OPS(T_CMP) VW_BINI_OPS(T_BINI) VW_DIV_OPS(T_DIV)
  VW_BIN_OPS(T_BIN) VW_UN_OPS(T_UN) VW_TRUNC_OPS(T_TRUNC)
  /* no-ops on the slot representation: only the type changes */
  [WASM_I64_EXTEND_I32_U] = { N_RETYPE, VW_I64, 0, 0, 0, 0 },
  [WASM_I32_REINTERPRET_F32] = { N_RETYPE, VW_I32, 0, 0, 0, 0 },
  [WASM_I64_REINTERPRET_F64] = { N_RETYPE, VW_I64, 0, 0, 0, 0 },
  [WASM_F32_REINTERPRET_I32] = { N_RETYPE, VW_F32, 0, 0, 0, 0 },
  [WASM_F64_REINTERPRET_I64] = { N_RETYPE, VW_F64, 0, 0, 0, 0 },
};

static int cmp_index(uint16_t op) {
  for (unsigned i = 0; i < NCMPS; i++)
    if (cmps[i].op == op) return (int)i;
  return -1;
}

/* ---- loads and stores ---------------------------------------------------- */
typedef struct meminfo { uint8_t kind, type; uint16_t op; } meminfo;
static const meminfo *mem_op(uint8_t opc) {
#define M_LOAD(name, opc, R, ct, conv) [opc] = { 1, VW_T_##R, VW_OP_##name },
#define M_STORE(name, opc, ct) [opc] = { 2, 0, VW_OP_##name },
  static const meminfo tab[WASM_I64_STORE32 + 1] = {
    VW_LOAD_OPS(M_LOAD) VW_STORE_OPS(M_STORE) };
  return opc <= WASM_I64_STORE32 && tab[opc].kind ? &tab[opc] : NULL;
}

/* clang-format on */
/* ---- the compiler state -------------------------------------------------- */
typedef struct comp {
  const vw_module *m;
  const vw_functype *ft;
  vw_reader r;
  const void *const *H; /* handler addresses */

  vw_cell *code;
  size_t ncode, capcode;
  vval *vs;
  uint32_t nvs, capvs;
  ctl *cs;
  uint32_t ncs, capcs;
  uint8_t *ltype;
  uint32_t *lslot;
  uint32_t nlocals;
  uint32_t nparams;
  /* Declared locals start zeroed.  Until the first loop opens, code runs
  ** only forwards, so a local not yet written in program order still holds
  ** zero and `i32.const 0; local.set x` (clang's habit) can be dropped. */
  uint8_t *lwritten;
  bool zero_known;
  uint8_t *needz; /* locals zeroed on entry: scan_locals */

  uint32_t h, maxh; /* slot height now, and deepest */
  bool oom, dead;
  uint32_t dead_depth; /* blocks opened inside dead code */
  size_t last_val;     /* last value op, its dst patchable */
  int last_op;         /* the op emitted last */
  size_t last_pos;     /* where it starts; NONE after a join */
  int prev_op;         /* the op before it */
  size_t prev_pos;     /* NONE: a join point lies between */
  uint32_t ltop;       /* slots >= ltop are temporaries */
  int last_cmp;        /* it is a fusable compare: cmps index */
  size_t and_pos;      /* CMP_ANDZ: where the and starts */
  vw_cell dummy;       /* written instead of code after OOM */
} comp;

static bool grow(const vw_allocator *a, void **p, uint32_t *cap, uint32_t need,
                 size_t elem, bool *oom) {
  if (need <= *cap) return true;
  uint32_t n = *cap ? *cap * 2 : 16;
  while (n < need) n *= 2;
  void *q = vw_realloc(a, *p, (size_t)n * elem);
  if (!q) {
    *oom = true;
    return false;
  }
  *p = q;
  *cap = n;
  return true;
}

static vw_cell *at(comp *c, size_t pos) {
  return pos < c->ncode ? &c->code[pos] : &c->dummy;
}

static void put(comp *c, vw_cell v) {
  if (c->ncode == c->capcode) {
    size_t n = c->capcode ? c->capcode * 2 : 256;
    vw_cell *q = vw_realloc(&c->m->alloc, c->code, n * sizeof *q);
    if (!q) {
      c->oom = true;
      return;
    }
    c->code = q;
    c->capcode = n;
  }
  c->code[c->ncode++] = v;
}

static size_t emit_h(comp *c, int op) {
  size_t pos = c->ncode;
  c->last_val = NONE;
  c->last_cmp = -1;
  c->prev_op = c->last_op;
  c->prev_pos = c->last_pos;
  c->last_op = op;
  c->last_pos = pos;
  put(c, (vw_cell){ .h = c->H[op] });
  return pos;
}
static void emit_ab(comp *c, uint32_t a, uint32_t b) {
  put(c, (vw_cell){ .s = { a, b } });
}
static void emit_u(comp *c, uint64_t u) { put(c, (vw_cell){ .u = u }); }

/* Adds a branch-target cell for an unresolved label: it holds the
** instruction's position and the previous chain link until bound. */
static void emit_fix(comp *c, uint32_t *chain, size_t instr) {
  size_t pos = c->ncode;
  emit_ab(c, (uint32_t)instr, *chain);
  if (!c->oom) *chain = (uint32_t)pos + 1;
}

/* Resolves a chain of forward branches to the current position. */
static void bind(comp *c, uint32_t *chain) {
  while (*chain && !c->oom) {
    vw_cell *cell = at(c, *chain - 1);
    uint32_t instr = cell->s.a, next = cell->s.b;
    cell->i = (int64_t)c->ncode - (int64_t)instr;
    *chain = next;
  }
  *chain = 0;
  c->last_val = NONE; /* a join point: no patching across */
  c->last_cmp = -1;
  c->last_pos = NONE; /* nor pairing */
}

/* Superinstruction pairs: if the instruction just emitted is a `first` op
** of len cells and no join point lies after its start, it becomes the pair
** op `pair` (whose handler does both), and the caller appends the second
** instruction's operand cells.  Returns the pair's position or NONE. */
static size_t pair_with_last(comp *c, int first, size_t len, int pair) {
  size_t p = c->last_pos;
  if (p == NONE || c->oom || p + len != c->ncode || c->last_op != first)
    return NONE;
  c->code[p].h = c->H[pair];
  c->last_val = NONE;
  c->last_cmp = -1;
  c->last_op = pair;
  c->last_pos = NONE; /* pairs only, no chains */
  return p;
}

/* ---- the operand-stack model ------------------------------------------- */
static vval *push(comp *c, uint8_t kind, uint8_t type, uint32_t slot,
                  uint64_t k) {
  if (!grow(&c->m->alloc, (void **)&c->vs, &c->capvs, c->nvs + 1, sizeof *c->vs,
            &c->oom))
    return NULL;
  vval *v = &c->vs[c->nvs++];
  v->kind = kind;
  v->type = type;
  v->home = c->h;
  v->slot = kind == V_TEMP ? c->h : slot;
  v->k = k;
  c->h += vw_slots(type);
  if (c->h > c->maxh) c->maxh = c->h;
  return v;
}
static void push_temp(comp *c, uint8_t type) { push(c, V_TEMP, type, 0, 0); }

static vval pop(comp *c) {
  vval v = c->vs[--c->nvs]; /* validated: never underflows */
  c->h = v.home;
  return v;
}

/* Stores a lazy value into slot dst (the entry itself is not changed).
** Returns the position to patch the destination at (see last_val). */
static size_t emit_store_to(comp *c, const vval *v, uint32_t dst) {
  bool wide = v->type == VW_V128;
  size_t pos = c->ncode, p;
  if (v->kind == V_CONST) {
    emit_h(c, VW_OP_const); /* v128 constants are never lazy */
    emit_ab(c, dst, 0);
    emit_u(c, v->k);
  } else if (v->slot != dst) {
    /* runs of moves (rotating locals, arguments) go two per dispatch */
    if (!wide && (p = pair_with_last(c, VW_OP_mov, 2, VW_OP_mov_mov)) != NONE) {
      emit_ab(c, dst, v->slot); /* [h][d1, s1][d2, s2] */
      return p + 1;
    }
    emit_h(c, wide ? VW_OP_mov2 : VW_OP_mov);
    emit_ab(c, dst, v->slot);
  }
  return pos;
}

static void materialize(comp *c, vval *v) {
  if (v->kind == V_TEMP) return;
  size_t pos = emit_store_to(c, v, v->home);
  v->kind = V_TEMP;
  v->slot = v->home;
  if (v->type != VW_V128) c->last_val = pos;
}

static void materialize_all(comp *c) {
  for (uint32_t i = 0; i < c->nvs; i++) materialize(c, &c->vs[i]);
}

/* The slot an operand can be read from (constants get stored first). */
static uint32_t in_slot(comp *c, vval *v) {
  if (v->kind == V_CONST) materialize(c, v);
  return v->slot;
}

/* Copies the n values vs[first..] to slots dst.. without changing the
** model (used on branch paths the fall-through does not take).  Moving in
** increasing order is safe for values in temporaries: each value's
** destination is at or below its home, and every later value lies above.
** Only a local can be overwritten before it is read (a return moves into
** slots 0.., where the locals live); such locals are first copied to their
** homes and moved from there. */
static void move_values(comp *c, uint32_t first, uint32_t n, uint32_t dst) {
  uint32_t total = 0;
  bool conflict = false;
  for (uint32_t i = 0; i < n; i++) {
    const vval *v = &c->vs[first + i];
    total += vw_slots(v->type);
  }
  for (uint32_t i = 0; i < n; i++) {
    const vval *v = &c->vs[first + i];
    if (v->kind == V_LOCAL && v->slot < dst + total) conflict = true;
  }
  if (!conflict) {
    for (uint32_t i = 0, d = dst; i < n; i++) {
      emit_store_to(c, &c->vs[first + i], d);
      d += vw_slots(c->vs[first + i].type);
    }
    return;
  }
  /* copy the conflicting locals to their homes, then move from there */
  for (uint32_t i = 0; i < n; i++) {
    const vval *v = &c->vs[first + i];
    if (v->kind == V_LOCAL && v->slot < dst + total)
      emit_store_to(c, v, v->home);
  }
  for (uint32_t i = 0, d = dst; i < n; i++) {
    vval tmp = c->vs[first + i];
    if (tmp.kind == V_LOCAL && tmp.slot < dst + total) tmp.slot = tmp.home;
    emit_store_to(c, &tmp, d);
    d += vw_slots(tmp.type);
  }
}

/* Before local slot `slot` is written: copy lazy readers of it. */
static void materialize_refs(comp *c, uint32_t slot) {
  for (uint32_t i = 0; i < c->nvs; i++)
    if (c->vs[i].kind == V_LOCAL && c->vs[i].slot == slot)
      materialize(c, &c->vs[i]);
}

/* ---- control frames ------------------------------------------------------ */
static uint8_t ctl_param(const ctl *C, uint32_t i) { return C->params[i]; }
static uint8_t ctl_result(const ctl *C, uint32_t i) {
  return C->results ? C->results[i] : C->single;
}

static ctl *label(comp *c, uint32_t depth) {
  return &c->cs[c->ncs - 1 - depth];
}

static bool read_blocktype(comp *c, ctl *C) {
  C->np = C->nr = 0;
  C->params = C->results = NULL;
  C->single = 0;
  if (c->r.p >= c->r.end) return vw_reader_fail(&c->r, "unexpected end");
  uint8_t b = *c->r.p;
  if (b == WASM_BLOCKTYPE_EMPTY) {
    c->r.p++;
    return true;
  }
  if (vw_is_val_type(b)) {
    c->r.p++;
    C->nr = 1;
    C->single = b;
    return true;
  }
  int64_t idx;
  if (!vw_read_s33(&c->r, &idx)) return false;
  if (idx < 0 || (uint64_t)idx >= c->m->ntypes)
    return vw_reader_fail(&c->r, "unknown type");
  const vw_functype *t = &c->m->types[idx];
  C->np = t->nparams;
  C->params = t->params;
  C->nr = t->nresults;
  C->results = t->results;
  return true;
}

/* Opens block/loop/if: the params stay on the stack, in their homes. */
static ctl *open_ctl(comp *c, uint8_t kind, const ctl *bt) {
  materialize_all(c);
  if (!grow(&c->m->alloc, (void **)&c->cs, &c->capcs, c->ncs + 1, sizeof *c->cs,
            &c->oom))
    return NULL;
  ctl *C = &c->cs[c->ncs++];
  *C = *bt;
  C->kind = kind;
  uint32_t ps = 0, rs = 0;
  for (uint32_t i = 0; i < C->np; i++) ps += vw_slots(ctl_param(C, i));
  for (uint32_t i = 0; i < C->nr; i++) rs += vw_slots(ctl_result(C, i));
  C->height = c->h - ps;
  C->nvals = c->nvs - C->np;
  C->label_slots = kind == C_LOOP ? ps : rs;
  C->label_count = kind == C_LOOP ? C->np : C->nr;
  C->loop_pos = c->ncode;
  C->fix_end = C->fix_else = 0;
  c->last_val = NONE;
  c->last_cmp = -1;
  c->last_pos = NONE; /* loops: a join point */
  return C;
}

/* Resets the stack model to the block's base plus `n` TEMP values. */
static void reset_stack(comp *c, const ctl *C, bool results) {
  c->nvs = C->nvals;
  c->h = C->height;
  uint32_t n = results ? C->nr : C->np;
  for (uint32_t i = 0; i < n; i++)
    push_temp(c, results ? ctl_result(C, i) : ctl_param(C, i));
}

/* ---- branches ------------------------------------------------------------ */
static void emit_target(comp *c, ctl *L, size_t instr) {
  if (L->kind == C_LOOP)
    emit_u(c, (uint64_t)((int64_t)L->loop_pos - (int64_t)instr));
  else
    emit_fix(c, &L->fix_end, instr);
}

/* Moves the function's results to slots 0.. and returns. */
static void emit_return(comp *c) {
  uint32_t n = c->ft->nresults;
  uint32_t first = c->nvs - n;
  if (n == 1 && c->ft->results[0] != VW_V128 && c->vs[first].kind != V_CONST) {
    emit_h(c, VW_OP_ret1);
    emit_ab(c, c->vs[first].slot, 0);
    return;
  }
  move_values(c, first, n, 0);
  emit_h(c, VW_OP_ret);
}

/* Do the label's values already sit where the label wants them? */
static bool values_in_place(comp *c, const ctl *L) {
  uint32_t n = L->label_count;
  uint32_t dst = L->height;
  for (uint32_t i = 0; i < n; i++) {
    const vval *v = &c->vs[c->nvs - n + i];
    if (v->kind == V_CONST || v->slot != dst) return false;
    dst += vw_slots(v->type);
  }
  return true;
}

/* Unconditional branch to L (model unchanged). */
static void emit_br(comp *c, ctl *L) {
  if (L->kind == C_FUNC) {
    emit_return(c);
    return;
  }
  move_values(c, c->nvs - L->label_count, L->label_count, L->height);
  size_t pos = emit_h(c, VW_OP_jmp);
  emit_target(c, L, pos);
}

/* A popped branch condition: either a slot or a fused compare. */
typedef struct cond {
  int cmp; /* cmps index, CMP_*, or -1 */
  bool si;
  bool addk; /* unsigned range check: a + k2 vs imm */
  uint32_t k2;
  uint32_t a, b;
  uint64_t imm;
} cond;

static cond take_cond(comp *c) {
  cond k = { -1, false, false, 0, 0, 0, 0 };
  vval v = pop(c);
  if (v.kind == V_TEMP && c->last_val != NONE && c->last_cmp >= 0 &&
      at(c, c->last_val + 1)->s.a == v.home) {
    /* drop the compare instruction, branch on its operands instead */
    size_t pos = c->last_cmp == CMP_ANDZ ? c->and_pos : c->last_val;
    vw_cell c1 = *at(c, pos + 1), c2 = *at(c, pos + 2);
    k.cmp = c->last_cmp;
    if (k.cmp == CMP_AND || k.cmp == CMP_ANDZ) {
      k.a = c1.s.b; /* test bits of a against the mask */
      k.imm = c2.u;
    } else if (k.cmp == CMP_EQZ) {
      k.a = c1.s.b;
    } else {
      k.si = at(c, pos)->h == c->H[cmps[k.cmp].op_si];
      k.a = c1.s.b;
      if (k.si)
        k.imm = c2.u;
      else
        k.b = c2.s.a;
      /* `x + k2 <u n` (clang's range check): fold in the add just before,
      ** if its result is a temporary read only here */
      size_t ap = c->prev_pos;
      int op = cmps[k.cmp].op;
      if (k.si && ap != NONE && ap + 3 == pos &&
          c->prev_op == VW_OP_i32_add_si &&
          (op == VW_OP_i32_lt_u || op == VW_OP_i32_gt_u ||
           op == VW_OP_i32_le_u || op == VW_OP_i32_ge_u) &&
          at(c, ap + 1)->s.a == k.a && k.a >= c->ltop) {
        k.addk = true;
        k.k2 = (uint32_t)at(c, ap + 2)->u;
        k.a = at(c, ap + 1)->s.b;
        pos = ap;
      }
    }
    if (!c->oom) c->ncode = pos;
    c->last_val = NONE;
    c->last_cmp = -1;
    return k;
  }
  k.a = in_slot(c, &v);
  return k;
}

/* Branches to chain/label when the condition is `when`. */
static void emit_cond_branch(comp *c, const cond *k, bool when, ctl *L,
                             uint32_t *chain) {
  size_t pos;
  if (k->cmp == CMP_AND || k->cmp == CMP_ANDZ) {
    bool on_zero = (k->cmp == CMP_ANDZ) == when;
    pos = emit_h(c, on_zero ? VW_OP_br_and_z : VW_OP_br_and_nz);
    emit_ab(c, k->a, 0);
    emit_u(c, k->imm);
  } else if (k->cmp == CMP_EQZ || k->cmp < 0) {
    bool on_zero = (k->cmp == CMP_EQZ) == when;
    pos = emit_h(c, on_zero ? VW_OP_br_z : VW_OP_br_nz);
    emit_ab(c, k->a, 0);
  } else {
    const cmpinfo *ci = &cmps[k->cmp];
    if (k->addk) { /* [h][a,-][k2, imm][offset] */
      int br = when ? ci->br_si : ci->ibr_si;
      pos = emit_h(c, br == VW_OP_br_i32_lt_u_si   ? VW_OP_br_lt_u_add
                      : br == VW_OP_br_i32_gt_u_si ? VW_OP_br_gt_u_add
                      : br == VW_OP_br_i32_le_u_si ? VW_OP_br_le_u_add
                                                   : VW_OP_br_ge_u_add);
      emit_ab(c, k->a, 0);
      emit_ab(c, k->k2, (uint32_t)k->imm);
    } else if (k->si) {
      pos = emit_h(c, when ? ci->br_si : ci->ibr_si);
      emit_ab(c, k->a, 0);
      emit_u(c, k->imm);
    } else {
      pos = emit_h(c, when ? ci->br : ci->ibr);
      emit_ab(c, k->a, k->b);
    }
  }
  if (L)
    emit_target(c, L, pos);
  else
    emit_fix(c, chain, pos);
}

/* ---- instruction groups -------------------------------------------------- */
/* Dependent pairs: `i32.add; i32.add` (a + b + c), `f64.mul; f64.mul`
** ((p * q) * r, still rounded twice) and `i32.rotl k; i32.xor` (the mixing
** step of hashes): when an operand of this add/mul/xor is the temporary
** that the instruction just emitted computed, that instruction is folded
** in.  Returns the fused instruction's position or NONE. */
static size_t fuse_dep(comp *c, int op, const vval *a, const vval *b,
                       uint32_t sa, uint32_t sb, uint32_t dst) {
  int f = op == VW_OP_i32_add && c->last_op == VW_OP_i32_add ? VW_OP_i32_add3
          : op == VW_OP_i32_xor && c->last_op == VW_OP_i32_rotl_si
              ? VW_OP_i32_xor_rotl
          : op == VW_OP_f64_mul && c->last_op == VW_OP_f64_mul ? VW_OP_f64_mul3
                                                               : -1;
  if (f < 0 || c->last_val == NONE) return NONE;
  size_t pos = c->last_val;
  vw_cell c1 = *at(c, pos + 1), c2 = *at(c, pos + 2);
  uint32_t t = c1.s.a, other;
  if (a->kind == V_TEMP && a->home == t)
    other = sb;
  else if (b->kind == V_TEMP && b->home == t)
    other = sa;
  else
    return NONE;
  if (!c->oom) c->ncode = pos;
  emit_h(c, f);
  emit_ab(c, dst, c1.s.b);
  if (f != VW_OP_i32_xor_rotl)
    emit_ab(c, c2.s.a, other); /* [h][d, p][q, r] */
  else
    emit_ab(c, other, (uint32_t)c2.u & 31); /* [h][d, x][y, k] */
  return pos;
}

/* `f64.load; f64.add/sub/mul` with the loaded value used right away: the
** load (plain form) is folded into the arithmetic.  Returns the fused
** instruction's position or NONE. */
static size_t fuse_load(comp *c, int op, const vval *a, const vval *b,
                        uint32_t sa, uint32_t sb, uint32_t dst) {
  if (c->last_op != VW_OP_f64_load || c->last_val == NONE ||
      (op != VW_OP_f64_add && op != VW_OP_f64_sub && op != VW_OP_f64_mul))
    return NONE;
  size_t pos = c->last_val;
  vw_cell c1 = *at(c, pos + 1), c2 = *at(c, pos + 2);
  uint32_t t = c1.s.a, other;
  bool mem_first; /* the loaded value is the left operand */
  if (b->kind == V_TEMP && b->home == t) {
    other = sa;
    mem_first = false;
  } else if (a->kind == V_TEMP && a->home == t) {
    other = sb;
    mem_first = true;
  } else
    return NONE;
  int f = op == VW_OP_f64_add   ? VW_OP_f64_add_m
          : op == VW_OP_f64_mul ? VW_OP_f64_mul_m
          : mem_first           ? VW_OP_f64_subr_m
                                : VW_OP_f64_sub_m;
  if (!c->oom) c->ncode = pos;
  emit_h(c, f); /* [h][dst, x][addr, offset] */
  emit_ab(c, dst, other);
  emit_ab(c, c1.s.b, (uint32_t)c2.u);
  return pos;
}

static void do_binary(comp *c, const numinfo *ni) {
  vval b = pop(c), a = pop(c);
  uint32_t dst = c->h;
  bool has_si = ni->kind == N_BINI || ni->kind == N_CMP || ni->kind == N_BIN;
  size_t pos;
  if (ni->is && !ni->comm && a.kind == V_CONST && b.kind != V_CONST) {
    uint32_t sb = in_slot(c, &b); /* the _is form follows _si */
    pos = emit_h(c, ni->op_si + 1);
    emit_ab(c, dst, sb);
    emit_u(c, a.k);
  } else if (has_si && b.kind == V_CONST) {
    uint32_t sa = in_slot(c, &a);
    size_t p = ni->op_si == VW_OP_i32_add_si
                   ? pair_with_last(c, VW_OP_i32_add_si, 3, VW_OP_i32_add_si2)
                   : NONE;
    if (p != NONE) { /* [h][d1, a1][k1][d2, a2][k2] */
      emit_ab(c, dst, sa);
      emit_u(c, b.k);
      push_temp(c, ni->rtype);
      c->last_val = p + 2;
      return;
    }
    pos = emit_h(c, ni->op_si);
    emit_ab(c, dst, sa);
    emit_u(c, b.k);
  } else if (has_si && ni->comm && a.kind == V_CONST) {
    uint32_t sb = in_slot(c, &b);
    pos = emit_h(c, ni->op_si);
    emit_ab(c, dst, sb);
    emit_u(c, a.k);
  } else {
    uint32_t sa = in_slot(c, &a), sb = in_slot(c, &b);
    pos = fuse_dep(c, ni->op, &a, &b, sa, sb, dst);
    if (pos == NONE) pos = fuse_load(c, ni->op, &a, &b, sa, sb, dst);
    if (pos == NONE && ni->op == VW_OP_i32_add &&
        (pos = pair_with_last(c, VW_OP_i32_add, 3, VW_OP_i32_add2)) != NONE) {
      /* two adds (pointer and counter steps): [h][d1, a1][d2, b1][a2, b2] */
      at(c, pos + 2)->s.b = at(c, pos + 2)->s.a;
      at(c, pos + 2)->s.a = dst;
      emit_ab(c, sa, sb);
      push_temp(c, ni->rtype);
      c->last_val = pos + 1; /* d2 is patchable like a dst */
      return;
    }
    if (pos == NONE) {
      pos = emit_h(c, ni->op);
      emit_ab(c, dst, sa);
      emit_ab(c, sb, 0);
    }
  }
  push_temp(c, ni->rtype);
  c->last_val = pos;
  c->last_cmp = ni->cmp ? cmp_index(ni->op) : -1;
  if (at(c, pos)->h == c->H[VW_OP_i32_and_si]) c->last_cmp = CMP_AND;
}

static void do_unary(comp *c, const numinfo *ni, uint8_t opc) {
  vval a = pop(c);
  /* `i32.and x, mask; i32.eqz` right before a branch becomes one op */
  bool andz = opc == WASM_I32_EQZ && a.kind == V_TEMP && c->last_val != NONE &&
              c->last_cmp == CMP_AND && at(c, c->last_val + 1)->s.a == a.home;
  size_t and_pos = c->last_val;
  uint32_t dst = c->h;
  uint32_t sa = in_slot(c, &a);
  size_t pos = emit_h(c, ni->op);
  emit_ab(c, dst, sa);
  push_temp(c, ni->rtype);
  c->last_val = pos;
  if (opc == WASM_I32_EQZ) c->last_cmp = andz ? CMP_ANDZ : CMP_EQZ;
  c->and_pos = and_pos;
}

static void do_local_set(comp *c, uint32_t x, bool tee) {
  vval v = pop(c);
  uint32_t ls = c->lslot[x];
  uint8_t t = c->ltype[x];
  if (c->zero_known && c->needz[x] && !c->lwritten[x] && v.kind == V_CONST &&
      v.k == 0) {
    c->last_val = NONE; /* it is zero already */
    c->last_cmp = -1;
    if (tee) push(c, V_LOCAL, t, ls, 0);
    return;
  }
  c->lwritten[x] = 1;
  materialize_refs(c, ls);
  if (v.kind == V_TEMP && t != VW_V128 && c->last_val != NONE &&
      at(c, c->last_val + 1)->s.a == v.home) {
    at(c, c->last_val + 1)->s.a = ls; /* compute straight into the local */
  } else {
    emit_store_to(c, &v, ls);
  }
  c->last_val = NONE;
  c->last_cmp = -1;
  if (tee) push(c, V_LOCAL, t, ls, 0);
}

typedef struct addr {
  uint32_t form, a, b, k;
} addr;

/* A memory address operand.  Form 0 is the slot a (+ offset).  When the
** address was computed by the instruction just emitted, an i32.add, that
** add is dropped and folded in: form 1 is a + slot b, form 2 a + k.  A
** constant address is form 3 (b = the address).  Loads (scaled) also fold
** an array index: `i32.shl x, k; i32.add` into form 4, a + (b << k), and
** `i32.shl x, k; i32.add K` into form 5, (a << k) + b.  The form is added
** to the plain op (enum order: op, op_ss, op_si, op_a, op_sx, op_xi). */
static addr take_addr(comp *c, vval *v, bool scaled) {
  addr ad = { 0, 0, 0, 0 };
  if (v->kind == V_CONST) {
    ad.form = 3;
    ad.b = (uint32_t)v->k;
    return ad;
  }
  if (v->kind == V_TEMP && c->last_val != NONE &&
      at(c, c->last_val + 1)->s.a == v->home) {
    size_t pos = c->last_val;
    if (c->last_op == VW_OP_i32_add || c->last_op == VW_OP_i32_add_si) {
      vw_cell c1 = *at(c, pos + 1), c2 = *at(c, pos + 2);
      ad.form = c->last_op == VW_OP_i32_add ? 1 : 2;
      ad.a = c1.s.b;
      ad.b = ad.form == 1 ? c2.s.a : (uint32_t)c2.u;
      if (!c->oom) c->ncode = pos;
      /* the shift before the add, if it made one of its operands: that
      ** operand must be a temporary, read by the add only */
      size_t sp = c->prev_pos;
      if (scaled && c->prev_op == VW_OP_i32_shl_si && sp != NONE &&
          sp + 3 == pos) {
        vw_cell s1 = *at(c, sp + 1), s2 = *at(c, sp + 2);
        uint32_t t = s1.s.a;
        if (t >= c->ltop && ad.form == 1 && (ad.a == t) != (ad.b == t)) {
          ad.a = ad.a == t ? ad.b : ad.a;
          ad.b = s1.s.b;
          ad.k = (uint32_t)s2.u & 31;
          ad.form = 4;
          if (!c->oom) c->ncode = sp;
        } else if (t >= c->ltop && ad.form == 2 && ad.a == t) {
          ad.a = s1.s.b;
          ad.k = (uint32_t)s2.u & 31;
          ad.form = 5;
          if (!c->oom) c->ncode = sp;
        }
      }
      c->last_val = NONE;
      c->last_cmp = -1;
      return ad;
    }
  }
  ad.a = in_slot(c, v);
  return ad;
}

static void emit_addr_tail(comp *c, const addr *ad, uint32_t offset) {
  if (ad->form == 3)
    emit_u(c, (uint64_t)ad->b + offset);
  else if (ad->form)
    emit_ab(c, ad->b, offset);
  else
    emit_u(c, offset);
  if (ad->form >= 4) emit_u(c, ad->k);
}

/* Pops the n arguments of a call (materialised) and returns their base. */
static uint32_t call_args(comp *c, const vw_functype *t) {
  uint32_t first = c->nvs - t->nparams;
  for (uint32_t i = first; i < c->nvs; i++) materialize(c, &c->vs[i]);
  uint32_t base = t->nparams ? c->vs[first].home : c->h;
  c->nvs = first;
  c->h = base;
  return base;
}

static void call_results(comp *c, const vw_functype *t) {
  for (uint32_t i = 0; i < t->nresults; i++) push_temp(c, t->results[i]);
  c->last_val = NONE;
  c->last_cmp = -1;
}

/* Skips the immediates of an instruction in dead code. */
static bool skip_imm(comp *c, uint8_t op) {
  vw_reader *r = &c->r;
  uint32_t x;
  uint64_t u;
  int64_t s;
  const uint8_t *b;
  switch (op) {
    case WASM_BR:
    case WASM_BR_IF:
    case WASM_CALL:
    case WASM_LOCAL_GET:
    case WASM_LOCAL_SET:
    case WASM_LOCAL_TEE:
    case WASM_GLOBAL_GET:
    case WASM_GLOBAL_SET:
    case WASM_TABLE_GET:
    case WASM_TABLE_SET:
    case WASM_REF_FUNC: return vw_read_u32(r, &x);
    case WASM_CALL_INDIRECT: return vw_read_u32(r, &x) && vw_read_u32(r, &x);
    case WASM_BR_TABLE: {
      uint32_t n;
      if (!vw_read_u32(r, &n)) return false;
      for (uint64_t i = 0; i <= n; i++)
        if (!vw_read_u32(r, &x)) return false;
      return true;
    }
    case WASM_SELECT_T: {
      uint32_t n;
      if (!vw_read_u32(r, &n)) return false;
      return vw_read_bytes(r, n, &b);
    }
    case WASM_MEMORY_SIZE:
    case WASM_MEMORY_GROW:
    case WASM_REF_NULL: return vw_read_bytes(r, 1, &b);
    case WASM_I32_CONST: return vw_read_sleb(r, 32, &s);
    case WASM_I64_CONST: return vw_read_sleb(r, 64, &s);
    case WASM_F32_CONST: return vw_read_bytes(r, 4, &b);
    case WASM_F64_CONST: return vw_read_bytes(r, 8, &b);
    case WASM_PREFIX_FC:
      if (!vw_read_u32(r, &x)) return false;
      switch (x) {
        case WASM_FC_MEMORY_INIT:
          return vw_read_u32(r, &x) && vw_read_bytes(r, 1, &b);
        case WASM_FC_DATA_DROP:
        case WASM_FC_ELEM_DROP:
        case WASM_FC_TABLE_GROW:
        case WASM_FC_TABLE_SIZE:
        case WASM_FC_TABLE_FILL: return vw_read_u32(r, &x);
        case WASM_FC_MEMORY_COPY: return vw_read_bytes(r, 2, &b);
        case WASM_FC_MEMORY_FILL: return vw_read_bytes(r, 1, &b);
        case WASM_FC_TABLE_INIT:
        case WASM_FC_TABLE_COPY:
          return vw_read_u32(r, &x) && vw_read_u32(r, &x);
        default: return true;
      }
    case WASM_PREFIX_FD:
      if (!vw_read_u32(r, &x)) return false;
      if (x <= WASM_FD_V128_STORE || x == WASM_FD_V128_LOAD32_ZERO ||
          x == WASM_FD_V128_LOAD64_ZERO)
        return vw_read_uleb(r, 32, &u) && vw_read_uleb(r, 32, &u);
      if (x >= WASM_FD_V128_LOAD8_LANE && x <= WASM_FD_V128_STORE64_LANE)
        return vw_read_uleb(r, 32, &u) && vw_read_uleb(r, 32, &u) &&
               vw_read_bytes(r, 1, &b);
      if (x == WASM_FD_V128_CONST || x == WASM_FD_I8X16_SHUFFLE)
        return vw_read_bytes(r, 16, &b);
      if (x >= WASM_FD_I8X16_EXTRACT_LANE_S && x <= WASM_FD_F64X2_REPLACE_LANE)
        return vw_read_bytes(r, 1, &b);
      return true;
    default:
      if (op >= WASM_I32_LOAD && op <= WASM_I64_STORE32)
        return vw_read_u32(r, &x) && vw_read_u32(r, &x);
      return true;
  }
}

/* ---- SIMD ---------------------------------------------------------------- */
enum {
  SH_NONE,
  SH_UN,
  SH_BIN,
  SH_TER,
  SH_TEST,
  SH_SHIFT,
  SH_SPLAT,
  SH_EXTRACT,
  SH_REPLACE,
  SH_LOAD,
  SH_STORE,
  SH_LLANE,
  SH_SLANE,
  SH_SHUF
};
typedef struct simdinfo {
  uint8_t shape, stype;
  uint16_t op;
} simdinfo;
/* clang-format off */
#define T_SIMD(name, sub, shape, st, body) [sub] = { SH_##shape, VW_T_##st, VW_OP_simd_##name },
static const simdinfo simdtab[256] = { VW_SIMD_OPS(T_SIMD) };
/* clang-format on */

/* The immediates of a SIMD instruction, as far as it has them. */
typedef struct simdimm {
  uint32_t offset; /* memory offset (alignment: unused) */
  uint8_t lane;
  const uint8_t *bytes; /* shuffle: the 16 lane indices */
} simdimm;

/* Emits a SIMD op in the uniform layout [h][D, A][B, C][imm]. */
static size_t emit_simd(comp *c, int op, uint32_t d, uint32_t a, uint32_t b,
                        uint32_t k, uint64_t imm) {
  size_t pos = emit_h(c, op);
  emit_ab(c, d, a);
  emit_ab(c, b, k);
  emit_u(c, imm);
  return pos;
}

/* v128.const: [h][dst, -][lo][hi] */
static bool simd_const(comp *c) {
  const uint8_t *bytes;
  if (!vw_read_bytes(&c->r, 16, &bytes)) return false;
  uint64_t lo, hi;
  memcpy(&lo, bytes, 8);
  memcpy(&hi, bytes + 8, 8);
  uint32_t dst = c->h;
  emit_h(c, VW_OP_const2);
  emit_ab(c, dst, 0);
  emit_u(c, lo);
  emit_u(c, hi);
  push_temp(c, VW_V128);
  return true;
}

static bool simd_read_imm(comp *c, const simdinfo *si, simdimm *im) {
  vw_reader *r = &c->r;
  uint32_t align;
  switch (si->shape) {
    case SH_LOAD:
    case SH_STORE:
    case SH_LLANE:
    case SH_SLANE:
      if (!vw_read_u32(r, &align) || !vw_read_u32(r, &im->offset)) return false;
      if ((si->shape == SH_LLANE || si->shape == SH_SLANE) &&
          !vw_read_u8(r, &im->lane))
        return false;
      return true;
    case SH_EXTRACT:
    case SH_REPLACE: return vw_read_u8(r, &im->lane);
    case SH_SHUF: return vw_read_bytes(r, 16, &im->bytes);
  }
  return true;
}

/* The ops of one operand: UN, TEST, SPLAT, EXTRACT, LOAD. */
static void simd_unary(comp *c, const simdinfo *si, const simdimm *im) {
  vval x = pop(c);
  uint32_t dst = c->h;
  uint32_t sx = in_slot(c, &x);
  size_t pos = emit_simd(c, si->op, dst, sx, 0, 0,
                         si->shape == SH_LOAD ? im->offset : im->lane);
  uint8_t rt = si->shape == SH_TEST      ? VW_I32
               : si->shape == SH_EXTRACT ? si->stype
                                         : VW_V128;
  push_temp(c, rt);
  if (rt != VW_V128) c->last_val = pos;
}

/* The ops of two operands: BIN, SHIFT, REPLACE, SHUF (which carries its 16
** lane bytes in cells 3-4). */
static void simd_binary(comp *c, const simdinfo *si, const simdimm *im) {
  vval y = pop(c);
  vval x = pop(c);
  uint32_t dst = c->h;
  uint32_t sx = in_slot(c, &x);
  uint32_t sy = in_slot(c, &y);
  emit_simd(c, si->op, dst, sx, sy, 0, im->lane);
  if (si->shape == SH_SHUF) {
    uint64_t lo, hi;
    memcpy(&lo, im->bytes, 8);
    memcpy(&hi, im->bytes + 8, 8);
    at(c, c->ncode - 1)->u = lo;
    emit_u(c, hi);
  }
  push_temp(c, VW_V128);
}

/* TER, stores and lane loads: the ops that take three slots. */
static void simd_other(comp *c, const simdinfo *si, const simdimm *im) {
  vval x, y, z;
  uint32_t dst, sx, sy, sz;
  switch (si->shape) {
    case SH_TER:
      z = pop(c);
      y = pop(c);
      x = pop(c);
      dst = c->h;
      sx = in_slot(c, &x);
      sy = in_slot(c, &y);
      sz = in_slot(c, &z);
      emit_simd(c, si->op, dst, sx, sy, sz, 0);
      push_temp(c, VW_V128);
      return;
    case SH_STORE:
    case SH_SLANE: /* [h][addr, v][-, lane][offset] */
      y = pop(c);
      x = pop(c);
      sy = in_slot(c, &y);
      sx = in_slot(c, &x);
      emit_simd(c, si->op, sx, sy, 0, im->lane, im->offset);
      return;
    case SH_LLANE: /* [h][dst, addr][v, lane][offset] */
      y = pop(c);
      x = pop(c);
      dst = c->h;
      sy = in_slot(c, &y);
      sx = in_slot(c, &x);
      emit_simd(c, si->op, dst, sx, sy, im->lane, im->offset);
      push_temp(c, VW_V128);
      return;
  }
}

static bool do_simd(comp *c) {
  vw_reader *r = &c->r;
  uint32_t sub;
  static const uint8_t zero16[16];
  if (!vw_read_u32(r, &sub)) return false;
  if (sub == WASM_FD_V128_CONST) return simd_const(c);
  const simdinfo *si = sub < 256 ? &simdtab[sub] : NULL;
  if (!si || si->shape == SH_NONE) return vw_reader_fail(r, "illegal opcode");
  simdimm im = { 0, 0, zero16 };
  if (!simd_read_imm(c, si, &im)) return false;
  switch (si->shape) {
    case SH_UN:
    case SH_TEST:
    case SH_SPLAT:
    case SH_EXTRACT:
    case SH_LOAD: simd_unary(c, si, &im); return true;
    case SH_BIN:
    case SH_SHIFT:
    case SH_REPLACE:
    case SH_SHUF: simd_binary(c, si, &im); return true;
    case SH_TER:
    case SH_STORE:
    case SH_SLANE:
    case SH_LLANE: simd_other(c, si, &im); return true;
  }
  return vw_reader_fail(r, "illegal opcode");
}

/* ---- instructions by group ---------------------------------------------- */
/* translate() reads each opcode and translate_instr() hands it to the
** function of its group (tr_*).  Those return false on a decoding surprise
** (the reader says what), which the validator has ruled out, so that only
** guards the compiler itself; translate_instr tells translate one of: */
enum { STEP_OK, STEP_BAD, STEP_UNSUPPORTED };

/* In dead code: blocks are only counted and immediates skipped.  Returns
** true if op is done with (*ok false on a decoding error); false if it is
** the else or end of the current block, which translate handles. */
static bool skip_dead(comp *c, uint8_t op, bool *ok) {
  *ok = true;
  if (op == WASM_BLOCK || op == WASM_LOOP || op == WASM_IF) {
    ctl bt;
    *ok = read_blocktype(c, &bt);
    c->dead_depth++;
    return true;
  }
  if (op == WASM_END && c->dead_depth > 0) {
    c->dead_depth--;
    return true;
  }
  if (op == WASM_ELSE && c->dead_depth > 0) return true;
  if (op != WASM_END && op != WASM_ELSE) {
    *ok = skip_imm(c, op);
    return true;
  }
  return false;
}

/* block, loop, if */
static bool tr_block(comp *c, uint8_t op) {
  ctl bt;
  if (!read_blocktype(c, &bt)) return false;
  if (op != WASM_IF) {
    open_ctl(c, op == WASM_BLOCK ? C_BLOCK : C_LOOP, &bt);
    if (op == WASM_LOOP) c->zero_known = false; /* a back edge may follow */
    return true;
  }
  cond k = take_cond(c);
  ctl *C = open_ctl(c, C_IF, &bt);
  if (!C) return true;
  emit_cond_branch(c, &k, false, NULL, &C->fix_else);
  c->last_val = NONE;
  return true;
}

/* The results of the current block, made real before a join. */
static void materialize_results(comp *c, const ctl *C) {
  for (uint32_t i = c->nvs - C->nr; i < c->nvs; i++) materialize(c, &c->vs[i]);
}

static void tr_else(comp *c) {
  ctl *C = label(c, 0);
  if (!c->dead) {
    materialize_results(c, C);
    size_t pos = emit_h(c, VW_OP_jmp);
    emit_fix(c, &C->fix_end, pos);
  }
  bind(c, &C->fix_else);
  reset_stack(c, C, false);
  c->dead = false;
}

static void tr_end(comp *c) {
  ctl *C = label(c, 0);
  if (C->kind == C_FUNC) {
    if (!c->dead) emit_return(c);
    c->ncs--;
    return;
  }
  if (!c->dead) materialize_results(c, C);
  bind(c, &C->fix_else); /* if without else */
  bind(c, &C->fix_end);
  reset_stack(c, C, true);
  c->ncs--;
  c->dead = false;
}

static void tr_br_if(comp *c, uint32_t x) {
  ctl *L = label(c, x);
  cond k = take_cond(c);
  if (L->kind != C_FUNC && values_in_place(c, L)) {
    emit_cond_branch(c, &k, true, L, NULL);
  } else {
    uint32_t skip = 0;
    emit_cond_branch(c, &k, false, NULL, &skip);
    emit_br(c, L);
    bind(c, &skip);
  }
  c->last_val = NONE;
  c->last_cmp = -1;
}

/* br_table: [h][idx, n][n + 1 offsets].  A label whose values already sit
** in place is branched to directly; the others get a stub that moves the
** values first, one per distinct label. */
static bool tr_br_table(comp *c) {
  vw_reader *r = &c->r;
  uint32_t n, x;
  if (!vw_read_u32(r, &n)) return false;
  const uint8_t *labels = r->p;
  for (uint64_t i = 0; i <= n; i++)
    if (!vw_read_u32(r, &x)) return false;
  vval idx = pop(c);
  uint32_t si = in_slot(c, &idx);
  size_t pos = emit_h(c, VW_OP_br_table);
  emit_ab(c, si, n);
  size_t table = c->ncode;
  for (uint64_t i = 0; i <= n; i++) emit_u(c, 0);
  size_t *stub = vw_calloc(&c->m->alloc, c->ncs, sizeof *stub);
  if (!stub) {
    c->oom = true;
    return true;
  }
  vw_reader lr;
  vw_reader_init(&lr, r->base, labels, r->end);
  for (uint64_t i = 0; i <= n; i++) {
    vw_read_u32(&lr, &x);
    ctl *L = label(c, x);
    if (L->kind != C_FUNC && values_in_place(c, L)) {
      if (L->kind == C_LOOP) {
        at(c, table + i)->i = (int64_t)L->loop_pos - (int64_t)pos;
      } else {
        /* chain the table cell into the label's fixups */
        vw_cell *cell = at(c, table + i);
        cell->s.a = (uint32_t)pos;
        cell->s.b = L->fix_end;
        if (!c->oom) L->fix_end = (uint32_t)(table + i) + 1;
      }
      continue;
    }
    if (!stub[x]) {
      stub[x] = c->ncode + 1;
      emit_br(c, L);
    }
    at(c, table + i)->i = (int64_t)(stub[x] - 1) - (int64_t)pos;
  }
  vw_free(&c->m->alloc, stub);
  c->dead = true;
  return true;
}

/* br, br_if, br_table, return, unreachable */
static bool tr_branch(comp *c, uint8_t op) {
  uint32_t x;
  switch (op) {
    case WASM_UNREACHABLE:
      emit_h(c, VW_OP_unreachable);
      c->dead = true;
      return true;
    case WASM_BR:
      if (!vw_read_u32(&c->r, &x)) return false;
      emit_br(c, label(c, x));
      c->dead = true;
      return true;
    case WASM_BR_IF:
      if (!vw_read_u32(&c->r, &x)) return false;
      tr_br_if(c, x);
      return true;
    case WASM_BR_TABLE: return tr_br_table(c);
    default: /* return */
      emit_return(c);
      c->dead = true;
      return true;
  }
}

/* call: [h][x, base] (+ [funcdef] for call_def);
** call_indirect: [h][base, idx][table, type] */
static bool tr_call(comp *c, uint8_t op) {
  uint32_t x, y;
  if (op == WASM_CALL) {
    if (!vw_read_u32(&c->r, &x)) return false;
    const vw_functype *t = &c->m->types[c->m->func_type[x]];
    uint32_t base = call_args(c, t);
    if (x >= c->m->nfunc_imports) { /* defined in this module */
      emit_h(c, VW_OP_call_def);
      emit_ab(c, x, base);
      emit_u(c, (uint64_t)(uintptr_t)&c->m->funcs[x - c->m->nfunc_imports]);
    } else {
      emit_h(c, VW_OP_call);
      emit_ab(c, x, base);
    }
    call_results(c, t);
    return true;
  }
  if (!vw_read_u32(&c->r, &y) || !vw_read_u32(&c->r, &x)) return false;
  const vw_functype *t = &c->m->types[y];
  vval idx = pop(c);
  uint32_t base = call_args(c, t);
  /* a constant index goes just above the arguments */
  if (idx.kind == V_CONST) {
    idx.home = base;
    for (uint32_t i = 0; i < t->nparams; i++)
      idx.home += vw_slots(t->params[i]);
  }
  uint32_t si = in_slot(c, &idx);
  emit_h(c, VW_OP_call_indirect);
  emit_ab(c, base, si);
  emit_ab(c, x, y);
  call_results(c, t);
  return true;
}

/* select and select t*: [h][dst, a][b, k] */
static bool tr_select(comp *c, uint8_t op) {
  if (op == WASM_SELECT_T) {
    uint32_t n;
    const uint8_t *types;
    if (!vw_read_u32(&c->r, &n) || !vw_read_bytes(&c->r, n, &types))
      return false;
  }
  vval k = pop(c), b = pop(c), a = pop(c);
  uint32_t dst = c->h;
  uint32_t sk = in_slot(c, &k), sb = in_slot(c, &b), sa = in_slot(c, &a);
  bool wide = a.type == VW_V128;
  size_t pos = emit_h(c, wide ? VW_OP_select2 : VW_OP_select);
  emit_ab(c, dst, sa);
  emit_ab(c, sb, sk);
  push_temp(c, a.type);
  if (!wide) c->last_val = pos;
  return true;
}

/* local.get/set/tee, global.get/set */
static bool tr_variable(comp *c, uint8_t op) {
  uint32_t x;
  if (!vw_read_u32(&c->r, &x)) return false;
  if (op == WASM_LOCAL_GET) {
    push(c, V_LOCAL, c->ltype[x], c->lslot[x], 0);
  } else if (op == WASM_LOCAL_SET || op == WASM_LOCAL_TEE) {
    do_local_set(c, x, op == WASM_LOCAL_TEE);
  } else if (op == WASM_GLOBAL_GET) { /* [h][dst, x] */
    uint8_t t = c->m->globals[x].type;
    uint32_t dst = c->h;
    size_t pos = emit_h(c, t == VW_V128 ? VW_OP_global_get2 : VW_OP_global_get);
    emit_ab(c, dst, x);
    push_temp(c, t);
    if (t != VW_V128) c->last_val = pos;
  } else { /* global.set [h][v, x] */
    vval v = pop(c);
    uint32_t sv = in_slot(c, &v);
    emit_h(c, v.type == VW_V128 ? VW_OP_global_set2 : VW_OP_global_set);
    emit_ab(c, sv, x);
  }
  return true;
}

/* Emits [h][dst, a] for an op with a one-slot i32 or reference result
** that an immediately following local.set may retarget. */
static void emit_value_op(comp *c, int op, uint32_t dst, uint32_t a,
                          uint8_t type) {
  size_t pos = emit_h(c, op);
  emit_ab(c, dst, a);
  push_temp(c, type);
  c->last_val = pos;
}

/* table.get, table.set, ref.null, ref.is_null, ref.func */
static bool tr_table_ref(comp *c, uint8_t op) {
  uint32_t x = 0;
  if (op != WASM_REF_IS_NULL && op != WASM_REF_NULL && !vw_read_u32(&c->r, &x))
    return false;
  if (op == WASM_TABLE_GET) { /* [h][dst, i][x, -] */
    vval i = pop(c);
    uint32_t dst = c->h, si = in_slot(c, &i);
    size_t pos = emit_h(c, VW_OP_table_get);
    emit_ab(c, dst, si);
    emit_ab(c, x, 0);
    push_temp(c, c->m->tables[x].elemtype);
    c->last_val = pos;
  } else if (op == WASM_TABLE_SET) { /* [h][i, v][x, -] */
    vval v = pop(c), i = pop(c);
    uint32_t sv = in_slot(c, &v), si = in_slot(c, &i);
    emit_h(c, VW_OP_table_set);
    emit_ab(c, si, sv);
    emit_ab(c, x, 0);
  } else if (op == WASM_REF_NULL) {
    const uint8_t *b;
    if (!vw_read_bytes(&c->r, 1, &b)) return false;
    push(c, V_CONST, b[0], 0, 0);
  } else if (op == WASM_REF_IS_NULL) {
    vval a = pop(c);
    uint32_t dst = c->h, sa = in_slot(c, &a);
    emit_value_op(c, VW_OP_ref_is_null, dst, sa, VW_I32);
  } else { /* ref.func */
    emit_value_op(c, VW_OP_ref_func, c->h, x, VW_FUNCREF);
  }
  return true;
}

/* memory.size, memory.grow: [h][dst, n] */
static bool tr_memory_size_grow(comp *c, uint8_t op) {
  const uint8_t *b;
  if (!vw_read_bytes(&c->r, 1, &b)) return false;
  uint32_t dst, sa = 0;
  if (op == WASM_MEMORY_GROW) {
    vval n = pop(c);
    dst = c->h;
    sa = in_slot(c, &n);
  } else {
    dst = c->h;
  }
  emit_value_op(c,
                op == WASM_MEMORY_SIZE ? VW_OP_memory_size : VW_OP_memory_grow,
                dst, sa, VW_I32);
  return true;
}

/* The constants stay lazy (CONST entries) until something needs a slot. */
static bool tr_const(comp *c, uint8_t op) {
  vw_reader *r = &c->r;
  int64_t s;
  uint32_t f32;
  uint64_t f64;
  switch (op) {
    case WASM_I32_CONST:
      if (!vw_read_sleb(r, 32, &s)) return false;
      push(c, V_CONST, VW_I32, 0, (uint32_t)s);
      return true;
    case WASM_I64_CONST:
      if (!vw_read_sleb(r, 64, &s)) return false;
      push(c, V_CONST, VW_I64, 0, (uint64_t)s);
      return true;
    case WASM_F32_CONST:
      if (!vw_read_f32(r, &f32)) return false;
      push(c, V_CONST, VW_F32, 0, f32);
      return true;
    default:
      if (!vw_read_f64(r, &f64)) return false;
      push(c, V_CONST, VW_F64, 0, f64);
      return true;
  }
}

/* The 0xfc ops with three operands (dst/idx, src/value, n): memory.init,
** memory.copy, memory.fill, table.init, table.copy, table.fill.
** [h][d, s][n, imm] (+ [imm2, -] for table.init/copy). */
static bool tr_bulk3(comp *c, uint32_t x) {
  vw_reader *r = &c->r;
  const uint8_t *b;
  uint32_t seg = 0, t1 = 0, t2 = 0;
  bool ok;
  switch (x) {
    case WASM_FC_MEMORY_INIT:
      ok = vw_read_u32(r, &seg) && vw_read_bytes(r, 1, &b);
      break;
    case WASM_FC_MEMORY_COPY: ok = vw_read_bytes(r, 2, &b); break;
    case WASM_FC_MEMORY_FILL: ok = vw_read_bytes(r, 1, &b); break;
    case WASM_FC_TABLE_INIT:
      ok = vw_read_u32(r, &seg) && vw_read_u32(r, &t1);
      break;
    case WASM_FC_TABLE_COPY:
      ok = vw_read_u32(r, &t1) && vw_read_u32(r, &t2);
      break;
    default: ok = vw_read_u32(r, &t1); break; /* table.fill */
  }
  if (!ok) return false;
  vval n = pop(c), s = pop(c), d = pop(c);
  uint32_t sn = in_slot(c, &n), ss = in_slot(c, &s), sd = in_slot(c, &d);
  static const uint16_t ops[] = { [WASM_FC_MEMORY_INIT] = VW_OP_memory_init,
                                  [WASM_FC_MEMORY_COPY] = VW_OP_memory_copy,
                                  [WASM_FC_MEMORY_FILL] = VW_OP_memory_fill,
                                  [WASM_FC_TABLE_INIT] = VW_OP_table_init,
                                  [WASM_FC_TABLE_COPY] = VW_OP_table_copy,
                                  [WASM_FC_TABLE_FILL] = VW_OP_table_fill };
  emit_h(c, ops[x]);
  emit_ab(c, sd, ss);
  switch (x) {
    case WASM_FC_MEMORY_INIT: emit_ab(c, sn, seg); break;
    case WASM_FC_MEMORY_COPY:
    case WASM_FC_MEMORY_FILL: emit_ab(c, sn, 0); break;
    case WASM_FC_TABLE_INIT:
      emit_ab(c, sn, t1);
      emit_ab(c, seg, 0);
      break;
    case WASM_FC_TABLE_COPY:
      emit_ab(c, sn, t1);
      emit_ab(c, t2, 0);
      break;
    case WASM_FC_TABLE_FILL: emit_ab(c, sn, t1); break;
  }
  return true;
}

/* The 0xfc prefix: saturating truncation, bulk memory and table ops. */
static bool tr_prefix_fc(comp *c) {
  vw_reader *r = &c->r;
  uint32_t x, z;
  if (!vw_read_u32(r, &x)) return false;
  switch (x) {
    case WASM_FC_I32_TRUNC_SAT_F32_S ... WASM_FC_I64_TRUNC_SAT_F64_U:
      do_unary(c, &numtab[0x100 + x], 0);
      return true;
    case WASM_FC_MEMORY_INIT:
    case WASM_FC_MEMORY_COPY:
    case WASM_FC_MEMORY_FILL:
    case WASM_FC_TABLE_INIT:
    case WASM_FC_TABLE_COPY:
    case WASM_FC_TABLE_FILL: return tr_bulk3(c, x);
    case WASM_FC_DATA_DROP:
    case WASM_FC_ELEM_DROP:
      if (!vw_read_u32(r, &z)) return false;
      emit_h(c, x == WASM_FC_DATA_DROP ? VW_OP_data_drop : VW_OP_elem_drop);
      emit_ab(c, z, 0);
      return true;
    case WASM_FC_TABLE_GROW: { /* [h][dst, init][n, table] */
      if (!vw_read_u32(r, &z)) return false;
      vval n = pop(c), init = pop(c);
      uint32_t dst = c->h;
      uint32_t sn = in_slot(c, &n), sv = in_slot(c, &init);
      size_t pos = emit_h(c, VW_OP_table_grow);
      emit_ab(c, dst, sv);
      emit_ab(c, sn, z);
      push_temp(c, VW_I32);
      c->last_val = pos;
      return true;
    }
    case WASM_FC_TABLE_SIZE: /* [h][dst, table] */
      if (!vw_read_u32(r, &z)) return false;
      emit_value_op(c, VW_OP_table_size, c->h, z, VW_I32);
      return true;
    default: return false;
  }
}

static void tr_load(comp *c, const meminfo *mi, uint32_t offset) {
  vval a = pop(c);
  uint32_t dst = c->h;
  addr ad = take_addr(c, &a, true);
  size_t pos = emit_h(c, mi->op + ad.form);
  emit_ab(c, dst, ad.a);
  emit_addr_tail(c, &ad, offset);
  push_temp(c, mi->type);
  c->last_val = pos;
}

/* A store of a constant value: _k [h][addr,-][offset][value], or with an
** address add folded in, _ssk [h][a, b][offset][value]. */
static void tr_store_const(comp *c, const meminfo *mi, vval *v, vval *a,
                           uint32_t offset) {
  uint32_t sa, sb = 0;
  bool ss = a->kind == V_TEMP && c->last_op == VW_OP_i32_add;
  if (ss) {
    addr ad = take_addr(c, a, false);
    ss = ad.form == 1;
    sa = ad.a;
    sb = ad.b;
  } else {
    sa = in_slot(c, a);
  }
  emit_h(c, mi->op + (ss ? 5 : 4));
  emit_ab(c, sa, sb);
  emit_u(c, offset);
  emit_u(c, v->k);
}

static void tr_store(comp *c, const meminfo *mi, uint32_t offset) {
  vval v = pop(c), a = pop(c);
  if (v.kind == V_CONST) {
    tr_store_const(c, mi, &v, &a, offset);
    return;
  }
  if (mi->op == VW_OP_i32_store && v.kind == V_TEMP && a.kind != V_CONST &&
      c->last_op == VW_OP_i32_add_si && c->last_val != NONE &&
      at(c, c->last_val + 1)->s.a == v.home) {
    /* `p->x = y + k`: the add is folded into the store */
    size_t pos = c->last_val;
    vw_cell c1 = *at(c, pos + 1), c2 = *at(c, pos + 2);
    if (!c->oom) c->ncode = pos;
    emit_h(c, VW_OP_i32_store_addk); /* [h][addr, y][k][offset] */
    emit_ab(c, a.slot, c1.s.b);
    emit_u(c, c2.u);
    emit_u(c, offset);
    return;
  }
  /* a fused address add must be the instruction just before */
  addr ad = { 0, 0, 0, 0 };
  if (v.kind == V_LOCAL || a.kind == V_CONST)
    ad = take_addr(c, &a, false);
  else
    ad.a = in_slot(c, &a);
  uint32_t sv = in_slot(c, &v);
  emit_h(c, mi->op + ad.form);
  emit_ab(c, ad.a, sv);
  emit_addr_tail(c, &ad, offset);
}

/* Loads, stores and the numeric instructions, by table. */
static int tr_memory_numeric(comp *c, uint8_t op) {
  const meminfo *mi = mem_op(op);
  if (mi) {
    uint32_t align, offset;
    if (!vw_read_u32(&c->r, &align) || !vw_read_u32(&c->r, &offset))
      return STEP_BAD;
    if (mi->kind == 1)
      tr_load(c, mi, offset);
    else
      tr_store(c, mi, offset);
    return STEP_OK;
  }
  const numinfo *ni = &numtab[op];
  switch (ni->kind) {
    case N_CMP:
    case N_BINI:
    case N_BIN: do_binary(c, ni); return STEP_OK;
    case N_UN: do_unary(c, ni, op); return STEP_OK;
    case N_RETYPE: c->vs[c->nvs - 1].type = ni->rtype; return STEP_OK;
    default: return STEP_UNSUPPORTED;
  }
}

/* Translates one live instruction. */
static int translate_instr(comp *c, uint8_t op) {
  bool ok;
  switch (op) {
    case WASM_NOP: return STEP_OK;
    case WASM_BLOCK:
    case WASM_LOOP:
    case WASM_IF: ok = tr_block(c, op); break;
    case WASM_ELSE: tr_else(c); return STEP_OK;
    case WASM_END: tr_end(c); return STEP_OK;
    case WASM_UNREACHABLE:
    case WASM_BR:
    case WASM_BR_IF:
    case WASM_BR_TABLE:
    case WASM_RETURN: ok = tr_branch(c, op); break;
    case WASM_CALL:
    case WASM_CALL_INDIRECT: ok = tr_call(c, op); break;
    case WASM_DROP: pop(c); return STEP_OK;
    case WASM_SELECT:
    case WASM_SELECT_T: ok = tr_select(c, op); break;
    case WASM_LOCAL_GET:
    case WASM_LOCAL_SET:
    case WASM_LOCAL_TEE:
    case WASM_GLOBAL_GET:
    case WASM_GLOBAL_SET: ok = tr_variable(c, op); break;
    case WASM_TABLE_GET:
    case WASM_TABLE_SET:
    case WASM_REF_NULL:
    case WASM_REF_IS_NULL:
    case WASM_REF_FUNC: ok = tr_table_ref(c, op); break;
    case WASM_MEMORY_SIZE:
    case WASM_MEMORY_GROW: ok = tr_memory_size_grow(c, op); break;
    case WASM_I32_CONST:
    case WASM_I64_CONST:
    case WASM_F32_CONST:
    case WASM_F64_CONST: ok = tr_const(c, op); break;
    case WASM_PREFIX_FC: ok = tr_prefix_fc(c); break;
    case WASM_PREFIX_FD: ok = do_simd(c); break;
    default: return tr_memory_numeric(c, op);
  }
  return ok ? STEP_OK : STEP_BAD;
}

/* ---- the translation loop ----------------------------------------------- */
static vw_status translate(comp *c, vw_error *err) {
  vw_reader *r = &c->r;
  while (c->ncs > 0) {
    if (c->oom) return VW_ERR_NOMEM;
    uint8_t op;
    bool ok;
    if (!vw_read_u8(r, &op)) break;
    if (c->dead && skip_dead(c, op, &ok)) {
      if (!ok) break;
      continue;
    }
    int st = translate_instr(c, op);
    if (st == STEP_BAD) goto bad;
    if (st == STEP_UNSUPPORTED)
      return vw_fail(err, VW_ERR_INVALID, vw_reader_offset(r) - 1,
                     "unsupported opcode 0x%02x", op);
  }
  if (c->oom) return VW_ERR_NOMEM;
  if (c->ncs == 0) return VW_OK;
bad:
  return vw_fail(err, VW_ERR_MALFORMED,
                 r->error ? r->error_offset : vw_reader_offset(r),
                 "cannot compile function body: %s",
                 r->error ? r->error : "unexpected opcode");
}

/* Which declared locals must be zeroed on entry (needz[x] = 1)?  Zeroing
** is paid on every call, so locals that are never read before written are
** left out.  A local whose first mention in the body is a local.set/tee at
** the function's top level (inside no block, loop or if) is written before
** any read can run: top-level code runs in order, and a loop that could
** carry a later read back to before the write would enclose the write.
** Except that a first write of constant zero is better left to the zeroing
** (do_local_set drops it).  Locals never mentioned need nothing.  On a
** decoding surprise every local is zeroed. */
static void scan_locals(comp *c) {
  vw_reader saved = c->r;
  uint8_t *seen = c->lwritten; /* borrowed: all zero before and after */
  uint32_t depth = 1;
  bool prev_zero = false, ok = true;
  while (ok && depth > 0) {
    uint8_t op;
    uint32_t x;
    bool zero = false;
    if (!vw_read_u8(&c->r, &op)) {
      ok = false;
      break;
    }
    switch (op) {
      case WASM_BLOCK:
      case WASM_LOOP:
      case WASM_IF: {
        ctl bt;
        ok = read_blocktype(c, &bt);
        depth++;
        break;
      }
      case WASM_END: depth--; break;
      case WASM_LOCAL_GET:
      case WASM_LOCAL_SET:
      case WASM_LOCAL_TEE:
        if (!vw_read_u32(&c->r, &x) || x >= c->nlocals) {
          ok = false;
          break;
        }
        if (!seen[x] && x >= c->nparams) {
          seen[x] = 1;
          c->needz[x] = op == WASM_LOCAL_GET || depth > 1 || prev_zero;
        }
        break;
      case WASM_I32_CONST:
      case WASM_I64_CONST: {
        int64_t v;
        ok = vw_read_sleb(&c->r, op == WASM_I32_CONST ? 32 : 64, &v);
        zero = v == 0;
        break;
      }
      case WASM_F32_CONST:
      case WASM_F64_CONST: {
        const uint8_t *b;
        ok = vw_read_bytes(&c->r, op == WASM_F32_CONST ? 4 : 8, &b);
        if (ok) {
          uint64_t bits = 0;
          memcpy(&bits, b, op == WASM_F32_CONST ? 4 : 8);
          zero = bits == 0;
        }
        break;
      }
      default: ok = skip_imm(c, op); break;
    }
    prev_zero = zero;
  }
  if (!ok) memset(c->needz + c->nparams, 1, c->nlocals - c->nparams);
  memset(seen, 0, c->nlocals);
  c->r = saved;
}

/* Slots for the locals: the parameters, then the locals to zero on entry,
** then the others; the slots of the first two groups in *pslots and
** *zslots.  Returns the slots taken in all. */
static uint32_t assign_local_slots(comp *c, const vw_funcdef *fd,
                                   uint32_t *pslots, uint32_t *zslots) {
  uint32_t np = c->ft->nparams, slot = 0;
  *pslots = *zslots = 0;
  for (int pass = 0; pass < 3; pass++) {
    for (uint32_t i = 0; i < c->nlocals; i++) {
      if (pass != (i < np ? 0 : c->needz[i] ? 1 : 2)) continue;
      c->ltype[i] = i < np ? c->ft->params[i] : fd->local_types[i - np];
      c->lslot[i] = slot;
      slot += vw_slots(c->ltype[i]);
    }
    if (pass == 0) *pslots = slot;
    if (pass == 1) *zslots = slot - *pslots;
  }
  return slot;
}

static vw_status compile_one(const vw_module *m, vw_funcdef *fd,
                             const void *const *H, vw_error *err) {
  comp c;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.ft = &m->types[fd->type_idx];
  c.H = H;
  c.last_val = NONE;
  c.last_cmp = -1;
  c.last_pos = NONE;
  c.prev_pos = NONE;
  vw_reader_init(&c.r, m->bytes, fd->body, fd->body + fd->body_len);

  vw_status st = VW_OK;
  uint32_t np = c.ft->nparams;
  c.nlocals = np + fd->nlocals;
  c.ltype = vw_malloc(&m->alloc, c.nlocals ? c.nlocals : 1);
  c.lslot = vw_calloc(&m->alloc, c.nlocals ? c.nlocals : 1, sizeof *c.lslot);
  c.lwritten = vw_calloc(&m->alloc, c.nlocals ? c.nlocals : 1, 1);
  c.needz = vw_calloc(&m->alloc, c.nlocals ? c.nlocals : 1, 1);
  c.nparams = np;
  c.zero_known = true;
  if (!c.ltype || !c.lslot || !c.lwritten || !c.needz) {
    st = VW_ERR_NOMEM;
    goto out;
  }
  scan_locals(&c);
  uint32_t pslots, zslots;
  c.h = c.maxh = c.ltop = assign_local_slots(&c, fd, &pslots, &zslots);

  /* the function body is a block whose label is the return */
  ctl fn;
  memset(&fn, 0, sizeof fn);
  fn.nr = c.ft->nresults;
  fn.results = c.ft->results;
  if (!open_ctl(&c, C_FUNC, &fn)) {
    st = VW_ERR_NOMEM;
    goto out;
  }

  st = translate(&c, err);
  if (st != VW_OK) goto out;

  uint32_t rslots = 0;
  for (uint32_t i = 0; i < c.ft->nresults; i++)
    rslots += vw_slots(c.ft->results[i]);
  vw_code *code =
      vw_malloc(&m->alloc, sizeof *code + c.ncode * sizeof(vw_cell));
  if (!code) {
    st = VW_ERR_NOMEM;
    goto out;
  }
  code->nparam_slots = pslots;
  code->nlocal_slots = zslots;
  code->nresult_slots = rslots;
  code->frame_slots = c.maxh > rslots ? c.maxh : rslots;
  code->ncells = c.ncode;
  memcpy(code->cells, c.code, c.ncode * sizeof(vw_cell));
  fd->code = code;

out:
  if (st == VW_ERR_NOMEM)
    vw_fail(err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
  vw_free(&m->alloc, c.code);
  vw_free(&m->alloc, c.vs);
  vw_free(&m->alloc, c.cs);
  vw_free(&m->alloc, c.ltype);
  vw_free(&m->alloc, c.lslot);
  vw_free(&m->alloc, c.lwritten);
  vw_free(&m->alloc, c.needz);
  return st;
}

vw_status vw_compile(vw_module *m, vw_error *err) {
  const void *const *H = vw_exec_handlers();
  uint32_t n = m->nfuncs - m->nfunc_imports;
  for (uint32_t i = 0; i < n; i++) {
    if (m->funcs[i].code) continue;
    vw_status st = compile_one(m, &m->funcs[i], H, err);
    if (st != VW_OK) {
      /* leave nothing half-built: free what this call compiled */
      for (uint32_t j = 0; j < i; j++) {
        vw_code_free(&m->alloc, m->funcs[j].code);
        m->funcs[j].code = NULL;
      }
      return st;
    }
  }
  return VW_OK;
}

void vw_code_free(const vw_allocator *a, void *code) { vw_free(a, code); }
