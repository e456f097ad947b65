/*
** vw_code.h — the interpreter's internal code format, shared only by
** vw_compile.c (which writes it) and vw_exec.c (which runs it).
**
** A function compiles once, at load time, into an array of 8-byte cells.
** An instruction is one handler cell (the address of its label inside the
** interpreter loop: direct threading with GCC computed goto) followed by
** operand cells.  The encoding is register style: operands are slot
** indexes relative to the frame pointer, where slots [0, nparams) are the
** parameters, then the declared locals, then the operand-stack temporaries
** at heights fixed at compile time.  So `local.get a; local.get b; i32.add;
** local.set c` is the single instruction `i32_add c, a, b`.
**
** Layout conventions (cell 0 is the handler):
**   value-producing ops   cell1.s.a = destination slot, cell1.s.b = first
**                         operand slot, cell2 = second operand slot (.s.a)
**                         or a 64-bit immediate (.u, the `_si` forms)
**   branches              a target cell holds the signed offset in cells
**                         from the instruction's first cell to the target
** Every op's exact layout is documented at its handler in vw_exec.c and its
** emitter in vw_compile.c.
**
** The operator lists below are X-macros: the compiler builds its opcode
** table from them, the interpreter builds its handlers from them, so the
** two can never disagree on the set of ops.
*/
#ifndef VW_CODE_H
#define VW_CODE_H

#include "vw_internal.h"

typedef union vw_cell {
  const void *h; /* handler address */
  uint64_t u;
  int64_t i; /* branch offsets */
  struct {
    uint32_t a, b;
  } s; /* two slot indexes / small operands */
} vw_cell;

typedef struct vw_code {
  uint32_t nparam_slots; /* parameters */
  uint32_t nlocal_slots; /* locals zeroed on entry (they come
                         ** first; see scan_locals) */
  uint32_t nresult_slots;
  uint32_t frame_slots; /* params + locals + deepest temps */
  size_t ncells;
  vw_cell cells[];
} vw_code;

/* Value types as they appear in the operator lists. */
#define VW_T_I32 VW_I32
#define VW_T_I64 VW_I64
#define VW_T_F32 VW_F32
#define VW_T_F64 VW_F64

/* The operator lists are tables, one row per line: kept as written. */
/* clang-format off */
/* Integer comparisons: value forms (ss, si) and fused compare-and-branch
** forms (br_*), plus the inverse comparison for `if` (branch when false).
** X(name, wasm opcode, operand type, expression over a and b, inverse) */
#define VW_CMP_OPS(X)                                                          \
  X(i32_eq, 0x46, I32, a == b, i32_ne)                                         \
  X(i32_ne, 0x47, I32, a != b, i32_eq)                                         \
  X(i32_lt_s, 0x48, I32, (int32_t)a < (int32_t)b, i32_ge_s)                    \
  X(i32_lt_u, 0x49, I32, a < b, i32_ge_u)                                      \
  X(i32_gt_s, 0x4a, I32, (int32_t)a > (int32_t)b, i32_le_s)                    \
  X(i32_gt_u, 0x4b, I32, a > b, i32_le_u)                                      \
  X(i32_le_s, 0x4c, I32, (int32_t)a <= (int32_t)b, i32_gt_s)                   \
  X(i32_le_u, 0x4d, I32, a <= b, i32_gt_u)                                     \
  X(i32_ge_s, 0x4e, I32, (int32_t)a >= (int32_t)b, i32_lt_s)                   \
  X(i32_ge_u, 0x4f, I32, a >= b, i32_lt_u)                                     \
  X(i64_eq, 0x51, I64, a == b, i64_ne)                                         \
  X(i64_ne, 0x52, I64, a != b, i64_eq)                                         \
  X(i64_lt_s, 0x53, I64, (int64_t)a < (int64_t)b, i64_ge_s)                    \
  X(i64_lt_u, 0x54, I64, a < b, i64_ge_u)                                      \
  X(i64_gt_s, 0x55, I64, (int64_t)a > (int64_t)b, i64_le_s)                    \
  X(i64_gt_u, 0x56, I64, a > b, i64_le_u)                                      \
  X(i64_le_s, 0x57, I64, (int64_t)a <= (int64_t)b, i64_gt_s)                   \
  X(i64_le_u, 0x58, I64, a <= b, i64_gt_u)                                     \
  X(i64_ge_s, 0x59, I64, (int64_t)a >= (int64_t)b, i64_lt_s)                   \
  X(i64_ge_u, 0x5a, I64, a >= b, i64_lt_u)

/* Integer binary ops with slot-slot and slot-immediate forms.
** X(name, opcode, type, expression, commutative) */
#define VW_BINI_OPS(X)                                                         \
  X(i32_add, 0x6a, I32, a + b, 1)                                              \
  X(i32_sub, 0x6b, I32, a - b, 0)                                              \
  X(i32_mul, 0x6c, I32, a * b, 1)                                              \
  X(i32_and, 0x71, I32, a & b, 1)                                              \
  X(i32_or, 0x72, I32, a | b, 1)                                               \
  X(i32_xor, 0x73, I32, a ^ b, 1)                                              \
  X(i32_shl, 0x74, I32, a << (b & 31), 0)                                      \
  X(i32_shr_s, 0x75, I32, (uint32_t)((int32_t)a >> (b & 31)), 0)               \
  X(i32_shr_u, 0x76, I32, a >> (b & 31), 0)                                    \
  X(i32_rotl, 0x77, I32, (a << (b & 31)) | (a >> ((32 - b) & 31)), 0)          \
  X(i32_rotr, 0x78, I32, (a >> (b & 31)) | (a << ((32 - b) & 31)), 0)          \
  X(i64_add, 0x7c, I64, a + b, 1)                                              \
  X(i64_sub, 0x7d, I64, a - b, 0)                                              \
  X(i64_mul, 0x7e, I64, a * b, 1)                                              \
  X(i64_and, 0x83, I64, a & b, 1)                                              \
  X(i64_or, 0x84, I64, a | b, 1)                                               \
  X(i64_xor, 0x85, I64, a ^ b, 1)                                              \
  X(i64_shl, 0x86, I64, a << (b & 63), 0)                                      \
  X(i64_shr_s, 0x87, I64, (uint64_t)((int64_t)a >> (b & 63)), 0)               \
  X(i64_shr_u, 0x88, I64, a >> (b & 63), 0)                                    \
  X(i64_rotl, 0x89, I64, (a << (b & 63)) | (a >> ((64 - b) & 63)), 0)          \
  X(i64_rotr, 0x8a, I64, (a >> (b & 63)) | (a << ((64 - b) & 63)), 0)

/* Integer division: may trap, handlers are written out in vw_exec.c; they
** too have ss and si forms.  X(name, opcode, type) */
#define VW_DIV_OPS(X)                                                          \
  X(i32_div_s, 0x6d, I32) X(i32_div_u, 0x6e, I32)                              \
  X(i32_rem_s, 0x6f, I32) X(i32_rem_u, 0x70, I32)                              \
  X(i64_div_s, 0x7f, I64) X(i64_div_u, 0x80, I64)                              \
  X(i64_rem_s, 0x81, I64) X(i64_rem_u, 0x82, I64)

/* Other binary ops (slot-slot only).  X(name, opcode, operand type,
** result type, expression).  f32/f64 copysign work on the raw bits. */
#define VW_BIN_OPS(X)                                                          \
  X(f32_eq, 0x5b, F32, I32, a == b)                                            \
  X(f32_ne, 0x5c, F32, I32, a != b)                                            \
  X(f32_lt, 0x5d, F32, I32, a < b)                                             \
  X(f32_gt, 0x5e, F32, I32, a > b)                                             \
  X(f32_le, 0x5f, F32, I32, a <= b)                                            \
  X(f32_ge, 0x60, F32, I32, a >= b)                                            \
  X(f64_eq, 0x61, F64, I32, a == b)                                            \
  X(f64_ne, 0x62, F64, I32, a != b)                                            \
  X(f64_lt, 0x63, F64, I32, a < b)                                             \
  X(f64_gt, 0x64, F64, I32, a > b)                                             \
  X(f64_le, 0x65, F64, I32, a <= b)                                            \
  X(f64_ge, 0x66, F64, I32, a >= b)                                            \
  X(f32_add, 0x92, F32, F32, a + b)                                            \
  X(f32_sub, 0x93, F32, F32, a - b)                                            \
  X(f32_mul, 0x94, F32, F32, a * b)                                            \
  X(f32_div, 0x95, F32, F32, a / b)                                            \
  X(f32_min, 0x96, F32, F32, vw_f32_min(a, b))                                 \
  X(f32_max, 0x97, F32, F32, vw_f32_max(a, b))                                 \
  X(f32_copysign, 0x98, I32, I32, vw_f32_copysign_bits(a, b))                  \
  X(f64_add, 0xa0, F64, F64, a + b)                                            \
  X(f64_sub, 0xa1, F64, F64, a - b)                                            \
  X(f64_mul, 0xa2, F64, F64, a * b)                                            \
  X(f64_div, 0xa3, F64, F64, a / b)                                            \
  X(f64_min, 0xa4, F64, F64, vw_f64_min(a, b))                                 \
  X(f64_max, 0xa5, F64, F64, vw_f64_max(a, b))                                 \
  X(f64_copysign, 0xa6, I64, I64, vw_f64_copysign_bits(a, b))

/* Unary ops that cannot trap.  X(name, opcode, operand type, result type,
** expression over a).  Opcodes >= 0x100 are 0xfc-prefixed (0x100 + sub).
** abs/neg are listed as I32/I64 because they work on raw bits; the wasm
** result type comes from VW_WASM_RESULT. */
#define VW_UN_OPS(X)                                                           \
  X(i32_eqz, 0x45, I32, I32, a == 0)                                           \
  X(i64_eqz, 0x50, I64, I32, a == 0)                                           \
  X(i32_clz, 0x67, I32, I32, a ? __builtin_clz(a) : 32)                        \
  X(i32_ctz, 0x68, I32, I32, a ? __builtin_ctz(a) : 32)                        \
  X(i32_popcnt, 0x69, I32, I32, __builtin_popcount(a))                         \
  X(i64_clz, 0x79, I64, I64, a ? __builtin_clzll(a) : 64)                      \
  X(i64_ctz, 0x7a, I64, I64, a ? __builtin_ctzll(a) : 64)                      \
  X(i64_popcnt, 0x7b, I64, I64, __builtin_popcountll(a))                       \
  X(f32_abs, 0x8b, I32, I32, vw_f32_abs_bits(a))                               \
  X(f32_neg, 0x8c, I32, I32, vw_f32_neg_bits(a))                               \
  X(f32_ceil, 0x8d, F32, F32, vw_f32_ceil(a))                                  \
  X(f32_floor, 0x8e, F32, F32, vw_f32_floor(a))                                \
  X(f32_trunc, 0x8f, F32, F32, vw_f32_trunc(a))                                \
  X(f32_nearest, 0x90, F32, F32, vw_f32_nearest(a))                            \
  X(f32_sqrt, 0x91, F32, F32, sqrtf(a))                                        \
  X(f64_abs, 0x99, I64, I64, vw_f64_abs_bits(a))                               \
  X(f64_neg, 0x9a, I64, I64, vw_f64_neg_bits(a))                               \
  X(f64_ceil, 0x9b, F64, F64, vw_f64_ceil(a))                                  \
  X(f64_floor, 0x9c, F64, F64, vw_f64_floor(a))                                \
  X(f64_trunc, 0x9d, F64, F64, vw_f64_trunc(a))                                \
  X(f64_nearest, 0x9e, F64, F64, vw_f64_nearest(a))                            \
  X(f64_sqrt, 0x9f, F64, F64, sqrt(a))                                         \
  X(i32_wrap_i64, 0xa7, I64, I32, (uint32_t)a)                                 \
  X(i64_extend_i32_s, 0xac, I32, I64, (uint64_t)(int64_t)(int32_t)a)           \
  X(f32_convert_i32_s, 0xb2, I32, F32, (float)(int32_t)a)                      \
  X(f32_convert_i32_u, 0xb3, I32, F32, (float)a)                               \
  X(f32_convert_i64_s, 0xb4, I64, F32, (float)(int64_t)a)                      \
  X(f32_convert_i64_u, 0xb5, I64, F32, vw_u64_to_f32(a))                       \
  X(f32_demote_f64, 0xb6, F64, F32, (float)a)                                  \
  X(f64_convert_i32_s, 0xb7, I32, F64, (double)(int32_t)a)                     \
  X(f64_convert_i32_u, 0xb8, I32, F64, (double)a)                              \
  X(f64_convert_i64_s, 0xb9, I64, F64, (double)(int64_t)a)                     \
  X(f64_convert_i64_u, 0xba, I64, F64, vw_u64_to_f64(a))                       \
  X(f64_promote_f32, 0xbb, F32, F64, (double)a)                                \
  X(i32_extend8_s, 0xc0, I32, I32, (uint32_t)(int32_t)(int8_t)a)               \
  X(i32_extend16_s, 0xc1, I32, I32, (uint32_t)(int32_t)(int16_t)a)             \
  X(i64_extend8_s, 0xc2, I64, I64, (uint64_t)(int64_t)(int8_t)a)               \
  X(i64_extend16_s, 0xc3, I64, I64, (uint64_t)(int64_t)(int16_t)a)             \
  X(i64_extend32_s, 0xc4, I64, I64, (uint64_t)(int64_t)(int32_t)a)             \
  X(i32_trunc_sat_f32_s, 0x100, F32, I32, (uint32_t)vw_sat_f32_i32s(a))        \
  X(i32_trunc_sat_f32_u, 0x101, F32, I32, vw_sat_f32_i32u(a))                  \
  X(i32_trunc_sat_f64_s, 0x102, F64, I32, (uint32_t)vw_sat_f64_i32s(a))        \
  X(i32_trunc_sat_f64_u, 0x103, F64, I32, vw_sat_f64_i32u(a))                  \
  X(i64_trunc_sat_f32_s, 0x104, F32, I64, (uint64_t)vw_sat_f32_i64s(a))        \
  X(i64_trunc_sat_f32_u, 0x105, F32, I64, vw_sat_f32_i64u(a))                  \
  X(i64_trunc_sat_f64_s, 0x106, F64, I64, (uint64_t)vw_sat_f64_i64s(a))        \
  X(i64_trunc_sat_f64_u, 0x107, F64, I64, vw_sat_f64_i64u(a))

/* The wasm result type of an op whose handler computes on raw bits (abs,
** neg, copysign are float ops done on integer bit patterns). */
#define VW_WASM_RESULT(opc, R)                                                 \
  ((opc) == 0x8b || (opc) == 0x8c || (opc) == 0x98 ? VW_F32 :                  \
   (opc) == 0x99 || (opc) == 0x9a || (opc) == 0xa6 ? VW_F64 : (R))

/* Trapping float-to-int truncations.  X(name, opcode, operand type,
** result type, helper from vw_float.h, C type of the helper's result) */
#define VW_TRUNC_OPS(X)                                                        \
  X(i32_trunc_f32_s, 0xa8, F32, I32, vw_trunc_f32_i32s, int32_t)               \
  X(i32_trunc_f32_u, 0xa9, F32, I32, vw_trunc_f32_i32u, uint32_t)              \
  X(i32_trunc_f64_s, 0xaa, F64, I32, vw_trunc_f64_i32s, int32_t)               \
  X(i32_trunc_f64_u, 0xab, F64, I32, vw_trunc_f64_i32u, uint32_t)              \
  X(i64_trunc_f32_s, 0xae, F32, I64, vw_trunc_f32_i64s, int64_t)               \
  X(i64_trunc_f32_u, 0xaf, F32, I64, vw_trunc_f32_i64u, uint64_t)              \
  X(i64_trunc_f64_s, 0xb0, F64, I64, vw_trunc_f64_i64s, int64_t)               \
  X(i64_trunc_f64_u, 0xb1, F64, I64, vw_trunc_f64_i64u, uint64_t)

/* Loads: X(name, opcode, result type, C type read, conversion to a slot) */
#define VW_LOAD_OPS(X)                                                         \
  X(i32_load, 0x28, I32, uint32_t, (vw_raw)v)                                  \
  X(i64_load, 0x29, I64, uint64_t, (vw_raw)v)                                  \
  X(f32_load, 0x2a, F32, uint32_t, (vw_raw)v)                                  \
  X(f64_load, 0x2b, F64, uint64_t, (vw_raw)v)                                  \
  X(i32_load8_s, 0x2c, I32, int8_t, (vw_raw)(uint32_t)(int32_t)v)              \
  X(i32_load8_u, 0x2d, I32, uint8_t, (vw_raw)v)                                \
  X(i32_load16_s, 0x2e, I32, int16_t, (vw_raw)(uint32_t)(int32_t)v)            \
  X(i32_load16_u, 0x2f, I32, uint16_t, (vw_raw)v)                              \
  X(i64_load8_s, 0x30, I64, int8_t, (vw_raw)(int64_t)v)                        \
  X(i64_load8_u, 0x31, I64, uint8_t, (vw_raw)v)                                \
  X(i64_load16_s, 0x32, I64, int16_t, (vw_raw)(int64_t)v)                      \
  X(i64_load16_u, 0x33, I64, uint16_t, (vw_raw)v)                              \
  X(i64_load32_s, 0x34, I64, int32_t, (vw_raw)(int64_t)v)                      \
  X(i64_load32_u, 0x35, I64, uint32_t, (vw_raw)v)

/* Stores: X(name, opcode, C type written) */
#define VW_STORE_OPS(X)                                                        \
  X(i32_store, 0x36, uint32_t) X(i64_store, 0x37, uint64_t)                    \
  X(f32_store, 0x38, uint32_t) X(f64_store, 0x39, uint64_t)                    \
  X(i32_store8, 0x3a, uint8_t) X(i32_store16, 0x3b, uint16_t)                  \
  X(i64_store8, 0x3c, uint8_t) X(i64_store16, 0x3d, uint16_t)                  \
  X(i64_store32, 0x3e, uint32_t)

/* Everything else, written out by hand in vw_exec.c. */
#define VW_MISC_OPS(X)                                                         \
  X(unreachable) X(jmp) X(br_nz) X(br_z) X(br_table) X(ret)                    \
  X(call) X(call_indirect) X(mov) X(mov2) X(const) X(const2)                   \
  X(select) X(select2) X(global_get) X(global_set) X(global_get2)              \
  X(global_set2) X(memory_size) X(memory_grow) X(memory_init)                  \
  X(data_drop) X(memory_copy) X(memory_fill) X(table_get) X(table_set)         \
  X(table_size) X(table_grow) X(table_fill) X(table_copy) X(table_init)        \
  X(elem_drop) X(ref_is_null) X(ref_func) X(ret1) X(call_def)                \
  /* superinstructions (see the top of vw_compile.c) */                       \
  X(br_and_z) X(br_and_nz) X(br_lt_u_add) X(br_gt_u_add) X(br_le_u_add)       \
  X(br_ge_u_add) X(mov_mov) X(i32_add_si2) X(i32_add2) X(i32_add3)            \
  X(i32_xor_rotl) X(i32_store_addk) X(f64_mul3) X(f64_add_m) X(f64_sub_m)     \
  X(f64_subr_m) X(f64_mul_m)

/* The lane comparisons of one shape, at sub-opcodes base.. in the order of
** the spec: the ten integer ones on lanes of signed type S or unsigned U,
** the six float ones on lanes of type F.  The results are all-ones or zero
** lanes of the signed type of the same width (S, or R for floats). */
#define VW_SIMD_ICMP(X, sh, base, S, U, N)                                     \
  X(sh##_eq, base, BIN, V, S_BIN(CMP(S, S, N, x == y)))                        \
  X(sh##_ne, base + 1, BIN, V, S_BIN(CMP(S, S, N, x != y)))                    \
  X(sh##_lt_s, base + 2, BIN, V, S_BIN(CMP(S, S, N, x < y)))                   \
  X(sh##_lt_u, base + 3, BIN, V, S_BIN(CMP(U, S, N, x < y)))                   \
  X(sh##_gt_s, base + 4, BIN, V, S_BIN(CMP(S, S, N, x > y)))                   \
  X(sh##_gt_u, base + 5, BIN, V, S_BIN(CMP(U, S, N, x > y)))                   \
  X(sh##_le_s, base + 6, BIN, V, S_BIN(CMP(S, S, N, x <= y)))                  \
  X(sh##_le_u, base + 7, BIN, V, S_BIN(CMP(U, S, N, x <= y)))                  \
  X(sh##_ge_s, base + 8, BIN, V, S_BIN(CMP(S, S, N, x >= y)))                  \
  X(sh##_ge_u, base + 9, BIN, V, S_BIN(CMP(U, S, N, x >= y)))
#define VW_SIMD_FCMP(X, sh, base, F, R, N)                                     \
  X(sh##_eq, base, BIN, V, S_BIN(CMP(F, R, N, x == y)))                        \
  X(sh##_ne, base + 1, BIN, V, S_BIN(CMP(F, R, N, x != y)))                    \
  X(sh##_lt, base + 2, BIN, V, S_BIN(CMP(F, R, N, x < y)))                     \
  X(sh##_gt, base + 3, BIN, V, S_BIN(CMP(F, R, N, x > y)))                     \
  X(sh##_le, base + 4, BIN, V, S_BIN(CMP(F, R, N, x <= y)))                    \
  X(sh##_ge, base + 5, BIN, V, S_BIN(CMP(F, R, N, x >= y)))

/* Fixed-width SIMD (0xfd prefix), one handler each.  Layout of every op:
** [h][D, A][B, C][imm] (shuffle adds a fifth cell: 16 lane bytes in cells
** 3-4).  D is the destination (the address for stores), A/B/C operand
** slots, imm a lane index or a memory offset; lane loads/stores keep the
** lane in C.  X(name, sub-opcode, shape, scalar type, body); the bodies
** use the S_* and L* macros of vw_exec.c.  Shapes tell the compiler the
** stack effect: UN v→v, BIN vv→v, TER vvv→v, TEST v→i32, SHIFT v i32→v,
** SPLAT scalar→v, EXTRACT v→scalar, REPLACE v scalar→v, LOAD i32→v,
** STORE i32 v→, LLANE i32 v→v, SLANE i32 v→, SHUF vv→v. */
#define VW_SIMD_OPS(X)                                                         \
  X(v128_load, 0x00, LOAD, V, S_LD(16, memcpy(&r, mbase + ea, 16)))            \
  X(v128_load8x8_s, 0x01, LOAD, V, S_LD(8, LEXT(int8_t, i16, 8)))              \
  X(v128_load8x8_u, 0x02, LOAD, V, S_LD(8, LEXT(uint8_t, u16, 8)))             \
  X(v128_load16x4_s, 0x03, LOAD, V, S_LD(8, LEXT(int16_t, i32, 4)))            \
  X(v128_load16x4_u, 0x04, LOAD, V, S_LD(8, LEXT(uint16_t, u32, 4)))           \
  X(v128_load32x2_s, 0x05, LOAD, V, S_LD(8, LEXT(int32_t, i64, 2)))            \
  X(v128_load32x2_u, 0x06, LOAD, V, S_LD(8, LEXT(uint32_t, u64, 2)))           \
  X(v128_load8_splat, 0x07, LOAD, V, S_LD(1, LSPLAT(uint8_t, u8, 16)))         \
  X(v128_load16_splat, 0x08, LOAD, V, S_LD(2, LSPLAT(uint16_t, u16, 8)))       \
  X(v128_load32_splat, 0x09, LOAD, V, S_LD(4, LSPLAT(uint32_t, u32, 4)))       \
  X(v128_load64_splat, 0x0a, LOAD, V, S_LD(8, LSPLAT(uint64_t, u64, 2)))       \
  X(v128_store, 0x0b, STORE, V, S_ST(16, LDA(); memcpy(mbase + ea, &a, 16)))   \
  X(i8x16_shuffle, 0x0d, SHUF, V, S_BIN(SHUFFLE()) pc++;)                      \
  X(i8x16_swizzle, 0x0e, BIN, V, S_BIN(SWIZZLE()))                             \
  X(i8x16_splat, 0x0f, SPLAT, I32, SPLAT(u8, 16, (uint8_t)fp[A1]))             \
  X(i16x8_splat, 0x10, SPLAT, I32, SPLAT(u16, 8, (uint16_t)fp[A1]))            \
  X(i32x4_splat, 0x11, SPLAT, I32, SPLAT(u32, 4, (uint32_t)fp[A1]))            \
  X(i64x2_splat, 0x12, SPLAT, I64, SPLAT(u64, 2, fp[A1]))                      \
  X(f32x4_splat, 0x13, SPLAT, F32, SPLAT(u32, 4, (uint32_t)fp[A1]))            \
  X(f64x2_splat, 0x14, SPLAT, F64, SPLAT(u64, 2, fp[A1]))                      \
  X(i8x16_extract_lane_s, 0x15, EXTRACT, I32, EXTRACT((uint32_t)(int32_t)a.i8[IMM3])) \
  X(i8x16_extract_lane_u, 0x16, EXTRACT, I32, EXTRACT(a.u8[IMM3]))             \
  X(i8x16_replace_lane, 0x17, REPLACE, I32, REPLACE(u8, (uint8_t)fp[B2]))      \
  X(i16x8_extract_lane_s, 0x18, EXTRACT, I32, EXTRACT((uint32_t)(int32_t)a.i16[IMM3])) \
  X(i16x8_extract_lane_u, 0x19, EXTRACT, I32, EXTRACT(a.u16[IMM3]))            \
  X(i16x8_replace_lane, 0x1a, REPLACE, I32, REPLACE(u16, (uint16_t)fp[B2]))    \
  X(i32x4_extract_lane, 0x1b, EXTRACT, I32, EXTRACT(a.u32[IMM3]))              \
  X(i32x4_replace_lane, 0x1c, REPLACE, I32, REPLACE(u32, (uint32_t)fp[B2]))    \
  X(i64x2_extract_lane, 0x1d, EXTRACT, I64, EXTRACT(a.u64[IMM3]))              \
  X(i64x2_replace_lane, 0x1e, REPLACE, I64, REPLACE(u64, fp[B2]))              \
  X(f32x4_extract_lane, 0x1f, EXTRACT, F32, EXTRACT(a.u32[IMM3]))              \
  X(f32x4_replace_lane, 0x20, REPLACE, F32, REPLACE(u32, (uint32_t)fp[B2]))    \
  X(f64x2_extract_lane, 0x21, EXTRACT, F64, EXTRACT(a.u64[IMM3]))              \
  X(f64x2_replace_lane, 0x22, REPLACE, F64, REPLACE(u64, fp[B2]))              \
  VW_SIMD_ICMP(X, i8x16, 0x23, i8, u8, 16)                                     \
  VW_SIMD_ICMP(X, i16x8, 0x2d, i16, u16, 8)                                    \
  VW_SIMD_ICMP(X, i32x4, 0x37, i32, u32, 4)                                    \
  VW_SIMD_FCMP(X, f32x4, 0x41, f32, i32, 4)                                    \
  VW_SIMD_FCMP(X, f64x2, 0x47, f64, i64, 2)                                    \
  X(v128_not, 0x4d, UN, V, S_UN(L1(u64, 2, ~x)))                               \
  X(v128_and, 0x4e, BIN, V, S_BIN(L2(u64, 2, x & y)))                          \
  X(v128_andnot, 0x4f, BIN, V, S_BIN(L2(u64, 2, x & ~y)))                      \
  X(v128_or, 0x50, BIN, V, S_BIN(L2(u64, 2, x | y)))                           \
  X(v128_xor, 0x51, BIN, V, S_BIN(L2(u64, 2, x ^ y)))                          \
  X(v128_bitselect, 0x52, TER, V, S_TER(BITSELECT()))                          \
  X(v128_any_true, 0x53, TEST, V, S_TEST(t = (a.u64[0] | a.u64[1]) != 0))      \
  X(v128_load8_lane, 0x54, LLANE, V, S_LLANE(1, u8))                           \
  X(v128_load16_lane, 0x55, LLANE, V, S_LLANE(2, u16))                         \
  X(v128_load32_lane, 0x56, LLANE, V, S_LLANE(4, u32))                         \
  X(v128_load64_lane, 0x57, LLANE, V, S_LLANE(8, u64))                         \
  X(v128_store8_lane, 0x58, SLANE, V, S_SLANE(1, u8))                          \
  X(v128_store16_lane, 0x59, SLANE, V, S_SLANE(2, u16))                        \
  X(v128_store32_lane, 0x5a, SLANE, V, S_SLANE(4, u32))                        \
  X(v128_store64_lane, 0x5b, SLANE, V, S_SLANE(8, u64))                        \
  X(v128_load32_zero, 0x5c, LOAD, V, S_LD(4, r.u64[0] = r.u64[1] = 0; memcpy(&r, mbase + ea, 4))) \
  X(v128_load64_zero, 0x5d, LOAD, V, S_LD(8, r.u64[1] = 0; memcpy(&r, mbase + ea, 8))) \
  X(f32x4_demote_f64x2_zero, 0x5e, UN, V, S_UN(DEMOTE()))                      \
  X(f64x2_promote_low_f32x4, 0x5f, UN, V, S_UN(PROMOTE()))                     \
  X(i8x16_abs, 0x60, UN, V, S_UN(L1(u8, 16, (x & 0x80) ? -x : x)))             \
  X(i8x16_neg, 0x61, UN, V, S_UN(L1(u8, 16, -x)))                              \
  X(i8x16_popcnt, 0x62, UN, V, S_UN(L1(u8, 16, __builtin_popcount(x))))        \
  X(i8x16_all_true, 0x63, TEST, V, S_TEST(ALLTRUE(u8, 16)))                    \
  X(i8x16_bitmask, 0x64, TEST, V, S_TEST(BITMASK(i8, 16)))                     \
  X(i8x16_narrow_i16x8_s, 0x65, BIN, V, S_BIN(NARROW(i16, i8, 8, vw_sat_s8)))  \
  X(i8x16_narrow_i16x8_u, 0x66, BIN, V, S_BIN(NARROW(i16, u8, 8, vw_sat_u8)))  \
  X(f32x4_ceil, 0x67, UN, V, S_UN(L1(f32, 4, vw_f32_ceil(x))))                 \
  X(f32x4_floor, 0x68, UN, V, S_UN(L1(f32, 4, vw_f32_floor(x))))               \
  X(f32x4_trunc, 0x69, UN, V, S_UN(L1(f32, 4, vw_f32_trunc(x))))               \
  X(f32x4_nearest, 0x6a, UN, V, S_UN(L1(f32, 4, vw_f32_nearest(x))))           \
  X(i8x16_shl, 0x6b, SHIFT, V, S_SH(7, L1(u8, 16, x << sh)))                   \
  X(i8x16_shr_s, 0x6c, SHIFT, V, S_SH(7, L1(i8, 16, x >> sh)))                 \
  X(i8x16_shr_u, 0x6d, SHIFT, V, S_SH(7, L1(u8, 16, x >> sh)))                 \
  X(i8x16_add, 0x6e, BIN, V, S_BIN(L2(u8, 16, x + y)))                         \
  X(i8x16_add_sat_s, 0x6f, BIN, V, S_BIN(L2(i8, 16, vw_sat_s8(x + y))))        \
  X(i8x16_add_sat_u, 0x70, BIN, V, S_BIN(L2(u8, 16, vw_sat_u8(x + y))))        \
  X(i8x16_sub, 0x71, BIN, V, S_BIN(L2(u8, 16, x - y)))                         \
  X(i8x16_sub_sat_s, 0x72, BIN, V, S_BIN(L2(i8, 16, vw_sat_s8(x - y))))        \
  X(i8x16_sub_sat_u, 0x73, BIN, V, S_BIN(L2(u8, 16, vw_sat_u8(x - y))))        \
  X(f64x2_ceil, 0x74, UN, V, S_UN(L1(f64, 2, vw_f64_ceil(x))))                 \
  X(f64x2_floor, 0x75, UN, V, S_UN(L1(f64, 2, vw_f64_floor(x))))               \
  X(i8x16_min_s, 0x76, BIN, V, S_BIN(L2(i8, 16, x < y ? x : y)))               \
  X(i8x16_min_u, 0x77, BIN, V, S_BIN(L2(u8, 16, x < y ? x : y)))               \
  X(i8x16_max_s, 0x78, BIN, V, S_BIN(L2(i8, 16, x > y ? x : y)))               \
  X(i8x16_max_u, 0x79, BIN, V, S_BIN(L2(u8, 16, x > y ? x : y)))               \
  X(f64x2_trunc, 0x7a, UN, V, S_UN(L1(f64, 2, vw_f64_trunc(x))))               \
  X(i8x16_avgr_u, 0x7b, BIN, V, S_BIN(L2(u8, 16, (x + y + 1) >> 1)))           \
  X(i16x8_extadd_pairwise_i8x16_s, 0x7c, UN, V, S_UN(PAIRWISE(i8, i16, 8)))    \
  X(i16x8_extadd_pairwise_i8x16_u, 0x7d, UN, V, S_UN(PAIRWISE(u8, u16, 8)))    \
  X(i32x4_extadd_pairwise_i16x8_s, 0x7e, UN, V, S_UN(PAIRWISE(i16, i32, 4)))   \
  X(i32x4_extadd_pairwise_i16x8_u, 0x7f, UN, V, S_UN(PAIRWISE(u16, u32, 4)))   \
  X(i16x8_abs, 0x80, UN, V, S_UN(L1(u16, 8, (x & 0x8000) ? -x : x)))           \
  X(i16x8_neg, 0x81, UN, V, S_UN(L1(u16, 8, -x)))                              \
  X(i16x8_q15mulr_sat_s, 0x82, BIN, V, S_BIN(L2(i16, 8, vw_sat_s16((x * y + 0x4000) >> 15)))) \
  X(i16x8_all_true, 0x83, TEST, V, S_TEST(ALLTRUE(u16, 8)))                    \
  X(i16x8_bitmask, 0x84, TEST, V, S_TEST(BITMASK(i16, 8)))                     \
  X(i16x8_narrow_i32x4_s, 0x85, BIN, V, S_BIN(NARROW(i32, i16, 4, vw_sat_s16))) \
  X(i16x8_narrow_i32x4_u, 0x86, BIN, V, S_BIN(NARROW(i32, u16, 4, vw_sat_u16))) \
  X(i16x8_extend_low_i8x16_s, 0x87, UN, V, S_UN(EXTEND(i8, i16, 8, 0)))        \
  X(i16x8_extend_high_i8x16_s, 0x88, UN, V, S_UN(EXTEND(i8, i16, 8, 8)))       \
  X(i16x8_extend_low_i8x16_u, 0x89, UN, V, S_UN(EXTEND(u8, u16, 8, 0)))        \
  X(i16x8_extend_high_i8x16_u, 0x8a, UN, V, S_UN(EXTEND(u8, u16, 8, 8)))       \
  X(i16x8_shl, 0x8b, SHIFT, V, S_SH(15, L1(u16, 8, x << sh)))                  \
  X(i16x8_shr_s, 0x8c, SHIFT, V, S_SH(15, L1(i16, 8, x >> sh)))                \
  X(i16x8_shr_u, 0x8d, SHIFT, V, S_SH(15, L1(u16, 8, x >> sh)))                \
  X(i16x8_add, 0x8e, BIN, V, S_BIN(L2(u16, 8, x + y)))                         \
  X(i16x8_add_sat_s, 0x8f, BIN, V, S_BIN(L2(i16, 8, vw_sat_s16(x + y))))       \
  X(i16x8_add_sat_u, 0x90, BIN, V, S_BIN(L2(u16, 8, vw_sat_u16(x + y))))       \
  X(i16x8_sub, 0x91, BIN, V, S_BIN(L2(u16, 8, x - y)))                         \
  X(i16x8_sub_sat_s, 0x92, BIN, V, S_BIN(L2(i16, 8, vw_sat_s16(x - y))))       \
  X(i16x8_sub_sat_u, 0x93, BIN, V, S_BIN(L2(u16, 8, vw_sat_u16(x - y))))       \
  X(f64x2_nearest, 0x94, UN, V, S_UN(L1(f64, 2, vw_f64_nearest(x))))           \
  X(i16x8_mul, 0x95, BIN, V, S_BIN(L2(u16, 8, (uint32_t)x * y)))               \
  X(i16x8_min_s, 0x96, BIN, V, S_BIN(L2(i16, 8, x < y ? x : y)))               \
  X(i16x8_min_u, 0x97, BIN, V, S_BIN(L2(u16, 8, x < y ? x : y)))               \
  X(i16x8_max_s, 0x98, BIN, V, S_BIN(L2(i16, 8, x > y ? x : y)))               \
  X(i16x8_max_u, 0x99, BIN, V, S_BIN(L2(u16, 8, x > y ? x : y)))               \
  X(i16x8_avgr_u, 0x9b, BIN, V, S_BIN(L2(u16, 8, (x + y + 1) >> 1)))           \
  X(i16x8_extmul_low_i8x16_s, 0x9c, BIN, V, S_BIN(EXTMUL(i8, i16, 8, 0, int32_t))) \
  X(i16x8_extmul_high_i8x16_s, 0x9d, BIN, V, S_BIN(EXTMUL(i8, i16, 8, 8, int32_t))) \
  X(i16x8_extmul_low_i8x16_u, 0x9e, BIN, V, S_BIN(EXTMUL(u8, u16, 8, 0, uint32_t))) \
  X(i16x8_extmul_high_i8x16_u, 0x9f, BIN, V, S_BIN(EXTMUL(u8, u16, 8, 8, uint32_t))) \
  X(i32x4_abs, 0xa0, UN, V, S_UN(L1(u32, 4, (x & 0x80000000u) ? -x : x)))      \
  X(i32x4_neg, 0xa1, UN, V, S_UN(L1(u32, 4, -x)))                              \
  X(i32x4_all_true, 0xa3, TEST, V, S_TEST(ALLTRUE(u32, 4)))                    \
  X(i32x4_bitmask, 0xa4, TEST, V, S_TEST(BITMASK(i32, 4)))                     \
  X(i32x4_extend_low_i16x8_s, 0xa7, UN, V, S_UN(EXTEND(i16, i32, 4, 0)))       \
  X(i32x4_extend_high_i16x8_s, 0xa8, UN, V, S_UN(EXTEND(i16, i32, 4, 4)))      \
  X(i32x4_extend_low_i16x8_u, 0xa9, UN, V, S_UN(EXTEND(u16, u32, 4, 0)))       \
  X(i32x4_extend_high_i16x8_u, 0xaa, UN, V, S_UN(EXTEND(u16, u32, 4, 4)))      \
  X(i32x4_shl, 0xab, SHIFT, V, S_SH(31, L1(u32, 4, x << sh)))                  \
  X(i32x4_shr_s, 0xac, SHIFT, V, S_SH(31, L1(i32, 4, x >> sh)))                \
  X(i32x4_shr_u, 0xad, SHIFT, V, S_SH(31, L1(u32, 4, x >> sh)))                \
  X(i32x4_add, 0xae, BIN, V, S_BIN(L2(u32, 4, x + y)))                         \
  X(i32x4_sub, 0xb1, BIN, V, S_BIN(L2(u32, 4, x - y)))                         \
  X(i32x4_mul, 0xb5, BIN, V, S_BIN(L2(u32, 4, x * y)))                         \
  X(i32x4_min_s, 0xb6, BIN, V, S_BIN(L2(i32, 4, x < y ? x : y)))               \
  X(i32x4_min_u, 0xb7, BIN, V, S_BIN(L2(u32, 4, x < y ? x : y)))               \
  X(i32x4_max_s, 0xb8, BIN, V, S_BIN(L2(i32, 4, x > y ? x : y)))               \
  X(i32x4_max_u, 0xb9, BIN, V, S_BIN(L2(u32, 4, x > y ? x : y)))               \
  X(i32x4_dot_i16x8_s, 0xba, BIN, V, S_BIN(DOT()))                             \
  X(i32x4_extmul_low_i16x8_s, 0xbc, BIN, V, S_BIN(EXTMUL(i16, i32, 4, 0, int32_t))) \
  X(i32x4_extmul_high_i16x8_s, 0xbd, BIN, V, S_BIN(EXTMUL(i16, i32, 4, 4, int32_t))) \
  X(i32x4_extmul_low_i16x8_u, 0xbe, BIN, V, S_BIN(EXTMUL(u16, u32, 4, 0, uint32_t))) \
  X(i32x4_extmul_high_i16x8_u, 0xbf, BIN, V, S_BIN(EXTMUL(u16, u32, 4, 4, uint32_t))) \
  X(i64x2_abs, 0xc0, UN, V, S_UN(L1(u64, 2, (x >> 63) ? -x : x)))              \
  X(i64x2_neg, 0xc1, UN, V, S_UN(L1(u64, 2, -x)))                              \
  X(i64x2_all_true, 0xc3, TEST, V, S_TEST(ALLTRUE(u64, 2)))                    \
  X(i64x2_bitmask, 0xc4, TEST, V, S_TEST(BITMASK(i64, 2)))                     \
  X(i64x2_extend_low_i32x4_s, 0xc7, UN, V, S_UN(EXTEND(i32, i64, 2, 0)))       \
  X(i64x2_extend_high_i32x4_s, 0xc8, UN, V, S_UN(EXTEND(i32, i64, 2, 2)))      \
  X(i64x2_extend_low_i32x4_u, 0xc9, UN, V, S_UN(EXTEND(u32, u64, 2, 0)))       \
  X(i64x2_extend_high_i32x4_u, 0xca, UN, V, S_UN(EXTEND(u32, u64, 2, 2)))      \
  X(i64x2_shl, 0xcb, SHIFT, V, S_SH(63, L1(u64, 2, x << sh)))                  \
  X(i64x2_shr_s, 0xcc, SHIFT, V, S_SH(63, L1(i64, 2, x >> sh)))                \
  X(i64x2_shr_u, 0xcd, SHIFT, V, S_SH(63, L1(u64, 2, x >> sh)))                \
  X(i64x2_add, 0xce, BIN, V, S_BIN(L2(u64, 2, x + y)))                         \
  X(i64x2_sub, 0xd1, BIN, V, S_BIN(L2(u64, 2, x - y)))                         \
  X(i64x2_mul, 0xd5, BIN, V, S_BIN(L2(u64, 2, x * y)))                         \
  X(i64x2_eq, 0xd6, BIN, V, S_BIN(CMP(i64, i64, 2, x == y)))                   \
  X(i64x2_ne, 0xd7, BIN, V, S_BIN(CMP(i64, i64, 2, x != y)))                   \
  X(i64x2_lt_s, 0xd8, BIN, V, S_BIN(CMP(i64, i64, 2, x < y)))                  \
  X(i64x2_gt_s, 0xd9, BIN, V, S_BIN(CMP(i64, i64, 2, x > y)))                  \
  X(i64x2_le_s, 0xda, BIN, V, S_BIN(CMP(i64, i64, 2, x <= y)))                 \
  X(i64x2_ge_s, 0xdb, BIN, V, S_BIN(CMP(i64, i64, 2, x >= y)))                 \
  X(i64x2_extmul_low_i32x4_s, 0xdc, BIN, V, S_BIN(EXTMUL(i32, i64, 2, 0, int64_t))) \
  X(i64x2_extmul_high_i32x4_s, 0xdd, BIN, V, S_BIN(EXTMUL(i32, i64, 2, 2, int64_t))) \
  X(i64x2_extmul_low_i32x4_u, 0xde, BIN, V, S_BIN(EXTMUL(u32, u64, 2, 0, uint64_t))) \
  X(i64x2_extmul_high_i32x4_u, 0xdf, BIN, V, S_BIN(EXTMUL(u32, u64, 2, 2, uint64_t))) \
  X(f32x4_abs, 0xe0, UN, V, S_UN(L1(u32, 4, x & 0x7fffffffu)))                 \
  X(f32x4_neg, 0xe1, UN, V, S_UN(L1(u32, 4, x ^ 0x80000000u)))                 \
  X(f32x4_sqrt, 0xe3, UN, V, S_UN(L1(f32, 4, sqrtf(x))))                       \
  X(f32x4_add, 0xe4, BIN, V, S_BIN(L2(f32, 4, x + y)))                         \
  X(f32x4_sub, 0xe5, BIN, V, S_BIN(L2(f32, 4, x - y)))                         \
  X(f32x4_mul, 0xe6, BIN, V, S_BIN(L2(f32, 4, x * y)))                         \
  X(f32x4_div, 0xe7, BIN, V, S_BIN(L2(f32, 4, x / y)))                         \
  X(f32x4_min, 0xe8, BIN, V, S_BIN(L2(f32, 4, vw_f32_min(x, y))))              \
  X(f32x4_max, 0xe9, BIN, V, S_BIN(L2(f32, 4, vw_f32_max(x, y))))              \
  X(f32x4_pmin, 0xea, BIN, V, S_BIN(L2(f32, 4, y < x ? y : x)))                \
  X(f32x4_pmax, 0xeb, BIN, V, S_BIN(L2(f32, 4, x < y ? y : x)))                \
  X(f64x2_abs, 0xec, UN, V, S_UN(L1(u64, 2, x & 0x7fffffffffffffffull)))       \
  X(f64x2_neg, 0xed, UN, V, S_UN(L1(u64, 2, x ^ 0x8000000000000000ull)))       \
  X(f64x2_sqrt, 0xef, UN, V, S_UN(L1(f64, 2, sqrt(x))))                        \
  X(f64x2_add, 0xf0, BIN, V, S_BIN(L2(f64, 2, x + y)))                         \
  X(f64x2_sub, 0xf1, BIN, V, S_BIN(L2(f64, 2, x - y)))                         \
  X(f64x2_mul, 0xf2, BIN, V, S_BIN(L2(f64, 2, x * y)))                         \
  X(f64x2_div, 0xf3, BIN, V, S_BIN(L2(f64, 2, x / y)))                         \
  X(f64x2_min, 0xf4, BIN, V, S_BIN(L2(f64, 2, vw_f64_min(x, y))))              \
  X(f64x2_max, 0xf5, BIN, V, S_BIN(L2(f64, 2, vw_f64_max(x, y))))              \
  X(f64x2_pmin, 0xf6, BIN, V, S_BIN(L2(f64, 2, y < x ? y : x)))                \
  X(f64x2_pmax, 0xf7, BIN, V, S_BIN(L2(f64, 2, x < y ? y : x)))                \
  X(i32x4_trunc_sat_f32x4_s, 0xf8, UN, V, S_UN(CONV(f32, i32, 4, vw_sat_f32_i32s(x)))) \
  X(i32x4_trunc_sat_f32x4_u, 0xf9, UN, V, S_UN(CONV(f32, u32, 4, vw_sat_f32_i32u(x)))) \
  X(f32x4_convert_i32x4_s, 0xfa, UN, V, S_UN(CONV(i32, f32, 4, (float)x)))     \
  X(f32x4_convert_i32x4_u, 0xfb, UN, V, S_UN(CONV(u32, f32, 4, (float)x)))     \
  X(i32x4_trunc_sat_f64x2_s_zero, 0xfc, UN, V, S_UN(CONVZ(f64, i32, vw_sat_f64_i32s(x)))) \
  X(i32x4_trunc_sat_f64x2_u_zero, 0xfd, UN, V, S_UN(CONVZ(f64, u32, vw_sat_f64_i32u(x)))) \
  X(f64x2_convert_low_i32x4_s, 0xfe, UN, V, S_UN(CONV(i32, f64, 2, (double)x))) \
  X(f64x2_convert_low_i32x4_u, 0xff, UN, V, S_UN(CONV(u32, f64, 2, (double)x)))

#define VW_T_V 0
#define VW_E_SIMD(name, sub, shape, st, body) VW_OP_simd_##name,

#define VW_E_CMP(name, opc, T, expr, inv)                                      \
  VW_OP_##name, VW_OP_##name##_si, VW_OP_br_##name, VW_OP_br_##name##_si,
#define VW_E_BINI(name, opc, T, expr, comm)                                    \
  VW_OP_##name, VW_OP_##name##_si, VW_OP_##name##_is,
#define VW_E_DIV(name, opc, T) VW_OP_##name, VW_OP_##name##_si,
/* Other binary ops, like the integer ones: slot-slot, slot-immediate and
** immediate-slot (_is, e.g. `1 << x`, `0.5 * x`). */
#define VW_E_BIN(name, opc, T, R, expr)                                        \
  VW_OP_##name, VW_OP_##name##_si, VW_OP_##name##_is,
#define VW_E_UN(name, opc, T, R, expr) VW_OP_##name,
#define VW_E_TRUNC(name, opc, T, R, fn, ct) VW_OP_##name,
/* Loads and stores have, besides the plain form, forms whose address is
** the sum of two slots (_ss) or of a slot and a 32-bit constant (_si): the
** i32.add that computes an address is folded into the access; and a form
** for a constant address (_a); loads also have scaled-index forms (_sx:
** a + (b << k), _xi: (a << k) + K).  Stores of a constant value have a _k
** form, and _ssk with the a + b address.
** The compiler relies on this order (form = op + n). */
#define VW_E_LOAD(name, opc, R, ct, conv)                                      \
  VW_OP_##name, VW_OP_##name##_ss, VW_OP_##name##_si, VW_OP_##name##_a,        \
  VW_OP_##name##_sx, VW_OP_##name##_xi,
#define VW_E_STORE(name, opc, ct)                                              \
  VW_OP_##name, VW_OP_##name##_ss, VW_OP_##name##_si, VW_OP_##name##_a,       \
  VW_OP_##name##_k, VW_OP_##name##_ssk,
#define VW_E_MISC(name) VW_OP_##name,

enum vw_opcode {
  VW_MISC_OPS(VW_E_MISC)
  VW_CMP_OPS(VW_E_CMP)
  VW_BINI_OPS(VW_E_BINI)
  VW_DIV_OPS(VW_E_DIV)
  VW_BIN_OPS(VW_E_BIN)
  VW_UN_OPS(VW_E_UN)
  VW_TRUNC_OPS(VW_E_TRUNC)
  VW_LOAD_OPS(VW_E_LOAD)
  VW_STORE_OPS(VW_E_STORE)
  VW_SIMD_OPS(VW_E_SIMD)
  VW_OP_COUNT
};

/* clang-format on */

/* vw_exec.c: the handler address of each op (indexed by enum vw_opcode). */
const void *const *vw_exec_handlers(void);

#endif
