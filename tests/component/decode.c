/*
** decode.c — the component decoder and validator (component/cm.h) on
** real and hand-made binaries:
**
**   samples/NAME     every component `jco new` made of our apps
**                    (NAME.wasm in $CM_SAMPLES) decodes and validates,
*importing
**                    wasi:... interfaces @0.2.x and exporting wasi:cli/run
**   valid/NAME       components of tests/component/wat/valid
**                    (NAME.wasm in $CM_VALID) decode and validate
**   invalid/NAME     each of tests/component/wat/invalid (NAME.wasm in
*$CM_INVALID
**                    with the source's "expect: TEXT" line in $CM_WAT)
**                    fails with an error line containing TEXT
**   bytes/CASE       malformed bytes: preamble, LEB128, lengths, UTF-8,
**                    section order, truncation of a real sample at every
**                    offset
** run.sh builds the binaries first; a case whose input is missing SKIPs.
*/
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "../../component/cm.h"
#include "../check.h"

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
  *len = b ? fread(b, 1, (size_t)(n > 0 ? n : 0), f) : 0;
  fclose(f);
  return b;
}

/* the files NAME.wasm of a folder, sorted; NULL-terminated */
static char **list_wasm(const char *dir) {
  DIR *d = dir ? opendir(dir) : NULL;
  if (!d) return NULL;
  char **v = calloc(256, sizeof *v);
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) && n < 255;) {
    size_t l = strlen(e->d_name);
    if (l > 5 && !strcmp(e->d_name + l - 5, ".wasm"))
      v[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(v, n, sizeof *v, (int (*)(const void *, const void *))strcmp);
  return v;
}

static char path_buf[1024];
static const char *join(const char *dir, const char *name) {
  snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
  return path_buf;
}

static const char *cur_dir, *cur_file;

/* decodes the current file: the component or NULL, err filled */
static cm_component *decode_cur(cm_error *err) {
  size_t len;
  uint8_t *b = slurp(join(cur_dir, cur_file), &len);
  if (!b) return NULL;
  cm_component *c = cm_decode(b, len, cur_file, err);
  free(b);
  return c;
}

static void sample_case(void) {
  cm_error err;
  cm_component *c = decode_cur(&err);
  REQUIREF(c, "%s", err.line);
  int wasi = 0;
  for (uint32_t i = 0; i < cm_import_count(c); i++) {
    const cm_extern *e = cm_import(c, i);
    CHECKF(e->name.kind == CM_NAME_INTERFACE, "import %s", e->name.full);
    if (!strcmp(e->name.ns, "wasi") && !strncmp(e->name.version, "0.2.", 4))
      wasi++;
  }
  CHECKF(wasi > 0 && (uint32_t)wasi == cm_import_count(c),
         "%d of %u imports "
         "are wasi:...@0.2.x",
         wasi, cm_import_count(c));
  REQUIRE(cm_export_count(c) >= 1);
  const cm_extern *run = cm_export(c, cm_export_count(c) - 1);
  EQ(run->name.interface, "run");
  EQ(run->name.package, "cli");
  EQ(cm_core_module_count(c), 4u);
  for (uint32_t i = 0; i < cm_core_module_count(c); i++)
    CHECK(cm_core_module(c, i));
  cm_free(c);
}

/* what the accessors give for greet.wat: the type tree, canon, resources */
static void greet_api(const cm_component *c) {
  REQUIRE(cm_import_count(c) == 1 && cm_export_count(c) == 6);
  const cm_extern *im = cm_import(c, 0);
  EQ(im->name.interface, "streams");
  EQ(im->name.version, "0.2.0");
  REQUIRE(im->sort == CM_SORT_INSTANCE && im->type->nexports == 2);
  const cm_extern *w = &im->type->exports[1];
  EQ(w->name.kind, CM_NAME_METHOD);
  EQ(w->name.package, "output-stream");
  EQ(w->name.interface, "write");
  EQ(w->type->fields[0].type->kind, CM_T_BORROW);
  const cm_extern *mix = cm_export(c, 3);
  EQ(mix->name.full, "mix");
  REQUIRE(mix->type->kind == CM_T_FUNC && mix->type->n == 4);
  EQ(mix->type->fields[1].type->kind, CM_T_FLAGS);
  EQ(mix->type->elem->kind, CM_T_RESULT);
  CHECK(!mix->type->elem->elem->name); /* (not exported: no name) */
  const cm_extern *ctor = cm_export(c, 4);
  EQ(ctor->name.kind, CM_NAME_CONSTRUCTOR);
  CHECK(ctor->type->elem->kind == CM_T_OWN && ctor->type->elem->elem->local);
  EQ(cm_canon_count(c), 10u);
  EQ(cm_canon_at(c, 0)->kind, CM_CANON_LOWER);
  CHECK(cm_canon_at(c, 0)->has_memory && cm_canon_at(c, 0)->has_realloc);
  EQ(cm_canon_at(c, 1)->kind, CM_CANON_RESOURCE_NEW);
  EQ(cm_canon_at(c, 5)->kind, CM_CANON_LIFT);
  CHECK(cm_canon_at(c, 5)->has_post_return);
  EQ(cm_core_module_count(c), 2u);
  const cm_type *app = cm_core_module_type(c, 1);
  EQ(app->ncimports, 5u);
  EQ(cm_sort_count(c, CM_SORT_CORE_INSTANCE), 3u);
  EQ(cm_core_instance(c, 1)->inline_exports, 1);
}

static void nested_api(const cm_component *c) {
  EQ(cm_component_count(c), 3u);
  REQUIRE(cm_component_at(c, 0));
  EQ(cm_import_count(cm_component_at(c, 0)), 1u);
  EQ(cm_start_count(c), 1u);
  EQ(cm_instance_count(c), 3u);
  EQ(cm_instance_at(c, 0)->nargs, 1u);
  EQ(cm_alias_at(c, 1)->kind, CM_ALIAS_OUTER);
  REQUIRE(cm_export_count(c) == 3);
  EQ(cm_export(c, 1)->type->nexports, 2u);
  EQ(cm_item_type(c, CM_SORT_TYPE, 0)->kind, CM_T_TUPLE);
}

static void valid_case(void) {
  cm_error err;
  cm_component *c = decode_cur(&err);
  REQUIREF(c, "%s", err.line);
  if (!strcmp(cur_file, "greet.wasm")) greet_api(c);
  if (!strcmp(cur_file, "nested.wasm")) nested_api(c);
  cm_free(c);
}

/* the text after "expect: " in the source NAME.wat */
static int expected(const char *wat_dir, const char *file, char *out,
                    size_t n) {
  char src[512];
  snprintf(src, sizeof src, "%s/%.*s.wat", wat_dir, (int)(strlen(file) - 5),
           file);
  FILE *f = fopen(src, "r");
  if (!f) return 0;
  char line[512];
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) {
    char *p = strstr(line, "expect: ");
    if (!p) continue;
    snprintf(out, n, "%s", p + 8);
    out[strcspn(out, "\n")] = 0;
    found = 1;
  }
  fclose(f);
  return found;
}

static const char *wat_dir;

static void invalid_case(void) {
  char want[400];
  REQUIREF(expected(wat_dir, cur_file, want, sizeof want), "no expect: line");
  cm_error err;
  cm_component *c = decode_cur(&err);
  cm_free(c);
  REQUIREF(!c, "decoded, but should fail with: %s", want);
  CHECKF(strstr(err.line, want), "got \"%s\", want \"%s\"", err.line, want);
  CHECKF(strstr(err.line, ": byte "), "no offset in \"%s\"", err.line);
}

static void run_dir(const char *env, const char *label, void (*fn)(void)) {
  cur_dir = getenv(env);
  char **v = list_wasm(cur_dir);
  if (!v || !v[0]) { check_skip(label, "no components in $%s", env); }
  for (size_t i = 0; v && v[i]; i++) {
    char name[300];
    cur_file = v[i];
    snprintf(name, sizeof name, "%s/%.*s", label, (int)(strlen(v[i]) - 5),
             v[i]);
    check_run(name, fn);
    free(v[i]);
  }
  free(v);
}

/* ---- bytes ------------------------------------------------------------------
 */
#define PRE 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00

/* decoding b fails with want in the line, at byte off */
static void fails(const uint8_t *b, size_t n, const char *want, size_t off) {
  cm_error err;
  cm_component *c = cm_decode(b, n, "t", &err);
  cm_free(c);
  REQUIREF(!c, "decoded, but should fail with: %s", want);
  CHECKF(strstr(err.line, want), "got \"%s\", want \"%s\"", err.line, want);
  EQ(err.offset, off);
}

static void preamble(void) {
  const uint8_t core[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
  const uint8_t magic[] = { 0x00, 0x61, 0x73, 0x6e, 0x0d, 0x00, 0x01, 0x00 };
  const uint8_t version[] = { 0x00, 0x61, 0x73, 0x6d, 0x0c, 0x00, 0x01, 0x00 };
  const uint8_t empty[] = { PRE };
  fails(core, sizeof core, "t: byte 4: a core module, not a component", 4);
  fails(magic, sizeof magic, "bad magic number", 0);
  fails(version, sizeof version, "unknown component version", 4);
  fails(empty, 5, "t: byte 5: unexpected end: no 8-byte preamble", 5);
  cm_error err;
  cm_component *c = cm_decode(empty, sizeof empty, "t", &err);
  CHECKF(c, "%s", err.line);
  if (c) EQ(cm_import_count(c), 0u);
  cm_free(c);
  CHECK(cm_is_component(empty, sizeof empty));
  CHECK(!cm_is_component(core, sizeof core));
}

static void leb(void) {
  const uint8_t big[] = { PRE, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
  const uint8_t over[] = { PRE, 7, 0x80, 0x80, 0x80, 0x80, 0x10 };
  const uint8_t cut[] = { PRE, 7, 0x80 };
  fails(big, sizeof big, "t: byte 9: integer too large", 9);
  fails(over, sizeof over, "integer too large", 9);
  fails(cut, sizeof cut, "unexpected end", 10);
}

static void lengths(void) {
  const uint8_t section[] = { PRE, 7, 5, 1, 0x73 };
  const uint8_t count[] = { PRE, 7, 2, 0x7f, 0x73 };
  const uint8_t name[] = { PRE, 0, 3, 9, 'a', 'b' };
  const uint8_t id[] = { PRE, 13, 0 };
  const uint8_t left[] = { PRE, 7, 3, 1, 0x73, 0x73 };
  fails(section, sizeof section, "section 7: size 5 exceeds the 2 bytes left",
        8);
  fails(count, sizeof count, "count 127 exceeds the 1 bytes left", 10);
  fails(name, sizeof name, "name length 9 exceeds the 2 bytes left", 10);
  fails(id, sizeof id, "unknown section id 13", 10);
  fails(left, sizeof left, "section 7: 1 bytes left over at its end", 12);
}

static void utf8(void) {
  /* an import named "\xc0\x80" (an overlong NUL) */
  const uint8_t bad[] = { PRE, 10, 6, 1, 0x00, 2, 0xc0, 0x80, 0x01 };
  fails(bad, sizeof bad, "t: byte 12: name is not valid UTF-8", 12);
  /* a type defined and a func import of a name that is not kebab-case */
  const uint8_t kebab[] = { PRE, 7, 5,    1, 0x40, 0,   1,   0,    10,
                            8,   1, 0x00, 3, 'A',  'b', 'c', 0x01, 0x00 };
  fails(kebab, sizeof kebab,
        "t: byte 18: name \"Abc\" is not a kebab-case label", 18);
}

/* sections repeat and interleave; what counts is that an index is
** defined before it is used */
static void order(void) {
  const uint8_t twice[] = { PRE, 7,  5,   1, 0x40, 0, 1,   0, 10,   6, 1,
                            0,   1,  'f', 1, 0,    7, 5,   1, 0x40, 0, 1,
                            0,   10, 6,   1, 0,    1, 'g', 1, 1 };
  cm_error err;
  cm_component *c = cm_decode(twice, sizeof twice, "t", &err);
  REQUIREF(c, "%s", err.line);
  EQ(cm_import_count(c), 2u);
  EQ(cm_sort_count(c, CM_SORT_TYPE), 2u);
  EQ(cm_sort_count(c, CM_SORT_FUNC), 2u);
  cm_free(c);
  const uint8_t early[] = { PRE, 10, 6, 1, 0,    1, 'f', 1,
                            0,   7,  5, 1, 0x40, 0, 1,   0 };
  fails(early, sizeof early,
        "t: byte 15: type index 0 out of range (0 defined)", 15);
}

/* types are DAGs: tuple<t, t> forty deep unfolds to 2^40 leaves, and no
** check (borrows in results, resources of an import, flattening, printing)
** may walk that tree */
static void type_dag(void) {
  uint8_t b[8 + 4 + 1 + 1 + 40 * 4 + 4 + 12] = { PRE };
  size_t n = 8, size_at;
  b[n++] = 7;
  size_at = n;
  b[n++] = 0x80, b[n++] = 0; /* (the size, a 2-byte LEB, set below) */
  b[n++] = 42;
  b[n++] = CM_P_U8;
  for (uint8_t k = 0; k < 40; k++)
    b[n++] = 0x6f, b[n++] = 2, b[n++] = k, b[n++] = k;
  b[n++] = 0x40, b[n++] = 0, b[n++] = 0, b[n++] = 40; /* func() -> t40 */
  size_t size = n - size_at - 2;
  b[size_at] = 0x80 | (size & 0x7f), b[size_at + 1] = (uint8_t)(size >> 7);
  const uint8_t imp[] = { 10, 6, 1, 0, 1, 'f', 1, 41 };
  memcpy(b + n, imp, sizeof imp);
  n += sizeof imp;
  cm_error err;
  cm_component *c = cm_decode(b, n, "t", &err);
  REQUIREF(c, "%s", err.line);
  FILE *null = fopen("/dev/null", "w");
  if (null) cm_describe(c, null), fclose(null);
  EQ(cm_item_type(c, CM_SORT_TYPE, 40)->nflat, 17); /* (more than 16) */
  cm_free(c);
}

/* whether n is where a top-level section of b ends (a prefix ending
** there is a complete, smaller component) */
static int section_end(const uint8_t *b, size_t len, size_t n) {
  size_t p = 8;
  while (p < len && p < n) {
    uint32_t size = 0;
    unsigned shift = 0;
    for (p++; p < len && shift < 35; shift += 7) {
      size |= (uint32_t)(b[p] & 0x7f) << shift;
      if (!(b[p++] & 0x80)) break;
    }
    p += size;
  }
  return p == n;
}

/* every prefix of a real component fails cleanly, except those that end
** with a section */
static void truncated(void) {
  const char *dir = getenv("CM_SAMPLES");
  char **v = list_wasm(dir);
  if (!v || !v[0]) {
    free(v);
    SKIP("no samples in $CM_SAMPLES");
  }
  size_t len;
  uint8_t *b = slurp(join(dir, v[0]), &len);
  for (size_t i = 0; v[i]; i++) free(v[i]);
  free(v);
  REQUIRE(b);
  size_t step = len / 300 + 1, tried = 0;
  for (size_t n = 0; n < len && !check_failing(); n += (n < 64 ? 1 : step)) {
    cm_error err;
    cm_component *c = cm_decode(b, n, "t", &err);
    if (n >= 8 && section_end(b, len, n)) {
      CHECKF(c, "prefix %zu (whole sections): %s", n, err.line);
    } else {
      CHECKF(!c, "a prefix of %zu bytes decoded", n);
      CHECKF(c || (err.status == VW_ERR_MALFORMED && err.offset <= n),
             "prefix %zu: %s", n, err.line);
      tried++;
    }
    cm_free(c);
  }
  CHECK(tried > 300);
  free(b);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "decode");
  run_dir("CM_SAMPLES", "samples", sample_case);
  run_dir("CM_VALID", "valid", valid_case);
  wat_dir = getenv("CM_WAT");
  run_dir("CM_INVALID", "invalid", invalid_case);
  check_run("bytes/preamble", preamble);
  check_run("bytes/leb", leb);
  check_run("bytes/lengths", lengths);
  check_run("bytes/utf8", utf8);
  check_run("bytes/order", order);
  check_run("bytes/type-dag", type_dag);
  check_run("bytes/truncated", truncated);
  return check_end();
}
