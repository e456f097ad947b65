/*
** ota_io.c — the fault-point layer: every write, fsync, rename, unlink,
** mkdir, rmdir and file creation of the update path (apply, the state
** saves, commit, fail, rollback, boot_select's clean-up) goes through
** here, so that a test can cut the power just before any one of them.
**
**   VYOMA_OTA_FAULT=N       _exit(86) just before the Nth point of this
**                           process (the counter restarts in a forked
**                           child: it is per process id)
**   VYOMA_OTA_FAULT_LOG=F   appends "N OP REL" per point passed to F
**   VYOMA_OTA_ERROR=N       the Nth point fails with EIO instead (not
**                           done), as a dying disk would: the error paths
**
** It also counts the bytes written (vy_ota_io_bytes_written) for the
** figures of bench/ota.sh.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ota_internal.h"

static pid_t io_pid;
static unsigned long io_count;
static uint64_t io_bytes;

/* the counters belong to one process: a forked child starts from zero */
static void io_own(void) {
  pid_t me = getpid();
  if (me != io_pid) {
    io_pid = me;
    io_count = 0;
    io_bytes = 0;
  }
}

static void io_log(unsigned long n, const char *op, const char *rel) {
  const char *log = getenv("VYOMA_OTA_FAULT_LOG");
  if (!log || !*log) return;
  /* opened per line, so that every line is on disk when a cut comes */
  int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  char line[512];
  int len = snprintf(line, sizeof line, "%lu %s %s\n", n, op, rel);
  if (len > 0) {
    size_t w = (size_t)len < sizeof line ? (size_t)len : sizeof line - 1;
    if (write(fd, line, w) < 0) { /* a log that fails is no reason to stop */
    }
  }
  close(fd);
}

/* the number in environment variable name, or 0 */
static unsigned long env_num(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v) return 0;
  char *end;
  unsigned long n = strtoul(v, &end, 10);
  return *end ? 0 : n;
}

int ota_io_point(const char *op, const char *rel) {
  io_own();
  unsigned long n = ++io_count;
  if (env_num("VYOMA_OTA_FAULT") == n) _exit(86); /* the power cut */
  if (env_num("VYOMA_OTA_ERROR") == n) {
    errno = EIO;
    return -1;
  }
  io_log(n, op, rel);
  return 0;
}

uint64_t vy_ota_io_bytes_written(void) {
  io_own();
  return io_bytes;
}

unsigned long vy_ota_io_points(void) {
  io_own();
  return io_count;
}

int ota_io_mkdir(int dfd, const char *rel, mode_t mode) {
  if (ota_io_point("mkdir", rel) < 0) return -1;
  return mkdirat(dfd, rel, mode);
}

int ota_io_create(int dfd, const char *rel, mode_t mode, bool excl) {
  if (ota_io_point("create", rel) < 0) return -1;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
  flags |= excl ? O_EXCL : O_TRUNC;
  int fd = openat(dfd, rel, flags, mode);
  /* the umask must not change a slot file's mode */
  if (fd >= 0 && fchmod(fd, mode) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int ota_io_write(int fd, const char *rel, const void *buf, size_t n) {
  if (ota_io_point("write", rel) < 0) return -1;
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    if (w == 0) { /* no progress: as good as a full disk */
      errno = ENOSPC;
      return -1;
    }
    io_own();
    io_bytes += (uint64_t)w;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int ota_io_fsync(int fd, const char *rel) {
  if (ota_io_point("fsync", rel) < 0) return -1;
  return fsync(fd);
}

int ota_io_fsync_dir(int dfd, const char *rel) {
  int fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = ota_io_fsync(fd, rel);
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

int ota_io_rename(int dfd, const char *from, const char *to) {
  char what[2 * OTA_PATH_MAX + 8];
  snprintf(what, sizeof what, "%s -> %s", from, to);
  if (ota_io_point("rename", what) < 0) return -1;
  return renameat(dfd, from, dfd, to);
}

int ota_io_unlink(int dfd, const char *rel) {
  if (ota_io_point("unlink", rel) < 0) return -1;
  return unlinkat(dfd, rel, 0);
}

int ota_io_rmdir(int dfd, const char *rel) {
  if (ota_io_point("rmdir", rel) < 0) return -1;
  return unlinkat(dfd, rel, AT_REMOVEDIR);
}

/* the entries of directory rel (opened without following a link), each
** removed; depth bounds the recursion (slot paths are at most 255 bytes) */
static int remove_entries(int dfd, const char *rel, int depth) {
  int fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return -1;
  }
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char sub[4096];
    if (snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name) >= (int)sizeof sub) {
      errno = ENAMETOOLONG;
      rc = -1;
      break;
    }
    struct stat sb;
    if (fstatat(dfd, sub, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
      rc = -1;
    } else if (S_ISDIR(sb.st_mode)) {
      if (depth > 128) {
        errno = ELOOP;
        rc = -1;
      } else if ((rc = remove_entries(dfd, sub, depth + 1)) == 0) {
        rc = ota_io_rmdir(dfd, sub);
      }
    } else {
      rc = ota_io_unlink(dfd, sub);
    }
  }
  closedir(d);
  return rc;
}

int ota_io_remove_tree(int dfd, const char *rel) {
  struct stat sb;
  if (fstatat(dfd, rel, &sb, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(sb.st_mode)) return ota_io_unlink(dfd, rel);
  if (remove_entries(dfd, rel, 0) < 0) return -1;
  return ota_io_rmdir(dfd, rel);
}
