/*
** vwasi.h — WASI preview 1 (wasi_snapshot_preview1) host for the engine.
**
** An embedder describes exactly what an app is granted — arguments,
** environment, preopened directories, the three stdio descriptors, sockets —
** and links the result into an instance's imports.  Nothing else exists for
** the app: capabilities are wiring, not filtering.
**
**   vwasi_config cfg = {0};
**   cfg.argv = argv; cfg.argc = argc;            // argv[0] is the app name
**   cfg.preopens = (vwasi_preopen[]){{"/srv/data", "/data"}}; cfg.npreopens =
*1;
**   cfg.stdio[0] = 0; cfg.stdio[1] = 1; cfg.stdio[2] = 2;
**   vwasi *w = vwasi_new(&cfg, errbuf, sizeof errbuf);
**   vw_instance *inst = vw_instantiate(store, mod, vwasi_resolve, w, &err);
**   int code;  vwasi_run(w, store, inst, &code, &err);  // calls _start
**   vwasi_free(w);
*/
#ifndef VWASI_H
#define VWASI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../runtime/vw.h"

typedef struct vwasi vwasi;

typedef struct vwasi_preopen {
  const char *host_path;  /* directory on the host                        */
  const char *guest_path; /* name the app sees, e.g. "/data" or "."       */
} vwasi_preopen;

typedef struct vwasi_config {
  int argc;
  const char *const *argv;
  int envc;
  const char *const *envp; /* "KEY=VALUE" strings                 */
  size_t npreopens;
  const vwasi_preopen *preopens;
  int stdio[3]; /* host fds for 0,1,2 (-1 = closed);
                   they are dup()ed, never closed     */
  /* Optional hooks: when set, the app's writes to fd 1 / fd 2 go to these
  ** instead of stdio[1]/stdio[2] (the supervisor reads lines this way). */
  void (*write_hook)(void *ud, int fd, const uint8_t *buf, size_t len);
  void *write_ud;
  size_t nsockets; /* pre-opened listening sockets (host
                      fds), handed to the app as fds after
                      the preopens; sock_accept works on them */
  const int *sockets;
  /* Optional stdin hooks (the supervisor serves fd 0 from the app's IPC
  ** inbox this way).  With read_hook set, fd 0 is a character device whose
  ** reads call read_hook: it returns the bytes it put in buf (blocking until
  ** there are some), 0 at end of input, or -1 on error (EIO, or a trap when
  ** the vwasi was cancelled meanwhile).  wait_hook, needed for poll_oneoff
  ** on fd 0, waits up to timeout_ms (-1 = forever, 0 = just look) for input
  ** and returns 1 if a read would not block, 0 otherwise; the embedder must
  ** make it return early when it cancels the vwasi. */
  ssize_t (*read_hook)(void *ud, uint8_t *buf, size_t len);
  int (*wait_hook)(void *ud, int timeout_ms);
  void *read_ud;
  /* What the host allocates for the vwasi and its calls goes through this
  ** (copied; NULL = the C library), as a module's or store's does. */
  const vw_allocator *allocator;
} vwasi_config;

/* NULL on error, with a one-line reason in errbuf (e.g. a preopen that does
** not exist). */
vwasi *vwasi_new(const vwasi_config *cfg, char *errbuf, size_t errlen);
void vwasi_free(vwasi *w);

/* Cancellation, for killing an app from another thread: sets a flag that
** makes every WASI host function trap ("killed") on entry and on return,
** and wakes a poll_oneoff sleeping in this vwasi.  It does not stop pure
** wasm code: call vw_interrupt on the store as well.  Thread-safe and
** async-signal-safe; idempotent. */
void vwasi_cancel(vwasi *w);
int vwasi_cancelled(const vwasi *w); /* nonzero once cancelled */

/* vw_resolver for "wasi_snapshot_preview1" imports; ud is the vwasi*.
** Host functions are created lazily in the store of the first call. */
int vwasi_resolve(void *ud, const char *module, const char *name,
                  vw_externkind kind, vw_extern *out);
/* The store the host functions must be created in (call before
** vw_instantiate). */
void vwasi_bind_store(vwasi *w, vw_store *s);

/* Runs the command: calls the export "_start" (or, for a reactor,
** "_initialize" then nothing).  On return *exit_code is the app's exit code
** (0 when _start returns normally, the proc_exit code otherwise).  A trap is
** reported as VW_ERR_TRAP in err. */
vw_status vwasi_run(vwasi *w, vw_store *s, vw_instance *inst, int *exit_code,
                    vw_error *err);

/* The sandbox's path confinement, for other host code that opens files on
** an app's behalf (the display's PNG loader): openat(dirfd, path, flags)
** where absolute paths, ".." above dirfd and symlinks leading out fail with
** EXDEV, and magic links are never followed.  Returns an fd (O_CLOEXEC), or
** -1 with errno set. */
int vwasi_open_beneath(int dirfd, const char *path, int flags);

#endif
