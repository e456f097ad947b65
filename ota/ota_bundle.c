/*
** ota_bundle.c — the bundle reader: opens a bundle, checks its signature
** BEFORE its manifest is parsed, checks the structure, and streams each
** file through SHA-256 (vy_bundle_verify) without holding it in memory.
**
** The layout (all integers little-endian):
**
**   offset       size  what
**   0            8     magic "VYOMAOTA"
**   8            4     u32 format: 1
**   12           4     u32 manifest length M, 1 .. 65536
**   16           M     the manifest text (ota_manifest.c)
**   16 + M       64    Ed25519 signature of bytes 0 .. 16 + M (the header
**                      too, so format and length are signed)
**   80 + M       ...   each file's bytes, in manifest order, back to back;
**                      the file ends right after the last one
**
** Nothing is trusted before the signature verifies: the header is only
** range-checked to know how much to read (at most 64 KiB + 80 bytes).
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ota_internal.h"

struct vy_bundle {
  int fd;
  char *path;
  uint64_t size; /* of the bundle file */
  ota_manifest m;
};

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static int read_at(int fd, void *buf, size_t n, uint64_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

/* the header's checks: magic, format, the manifest length in range and
** within the file */
static int check_header(vy_bundle *b, const uint8_t *h, uint32_t *mlen,
                        char *err, size_t errlen) {
  const char *p = b->path;
  if (memcmp(h, OTA_MAGIC, 8))
    return ota_err(err, errlen, "bundle %s: not a VyomaOS bundle (bad magic)",
                   p);
  uint32_t format = le32(h + 8);
  if (format != OTA_FORMAT)
    return ota_err(err, errlen,
                   "bundle %s: format %u is not supported (this system reads "
                   "format %d)",
                   p, format, OTA_FORMAT);
  *mlen = le32(h + 12);
  if (*mlen == 0 || *mlen > OTA_MANIFEST_MAX)
    return ota_err(err, errlen,
                   "bundle %s: manifest length %u is out of range (1..%d)", p,
                   *mlen, OTA_MANIFEST_MAX);
  if (b->size < (uint64_t)OTA_HEADER + *mlen + OTA_SIG)
    return ota_err(err, errlen,
                   "bundle %s: truncated in its manifest or signature (%llu "
                   "bytes)",
                   p, (unsigned long long)b->size);
  return 0;
}

/* the files' offsets, each within the file, and nothing after the last */
static int check_layout(vy_bundle *b, uint64_t start, char *err,
                        size_t errlen) {
  uint64_t off = start;
  for (size_t i = 0; i < b->m.nfiles; i++) {
    ota_file *f = &b->m.files[i];
    f->offset = off;
    if (f->size > b->size - off) /* off <= size holds here */
      return ota_err(err, errlen,
                     "bundle %s: file %s (%llu bytes) runs past the end of "
                     "the bundle (%llu bytes)",
                     b->path, f->path, (unsigned long long)f->size,
                     (unsigned long long)b->size);
    off += f->size;
  }
  if (off != b->size)
    return ota_err(err, errlen, "bundle %s: %llu bytes after the last file",
                   b->path, (unsigned long long)(b->size - off));
  return 0;
}

/* reads header, manifest and signature; verifies; parses; checks layout */
static int load(vy_bundle *b, const uint8_t pubkey[32], char *err,
                size_t errlen) {
  uint8_t h[OTA_HEADER];
  uint32_t mlen = 0;
  if (b->size < OTA_HEADER)
    return ota_err(err, errlen,
                   "bundle %s: truncated in its header (%llu "
                   "bytes)",
                   b->path, (unsigned long long)b->size);
  if (read_at(b->fd, h, sizeof h, 0) < 0)
    return ota_err(err, errlen, "bundle %s: cannot read: %s", b->path,
                   strerror(errno ? errno : EIO));
  if (check_header(b, h, &mlen, err, errlen) < 0) return -1;
  uint8_t *head = malloc(OTA_HEADER + (size_t)mlen + OTA_SIG);
  if (!head) return ota_err(err, errlen, "bundle %s: out of memory", b->path);
  int rc = -1;
  if (read_at(b->fd, head, OTA_HEADER + (size_t)mlen + OTA_SIG, 0) < 0) {
    ota_err(err, errlen, "bundle %s: cannot read its manifest", b->path);
  } else if (crypto_sign_verify_detached(head + OTA_HEADER + mlen, head,
                                         OTA_HEADER + (size_t)mlen,
                                         pubkey) != 0) {
    ota_err(err, errlen,
            "bundle %s: signature does not verify (wrong key or tampered "
            "manifest)",
            b->path);
  } else {
    char why[400];
    if (ota_manifest_parse((char *)head + OTA_HEADER, mlen, &b->m, why,
                           sizeof why) < 0)
      ota_err(err, errlen, "bundle %s: %s", b->path, why);
    else
      rc = check_layout(b, (uint64_t)OTA_HEADER + mlen + OTA_SIG, err, errlen);
  }
  free(head);
  return rc;
}

int vy_bundle_open(const char *path, const uint8_t pubkey[32], vy_bundle **out,
                   char *err, size_t errlen) {
  *out = NULL;
  if (ota_sodium(err, errlen) < 0) return -1;
  vy_bundle *b = calloc(1, sizeof *b);
  if (!b || !(b->path = strdup(path))) {
    free(b);
    return ota_err(err, errlen, "bundle %s: out of memory", path);
  }
  /* O_NONBLOCK: a fifo handed over as a bundle must not hang the open */
  b->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat sb;
  if (b->fd < 0 || fstat(b->fd, &sb) < 0) {
    ota_err(err, errlen, "bundle %s: %s", path, strerror(errno));
  } else if (!S_ISREG(sb.st_mode)) {
    ota_err(err, errlen, "bundle %s: not a regular file", path);
  } else {
    b->size = (uint64_t)sb.st_size;
    if (load(b, pubkey, err, errlen) == 0) {
      *out = b;
      return 0;
    }
  }
  vy_bundle_close(b);
  return -1;
}

void vy_bundle_close(vy_bundle *b) {
  if (!b) return;
  if (b->fd >= 0) close(b->fd);
  ota_manifest_free(&b->m);
  free(b->path);
  free(b);
}

void vy_bundle_info_get(const vy_bundle *b, vy_bundle_info *out) {
  memset(out, 0, sizeof *out);
  out->format = b->m.format;
  snprintf(out->version, sizeof out->version, "%s", b->m.version);
  snprintf(out->arch, sizeof out->arch, "%s", b->m.arch);
  out->profiles = (const char *const *)b->m.profiles;
  out->nprofiles = b->m.nprofiles;
  out->nfiles = b->m.nfiles;
  out->payload_bytes = b->m.payload;
}

int vy_bundle_file(const vy_bundle *b, size_t i, const char **path,
                   uint64_t *size) {
  if (i >= b->m.nfiles) return -1;
  if (path) *path = b->m.files[i].path;
  if (size) *size = b->m.files[i].size;
  return 0;
}

const ota_manifest *ota_bundle_manifest(const vy_bundle *b) { return &b->m; }
const char *ota_bundle_path(const vy_bundle *b) { return b->path; }

ssize_t ota_bundle_pread(const vy_bundle *b, size_t i, uint64_t off, void *buf,
                         size_t n) {
  const ota_file *f = &b->m.files[i];
  if (off >= f->size) return 0;
  if (n > f->size - off) n = (size_t)(f->size - off);
  for (;;) {
    ssize_t r = pread(b->fd, buf, n, (off_t)(f->offset + off));
    if (r >= 0 || errno != EINTR) return r;
  }
}

/* file i through SHA-256 into sha */
static int hash_file(vy_bundle *b, size_t i, uint8_t *buf, uint8_t sha[32]) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (uint64_t off = 0; off < b->m.files[i].size;) {
    ssize_t r = ota_bundle_pread(b, i, off, buf, OTA_CHUNK);
    if (r <= 0) return -1; /* cut short (the file shrank since open) */
    crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
    off += (uint64_t)r;
  }
  crypto_hash_sha256_final(&st, sha);
  return 0;
}

int vy_bundle_verify(vy_bundle *b, char *err, size_t errlen) {
  uint8_t *buf = malloc(OTA_CHUNK);
  if (!buf) return ota_err(err, errlen, "bundle %s: out of memory", b->path);
  int rc = 0;
  for (size_t i = 0; i < b->m.nfiles && rc == 0; i++) {
    uint8_t sha[32];
    if (hash_file(b, i, buf, sha) < 0)
      rc = ota_err(err, errlen, "bundle %s: file %s is cut short", b->path,
                   b->m.files[i].path);
    else if (sodium_memcmp(sha, b->m.files[i].sha, 32) != 0)
      rc = ota_err(err, errlen,
                   "bundle %s: file %s does not match its SHA-256 in the "
                   "manifest",
                   b->path, b->m.files[i].path);
  }
  free(buf);
  return rc;
}

int vy_bundle_manifest_text(const char *path, char **text, size_t *len,
                            char *err, size_t errlen) {
  vy_bundle b = { .fd = -1, .path = (char *)path };
  *text = NULL;
  uint8_t h[OTA_HEADER];
  uint32_t mlen = 0;
  struct stat sb;
  int rc = -1;
  b.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (b.fd < 0 || fstat(b.fd, &sb) < 0) {
    ota_err(err, errlen, "bundle %s: %s", path, strerror(errno));
  } else if ((b.size = (uint64_t)sb.st_size) < OTA_HEADER ||
             read_at(b.fd, h, sizeof h, 0) < 0) {
    ota_err(err, errlen, "bundle %s: truncated in its header", path);
  } else if (check_header(&b, h, &mlen, err, errlen) == 0) {
    if (!(*text = malloc(mlen + 1))) {
      ota_err(err, errlen, "bundle %s: out of memory", path);
    } else if (read_at(b.fd, *text, mlen, OTA_HEADER) < 0) {
      ota_err(err, errlen, "bundle %s: cannot read its manifest", path);
    } else {
      (*text)[mlen] = 0;
      *len = mlen;
      rc = 0;
    }
  }
  if (b.fd >= 0) close(b.fd);
  if (rc < 0) {
    free(*text);
    *text = NULL;
  }
  return rc;
}
