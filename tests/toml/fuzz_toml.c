/*
** fuzz_toml.c — libFuzzer target for toml/toml.c (`make toml-fuzz`, clang).
** Parses each input; on success walks the whole tree through the accessors
** so that every node is touched, then frees it.  ASan/UBSan find the bugs.
*/
#include "../../toml/toml.h"

#include <stddef.h>
#include <stdint.h>

/* Recursion is bounded by the parser's depth cap. */
static size_t walk(const toml_value *v) {
  size_t n = 1;
  if (toml_type_of(v) == TOML_TABLE) {
    for (size_t i = 0; i < toml_table_len(v); i++) {
      size_t kl;
      const toml_value *c;
      const char *k = toml_table_key(v, i, &kl, &c);
      if (toml_getn(v, k, kl) != c) __builtin_trap();  /* lookup finds it */
      n += walk(c);
    }
  } else if (toml_type_of(v) == TOML_ARRAY) {
    for (size_t i = 0; i < toml_array_len(v); i++) n += walk(toml_array_at(v, i));
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  toml_doc *d;
  char err[128];
  if (toml_parse((const char *)data, size, "fuzz", &d, err, sizeof err) == TOML_OK) {
    walk(toml_root(d));
    toml_free(d);
  }
  return 0;
}
