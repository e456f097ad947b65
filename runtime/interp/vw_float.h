/*
** vw_float.h — exact IEEE 754 helpers for the interpreter (vw_exec.c).
**
** WebAssembly pins down float semantics more tightly than C: min/max must
** order -0 below +0 and return NaN when either operand is NaN; nearest is
** round-half-to-even; float-to-int truncation traps outside an exact range
** (or saturates, for the trunc_sat forms).  C's fmin/fmax and casts do not
** promise any of that, so the rules live here, written once, as bit-level
** or range-checked code.  Everything is static inline: these sit in the
** interpreter's hot handlers.
*/
#ifndef VW_FLOAT_H
#define VW_FLOAT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float vw_f32_from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, 4);
  return f;
}
static inline uint32_t vw_f32_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}
static inline double vw_f64_from_bits(uint64_t b) {
  double d;
  memcpy(&d, &b, 8);
  return d;
}
static inline uint64_t vw_f64_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}

#define VW_F32_CANON_NAN 0x7fc00000u
#define VW_F64_CANON_NAN 0x7ff8000000000000ull

/* min/max: NaN in → canonical NaN out; -0 < +0 (compare signs when equal). */
static inline float vw_f32_min(float a, float b) {
  if (a != a || b != b) return vw_f32_from_bits(VW_F32_CANON_NAN);
  if (a == b) return vw_f32_from_bits(vw_f32_bits(a) | vw_f32_bits(b));
  return a < b ? a : b;
}
static inline float vw_f32_max(float a, float b) {
  if (a != a || b != b) return vw_f32_from_bits(VW_F32_CANON_NAN);
  if (a == b) return vw_f32_from_bits(vw_f32_bits(a) & vw_f32_bits(b));
  return a > b ? a : b;
}
static inline double vw_f64_min(double a, double b) {
  if (a != a || b != b) return vw_f64_from_bits(VW_F64_CANON_NAN);
  if (a == b) return vw_f64_from_bits(vw_f64_bits(a) | vw_f64_bits(b));
  return a < b ? a : b;
}
static inline double vw_f64_max(double a, double b) {
  if (a != a || b != b) return vw_f64_from_bits(VW_F64_CANON_NAN);
  if (a == b) return vw_f64_from_bits(vw_f64_bits(a) & vw_f64_bits(b));
  return a > b ? a : b;
}

/* The rounding functions must keep NaN a NaN (libm does, quieting it) and
** keep the sign of zero (libm does).  nearest is round-half-to-even, which is
** what nearbyint does in the default rounding mode; the engine never changes
** the rounding mode (clang 14 lacks __builtin_roundeven). */
static inline float vw_f32_nearest(float a) { return nearbyintf(a); }
static inline double vw_f64_nearest(double a) { return nearbyint(a); }
/* glibc's floor/ceil/trunc hand a signalling NaN back unchanged; wasm wants
** an arithmetic (quiet) NaN, which adding it to itself produces. */
static inline float vw_f32_ceil(float a) { return a != a ? a + a : ceilf(a); }
static inline float vw_f32_floor(float a) { return a != a ? a + a : floorf(a); }
static inline float vw_f32_trunc(float a) { return a != a ? a + a : truncf(a); }
static inline double vw_f64_ceil(double a) { return a != a ? a + a : ceil(a); }
static inline double vw_f64_floor(double a) {
  return a != a ? a + a : floor(a);
}
static inline double vw_f64_trunc(double a) {
  return a != a ? a + a : trunc(a);
}

/* ---- bit-level operations: never canonicalise NaN payloads ------------ */
static inline uint32_t vw_f32_abs_bits(uint32_t a) { return a & 0x7fffffffu; }
static inline uint32_t vw_f32_neg_bits(uint32_t a) { return a ^ 0x80000000u; }
static inline uint32_t vw_f32_copysign_bits(uint32_t a, uint32_t b) {
  return (a & 0x7fffffffu) | (b & 0x80000000u);
}
static inline uint64_t vw_f64_abs_bits(uint64_t a) {
  return a & 0x7fffffffffffffffull;
}
static inline uint64_t vw_f64_neg_bits(uint64_t a) {
  return a ^ 0x8000000000000000ull;
}
static inline uint64_t vw_f64_copysign_bits(uint64_t a, uint64_t b) {
  return (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull);
}

/* ---- float to integer truncation ------------------------------------
** For each conversion (f32/f64 to i32/i64, signed or not) two functions:
**   int vw_trunc_SFX(F x, T *out)  0 on success, 1 for NaN (invalid
**                                  conversion), 2 when the truncated value
**                                  does not fit (integer overflow);
**   T vw_sat_SFX(F x)              saturating: NaN -> 0, out of range ->
**                                  the nearest bound.
** The bounds are the exact first unrepresentable values: e.g. for i32_s
** from f64, any x with -2147483649 < x < 2147483648 truncates into range.
** X(SFX, F, T, low bound, high bound, T's min, T's max) */
/* clang-format off */
#define VW_TRUNCATIONS(X)                                                      \
  X(f32_i32s, float,  int32_t,  -2147483904.0f, 2147483648.0f, INT32_MIN, INT32_MAX) \
  X(f32_i32u, float,  uint32_t, -1.0f, 4294967296.0f, 0, UINT32_MAX)            \
  X(f64_i32s, double, int32_t,  -2147483649.0, 2147483648.0, INT32_MIN, INT32_MAX) \
  X(f64_i32u, double, uint32_t, -1.0, 4294967296.0, 0, UINT32_MAX)              \
  X(f32_i64s, float,  int64_t,  -9223373136366403584.0f, 9223372036854775808.0f, INT64_MIN, INT64_MAX) \
  X(f32_i64u, float,  uint64_t, -1.0f, 18446744073709551616.0f, 0, UINT64_MAX)  \
  X(f64_i64s, double, int64_t,  -9223372036854777856.0, 9223372036854775808.0, INT64_MIN, INT64_MAX) \
  X(f64_i64u, double, uint64_t, -1.0, 18446744073709551616.0, 0, UINT64_MAX)
/* clang-format on */

#define VW_TRUNC_FNS(sfx, F, T, lo, hi, tmin, tmax)                            \
  static inline int vw_trunc_##sfx(F x, T *out) {                              \
    if (x != x) return 1;                                                      \
    if (!(x > (lo) && x < (hi))) return 2;                                     \
    *out = (T)x;                                                               \
    return 0;                                                                  \
  }                                                                            \
  static inline T vw_sat_##sfx(F x) {                                          \
    if (x != x) return 0;                                                      \
    if (!(x > (lo))) return tmin;                                              \
    if (!(x < (hi))) return tmax;                                              \
    return (T)x;                                                               \
  }
VW_TRUNCATIONS(VW_TRUNC_FNS)
#undef VW_TRUNC_FNS

/* ---- integer to float ----------------------------------------------------
** GCC converts 64-bit integers straight to float with one correctly
** rounded instruction sequence (for unsigned, it halves with a sticky bit);
** going through double would round twice. */
static inline float vw_u64_to_f32(uint64_t v) { return (float)v; }
static inline double vw_u64_to_f64(uint64_t v) { return (double)v; }

#endif
