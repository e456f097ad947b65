/*
** vw_exec.c — the interpreter loop.
**
** Owns struct vw_exec_state (the store's value stack and call-frame stack)
** and vw_exec, which runs a function compiled by vw_compile.c.  Dispatch is
** direct threading: every instruction's first cell is the address of its
** handler label, so moving to the next instruction is one indirect jump.
** pc, fp, the memory base and size, the instance and the frame-stack top
** live in local variables; the memory base/size are reloaded after anything
** that can grow or replace memory (memory.grow, host calls, and calls and
** returns that switch instance).
**
** Wasm-to-wasm calls do not recurse on the C stack: a call pushes a
** {return pc, caller fp, caller function} record on the frame stack and
** jumps.  Only host functions that call back into wasm nest vw_exec, and
** that nesting is capped.  The callee's frame starts where the caller put
** the arguments, so arguments are never copied.
*/
#include <math.h>
#include <string.h>

#include "vw_code.h"
#include "vw_float.h"

#define MAX_NESTING 200 /* host → wasm re-entries; bounds the C stack */

typedef struct vw_frame {
  const vw_cell *pc; /* where the caller resumes */
  vw_raw *fp;        /* the caller's frame */
  vw_func *func;     /* the caller */
} vw_frame;

struct vw_exec_state {
  vw_raw *stack, *send;    /* the value stack */
  vw_raw *top;             /* first slot free for a new entry */
  vw_frame *frames, *fend; /* the call-frame stack */
  vw_frame *ftop;          /* first frame free for a new entry */
  uint32_t nest;           /* active vw_exec entries */
};

void vw_exec_state_free(vw_store *s, struct vw_exec_state *e) {
  if (!e) return;
  vw_free(&s->alloc, e->stack);
  vw_free(&s->alloc, e->frames);
  vw_free(&s->alloc, e);
}

static struct vw_exec_state *exec_state(vw_store *s) {
  if (s->exec) return s->exec;
  struct vw_exec_state *e = vw_calloc(&s->alloc, 1, sizeof *e);
  if (!e) return NULL;
  size_t nslots =
      s->cfg.value_stack_slots ? s->cfg.value_stack_slots : 512u * 1024u;
  size_t nframes = s->cfg.max_call_depth ? s->cfg.max_call_depth : 10000u;
  e->stack = vw_malloc(&s->alloc, nslots * sizeof(vw_raw));
  e->frames = vw_malloc(&s->alloc, nframes * sizeof(vw_frame));
  if (!e->stack || !e->frames) {
    vw_exec_state_free(s, e);
    return NULL;
  }
  e->send = e->stack + nslots;
  e->top = e->stack;
  e->fend = e->frames + nframes;
  e->ftop = e->frames;
  s->exec = e;
  return e;
}

static uint32_t type_slots(const uint8_t *t, uint32_t n) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++) k += vw_slots(t[i]);
  return k;
}

typedef union v128 {
  int8_t i8[16];
  uint8_t u8[16];
  int16_t i16[8];
  uint16_t u16[8];
  int32_t i32[4];
  uint32_t u32[4];
  int64_t i64[2];
  uint64_t u64[2];
  float f32[4];
  double f64[2];
} v128;

static inline int8_t vw_sat_s8(int v) {
  return v < -128 ? -128 : v > 127 ? 127 : (int8_t)v;
}
static inline uint8_t vw_sat_u8(int v) {
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}
static inline int16_t vw_sat_s16(int v) {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : (int16_t)v;
}
static inline uint16_t vw_sat_u16(int v) {
  return v < 0 ? 0 : v > 65535 ? 65535 : (uint16_t)v;
}

/* ---- value access ------------------------------------------------------- */
typedef uint32_t ct_I32;
typedef uint64_t ct_I64;
typedef float ct_F32;
typedef double ct_F64;
#define RD_I32(x) ((uint32_t)(x))
#define RD_I64(x) ((uint64_t)(x))
#define RD_F32(x) vw_f32_from_bits((uint32_t)(x))
#define RD_F64(x) vw_f64_from_bits((uint64_t)(x))
#define WR_I32(v) ((vw_raw)(uint32_t)(v))
#define WR_I64(v) ((vw_raw)(uint64_t)(v))
#define WR_F32(v) ((vw_raw)vw_f32_bits(v))
#define WR_F64(v) ((vw_raw)vw_f64_bits(v))

/* The interpreter loop is laid out by hand (labels, handler macros, one
** operand comment per op), so the formatter leaves it alone. */
/* clang-format off */
/* Runs f (a wasm function) whose frame is already set up at fp.  Called
** with s == NULL it only returns the handler table, through *table.
** no-tree-loop-distribute-patterns: keep the short loops that zero a
** callee's locals inline instead of turning them into memset calls. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static vw_status run(vw_store *s, struct vw_exec_state *e, vw_func *f,
                     vw_raw *fp, vw_error *err, const void *const **table) {
#define H_MISC(name) [VW_OP_##name] = &&op_##name,
#define H_CMP(name, opc, T, expr, inv)                                    \
  [VW_OP_##name] = &&op_##name, [VW_OP_##name##_si] = &&op_##name##_si,   \
  [VW_OP_br_##name] = &&op_br_##name,                                     \
  [VW_OP_br_##name##_si] = &&op_br_##name##_si,
#define H_BINI(name, opc, T, expr, comm)                                  \
  [VW_OP_##name] = &&op_##name, [VW_OP_##name##_si] = &&op_##name##_si,   \
  [VW_OP_##name##_is] = &&op_##name##_is,
#define H_DIV(name, opc, T)                                               \
  [VW_OP_##name] = &&op_##name, [VW_OP_##name##_si] = &&op_##name##_si,
#define H_BIN(name, opc, T, R, expr)                                      \
  [VW_OP_##name] = &&op_##name, [VW_OP_##name##_si] = &&op_##name##_si,   \
  [VW_OP_##name##_is] = &&op_##name##_is,
#define H_UN(name, opc, T, R, expr) [VW_OP_##name] = &&op_##name,
#define H_TRUNC(name, opc, T, R, fn, ct) [VW_OP_##name] = &&op_##name,
#define H_LOAD(name, opc, R, ct, conv)                                    \
  [VW_OP_##name] = &&op_##name, [VW_OP_##name##_ss] = &&op_##name##_ss,   \
  [VW_OP_##name##_si] = &&op_##name##_si, [VW_OP_##name##_a] = &&op_##name##_a, \
  [VW_OP_##name##_sx] = &&op_##name##_sx, [VW_OP_##name##_xi] = &&op_##name##_xi,
#define H_STORE(name, opc, ct)                                            \
  [VW_OP_##name] = &&op_##name, [VW_OP_##name##_ss] = &&op_##name##_ss,   \
  [VW_OP_##name##_si] = &&op_##name##_si, [VW_OP_##name##_a] = &&op_##name##_a, \
  [VW_OP_##name##_k] = &&op_##name##_k, [VW_OP_##name##_ssk] = &&op_##name##_ssk,
#define H_SIMD(name, sub, shape, st, body) [VW_OP_simd_##name] = &&op_simd_##name,
  static const void *const handlers[VW_OP_COUNT] = {
    VW_MISC_OPS(H_MISC) VW_CMP_OPS(H_CMP) VW_BINI_OPS(H_BINI)
    VW_DIV_OPS(H_DIV) VW_BIN_OPS(H_BIN) VW_UN_OPS(H_UN)
    VW_TRUNC_OPS(H_TRUNC) VW_LOAD_OPS(H_LOAD) VW_STORE_OPS(H_STORE)
    VW_SIMD_OPS(H_SIMD)
  };
  if (!s) {
    *table = handlers;
    return VW_OK;
  }

  atomic_int *const intr = &s->interrupt;
  vw_frame *const fbase = e->ftop;   /* frames below belong to outer entries */
  vw_frame *ftop = fbase;
  vw_frame *const fend = e->fend;
  vw_raw *const send = e->send;
  vw_func *cur = f;
  vw_instance *inst = f->inst;
  const vw_cell *pc = ((const vw_code *)f->def->code)->cells;
  uint8_t *mbase;
  uint64_t msize;
  vw_trap trapc = VW_TRAP_NONE;
  /* state of a call in progress (shared by call and call_indirect) */
  vw_func *callee;
  vw_raw *nfp;
  const vw_cell *retpc;

#define LOAD_MEM()                                   \
  do {                                               \
    vw_memory *m0_ = inst->mems[0];                  \
    mbase = m0_ ? m0_->data : NULL;                  \
    msize = m0_ ? m0_->size : 0;                     \
  } while (0)
#define NEXT() goto *pc->h
#define TRAP(t) do { trapc = (t); goto trap; } while (0)
#define CHECK_INTR()                                                    \
  do {                                                                  \
    if (__builtin_expect(atomic_load_explicit(intr, memory_order_relaxed), 0)) { \
      atomic_store_explicit(intr, 0, memory_order_relaxed); /* consumed */ \
      TRAP(VW_TRAP_INTERRUPTED);                                        \
    }                                                                   \
  } while (0)
  /* A taken branch; only loop labels lie backwards, so the interrupt check
  ** (required at loop back-edges) costs forward branches nothing. */
#define JUMP(off)                                  \
  do {                                             \
    int64_t off_ = (off);                          \
    pc += off_;                                    \
    if (off_ <= 0) CHECK_INTR();                   \
    NEXT();                                        \
  } while (0)
#define D1 pc[1].s.a
#define A1 pc[1].s.b
#define B2 pc[2].s.a
#define IMM2 pc[2].u

  LOAD_MEM();
  NEXT();

  /* ---- control --------------------------------------------------------- */
op_unreachable:
  TRAP(VW_TRAP_UNREACHABLE);
op_jmp:                                /* [h][offset] */
  JUMP(pc[1].i);
op_br_nz:                              /* [h][cond,-][offset] */
  if ((uint32_t)fp[pc[1].s.a]) JUMP(pc[2].i);
  pc += 3;
  NEXT();
op_br_z:
  if (!(uint32_t)fp[pc[1].s.a]) JUMP(pc[2].i);
  pc += 3;
  NEXT();
op_br_and_z:                           /* [h][a,-][mask][offset] */
  if (!((uint32_t)fp[pc[1].s.a] & (uint32_t)pc[2].u)) JUMP(pc[3].i);
  pc += 4;
  NEXT();
op_br_and_nz:
  if ((uint32_t)fp[pc[1].s.a] & (uint32_t)pc[2].u) JUMP(pc[3].i);
  pc += 4;
  NEXT();
  /* unsigned range checks `(uint32_t)(a + k) OP n`: [h][a,-][k, n][offset] */
#define BR_ADD(name, OP)                                                  \
op_##name:                                                                \
  if ((uint32_t)((uint32_t)fp[pc[1].s.a] + pc[2].s.a) OP pc[2].s.b)       \
    JUMP(pc[3].i);                                                        \
  pc += 4;                                                                \
  NEXT();
  BR_ADD(br_lt_u_add, <) BR_ADD(br_gt_u_add, >)
  BR_ADD(br_le_u_add, <=) BR_ADD(br_ge_u_add, >=)
op_br_table: {                         /* [h][idx,n][off 0]..[off n] */
  uint32_t i = (uint32_t)fp[pc[1].s.a], n = pc[1].s.b;
  if (i > n) i = n;
  JUMP(pc[2 + i].i);
}
op_ret1:                               /* [h][src]: one-slot result */
  fp[0] = fp[pc[1].s.a];
  /* fall through */
op_ret:                                /* results are in fp[0..) already */
  if (ftop == fbase) goto done;
  ftop--;
  pc = ftop->pc;
  fp = ftop->fp;
  cur = ftop->func;
  /* Within one instance mbase/msize are current (memory.grow updates
  ** them); only a return across instances must reload them. */
  if (__builtin_expect(cur->inst != inst, 0)) {
    inst = cur->inst;
    LOAD_MEM();
  }
  NEXT();

op_call_def: {                         /* [h][func index, args slot][funcdef] */
  /* A function of this module: it runs in this instance, so neither a host
  ** function nor an instance switch need be considered, and its code is
  ** one load away (the frame-stack and value-stack checks as in do_call). */
  const vw_code *code = ((const vw_funcdef *)(uintptr_t)pc[2].u)->code;
  nfp = fp + pc[1].s.b;
  CHECK_INTR();
  if (ftop >= fend || nfp + code->frame_slots > send)
    TRAP(VW_TRAP_STACK_EXHAUSTED);
  ftop->pc = pc + 3;
  ftop->fp = fp;
  ftop->func = cur;
  ftop++;
  cur = inst->funcs[pc[1].s.a];
  fp = nfp;
  for (vw_raw *l = fp + code->nparam_slots, *le = l + code->nlocal_slots;
       l < le; l++)
    *l = 0;
  pc = code->cells;
  NEXT();
}
op_call:                               /* [h][func index, args slot] */
  callee = inst->funcs[pc[1].s.a];
  nfp = fp + pc[1].s.b;
  retpc = pc + 2;
  goto do_call;
op_call_indirect: {                    /* [h][args slot, idx][table, type] */
  vw_table *t = inst->tables[pc[2].s.a];
  uint32_t i = (uint32_t)fp[pc[1].s.b];
  if (i >= t->size) TRAP(VW_TRAP_UNDEFINED_ELEMENT);
  callee = (vw_func *)(uintptr_t)t->elems[i];
  if (!callee) TRAP(VW_TRAP_UNINIT_ELEMENT);
  if (callee->sig != inst->sigs[pc[2].s.b]) TRAP(VW_TRAP_INDIRECT_MISMATCH);
  nfp = fp + pc[1].s.a;
  retpc = pc + 3;
  goto do_call;
}
do_call:
  CHECK_INTR();
  if (callee->def) {
    const vw_code *code = callee->def->code;
    if (ftop >= fend || nfp + code->frame_slots > send)
      TRAP(VW_TRAP_STACK_EXHAUSTED);
    ftop->pc = retpc;
    ftop->fp = fp;
    ftop->func = cur;
    ftop++;
    fp = nfp;
    /* zero the declared locals; usually a few slots, so no memset call */
    for (vw_raw *l = fp + code->nparam_slots, *le = l + code->nlocal_slots;
         l < le; l++)
      *l = 0;
    cur = callee;
    if (callee->inst != inst) {
      inst = callee->inst;
      LOAD_MEM();
    }
    pc = code->cells;
    NEXT();
  } else {
    /* Host function: arguments at nfp, results written above them (a host
    ** may write results before it has read every argument), then moved
    ** down.  A host may re-enter vw_exec: it gets the stacks above ours. */
    const vw_functype *t = callee->type;
    uint32_t np = type_slots(t->params, t->nparams);
    uint32_t nr = type_slots(t->results, t->nresults);
    vw_raw *res = nfp + np;
    if (res + nr > send) TRAP(VW_TRAP_STACK_EXHAUSTED);
    struct vw_host_call hc = { s, inst, err };
    vw_raw *saved_top = e->top;
    e->top = res + nr;
    e->ftop = ftop;
    int rc = callee->host(&hc, callee->host_ud, nfp, res);
    e->top = saved_top;
    e->ftop = fbase;
    if (rc) {
      if (err->status != VW_ERR_TRAP) vw_trap_set(err, VW_TRAP_HOST);
      trapc = err->trap;
      goto trap_filled;
    }
    if (nr) memmove(nfp, res, nr * sizeof *res);
    LOAD_MEM();
    pc = retpc;
    NEXT();
  }

  /* ---- moves, constants, select --------------------------------------- */
op_mov:                                /* [h][dst, src] */
  fp[pc[1].s.a] = fp[pc[1].s.b];
  pc += 2;
  NEXT();
op_mov2: {                             /* v128 */
  vw_raw lo = fp[pc[1].s.b], hi = fp[pc[1].s.b + 1];
  fp[pc[1].s.a] = lo;
  fp[pc[1].s.a + 1] = hi;
  pc += 2;
  NEXT();
}
op_mov_mov:                            /* [h][d1, s1][d2, s2], in order */
  fp[pc[1].s.a] = fp[pc[1].s.b];
  fp[pc[2].s.a] = fp[pc[2].s.b];
  pc += 3;
  NEXT();
op_i32_add_si2:                        /* [h][d1, a1][k1][d2, a2][k2] */
  fp[pc[1].s.a] = (uint32_t)((uint32_t)fp[pc[1].s.b] + (uint32_t)pc[2].u);
  fp[pc[3].s.a] = (uint32_t)((uint32_t)fp[pc[3].s.b] + (uint32_t)pc[4].u);
  pc += 5;
  NEXT();
op_i32_add2:                           /* [h][d1, a1][d2, b1][a2, b2] */
  fp[D1] = (uint32_t)((uint32_t)fp[A1] + (uint32_t)fp[pc[2].s.b]);
  fp[pc[2].s.a] = (uint32_t)((uint32_t)fp[pc[3].s.a] + (uint32_t)fp[pc[3].s.b]);
  pc += 4;
  NEXT();
op_i32_add3:                           /* [h][d, p][q, r]: p + q + r */
  fp[D1] = (uint32_t)((uint32_t)fp[A1] + (uint32_t)fp[B2] + (uint32_t)fp[pc[2].s.b]);
  pc += 3;
  NEXT();
op_f64_mul3: {                         /* [h][d, p][q, r]: (p * q) * r */
  double t = RD_F64(fp[A1]) * RD_F64(fp[B2]);
  fp[D1] = WR_F64(t * RD_F64(fp[pc[2].s.b]));
  pc += 3;
  NEXT();
}
op_i32_xor_rotl: {                     /* [h][d, x][y, k]: rotl(x, k) ^ y */
  uint32_t x = (uint32_t)fp[A1], k = pc[2].s.b;
  fp[D1] = ((x << k) | (x >> ((32 - k) & 31))) ^ (uint32_t)fp[B2];
  pc += 3;
  NEXT();
}
op_const:                              /* [h][dst,-][value] */
  fp[D1] = IMM2;
  pc += 3;
  NEXT();
op_const2:                             /* [h][dst,-][lo][hi] */
  fp[D1] = pc[2].u;
  fp[D1 + 1] = pc[3].u;
  pc += 4;
  NEXT();
op_select:                             /* [h][dst, a][b, cond] */
  fp[D1] = (uint32_t)fp[pc[2].s.b] ? fp[A1] : fp[B2];
  pc += 3;
  NEXT();
op_select2: {
  uint32_t src = (uint32_t)fp[pc[2].s.b] ? A1 : B2;
  vw_raw lo = fp[src], hi = fp[src + 1];
  fp[D1] = lo;
  fp[D1 + 1] = hi;
  pc += 3;
  NEXT();
}
op_global_get:                         /* [h][dst, global] */
  fp[D1] = inst->globals[A1]->val;
  pc += 2;
  NEXT();
op_global_set:                         /* [h][src, global] */
  inst->globals[A1]->val = fp[pc[1].s.a];
  pc += 2;
  NEXT();
op_global_get2: {
  const vw_global *g = inst->globals[A1];
  fp[D1] = g->val;
  fp[D1 + 1] = g->val_hi;
  pc += 2;
  NEXT();
}
op_global_set2: {
  vw_global *g = inst->globals[A1];
  g->val = fp[pc[1].s.a];
  g->val_hi = fp[pc[1].s.a + 1];
  pc += 2;
  NEXT();
}
op_ref_is_null:                        /* [h][dst, src] */
  fp[D1] = fp[A1] == 0;
  pc += 2;
  NEXT();
op_ref_func:                           /* [h][dst, func index] */
  fp[D1] = (vw_raw)(uintptr_t)inst->funcs[A1];
  pc += 2;
  NEXT();

  /* ---- numerics --------------------------------------------------------- */
#define X_CMP(name, opc, T, expr, inv)                                    \
op_##name: {                           /* [h][dst, a][b] */               \
  ct_##T a = RD_##T(fp[A1]), b = RD_##T(fp[B2]);                          \
  fp[D1] = (expr);                                                        \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_##name##_si: {                      /* [h][dst, a][imm] */             \
  ct_##T a = RD_##T(fp[A1]), b = (ct_##T)IMM2;                            \
  fp[D1] = (expr);                                                        \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_br_##name: {                        /* [h][a, b][offset] */            \
  ct_##T a = RD_##T(fp[pc[1].s.a]), b = RD_##T(fp[pc[1].s.b]);            \
  if (expr) JUMP(pc[2].i);                                                \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_br_##name##_si: {                   /* [h][a,-][imm][offset] */        \
  ct_##T a = RD_##T(fp[pc[1].s.a]), b = (ct_##T)pc[2].u;                  \
  if (expr) JUMP(pc[3].i);                                                \
  pc += 4;                                                                \
  NEXT();                                                                 \
}
  VW_CMP_OPS(X_CMP)

#define X_BINI(name, opc, T, expr, comm)                                  \
op_##name: {                                                              \
  ct_##T a = RD_##T(fp[A1]), b = RD_##T(fp[B2]);                          \
  fp[D1] = WR_##T(expr);                                                  \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_##name##_si: {                      /* [h][dst, a][imm b] */           \
  ct_##T a = RD_##T(fp[A1]), b = (ct_##T)IMM2;                            \
  fp[D1] = WR_##T(expr);                                                  \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_##name##_is: {                      /* [h][dst, b][imm a] */           \
  ct_##T a = (ct_##T)IMM2, b = RD_##T(fp[A1]);                            \
  fp[D1] = WR_##T(expr);                                                  \
  pc += 3;                                                                \
  NEXT();                                                                 \
}
  VW_BINI_OPS(X_BINI)

  /* Division: zero divisor traps; signed MIN / -1 overflows (div) or is 0
  ** (rem: computed specially because the C expression would trap). */
#define X_DIV2(name, ST, UT, WR, body)                                    \
op_##name: {                                                              \
  ST a = (ST)(UT)fp[A1], b = (ST)(UT)fp[B2];                              \
  body                                                                    \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_##name##_si: {                                                         \
  ST a = (ST)(UT)fp[A1], b = (ST)(UT)IMM2;                                \
  body                                                                    \
  pc += 3;                                                                \
  NEXT();                                                                 \
}
  X_DIV2(i32_div_s, int32_t, uint32_t, WR_I32,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         if (a == INT32_MIN && b == -1) TRAP(VW_TRAP_INT_OVERFLOW);
         fp[D1] = WR_I32(a / b);)
  X_DIV2(i32_div_u, uint32_t, uint32_t, WR_I32,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         fp[D1] = WR_I32(a / b);)
  X_DIV2(i32_rem_s, int32_t, uint32_t, WR_I32,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         fp[D1] = WR_I32(b == -1 ? 0 : a % b);)
  X_DIV2(i32_rem_u, uint32_t, uint32_t, WR_I32,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         fp[D1] = WR_I32(a % b);)
  X_DIV2(i64_div_s, int64_t, uint64_t, WR_I64,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         if (a == INT64_MIN && b == -1) TRAP(VW_TRAP_INT_OVERFLOW);
         fp[D1] = WR_I64(a / b);)
  X_DIV2(i64_div_u, uint64_t, uint64_t, WR_I64,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         fp[D1] = WR_I64(a / b);)
  X_DIV2(i64_rem_s, int64_t, uint64_t, WR_I64,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         fp[D1] = WR_I64(b == -1 ? 0 : a % b);)
  X_DIV2(i64_rem_u, uint64_t, uint64_t, WR_I64,
         if (b == 0) TRAP(VW_TRAP_DIV_ZERO);
         fp[D1] = WR_I64(a % b);)

#define X_BIN(name, opc, T, R, expr)                                      \
op_##name: {                           /* [h][dst, a][b] */               \
  ct_##T a = RD_##T(fp[A1]), b = RD_##T(fp[B2]);                          \
  fp[D1] = WR_##R(expr);                                                  \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_##name##_si: {                      /* [h][dst, a][imm b] */           \
  ct_##T a = RD_##T(fp[A1]), b = RD_##T(IMM2);                            \
  fp[D1] = WR_##R(expr);                                                  \
  pc += 3;                                                                \
  NEXT();                                                                 \
}                                                                         \
op_##name##_is: {                      /* [h][dst, b][imm a] */           \
  ct_##T a = RD_##T(IMM2), b = RD_##T(fp[A1]);                            \
  fp[D1] = WR_##R(expr);                                                  \
  pc += 3;                                                                \
  NEXT();                                                                 \
}
  VW_BIN_OPS(X_BIN)

#define X_UN(name, opc, T, R, expr)                                       \
op_##name: {                           /* [h][dst, a] */                  \
  ct_##T a = RD_##T(fp[A1]);                                              \
  fp[D1] = WR_##R(expr);                                                  \
  pc += 2;                                                                \
  NEXT();                                                                 \
}
  VW_UN_OPS(X_UN)

#define X_TRUNC(name, opc, T, R, fn, ct)                                  \
op_##name: {                                                              \
  ct r_;                                                                  \
  int k_ = fn(RD_##T(fp[A1]), &r_);                                       \
  if (k_) TRAP(k_ == 1 ? VW_TRAP_INVALID_CONVERSION : VW_TRAP_INT_OVERFLOW); \
  fp[D1] = WR_##R(r_);                                                    \
  pc += 2;                                                                \
  NEXT();                                                                 \
}
  VW_TRUNC_OPS(X_TRUNC)

  /* ---- memory ----------------------------------------------------------- */
  /* ea is at most 2^32-1 + 2^32-1, so ea + n cannot wrap in 64 bits. */
  /* The address forms: plain        ea = a + offset
  **                    _ss          ea = (uint32_t)(a + b) + offset
  **                    _si          ea = (uint32_t)(a + k) + offset
  **                    _a           ea = constant address + offset
  **                    _sx          ea = (uint32_t)(a + (b << k)) + offset
  **                    _xi          ea = (uint32_t)((a << k) + K) + offset
  ** (_ss/_si are `i32.add; load/store` fused: the add wraps at 32 bits
  ** before the offset is added, as in wasm).  EA_* read operand cells
  ** only; the access is the same for every form. */
#define EA_PLAIN(x) ((uint64_t)(uint32_t)fp[x] + IMM2)
#define EA_SS(x) ((uint64_t)(uint32_t)(fp[x] + fp[pc[2].s.a]) + pc[2].s.b)
#define EA_SI(x) ((uint64_t)(uint32_t)((uint32_t)fp[x] + pc[2].s.a) + pc[2].s.b)
#define EA_SX(x) ((uint64_t)(uint32_t)(fp[x] +                          \
    ((uint32_t)fp[pc[2].s.a] << pc[3].u)) + pc[2].s.b)
#define EA_XI(x) ((uint64_t)(uint32_t)(((uint32_t)fp[x] << pc[3].u) +     \
    pc[2].s.a) + pc[2].s.b)
#define LOAD_BODY(ct, conv, ea_, len)                                     \
  uint64_t ea = (ea_);                                                    \
  if (__builtin_expect(ea + sizeof(ct) > msize, 0)) goto trap_oob;        \
  ct v;                                                                   \
  memcpy(&v, mbase + ea, sizeof v);                                       \
  fp[D1] = conv;                                                          \
  pc += len;                                                              \
  NEXT();
#define X_LOAD(name, opc, R, ct, conv)                                    \
op_##name: { LOAD_BODY(ct, conv, EA_PLAIN(A1), 3) } /* [h][dst, a][offset] */ \
op_##name##_ss: { LOAD_BODY(ct, conv, EA_SS(A1), 3) } /* [h][dst, a][b, offset] */ \
op_##name##_si: { LOAD_BODY(ct, conv, EA_SI(A1), 3) } /* [h][dst, a][k, offset] */ \
op_##name##_a: { LOAD_BODY(ct, conv, IMM2, 3) }      /* [h][dst,-][ea] */   \
op_##name##_sx: { LOAD_BODY(ct, conv, EA_SX(A1), 4) } /* [h][dst, a][b, offset][shift] */ \
op_##name##_xi: { LOAD_BODY(ct, conv, EA_XI(A1), 4) } /* [h][dst, a][K, offset][shift] */
  VW_LOAD_OPS(X_LOAD)

#define STORE_BODY(ct, ea_, val, len)                                     \
  uint64_t ea = (ea_);                                                    \
  if (__builtin_expect(ea + sizeof(ct) > msize, 0)) goto trap_oob;        \
  ct v = (ct)(val);                                                       \
  memcpy(mbase + ea, &v, sizeof v);                                       \
  pc += len;                                                              \
  NEXT();
#define X_STORE(name, opc, ct)                                            \
op_##name: {                           /* [h][addr, value][offset] */     \
  STORE_BODY(ct, EA_PLAIN(pc[1].s.a), fp[pc[1].s.b], 3)                   \
}                                                                         \
op_##name##_ss: {                      /* [h][a, value][b, offset] */     \
  STORE_BODY(ct, EA_SS(pc[1].s.a), fp[pc[1].s.b], 3)                      \
}                                                                         \
op_##name##_si: {                      /* [h][a, value][k, offset] */     \
  STORE_BODY(ct, EA_SI(pc[1].s.a), fp[pc[1].s.b], 3)                      \
}                                                                         \
op_##name##_a: {                       /* [h][-, value][ea] */            \
  STORE_BODY(ct, IMM2, fp[pc[1].s.b], 3)                                  \
}                                                                         \
op_##name##_k: {                       /* [h][addr,-][offset][value] */   \
  STORE_BODY(ct, EA_PLAIN(pc[1].s.a), pc[3].u, 4)                         \
}                                                                         \
op_##name##_ssk: {                     /* [h][a, b][offset][value] */     \
  STORE_BODY(ct, (uint64_t)(uint32_t)(fp[pc[1].s.a] + fp[pc[1].s.b]) + IMM2, \
             pc[3].u, 4)                                                  \
}
  VW_STORE_OPS(X_STORE)

op_i32_store_addk: {                   /* [h][addr, y][k][offset]: y + k */
  uint64_t ea = (uint64_t)(uint32_t)fp[pc[1].s.a] + pc[3].u;
  if (__builtin_expect(ea + 4 > msize, 0)) goto trap_oob;
  uint32_t v = (uint32_t)fp[pc[1].s.b] + (uint32_t)pc[2].u;
  memcpy(mbase + ea, &v, 4);
  pc += 4;
  NEXT();
}

  /* f64 arithmetic with one operand loaded: [h][dst, x][addr, offset] */
#define X_FMEM(name, expr)                                                \
op_##name: {                                                              \
  uint64_t ea = (uint64_t)(uint32_t)fp[pc[2].s.a] + pc[2].s.b;            \
  if (__builtin_expect(ea + 8 > msize, 0)) goto trap_oob;                 \
  uint64_t mb;                                                            \
  memcpy(&mb, mbase + ea, 8);                                             \
  double x = RD_F64(fp[A1]), m = vw_f64_from_bits(mb);                    \
  fp[D1] = WR_F64(expr);                                                  \
  pc += 3;                                                                \
  NEXT();                                                                 \
}
  X_FMEM(f64_add_m, x + m) X_FMEM(f64_sub_m, x - m)
  X_FMEM(f64_subr_m, m - x) X_FMEM(f64_mul_m, x * m)

  /* ---- SIMD: v128 values occupy two slots; see VW_SIMD_OPS ------------ */
#define IMM3 pc[3].u
#define LDA() memcpy(&a, fp + pc[1].s.b, 16)
#define LDB() memcpy(&b, fp + pc[2].s.a, 16)
#define LDC() memcpy(&c, fp + pc[2].s.b, 16)
#define STR() memcpy(fp + pc[1].s.a, &r, 16)
#define FOR(N) for (int i_ = 0; i_ < (N); i_++)
#define S_UN(e) LDA(); e; STR();
#define S_BIN(e) LDA(); LDB(); e; STR();
#define S_TER(e) LDA(); LDB(); LDC(); e; STR();
#define S_SH(m, e) LDA(); { uint32_t sh = (uint32_t)fp[B2] & (m); e; } STR();
#define S_TEST(e) LDA(); { uint32_t t = 1; e; fp[D1] = t; }
#define L1(F, N, E) FOR(N) { __typeof__(a.F[0]) x = a.F[i_]; r.F[i_] = (E); }
#define L2(F, N, E) FOR(N) { __typeof__(a.F[0]) x = a.F[i_], y = b.F[i_]; r.F[i_] = (E); }
#define CMP(F, RF, N, E) FOR(N) { __typeof__(a.F[0]) x = a.F[i_], y = b.F[i_]; r.RF[i_] = (E) ? -1 : 0; }
#define S_LD(n, e) { uint64_t ea = (uint64_t)(uint32_t)fp[A1] + IMM3;        \
    if (ea + (n) > msize) goto trap_oob; e; STR(); }
#define S_ST(n, e) { uint64_t ea = (uint64_t)(uint32_t)fp[D1] + IMM3;        \
    if (ea + (n) > msize) goto trap_oob; e; }
#define LEXT(T, F, N) { T t_[N]; memcpy(t_, mbase + ea, sizeof t_); FOR(N) r.F[i_] = t_[i_]; }
#define LSPLAT(T, F, N) { T t_; memcpy(&t_, mbase + ea, sizeof t_); FOR(N) r.F[i_] = t_; }
#define SHUFFLE() { uint8_t l_[16]; memcpy(l_, &pc[3], 16);                  \
    FOR(16) r.u8[i_] = l_[i_] < 16 ? a.u8[l_[i_]] : b.u8[l_[i_] & 15]; }
#define SWIZZLE() FOR(16) r.u8[i_] = b.u8[i_] < 16 ? a.u8[b.u8[i_]] : 0;
#define SPLAT(F, N, v) { __typeof__(r.F[0]) v_ = (__typeof__(r.F[0]))(v); FOR(N) r.F[i_] = v_; STR(); }
#define EXTRACT(v) LDA(); fp[D1] = (v);
#define REPLACE(F, v) LDA(); r = a; r.F[IMM3] = (v); STR();
#define BITSELECT() FOR(2) r.u64[i_] = (a.u64[i_] & c.u64[i_]) | (b.u64[i_] & ~c.u64[i_]);
#define S_LLANE(n, F) { uint64_t ea = (uint64_t)(uint32_t)fp[A1] + IMM3;     \
    if (ea + (n) > msize) goto trap_oob;                                     \
    LDB(); r = b; memcpy(&r.F[pc[2].s.b], mbase + ea, n); STR(); }
#define S_SLANE(n, F) { uint64_t ea = (uint64_t)(uint32_t)fp[D1] + IMM3;     \
    if (ea + (n) > msize) goto trap_oob;                                     \
    LDA(); memcpy(mbase + ea, &a.F[pc[2].s.b], n); }
#define DEMOTE() r.f32[0] = (float)a.f64[0]; r.f32[1] = (float)a.f64[1]; r.u32[2] = r.u32[3] = 0;
#define PROMOTE() r.f64[0] = a.f32[0]; r.f64[1] = a.f32[1];
#define ALLTRUE(F, N) FOR(N) if (!a.F[i_]) t = 0;
#define BITMASK(F, N) t = 0; FOR(N) t |= (uint32_t)(a.F[i_] < 0) << i_;
#define NARROW(SF, DF, N, sat) FOR(N) { r.DF[i_] = sat(a.SF[i_]); r.DF[i_ + N] = sat(b.SF[i_]); }
#define PAIRWISE(SF, DF, N) FOR(N) r.DF[i_] = (__typeof__(r.DF[0]))(a.SF[2 * i_] + a.SF[2 * i_ + 1]);
#define EXTEND(SF, DF, N, off) FOR(N) r.DF[i_] = a.SF[i_ + (off)];
#define EXTMUL(SF, DF, N, off, WT) FOR(N) r.DF[i_] = (__typeof__(r.DF[0]))((WT)a.SF[i_ + (off)] * (WT)b.SF[i_ + (off)]);
#define DOT() FOR(4) r.i32[i_] = (int32_t)(uint32_t)((int64_t)a.i16[2 * i_] * b.i16[2 * i_] + \
                                                   (int64_t)a.i16[2 * i_ + 1] * b.i16[2 * i_ + 1]);
#define CONV(SF, DF, N, E) FOR(N) { __typeof__(a.SF[0]) x = a.SF[i_]; r.DF[i_] = (E); }
#define CONVZ(SF, DF, E) CONV(SF, DF, 2, E) r.u32[2] = r.u32[3] = 0;
#define X_SIMD(name, sub, shape, st, body)                                \
op_simd_##name: {                                                         \
  v128 a __attribute__((unused)), b __attribute__((unused));              \
  v128 c __attribute__((unused)), r __attribute__((unused));              \
  body                                                                    \
  pc += 4;                                                                \
  NEXT();                                                                 \
}
  VW_SIMD_OPS(X_SIMD)

op_memory_size:                        /* [h][dst] */
  fp[D1] = (uint32_t)(msize / VW_PAGE_SIZE);
  pc += 2;
  NEXT();
op_memory_grow: {                      /* [h][dst, delta] */
  int64_t r = vw_memory_grow_impl(inst->mems[0], (uint32_t)fp[A1]);
  fp[D1] = (uint32_t)r;                /* -1 becomes 0xffffffff */
  LOAD_MEM();
  pc += 2;
  NEXT();
}
op_memory_init: {                      /* [h][dst, src][n, segment] */
  uint64_t d = (uint32_t)fp[pc[1].s.a], sr = (uint32_t)fp[pc[1].s.b];
  uint64_t n = (uint32_t)fp[pc[2].s.a];
  uint32_t seg = pc[2].s.b;
  const vw_data *ds = &inst->module->datas[seg];
  uint64_t len = inst->data_dropped[seg] ? 0 : ds->len;
  if (sr + n > len || d + n > msize) goto trap_oob;
  if (n) memcpy(mbase + d, ds->bytes + sr, n);
  pc += 3;
  NEXT();
}
op_data_drop:                          /* [h][segment] */
  inst->data_dropped[pc[1].s.a] = 1;
  pc += 2;
  NEXT();
op_memory_copy: {                      /* [h][dst, src][n] */
  uint64_t d = (uint32_t)fp[pc[1].s.a], sr = (uint32_t)fp[pc[1].s.b];
  uint64_t n = (uint32_t)fp[pc[2].s.a];
  if (sr + n > msize || d + n > msize) goto trap_oob;
  if (n) memmove(mbase + d, mbase + sr, n);
  pc += 3;
  NEXT();
}
op_memory_fill: {                      /* [h][dst, value][n] */
  uint64_t d = (uint32_t)fp[pc[1].s.a];
  uint64_t n = (uint32_t)fp[pc[2].s.a];
  if (d + n > msize) goto trap_oob;
  if (n) memset(mbase + d, (uint8_t)fp[pc[1].s.b], n);
  pc += 3;
  NEXT();
}

  /* ---- tables ------------------------------------------------------------ */
op_table_get: {                        /* [h][dst, idx][table] */
  const vw_table *t = inst->tables[pc[2].s.a];
  uint32_t i = (uint32_t)fp[A1];
  if (i >= t->size) goto trap_table;
  fp[D1] = t->elems[i];
  pc += 3;
  NEXT();
}
op_table_set: {                        /* [h][idx, value][table] */
  vw_table *t = inst->tables[pc[2].s.a];
  uint32_t i = (uint32_t)fp[pc[1].s.a];
  if (i >= t->size) goto trap_table;
  t->elems[i] = fp[pc[1].s.b];
  pc += 3;
  NEXT();
}
op_table_size:                         /* [h][dst, table] */
  fp[D1] = inst->tables[A1]->size;
  pc += 2;
  NEXT();
op_table_grow: {                       /* [h][dst, init][n, table] */
  int64_t r = vw_table_grow_impl(inst->tables[pc[2].s.b],
                                 (uint32_t)fp[pc[2].s.a], fp[A1]);
  fp[D1] = (uint32_t)r;
  pc += 3;
  NEXT();
}
op_table_fill: {                       /* [h][idx, value][n, table] */
  vw_table *t = inst->tables[pc[2].s.b];
  uint64_t i = (uint32_t)fp[pc[1].s.a], n = (uint32_t)fp[pc[2].s.a];
  vw_raw v = fp[pc[1].s.b];
  if (i + n > t->size) goto trap_table;
  for (uint64_t k = 0; k < n; k++) t->elems[i + k] = v;
  pc += 3;
  NEXT();
}
op_table_copy: {                       /* [h][dst, src][n, dst table][src table] */
  vw_table *td = inst->tables[pc[2].s.b], *ts = inst->tables[pc[3].s.a];
  uint64_t d = (uint32_t)fp[pc[1].s.a], sr = (uint32_t)fp[pc[1].s.b];
  uint64_t n = (uint32_t)fp[pc[2].s.a];
  if (sr + n > ts->size || d + n > td->size) goto trap_table;
  if (n) memmove(td->elems + d, ts->elems + sr, n * sizeof(vw_raw));
  pc += 4;
  NEXT();
}
op_table_init: {                       /* [h][dst, src][n, table][segment] */
  vw_table *t = inst->tables[pc[2].s.b];
  uint32_t seg = pc[3].s.a;
  const vw_elem *es = &inst->module->elems[seg];
  uint64_t d = (uint32_t)fp[pc[1].s.a], sr = (uint32_t)fp[pc[1].s.b];
  uint64_t n = (uint32_t)fp[pc[2].s.a];
  uint64_t count = inst->elem_dropped[seg] ? 0 : es->count;
  if (sr + n > count || d + n > t->size) goto trap_table;
  for (uint64_t k = 0; k < n; k++)
    vw_eval_const(inst, &es->items[sr + k], &t->elems[d + k], NULL);
  pc += 4;
  NEXT();
}
op_elem_drop:                          /* [h][segment] */
  inst->elem_dropped[pc[1].s.a] = 1;
  pc += 2;
  NEXT();

  /* ---- exits ------------------------------------------------------------- */
trap_oob:
  trapc = VW_TRAP_OOB_MEMORY;
  goto trap;
trap_table:
  trapc = VW_TRAP_OOB_TABLE;
  goto trap;
trap:
  vw_trap_set(err, trapc);
trap_filled:
  /* backtrace: the current function, then the callers of this entry */
  err->ntrace = 0;
  err->trace[err->ntrace++] = cur;
  for (vw_frame *fr = ftop; fr > fbase && err->ntrace < VW_TRACE_MAX;) {
    fr--;
    err->trace[err->ntrace++] = fr->func;
  }
  (void)trapc;
  return VW_ERR_TRAP;
done:
  return VW_OK;
}

/* clang-format on */
const void *const *vw_exec_handlers(void) {
  const void *const *t = NULL;
  run(NULL, NULL, NULL, NULL, NULL, &t);
  return t;
}

vw_status vw_exec(vw_store *s, vw_func *f, vw_raw *slots, vw_error *err) {
  vw_error dummy;
  if (!err) {
    vw_error_clear(&dummy);
    err = &dummy;
  }
  struct vw_exec_state *e = exec_state(s);
  if (!e) return vw_fail(err, VW_ERR_NOMEM, VW_NO_OFFSET, "out of memory");
  if (e->nest >= MAX_NESTING || e->ftop >= e->fend) {
    vw_trap_set(err, VW_TRAP_STACK_EXHAUSTED);
    err->ntrace = 0;
    err->trace[err->ntrace++] = f;
    return VW_ERR_TRAP;
  }

  const vw_functype *t = f->type;
  uint32_t np = type_slots(t->params, t->nparams);
  uint32_t nr = type_slots(t->results, t->nresults);
  vw_raw *base = e->top;
  vw_status st;
  e->nest++;
  if (!f->def) {
    /* a host function called from the embedder */
    vw_raw *res = base + np;
    if (res + nr > e->send) {
      st = vw_trap_set(err, VW_TRAP_STACK_EXHAUSTED);
    } else {
      if (np) memcpy(base, slots, np * sizeof *slots);
      struct vw_host_call hc = { s, NULL, err };
      e->top = res + nr;
      int rc = f->host(&hc, f->host_ud, base, res);
      e->top = base;
      if (rc) {
        if (err->status != VW_ERR_TRAP) vw_trap_set(err, VW_TRAP_HOST);
        st = VW_ERR_TRAP;
      } else {
        if (nr) memcpy(slots, res, nr * sizeof *slots);
        st = VW_OK;
      }
    }
    if (st == VW_ERR_TRAP) {
      err->ntrace = 0;
      err->trace[err->ntrace++] = f;
    }
  } else {
    const vw_code *code = f->def->code;
    if (base + code->frame_slots > e->send) {
      st = vw_trap_set(err, VW_TRAP_STACK_EXHAUSTED);
      err->ntrace = 0;
      err->trace[err->ntrace++] = f;
    } else {
      if (np) memcpy(base, slots, np * sizeof *slots);
      if (code->nlocal_slots)
        memset(base + code->nparam_slots, 0, code->nlocal_slots * sizeof *base);
      vw_frame *ftop = e->ftop;
      st = run(s, e, f, base, err, NULL);
      /* a trap leaves frames pushed by this entry: drop them */
      e->ftop = ftop;
      e->top = base;
      if (st == VW_OK && nr) memcpy(slots, base, nr * sizeof *slots);
    }
  }
  e->nest--;
  return st;
}
