/*
** toml_json.c — toml-json FILE: parse a TOML file with toml/toml.c and
** print it on stdout in toml-test's JSON form (tables as objects, arrays as
** arrays, every scalar as {"type": T, "value": S}).  Exit 0 on success; on a
** parse error print the parser's one-line message on stderr and exit 1.
** Exit 2 is for usage and I/O errors, so a test harness can tell "rejected"
** from "could not run".
*/
#include "../../toml/toml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_json_string(const char *s, size_t len) {
  putchar('"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': fputs("\\\"", stdout); break;
      case '\\': fputs("\\\\", stdout); break;
      case '\n': fputs("\\n", stdout); break;
      case '\r': fputs("\\r", stdout); break;
      case '\t': fputs("\\t", stdout); break;
      case '\b': fputs("\\b", stdout); break;
      case '\f': fputs("\\f", stdout); break;
      default:
        if (c < 0x20 || c == 0x7F)
          printf("\\u%04x", c);
        else
          putchar(c); /* UTF-8 passes through: the parser validated it */
    }
  }
  putchar('"');
}

static void put_datetime(const toml_value *v) {
  toml_datetime d;
  toml_datetime_of(v, &d);
  toml_type t = toml_type_of(v);
  if (t != TOML_TIME_LOCAL) printf("%04d-%02d-%02d", d.year, d.month, d.day);
  if (t == TOML_DATE_LOCAL) return;
  if (t != TOML_TIME_LOCAL) putchar('T');
  printf("%02d:%02d:%02d", d.hour, d.minute, d.second);
  if (d.frac_digits > 0) {
    char f[16];
    snprintf(f, sizeof f, "%09d", d.nanosecond);
    printf(".%.*s", d.frac_digits, f);
  }
  if (t == TOML_DATETIME) {
    if (d.offset_minutes == 0)
      putchar('Z');
    else {
      int m = d.offset_minutes < 0 ? -d.offset_minutes : d.offset_minutes;
      printf("%c%02d:%02d", d.offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
    }
  }
}

/* Recursion is bounded: the parser caps a document's depth. */
static void put_value(const toml_value *v) {
  toml_type t = toml_type_of(v);
  if (t == TOML_TABLE) {
    putchar('{');
    for (size_t i = 0; i < toml_table_len(v); i++) {
      size_t klen;
      const toml_value *c;
      const char *k = toml_table_key(v, i, &klen, &c);
      if (i) putchar(',');
      put_json_string(k, klen);
      putchar(':');
      put_value(c);
    }
    putchar('}');
    return;
  }
  if (t == TOML_ARRAY) {
    putchar('[');
    for (size_t i = 0; i < toml_array_len(v); i++) {
      if (i) putchar(',');
      put_value(toml_array_at(v, i));
    }
    putchar(']');
    return;
  }
  if (t == TOML_STRING) {
    const char *s;
    size_t len;
    toml_string(v, &s, &len);
    fputs("{\"type\":\"string\",\"value\":", stdout);
    put_json_string(s, len);
    putchar('}');
    return;
  }
  printf("{\"type\":\"%s\",\"value\":\"", toml_type_name(t));
  switch (t) {
    case TOML_INTEGER: {
      int64_t i;
      toml_int(v, &i);
      printf("%lld", (long long)i);
      break;
    }
    case TOML_FLOAT: {
      double f;
      toml_float(v, &f);
      if (isnan(f))
        fputs("nan", stdout);
      else if (isinf(f))
        fputs(f < 0 ? "-inf" : "inf", stdout);
      else
        printf("%.17g", f);
      break;
    }
    case TOML_BOOL: {
      int b;
      toml_bool(v, &b);
      fputs(b ? "true" : "false", stdout);
      break;
    }
    default: put_datetime(v);
  }
  fputs("\"}", stdout);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: toml-json FILE.toml\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fprintf(stderr, "toml-json: out of memory\n");
      fclose(f);
      return 2;
    }
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    cap *= 2;
    char *nb = realloc(buf, cap);
    if (!nb) free(buf);
    buf = nb;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    perror(argv[1]);
    free(buf);
    return 2;
  }
  toml_doc *doc;
  char err[256];
  int rc = toml_parse(buf, len, argv[1], &doc, err, sizeof err);
  free(buf);
  if (rc != TOML_OK) {
    fprintf(stderr, "%s\n", err);
    return rc == TOML_ERR_SYNTAX ? 1 : 2;
  }
  put_value(toml_root(doc));
  putchar('\n');
  toml_free(doc);
  return 0;
}
