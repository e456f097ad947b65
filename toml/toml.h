/*
** toml.h — public interface of VyomaOS's TOML 1.0.0 parser.
**
** The supervisor reads app manifests (vyoma.toml) and profiles with it.
** toml_parse() turns a buffer into a document: a tree of tables (keys kept
** in the order written), arrays and scalar values, each value remembering
** the line and column it was defined on so that callers can report
** "file:line: key: error".  A syntax or semantic error is one line
** "FILE:LINE:COL: message" written to the caller's buffer; LINE and COL are
** 1-based and COL counts characters (UTF-8 code points, a tab is one), not
** bytes.  Running out of memory is "FILE: out of memory" (no position).
** The parser allocates through a replaceable allocator (toml_alloc) so
** tests can fail any allocation; all memory of a document is released by
** toml_free().
**
** Plain C11 + libc, no recursion proportional to input size beyond a fixed
** nesting cap (TOML_MAX_DEPTH), no global state.
*/
#ifndef TOML_H
#define TOML_H

#include <stddef.h>
#include <stdint.h>

#define TOML_MAX_DEPTH 128 /* arrays / inline tables nested deeper fail */

/* Result codes of toml_parse(). */
#define TOML_OK         0
#define TOML_ERR_SYNTAX 1 /* the input is not valid TOML 1.0.0 */
#define TOML_ERR_NOMEM  2 /* an allocation failed */

typedef enum toml_type {
  TOML_TABLE = 1,
  TOML_ARRAY,
  TOML_STRING,
  TOML_INTEGER,
  TOML_FLOAT,
  TOML_BOOL,
  TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
  TOML_DATETIME_LOCAL, /* 1979-05-27T07:32:00 */
  TOML_DATE_LOCAL,     /* 1979-05-27 */
  TOML_TIME_LOCAL      /* 07:32:00 */
} toml_type;

/* Fields a kind does not have are 0.  nanosecond keeps the first 9 digits
** of the fraction; frac_digits says how many were written (at most 9), so
** a printer can echo the value as given. */
typedef struct toml_datetime {
  int year, month, day;
  int hour, minute, second;
  int nanosecond;
  int frac_digits;
  int offset_minutes; /* TOML_DATETIME only: east of UTC; Z is 0 */
} toml_datetime;

typedef struct toml_doc toml_doc;
typedef struct toml_value toml_value;

/* A realloc-like function: size 0 frees ptr and returns NULL. */
typedef struct toml_alloc {
  void *(*realloc)(void *ud, void *ptr, size_t size);
  void *ud;
} toml_alloc;

/* Parse len bytes of buf (need not be NUL-terminated).  filename is used in
** messages only (NULL means "<input>").  On TOML_OK *out is the document; on
** error *out is NULL and err (if errsz > 0) holds "FILE:LINE:COL: message". */
int toml_parse(const char *buf, size_t len, const char *filename,
               toml_doc **out, char *err, size_t errsz);
/* The same with an allocator (NULL: the C library's). */
int toml_parse_ex(const char *buf, size_t len, const char *filename,
                  const toml_alloc *alloc, toml_doc **out, char *err,
                  size_t errsz);
void toml_free(toml_doc *doc);

/* The root table. */
const toml_value *toml_root(const toml_doc *doc);

/* Every value */
toml_type toml_type_of(const toml_value *v);
int toml_line(const toml_value *v); /* 1-based; 0 for NULL */
/* 1-based column, in characters, of where the value was defined (a
** scalar, array or inline table: its first character; a [table] or
** [[array]] element: the header's '['; a table made by a dotted key or an
** implicit header parent: that key part). */
int toml_col(const toml_value *v);
const char *toml_type_name(toml_type t); /* "table", "integer", ... */

/* Tables.  toml_get returns NULL if key is absent or t is not a table;
** toml_getn takes a key of explicit length (keys may hold NUL bytes). */
const toml_value *toml_get(const toml_value *t, const char *key);
const toml_value *toml_getn(const toml_value *t, const char *key,
                            size_t keylen);
size_t toml_table_len(const toml_value *t);
/* Key i in definition order (NULL if out of range); *keylen and *val are
** set when not NULL. */
const char *toml_table_key(const toml_value *t, size_t i, size_t *keylen,
                           const toml_value **val);

/* Arrays (also arrays of tables). */
size_t toml_array_len(const toml_value *a);
const toml_value *toml_array_at(const toml_value *a, size_t i);

/* Scalars: return 0 and set *out if v has that type, else return -1. */
int toml_string(const toml_value *v, const char **out, size_t *len);
int toml_int(const toml_value *v, int64_t *out);
int toml_float(const toml_value *v, double *out); /* integers convert too */
int toml_bool(const toml_value *v, int *out);
int toml_datetime_of(const toml_value *v,
                     toml_datetime *out); /* any of 4 kinds */

#endif /* TOML_H */
