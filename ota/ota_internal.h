/*
** ota_internal.h — what the files of ota/ share and nothing else includes
** (except the ota tests and the bundle fuzzer): the fault-point layer
** (ota_io.c), the manifest's parser and path rules (ota_manifest.c), the
** bundle reader's byte access for the slot writer, small formatting
** helpers (ota_util.c).
*/
#ifndef VY_OTA_INTERNAL_H
#define VY_OTA_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

#include "ota.h"

#define OTA_FORMAT       1
#define OTA_MAGIC        "VYOMAOTA"
#define OTA_HEADER       16 /* magic, u32 format, u32 manifest length */
#define OTA_SIG          64
#define OTA_MANIFEST_MAX (64 * 1024)
#define OTA_FILES_MAX    4096
#define OTA_PROFILES_MAX 32
#define OTA_PATH_MAX     255
#define OTA_FILE_MAX     ((uint64_t)1 << 40) /* 1 TiB: sums cannot wrap */
#define OTA_CHUNK        (64 * 1024)         /* streaming buffer        */

/* ---- ota_util.c ---- */
/* snprintf into err (when errlen > 0); always returns -1 */
int ota_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ota_hex(const uint8_t *in, size_t n, char *out);  /* out: 2n + 1 */
int ota_unhex(const char *in, size_t n, uint8_t *out); /* 2n hex digits */
int ota_sodium(char *err, size_t errlen);              /* sodium_init once */

/* ---- ota_manifest.c ---- */
typedef struct ota_file {
  char *path;
  uint64_t size;
  uint64_t offset; /* in the bundle file */
  uint8_t sha[32];
} ota_file;

typedef struct ota_manifest {
  uint32_t format;
  char version[VY_OTA_VERSION_MAX + 1];
  char arch[16];
  char *profiles[OTA_PROFILES_MAX];
  size_t nprofiles;
  ota_file *files;
  size_t nfiles;
  uint64_t payload;
} ota_manifest;

/* Parses len bytes of manifest text (every rule, paths included); on error
** err says which line and why.  ota_manifest_free releases what it holds. */
int ota_manifest_parse(const char *text, size_t len, ota_manifest *m, char *err,
                       size_t errlen);
void ota_manifest_free(ota_manifest *m);
/* a file appended (path copied, size added to the payload; the hash is
** the caller's); NULL when out of memory or past OTA_FILES_MAX */
ota_file *ota_manifest_add(ota_manifest *m, const char *path, uint64_t size);
/* The path rules: NULL when fine, else why not */
const char *ota_path_problem(const char *path);
/* Duplicates and a file under another file's path, over n paths: NULL or
** why (naming the paths in buf) */
const char *ota_paths_conflict(char *const *paths, size_t n, char *buf,
                               size_t len);
/* The manifest text of a bundle (ota_create.c writes it this way) */
char *ota_manifest_format(const ota_manifest *m, size_t *len);
/* The mode a slot file gets: 0755 for the supervisor binary, else 0644 */
mode_t ota_file_mode(const char *path);

/* ---- ota_bundle.c (for ota_slot.c) ---- */
const ota_manifest *ota_bundle_manifest(const vy_bundle *b);
const char *ota_bundle_path(const vy_bundle *b);
/* pread of file i's bytes at off (within the file): bytes read or -1 */
ssize_t ota_bundle_pread(const vy_bundle *b, size_t i, uint64_t off, void *buf,
                         size_t n);

/* ---- ota_create.c ---- */
/* Header, manifest and its signature to out (the caller appends the files'
** bytes): for vy_bundle_create, and for tests and the fuzzer, which build
** bundles that vy_bundle_create would refuse to. */
int ota_write_signed_head(FILE *out, uint32_t format, const char *manifest,
                          size_t mlen, const uint8_t secret_key[64]);

/* ---- ota_io.c: the fault points ----
** Every call is one point (see ota.h) named "N OP REL" in the log; rel is
** relative to dfd (OTADIR).  They return what the system call does, with
** errno (EIO for the point VYOMA_OTA_ERROR names). */
int ota_io_point(const char *op, const char *rel);
int ota_io_mkdir(int dfd, const char *rel, mode_t mode);
int ota_io_create(int dfd, const char *rel, mode_t mode, bool excl);
int ota_io_write(int fd, const char *rel, const void *buf, size_t n);
int ota_io_fsync(int fd, const char *rel);
int ota_io_fsync_dir(int dfd, const char *rel); /* opens rel, fsyncs it */
int ota_io_rename(int dfd, const char *from, const char *to);
int ota_io_unlink(int dfd, const char *rel);
int ota_io_rmdir(int dfd, const char *rel);
/* rm -rf of rel under dfd (never following a link); 0 when it is gone */
int ota_io_remove_tree(int dfd, const char *rel);

#endif
