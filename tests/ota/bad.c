/*
** tests/ota/bad.c — bundles that must be refused, each with its own
** message, and OTADIR exactly as before (listing, modes, sizes, hashes):
** a wrong key, flipped bits, truncations, the wrong profile, arch or
** version, path tricks, too many files, sizes past the end, a full disk
** (VYOMA_OTA_FREE_BYTES: a disk full without root), another format.
*/
#include "ota_test.h"

static char *ota, *scratch, *good; /* OTADIR: 1.0.0 committed in slot-a */
static size_t good_len;
static char *good_bytes;
static uint32_t good_mlen;
static char x_hex[65]; /* SHA-256 of the one byte "x" */

/* writes a bundle file from bytes */
static char *put(const char *name, const void *bytes, size_t len) {
  static char path[4200];
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(bytes, 1, len, f);
    fclose(f);
  }
  return path;
}

/* a signed bundle of a raw manifest (format in the header) and payload */
static char *raw(const char *name, uint32_t format, const char *manifest,
                 const void *payload, size_t plen) {
  static char path[4200];
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  FILE *f = fopen(path, "wb");
  if (!f) return path;
  ota_write_signed_head(f, format, manifest, strlen(manifest), t_sk);
  fwrite(payload, 1, plen, f);
  fclose(f);
  return path;
}

/* apply must fail with want in its message and leave OTADIR as it was */
static void refused(const char *label, const vy_ota_env *env,
                    const char *bundle, const char *want) {
  char err[1024];
  char *before = t_fingerprint(ota);
  int rc = vy_ota_apply(env, bundle, NULL, err, sizeof err);
  char *after = t_fingerprint(ota);
  CHECKF(rc < 0, "%s: applied", label);
  CHECKF(rc == 0 || strstr(err, want), "%s: want \"%s\", got \"%s\"", label,
         want, err);
  CHECKF(!strcmp(before, after), "%s: OTADIR changed", label);
  free(before);
  free(after);
}

static void flipped(void) {
  vy_ota_env env = t_env(ota);
  char *b = malloc(good_len);
  memcpy(b, good_bytes, good_len);
  b[good_len - 1] ^= 1; /* the last file's last byte */
  refused("file", &env, put("flip-file.vyb", b, good_len),
          "file vyomad does not match its SHA-256 in the manifest");
  memcpy(b, good_bytes, good_len);
  b[16 + 10] ^= 4;
  refused("manifest", &env, put("flip-manifest.vyb", b, good_len),
          "signature does not verify (wrong key or tampered manifest)");
  memcpy(b, good_bytes, good_len);
  b[16 + good_mlen + 5] ^= 1;
  refused("signature", &env, put("flip-sig.vyb", b, good_len),
          "signature does not verify");
  memcpy(b, good_bytes, good_len);
  b[12] ^= 1; /* the signed length */
  refused("length", &env, put("flip-len.vyb", b, good_len),
          "signature does not verify");
  memcpy(b, good_bytes, good_len);
  b[0] = 'X';
  refused("magic", &env, put("flip-magic.vyb", b, good_len), "bad magic");
  free(b);
}

static void wrong_key(void) {
  vy_ota_env env = t_env(ota);
  char *tree = t_tree("2.0.0", 0);
  char *b = t_bundle_of(tree, "2.0.0", t_sk2);
  refused("wrong-key", &env, b, "signature does not verify");
  t_sh("rm -rf '%s' '%s'", tree, b);
  free(tree);
  free(b);
}

static void truncated(void) {
  vy_ota_env env = t_env(ota);
  struct {
    size_t len;
    const char *want;
  } cut[] = {
    { 0, "truncated in its header (0 bytes)" },
    { 10, "truncated in its header (10 bytes)" },
    { 16 + good_mlen / 2, "truncated in its manifest or signature" },
    { 16 + good_mlen + 30, "truncated in its manifest or signature" },
    { good_len - 20, "runs past the end of the bundle" },
    { good_len - 1, "file vyomad (28 bytes) runs past the end" },
  };
  for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
    char label[32];
    snprintf(label, sizeof label, "cut-%zu", cut[i].len);
    refused(label, &env, put("cut.vyb", good_bytes, cut[i].len), cut[i].want);
  }
  char *more = malloc(good_len + 3);
  memcpy(more, good_bytes, good_len);
  refused("trailing", &env, put("more.vyb", more, good_len + 3),
          "3 bytes after the last file");
  free(more);
}

static void target(void) {
  vy_ota_env env = t_env(ota);
  env.profile = "kiosk";
  refused("profile", &env, good,
          "not for profile kiosk (it is for default, lab)");
  env = t_env(ota);
  env.arch = "aarch64";
  refused("arch", &env, good, "built for x86_64, this system is aarch64");
  env = t_env(ota);
  char *low = t_bundle("0.5.0"), *same = t_bundle("1.0");
  refused("lower", &env, low,
          "version 0.5.0 is not newer than the running 1.0.0");
  refused("equal", &env, same,
          "version 1.0 is not newer than the running 1.0.0");
  t_sh("rm -f '%s' '%s'", low, same);
  free(low);
  free(same);
}

static void disk_full(void) {
  vy_ota_env env = t_env(ota);
  setenv("VYOMA_OTA_FREE_BYTES", "1000000", 1);
  refused("full", &env, good, "needs 1041 KiB, 976 KiB free in");
  unsetenv("VYOMA_OTA_FREE_BYTES");
}

#define HEAD "format 1\nversion 2.0.0\narch x86_64\nprofile default\n"

/* a manifest of one file at path with the right hash of "x" */
static char *one_file(const char *name, const char *path) {
  static char m[1024];
  snprintf(m, sizeof m, HEAD "file 1 %s %s\n", x_hex, path);
  return raw(name, 1, m, "x", 1);
}

static void path_tricks(void) {
  vy_ota_env env = t_env(ota);
  struct {
    const char *path, *want;
  } t[] = {
    { "../x", "path ../x has a \".\" or \"..\" part" },
    { "/abs", "path /abs is absolute" },
    { "apps/../b", "path apps/../b has a \".\" or \"..\" part" },
    { "./a", "path ./a has a \".\" or \"..\" part" },
    { "apps//b", "path apps//b has an empty part" },
    { "", "path  is empty" },
    { "apps\\..\\x", "has a backslash" },
    { "apps/a\tb", "outside printable ASCII" },
    { "etc/passwd", "is not in a slot's layout" },
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    refused(t[i].path, &env, one_file("path.vyb", t[i].path), t[i].want);
  /* a file and a folder of the same name; the same path twice */
  const char *hex = x_hex;
  char m[1024];
  snprintf(m, sizeof m, HEAD "file 1 %s apps/a\nfile 1 %s apps/a/b\n", hex,
           hex);
  refused("file-and-dir", &env, raw("fd.vyb", 1, m, "xx", 2),
          "path apps/a/b lies under the file apps/a");
  snprintf(m, sizeof m, HEAD "file 1 %s apps/a\nfile 1 %s apps/a\n", hex, hex);
  refused("twice", &env, raw("twice.vyb", 1, m, "xx", 2),
          "path apps/a is listed twice");
  /* a NUL inside the signed manifest */
  char nul[] = HEAD
      "file 1 0000000000000000000000000000000000000000000000000000"
      "000000000000 apps/a\0b\n";
  char path[4200];
  snprintf(path, sizeof path, "%s/nul.vyb", scratch);
  FILE *f = fopen(path, "wb");
  ota_write_signed_head(f, 1, nul, sizeof nul - 1, t_sk);
  fputc('x', f);
  fclose(f);
  refused("nul", &env, path, "a NUL byte");
}

static void limits(void) {
  vy_ota_env env = t_env(ota);
  /* 4097 files cannot fit a 64 KiB manifest: its length is refused */
  size_t cap = 4097 * 100 + 100, n = 0;
  char *m = malloc(cap);
  n += (size_t)snprintf(m, cap, HEAD);
  for (int i = 0; i < 4097; i++)
    n += (size_t)snprintf(m + n, cap - n,
                          "file 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
                          "934ca495991b7852b855 apps/a/%d\n",
                          i);
  refused("too-many-files", &env, raw("many.vyb", 1, m, "", 0),
          "manifest length 343089 is out of range (1..65536)");
  /* ... and the parser's own limit */
  ota_manifest man;
  char err[256];
  CHECK(ota_manifest_parse(m, n, &man, err, sizeof err) < 0);
  CHECKF(strstr(err, "line 4101: more than 4096 files"), "%s", err);
  free(m);
  const char *hex = x_hex;
  char mm[1024];
  snprintf(mm, sizeof mm, HEAD "file 1000000 %s apps/a\n", hex);
  refused("size-past-end", &env, raw("big.vyb", 1, mm, "x", 1),
          "file apps/a (1000000 bytes) runs past the end of the bundle");
  snprintf(mm, sizeof mm,
           HEAD
           "file 1099511627776 %s apps/a\nfile "
           "1099511627776 %s apps/b\n",
           hex, hex);
  refused("huge-sizes", &env, raw("huge.vyb", 1, mm, "x", 1),
          "runs past the end of the bundle");
  snprintf(mm, sizeof mm, HEAD "file 1 %s apps/a\n", hex);
  refused("format-2", &env, raw("f2.vyb", 2, mm, "x", 1),
          "format 2 is not supported (this system reads format 1)");
  char head[16] = "VYOMAOTA\1\0\0\0\xa0\x86\x01\0"; /* M = 100000 */
  char *p = put("mlen.vyb", head, 16);
  FILE *f = fopen(p, "ab");
  for (int i = 0; i < 100100; i++) fputc('x', f);
  fclose(f);
  refused("manifest-length", &env, p, "manifest length 100000 is out of range");
  refused("missing", &env, "/nonexistent/x.vyb", "No such file");
  refused("folder", &env, scratch, "not a regular file");
}

int main(int argc, char **argv) {
  check_init(argc, argv, "bad");
  t_keys();
  uint8_t sha[32];
  crypto_hash_sha256(sha, (const uint8_t *)"x", 1);
  ota_hex(sha, 32, x_hex);
  char err[512];
  ota = t_tmpdir("bad-ota");
  scratch = t_tmpdir("bad");
  vy_ota_env env = t_env(ota);
  char *v1 = t_bundle("1.0.0");
  if (t_install(ota, v1) < 0) {
    printf("FAIL bad/setup\n");
    return 1;
  }
  good = t_bundle("2.0.0");
  FILE *f = fopen(good, "rb");
  good_bytes = malloc(1 << 20);
  good_len = fread(good_bytes, 1, 1 << 20, f);
  fclose(f);
  memcpy(&good_mlen, good_bytes + 12, 4);
  RUN(flipped);
  RUN(wrong_key);
  RUN(truncated);
  RUN(target);
  RUN(disk_full);
  RUN(path_tricks);
  RUN(limits);
  /* and the good one still applies */
  CASE("good", vy_ota_apply(&env, good, NULL, err, sizeof err) == 0, "%s", err);
  t_sh("rm -rf '%s' '%s' '%s' '%s'", ota, scratch, v1, good);
  free(v1);
  free(good);
  free(good_bytes);
  free(ota);
  free(scratch);
  return check_end();
}
