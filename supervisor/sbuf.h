/*
** sbuf.h — a growing string for the supervisor's answers (ps, metrics, the
** heartbeat, command replies).  A zeroed sbuf is empty and ready; once an
** allocation fails it stays marked `oom` and ignores further appends, so a
** caller checks once, at the end.
*/
#ifndef VY_SBUF_H
#define VY_SBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sbuf {
  char *p; /* NUL-terminated once anything was appended */
  size_t len, cap;
  bool oom;
} sbuf;

void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_json_str(sbuf *b, const char *s); /* s as a JSON string literal */
void sb_free(sbuf *b);                    /* and empty again */

#endif
