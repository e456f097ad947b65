/*
** cm_describe.c — a component as text: its world (imports and exports
** with their types, WIT-like) and what is inside it, for `vyoma inspect`
** and the tests.
*/
#include <stdio.h>

#include "cm_internal.h"

static const char *prim_name(uint8_t p) {
  static const char *n[] = { "bool", "s8",   "u8",    "s16", "u16",
                             "s32",  "u32",  "s64",   "u64", "f32",
                             "f64",  "char", "string" };
  return p >= CM_P_STRING && p <= CM_P_BOOL ? n[CM_P_BOOL - p] : "?";
}

/* (budget: nodes left to print; a type is a DAG whose tree can be
** exponentially large, so a long one ends in "...") */
static void print_type(const cm_type *t, FILE *out, int depth, long *budget);

static void print_fields(const cm_type *t, FILE *out, int depth, long *budget,
                         const char *sep) {
  for (uint32_t i = 0; i < t->n; i++) {
    const cm_field *f = &t->fields[i];
    if (--*budget < 0) return (void)fputs(i ? ", ..." : "...", out);
    fprintf(out, "%s%s", i ? ", " : "", f->name ? f->name : "");
    if (f->name && f->type) fputs(sep, out);
    if (f->type) print_type(f->type, out, depth + 1, budget);
    if (f->name && f->type && sep[0] == '(') fputs(")", out);
  }
}

static void print_externs(const cm_extern *e, uint32_t n, const char *what,
                          FILE *out, int depth, long *budget) {
  for (uint32_t i = 0; i < n; i++) {
    if (--*budget < 0) return (void)fputs("...; ", out);
    fprintf(out, "%s %s: ", what, e[i].name.full);
    print_type(e[i].type, out, depth + 1, budget);
    fputs("; ", out);
  }
}

static void print_type(const cm_type *t, FILE *out, int depth, long *budget) {
  static const char *open[] = { [CM_T_RECORD] = "record { ",
                                [CM_T_VARIANT] = "variant { ",
                                [CM_T_TUPLE] = "tuple<",
                                [CM_T_FLAGS] = "flags { ",
                                [CM_T_ENUM] = "enum { " };
  if (!t) return (void)fputs("_", out);
  if (depth > 8 || --*budget < 0) return (void)fputs("...", out);
  if (depth > 0 && t->name) return (void)fputs(t->name, out);
  switch (t->kind) {
    case CM_T_PRIM: fputs(prim_name(t->prim), out); return;
    case CM_T_RECORD:
    case CM_T_VARIANT:
    case CM_T_TUPLE:
    case CM_T_FLAGS:
    case CM_T_ENUM:
      fputs(open[t->kind], out);
      print_fields(t, out, depth, budget, t->kind == CM_T_VARIANT ? "(" : ": ");
      fputs(t->kind == CM_T_TUPLE ? ">" : " }", out);
      return;
    case CM_T_LIST:
    case CM_T_OPTION:
    case CM_T_OWN:
    case CM_T_BORROW:
      fprintf(out, "%s<",
              t->kind == CM_T_LIST     ? "list"
              : t->kind == CM_T_OPTION ? "option"
              : t->kind == CM_T_OWN    ? "own"
                                       : "borrow");
      print_type(t->elem, out, depth + 1, budget);
      fputs(">", out);
      return;
    case CM_T_RESULT:
      fputs("result<", out);
      print_type(t->elem, out, depth + 1, budget);
      fputs(", ", out);
      print_type(t->err, out, depth + 1, budget);
      fputs(">", out);
      return;
    case CM_T_RESOURCE:
      fputs(t->local ? "resource (defined here)" : "resource", out);
      return;
    case CM_T_FUNC:
      fputs("func(", out);
      print_fields(t, out, depth, budget, ": ");
      fputs(")", out);
      if (t->elem)
        fputs(" -> ", out), print_type(t->elem, out, depth + 1, budget);
      return;
    case CM_T_INSTANCE:
    case CM_T_COMPONENT:
      fputs(t->kind == CM_T_INSTANCE ? "instance { " : "component { ", out);
      print_externs(t->imports, t->nimports, "import", out, depth, budget);
      print_externs(t->exports, t->nexports, "export", out, depth, budget);
      fputs("}", out);
      return;
    case CM_T_CORE_FUNC:
      fprintf(out, "core func (%u params, %u results)", t->nparams,
              t->nresults);
      return;
    case CM_T_CORE_MODULE:
      fprintf(out, "core module (%u imports, %u exports)", t->ncimports,
              t->ncexports);
      return;
  }
}

void cm_type_print(const cm_type *t, FILE *out) {
  long budget = 4096;
  print_type(t, out, 0, &budget);
}

static void print_world(const cm_extern *e, uint32_t n, const char *what,
                        FILE *out) {
  long budget;
  for (uint32_t i = 0; i < n; i++) {
    fprintf(out, "%s %s (%s", what, e[i].name.full, cm_sort_name(e[i].sort));
    if (e[i].name.kind == CM_NAME_INTERFACE)
      fprintf(out, "; namespace %s, package %s, interface %s, version %s",
              e[i].name.ns, e[i].name.package, e[i].name.interface,
              e[i].name.version[0] ? e[i].name.version : "none");
    fputs(")\n", out);
    if (e[i].sort == CM_SORT_INSTANCE && e[i].type)
      for (uint32_t k = 0; k < e[i].type->nexports; k++) {
        const cm_extern *x = &e[i].type->exports[k];
        fprintf(out, "  %s %s: ", cm_sort_name(x->sort), x->name.full);
        budget = 4096;
        print_type(x->type, out, 0, &budget);
        fputs("\n", out);
      }
    else if (e[i].type) {
      fputs("  ", out);
      budget = 4096;
      print_type(e[i].type, out, 0, &budget);
      fputs("\n", out);
    }
  }
}

void cm_describe(const cm_component *c, FILE *out) {
  print_world(c->scope.imports.v, c->scope.imports.n, "import", out);
  print_world(c->scope.exports.v, c->scope.exports.n, "export", out);
  fprintf(
      out,
      "inside: %u core modules, %u core instances, %u components, "
      "%u instances, %u aliases, %u canon definitions, %u start functions\n",
      cm_core_module_count(c), cm_sort_count(c, CM_SORT_CORE_INSTANCE),
      cm_component_count(c), cm_sort_count(c, CM_SORT_INSTANCE), c->aliases.n,
      c->canons.n, c->starts.n);
  for (uint32_t i = 0; i < cm_core_module_count(c); i++) {
    const cm_type *t = cm_core_module_type(c, i);
    fprintf(out, "core module %u: %u imports, %u exports%s\n", i, t->ncimports,
            t->ncexports, cm_core_module(c, i) ? "" : " (imported)");
  }
}
