/*
** ota_slot.c — vy_ota_apply: a verified bundle into the slot not running.
**
** Nothing is written until the bundle has passed every check (signature,
** every hash, profile, arch, version, free space).  Then, each step safe
** against a cut just before any write (ota_io.c):
**
**   1. remove a leftover OTADIR/slot-X.new (a cut apply's)
**   2. write slot-X.new/: folders, each file created O_EXCL with its mode
**      and re-hashed as it is copied, each file and folder fsynced
**   3. mark slot X not bootable in the state, saved (if it was bootable)
**      so a cut while it is replaced never boots a half slot
**   4. remove slot-X, fsync OTADIR; rename slot-X.new -> slot-X, fsync
**   5. save the state with slot X on trial
**
** A slot folder therefore exists only complete: boot_select trusts a
** folder it finds for a slot the state calls bootable.
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ota_internal.h"

#define SPACE_MARGIN (1024 * 1024) /* + 4 KiB a file: blocks, folders */

typedef struct apply {
  const vy_ota_env *env;
  vy_bundle *b;
  int dfd; /* OTADIR */
  int slot;
  char dir[16], newdir[24]; /* "slot-b", "slot-b.new" */
  char *err;
  size_t errlen;
} apply;

static int sys_fail(apply *a, const char *what) {
  return ota_err(a->err, a->errlen, "%s/%s: %s", a->env->otadir, what,
                 strerror(errno));
}

/* ---- the checks ---- */

static int check_target(apply *a, const vy_bundle_info *in) {
  const vy_ota_env *env = a->env;
  const char *p = ota_bundle_path(a->b);
  bool ok = false;
  for (size_t i = 0; i < in->nprofiles; i++)
    ok |= env->profile && !strcmp(in->profiles[i], env->profile);
  if (!ok) {
    char list[256] = "";
    for (size_t i = 0, n = 0; i < in->nprofiles && n < sizeof list; i++)
      n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                            in->profiles[i]);
    return ota_err(a->err, a->errlen,
                   "bundle %s: not for profile %s (it is for %s)", p,
                   env->profile ? env->profile : "(none)", list);
  }
  if (!env->arch || strcmp(in->arch, env->arch))
    return ota_err(a->err, a->errlen,
                   "bundle %s: built for %s, this system is %s", p, in->arch,
                   env->arch ? env->arch : "(unknown)");
  return 0;
}

static int check_version(apply *a, const vy_bundle_info *in,
                         const char *running) {
  if (a->env->allow_downgrade || !running || !*running) return 0;
  if (vy_ota_version_cmp(in->version, running) > 0) return 0;
  return ota_err(a->err, a->errlen,
                 "bundle %s: version %s is not newer than the running %s",
                 ota_bundle_path(a->b), in->version, running);
}

/* statvfs, or VYOMA_OTA_FREE_BYTES (tests: a full disk without root) */
static int check_space(apply *a, const vy_bundle_info *in) {
  uint64_t need =
      in->payload_bytes + SPACE_MARGIN + 4096 * (uint64_t)in->nfiles;
  uint64_t avail;
  const char *fake = getenv("VYOMA_OTA_FREE_BYTES");
  struct statvfs sv;
  if (fake && *fake) {
    avail = strtoull(fake, NULL, 10);
  } else if (fstatvfs(a->dfd, &sv) == 0) {
    avail = (uint64_t)sv.f_bavail * sv.f_frsize;
  } else {
    return sys_fail(a, ".");
  }
  if (need <= avail) return 0;
  return ota_err(
      a->err, a->errlen, "bundle %s: needs %llu KiB, %llu KiB free in %s",
      ota_bundle_path(a->b), (unsigned long long)(need + 1023) / 1024,
      (unsigned long long)avail / 1024, a->env->otadir);
}

/* the running slot must be settled before another update */
static int check_running(apply *a, const vy_ota_state *st) {
  if (st->booted < 0 || st->slot[st->booted].successful) return 0;
  const vy_ota_slot *s = &st->slot[st->booted];
  if (s->priority)
    return ota_err(a->err, a->errlen,
                   "%s is on trial (%s): commit or roll back first",
                   vy_ota_slot_name(st->booted), s->version);
  return ota_err(a->err, a->errlen,
                 "%s failed its trial (%s): reboot into the previous system "
                 "first",
                 vy_ota_slot_name(st->booted), s->version);
}

/* the slot an update goes to: not the running one; from the factory
** system, the one of lower priority */
static int target_slot(const vy_ota_state *st) {
  if (st->booted >= 0) return 1 - st->booted;
  return st->slot[1].priority < st->slot[0].priority ? 1 : 0;
}

/* every check, nothing written */
static int check_all(apply *a, const vy_ota_state *st, const char *path) {
  if (check_running(a, st) < 0) return -1;
  if (vy_bundle_open(path, a->env->pubkey, &a->b, a->err, a->errlen) < 0 ||
      vy_bundle_verify(a->b, a->err, a->errlen) < 0)
    return -1;
  vy_bundle_info in;
  vy_bundle_info_get(a->b, &in);
  const char *running = a->env->running_version;
  if (!running)
    running =
        st->booted >= 0 ? st->slot[st->booted].version : st->factory_version;
  if (check_target(a, &in) < 0 || check_version(a, &in, running) < 0) return -1;
  return check_space(a, &in);
}

/* ---- writing slot-X.new ---- */

typedef struct dirlist {
  char **dirs; /* created, parents first */
  size_t n;
} dirlist;

/* the folders of rel's path under slot-X.new, created when missing */
static int make_parents(apply *a, const char *rel, dirlist *dl) {
  char sub[OTA_PATH_MAX + 32];
  int base = snprintf(sub, sizeof sub, "%s/", a->newdir);
  for (const char *q = strchr(rel, '/'); q; q = strchr(q + 1, '/')) {
    snprintf(sub + base, sizeof sub - (size_t)base, "%.*s", (int)(q - rel),
             rel);
    struct stat sb;
    if (fstatat(a->dfd, sub, &sb, AT_SYMLINK_NOFOLLOW) == 0) continue;
    if (ota_io_mkdir(a->dfd, sub, 0755) < 0) return sys_fail(a, sub);
    char **nd = realloc(dl->dirs, (dl->n + 1) * sizeof *nd);
    if (!nd || !(nd[dl->n] = strdup(sub))) {
      if (nd) dl->dirs = nd;
      return ota_err(a->err, a->errlen, "out of memory");
    }
    dl->dirs = nd;
    dl->n++;
  }
  return 0;
}

/* file i from the bundle into fd, hashed again on the way */
static int copy_bytes(apply *a, size_t i, int fd, const char *rel,
                      uint8_t *buf) {
  const ota_file *f = &ota_bundle_manifest(a->b)->files[i];
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (uint64_t off = 0; off < f->size;) {
    ssize_t r = ota_bundle_pread(a->b, i, off, buf, OTA_CHUNK);
    if (r <= 0)
      return ota_err(a->err, a->errlen, "bundle %s: file %s is cut short",
                     ota_bundle_path(a->b), f->path);
    crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
    if (ota_io_write(fd, rel, buf, (size_t)r) < 0) return sys_fail(a, rel);
    off += (uint64_t)r;
  }
  uint8_t sha[32];
  crypto_hash_sha256_final(&st, sha);
  if (sodium_memcmp(sha, f->sha, 32) != 0)
    return ota_err(a->err, a->errlen,
                   "bundle %s: file %s changed while it was installed",
                   ota_bundle_path(a->b), f->path);
  return 0;
}

static int write_file(apply *a, size_t i, uint8_t *buf, dirlist *dl) {
  const char *path = ota_bundle_manifest(a->b)->files[i].path;
  char rel[OTA_PATH_MAX + 32];
  snprintf(rel, sizeof rel, "%s/%s", a->newdir, path);
  if (make_parents(a, path, dl) < 0) return -1;
  int fd = ota_io_create(a->dfd, rel, ota_file_mode(path), true);
  if (fd < 0) return sys_fail(a, rel);
  int rc = copy_bytes(a, i, fd, rel, buf);
  if (rc == 0 && ota_io_fsync(fd, rel) < 0) rc = sys_fail(a, rel);
  close(fd);
  return rc;
}

/* slot-X.new complete and on disk: files, then folders deepest first */
static int write_new_slot(apply *a) {
  if (ota_io_remove_tree(a->dfd, a->newdir) < 0) return sys_fail(a, a->newdir);
  if (ota_io_mkdir(a->dfd, a->newdir, 0755) < 0) return sys_fail(a, a->newdir);
  uint8_t *buf = malloc(OTA_CHUNK);
  if (!buf) return ota_err(a->err, a->errlen, "out of memory");
  dirlist dl = { 0 };
  int rc = 0;
  size_t n = ota_bundle_manifest(a->b)->nfiles;
  for (size_t i = 0; i < n && rc == 0; i++) rc = write_file(a, i, buf, &dl);
  for (size_t i = dl.n; i-- > 0;) {
    if (rc == 0 && ota_io_fsync_dir(a->dfd, dl.dirs[i]) < 0)
      rc = sys_fail(a, dl.dirs[i]);
    free(dl.dirs[i]);
  }
  free(dl.dirs);
  free(buf);
  if (rc == 0 && ota_io_fsync_dir(a->dfd, a->newdir) < 0)
    rc = sys_fail(a, a->newdir);
  return rc;
}

/* steps 3 to 5 of the top */
static int install(apply *a, vy_ota_state *st) {
  vy_ota_slot *s = &st->slot[a->slot];
  const vy_ota_slot empty = { 0 };
  if (memcmp(s, &empty, sizeof *s)) {
    *s = empty;
    if (vy_ota_state_save(a->env->otadir, st, a->err, a->errlen) < 0) return -1;
  }
  if (ota_io_remove_tree(a->dfd, a->dir) < 0 ||
      ota_io_fsync_dir(a->dfd, ".") < 0)
    return sys_fail(a, a->dir);
  if (ota_io_rename(a->dfd, a->newdir, a->dir) < 0 ||
      ota_io_fsync_dir(a->dfd, ".") < 0)
    return sys_fail(a, a->dir);
  vy_bundle_info in;
  vy_bundle_info_get(a->b, &in);
  s->priority = 2;
  s->tries_remaining = VY_OTA_TRIES;
  s->successful = false;
  snprintf(s->version, sizeof s->version, "%s", in.version);
  vy_ota_slot *other = &st->slot[1 - a->slot];
  if (other->priority) other->priority = 1;
  return vy_ota_state_save(a->env->otadir, st, a->err, a->errlen);
}

int vy_ota_apply(const vy_ota_env *env, const char *bundle_path, int *slot_out,
                 char *err, size_t errlen) {
  apply a = { env, NULL, -1, 0, "", "", err, errlen };
  vy_ota_state st;
  char note[256];
  if (slot_out) *slot_out = -1;
  if (!env || !env->otadir || !env->pubkey || !bundle_path)
    return ota_err(err, errlen, "apply: no OTADIR, key or bundle given");
  vy_ota_state_load(env->otadir, &st, note, sizeof note);
  a.slot = target_slot(&st);
  snprintf(a.dir, sizeof a.dir, "%s", vy_ota_slot_name(a.slot));
  snprintf(a.newdir, sizeof a.newdir, "%s.new", a.dir);
  a.dfd = open(env->otadir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (a.dfd < 0 && errno == ENOENT &&
      ota_io_mkdir(AT_FDCWD, env->otadir, 0700) == 0)
    a.dfd = open(env->otadir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc;
  if (a.dfd < 0)
    rc = ota_err(err, errlen, "%s: %s", env->otadir, strerror(errno));
  else
    rc = check_all(&a, &st, bundle_path);
  if (rc == 0 && (rc = write_new_slot(&a)) < 0)
    ota_io_remove_tree(a.dfd, a.newdir); /* best effort: else the next */
  if (rc == 0) rc = install(&a, &st);
  if (rc == 0 && slot_out) *slot_out = a.slot;
  if (a.dfd >= 0) close(a.dfd);
  vy_bundle_close(a.b);
  return rc;
}
