/*
** ota_test.h — what the ota test programs share: scratch folders, slot
** trees, a test key pair, bundles, a folder's fingerprint (listing, modes,
** sizes and hashes) and the check that a slot folder is exactly a
** bundle's files.
*/
#ifndef VY_OTA_TEST_H
#define VY_OTA_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../ota/ota.h"
#include "../../ota/ota_internal.h"
#include "../check.h"

static uint8_t t_pk[32], t_sk[64], t_pk2[32], t_sk2[64];

static __attribute__((unused)) void t_keys(void) {
  if (vy_ota_keygen(t_pk, t_sk) < 0 || vy_ota_keygen(t_pk2, t_sk2) < 0) {
    printf("FAIL keygen\n");
    exit(1);
  }
}

/* a new scratch folder (the caller frees the name) */
static __attribute__((unused)) char *t_tmpdir(const char *tag) {
  const char *base = getenv("TMPDIR");
  char *p = malloc(4096);
  snprintf(p, 4096, "%s/vyota-%s-XXXXXX", base && *base ? base : "/tmp", tag);
  if (!mkdtemp(p)) {
    printf("FAIL mkdtemp %s: %s\n", p, strerror(errno));
    exit(1);
  }
  return p;
}

static int t_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static __attribute__((unused)) int t_sh(const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* dir/rel with its folders, holding len bytes of data */
static __attribute__((unused)) void t_write(const char *dir, const char *rel,
                                            const void *data, size_t len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
    *p = 0;
    mkdir(path, 0755);
    *p = '/';
  }
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len)
    printf("    cannot write %s\n", path);
  if (f) fclose(f);
}

/* a slot tree whose bytes depend on tag; extra bytes of payload in a
** file of its own (bench: 1 MiB, 16 MiB) */
static __attribute__((unused)) char *t_tree(const char *tag, size_t extra) {
  char *dir = t_tmpdir("tree");
  char buf[256];
  int n = snprintf(buf, sizeof buf, "#!/bin/sh\necho vyomad %s\n", tag);
  t_write(dir, "vyomad", buf, (size_t)n);
  char wasm[40] = { 0, 'a', 's', 'm' }; /* the bytes of a module's magic */
  snprintf(wasm + 4, sizeof wasm - 4, " clock %s", tag);
  t_write(dir, "apps/clock/clock.wasm", wasm, 4 + strlen(wasm + 4));
  n = snprintf(buf, sizeof buf, "[app]\nname = \"clock\"\n# %s\n", tag);
  t_write(dir, "apps/clock/vyoma.toml", buf, (size_t)n);
  n = snprintf(buf, sizeof buf, "[profile]\nname = \"default\"\n# %s\n", tag);
  t_write(dir, "profiles/default.toml", buf, (size_t)n);
  if (extra) {
    char *big = malloc(extra);
    for (size_t i = 0; i < extra; i++) big[i] = (char)(i * 131 + tag[0]);
    t_write(dir, "apps/big/big.wasm", big, extra);
    free(big);
  }
  return dir;
}

/* a bundle of a tree for "default" on x86_64, signed with sk */
static __attribute__((unused)) char *t_bundle_of(const char *tree,
                                                 const char *version,
                                                 const uint8_t *sk) {
  char *out = malloc(4096), err[512];
  snprintf(out, 4096, "%s.vyb", tree);
  const char *profiles[] = { "default", "lab" };
  vy_bundle_spec spec = { version, "x86_64", profiles, 2 };
  if (vy_bundle_create(tree, &spec, sk, out, err, sizeof err) < 0)
    printf("    vy_bundle_create: %s\n", err);
  return out;
}

static __attribute__((unused)) char *t_bundle(const char *version) {
  char *tree = t_tree(version, 0);
  char *b = t_bundle_of(tree, version, t_sk);
  t_sh("rm -rf '%s'", tree);
  free(tree);
  return b;
}

/* a folder's fingerprint: every entry's type, mode and size, every file's
** hash (malloc'd text) */
static __attribute__((unused)) char *t_fingerprint(const char *dir) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && find . -printf '%%p %%y %%m %%s\\n' | sort && "
           "find . -type f -print0 | sort -z | xargs -0r sha256sum",
           dir);
  FILE *p = popen(cmd, "r");
  size_t cap = 1 << 16, len = 0;
  char *s = calloc(1, cap);
  if (!p) return s;
  size_t r;
  while ((r = fread(s + len, 1, cap - 1 - len, p)) > 0) {
    len += r;
    if (len + 1 == cap) s = realloc(s, cap *= 2);
  }
  s[len] = 0;
  pclose(p);
  return s;
}

/* whether OTADIR/slot-X holds exactly the bundle's files, their bytes and
** modes; why not in why */
static __attribute__((unused)) bool t_slot_is(const char *otadir, int slot,
                                              const char *bundle, char *why,
                                              size_t n) {
  vy_bundle *b;
  char err[512], path[4096];
  if (vy_bundle_open(bundle, t_pk, &b, err, sizeof err) < 0) {
    snprintf(why, n, "%s", err);
    return false;
  }
  const ota_manifest *m = ota_bundle_manifest(b);
  bool ok = true;
  for (size_t i = 0; i < m->nfiles && ok; i++) {
    snprintf(path, sizeof path, "%s/%s/%s", otadir, vy_ota_slot_name(slot),
             m->files[i].path);
    struct stat sb;
    FILE *f = fopen(path, "rb");
    uint8_t sha[32], buf[8192];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    size_t r;
    while (f && (r = fread(buf, 1, sizeof buf, f)) > 0)
      crypto_hash_sha256_update(&st, buf, r);
    crypto_hash_sha256_final(&st, sha);
    if (!f || stat(path, &sb) < 0) {
      snprintf(why, n, "%.400s: missing", path);
      ok = false;
    } else if ((uint64_t)sb.st_size != m->files[i].size ||
               memcmp(sha, m->files[i].sha, 32)) {
      snprintf(why, n, "%.400s: not the bundle's bytes", path);
      ok = false;
    } else if ((sb.st_mode & 07777) != ota_file_mode(m->files[i].path)) {
      snprintf(why, n, "%.400s: mode %o", path, sb.st_mode & 07777);
      ok = false;
    }
    if (f) fclose(f);
  }
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "test $(find '%s/%s' -type f | wc -l) = %zu",
           otadir, vy_ota_slot_name(slot), m->nfiles);
  if (ok && t_sh("%s", cmd) != 0) {
    snprintf(why, n, "%.400s: files other than the bundle's", cmd);
    ok = false;
  }
  vy_bundle_close(b);
  return ok;
}

/* an env for OTADIR on the default profile */
static __attribute__((unused)) vy_ota_env t_env(const char *otadir) {
  vy_ota_env e = { otadir, t_pk, "default", "x86_64", NULL, false };
  return e;
}

/* bundle applied, booted and committed: the running system; 0 or -1 */
static __attribute__((unused)) int t_install(const char *otadir,
                                             const char *bundle) {
  vy_ota_env env = t_env(otadir);
  vy_ota_state st;
  char err[512];
  int slot;
  if (vy_ota_apply(&env, bundle, &slot, err, sizeof err) < 0 ||
      vy_ota_boot_select(otadir, &st, err, sizeof err) != slot ||
      vy_ota_commit(otadir, err, sizeof err) < 0) {
    printf("    t_install %s: %s\n", bundle, err);
    return -1;
  }
  return 0;
}

#endif
