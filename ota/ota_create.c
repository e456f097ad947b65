/*
** ota_create.c — the bundle writer (the host side, vyoma-bundle create):
** walks a slot tree, refusing links and special files, hashes each file,
** signs header + manifest with Ed25519 and writes OUT.tmp, then renames
** it over OUT.  Also the key pair.  The layout is in ota_bundle.c.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ota_internal.h"

int vy_ota_keygen(uint8_t public_key[32], uint8_t secret_key[64]) {
  if (ota_sodium(NULL, 0) < 0) return -1;
  return crypto_sign_keypair(public_key, secret_key) == 0 ? 0 : -1;
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

int ota_write_signed_head(FILE *out, uint32_t format, const char *manifest,
                          size_t mlen, const uint8_t secret_key[64]) {
  if (ota_sodium(NULL, 0) < 0 || mlen > UINT32_MAX) return -1;
  uint8_t *head = malloc(OTA_HEADER + mlen + OTA_SIG);
  if (!head) return -1;
  memcpy(head, OTA_MAGIC, 8);
  put32(head + 8, format);
  put32(head + 12, (uint32_t)mlen);
  memcpy(head + OTA_HEADER, manifest, mlen);
  int rc = crypto_sign_detached(head + OTA_HEADER + mlen, NULL, head,
                                OTA_HEADER + mlen, secret_key);
  if (rc == 0 && fwrite(head, 1, OTA_HEADER + mlen + OTA_SIG, out) !=
                     OTA_HEADER + mlen + OTA_SIG)
    rc = -1;
  free(head);
  return rc;
}

/* ---- the tree walk ---- */

typedef struct walk {
  const char *tree;
  ota_manifest *m;
  char *err;
  size_t errlen;
} walk;

/* rel's bytes through SHA-256 (and its size as read); fails on a change */
static int hash_path(const char *full, ota_file *f, char *err, size_t errlen) {
  int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ota_err(err, errlen, "%s: %s", full, strerror(errno));
  uint8_t buf[16384];
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  uint64_t total = 0;
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) {
    crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
    total += (uint64_t)r;
  }
  int e = errno;
  close(fd);
  if (r < 0) return ota_err(err, errlen, "%s: %s", full, strerror(e));
  if (total != f->size)
    return ota_err(err, errlen, "%s: changed while being read", full);
  crypto_hash_sha256_final(&st, f->sha);
  return 0;
}

static int add_file(walk *w, const char *rel, const struct stat *sb) {
  ota_manifest *m = w->m;
  const char *why = ota_path_problem(rel);
  if (why)
    return ota_err(w->err, w->errlen, "%s/%s: the path %s", w->tree, rel, why);
  if (m->nfiles >= OTA_FILES_MAX)
    return ota_err(w->err, w->errlen, "%s: more than %d files", w->tree,
                   OTA_FILES_MAX);
  if ((uint64_t)sb->st_size > OTA_FILE_MAX)
    return ota_err(w->err, w->errlen, "%s/%s: larger than 1 TiB", w->tree, rel);
  ota_file *f = ota_manifest_add(m, rel, (uint64_t)sb->st_size);
  if (!f) return ota_err(w->err, w->errlen, "out of memory");
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", w->tree, rel);
  return hash_path(full, f, w->err, w->errlen);
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(walk *w, const char *rel, int depth);

/* one entry of folder rel */
static int walk_entry(walk *w, const char *rel, const char *name, int depth) {
  char sub[OTA_PATH_MAX + 2], full[4096];
  if (snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name) >
      OTA_PATH_MAX)
    return ota_err(w->err, w->errlen, "%s/%s/%s: path longer than 255 bytes",
                   w->tree, rel, name);
  snprintf(full, sizeof full, "%s/%s", w->tree, sub);
  struct stat sb;
  if (lstat(full, &sb) < 0)
    return ota_err(w->err, w->errlen, "%s: %s", full, strerror(errno));
  if (S_ISLNK(sb.st_mode))
    return ota_err(w->err, w->errlen,
                   "%s: a symbolic link (a bundle carries no links)", full);
  if (S_ISDIR(sb.st_mode)) return walk_dir(w, sub, depth + 1);
  if (!S_ISREG(sb.st_mode))
    return ota_err(w->err, w->errlen,
                   "%s: not a regular file or folder (device, socket or fifo)",
                   full);
  return add_file(w, sub, &sb);
}

/* the folder's names, sorted so that the same tree gives the same bundle */
static int walk_dir(walk *w, const char *rel, int depth) {
  char full[4096];
  snprintf(full, sizeof full, "%s%s%s", w->tree, *rel ? "/" : "", rel);
  if (depth > 64) return ota_err(w->err, w->errlen, "%s: too deep", full);
  DIR *d = opendir(full);
  if (!d) return ota_err(w->err, w->errlen, "%s: %s", full, strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n == cap) {
      char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *nn);
      if (!nn)
        rc = ota_err(w->err, w->errlen, "out of memory");
      else
        names = nn;
    }
    if (rc == 0 && !(names[n++] = strdup(e->d_name)))
      rc = ota_err(w->err, w->errlen, "out of memory"), n--;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_name);
  for (size_t i = 0; i < n && rc == 0; i++)
    rc = walk_entry(w, rel, names[i], depth);
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return rc;
}

/* file f's bytes from the tree to out, checked against its hash again */
static int copy_file(const char *tree, const ota_file *f, FILE *out, char *err,
                     size_t errlen) {
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", tree, f->path);
  FILE *in = fopen(full, "rb");
  if (!in) return ota_err(err, errlen, "%s: %s", full, strerror(errno));
  uint8_t buf[16384], sha[32];
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  uint64_t total = 0;
  size_t r;
  int rc = 0;
  while (rc == 0 && (r = fread(buf, 1, sizeof buf, in)) > 0) {
    crypto_hash_sha256_update(&st, buf, r);
    total += r;
    if (fwrite(buf, 1, r, out) != r) rc = -1;
  }
  if (ferror(in)) rc = ota_err(err, errlen, "%s: read error", full);
  fclose(in);
  if (rc < 0) return err && *err ? -1 : ota_err(err, errlen, "write error");
  crypto_hash_sha256_final(&st, sha);
  if (total != f->size || memcmp(sha, f->sha, 32))
    return ota_err(err, errlen, "%s: changed while the bundle was written",
                   full);
  return 0;
}

/* header, manifest, signature and files into tmp, synced */
static int write_bundle(const char *tree, const ota_manifest *m,
                        const char *text, size_t len, const uint8_t sk[64],
                        const char *tmp, char *err, size_t errlen) {
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  FILE *out = fd < 0 ? NULL : fdopen(fd, "wb");
  if (!out) {
    if (fd >= 0) close(fd);
    return ota_err(err, errlen, "%s: %s", tmp, strerror(errno));
  }
  if (err && errlen) err[0] = 0;
  int rc = ota_write_signed_head(out, OTA_FORMAT, text, len, sk);
  if (rc < 0) ota_err(err, errlen, "%s: cannot write or sign", tmp);
  for (size_t i = 0; i < m->nfiles && rc == 0; i++)
    rc = copy_file(tree, &m->files[i], out, err, errlen);
  if (rc == 0 && (fflush(out) != 0 || fsync(fileno(out)) != 0))
    rc = ota_err(err, errlen, "%s: %s", tmp, strerror(errno));
  if (fclose(out) != 0 && rc == 0)
    rc = ota_err(err, errlen, "%s: %s", tmp, strerror(errno));
  return rc;
}

/* the manifest of spec and the tree's files, checked by the parser that
** devices use, so that no bundle is made that a device would refuse */
static int build_manifest(const char *tree, const vy_bundle_spec *spec,
                          ota_manifest *m, char **text, size_t *len, char *err,
                          size_t errlen) {
  memset(m, 0, sizeof *m);
  m->format = OTA_FORMAT;
  if (!vy_ota_version_valid(spec->version))
    return ota_err(err, errlen, "bad version \"%s\" (digits and dots: 1.2.3)",
                   spec->version);
  snprintf(m->version, sizeof m->version, "%s", spec->version);
  if (strlen(spec->arch) >= sizeof m->arch)
    return ota_err(err, errlen, "bad arch \"%s\"", spec->arch);
  strcpy(m->arch, spec->arch);
  if (spec->nprofiles == 0 || spec->nprofiles > OTA_PROFILES_MAX)
    return ota_err(err, errlen, "1 to %d profiles, not %zu", OTA_PROFILES_MAX,
                   spec->nprofiles);
  for (size_t i = 0; i < spec->nprofiles; i++, m->nprofiles++)
    if (!(m->profiles[i] = strdup(spec->profiles[i])))
      return ota_err(err, errlen, "out of memory");
  walk w = { tree, m, err, errlen };
  struct stat sb;
  if (stat(tree, &sb) < 0 || !S_ISDIR(sb.st_mode))
    return ota_err(err, errlen, "%s: not a folder", tree);
  if (walk_dir(&w, "", 0) < 0) return -1;
  if (!(*text = ota_manifest_format(m, len)))
    return ota_err(err, errlen, "out of memory");
  ota_manifest check;
  char why[400];
  if (ota_manifest_parse(*text, *len, &check, why, sizeof why) < 0)
    return ota_err(err, errlen, "%s: %s", tree, why);
  ota_manifest_free(&check);
  return 0;
}

int vy_bundle_create(const char *tree, const vy_bundle_spec *spec,
                     const uint8_t secret_key[64], const char *out_path,
                     char *err, size_t errlen) {
  if (ota_sodium(err, errlen) < 0) return -1;
  ota_manifest m;
  char *text = NULL, tmp[4096];
  size_t len = 0;
  int rc = build_manifest(tree, spec, &m, &text, &len, err, errlen);
  if (rc == 0 && len > OTA_MANIFEST_MAX)
    rc = ota_err(err, errlen, "%s: the manifest is %zu bytes (at most %d)",
                 tree, len, OTA_MANIFEST_MAX);
  if (rc == 0 &&
      snprintf(tmp, sizeof tmp, "%s.tmp", out_path) >= (int)sizeof tmp)
    rc = ota_err(err, errlen, "%s: path too long", out_path);
  if (rc == 0) {
    rc = write_bundle(tree, &m, text, len, secret_key, tmp, err, errlen);
    if (rc == 0 && rename(tmp, out_path) < 0)
      rc = ota_err(err, errlen, "%s: %s", out_path, strerror(errno));
    if (rc < 0) unlink(tmp);
  }
  free(text);
  ota_manifest_free(&m);
  return rc;
}
