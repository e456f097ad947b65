/*
** cm_abi.h — the canonical ABI's value lifting and lowering: component
** values (a cm_val tree on the host) to and from a guest's linear memory
** and flat core values (vw_raw), as canon lift/lower need them.
**
** Values are allocated in a cm_abi_arena owned by the call; freeing the arena
** frees every value lifted into it.  Every failure is a trap: the
** functions return nonzero and fill a cm_abi_error (code and message);
** nothing aborts.  Handles (own, borrow) are plain u32 table indices here.
*/
#ifndef CM_ABI_H
#define CM_ABI_H

#include <stdbool.h>

#include "cm.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { CM_MAX_FLAT_PARAMS = 16, CM_MAX_FLAT_RESULTS = 1 };

typedef enum cm_abi_trap {
  CM_TRAP_NONE,
  CM_TRAP_BOUNDS,       /* a pointer + length past the end of memory      */
  CM_TRAP_ALIGN,        /* a misaligned pointer                           */
  CM_TRAP_DISCRIMINANT, /* a variant/enum/option/result case out of range */
  CM_TRAP_CHAR,         /* a surrogate or a code point past 0x10FFFF      */
  CM_TRAP_UTF8,         /* invalid UTF-8                                  */
  CM_TRAP_UTF16,        /* invalid UTF-16 (an unpaired surrogate)         */
  CM_TRAP_TOO_LONG,     /* a string or list too long to lower             */
  CM_TRAP_REALLOC,      /* realloc missing, or it trapped                 */
  CM_TRAP_NOMEM,        /* the host arena is exhausted                    */
  CM_TRAP_ARG           /* the caller's value or flat values do not fit   */
} cm_abi_trap;

typedef struct cm_abi_error {
  cm_abi_trap code;
  char msg[256];
} cm_abi_error;

/* An arena of host values; cm_abi_arena_free frees all at once. */
typedef struct cm_abi_arena cm_abi_arena;
cm_abi_arena *cm_abi_arena_new(size_t limit_bytes); /* 0: no limit */
void *cm_abi_arena_alloc(cm_abi_arena *a,
                         size_t n); /* zeroed; NULL when full */
void cm_abi_arena_free(cm_abi_arena *a);

/* A host value.  Its shape follows its type: kind is the type's kind
** (CM_T_PRIM with prim set, CM_T_RECORD, ...). */
typedef struct cm_val cm_val;
struct cm_val {
  uint8_t kind; /* cm_typekind */
  uint8_t prim; /* CM_P_* when kind is CM_T_PRIM */
  union {
    bool b;
    int64_t s;  /* s8 .. s64 */
    uint64_t u; /* u8 .. u64 */
    float f32;
    double f64;
    uint32_t ch; /* char: a Unicode scalar value */
    struct {
      const char *ptr; /* UTF-8, not NUL-terminated */
      size_t len;
    } str;
    struct {
      cm_val *items; /* list, record (fields' order), tuple */
      uint32_t n;
    } seq;
    struct {
      uint32_t index;  /* variant/enum case; option 0 none, 1 some;
                       ** result 0 ok, 1 err */
      cm_val *payload; /* NULL when the case has none */
    } var;
    struct {
      uint32_t *words; /* bit i of words[i / 32]: label i is set */
      uint32_t n;      /* labels */
    } flags;
    uint32_t handle; /* own, borrow */
  } u;
};

/* Where values live: the guest memory, its realloc (i32 old_ptr,
** old_size, align, new_size -> i32 ptr; may be NULL when nothing needs
** allocating), the string encoding (CM_ENC_*), the arena that lifted
** values go into, and the error filled on a trap. */
typedef struct cm_abi_cx {
  vw_store *store;
  vw_memory *memory;
  vw_func *realloc;
  int encoding;
  cm_abi_arena *arena;
  cm_abi_error *err;
} cm_abi_cx;

/* ---- layout ------------------------------------------------------------ */
/* Types the decoder made have both cached (cm_type.abi_*); others are
** computed from their members.  A size saturates at CM_ABI_SIZE_MAX (no
** memory holds such a value; every access is still bounds-checked). */
#define CM_ABI_SIZE_MAX (1ull << 40)
uint32_t cm_abi_align(const cm_type *t);
uint64_t cm_abi_size(const cm_type *t);
/* The flat core types (VW_I32 ...) of t into out[max]; returns how many,
** or max + 1 when there are more than max. */
uint32_t cm_abi_flatten(const cm_type *t, uint8_t *out, uint32_t max);

/* ---- one value --------------------------------------------------------- */
/* from / into memory at ptr (checked: aligned, in bounds); 0 ok */
int cm_abi_load(cm_abi_cx *cx, const cm_type *t, uint64_t ptr, cm_val *out);
int cm_abi_store(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                 uint64_t ptr);
/* from flat values flat[*pos..n) (consumed in order, *pos advances) /
** into out[*pos..max) */
int cm_abi_lift_flat(cm_abi_cx *cx, const cm_type *t, const vw_raw *flat,
                     uint32_t n, uint32_t *pos, cm_val *out);
int cm_abi_lower_flat(cm_abi_cx *cx, const cm_type *t, const cm_val *v,
                      vw_raw *out, uint32_t max, uint32_t *pos);

/* ---- a function's parameters and results (ft: a CM_T_FUNC) -------------
** Parameters flatten to at most 16 core values, results to at most one;
** past that they go through memory. */
/* host calls a lifted guest function: args -> flat (<= 16 values, else one
** pointer to a realloc'd spill area); *nflat is set */
int cm_abi_lower_params(cm_abi_cx *cx, const cm_type *ft, const cm_val *args,
                        vw_raw *flat, uint32_t *nflat);
/* its results: from the flat result (<= 1 value) or the returned pointer;
** *out is NULL for a function without a result */
int cm_abi_lift_results(cm_abi_cx *cx, const cm_type *ft, const vw_raw *flat,
                        uint32_t nflat, cm_val **out);
/* a guest calls a lowered host function: its flat args (or one pointer)
** -> args[ft->n] */
int cm_abi_lift_params(cm_abi_cx *cx, const cm_type *ft, const vw_raw *flat,
                       uint32_t nflat, cm_val *args);
/* the host's result -> flat (<= 1 value) or stored at the pointer the
** guest passed as its last argument (retptr) */
int cm_abi_lower_results(cm_abi_cx *cx, const cm_type *ft, const cm_val *res,
                         vw_raw *flat, uint32_t *nflat, uint64_t retptr);

#ifdef __cplusplus
}
#endif
#endif
