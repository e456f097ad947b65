/*
** vw_internal.h — shared internals of the interpreter adapter.
**
** The decoded module (vw_decode.c fills it, vw_validate.c checks it,
** vw_compile.c translates its bodies), the runtime objects of a store
** (vw_store.c, vw_instance.c), and the entry points between those files.
** Nothing here is visible to embedders; they see runtime/vw.h only.
*/
#ifndef VW_INTERNAL_H
#define VW_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vw.h"
#include "vw_opcodes.h"

#define VW_PAGE_SIZE   65536u
#define VW_MAX_PAGES   65536u /* 4 GiB of 32-bit address space    */
#define VW_TABLE_LIMIT 10000000u

/* ---- allocation (vw_alloc.c) ------------------------------------------- */
/* a is the allocator of the module or store the memory is for; NULL is the
** C library's. */
void *vw_malloc(const vw_allocator *a, size_t n);
/* zeroed; overflow-checked */
void *vw_calloc(const vw_allocator *a, size_t count, size_t size);
void *vw_realloc(const vw_allocator *a, void *p, size_t n);
void vw_free(const vw_allocator *a, void *p);
char *vw_strndup(const vw_allocator *a, const char *s, size_t n);
/* *a, or the C library's allocator for NULL: what a module or store keeps */
vw_allocator vw_allocator_or_libc(const vw_allocator *a);

/* ---- errors (vw_error.c) ----------------------------------------------- */
/* Fills err (which may be NULL) and returns status. */
vw_status vw_fail(vw_error *err, vw_status status, size_t offset,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
vw_status vw_trap_set(vw_error *err, vw_trap trap);
void vw_error_clear(vw_error *err);

/* ---- the decoded module -------------------------------------------------- */
typedef struct vw_functype {
  uint32_t nparams, nresults;
  uint8_t *params, *results; /* valtype bytes; one allocation */
} vw_functype;

typedef struct vw_limits {
  uint32_t min, max;
  uint8_t has_max;
} vw_limits;

typedef struct vw_tabletype {
  uint8_t elemtype; /* VW_FUNCREF or VW_EXTERNREF */
  vw_limits lim;
} vw_tabletype;

typedef struct vw_globaltype {
  uint8_t type; /* valtype */
  uint8_t mut;
} vw_globaltype;

/* A constant expression of WebAssembly 2.0: exactly one of these
** instructions followed by `end`.  `op` is the wasm opcode byte (v128.const
** is its prefix byte). */
enum {
  VW_CONST_I32 = WASM_I32_CONST,
  VW_CONST_I64 = WASM_I64_CONST,
  VW_CONST_F32 = WASM_F32_CONST,
  VW_CONST_F64 = WASM_F64_CONST,
  VW_CONST_V128 = WASM_PREFIX_FD,
  VW_CONST_GLOBAL_GET = WASM_GLOBAL_GET,
  VW_CONST_REF_NULL = WASM_REF_NULL,
  VW_CONST_REF_FUNC = WASM_REF_FUNC
};
typedef struct vw_constexpr {
  uint8_t op;
  uint8_t reftype;   /* for ref.null */
  uint64_t value;    /* constant bits, or global/func index */
  uint64_t value_hi; /* upper half of a v128 constant */
  size_t offset;     /* where it starts, for error messages */
} vw_constexpr;

typedef struct vw_import {
  char *module, *name;           /* NUL-terminated copies (valid UTF-8) */
  uint32_t module_len, name_len; /* byte lengths: names may contain NUL */
  uint8_t kind;                  /* vw_externkind */
  uint32_t type_idx;             /* FUNC */
  vw_tabletype table;            /* TABLE */
  vw_limits mem;                 /* MEMORY */
  vw_globaltype global;          /* GLOBAL */
} vw_import;

typedef struct vw_export {
  char *name;        /* NUL-terminated copy */
  uint32_t name_len; /* byte length: names may contain NUL */
  uint8_t kind;
  uint32_t index;
} vw_export;

enum { VW_SEG_ACTIVE = 0, VW_SEG_PASSIVE = 1, VW_SEG_DECLARATIVE = 2 };

typedef struct vw_elem {
  uint8_t mode;
  uint8_t elemtype;    /* VW_FUNCREF or VW_EXTERNREF */
  uint32_t table;      /* active only */
  vw_constexpr offset; /* active only */
  uint32_t count;
  vw_constexpr *items; /* ref.func x / ref.null t / global.get */
} vw_elem;

typedef struct vw_data {
  uint8_t mode; /* ACTIVE or PASSIVE */
  uint32_t mem;
  vw_constexpr offset;
  uint32_t len;
  const uint8_t *bytes; /* points into vw_module.bytes */
} vw_data;

typedef struct vw_funcdef {
  uint32_t type_idx;
  uint32_t nlocals;     /* declared locals, params excluded */
  uint8_t *local_types; /* nlocals valtypes (expanded) */
  const uint8_t *body;  /* instructions after the locals, up to
                           and including the final `end` */
  size_t body_len;
  size_t body_offset; /* file offset of body[0] */
  void *code;         /* compiled form (vw_compile.c) */
} vw_funcdef;

struct vw_module {
  uint8_t *bytes; /* owned copy of the binary */
  size_t len;
  uint32_t refs;

  vw_functype *types;
  uint32_t ntypes;
  vw_import *imports;
  uint32_t nimports;

  /* index spaces: imports first, then definitions */
  uint32_t *func_type;
  uint32_t nfuncs, nfunc_imports;
  vw_tabletype *tables;
  uint32_t ntables, ntable_imports;
  vw_limits *mems;
  uint32_t nmems, nmem_imports;
  vw_globaltype *globals;
  uint32_t nglobals, nglobal_imports;
  vw_constexpr *global_init; /* nglobals - nglobal_imports */

  vw_funcdef *funcs; /* nfuncs - nfunc_imports definitions */
  vw_export *exports;
  uint32_t nexports;
  vw_elem *elems;
  uint32_t nelems;
  vw_data *datas;
  uint32_t ndatas;

  uint8_t has_start;
  uint32_t start;
  uint8_t has_datacount;
  uint32_t datacount;

  /* "name" custom section, function names subsection; NULL entries where
  ** absent.  Malformed name sections are ignored, as the spec allows. */
  char **func_names; /* nfuncs entries, or NULL */

  vw_allocator alloc; /* everything of the module, itself too */
};

/* Decoding (vw_decode.c): fills *m from bytes (which m must already own in
** m->bytes/m->len).  On error, m may be partly filled; vw_module_clear frees
** whatever was allocated. */
vw_status vw_decode(vw_module *m, vw_error *err);
/* vw_module.c: frees what decoding and compiling allocated, leaving the
** bytes and the reference count; vw_module_wipe only zeroes the rest. */
void vw_module_clear(vw_module *m);
void vw_module_wipe(vw_module *m);

/* Validation (vw_validate.c): the whole module, every function body. */
vw_status vw_validate(const vw_module *m, vw_error *err);

/* Compilation (vw_compile.c): translate each validated body into the
** interpreter's internal code, stored in funcdef.code. */
vw_status vw_compile(vw_module *m, vw_error *err);
void vw_code_free(const vw_allocator *a, void *code);

static inline bool vw_is_num_type(uint8_t t) {
  return t == VW_I32 || t == VW_I64 || t == VW_F32 || t == VW_F64;
}
static inline bool vw_is_ref_type(uint8_t t) {
  return t == VW_FUNCREF || t == VW_EXTERNREF;
}
static inline bool vw_is_val_type(uint8_t t) {
  return vw_is_num_type(t) || vw_is_ref_type(t) || t == VW_V128;
}
/* value-stack slots a value of type t takes */
static inline uint32_t vw_slots(uint8_t t) { return t == VW_V128 ? 2 : 1; }

/* ---- runtime objects ---------------------------------------------------- */
typedef struct vw_object { /* header of everything a store owns */
  struct vw_object *next;
  void (*destroy)(vw_store *s, struct vw_object *o);
} vw_object;

struct vw_func {
  vw_object obj;
  const vw_functype *type;
  uint32_t sig;          /* store-wide id of the type; equal ids
                            mean equal types (call_indirect) */
  vw_instance *inst;     /* NULL for host functions */
  uint32_t index;        /* index in inst's module function space */
  const vw_funcdef *def; /* NULL for host functions */
  vw_host_fn host;
  void *host_ud;
  vw_functype host_type; /* host functions own their type */
};

struct vw_memory {
  vw_object obj;
  uint8_t *data;             /* exactly size bytes, grown by realloc */
  uint64_t size;             /* bytes = pages * VW_PAGE_SIZE */
  uint32_t pages, max_pages; /* max_pages includes the store's cap */
  uint8_t has_max;
  uint32_t decl_max;         /* the declared max, for import checks */
  vw_budget *budget;         /* drawn from on growth, or NULL */
  const vw_allocator *alloc; /* its store's, for growth */
};

struct vw_table {
  vw_object obj;
  vw_raw *elems;
  uint32_t size, max;
  uint8_t has_max;
  uint8_t elemtype;
  const vw_allocator *alloc; /* its store's, for growth */
};

struct vw_global {
  vw_object obj;
  vw_raw val;
  vw_raw val_hi; /* upper half of a v128 */
  uint8_t type, mut;
};

struct vw_instance {
  vw_object obj;
  vw_store *store;
  vw_module *module;
  vw_func **funcs; /* module->nfuncs */
  vw_table **tables;
  vw_memory **mems;
  vw_global **globals;
  uint32_t *sigs;        /* store sig id of each module type */
  uint8_t *elem_dropped; /* per element segment */
  uint8_t *data_dropped; /* per data segment */
};

struct vw_exec_state; /* vw_exec.c */

struct vw_store {
  vw_config cfg;      /* cfg.allocator points at alloc */
  vw_object *objects; /* everything owned, newest first */
  atomic_int interrupt;
  /* function-type interning for call_indirect */
  vw_functype **sigs;
  uint32_t nsigs, sigcap;
  struct vw_exec_state *exec; /* stacks, created lazily by vw_exec.c */
  vw_allocator alloc;         /* everything of the store, itself too */
};

struct vw_host_call {
  vw_store *store;
  vw_instance *caller; /* NULL when called from the embedder */
  vw_error *err;
};

/* vw_store.c */
void vw_store_adopt(vw_store *s, vw_object *o,
                    void (*destroy)(vw_store *, vw_object *));
/* interns t; returns its id, or UINT32_MAX on out-of-memory */
uint32_t vw_store_sig(vw_store *s, const vw_functype *t);
bool vw_functype_equal(const vw_functype *a, const vw_functype *b);
/* grow helpers used by instructions and the API; -1 on failure */
int64_t vw_memory_grow_impl(vw_memory *m, uint32_t delta);
int64_t vw_table_grow_impl(vw_table *t, uint32_t delta, vw_raw init);

/* ---- execution (vw_exec.c) ---------------------------------------------- */
/* Runs f with its arguments in slots[0..nparams) (one slot per value, two
** for v128); on success its results are in slots[0..nresults).  Handles host
** functions too.  Re-entrant: a host function may call vw_exec again. */
vw_status vw_exec(vw_store *s, vw_func *f, vw_raw *slots, vw_error *err);
void vw_exec_state_free(vw_store *s, struct vw_exec_state *e);

/* Evaluates a constant expression in inst's context. */
void vw_eval_const(const vw_instance *inst, const vw_constexpr *c, vw_raw *out,
                   vw_raw *out_hi);

#endif
