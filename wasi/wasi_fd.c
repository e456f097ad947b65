/*
** wasi_fd.c — the fd_* functions of wasi_snapshot_preview1.
**
** Each one looks its descriptor up with the right it needs (ENOTCAPABLE when
** the right was dropped), checks every guest buffer against the memory, and
** turns host failures into WASI errno values.  Writes to fd 1/2 go to the
** embedder's write hook when one is set.  fd_readdir is stateless: the
** cookie is the kernel's directory offset (getdents64 d_off), so each call
** seeks to it and reads afresh, and a guest can resume anywhere.
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi_int.h"

/* ---- reading and writing ------------------------------------------------- */
static int do_rw(wasi_call *c, const vw_raw *a, int write, int positional) {
  uint32_t fd = A32(0), iovs = A32(1), n = A32(2);
  uint64_t off = positional ? A64(3) : 0;
  uint32_t outp = positional ? A32(4) : A32(3);
  uint64_t need =
      (write ? R_FD_WRITE : R_FD_READ) | (positional ? R_FD_SEEK : 0);
  wasi_fd *f;
  int e = wasi_fd_get(c->w, fd, need, &f);
  if (e) return e;
  if (!wm_ok(c, outp, 4)) return W_EFAULT;
  if (positional && off > (uint64_t)INT64_MAX) return W_EINVAL;
  struct iovec *v;
  if ((e = wasi_iovecs(c, iovs, n, &v))) return e;
  ssize_t r;
  if (f->hook == 2) {
    /* stdin from the embedder's read hook: not seekable, not writable */
    r = 0;
    if (write || positional) {
      r = -1;
      errno = write ? EBADF : ESPIPE;
    } else {
      for (uint32_t i = 0; i < n; i++) {
        if (!v[i].iov_len) continue;
        r = c->w->read_hook(c->w->read_ud, v[i].iov_base, v[i].iov_len);
        if (r < 0) {
          vw_free(&c->w->alloc, v);
          if (vwasi_cancelled(c->w)) {
            vw_host_trap(c->hc, "killed");
            return W_TRAP;
          }
          return W_EIO;
        }
        break; /* one line per read, as a terminal gives */
      }
    }
  } else if (write && f->hook) {
    r = 0;
    for (uint32_t i = 0; i < n; i++) {
      if (v[i].iov_len)
        c->w->write_hook(c->w->write_ud, (int)fd, v[i].iov_base, v[i].iov_len);
      r += (ssize_t)v[i].iov_len;
    }
  } else if (f->host < 0) {
    r = -1;
    errno = EBADF;
  } else {
    do {
      if (positional)
        r = write ? pwritev(f->host, v, (int)n, (off_t)off)
                  : preadv(f->host, v, (int)n, (off_t)off);
      else
        r = write ? writev(f->host, v, (int)n) : readv(f->host, v, (int)n);
    } while (r < 0 && errno == EINTR);
  }
  vw_free(&c->w->alloc, v);
  if (r < 0) return W_ERRNO();
  wm_st32(c, outp, (uint32_t)r);
  return 0;
}

static int fd_read(wasi_call *c, const vw_raw *a) { return do_rw(c, a, 0, 0); }
static int fd_write(wasi_call *c, const vw_raw *a) { return do_rw(c, a, 1, 0); }
static int fd_pread(wasi_call *c, const vw_raw *a) { return do_rw(c, a, 0, 1); }
static int fd_pwrite(wasi_call *c, const vw_raw *a) {
  return do_rw(c, a, 1, 1);
}

/* host fd of f, or EBADF for a hooked stdio descriptor without one */
#define HOST_OR_BADF(f)                                                        \
  do {                                                                         \
    if ((f)->host < 0) return W_EBADF;                                         \
  } while (0)

static int fd_seek(wasi_call *c, const vw_raw *a) {
  uint32_t fd = A32(0), whence = A32(2), outp = A32(3);
  int64_t off = (int64_t)A64(1);
  int hw;
  switch (whence) {
    case 0: hw = SEEK_SET; break;
    case 1: hw = SEEK_CUR; break;
    case 2: hw = SEEK_END; break;
    default: return W_EINVAL;
  }
  /* asking where we are is fd_tell's right; moving is fd_seek's */
  uint64_t need = (whence == 1 && off == 0) ? R_FD_TELL : R_FD_SEEK;
  wasi_fd *f;
  int e = wasi_fd_get(c->w, fd, need, &f);
  if (e) return e;
  if (!wm_ok(c, outp, 8)) return W_EFAULT;
  HOST_OR_BADF(f);
  off_t r = lseek(f->host, (off_t)off, hw);
  if (r < 0) return W_ERRNO();
  wm_st64(c, outp, (uint64_t)r);
  return 0;
}

static int fd_tell(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_TELL, &f);
  if (e) return e;
  if (!wm_ok(c, A32(1), 8)) return W_EFAULT;
  HOST_OR_BADF(f);
  off_t r = lseek(f->host, 0, SEEK_CUR);
  if (r < 0) return W_ERRNO();
  wm_st64(c, A32(1), (uint64_t)r);
  return 0;
}

/* ---- descriptor state ---------------------------------------------------- */
static int fd_close(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), 0, &f);
  if (e) return e;
  wasi_fd_release(&c->w->alloc, f);
  return 0;
}

static int fd_renumber(wasi_call *c, const vw_raw *a) {
  wasi_fd *from, *to;
  int e = wasi_fd_get(c->w, A32(0), 0, &from);
  if (e) return e;
  if ((e = wasi_fd_get(c->w, A32(1), 0, &to))) return e;
  if (from == to) return 0;
  wasi_fd_release(&c->w->alloc, to);
  *to = *from;
  memset(from, 0, sizeof *from);
  from->host = -1;
  return 0;
}

static int fd_fdstat_get(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), 0, &f);
  if (e) return e;
  uint64_t p = A32(1);
  if (!wm_ok(c, p, 24)) return W_EFAULT;
  uint16_t flags = 0;
  if (f->host >= 0) {
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0) return W_ERRNO();
    if (fl & O_APPEND) flags |= FDF_APPEND;
    if (fl & O_NONBLOCK) flags |= FDF_NONBLOCK;
    if ((fl & O_SYNC) == O_SYNC)
      flags |= FDF_SYNC;
    else if (fl & O_DSYNC)
      flags |= FDF_DSYNC;
  }
  memset(wm_ptr(c, p), 0, 24);
  wm_st8(c, p, f->filetype);
  wm_st16(c, p + 2, flags);
  wm_st64(c, p + 8, f->rbase);
  wm_st64(c, p + 16, f->rinh);
  return 0;
}

static int fd_fdstat_set_flags(wasi_call *c, const vw_raw *a) {
  uint32_t fl = A32(1);
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_FDSTAT_SET_FLAGS, &f);
  if (e) return e;
  if (fl & ~31u) return W_EINVAL;
  if (f->host < 0) return 0;
  int old = fcntl(f->host, F_GETFL);
  if (old < 0) return W_ERRNO();
  /* Linux changes only O_APPEND and O_NONBLOCK with F_SETFL (the sync
  ** flags are fixed at open, as POSIX allows) */
  int nf = old & ~(O_APPEND | O_NONBLOCK);
  if (fl & FDF_APPEND) nf |= O_APPEND;
  if (fl & FDF_NONBLOCK) nf |= O_NONBLOCK;
  if (fcntl(f->host, F_SETFL, nf) != 0) return W_ERRNO();
  return 0;
}

static int fd_fdstat_set_rights(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), 0, &f);
  if (e) return e;
  uint64_t base = A64(1), inh = A64(2);
  /* rights can only be dropped, never regained */
  if ((base & ~f->rbase) || (inh & ~f->rinh)) return W_ENOTCAPABLE;
  f->rbase = base;
  f->rinh = inh;
  return 0;
}

static int fd_prestat_get(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), 0, &f);
  if (e) return e;
  if (!f->preopen) return W_EBADF;
  uint64_t p = A32(1);
  if (!wm_ok(c, p, 8)) return W_EFAULT;
  memset(wm_ptr(c, p), 0, 8); /* tag 0 = directory, then padding */
  wm_st32(c, p + 4, (uint32_t)strlen(f->preopen));
  return 0;
}

static int fd_prestat_dir_name(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), 0, &f);
  if (e) return e;
  if (!f->preopen) return W_EBADF;
  uint32_t p = A32(1), len = A32(2);
  size_t n = strlen(f->preopen);
  if (!wm_ok(c, p, len)) return W_EFAULT;
  if (len < n) return W_ENAMETOOLONG;
  memcpy(wm_ptr(c, p), f->preopen, n);
  return 0;
}

/* ---- file state ---------------------------------------------------------- */
static int fd_filestat_get(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_FILESTAT_GET, &f);
  if (e) return e;
  uint64_t p = A32(1);
  if (!wm_ok(c, p, 64)) return W_EFAULT;
  if (f->host < 0) { /* a hook: a character device */
    memset(wm_ptr(c, p), 0, 64);
    wm_st8(c, p + 16, f->filetype);
    return 0;
  }
  struct stat st;
  if (fstat(f->host, &st) != 0) return W_ERRNO();
  wasi_put_filestat(c, p, &st);
  /* pipes and sockets keep the type they were given at creation */
  if (f->kind == WK_SOCKET) wm_st8(c, p + 16, f->filetype);
  return 0;
}

static int fd_filestat_set_size(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_FILESTAT_SET_SIZE, &f);
  if (e) return e;
  if (A64(1) > (uint64_t)INT64_MAX) return W_EINVAL;
  HOST_OR_BADF(f);
  if (ftruncate(f->host, (off_t)A64(1)) != 0) return W_ERRNO();
  return 0;
}

static int fd_filestat_set_times(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_FILESTAT_SET_TIMES, &f);
  if (e) return e;
  struct timespec ts[2];
  if ((e = wasi_times(A64(1), A64(2), A32(3), ts))) return e;
  HOST_OR_BADF(f);
  if (futimens(f->host, ts) != 0) return W_ERRNO();
  return 0;
}

static int fd_advise(wasi_call *c, const vw_raw *a) {
  static const int adv[] = { POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                             POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                             POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE };
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_ADVISE, &f);
  if (e) return e;
  uint32_t advice = A32(3);
  if (advice > 5) return W_EINVAL;
  if (A64(1) > (uint64_t)INT64_MAX || A64(2) > (uint64_t)INT64_MAX)
    return W_EINVAL;
  HOST_OR_BADF(f);
  int r = posix_fadvise(f->host, (off_t)A64(1), (off_t)A64(2), adv[advice]);
  return r ? wasi_errno(r) : 0;
}

static int fd_allocate(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_ALLOCATE, &f);
  if (e) return e;
  uint64_t off = A64(1), len = A64(2);
  if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
    return W_EINVAL;
  HOST_OR_BADF(f);
  int r = posix_fallocate(f->host, (off_t)off, (off_t)len);
  return r ? wasi_errno(r) : 0;
}

static int fd_datasync(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_DATASYNC, &f);
  if (e) return e;
  HOST_OR_BADF(f);
  return fdatasync(f->host) ? W_ERRNO() : 0;
}

static int fd_sync(wasi_call *c, const vw_raw *a) {
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_SYNC, &f);
  if (e) return e;
  HOST_OR_BADF(f);
  return fsync(f->host) ? W_ERRNO() : 0;
}

/* ---- directories --------------------------------------------------------- */
static uint8_t dtype(int dir, const char *name, unsigned char t) {
  switch (t) {
    case DT_REG: return FT_REGULAR_FILE;
    case DT_DIR: return FT_DIRECTORY;
    case DT_LNK: return FT_SYMBOLIC_LINK;
    case DT_CHR: return FT_CHARACTER_DEVICE;
    case DT_BLK: return FT_BLOCK_DEVICE;
    case DT_SOCK: return FT_SOCKET_STREAM;
    case DT_FIFO: return FT_UNKNOWN;
    default: {
      /* some filesystems do not fill d_type: ask the inode */
      struct stat st;
      if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return FT_UNKNOWN;
      return wasi_filetype_of_mode(st.st_mode);
    }
  }
}

static int fd_readdir(wasi_call *c, const vw_raw *a) {
  uint32_t buf = A32(1), blen = A32(2), usedp = A32(4);
  uint64_t cookie = A64(3);
  wasi_fd *f;
  int e = wasi_fd_get(c->w, A32(0), R_FD_READDIR, &f);
  if (e) return e;
  if (!wm_ok(c, buf, blen) || !wm_ok(c, usedp, 4)) return W_EFAULT;
  if (f->kind != WK_DIR || f->host < 0) return W_ENOTDIR;
  if (cookie > (uint64_t)INT64_MAX) return W_EINVAL;
  if (lseek(f->host, (off_t)cookie, SEEK_SET) < 0) return W_ERRNO();
  enum { DBUF = 8192 };
  uint8_t *d = vw_malloc(&c->w->alloc, DBUF);
  if (!d) return W_ENOMEM;
  uint32_t used = 0;
  while (used < blen) {
    long n = syscall(SYS_getdents64, f->host, d, DBUF);
    if (n < 0) {
      e = W_ERRNO();
      break;
    }
    if (n == 0) break;
    for (long pos = 0; pos < n && used < blen;) {
      uint64_t ino;
      int64_t off;
      uint16_t reclen;
      memcpy(&ino, d + pos, 8);
      memcpy(&off, d + pos + 8, 8);
      memcpy(&reclen, d + pos + 16, 2);
      unsigned char t = d[pos + 18];
      const char *name = (const char *)d + pos + 19;
      if (reclen < 20) {
        e = W_EIO;
        break;
      } /* corrupt record */
      uint32_t nl = (uint32_t)strnlen(name, (size_t)reclen - 19);
      pos += reclen;
      uint8_t hdr[24];
      memset(hdr, 0, sizeof hdr);
      for (int i = 0; i < 8; i++) hdr[i] = (uint8_t)((uint64_t)off >> (8 * i));
      for (int i = 0; i < 8; i++) hdr[8 + i] = (uint8_t)(ino >> (8 * i));
      for (int i = 0; i < 4; i++) hdr[16 + i] = (uint8_t)(nl >> (8 * i));
      hdr[20] = dtype(f->host, name, t);
      /* the last entry is cut off when the buffer is full: the guest sees
      ** bufused == buf_len and knows to ask again from the last cookie */
      uint32_t k = blen - used < 24 ? blen - used : 24;
      memcpy(wm_ptr(c, (uint64_t)buf + used), hdr, k);
      used += k;
      k = blen - used < nl ? blen - used : nl;
      memcpy(wm_ptr(c, (uint64_t)buf + used), name, k);
      used += k;
    }
    if (e) break;
  }
  vw_free(&c->w->alloc, d);
  if (e) return e;
  wm_st32(c, usedp, used);
  return 0;
}

const wasi_fndesc wasi_fd_fns[] = {
  { "fd_advise", "iIIi", 1, fd_advise },
  { "fd_allocate", "iII", 1, fd_allocate },
  { "fd_close", "i", 1, fd_close },
  { "fd_datasync", "i", 1, fd_datasync },
  { "fd_fdstat_get", "ii", 1, fd_fdstat_get },
  { "fd_fdstat_set_flags", "ii", 1, fd_fdstat_set_flags },
  { "fd_fdstat_set_rights", "iII", 1, fd_fdstat_set_rights },
  { "fd_filestat_get", "ii", 1, fd_filestat_get },
  { "fd_filestat_set_size", "iI", 1, fd_filestat_set_size },
  { "fd_filestat_set_times", "iIIi", 1, fd_filestat_set_times },
  { "fd_pread", "iiiIi", 1, fd_pread },
  { "fd_prestat_get", "ii", 1, fd_prestat_get },
  { "fd_prestat_dir_name", "iii", 1, fd_prestat_dir_name },
  { "fd_pwrite", "iiiIi", 1, fd_pwrite },
  { "fd_read", "iiii", 1, fd_read },
  { "fd_readdir", "iiiIi", 1, fd_readdir },
  { "fd_renumber", "ii", 1, fd_renumber },
  { "fd_seek", "iIii", 1, fd_seek },
  { "fd_sync", "i", 1, fd_sync },
  { "fd_tell", "ii", 1, fd_tell },
  { "fd_write", "iiii", 1, fd_write },
  { NULL, NULL, 0, NULL }
};
