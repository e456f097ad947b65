/*
** cm_internal.h — what the component decoder's files share: the cursor
** over the binary, the arena every node is allocated from, the scopes
** (a component, a component type, an instance type) with their index
** spaces, and the checks cm_validate.c provides to the decoder.
*/
#ifndef CM_INTERNAL_H
#define CM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cm.h"

/* Bounds that keep a hostile binary from costing more than its size. */
#define CM_MAX_DEPTH      32       /* nested components and types          */
#define CM_MAX_ITEMS      1000000u /* items in one index space              */
#define CM_MAX_TYPE_DEPTH 64       /* nesting of one value type             */
/* Steps of the linear searches (unique names, exports by name): they are
** quadratic in the worst case, so a hostile binary is stopped here. */
#define CM_MAX_STEPS (1ull << 28)

typedef struct cm_ctx cm_ctx;

typedef struct cm_reader {
  const uint8_t *p, *end, *base;
  cm_ctx *cx;
} cm_reader;

/* One item of an index space: its type (see cm_item_type) and, for
** defined core modules and components, what defines it. */
typedef struct cm_item {
  const cm_type *type;
  void *def;
  int used; /* values: each is used exactly once */
} cm_item;

typedef struct cm_space {
  cm_item *v;
  uint32_t n, cap;
} cm_space;

typedef enum cm_scopekind {
  CM_SCOPE_COMPONENT,
  CM_SCOPE_COMPONENT_TYPE,
  CM_SCOPE_INSTANCE_TYPE,
  CM_SCOPE_MODULE_TYPE
} cm_scopekind;

typedef struct cm_vec {
  void *v;
  uint32_t n, cap;
} cm_vec;

typedef struct cm_scope {
  cm_scopekind kind;
  struct cm_scope *parent;
  cm_space sp[CM_NSORTS];
  cm_vec imports, exports;   /* of cm_extern */
  cm_vec cimports, cexports; /* module types: of cm_core_extern */
  cm_component *comp;        /* kind COMPONENT */
} cm_scope;

struct cm_component {
  cm_scope scope;
  cm_vec instances, core_instances, aliases, canons, starts; /* records */
  struct cm_arena *arena; /* shared by the whole tree; root frees it */
  cm_vec modules;         /* vw_module* to free, root only            */
  cm_vec children;        /* cm_component* to free                    */
  int root;
};

struct cm_ctx {
  const char *name;
  cm_error *err;
  struct cm_arena *arena;
  cm_component *root;
  int depth;
  uint32_t walk;  /* numbers the walks over types (cm_type.mark) */
  uint64_t steps; /* of the linear searches (names, exports), CM_MAX_STEPS */
};

struct cm_type_ext; /* none */

/* ---- errors (cm_read.c): each returns false, for `return cm_bad(...)` */
bool cm_bad(cm_ctx *cx, vw_status st, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define CM_MALFORMED(r, ...)                                                   \
  cm_bad((r)->cx, VW_ERR_MALFORMED, cm_off(r), __VA_ARGS__)
#define CM_INVALID(cx, off, ...)                                               \
  cm_bad((cx), VW_ERR_INVALID, (off), __VA_ARGS__)
bool cm_nomem(cm_ctx *cx);
/* counts n steps of a search at off; false (error set) past CM_MAX_STEPS */
bool cm_spend(cm_ctx *cx, size_t off, uint64_t n);
#define TRY(x)                                                                 \
  do {                                                                         \
    if (!(x)) return false;                                                    \
  } while (0)

/* ---- the arena and growable arrays (cm_read.c) ---- */
void *cm_alloc(cm_ctx *cx, size_t n); /* zeroed; NULL sets the error */
void cm_arena_free(struct cm_arena *a);
bool cm_vec_push(cm_ctx *cx, cm_vec *v, const void *item, size_t size);
void cm_vec_free(cm_vec *v);
/* the vector's items copied into the arena; NULL (error set) if no memory */
void *cm_vec_copy(cm_ctx *cx, const cm_vec *v, size_t size);
bool cm_space_push(cm_ctx *cx, cm_space *s, const cm_type *t, void *def,
                   size_t off);
/* marks value i used: a second use is an error */
bool cm_use_value(cm_ctx *cx, cm_scope *sc, uint32_t i, size_t off);

/* ---- the cursor (cm_read.c) ---- */
static inline size_t cm_off(const cm_reader *r) {
  return (size_t)(r->p - r->base);
}
static inline size_t cm_left(const cm_reader *r) {
  return (size_t)(r->end - r->p);
}
bool cm_u8(cm_reader *r, uint8_t *out);
bool cm_u32(cm_reader *r, uint32_t *out);
bool cm_u64(cm_reader *r, uint64_t *out);
/* a vector count; at most one item per remaining byte */
bool cm_count(cm_reader *r, uint32_t *out);
/* a length-prefixed UTF-8 string, copied NUL-terminated into the arena */
bool cm_string(cm_reader *r, const char **out);
bool cm_bytes(cm_reader *r, size_t n, const uint8_t **out);

/* ---- names (cm_names.c) ---- */
/* parses and checks an import/export name; false with the error set */
bool cm_name_parse(cm_ctx *cx, size_t off, const char *s, cm_name *out);
bool cm_label_ok(const char *s);
/* a name that is not strongly-unique against the vector's externs */
bool cm_name_unique(cm_ctx *cx, size_t off, const cm_vec *externs,
                    const char *name, const char *what);

/* ---- types (cm_types.c) ---- */
const cm_type *cm_prim(uint8_t code); /* NULL if not a primitive code */
bool cm_read_type(cm_reader *r, cm_scope *sc);      /* one <type>       */
bool cm_read_core_type(cm_reader *r, cm_scope *sc); /* one <core:type>  */
bool cm_read_valtype(cm_reader *r, cm_scope *sc, const cm_type **out);
bool cm_read_externtype(cm_reader *r, cm_scope *sc, cm_sort *sort,
                        const cm_type **t);
bool cm_read_alias(cm_reader *r, cm_scope *sc, cm_alias *out);
cm_type *cm_new_type(cm_ctx *cx, cm_typekind k);
/* the scope `outer` levels out, or NULL */
cm_scope *cm_scope_up(cm_scope *sc, uint32_t outer);
void cm_scope_free(cm_scope *sc);
/* adds an import or export declaration to a scope: names, index spaces */
bool cm_add_extern(cm_ctx *cx, cm_scope *sc, cm_vec *list, cm_extern *e,
                   bool add_item);

bool cm_read_sortidx(cm_reader *r, cm_scope *sc, cm_sort *s, uint32_t *i);
bool cm_read_core_sortidx(cm_reader *r, cm_scope *sc, cm_sort *s, uint32_t *i);
bool cm_read_extern_name(cm_reader *r, const char **name);
bool cm_read_decls(cm_reader *r, cm_scope *sc, cm_type *t);
const cm_core_extern *cm_find_core_export(const cm_type *t, const char *name);

/* ---- checks (cm_validate.c) ---- */
bool cm_subtype(const cm_type *a, const cm_type *b, int depth);
bool cm_core_func_eq(const cm_type *a, const cm_type *b);
/* the core func type a canon lift/lower gives the component func type */
const cm_type *cm_flatten(cm_ctx *cx, const cm_type *ft, bool lower);
bool cm_check_canon(cm_ctx *cx, cm_scope *sc, cm_canon *c,
                    const cm_type **core_out);
bool cm_check_core_instantiate(cm_ctx *cx, cm_scope *sc, const cm_instance *in,
                               const cm_type **out);
bool cm_check_instantiate(cm_ctx *cx, cm_scope *sc, const cm_instance *in,
                          const cm_type **out);
enum {
  CM_PROP_BORROW = 1,   /* holds a borrow                      */
  CM_PROP_RESOURCE = 2, /* refers to a resource (own, borrow)  */
  CM_PROP_MEMORY = 4    /* holds a string or list              */
};
/* computes props and the flattening of a new value, func, instance or
** component type from its members' (made before it) */
void cm_type_finish(cm_type *t);
bool cm_has_resource(const cm_type *t, int depth);
/* an import's or export's func types use only resources imported or
** exported before (or by itself, an instance) */
bool cm_check_extern_resources(cm_ctx *cx, const cm_scope *sc,
                               const cm_extern *e, bool is_import);
bool cm_has_borrow(const cm_type *t, int depth);
const char *cm_kind_name(cm_typekind k);

/* ---- components (cm_decode.c) ---- */
cm_component *cm_decode_nested(cm_ctx *cx, cm_reader *r, cm_scope *parent);

#endif
