/*
** toml_unit.c — unit tests of toml/toml.c beyond toml-test's cases: the
** accessor API on a manifest-like document, line and column numbers of
** values and of error messages ("FILE:LINE:COL: message", columns in
** characters), range limits (integers, dates, times, offsets, floats),
** the nesting cap, large tables, keys holding NUL, and allocation failure
** at every allocation (each must give TOML_ERR_NOMEM and leak nothing).
** One PASS/FAIL line per test function (tests/check.h).
*/
#include "../../toml/toml.h"
#include "../check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static toml_doc *parse(const char *src, char *err, size_t errsz, int *rc) {
  toml_doc *d = NULL;
  *rc = toml_parse(src, strlen(src), "t.toml", &d, err, errsz);
  return d;
}

/* src must parse; returns the document (caller frees). */
static toml_doc *ok(const char *src, int line) {
  char err[256];
  int rc;
  toml_doc *d = parse(src, err, sizeof err, &rc);
  if (rc != TOML_OK || !d)
    check_fail(__FILE__, line, "should parse, got: %s", err);
  return d;
}

/* src must fail with a message starting "t.toml:LINE:COL: " (COL in
** characters) and containing want (if not NULL). */
static void bad(const char *src, int eline, int ecol, const char *want,
                int line) {
  char err[256], pre[32];
  int rc;
  toml_doc *d = parse(src, err, sizeof err, &rc);
  snprintf(pre, sizeof pre, "t.toml:%d:%d: ", eline, ecol);
  if (rc != TOML_ERR_SYNTAX || d || strncmp(err, pre, strlen(pre)) != 0 ||
      strchr(err, '\n') || (want && !strstr(err, want)))
    check_fail(__FILE__, line,
               "%.40s: expected error \"%s...%s\", got rc %d: %s", src, pre,
               want ? want : "", rc, rc == TOML_OK ? "(accepted)" : err);
  toml_free(d);
}

/* "a = VALUE" for each value, which must fail at 1:5 with want */
static void bad_values(const char *const *values, size_t n, const char *want,
                       int line) {
  char src[80];
  for (size_t i = 0; i < n; i++) {
    snprintf(src, sizeof src, "a = %s\n", values[i]);
    bad(src, 1, 5, want, line);
  }
}
#define BAD_VALUES(values, want)                                               \
  bad_values((values), sizeof(values) / sizeof(values)[0], (want), __LINE__)

#define OK(src) ok((src), __LINE__)
#define BAD(src, eline, ecol, want)                                            \
  bad((src), (eline), (ecol), (want), __LINE__)

static int str_is(const toml_value *v, const char *s) {
  const char *p;
  size_t n;
  return toml_string(v, &p, &n) == 0 && n == strlen(s) && memcmp(p, s, n) == 0;
}

/* The accessors on the document of `accessors`, one table at a time. */

/* the root: its keys in order, with the line each table starts on */
static void accessors_root(const toml_value *root) {
  EQ(toml_type_of(root), TOML_TABLE);
  EQ(toml_table_len(root), 3);
  size_t kl;
  const toml_value *v;
  CHECK(strcmp(toml_table_key(root, 0, &kl, &v), "app") == 0 && kl == 3 &&
        toml_line(v) == 2);
  EQ(toml_table_key(root, 1, NULL, NULL), "capabilities");
  EQ(toml_table_key(root, 2, NULL, NULL), "svc");
  CHECK(toml_table_key(root, 3, NULL, NULL) == NULL);
}

/* [app]: strings, an array over two lines and an inline table */
static void accessors_app(const toml_value *app) {
  EQ(toml_table_len(app), 4);
  EQ(toml_table_key(app, 2, NULL, NULL), "args");
  CHECK(str_is(toml_get(app, "name"), "clock"));
  EQ(toml_line(toml_get(app, "name")), 3);
  const toml_value *args = toml_get(app, "args");
  CHECK(toml_type_of(args) == TOML_ARRAY && toml_array_len(args) == 2);
  EQ(toml_line(args), 5);
  CHECK(str_is(toml_array_at(args, 1), "-v") &&
        toml_line(toml_array_at(args, 1)) == 6);
  CHECK(toml_array_at(args, 2) == NULL);
  const toml_value *env = toml_get(app, "env");
  CHECK(toml_type_of(env) == TOML_TABLE && toml_line(env) == 7);
  CHECK(str_is(toml_get(env, "LANG"), "C"));
  CHECK(toml_get(env, "nope") == NULL);
  CHECK(toml_get(toml_get(app, "name"), "x") == NULL); /* not a table */
}

/* [capabilities]: integers, booleans, floats and each kind of date-time */
static void accessors_scalars(const toml_value *cap) {
  int64_t i;
  CHECK(toml_int(toml_array_at(toml_get(cap, "gpio"), 1), &i) == 0 && i == 27);
  CHECK(toml_string(toml_get(cap, "gpio"), NULL, NULL) == -1);
  int b = 0;
  CHECK(toml_bool(toml_get(cap, "display"), &b) == 0 && b == 1);
  CHECK(toml_int(toml_get(cap, "display"), &i) == -1);
  double f;
  CHECK(toml_float(toml_get(cap, "ratio"), &f) == 0 && f == 1500.0);
  CHECK(toml_float(toml_array_at(toml_get(cap, "gpio"), 0), &f) == 0 &&
        f == 17.0);
  toml_datetime dt;
  EQ(toml_type_of(toml_get(cap, "when")), TOML_DATETIME);
  CHECK(toml_datetime_of(toml_get(cap, "when"), &dt) == 0 && dt.year == 1979 &&
        dt.month == 5 && dt.day == 27 && dt.hour == 7 && dt.minute == 32 &&
        dt.second == 0 && dt.nanosecond == 500000000 && dt.frac_digits == 1 &&
        dt.offset_minutes == -480);
  EQ(toml_type_of(toml_get(cap, "day")), TOML_DATE_LOCAL);
  CHECK(toml_datetime_of(toml_get(cap, "at"), &dt) == 0 && dt.second == 60 &&
        dt.nanosecond == 123456789 && dt.frac_digits == 9);
  EQ(toml_type_of(toml_get(cap, "at")), TOML_TIME_LOCAL);
  EQ(toml_type_of(toml_get(cap, "local")), TOML_DATETIME_LOCAL);
  CHECK(toml_datetime_of(toml_get(cap, "ratio"), &dt) == -1);
  EQ(toml_type_name(TOML_DATETIME_LOCAL), "datetime-local");
}

/* [[svc]]: an array of tables */
static void accessors_array_of_tables(const toml_value *svc) {
  int64_t i;
  CHECK(toml_type_of(svc) == TOML_ARRAY && toml_array_len(svc) == 2);
  CHECK(toml_int(toml_get(toml_array_at(svc, 1), "n"), &i) == 0 && i == 2);
  EQ(toml_line(toml_array_at(svc, 1)), 19);
}

/* columns of values, in characters */
static void accessors_columns(const toml_value *root) {
  const toml_value *app = toml_get(root, "app"),
                   *cap = toml_get(root, "capabilities"),
                   *svc = toml_get(root, "svc");
  const toml_value *args = toml_get(app, "args"), *env = toml_get(app, "env");
  CHECK(toml_col(toml_get(app, "name")) == 8 && toml_col(args) == 8);
  CHECK(toml_col(toml_array_at(args, 1)) == 3 && toml_col(env) == 7);
  CHECK(toml_col(toml_get(env, "LANG")) == 28 && toml_col(svc) == 1);
  EQ(toml_col(toml_array_at(svc, 1)), 1);
  EQ(toml_col(toml_array_at(toml_get(cap, "gpio"), 1)), 13);
}

static void accessors(void) {
  const char *src =
      "# manifest\n"
      "[app]\n"
      "name = \"clock\"\n"
      "version = \"1.0.0\"\n"
      "args = [\"--24h\",\n"
      "  \"-v\"]\n"
      "env = { TZ = \"UTC\", LANG = 'C' }\n"
      "\n"
      "[capabilities]\n"
      "gpio = [17, 27]\n"
      "display = true\n"
      "ratio = 1.5e3\n"
      "when = 1979-05-27T07:32:00.5-08:00\n"
      "day = 2024-02-29\n"
      "at = 23:59:60.123456789123\n"
      "local = 1979-05-27 07:32:00\n"
      "[[svc]]\n"
      "n = 1\n"
      "[[svc]]\n"
      "n = 2\n";
  toml_doc *d = OK(src);
  if (!d) return;
  const toml_value *root = toml_root(d);
  accessors_root(root);
  accessors_app(toml_get(root, "app"));
  accessors_scalars(toml_get(root, "capabilities"));
  accessors_array_of_tables(toml_get(root, "svc"));
  accessors_columns(root);
  toml_free(d);
  d = OK("'\xC3\xA9\xC3\xA9' = \"\xE2\x82\xAC\"\n");
  if (d) {
    EQ(toml_col(toml_get(toml_root(d), "\xC3\xA9\xC3\xA9")), 8);
    toml_free(d);
  }

  /* NULLs are harmless */
  CHECK(toml_root(NULL) == NULL && toml_get(NULL, "a") == NULL &&
        toml_table_len(NULL) == 0 && toml_array_len(NULL) == 0 &&
        toml_line(NULL) == 0 && toml_col(NULL) == 0);
  toml_free(NULL);
}

static void keys(void) {
  /* an empty key first, before any scratch memory exists */
  toml_free(OK("'' = 1\n"));
  toml_free(OK("\"\".'' = 1\n"));
  toml_free(OK("[''.\"\"]\n"));
  /* "" defined as a value, then used as a table */
  BAD("\"a\\u0000b\" = 1\n'' = 2\n\"\" .x = 3\n", 3, 1,
      "key '' is already a value");
  toml_doc *d = OK("\"a\\u0000b\" = 1\n'' = 2\nq.\"\".r = 3\n");
  if (d) {
    const toml_value *r = toml_root(d);
    int64_t i;
    CHECK(toml_get(r, "a") == NULL);
    CHECK(toml_int(toml_getn(r, "a\0b", 3), &i) == 0 && i == 1);
    CHECK(toml_int(toml_get(r, ""), &i) == 0 && i == 2);
    CHECK(toml_int(toml_get(toml_get(toml_get(r, "q"), ""), "r"), &i) == 0 &&
          i == 3);
    toml_free(d);
  }

  /* a table big enough to use the hash index; order must be kept */
  size_t cap = 3000 * 24, n = 0;
  char *src = malloc(cap);
  REQUIRE(src);
  for (int k = 0; k < 3000; k++)
    n += (size_t)snprintf(src + n, cap - n, "k%d = %d\n", k, k);
  d = OK(src);
  if (d) {
    const toml_value *r = toml_root(d);
    EQ(toml_table_len(r), 3000);
    int good = 1;
    for (int k = 0; k < 3000; k++) {
      char key[16];
      int64_t i = -1;
      snprintf(key, sizeof key, "k%d", k);
      if (toml_int(toml_get(r, key), &i) != 0 || i != k) good = 0;
      if (strcmp(toml_table_key(r, (size_t)k, NULL, NULL), key) != 0) good = 0;
    }
    CHECK(good);
    CHECK(toml_get(r, "k3000") == NULL);
    toml_free(d);
  }
  n += (size_t)snprintf(src + n, cap - n, "k1234 = 0\n");
  BAD(src, 3001, 1, "duplicate key 'k1234' (first defined on line 1235)");
  free(src);
}

static void errors(void) {
  BAD("a = 1\nb = \n", 2, 5, "missing value");
  BAD("a = 1\n\n[t]\nx = 1\n[t]\n", 5, 1, "table 't' already defined (line 3)");
  BAD("a = 1\r\nb = 2\r\na = 3\r\n", 3, 1, "duplicate key 'a'");
  BAD("s = \"\"\"\nline\nline\n", 1, 5, "unterminated multi-line string");
  BAD("a = [\n1,\n2\n", 1, 5, "unterminated array");
  BAD("a = [\n1,\n2 3]\n", 3, 3, "expected ','");
  BAD("x = 1\ny = \"\xC3\x28\"\n", 2, 6, "UTF-8");
  BAD("x = 1\r\ny = 2\rz = 3\n", 2, 6, NULL);
  BAD("# ok\n# bad \x01 here\n", 2, 7, "control character");
  BAD("t = {a = 1}\nt.b = 2\n", 2, 1, "inline table");
  BAD("[a]\nb.c = 1\n[a.b]\n", 3, 1, "already defined");
  BAD("[a.b.c]\nz = 1\n[a]\nb.c.t = 1\n", 4, 3, "already defined");
  BAD("a = [1]\n[[a]]\n", 2, 1, "already an array");
  BAD("[[a]]\n[a]\n", 2, 1, "array of tables");
  BAD("a.b = 1\n[a]\n", 2, 1, "already defined");
  BAD("a = {b = 1\n}\n", 1, 11, "newline");
  BAD("a = {b = 1,}\n", 1, 12, "trailing comma");
  BAD("a = \"\\x41\"\n", 1, 6, "invalid escape \\x");
  BAD("a = \"\\uD800\"\n", 1, 6, "Unicode scalar");
  BAD("a = \"\\U00110000\"\n", 1, 6, "Unicode scalar");
  BAD("a = 01\n", 1, 5, "leading zeros");
  static const char *const numbers[] = { "1__0", "1_",   "_1",    "1.",   ".1",
                                         "1e",   "0X10", "+0x10", "truex" };
  BAD_VALUES(numbers, NULL);
  BAD("a = tru\n", 1, 5, "booleans");
  BAD("a = 1 b = 2\n", 1, 7, "unexpected text");
  BAD("[a]]\n", 1, 4, "unexpected text");
  BAD("[[a]\n", 1, 4, "expected ']]'");
  BAD("= 1\n", 1, 1, "empty key");
  BAD("a\n", 1, 2, "expected '='");
  /* line of an error at the very end of a file without a final newline */
  BAD("a = 1\nb = 'x", 2, 5, "unterminated string");
  /* columns count characters, not bytes: "é" is two bytes, "€" three, and
  ** a tab is one character */
  BAD("\"\xC3\xA9\xE2\x82\xAC\" = 1 2\n", 1, 10, "unexpected text");
  BAD("a = 1\n\tb = 'x' y\n", 2, 10, "unexpected text");
  /* an error reported at an earlier point, over a newline, after the parser
  ** has moved on (the column is recounted on that line) */
  BAD("x = 1\nlong_key = '''\nabc\ndef\n", 2, 12,
      "unterminated multi-line string");
  BAD("x = 1\n  s = [ 1,\n 2,\n 3\n", 2, 7, "unterminated array");

  /* messages name the file given, or <input> */
  char err[128];
  toml_doc *d;
  CHECK(toml_parse("a=", 2, NULL, &d, err, sizeof err) == TOML_ERR_SYNTAX &&
        d == NULL && strncmp(err, "<input>:1:3: ", 13) == 0);
  /* a tiny error buffer is cut, never overrun */
  char small[8];
  memset(small, 'X', sizeof small);
  CHECK(toml_parse("a=", 2, "long-file-name.toml", &d, small, 6) ==
            TOML_ERR_SYNTAX &&
        small[5] == 0 && small[6] == 'X');
  EQ(toml_parse("a=", 2, "f", &d, NULL, 0), TOML_ERR_SYNTAX);
  /* buffers need no NUL: only len bytes are read */
  EQ(toml_parse("a=1x", 3, "f", &d, err, sizeof err), TOML_OK);
  toml_free(d);
  CHECK(toml_parse("", 0, "f", &d, err, sizeof err) == TOML_OK &&
        toml_table_len(toml_root(d)) == 0);
  toml_free(d);
  EQ(toml_parse(NULL, 0, "f", &d, err, sizeof err), TOML_OK);
  toml_free(d);
  /* embedded NUL in the input is a control character */
  EQ(toml_parse("a = \"\0\"", 7, "f", &d, err, sizeof err), TOML_ERR_SYNTAX);
}

static void ranges(void) {
  toml_doc *d;
  int64_t i;
  d =
      OK("a = 9223372036854775807\nb = -9223372036854775808\nc = "
         "0x7fffffffffffffff\n"
         "e = 0o777777777777777777777\nf = 0b111\ng = +0\nh = -0\n");
  if (d) {
    const toml_value *r = toml_root(d);
    CHECK(toml_int(toml_get(r, "a"), &i) == 0 && i == INT64_MAX);
    CHECK(toml_int(toml_get(r, "b"), &i) == 0 && i == INT64_MIN);
    CHECK(toml_int(toml_get(r, "c"), &i) == 0 && i == INT64_MAX);
    CHECK(toml_int(toml_get(r, "e"), &i) == 0 && i == INT64_MAX);
    CHECK(toml_int(toml_get(r, "f"), &i) == 0 && i == 7);
    toml_free(d);
  }
  static const char *const too_big[] = {
    "9223372036854775808",        "-9223372036854775809",
    "0x8000000000000000",         "0o1000000000000000000000",
    "99999999999999999999999999", "1e400"
  };
  BAD_VALUES(too_big, "out of range");
  toml_free(OK("a = 1e-400\nb = 1.7976931348623157e308\n"));

  toml_free(OK("a = 2024-02-29\nb = 2000-02-29\nc = 2023-12-31T23:59:60Z\n"));
  static const char *const dates[] = {
    "2023-02-29", "1900-02-29", "2023-04-31",
    "2023-13-01", "2023-00-01", "2023-01-00"
  };
  static const char *const times[] = { "24:00:00", "23:60:00", "23:59:61" };
  static const char *const offsets[] = { "2023-01-01T00:00:00+24:00",
                                         "2023-01-01T00:00:00+01:60" };
  static const char *const malformed[] = { "23:59", "2023-01-01T00:00:00.",
                                           "2023-1-01" };
  BAD_VALUES(dates, "date out of range");
  BAD_VALUES(times, "time out of range");
  BAD_VALUES(offsets, "offset out of range");
  BAD_VALUES(malformed, NULL);
  BAD("a = 12:00:00Z\n", 1, 13, NULL);
}

static void depth(void) {
  char *src = malloc(400000);
  REQUIRE(src);
  /* arrays: a value at depth 1, so 128 brackets is the deepest allowed */
  for (int k = 127; k <= 129; k++) {
    size_t n = (size_t)sprintf(src, "a = ");
    for (int j = 0; j < k; j++) src[n++] = '[';
    for (int j = 0; j < k; j++) src[n++] = ']';
    src[n] = 0;
    if (k <= TOML_MAX_DEPTH)
      toml_free(OK(src));
    else
      BAD(src, 1, 133, "nesting deeper");
  }
  /* far too deep must fail cleanly, not overflow the stack */
  size_t n = (size_t)sprintf(src, "a = ");
  for (int j = 0; j < 100000; j++) src[n++] = '[';
  src[n] = 0;
  BAD(src, 1, 133, "nesting deeper");
  n = (size_t)sprintf(src, "a = ");
  for (int j = 0; j < 100000; j++) {
    memcpy(src + n, "{b=", 3);
    n += 3;
  }
  src[n] = 0;
  BAD(src, 1, 387, "nesting deeper");
  /* long dotted keys and headers count too */
  n = 0;
  src[n++] = '[';
  for (int j = 0; j < 10000; j++) {
    memcpy(src + n, "a.", 2);
    n += 2;
  }
  memcpy(src + n, "a]\n", 4);
  BAD(src, 1, 258, "nesting deeper");
  n = 0;
  for (int j = 0; j < 10000; j++) {
    memcpy(src + n, "a.", 2);
    n += 2;
  }
  memcpy(src + n, "a = 1\n", 7);
  BAD(src, 1, 257, "nesting deeper");
  free(src);
}

/* ---- allocation failure -------------------------------------------------- */

typedef struct counting {
  long fail_at, calls, live;
} counting;

static void *fail_realloc(void *ud, void *ptr, size_t size) {
  counting *c = ud;
  if (size == 0) {
    if (ptr) c->live--;
    free(ptr);
    return NULL;
  }
  if (c->calls++ == c->fail_at) return NULL;
  void *r = realloc(ptr, size);
  if (r && !ptr) c->live++;
  return r;
}

static void nomem(void) {
  /* enough text for several arena blocks and scratch growth */
  static char src[40000];
  size_t n = (size_t)snprintf(
      src, sizeof src,
      "[app]\nname = \"clock\"\nenv = { TZ = \"UTC\", a.b.c = [1, 2, {x = "
      "'y'}] }\n"
      "s = \"\"\"%0300d\"\"\"\n[[x.y]]\nz = 1979-05-27T07:32:00Z\n",
      7);
  for (int k = 0; k < 600; k++)
    n += (size_t)snprintf(src + n, sizeof src - n, "k%d = [%d, \"v%d\"]\n", k,
                          k, k);
  long total = -1;
  for (long f = 0; f < 100000; f++) {
    counting c = { f, 0, 0 };
    toml_alloc a = { fail_realloc, &c };
    toml_doc *d = NULL;
    char err[128];
    int rc = toml_parse_ex(src, n, "m.toml", &a, &d, err, sizeof err);
    if (rc == TOML_OK) {
      EQ(toml_table_len(toml_get(toml_root(d), "app")), 3);
      EQ(toml_table_len(
             toml_array_at(toml_get(toml_get(toml_root(d), "x"), "y"), 0)),
         601);
      toml_free(d);
      EQ(c.live, 0);
      total = f;
      break;
    }
    CHECKF(rc == TOML_ERR_NOMEM && d == NULL && c.live == 0 &&
               strstr(err, "out of memory"),
           "allocation %ld failed: rc %d live %ld: %s", f, rc, c.live, err);
  }
  CHECK(total > 5);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "unit");
  RUN(accessors);
  RUN(keys);
  RUN(errors);
  RUN(ranges);
  RUN(depth);
  RUN(nomem);
  return check_end();
}
