/*
** schema.h — the base of profile/: the value syntax that manifests and
** profiles share (sizes, durations, names, string lists) and the one loader
** that reads a TOML file against a table of key rows.
**
** manifest.c and profile.c each describe their file as rows
** {key, kind, where, limits, check, default} and leave the walking, the
** typed reads and the error lines to vy_schema_parse.  Every problem gives
** one line "FILE:LINE: KEY: message" (only the first is kept), so a loader
** stops at the first error and reports exactly one line.
**
** The supervisor reaches this header only through manifest.h (for
** vy_strlist and the size and duration syntax); the rest is for profile/.
*/
#ifndef VY_SCHEMA_H
#define VY_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct toml_value toml_value; /* toml/toml.h, for schema.c only */

/* ---- shared value syntax ------------------------------------------------- */

typedef struct vy_strlist {
  char **items;
  size_t n;
} vy_strlist;

/* Appends a copy of s to l; -1 if out of memory. */
int vy_strlist_push(vy_strlist *l, const char *s);
void vy_strlist_free(vy_strlist *l);

/* "16MiB", "64KiB", "1GiB", "4096" -> bytes; "60s", "500ms", "2m" -> ms.
** 0 on success, -1 if malformed or out of range. */
int vy_parse_size(const char *s, uint64_t *bytes);
int vy_parse_duration(const char *s, uint32_t *ms);
/* Decimal digits at *s into *out, advancing *s; -1 if none or overflow. */
int vy_parse_digits(const char **s, uint64_t *out);

/* A whole number 0..max in s[0..len): decimal, or hex after "0x" (never
** octal: "010" is ten, as the manifest checks read it).  0, or -1. */
int vy_parse_uint(const char *s, size_t len, uint32_t max, uint32_t *out);
/* "A:B", each as vy_parse_uint (A <= maxa, B <= maxb), as grants and board
** files write buses and addresses; with single_ok also "B" alone (a = 0,
** an adc "CHANNEL").  0, or -1. */
int vy_parse_pair(const char *s, uint32_t maxa, uint32_t maxb, bool single_ok,
                  uint32_t *a, uint32_t *b);

/* [a-z][a-z0-9-]{0,31} */
bool vy_valid_name(const char *s);

/* ---- error lines --------------------------------------------------------- */

typedef struct vy_ck {
  const char *file; /* names the file in messages */
  char *err;        /* the caller's buffer (may be NULL) */
  size_t errlen;
  bool failed; /* an error has been written; later ones are dropped */
} vy_ck;

/* "FILE:LINE: KEY: message"; always returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int vy_ck_fail(vy_ck *c, int line, const char *key, const char *fmt, ...);
/* "FILE: out of memory"; returns -1. */
int vy_ck_nomem(vy_ck *c);

/* ---- key rows ------------------------------------------------------------ */

typedef enum vy_kind {
  VY_BOOL,        /* bool                                               */
  VY_INT,         /* integer min..max, into an integer field of `size`   */
  VY_SIZE,        /* vy_parse_size string or integer bytes, min..max     */
  VY_DURATION,    /* vy_parse_duration string, min..max ms, uint32_t     */
  VY_CHOICE,      /* one of choices; its index into an integer field     */
  VY_CHOICE_TEXT, /* one of choices; its text into a char[size]          */
  VY_STR,         /* string, malloc'd into a char *                      */
  VY_TEXT,        /* string, copied into a char[size] (check must bound it) */
  VY_NOTE,        /* string for people: checked, not kept                */
  VY_STRLIST,     /* array of strings, into a vy_strlist                 */
  VY_INTLIST,     /* array of integers min..max, into uint32_t * + count */
  VY_STRMAP,      /* table of strings, into a vy_strlist of "KEY=VALUE"  */
  VY_TABLE        /* a table of its own rows, into the same struct       */
} vy_kind;

/* A string value's check: NULL if s is fine, else the message, a printf
** format in which "%s" (if any) stands for the value as quoted for a
** message.  Strings of a VY_STRLIST are checked one by one. */
typedef const char *(*vy_check_fn)(const char *s);

struct vy_table;

typedef struct vy_key {
  const char *name; /* the key as written in the file        */
  vy_kind kind;
  size_t offset, size;          /* the field it fills: VY_AT             */
  int64_t min, max;             /* INT, SIZE, DURATION, INTLIST items     */
  int64_t dflt;                 /* BOOL, INT, SIZE, DURATION; CHOICE and
                                   CHOICE_TEXT: the index                */
  const char *dflt_text;        /* STR, TEXT; STRLIST: its one item      */
  vy_check_fn check;            /* STR, TEXT, STRLIST                    */
  const char *const *choices;   /* CHOICE, CHOICE_TEXT: NULL-terminated  */
  const char *what;             /* CHOICE: "unknown WHAT"; STRMAP: what a
                                   key is, "WHAT must be non-empty..."   */
  size_t count_offset;          /* INTLIST: offsetof its size_t count    */
  const struct vy_table *table; /* TABLE                                 */
} vy_key;

/* The field a row fills, as designated initializers: VY_AT(vy_profile,
 * display). */
#define VY_AT(type, member)                                                    \
  .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

/* A vy_table's keys and nkeys from an array of rows. */
#define VY_ROWS(keys) keys, sizeof keys / sizeof keys[0]

typedef struct vy_table {
  const vy_key *keys;
  size_t nkeys;
  const char *unknown_key;   /* the message for a key not in keys     */
  const char *unknown_table; /* the same for a table; NULL: unknown_key */
} vy_table;

/* A whole file: its top-level table and what the rows cannot say. */
typedef struct vy_schema {
  const vy_table *root;
  size_t obj_size;  /* sizeof the struct the rows fill       */
  size_t max_bytes; /* vy_schema_load refuses larger files   */
  /* Rules across keys, once every key has been read: 0, or -1 after
  ** vy_ck_fail.  May be NULL. */
  int (*finish)(vy_ck *c, const toml_value *root, void *obj);
  void (*free)(void *obj); /* frees and zeroes obj                  */
} vy_schema;

/* Sets every row's default in obj (which the caller has zeroed),
** including the rows of nested tables.  -1 if out of memory (what was set
** stays for the caller to free). */
int vy_schema_defaults(const vy_table *t, void *obj);

/* Reads text (`path` names it in errors; NULL means "<input>") into obj:
** defaults first, then each key in the order written, then finish.  0, or
** -1 with one line in err and obj freed (all zero). */
int vy_schema_parse(const vy_schema *s, const char *path, const char *text,
                    size_t len, void *obj, char *err, size_t errlen);
/* The same from a file of at most s->max_bytes; "PATH: reason" if it
** cannot be read, with obj all zero. */
int vy_schema_load(const vy_schema *s, const char *path, void *obj, char *err,
                   size_t errlen);

#endif
