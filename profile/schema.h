/*
** schema.h — internal to profile/: the checking helpers that manifest.c and
** profile.c share.  A vy_ck carries the file name and the caller's error
** buffer; every helper that finds a problem writes one line
** "FILE:LINE: KEY: message" (only the first problem is kept) and returns
** -1, so the loaders stop at the first error and report exactly one line.
**
** Not part of any contract: the supervisor uses manifest.h and profile.h.
*/
#ifndef VY_SCHEMA_H
#define VY_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../toml/toml.h"
#include "manifest.h"

typedef struct vy_ck {
  const char *file;    /* names the file in messages */
  char *err;           /* the caller's buffer (may be NULL) */
  size_t errlen;
  bool failed;         /* an error has been written; later ones are dropped */
} vy_ck;

/* A dotted key for messages: "prefix.key" (prefix may be NULL or "").
** Bytes of a key that cannot be printed plainly become '?', so a message
** is always one printable line. */
void vy_ck_key(char *out, size_t outlen, const char *prefix, const char *key,
               size_t keylen);

/* s for a message: at most 40 characters, control bytes as '?', "..." if
** cut; written to buf (n >= 48 is enough), which is returned. */
const char *vy_ck_q(char *buf, size_t n, const char *s);

/* "FILE:LINE: KEY: message"; always returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int vy_ck_fail(vy_ck *c, int line, const char *key, const char *fmt, ...);
/* "FILE: out of memory"; returns -1. */
int vy_ck_nomem(vy_ck *c);

/* "a boolean", "an integer", ... for messages like "expected a boolean, got
** string". */
const char *vy_ck_type(const toml_value *v);

/* Typed readers of value v named `key` (a full dotted key).  Each returns
** 0 and sets *out, or -1 with the error written. */
int vy_ck_bool(vy_ck *c, const toml_value *v, const char *key, bool *out);
/* A string without NUL bytes, as a new malloc'd C string. */
int vy_ck_str(vy_ck *c, const toml_value *v, const char *key, char **out);
/* A string without NUL bytes, borrowed from the document. */
int vy_ck_strref(vy_ck *c, const toml_value *v, const char *key,
                 const char **out);
int vy_ck_int(vy_ck *c, const toml_value *v, const char *key, int64_t min,
              int64_t max, int64_t *out);
/* A string that must be one of choices (NULL-terminated): *out is its
** index.  Otherwise "unknown WHAT "s" (a, b or c)". */
int vy_ck_choice(vy_ck *c, const toml_value *v, const char *key,
                 const char *what, const char *const *choices, int *out);
/* A size: a string for vy_parse_size or an integer number of bytes, in
** min..max. */
int vy_ck_size(vy_ck *c, const toml_value *v, const char *key, uint64_t min,
               uint64_t max, uint64_t *out);
/* A duration string for vy_parse_duration, in min..max milliseconds. */
int vy_ck_duration(vy_ck *c, const toml_value *v, const char *key,
                   uint32_t min, uint32_t max, uint32_t *out);
/* An array of strings, each accepted by check (which returns NULL if the
** item is fine, else a message; check may be NULL), copied into *out.  On
** error *out holds what was copied so far (the caller frees it). */
typedef const char *(*vy_ck_item_fn)(const char *s);
int vy_ck_strlist(vy_ck *c, const toml_value *v, const char *key,
                  vy_ck_item_fn check, vy_strlist *out);

/* Appends a copy of s to l; -1 if out of memory. */
/* Reads a whole config file of at most `max` bytes into a malloc'd buffer
** (*len bytes, NUL-terminated).  NULL with "PATH: reason" in err. */
char *vy_read_config(const char *path, size_t max, size_t *len, char *err,
                     size_t errlen);

int vy_strlist_push(vy_strlist *l, const char *s);
void vy_strlist_free(vy_strlist *l);

/* [a-z][a-z0-9-]{0,31} */
bool vy_valid_name(const char *s);

#endif
