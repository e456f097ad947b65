/*
** vw.h — the public interface of VyomaOS's WebAssembly engine.
**
** Everything an embedder (vyoma run, vyomad, tests) needs: load a module,
** create a store, link imports, instantiate, call exports, read/write
** memories, tables and globals, register host functions, and stop a running
** app from another thread.  The interpreter behind it is hidden; a second
** adapter (ahead-of-time) can sit behind the same interface later.
**
** Object model (like Wasmtime's):
**   vw_module    decoded + validated + compiled code; immutable, shareable,
**                reference counted (instances keep their module alive).
**   vw_store     owns every runtime object (instances, functions, tables,
**                memories, globals) and the execution stacks.  Freeing the
**                store frees them all.  One store per app; a store is used
**                by one thread at a time (vw_interrupt is the exception).
**
** Values cross the interface as 64-bit raw slots (vw_raw): i32 zero-extended,
** i64 as is, f32/f64 as their IEEE bit patterns, references as pointers
** (0 = null; a funcref is a vw_func*, an externref is the host's pointer).
*/
#ifndef VW_H
#define VW_H

#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t vw_raw;

typedef enum vw_valtype {
  VW_I32 = 0x7f,
  VW_I64 = 0x7e,
  VW_F32 = 0x7d,
  VW_F64 = 0x7c,
  VW_V128 = 0x7b,
  VW_FUNCREF = 0x70,
  VW_EXTERNREF = 0x6f
} vw_valtype;

typedef enum vw_externkind {
  VW_EXTERN_FUNC = 0,
  VW_EXTERN_TABLE = 1,
  VW_EXTERN_MEMORY = 2,
  VW_EXTERN_GLOBAL = 3
} vw_externkind;

typedef enum vw_status {
  VW_OK = 0,
  VW_ERR_NOMEM,      /* an allocation failed; nothing leaked              */
  VW_ERR_MALFORMED,  /* binary decoding failed (offset is set)            */
  VW_ERR_INVALID,    /* validation failed (offset is set)                 */
  VW_ERR_UNLINKABLE, /* an import is missing or has the wrong type        */
  VW_ERR_TRAP,       /* execution trapped (trap says which)               */
  VW_ERR_ARG         /* the embedder misused the API (wrong arity, ...)   */
} vw_status;

typedef enum vw_trap {
  VW_TRAP_NONE = 0,
  VW_TRAP_UNREACHABLE,        /* "unreachable"                              */
  VW_TRAP_INT_OVERFLOW,       /* "integer overflow"                         */
  VW_TRAP_DIV_ZERO,           /* "integer divide by zero"                   */
  VW_TRAP_INVALID_CONVERSION, /* "invalid conversion to integer"            */
  VW_TRAP_OOB_MEMORY,         /* "out of bounds memory access"              */
  VW_TRAP_OOB_TABLE,          /* "out of bounds table access"               */
  VW_TRAP_INDIRECT_MISMATCH,  /* "indirect call type mismatch"              */
  VW_TRAP_UNINIT_ELEMENT,     /* "uninitialized element"                    */
  VW_TRAP_UNDEFINED_ELEMENT,  /* "undefined element" (index past table end) */
  VW_TRAP_STACK_EXHAUSTED,    /* "call stack exhausted"                     */
  VW_TRAP_INTERRUPTED,        /* vw_interrupt() was called                  */
  VW_TRAP_HOST,               /* a host function failed                     */
  VW_TRAP_EXIT                /* a host function asked to exit (exit_code)  */
} vw_trap;

#define VW_TRACE_MAX 16

typedef struct vw_func vw_func;

typedef struct vw_error {
  vw_status status;
  vw_trap trap;
  int exit_code; /* for VW_TRAP_EXIT                            */
  size_t offset; /* byte offset in the module, or VW_NO_OFFSET  */
  char msg[256];
  /* wasm backtrace on a trap, innermost first (functions of the store)   */
  const vw_func *trace[VW_TRACE_MAX];
  unsigned ntrace;
} vw_error;

#define VW_NO_OFFSET ((size_t)-1)

/* The standard text of a trap ("integer divide by zero", ...). */
const char *vw_trap_name(vw_trap t);
/* The text-format name of a value type byte ("i32", "funcref", ...), or
** "?" for a byte that is none. */
const char *vw_valtype_name(uint8_t t);

/* ---- allocation ---------------------------------------------------------
** Every allocation for a module goes through the allocator it was created
** with (vw_module_new), every allocation for a store and what it owns
** (instances, functions, memories, tables, globals, stacks) through the
** store's (vw_config.allocator); NULL means the C library's.  The engine
** copies the struct; ud must stay valid as long as the module or store. */
typedef struct vw_allocator {
  void *(*malloc_fn)(size_t n, void *ud);
  void *(*realloc_fn)(void *p, size_t n, void *ud);
  void (*free_fn)(void *p, void *ud);
  void *ud;
} vw_allocator;

/* ---- modules ------------------------------------------------------------ */
typedef struct vw_module vw_module;

/* Decodes, validates and compiles.  The bytes are copied.  NULL on error.
** alloc: the module's allocator, NULL for the C library's. */
vw_module *vw_module_new(const uint8_t *bytes, size_t len,
                         const vw_allocator *alloc, vw_error *err);
void vw_module_free(vw_module *m); /* drops one reference */

typedef struct vw_functype_info {
  uint32_t nparams, nresults;
  const uint8_t *params, *results; /* vw_valtype bytes */
} vw_functype_info;

typedef struct vw_extern_info {
  const char *module; /* imports only */
  const char *name;
  vw_externkind kind;
  vw_functype_info func; /* kind == FUNC                       */
  uint8_t valtype, mut;  /* kind == GLOBAL; TABLE: elem type   */
  uint32_t min, max;
  int has_max; /* kind == TABLE or MEMORY            */
} vw_extern_info;

uint32_t vw_module_import_count(const vw_module *m);
uint32_t vw_module_export_count(const vw_module *m);
void vw_module_import(const vw_module *m, uint32_t i, vw_extern_info *out);
void vw_module_export(const vw_module *m, uint32_t i, vw_extern_info *out);

/* ---- stores -------------------------------------------------------------- */
typedef struct vw_store vw_store;
typedef struct vw_instance vw_instance;
typedef struct vw_table vw_table;
typedef struct vw_memory vw_memory;
typedef struct vw_global vw_global;

/* A memory budget shared by several stores (a device's apps together):
** linear memory is drawn from it when created or grown and returned when
** freed; growth that would exceed `limit` fails as memory.grow does (-1).
** The embedder owns it and must keep it alive longer than the stores. */
typedef struct vw_budget {
  _Atomic uint64_t used; /* bytes of linear memory drawn now          */
  uint64_t limit;        /* bytes; 0 = no limit                       */
} vw_budget;

typedef struct vw_config {
  uint32_t max_call_depth;       /* wasm frames; 0 = default (10000)          */
  uint32_t value_stack_slots;    /* 0 = default (512 Ki slots, 4 MiB)         */
  uint64_t max_memory_bytes;     /* cap per linear memory; 0 = 4 GiB          */
  uint32_t max_table_elems;      /* cap per table; 0 = 10,000,000             */
  vw_budget *budget;             /* shared memory budget, or NULL             */
  const vw_allocator *allocator; /* the store's allocator; NULL = C library */
} vw_config;

vw_store *vw_store_new(const vw_config *cfg); /* cfg may be NULL */
void vw_store_free(vw_store *s);

/* Sets a flag that makes the running (or next) call trap with
** VW_TRAP_INTERRUPTED at the next loop back-edge or call.  Safe to call from
** any thread or a signal handler.  The trap consumes the flag, so an
** interrupt that arrives before a call is not lost and the store is usable
** again afterwards. */
void vw_interrupt(vw_store *s);

typedef struct vw_extern {
  vw_externkind kind;
  union {
    vw_func *func;
    vw_table *table;
    vw_memory *memory;
    vw_global *global;
  } of;
} vw_extern;

/* Import resolution: called once per import, in order.  Returns 0 and fills
** *out, or nonzero if the import is unknown. */
typedef int (*vw_resolver)(void *ud, const char *module, const char *name,
                           vw_externkind kind, vw_extern *out);

/* Links, allocates and initialises (segments, start function).  On a trap in
** the start function, or a segment out of bounds, returns NULL with
** status VW_ERR_TRAP. */
vw_instance *vw_instantiate(vw_store *s, vw_module *m, vw_resolver resolve,
                            void *ud, vw_error *err);
int vw_instance_export(vw_instance *inst, const char *name, vw_extern *out);
/* the same for a name of len bytes, which may contain NUL bytes */
int vw_instance_export_n(vw_instance *inst, const char *name, size_t len,
                         vw_extern *out);
vw_memory *vw_instance_memory(vw_instance *inst, uint32_t idx); /* or NULL */
const vw_module *vw_instance_module(const vw_instance *inst);

/* ---- functions ----------------------------------------------------------- */
typedef struct vw_host_call vw_host_call; /* context of a host call */
/* args/results are raw slots.  Return 0 to continue, nonzero to trap (after
** vw_host_trap or vw_host_exit said why). */
typedef int (*vw_host_fn)(vw_host_call *call, void *ud, const vw_raw *args,
                          vw_raw *results);

vw_func *vw_func_new_host(vw_store *s, const vw_functype_info *type,
                          vw_host_fn fn, void *ud);
void vw_func_type(const vw_func *f, vw_functype_info *out);
/* name from the module's name section, or its export name, or NULL */
const char *vw_func_name(const vw_func *f);
/* index in its module's function space, or (uint32_t)-1 for a host func */
uint32_t vw_func_index(const vw_func *f);

/* Calls f.  args has nparams slots, results room for nresults. */
vw_status vw_call(vw_store *s, vw_func *f, const vw_raw *args, vw_raw *results,
                  vw_error *err);

/* inside a host function */
vw_store *vw_host_store(vw_host_call *c);
vw_instance *vw_host_instance(vw_host_call *c); /* the calling instance */
/* memory 0 of the calling instance; NULL if it has none */
vw_memory *vw_host_memory(vw_host_call *c);
int vw_host_trap(vw_host_call *c, const char *fmt, ...);
int vw_host_exit(vw_host_call *c, int code);

/* ---- memories, tables, globals ----------------------------------------- */
vw_memory *vw_memory_new(vw_store *s, uint32_t min_pages, uint32_t max_pages,
                         int has_max);
uint8_t *vw_memory_data(vw_memory *m);       /* invalidated by growth */
uint64_t vw_memory_size(const vw_memory *m); /* bytes */
/* returns the old size in pages, or -1 */
int64_t vw_memory_grow(vw_memory *m, uint32_t delta_pages);

vw_table *vw_table_new(vw_store *s, vw_valtype elem, uint32_t min, uint32_t max,
                       int has_max, vw_raw init);
uint32_t vw_table_size(const vw_table *t);
int vw_table_get(const vw_table *t, uint32_t i, vw_raw *out); /* 0 ok */
int vw_table_set(vw_table *t, uint32_t i, vw_raw v);          /* 0 ok */

vw_global *vw_global_new(vw_store *s, vw_valtype type, int mut, vw_raw v);
vw_raw vw_global_get(const vw_global *g);
void vw_global_set(vw_global *g, vw_raw v);
vw_valtype vw_global_type(const vw_global *g, int *mut);

#ifdef __cplusplus
}
#endif
#endif
