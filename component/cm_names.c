/*
** cm_names.c — import and export names: kebab-case labels, the
** [constructor]/[method]/[static] annotations, interface names
** "ns:pkg/iface@version", and strong uniqueness within a scope.
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cm_internal.h"

/* a word: lowercase letters and digits, or uppercase and digits, starting
** with a letter */
static bool word_ok(const char *s, size_t n) {
  if (!n || !isalpha((unsigned char)s[0])) return false;
  bool lower = islower((unsigned char)s[0]) != 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (isdigit(c)) continue;
    if (!isalpha(c) || (islower(c) != 0) != lower) return false;
  }
  return true;
}

/* label ::= word ('-' word)*, over s[0..n) */
static bool label_n(const char *s, size_t n) {
  if (n && s[0] == '%') s++, n--; /* a keyword escaped in the text format */
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '-') {
      if (!word_ok(s + start, i - start)) return false;
      start = i + 1;
    }
  }
  return n > 0;
}

bool cm_label_ok(const char *s) { return label_n(s, strlen(s)); }

static bool copy_part(char *dst, const char *s, size_t n) {
  if (n >= 64) return false;
  memcpy(dst, s, n);
  dst[n] = 0;
  return true;
}

/* a semantic version: N.N.N with optional -pre and +build */
static bool semver_ok(const char *v) {
  for (int part = 0; part < 3; part++) {
    if (!isdigit((unsigned char)*v)) return false;
    if (*v == '0' && isdigit((unsigned char)v[1])) return false;
    while (isdigit((unsigned char)*v)) v++;
    if (part < 2 && *v++ != '.') return false;
  }
  if (*v && *v != '-' && *v != '+') return false;
  for (; *v; v++)
    if (!isalnum((unsigned char)*v) && !strchr("-+.", *v)) return false;
  return true;
}

/* ns:pkg/iface[@version]; nested namespaces ("a:b:c/d") keep the rest in
** package */
static bool parse_interface(const char *s, cm_name *out) {
  const char *colon = strchr(s, ':'), *slash = strchr(s, '/');
  const char *at = strchr(s, '@');
  if (!colon || !slash || colon > slash || (at && at < slash)) return false;
  size_t iface_n = at ? (size_t)(at - slash - 1) : strlen(slash + 1);
  if (!label_n(s, (size_t)(colon - s)) || !label_n(slash + 1, iface_n))
    return false;
  for (const char *p = colon + 1, *q; p < slash; p = q + 1) {
    q = memchr(p, ':', (size_t)(slash - p));
    if (!q) q = slash;
    if (!label_n(p, (size_t)(q - p))) return false;
  }
  if (at && !semver_ok(at + 1)) return false;
  return copy_part(out->ns, s, (size_t)(colon - s)) &&
         copy_part(out->package, colon + 1, (size_t)(slash - colon - 1)) &&
         copy_part(out->interface, slash + 1, iface_n) &&
         copy_part(out->version, at ? at + 1 : "", at ? strlen(at + 1) : 0);
}

/* [constructor]r, [method]r.m, [static]r.m */
static bool parse_annotated(const char *s, cm_name *out) {
  static const struct {
    const char *tag;
    cm_namekind kind;
  } tags[] = { { "[constructor]", CM_NAME_CONSTRUCTOR },
               { "[method]", CM_NAME_METHOD },
               { "[static]", CM_NAME_STATIC } };
  for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
    size_t n = strlen(tags[i].tag);
    if (strncmp(s, tags[i].tag, n)) continue;
    const char *rest = s + n, *dot = strchr(rest, '.');
    out->kind = tags[i].kind;
    if (tags[i].kind == CM_NAME_CONSTRUCTOR)
      return !dot && cm_label_ok(rest) &&
             copy_part(out->package, rest, strlen(rest));
    return dot && label_n(rest, (size_t)(dot - rest)) && cm_label_ok(dot + 1) &&
           copy_part(out->package, rest, (size_t)(dot - rest)) &&
           copy_part(out->interface, dot + 1, strlen(dot + 1));
  }
  return false;
}

bool cm_name_parse(cm_ctx *cx, size_t off, const char *s, cm_name *out) {
  memset(out, 0, sizeof *out);
  out->full = s;
  bool ok;
  if (s[0] == '[') {
    ok = parse_annotated(s, out);
  } else if (strchr(s, '=')) { /* url=, hash=, dependency names: opaque */
    out->kind = CM_NAME_OTHER;
    ok = strchr(s, '=') != s;
  } else if (strchr(s, ':')) {
    out->kind = CM_NAME_INTERFACE;
    ok = parse_interface(s, out);
  } else {
    out->kind = CM_NAME_PLAIN;
    ok = cm_label_ok(s);
  }
  if (!ok)
    return CM_INVALID(cx, off,
                      "name \"%s\" is not a kebab-case label or an "
                      "interface name ns:pkg/iface@version",
                      s);
  return true;
}

/* strongly-unique, as far as checked here: no two names equal ignoring
** case (a resource "r" and its "[constructor]r" are distinct) */

bool cm_name_unique(cm_ctx *cx, size_t off, const cm_vec *externs,
                    const char *name, const char *what) {
  const cm_extern *e = externs->v;
  TRY(cm_spend(cx, off, externs->n));
  for (uint32_t i = 0; i < externs->n; i++)
    if (!strcasecmp(e[i].name.full, name))
      return CM_INVALID(cx, off, "duplicate %s name \"%s\"", what, name);
  return true;
}
