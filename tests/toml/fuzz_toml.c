/*
** fuzz_toml.c — libFuzzer target for toml/toml.c (`make toml-fuzz`, clang).
** Parses each input; on success walks the whole tree through the accessors
** so that every node is touched, then frees it; on a syntax error checks
** that the message is "fuzz:LINE:COL: ..." with a position inside the
** input.  ASan/UBSan find the bugs; a broken invariant traps.
*/
#include "../../toml/toml.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* "fuzz:LINE:COL: message": LINE at most the input's lines, COL at least 1
** and at most one past the longest line (columns count characters, so
** never more than bytes). */
static void check_error(const uint8_t *data, size_t size, const char *err) {
  size_t lines = 1, longest = 0, cur = 0;
  for (size_t i = 0; i < size; i++) {
    if (data[i] == '\n') {
      lines++;
      cur = 0;
    } else if (++cur > longest)
      longest = cur;
  }
  if (strncmp(err, "fuzz:", 5) != 0) __builtin_trap();
  char *end;
  unsigned long line = strtoul(err + 5, &end, 10);
  if (*end != ':') __builtin_trap();
  unsigned long col = strtoul(end + 1, &end, 10);
  if (end[0] != ':' || end[1] != ' ') __builtin_trap();
  if (line < 1 || line > lines || col < 1 || col > longest + 1)
    __builtin_trap();
}

/* Recursion is bounded by the parser's depth cap. */
static size_t walk(const toml_value *v) {
  size_t n = 1;
  if (toml_line(v) < 1 || toml_col(v) < 1) __builtin_trap();
  if (toml_type_of(v) == TOML_TABLE) {
    for (size_t i = 0; i < toml_table_len(v); i++) {
      size_t kl;
      const toml_value *c;
      const char *k = toml_table_key(v, i, &kl, &c);
      if (toml_getn(v, k, kl) != c) __builtin_trap(); /* lookup finds it */
      n += walk(c);
    }
  } else if (toml_type_of(v) == TOML_ARRAY) {
    for (size_t i = 0; i < toml_array_len(v); i++)
      n += walk(toml_array_at(v, i));
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  toml_doc *d;
  char err[128];
  int rc = toml_parse((const char *)data, size, "fuzz", &d, err, sizeof err);
  if (rc == TOML_OK) {
    walk(toml_root(d));
    toml_free(d);
  } else if (rc == TOML_ERR_SYNTAX) {
    check_error(data, size, err);
  }
  return 0;
}
