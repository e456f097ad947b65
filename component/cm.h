/*
** cm.h — the public interface of VyomaOS's WebAssembly component decoder.
**
** cm_decode reads a component binary (the component model's "layer 1"),
** decodes every section, decodes the core modules nested in it with the
** engine (vw_module_new) and validates the whole: index spaces, aliases,
** instantiations, canon definitions, names.  What comes back is read-only:
** the imports and exports with their parsed names and type trees, the
** nested core modules and components, instances, aliases, canon
** definitions and start functions, in the order of the binary — what
** `vyoma inspect` prints and what instantiation walks.
**
** Types are a tree of cm_type nodes owned by the component; a value type
** that is a primitive points to a shared static node.  Every error is one
** line, "NAME: byte OFFSET: what is wrong" (cm_error.line).
*/
#ifndef CM_H
#define CM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../runtime/vw.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_error {
  vw_status status; /* VW_ERR_MALFORMED, VW_ERR_INVALID, VW_ERR_NOMEM */
  size_t offset;    /* byte offset in the whole binary, or VW_NO_OFFSET */
  char msg[256];    /* what is wrong                                   */
  char line[400];   /* "NAME: byte OFFSET: msg"                        */
} cm_error;

/* The sorts of the index spaces. */
typedef enum cm_sort {
  CM_SORT_CORE_FUNC,
  CM_SORT_CORE_TABLE,
  CM_SORT_CORE_MEMORY,
  CM_SORT_CORE_GLOBAL,
  CM_SORT_CORE_TAG,
  CM_SORT_CORE_TYPE,
  CM_SORT_CORE_MODULE,
  CM_SORT_CORE_INSTANCE,
  CM_SORT_FUNC,
  CM_SORT_VALUE,
  CM_SORT_TYPE,
  CM_SORT_COMPONENT,
  CM_SORT_INSTANCE,
  CM_NSORTS
} cm_sort;

const char *cm_sort_name(cm_sort s); /* "core func", "instance", ... */

typedef enum cm_typekind {
  CM_T_PRIM,       /* prim: a CM_P_* code                            */
  CM_T_RECORD,     /* fields[n]                                      */
  CM_T_VARIANT,    /* fields[n]: cases, type NULL when none          */
  CM_T_LIST,       /* elem                                           */
  CM_T_TUPLE,      /* fields[n], names NULL                          */
  CM_T_FLAGS,      /* fields[n]: labels only                         */
  CM_T_ENUM,       /* fields[n]: labels only                         */
  CM_T_OPTION,     /* elem                                           */
  CM_T_RESULT,     /* elem (ok) and err, each may be NULL            */
  CM_T_OWN,        /* elem: the resource                             */
  CM_T_BORROW,     /* elem: the resource                             */
  CM_T_RESOURCE,   /* rep, dtor; local: defined by this component    */
  CM_T_FUNC,       /* fields[n]: params; elem: the result or NULL    */
  CM_T_INSTANCE,   /* exports[nexports]                              */
  CM_T_COMPONENT,  /* imports[nimports], exports[nexports]          */
  CM_T_CORE_FUNC,  /* core: params/results (vw_valtype bytes)     */
  CM_T_CORE_MODULE /* core: cimports/cexports                     */
} cm_typekind;

enum {
  CM_P_BOOL = 0x7f,
  CM_P_S8 = 0x7e,
  CM_P_U8 = 0x7d,
  CM_P_S16 = 0x7c,
  CM_P_U16 = 0x7b,
  CM_P_S32 = 0x7a,
  CM_P_U32 = 0x79,
  CM_P_S64 = 0x78,
  CM_P_U64 = 0x77,
  CM_P_F32 = 0x76,
  CM_P_F64 = 0x75,
  CM_P_CHAR = 0x74,
  CM_P_STRING = 0x73
};

typedef struct cm_type cm_type;
typedef struct cm_component cm_component;
typedef struct cm_extern cm_extern;

typedef struct cm_field {
  const char *name;    /* NULL for tuple members */
  const cm_type *type; /* NULL for flags, enum, cases without payload */
} cm_field;

/* A parsed import or export name. */
typedef enum cm_namekind {
  CM_NAME_PLAIN,       /* a label: "run", "my-thing"                  */
  CM_NAME_CONSTRUCTOR, /* "[constructor]r": resource r                */
  CM_NAME_METHOD,      /* "[method]r.m": resource r, item m           */
  CM_NAME_STATIC,      /* "[static]r.m"                               */
  CM_NAME_INTERFACE,   /* "ns:pkg/iface@version"                      */
  CM_NAME_OTHER        /* url=, hash=, dependency names: kept as is   */
} cm_namekind;

typedef struct cm_name {
  cm_namekind kind;
  const char *full;
  /* interfaces: namespace, package, interface, version ("" when none);
  ** annotated plain names: resource in `package`, item in `interface` */
  char ns[64], package[64], interface[64], version[64];
} cm_name;

/* An import or export, or an export declaration of an instance or
** component type. */
struct cm_extern {
  cm_name name;
  cm_sort sort;        /* FUNC, VALUE, TYPE, COMPONENT, INSTANCE, CORE_MODULE */
  const cm_type *type; /* its type (for TYPE: the type itself)          */
  uint32_t index;      /* exports: the index in its sort's space        */
  size_t offset;
};

typedef struct cm_core_extern {
  const char *module; /* imports only */
  const char *name;
  vw_externkind kind;
  const cm_type *func;  /* kind FUNC: a CM_T_CORE_FUNC */
  uint8_t valtype, mut; /* GLOBAL: its type; TABLE: the element type     */
  int has_max;          /* TABLE, MEMORY: limits                         */
  uint64_t min, max;
} cm_core_extern;

struct cm_type {
  cm_typekind kind;
  const char *name; /* the first name it was imported/exported under */
  uint8_t prim;
  uint32_t n;
  const cm_field *fields;
  const cm_type *elem, *err;
  uint32_t nimports, nexports;
  const cm_extern *imports, *exports;
  /* resources */
  uint8_t rep;                 /* core value type of the representation  */
  int has_dtor, local;         /* local: a resource type of this component */
  uint32_t dtor;               /* core func index                         */
  const cm_component *definer; /* local resources: which component    */
  /* core func types */
  uint32_t nparams, nresults;
  const uint8_t *params, *results;
  /* core module types */
  uint32_t ncimports, ncexports;
  const cm_core_extern *cimports, *cexports;
  /* internal, computed once when the type is made, so that no check walks
  ** a type tree (a DAG: its tree can be exponentially large) */
  uint8_t props; /* CM_PROP_* of the type and all it holds        */
  uint8_t nflat; /* canonical ABI flattening; 17 = more than 16    */
  uint8_t flat[16];
  uint32_t mark; /* the last walk that visited it */
  /* canonical ABI layout of a value type (cm_abi.h), 0 when not computed */
  uint32_t abi_align;
  uint64_t abi_size;
};

typedef enum cm_canonkind {
  CM_CANON_LIFT,
  CM_CANON_LOWER,
  CM_CANON_RESOURCE_NEW,
  CM_CANON_RESOURCE_DROP,
  CM_CANON_RESOURCE_REP
} cm_canonkind;

enum { CM_ENC_UTF8, CM_ENC_UTF16, CM_ENC_LATIN1_UTF16 };

typedef struct cm_canon {
  cm_canonkind kind;
  uint32_t func;       /* lift: core func; lower: component func     */
  const cm_type *type; /* lift: the func type; resource.*: the resource */
  int string_encoding;
  int has_memory, has_realloc, has_post_return;
  uint32_t memory, realloc, post_return;
  uint32_t index; /* the func (lift) or core func (others) it defines */
  size_t offset;
} cm_canon;

typedef struct cm_arg {
  const char *name;
  cm_sort sort;
  uint32_t index;
} cm_arg;

/* A core or component instance: instantiate (of module/component) with
** arguments, or a bundle of inline exports (args are then the exports). */
typedef struct cm_instance {
  int core;
  int inline_exports;
  uint32_t of; /* the module or component instantiated */
  uint32_t nargs;
  const cm_arg *args;
  size_t offset;
} cm_instance;

typedef enum cm_aliaskind {
  CM_ALIAS_EXPORT,      /* of a component instance */
  CM_ALIAS_CORE_EXPORT, /* of a core instance      */
  CM_ALIAS_OUTER
} cm_aliaskind;

typedef struct cm_alias {
  cm_aliaskind kind;
  cm_sort sort;
  uint32_t instance;     /* export kinds                         */
  const char *name;      /* export kinds                         */
  uint32_t outer, index; /* outer: scopes out, index there   */
  size_t offset;
} cm_alias;

typedef struct cm_start {
  uint32_t func, nargs, nresults;
  const uint32_t *args;
  size_t offset;
} cm_start;

typedef struct cm_component cm_component;

/* Decodes and validates.  The bytes are not kept (core modules copy
** theirs).  name_for_errors begins every error line.  NULL on error. */
cm_component *cm_decode(const uint8_t *bytes, size_t len,
                        const char *name_for_errors, cm_error *err);
void cm_free(cm_component *c);

/* Whether the bytes begin like a component (and not a core module). */
int cm_is_component(const uint8_t *bytes, size_t len);

/* ---- read-only accessors (counts, then items 0..count-1) ---------------- */
uint32_t cm_import_count(const cm_component *c);
const cm_extern *cm_import(const cm_component *c, uint32_t i);
uint32_t cm_export_count(const cm_component *c);
const cm_extern *cm_export(const cm_component *c, uint32_t i);
/* nested core modules, in their index space's order (imported ones are
** NULL: only their type is known, cm_core_module_type) */
uint32_t cm_core_module_count(const cm_component *c);
vw_module *cm_core_module(const cm_component *c, uint32_t i);
const cm_type *cm_core_module_type(const cm_component *c, uint32_t i);
/* nested components (defined ones; NULL for imported) */
uint32_t cm_component_count(const cm_component *c);
const cm_component *cm_component_at(const cm_component *c, uint32_t i);
/* the definitions of the instance, alias, canon and start sections, in
** the binary's order (an index space also holds imports, aliases and
** exports: cm_sort_count, cm_item_type) */
uint32_t cm_core_instance_count(const cm_component *c);
const cm_instance *cm_core_instance(const cm_component *c, uint32_t i);
uint32_t cm_instance_count(const cm_component *c);
const cm_instance *cm_instance_at(const cm_component *c, uint32_t i);
uint32_t cm_alias_count(const cm_component *c);
const cm_alias *cm_alias_at(const cm_component *c, uint32_t i);
uint32_t cm_canon_count(const cm_component *c);
const cm_canon *cm_canon_at(const cm_component *c, uint32_t i);
uint32_t cm_start_count(const cm_component *c);
const cm_start *cm_start_at(const cm_component *c, uint32_t i);
/* the size of an index space */
uint32_t cm_sort_count(const cm_component *c, cm_sort s);
/* the type of item i of sort FUNC, TYPE, INSTANCE, COMPONENT, CORE_FUNC,
** CORE_TYPE or CORE_MODULE; NULL when out of range or not kept */
const cm_type *cm_item_type(const cm_component *c, cm_sort s, uint32_t i);

/* Writes the component's world: imports and exports with their types,
** then what is inside (modules, instances, canon definitions). */
void cm_describe(const cm_component *c, FILE *out);
/* One type as WIT-like text: "list<string>", "func(a: u32) -> string". */
void cm_type_print(const cm_type *t, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
