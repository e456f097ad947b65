/*
** wasi_int.h — internals shared by the WASI preview 1 host files.
**
** The descriptor table and its rights (wasi_ctx.c), guest-memory access
** helpers (bounds-checked with 64-bit arithmetic, unaligned little-endian),
** the ABI constants of wasi_snapshot_preview1, the sandboxed path resolver
** (wasi_path.c) and the Linux errno mapping (wasi_errno.c).  Nothing here is
** visible to embedders; they see wasi/vwasi.h only.
*/
#ifndef WASI_INT_H
#define WASI_INT_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "vwasi.h"
#include "../runtime/interp/vw_internal.h" /* vw_malloc & co. */

/* ---- ABI: errno ---------------------------------------------------------- */
enum {
  W_ESUCCESS = 0,
  W_E2BIG = 1,
  W_EACCES = 2,
  W_EADDRINUSE = 3,
  W_EADDRNOTAVAIL = 4,
  W_EAFNOSUPPORT = 5,
  W_EAGAIN = 6,
  W_EALREADY = 7,
  W_EBADF = 8,
  W_EBADMSG = 9,
  W_EBUSY = 10,
  W_ECANCELED = 11,
  W_ECHILD = 12,
  W_ECONNABORTED = 13,
  W_ECONNREFUSED = 14,
  W_ECONNRESET = 15,
  W_EDEADLK = 16,
  W_EDESTADDRREQ = 17,
  W_EDOM = 18,
  W_EDQUOT = 19,
  W_EEXIST = 20,
  W_EFAULT = 21,
  W_EFBIG = 22,
  W_EHOSTUNREACH = 23,
  W_EIDRM = 24,
  W_EILSEQ = 25,
  W_EINPROGRESS = 26,
  W_EINTR = 27,
  W_EINVAL = 28,
  W_EIO = 29,
  W_EISCONN = 30,
  W_EISDIR = 31,
  W_ELOOP = 32,
  W_EMFILE = 33,
  W_EMLINK = 34,
  W_EMSGSIZE = 35,
  W_EMULTIHOP = 36,
  W_ENAMETOOLONG = 37,
  W_ENETDOWN = 38,
  W_ENETRESET = 39,
  W_ENETUNREACH = 40,
  W_ENFILE = 41,
  W_ENOBUFS = 42,
  W_ENODEV = 43,
  W_ENOENT = 44,
  W_ENOEXEC = 45,
  W_ENOLCK = 46,
  W_ENOLINK = 47,
  W_ENOMEM = 48,
  W_ENOMSG = 49,
  W_ENOPROTOOPT = 50,
  W_ENOSPC = 51,
  W_ENOSYS = 52,
  W_ENOTCONN = 53,
  W_ENOTDIR = 54,
  W_ENOTEMPTY = 55,
  W_ENOTRECOVERABLE = 56,
  W_ENOTSOCK = 57,
  W_ENOTSUP = 58,
  W_ENOTTY = 59,
  W_ENXIO = 60,
  W_EOVERFLOW = 61,
  W_EOWNERDEAD = 62,
  W_EPERM = 63,
  W_EPIPE = 64,
  W_EPROTO = 65,
  W_EPROTONOSUPPORT = 66,
  W_EPROTOTYPE = 67,
  W_ERANGE = 68,
  W_EROFS = 69,
  W_ESPIPE = 70,
  W_ESRCH = 71,
  W_ESTALE = 72,
  W_ETIMEDOUT = 73,
  W_ETXTBSY = 74,
  W_EXDEV = 75,
  W_ENOTCAPABLE = 76
};
/* An implementation returns a WASI errno, or this to make the host
** function trap (proc_exit; vw_host_exit/vw_host_trap already said why). */
#define W_TRAP (-1)

/* ---- ABI: rights --------------------------------------------------------- */
#define R_FD_DATASYNC             (1ull << 0)
#define R_FD_READ                 (1ull << 1)
#define R_FD_SEEK                 (1ull << 2)
#define R_FD_FDSTAT_SET_FLAGS     (1ull << 3)
#define R_FD_SYNC                 (1ull << 4)
#define R_FD_TELL                 (1ull << 5)
#define R_FD_WRITE                (1ull << 6)
#define R_FD_ADVISE               (1ull << 7)
#define R_FD_ALLOCATE             (1ull << 8)
#define R_PATH_CREATE_DIRECTORY   (1ull << 9)
#define R_PATH_CREATE_FILE        (1ull << 10)
#define R_PATH_LINK_SOURCE        (1ull << 11)
#define R_PATH_LINK_TARGET        (1ull << 12)
#define R_PATH_OPEN               (1ull << 13)
#define R_FD_READDIR              (1ull << 14)
#define R_PATH_READLINK           (1ull << 15)
#define R_PATH_RENAME_SOURCE      (1ull << 16)
#define R_PATH_RENAME_TARGET      (1ull << 17)
#define R_PATH_FILESTAT_GET       (1ull << 18)
#define R_PATH_FILESTAT_SET_SIZE  (1ull << 19)
#define R_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define R_FD_FILESTAT_GET         (1ull << 21)
#define R_FD_FILESTAT_SET_SIZE    (1ull << 22)
#define R_FD_FILESTAT_SET_TIMES   (1ull << 23)
#define R_PATH_SYMLINK            (1ull << 24)
#define R_PATH_REMOVE_DIRECTORY   (1ull << 25)
#define R_PATH_UNLINK_FILE        (1ull << 26)
#define R_POLL_FD_READWRITE       (1ull << 27)
#define R_SOCK_SHUTDOWN           (1ull << 28)
#define R_SOCK_ACCEPT             (1ull << 29)
#define R_ALL                     ((1ull << 30) - 1)

/* What makes sense on each kind of descriptor (as node's uvwasi and
** wasmtime narrow them): regular files get no path rights, directories no
** read/write, sockets and character devices neither seek nor path rights. */
#define R_REGULAR_BASE                                                         \
  (R_FD_DATASYNC | R_FD_READ | R_FD_SEEK | R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | \
   R_FD_TELL | R_FD_WRITE | R_FD_ADVISE | R_FD_ALLOCATE | R_FD_FILESTAT_GET |  \
   R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES | R_POLL_FD_READWRITE)
#define R_DIR_BASE                                                             \
  (R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | R_FD_ADVISE | R_PATH_CREATE_DIRECTORY | \
   R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET |              \
   R_PATH_OPEN | R_FD_READDIR | R_PATH_READLINK | R_PATH_RENAME_SOURCE |       \
   R_PATH_RENAME_TARGET | R_PATH_FILESTAT_GET | R_PATH_FILESTAT_SET_SIZE |     \
   R_PATH_FILESTAT_SET_TIMES | R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_TIMES |   \
   R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE |             \
   R_POLL_FD_READWRITE)
#define R_TTY_BASE                                                             \
  (R_FD_READ | R_FD_FDSTAT_SET_FLAGS | R_FD_WRITE | R_FD_FILESTAT_GET |        \
   R_POLL_FD_READWRITE)
#define R_SOCK_BASE                                                            \
  (R_FD_READ | R_FD_FDSTAT_SET_FLAGS | R_FD_WRITE | R_FD_FILESTAT_GET |        \
   R_POLL_FD_READWRITE | R_SOCK_SHUTDOWN | R_SOCK_ACCEPT)

/* ---- ABI: enums and flags ------------------------------------------------ */
enum {
  FT_UNKNOWN = 0,
  FT_BLOCK_DEVICE = 1,
  FT_CHARACTER_DEVICE = 2,
  FT_DIRECTORY = 3,
  FT_REGULAR_FILE = 4,
  FT_SOCKET_DGRAM = 5,
  FT_SOCKET_STREAM = 6,
  FT_SYMBOLIC_LINK = 7
};
enum {
  FDF_APPEND = 1,
  FDF_DSYNC = 2,
  FDF_NONBLOCK = 4,
  FDF_RSYNC = 8,
  FDF_SYNC = 16
};
enum { OF_CREAT = 1, OF_DIRECTORY = 2, OF_EXCL = 4, OF_TRUNC = 8 };
enum { LOOKUP_SYMLINK_FOLLOW = 1 };
enum { FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8 };

/* ---- the descriptor table ------------------------------------------------ */
typedef enum wasi_kind {
  WK_FREE = 0,
  WK_FILE,
  WK_DIR,
  WK_STDIO,
  WK_SOCKET
} wasi_kind;

typedef struct wasi_fd {
  wasi_kind kind;
  int host;             /* host descriptor, or -1 (hooked stdio)     */
  uint8_t filetype;     /* FT_*                                      */
  int hook;             /* writes go to cfg.write_hook (fd 1/2),
                           reads to cfg.read_hook (fd 0)            */
  uint64_t rbase, rinh; /* rights                                    */
  char *preopen;        /* guest name of a preopened directory       */
} wasi_fd;

#define WASI_MAX_FDS     4096 /* beyond this, path_open says EMFILE        */
#define WASI_PATH_MAX    4096 /* longer guest paths are ENAMETOOLONG       */
#define WASI_SYMLOOP_MAX 40   /* symlinks followed in one lookup (ELOOP)   */

/* one bound host function; its user data */
struct vwasi;
typedef struct wasi_call {
  struct vwasi *w;
  vw_host_call *hc;
  uint8_t *mem; /* memory 0 of the caller, or NULL           */
  uint64_t memsize;
} wasi_call;

typedef int (*wasi_impl)(wasi_call *c, const vw_raw *a);

typedef struct wasi_fndesc {
  const char *name;
  const char *sig; /* param types: i = i32, I = i64             */
  int has_result;  /* 0 only for proc_exit                      */
  wasi_impl impl;
} wasi_fndesc;

struct vwasi {
  int argc, envc;
  char **argv, **envp; /* owned copies                              */
  void (*write_hook)(void *ud, int fd, const uint8_t *buf, size_t len);
  void *write_ud;
  wasi_fd *fds;
  uint32_t nfds;             /* slots in fds                              */
  vw_store *store;           /* where host functions are created          */
  vw_func **funcs;           /* lazily created, one per wasi_fndesc       */
  struct wasi_binding *bind; /* the user data of each host function       */
  /* stdin hooks (vwasi_config.read_hook / wait_hook) */
  ssize_t (*read_hook)(void *ud, uint8_t *buf, size_t len);
  int (*wait_hook)(void *ud, int timeout_ms);
  void *read_ud;
  /* vwasi_cancel: the flag host functions check, and a pipe whose read end
  ** poll_oneoff waits on with everything else, so a sleep ends at once */
  atomic_int cancelled;
  int cancel_rd, cancel_wr;
  vw_allocator alloc; /* vwasi_config.allocator (copied): all of it */
};

/* descriptor lookup: checks the fd is open and has every right in need */
int wasi_fd_get(struct vwasi *w, uint32_t fd, uint64_t need, wasi_fd **out);
/* installs a host descriptor at the lowest free number; on failure the
** host descriptor is closed. */
int wasi_fd_insert(struct vwasi *w, int host, wasi_kind kind, uint8_t ft,
                   uint64_t rbase, uint64_t rinh, uint32_t *out);
void wasi_fd_release(const vw_allocator *a, wasi_fd *f);
uint8_t wasi_filetype_of_mode(unsigned mode);

/* ---- guest memory -------------------------------------------------------- */
static inline int wm_ok(const wasi_call *c, uint64_t off, uint64_t len) {
  return c->mem != NULL && off <= c->memsize && len <= c->memsize - off;
}
static inline uint8_t *wm_ptr(const wasi_call *c, uint64_t off) {
  return c->mem + off;
}
static inline uint32_t wm_ld32(const wasi_call *c, uint64_t off) {
  const uint8_t *p = c->mem + off;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static inline uint64_t wm_ld64(const wasi_call *c, uint64_t off) {
  return (uint64_t)wm_ld32(c, off) | (uint64_t)wm_ld32(c, off + 4) << 32;
}
static inline void wm_st8(wasi_call *c, uint64_t off, uint8_t v) {
  c->mem[off] = v;
}
static inline void wm_st16(wasi_call *c, uint64_t off, uint16_t v) {
  c->mem[off] = (uint8_t)v;
  c->mem[off + 1] = (uint8_t)(v >> 8);
}
static inline void wm_st32(wasi_call *c, uint64_t off, uint32_t v) {
  for (int i = 0; i < 4; i++) c->mem[off + i] = (uint8_t)(v >> (8 * i));
}
static inline void wm_st64(wasi_call *c, uint64_t off, uint64_t v) {
  for (int i = 0; i < 8; i++) c->mem[off + i] = (uint8_t)(v >> (8 * i));
}

/* argument decoding: i32 args arrive zero-extended in a 64-bit slot */
#define A32(i) ((uint32_t)a[i])
#define A64(i) ((uint64_t)a[i])

/* Gathers the guest iovec array at (iovs, n) into a host struct iovec
** array (vw_malloc'ed into *out; the caller frees).  Bounds-checks every
** buffer. */
struct iovec;
int wasi_iovecs(wasi_call *c, uint32_t iovs, uint32_t n, struct iovec **out);

/* ---- errno (wasi_errno.c) ------------------------------------------------ */
int wasi_errno(int host_errno);
/* the other way: a WASI errno to the host's (EIO when there is none) */
int wasi_errno_host(int wasi_errno);
/* wasi_errno(errno), evaluated at the call */
#define W_ERRNO() wasi_errno(errno)

/* ---- sandboxed paths (wasi_path.c) --------------------------------------- */
/* Copies the guest path (ptr, len) into a NUL-terminated heap string after
** checking bounds, embedded NULs (EINVAL) and length (ENAMETOOLONG). */
int wasi_path_copy(wasi_call *c, uint32_t ptr, uint32_t len, char **out);
/* openat(dirfd, path, flags, mode) confined beneath dirfd: absolute paths,
** ".." above dirfd and symlinks leaving it fail with ENOTCAPABLE; magic
** links are never followed.  follow: whether a final symlink is followed
** (intermediate ones always are, beneath).  Returns a host fd or -(WASI
** errno).  a: the allocator for the walk's buffers (NULL: the C library). */
int wasi_open_beneath(const vw_allocator *a, int dirfd, const char *path,
                      int flags, unsigned mode, int follow);
/* Splits path into its parent directory (opened beneath dirfd, O_PATH, into
** *parent) and its last component (into *name, a pointer into a heap copy
** *buf the caller frees with a).  Trailing slashes are stripped from the
** name and reported in *slash.  follow: a final symlink is resolved first
** (again beneath dirfd).  Returns a WASI errno. */
int wasi_resolve(const vw_allocator *a, int dirfd, const char *path, int follow,
                 int *parent, char **buf, const char **name, int *slash);
/* the 64-byte filestat layout at guest address p (checked by the caller) */
struct stat;
struct timespec;
void wasi_put_filestat(wasi_call *c, uint64_t p, const struct stat *st);
/* timestamps + fstflags -> utimensat times; EINVAL on conflicting flags */
int wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec *ts);
/* test hook: nonzero forces the per-component walk instead of openat2 */
extern int vwasi__no_openat2;

/* ---- the function groups ------------------------------------------------- */
extern const wasi_fndesc wasi_fd_fns[];
extern const wasi_fndesc wasi_path_fns[];
extern const wasi_fndesc wasi_misc_fns[];
extern const wasi_fndesc wasi_sock_fns[];

#endif
