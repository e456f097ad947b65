/*
** wasi_path.c — the filesystem sandbox and the path_* functions.
**
** Every guest path is resolved beneath the directory descriptor it is
** relative to, and can never name anything outside it: absolute paths, ".."
** above it, and symlinks whose target leaves it (absolute, or through "..")
** fail with ENOTCAPABLE.  The kernel does the confinement with openat2(2)
** RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, which also closes the race of a
** symlink or directory swapped during the lookup.  Without openat2 (ENOSYS on
** kernels before 5.6) a per-component walk does the same in user space: each
** component is opened with O_NOFOLLOW relative to a descriptor we hold, a
** symlink is read through the descriptor of the link itself and spliced into
** the remaining path, and ".." pops our own stack of held descriptors rather
** than asking the host for "..", so a directory moved out from under us
** cannot lead outside.  The walk keeps its state on the heap: long and deep
** paths end in ENAMETOOLONG / ELOOP / EMFILE, never in a host stack overflow.
**
** Operations that act on a name (mkdir, unlink, rename, link, symlink,
** readlink, stat, utimes) resolve the parent directory beneath the
** descriptor, then call the *at() system call on the last component with
** AT_SYMLINK_NOFOLLOW; a final symlink that must be followed is read and its
** target resolved again from the same starting descriptor.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi_int.h"

#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every architecture */
#endif
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_BENEATH_       0x08

struct open_how_ { /* struct open_how of <linux/openat2.h> */
  uint64_t flags, mode, resolve;
};

int vwasi__no_openat2;
static int openat2_missing; /* set after the first ENOSYS */

/* ---- guest path strings -------------------------------------------------- */
int wasi_path_copy(wasi_call *c, uint32_t ptr, uint32_t len, char **out) {
  *out = NULL;
  if (!wm_ok(c, ptr, len)) return W_EFAULT;
  if (len >= WASI_PATH_MAX) return W_ENAMETOOLONG;
  const uint8_t *p = wm_ptr(c, ptr);
  if (memchr(p, 0, len)) return W_EINVAL;
  char *s = vw_malloc(&c->w->alloc, (size_t)len + 1);
  if (!s) return W_ENOMEM;
  memcpy(s, p, len);
  s[len] = 0;
  *out = s;
  return 0;
}

/* ---- the user-space walk (no openat2) ------------------------------------ */
/* Replaces *rest (heap) with target + "/" + tail.  Returns 0 or a WASI errno.
 */
static int path_splice(const vw_allocator *a, char **rest, const char *target,
                       size_t tlen, const char *tail) {
  size_t tl = strlen(tail);
  if (tlen + 1 + tl >= (size_t)WASI_PATH_MAX * 4) return W_ENAMETOOLONG;
  char *n = vw_malloc(a, tlen + tl + 2);
  if (!n) return W_ENOMEM;
  memcpy(n, target, tlen);
  n[tlen] = '/';
  memcpy(n + tlen + 1, tail, tl + 1);
  vw_free(a, *rest);
  *rest = n;
  return 0;
}

/* Reads the symlink `name` in dir (or the link fd itself when name is "").
** Returns its length, or -(WASI errno); ENOTCAPABLE for absolute targets. */
static long read_link(int dir, const char *name, char *buf) {
  ssize_t n = readlinkat(dir, name, buf, WASI_PATH_MAX);
  if (n < 0) return -W_ERRNO();
  if (n >= WASI_PATH_MAX) return -W_ENAMETOOLONG;
  buf[n] = 0;
  if (n == 0) return -W_ENOENT;
  if (buf[0] == '/') return -W_ENOTCAPABLE;
  return n;
}

/* The state of one walk: the directories descended into (stk[0..depth),
** ours to close; dirfd below them is the caller's), what is left of the
** path, and the symlinks followed so far. */
typedef struct walk {
  const vw_allocator *a;
  int dirfd, flags, follow;
  unsigned mode;
  int *stk;
  uint32_t depth, cap;
  int links;
  char *lnk;  /* WASI_PATH_MAX + 1 bytes for readlink */
  char *rest; /* heap: the path still to walk */
} walk;

#define WALK_ON                                                                \
  INT_MIN /* a step's "keep walking" (results are fds or                       \
             -(WASI errno)) */

static int walk_top(const walk *w) {
  return w->depth ? w->stk[w->depth - 1] : w->dirfd;
}

/* the walk ends in directory dir: open it as asked */
static int open_dir_end(const walk *w, int dir) {
  int fd = openat(dir, ".", w->flags | O_CLOEXEC, w->mode);
  return fd < 0 ? -W_ERRNO() : fd;
}

/* Follows a symlink whose target (n bytes) is in w->lnk: the walk goes on
** at target + "/" + tail. */
static int walk_splice(walk *w, long n, const char *tail) {
  if (n < 0) return (int)n;
  if (++w->links > WASI_SYMLOOP_MAX) return -W_ELOOP;
  int r = path_splice(w->a, &w->rest, w->lnk, (size_t)n, tail);
  return r ? -r : WALK_ON;
}

/* The last component, without a trailing slash: opened with the caller's
** flags, never following a symlink by the kernel; a symlink is followed
** here (when asked) by splicing its target into the walk. */
static int walk_last(walk *w, const char *comp) {
  int top = walk_top(w);
  int fd = openat(top, comp, w->flags | O_NOFOLLOW | O_CLOEXEC, w->mode);
  int err = errno;
  if (fd >= 0) {
    struct stat st;
    if (!(w->flags & O_PATH) || !w->follow || fstat(fd, &st) != 0 ||
        !S_ISLNK(st.st_mode))
      return fd;
    close(fd); /* an O_PATH symlink: follow */
  } else if (!w->follow ||
             (w->flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
    /* O_CREAT|O_EXCL never follows a final symlink: EEXIST stands */
    return -wasi_errno(err);
  }
  long n = read_link(top, comp, w->lnk);
  if (n == -W_EINVAL) /* not a symlink after all */
    return fd >= 0 ? -W_EIO : -wasi_errno(err);
  int r = walk_splice(w, n, "");
  if (r != WALK_ON) return r;
  /* a trailing "/" from the splice would demand a directory: drop it */
  size_t rl = strlen(w->rest);
  while (rl > 1 && w->rest[rl - 1] == '/') w->rest[--rl] = 0;
  return WALK_ON;
}

/* An intermediate component (or a final one with a trailing slash, which
** POSIX resolves as a directory, following symlinks): descend into it. */
static int walk_into(walk *w, const char *comp, int last) {
  int fd = openat(walk_top(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -W_ERRNO();
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = -W_ERRNO();
    close(fd);
    return e;
  }
  if (S_ISLNK(st.st_mode)) {
    long n = read_link(fd, "", w->lnk); /* the link we hold, no race */
    close(fd);
    if (n < 0) return (int)n;
    char *tail = vw_strndup(w->a, w->rest, strlen(w->rest));
    if (!tail) return -W_ENOMEM;
    /* keep the slash that made this component a directory lookup */
    int r = walk_splice(w, n, last ? "." : tail);
    vw_free(w->a, tail);
    return r;
  }
  if (!S_ISDIR(st.st_mode)) {
    close(fd);
    return -W_ENOTDIR;
  }
  if (w->depth == w->cap) {
    uint32_t nc = w->cap ? w->cap * 2 : 16;
    int *ns = vw_realloc(w->a, w->stk, nc * sizeof *ns);
    if (!ns) {
      close(fd);
      return -W_ENOMEM;
    }
    w->stk = ns;
    w->cap = nc;
  }
  w->stk[w->depth++] = fd;
  return last ? open_dir_end(w, fd) : WALK_ON;
}

/* One step: takes the next component off w->rest and acts on it. */
static int walk_step(walk *w) {
  char *p = w->rest;
  while (*p == '/') p++;
  if (*p == 0) return open_dir_end(w, walk_top(w)); /* ended in a dir */
  char *end = p;
  while (*end && *end != '/') end++;
  char *q = end;
  while (*q == '/') q++;
  int last = *q == 0, slash = *end == '/';
  /* copy the component out; `rest` may be replaced below */
  char comp[NAME_MAX + 1];
  size_t clen = (size_t)(end - p);
  if (clen > NAME_MAX) return -W_ENAMETOOLONG;
  memcpy(comp, p, clen);
  comp[clen] = 0;
  memmove(w->rest, q, strlen(q) + 1); /* rest = what follows */
  if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
    if (comp[1] == '.') {
      if (w->depth == 0) return -W_ENOTCAPABLE;
      close(w->stk[--w->depth]);
    }
    return last ? open_dir_end(w, walk_top(w)) : WALK_ON;
  }
  if (last && !slash) return walk_last(w, comp);
  return walk_into(w, comp, last);
}

static int walk_open(const vw_allocator *a, int dirfd, const char *path,
                     int flags, unsigned mode, int follow) {
  if (path[0] == '/') return -W_ENOTCAPABLE;
  if (path[0] == 0) return -W_ENOENT;
  walk w = {
    .a = a, .dirfd = dirfd, .flags = flags, .follow = follow, .mode = mode
  };
  int result = -W_ENOMEM;
  w.lnk = vw_malloc(a, WASI_PATH_MAX + 1);
  w.rest = vw_strndup(a, path, strlen(path));
  if (w.lnk && w.rest) {
    do result = walk_step(&w);
    while (result == WALK_ON);
  }
  while (w.depth) close(w.stk[--w.depth]);
  vw_free(a, w.stk);
  vw_free(a, w.rest);
  vw_free(a, w.lnk);
  return result;
}

int wasi_open_beneath(const vw_allocator *a, int dirfd, const char *path,
                      int flags, unsigned mode, int follow) {
  if (!follow) flags |= O_NOFOLLOW;
  if (!vwasi__no_openat2 && !openat2_missing) {
    struct open_how_ how;
    how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH_ | RESOLVE_NO_MAGICLINKS_;
    for (int tries = 0;; tries++) {
      long r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
      if (r >= 0) return (int)r;
      /* EAGAIN: a rename raced with the lookup; the kernel asks to retry */
      if ((errno == EAGAIN || errno == EINTR) && tries < 64) continue;
      break;
    }
    if (errno == EXDEV) return -W_ENOTCAPABLE; /* an escape */
    if (errno != ENOSYS) return -W_ERRNO();
    openat2_missing = 1;
  }
  return walk_open(a, dirfd, path, flags & ~O_NOFOLLOW, mode, follow);
}

int vwasi_open_beneath(int dirfd, const char *path, int flags) {
  int r = wasi_open_beneath(NULL, dirfd, path, flags | O_CLOEXEC, 0, 1);
  if (r >= 0) return r;
  /* an escape is EXDEV, as openat2's RESOLVE_BENEATH says it */
  errno = r == -W_ENOTCAPABLE ? EXDEV : wasi_errno_host(-r);
  return -1;
}

/* ---- parent + name ------------------------------------------------------- */
/* The symlink target lnk (ln bytes) is relative to the link's directory:
** *buf becomes the target spliced in place of the last component (which
** starts after cut, or is all of *buf when cut is NULL), without trailing
** slashes.  0 or a WASI errno. */
static int splice_last(const vw_allocator *a, char **buf, const char *cut,
                       const char *lnk, size_t ln) {
  size_t dl = cut ? (size_t)(cut - *buf) + 1 : 0;
  if (dl + ln >= (size_t)WASI_PATH_MAX * 4) return W_ENAMETOOLONG;
  char *nb = vw_malloc(a, dl + ln + 1);
  if (!nb) return W_ENOMEM;
  memcpy(nb, *buf, dl);
  memcpy(nb + dl, lnk, ln + 1);
  vw_free(a, *buf);
  *buf = nb;
  size_t n = strlen(nb);
  while (n > 1 && nb[n - 1] == '/') nb[--n] = 0;
  return 0;
}

/* The directory holding the last component of buf, which starts after cut
** (NULL: buf is one component), opened beneath dirfd: a descriptor or
** -(WASI errno). */
static int open_parent(const vw_allocator *a, int dirfd, char *buf, char *cut) {
  if (!cut) return wasi_open_beneath(a, dirfd, ".", O_PATH | O_DIRECTORY, 0, 1);
  *cut = 0;
  int fd = wasi_open_beneath(a, dirfd, buf, O_PATH | O_DIRECTORY, 0, 1);
  *cut = '/';
  return fd;
}

/* whether name in dir is a directory or does not exist ("name/" asks for
** a directory) */
static bool names_dir_or_nothing(int dir, const char *name) {
  struct stat st;
  return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
         S_ISDIR(st.st_mode);
}

int wasi_resolve(const vw_allocator *a, int dirfd, const char *path, int follow,
                 int *parent, char **bufp, const char **name, int *slash) {
  *parent = -1;
  *bufp = NULL;
  *slash = 0;
  if (path[0] == '/') return W_ENOTCAPABLE;
  if (path[0] == 0) return W_ENOENT;
  char *buf = vw_strndup(a, path, strlen(path));
  char *lnk = vw_malloc(a, WASI_PATH_MAX + 1);
  int e = 0, links = 0, pfd = -1;
  if (!buf || !lnk) {
    e = W_ENOMEM;
    goto fail;
  }
  size_t n = strlen(buf);
  while (n > 1 && buf[n - 1] == '/') {
    buf[--n] = 0;
    *slash = 1;
  }
  if (*slash) follow = 1; /* "link/" names the link's target */

  for (;;) {
    char *cut = strrchr(buf, '/');
    char *base = cut ? cut + 1 : buf;
    pfd = open_parent(a, dirfd, buf, cut);
    if (pfd < 0) {
      e = -pfd;
      pfd = -1;
      goto fail;
    }
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
      /* act on the directory itself; opening it checks it stays inside */
      close(pfd);
      pfd = wasi_open_beneath(a, dirfd, buf, O_PATH | O_DIRECTORY, 0, 1);
      if (pfd < 0) {
        e = -pfd;
        pfd = -1;
        goto fail;
      }
      *bufp = buf;
      *name = ".";
      *parent = pfd;
      vw_free(a, lnk);
      return 0;
    }
    if (!follow) {
      *name = base;
      break;
    }
    long ln = read_link(pfd, base, lnk);
    if (ln == -W_EINVAL || ln == -W_ENOENT) { /* not a symlink, or absent */
      *name = base;
      break;
    }
    if (ln < 0) {
      e = (int)-ln;
      goto fail;
    }
    if (++links > WASI_SYMLOOP_MAX) {
      e = W_ELOOP;
      goto fail;
    }
    /* resolve again from the start, beneath dirfd */
    if ((e = splice_last(a, &buf, cut, lnk, (size_t)ln))) goto fail;
    close(pfd);
    pfd = -1;
  }
  if (*slash && !names_dir_or_nothing(pfd, *name)) {
    e = W_ENOTDIR;
    goto fail;
  }
  *bufp = buf;
  *parent = pfd;
  vw_free(a, lnk);
  return 0;
fail:
  if (pfd >= 0) close(pfd);
  vw_free(a, buf);
  vw_free(a, lnk);
  return e;
}

/* ---- helpers of the path functions --------------------------------------- */
typedef struct resolved {
  int parent;
  const vw_allocator *a; /* buf's */
  char *buf;
  const char *name;
  int slash;
} resolved;

static void res_done(resolved *r) {
  if (r->parent >= 0) close(r->parent);
  vw_free(r->a, r->buf);
  r->parent = -1;
  r->buf = NULL;
}

/* fd + guest path -> parent/name, checking the right `need` on fd. */
static int res_get(wasi_call *c, uint32_t fd, uint64_t need, uint32_t ptr,
                   uint32_t len, int follow, resolved *r) {
  wasi_fd *f;
  r->parent = -1;
  r->a = &c->w->alloc;
  r->buf = NULL;
  int e = wasi_fd_get(c->w, fd, need, &f);
  if (e) return e;
  if (f->kind != WK_DIR) return W_ENOTDIR;
  char *path;
  if ((e = wasi_path_copy(c, ptr, len, &path))) return e;
  e = wasi_resolve(&c->w->alloc, f->host, path, follow, &r->parent, &r->buf,
                   &r->name, &r->slash);
  vw_free(&c->w->alloc, path);
  return e;
}

static void put_filestat(wasi_call *c, uint64_t p, const struct stat *st) {
  wm_st64(c, p, (uint64_t)st->st_dev);
  wm_st64(c, p + 8, (uint64_t)st->st_ino);
  wm_st8(c, p + 16, wasi_filetype_of_mode(st->st_mode));
  memset(wm_ptr(c, p + 17), 0, 7);
  wm_st64(c, p + 24, (uint64_t)st->st_nlink);
  wm_st64(c, p + 32, (uint64_t)st->st_size);
  wm_st64(c, p + 40,
          (uint64_t)st->st_atim.tv_sec * 1000000000ull +
              (uint64_t)st->st_atim.tv_nsec);
  wm_st64(c, p + 48,
          (uint64_t)st->st_mtim.tv_sec * 1000000000ull +
              (uint64_t)st->st_mtim.tv_nsec);
  wm_st64(c, p + 56,
          (uint64_t)st->st_ctim.tv_sec * 1000000000ull +
              (uint64_t)st->st_ctim.tv_nsec);
}

void wasi_put_filestat(wasi_call *c, uint64_t p, const struct stat *st) {
  put_filestat(c, p, st);
}

int wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst,
               struct timespec *ts) {
  if (fst & ~15u) return W_EINVAL;
  if ((fst & FST_ATIM) && (fst & FST_ATIM_NOW)) return W_EINVAL;
  if ((fst & FST_MTIM) && (fst & FST_MTIM_NOW)) return W_EINVAL;
  ts[0].tv_sec = (time_t)(atim / 1000000000ull);
  ts[0].tv_nsec = (long)(atim % 1000000000ull);
  ts[1].tv_sec = (time_t)(mtim / 1000000000ull);
  ts[1].tv_nsec = (long)(mtim % 1000000000ull);
  if (fst & FST_ATIM_NOW)
    ts[0].tv_nsec = UTIME_NOW;
  else if (!(fst & FST_ATIM))
    ts[0].tv_nsec = UTIME_OMIT;
  if (fst & FST_MTIM_NOW)
    ts[1].tv_nsec = UTIME_NOW;
  else if (!(fst & FST_MTIM))
    ts[1].tv_nsec = UTIME_OMIT;
  return 0;
}

/* ---- path_* -------------------------------------------------------------- */
static int path_create_directory(wasi_call *c, const vw_raw *a) {
  resolved r;
  int e = res_get(c, A32(0), R_PATH_CREATE_DIRECTORY, A32(1), A32(2), 0, &r);
  if (!e && mkdirat(r.parent, r.name, 0777) != 0) e = W_ERRNO();
  res_done(&r);
  return e;
}

static int path_filestat_get(wasi_call *c, const vw_raw *a) {
  if (!wm_ok(c, A32(4), 64)) return W_EFAULT;
  resolved r;
  int e = res_get(c, A32(0), R_PATH_FILESTAT_GET, A32(2), A32(3),
                  A32(1) & LOOKUP_SYMLINK_FOLLOW, &r);
  struct stat st;
  if (!e) {
    if (fstatat(r.parent, r.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
      e = W_ERRNO();
    else
      put_filestat(c, A32(4), &st);
  }
  res_done(&r);
  return e;
}

static int path_filestat_set_times(wasi_call *c, const vw_raw *a) {
  struct timespec ts[2];
  int e = wasi_times(A64(4), A64(5), A32(6), ts);
  if (e) return e;
  resolved r;
  e = res_get(c, A32(0), R_PATH_FILESTAT_SET_TIMES, A32(2), A32(3),
              A32(1) & LOOKUP_SYMLINK_FOLLOW, &r);
  if (!e && utimensat(r.parent, r.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
    e = W_ERRNO();
  res_done(&r);
  return e;
}

/* One path argument of a guest call: fd + guest path, the right needed
** on fd, and whether a final symlink is followed. */
typedef struct path_arg {
  uint32_t fd;
  uint64_t need;
  uint32_t ptr, len;
  int follow;
} path_arg;

/* path_link and path_rename: resolves `from`, then `to`, then links or
** renames the one to the other.  Both sides are resolved beneath their
** own preopen; linkat never follows here, so it links exactly the file
** that was resolved. */
static int link_or_rename(wasi_call *c, const path_arg *from,
                          const path_arg *to, bool link) {
  resolved o, n;
  n.parent = -1;
  n.a = NULL;
  n.buf = NULL;
  int e =
      res_get(c, from->fd, from->need, from->ptr, from->len, from->follow, &o);
  if (!e) e = res_get(c, to->fd, to->need, to->ptr, to->len, to->follow, &n);
  if (!e && (link ? linkat(o.parent, o.name, n.parent, n.name, 0)
                  : renameat(o.parent, o.name, n.parent, n.name)) != 0)
    e = W_ERRNO();
  res_done(&o);
  res_done(&n);
  return e;
}

static int path_link(wasi_call *c, const vw_raw *a) {
  path_arg from = { A32(0), R_PATH_LINK_SOURCE, A32(2), A32(3),
                    A32(1) & LOOKUP_SYMLINK_FOLLOW };
  path_arg to = { A32(4), R_PATH_LINK_TARGET, A32(5), A32(6), 0 };
  return link_or_rename(c, &from, &to, true);
}

static int path_open(wasi_call *c, const vw_raw *a) {
  uint32_t dirfd = A32(0), lookup = A32(1), oflags = A32(4), fdflags = A32(7);
  uint64_t rbase = A64(5), rinh = A64(6);
  uint32_t outp = A32(8);
  if (!wm_ok(c, outp, 4)) return W_EFAULT;
  if (oflags & ~15u) return W_EINVAL;
  if (fdflags & ~31u) return W_EINVAL;
  uint64_t need = R_PATH_OPEN;
  if (oflags & OF_CREAT) need |= R_PATH_CREATE_FILE;
  if (oflags & OF_TRUNC) need |= R_PATH_FILESTAT_SET_SIZE;
  wasi_fd *d;
  int e = wasi_fd_get(c->w, dirfd, need, &d);
  if (e) return e;
  if (d->kind != WK_DIR) return W_ENOTDIR;
  /* a descriptor can hand down no more than its inheriting rights */
  rbase &= d->rinh;
  rinh &= d->rinh;

  int rd = (rbase & (R_FD_READ | R_FD_READDIR)) != 0;
  int wr = (rbase & (R_FD_DATASYNC | R_FD_WRITE | R_FD_ALLOCATE |
                     R_FD_FILESTAT_SET_SIZE)) != 0;
  int flags = O_NOCTTY;
  if (oflags & OF_DIRECTORY)
    flags |= O_RDONLY | O_DIRECTORY;
  else if (wr)
    flags |= rd ? O_RDWR : O_WRONLY;
  else
    flags |= O_RDONLY;
  if (oflags & OF_CREAT) flags |= O_CREAT;
  if (oflags & OF_EXCL) flags |= O_EXCL;
  if (oflags & OF_TRUNC) flags |= O_TRUNC;
  if (fdflags & FDF_APPEND) flags |= O_APPEND;
  if (fdflags & FDF_DSYNC) flags |= O_DSYNC;
  if (fdflags & FDF_NONBLOCK) flags |= O_NONBLOCK;
  if (fdflags & FDF_RSYNC) flags |= O_RSYNC;
  if (fdflags & FDF_SYNC) flags |= O_SYNC;

  char *path;
  if ((e = wasi_path_copy(c, A32(2), A32(3), &path))) return e;
  int h = wasi_open_beneath(&c->w->alloc, d->host, path, flags, 0666,
                            lookup & LOOKUP_SYMLINK_FOLLOW);
  vw_free(&c->w->alloc, path);
  if (h < 0) return -h;
  struct stat st;
  if (fstat(h, &st) != 0) {
    e = W_ERRNO();
    close(h);
    return e;
  }
  uint8_t ft = wasi_filetype_of_mode(st.st_mode);
  wasi_kind kind = WK_FILE;
  if (ft == FT_DIRECTORY) {
    kind = WK_DIR;
    rbase &= R_DIR_BASE;
  } else if (ft == FT_REGULAR_FILE) {
    rbase &= R_REGULAR_BASE;
  } else {
    rbase &= R_TTY_BASE | R_FD_SEEK | R_FD_TELL | R_FD_ADVISE;
  }
  uint32_t nfd;
  if ((e = wasi_fd_insert(c->w, h, kind, ft, rbase, rinh, &nfd))) return e;
  wm_st32(c, outp, nfd);
  return 0;
}

static int path_readlink(wasi_call *c, const vw_raw *a) {
  uint32_t buf = A32(3), blen = A32(4), used = A32(5);
  if (!wm_ok(c, buf, blen) || !wm_ok(c, used, 4)) return W_EFAULT;
  resolved r;
  int e = res_get(c, A32(0), R_PATH_READLINK, A32(1), A32(2), 0, &r);
  char *tmp = NULL;
  if (!e && !(tmp = vw_malloc(&c->w->alloc, WASI_PATH_MAX))) e = W_ENOMEM;
  if (!e) {
    ssize_t n = readlinkat(r.parent, r.name, tmp, WASI_PATH_MAX);
    if (n < 0) {
      e = W_ERRNO();
    } else {
      /* like readlink(2), a short buffer gets a truncated target */
      size_t k = (size_t)n < blen ? (size_t)n : blen;
      memcpy(wm_ptr(c, buf), tmp, k);
      wm_st32(c, used, (uint32_t)k);
    }
  }
  vw_free(&c->w->alloc, tmp);
  res_done(&r);
  return e;
}

static int path_remove_directory(wasi_call *c, const vw_raw *a) {
  resolved r;
  int e = res_get(c, A32(0), R_PATH_REMOVE_DIRECTORY, A32(1), A32(2), 0, &r);
  if (!e && unlinkat(r.parent, r.name, AT_REMOVEDIR) != 0) e = W_ERRNO();
  res_done(&r);
  return e;
}

static int path_rename(wasi_call *c, const vw_raw *a) {
  path_arg from = { A32(0), R_PATH_RENAME_SOURCE, A32(1), A32(2), 0 };
  path_arg to = { A32(3), R_PATH_RENAME_TARGET, A32(4), A32(5), 0 };
  return link_or_rename(c, &from, &to, false);
}

static int path_symlink(wasi_call *c, const vw_raw *a) {
  char *target;
  int e = wasi_path_copy(c, A32(0), A32(1), &target);
  if (e) return e;
  resolved r;
  e = res_get(c, A32(2), R_PATH_SYMLINK, A32(3), A32(4), 0, &r);
  /* The content is stored as given: following it later is confined by the
  ** resolver, wherever it points. */
  if (!e && symlinkat(target, r.parent, r.name) != 0) e = W_ERRNO();
  res_done(&r);
  vw_free(&c->w->alloc, target);
  return e;
}

static int path_unlink_file(wasi_call *c, const vw_raw *a) {
  resolved r;
  int e = res_get(c, A32(0), R_PATH_UNLINK_FILE, A32(1), A32(2), 0, &r);
  if (!e && unlinkat(r.parent, r.name, 0) != 0) e = W_ERRNO();
  res_done(&r);
  return e;
}

const wasi_fndesc wasi_path_fns[] = {
  { "path_create_directory", "iii", 1, path_create_directory },
  { "path_filestat_get", "iiiii", 1, path_filestat_get },
  { "path_filestat_set_times", "iiiiIIi", 1, path_filestat_set_times },
  { "path_link", "iiiiiii", 1, path_link },
  { "path_open", "iiiiiIIii", 1, path_open },
  { "path_readlink", "iiiiii", 1, path_readlink },
  { "path_remove_directory", "iii", 1, path_remove_directory },
  { "path_rename", "iiiiii", 1, path_rename },
  { "path_symlink", "iiiii", 1, path_symlink },
  { "path_unlink_file", "iii", 1, path_unlink_file },
  { NULL, NULL, 0, NULL }
};
