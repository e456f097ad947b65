/*
** wasi_ctx.c — the WASI host's context: configuration, descriptor table,
** rights, linking and running.
**
** vwasi_new turns a vwasi_config into the only world the app can see: fds
** 0, 1, 2 (duplicated host stdio, or the write hook), the preopened
** directories from fd 3 on, then the listening sockets.  Every descriptor
** carries preview 1 base and inheriting rights; wasi_fd_get checks them on
** each call so a missing right is ENOTCAPABLE, not a host error.  Linking
** (vwasi_resolve) creates host functions lazily in the bound store through
** one trampoline that reads memory 0 of the caller and stores the errno.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi_int.h"

struct wasi_binding {
  struct vwasi *w;
  const wasi_fndesc *d;
};

static const wasi_fndesc *const groups[] = { wasi_misc_fns, wasi_fd_fns,
                                             wasi_path_fns, wasi_sock_fns };
#define NGROUPS (sizeof groups / sizeof groups[0])

/* Number of host functions over all groups (each group ends with a NULL
** name). */
static uint32_t fn_count(void) {
  uint32_t n = 0;
  for (size_t g = 0; g < NGROUPS; g++)
    for (const wasi_fndesc *d = groups[g]; d->name; d++) n++;
  return n;
}
static const wasi_fndesc *fn_at(uint32_t i) {
  for (size_t g = 0; g < NGROUPS; g++)
    for (const wasi_fndesc *d = groups[g]; d->name; d++)
      if (i-- == 0) return d;
  return NULL;
}

/* ---- guest memory helpers ------------------------------------------------ */
int wasi_iovecs(wasi_call *c, uint32_t iovs, uint32_t n, struct iovec **out) {
  *out = NULL;
  if (!wm_ok(c, iovs, (uint64_t)n * 8)) return W_EFAULT;
  /* Linux refuses more than IOV_MAX (1024) vectors with EINVAL; say so
  ** before allocating a guest-controlled amount. */
  if (n > 1024) return W_EINVAL;
  struct iovec *v = vw_calloc(&c->w->alloc, n ? n : 1, sizeof *v);
  if (!v) return W_ENOMEM;
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = wm_ld32(c, (uint64_t)iovs + 8ull * i);
    uint32_t len = wm_ld32(c, (uint64_t)iovs + 8ull * i + 4);
    if (!wm_ok(c, buf, len)) {
      vw_free(&c->w->alloc, v);
      return W_EFAULT;
    }
    total += len;
    v[i].iov_base = wm_ptr(c, buf);
    v[i].iov_len = len;
  }
  /* the result count is a u32 (size); a larger total cannot be reported */
  if (total > UINT32_MAX) {
    vw_free(&c->w->alloc, v);
    return W_EINVAL;
  }
  *out = v;
  return 0;
}

/* ---- descriptor table ---------------------------------------------------- */
uint8_t wasi_filetype_of_mode(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return FT_REGULAR_FILE;
    case S_IFDIR: return FT_DIRECTORY;
    case S_IFCHR: return FT_CHARACTER_DEVICE;
    case S_IFBLK: return FT_BLOCK_DEVICE;
    case S_IFLNK: return FT_SYMBOLIC_LINK;
    case S_IFSOCK: return FT_SOCKET_STREAM;
    default: return FT_UNKNOWN; /* FIFOs, as wasmtime reports them */
  }
}

int wasi_fd_get(struct vwasi *w, uint32_t fd, uint64_t need, wasi_fd **out) {
  if (fd >= w->nfds || w->fds[fd].kind == WK_FREE) return W_EBADF;
  wasi_fd *f = &w->fds[fd];
  if ((f->rbase & need) != need) return W_ENOTCAPABLE;
  *out = f;
  return 0;
}

void wasi_fd_release(const vw_allocator *a, wasi_fd *f) {
  if (f->host >= 0) close(f->host);
  vw_free(a, f->preopen);
  memset(f, 0, sizeof *f);
  f->host = -1;
}

/* Makes room for slot n; returns 0 or W_ENOMEM. */
static int fd_reserve(struct vwasi *w, uint32_t n) {
  if (n < w->nfds) return 0;
  uint32_t cap = w->nfds ? w->nfds * 2 : 16;
  while (cap <= n) cap *= 2;
  wasi_fd *nf = vw_realloc(&w->alloc, w->fds, (size_t)cap * sizeof *nf);
  if (!nf) return W_ENOMEM;
  for (uint32_t i = w->nfds; i < cap; i++) {
    memset(&nf[i], 0, sizeof nf[i]);
    nf[i].host = -1;
  }
  w->fds = nf;
  w->nfds = cap;
  return 0;
}

int wasi_fd_insert(struct vwasi *w, int host, wasi_kind kind, uint8_t ft,
                   uint64_t rbase, uint64_t rinh, uint32_t *out) {
  uint32_t i = 0;
  while (i < w->nfds && w->fds[i].kind != WK_FREE) i++;
  if (i >= WASI_MAX_FDS) {
    close(host);
    return W_EMFILE;
  }
  if (fd_reserve(w, i)) {
    close(host);
    return W_ENOMEM;
  }
  wasi_fd *f = &w->fds[i];
  f->kind = kind;
  f->host = host;
  f->filetype = ft;
  f->hook = 0;
  f->rbase = rbase;
  f->rinh = rinh;
  f->preopen = NULL;
  *out = i;
  return 0;
}

/* ---- configuration ------------------------------------------------------- */
static char **strv_copy(const vw_allocator *a, int n, const char *const *v) {
  char **out = vw_calloc(a, (size_t)n + 1, sizeof *out);
  if (!out) return NULL;
  for (int i = 0; i < n; i++) {
    out[i] = vw_strndup(a, v[i] ? v[i] : "", strlen(v[i] ? v[i] : ""));
    if (!out[i]) {
      while (i--) vw_free(a, out[i]);
      vw_free(a, out);
      return NULL;
    }
  }
  return out;
}
static void strv_free(const vw_allocator *a, char **v, int n) {
  if (!v) return;
  for (int i = 0; i < n; i++) vw_free(a, v[i]);
  vw_free(a, v);
}

/* "what[ arg][: strerror(e)]" into the caller's buffer */
static void seterr(char *buf, size_t len, const char *what, const char *arg,
                   int e) {
  if (!buf || !len) return;
  snprintf(buf, len, "%s%s%s%s%s", what, arg ? " " : "", arg ? arg : "",
           e ? ": " : "", e ? strerror(e) : "");
}

void vwasi_free(vwasi *w) {
  if (!w) return;
  for (uint32_t i = 0; i < w->nfds; i++)
    if (w->fds[i].kind != WK_FREE) wasi_fd_release(&w->alloc, &w->fds[i]);
  vw_free(&w->alloc, w->fds);
  strv_free(&w->alloc, w->argv, w->argc);
  strv_free(&w->alloc, w->envp, w->envc);
  vw_free(&w->alloc, w->funcs);
  vw_free(&w->alloc, w->bind);
  if (w->cancel_rd >= 0) close(w->cancel_rd);
  if (w->cancel_wr >= 0) close(w->cancel_wr);
  vw_allocator a = w->alloc; /* w itself is freed with it */
  vw_free(&a, w);
}

void vwasi_cancel(vwasi *w) {
  if (!w) return;
  atomic_store(&w->cancelled, 1);
  /* one byte is enough: nobody reads it, so the read end stays readable
  ** and every later poll_oneoff returns at once too.  A full pipe (EAGAIN)
  ** is just as readable. */
  if (w->cancel_wr >= 0) {
    ssize_t r = write(w->cancel_wr, "k", 1);
    (void)r;
  }
}

int vwasi_cancelled(const vwasi *w) {
  return w && atomic_load(&((vwasi *)w)->cancelled);
}

/* Each step of vwasi_new below: 0, or -1 with the reason in errbuf. */
static int step_fail(char *errbuf, size_t errlen, const char *what,
                     const char *path, int err) {
  if (err == ENOMEM)
    seterr(errbuf, errlen, "out of memory", NULL, 0);
  else
    seterr(errbuf, errlen, what, path, err);
  return -1;
}

/* descriptors 0-2: host descriptors (duplicated), hooks, or absent */
static int setup_stdio(vwasi *w, const vwasi_config *cfg, char *errbuf,
                       size_t errlen) {
  for (int i = 0; i < 3; i++) {
    wasi_fd *f = &w->fds[i];
    /* 1: writes go to the write hook; 2: reads come from the read hook */
    int hooked = i > 0 ? (cfg->write_hook ? 1 : 0) : (cfg->read_hook ? 2 : 0);
    if (hooked == 2 && cfg->stdio[0] >= 0) hooked = 0; /* host fd wins */
    if (cfg->stdio[i] >= 0) {
      f->host = fcntl(cfg->stdio[i], F_DUPFD_CLOEXEC, 0);
      if (f->host < 0)
        return step_fail(errbuf, errlen, "cannot duplicate stdio", NULL, errno);
    } else if (!hooked) {
      continue; /* closed: fd i does not exist */
    }
    f->kind = WK_STDIO;
    f->hook = hooked;
    f->filetype = FT_CHARACTER_DEVICE;
    struct stat st;
    if (f->host >= 0 && fstat(f->host, &st) == 0)
      f->filetype = wasi_filetype_of_mode(st.st_mode);
    f->rbase = f->filetype == FT_REGULAR_FILE ? R_REGULAR_BASE
               : f->filetype == FT_DIRECTORY  ? R_DIR_BASE
                                              : R_TTY_BASE;
    f->rinh = 0;
  }
  return 0;
}

/* descriptors 3..: the preopened directories */
static int setup_preopens(vwasi *w, const vwasi_config *cfg, char *errbuf,
                          size_t errlen) {
  for (size_t i = 0; i < cfg->npreopens; i++) {
    const vwasi_preopen *p = &cfg->preopens[i];
    wasi_fd *f = &w->fds[3 + i];
    if (!p->host_path || !p->guest_path)
      return step_fail(errbuf, errlen, "preopen without a path", NULL, 0);
    int h = open(p->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h < 0)
      return step_fail(errbuf, errlen, "cannot preopen", p->host_path, errno);
    f->kind = WK_DIR;
    f->host = h;
    f->filetype = FT_DIRECTORY;
    /* wasmtime and node give preopens every right; what the app can do is
    ** bounded by the directory it was given, not by a subset of rights */
    f->rbase = R_ALL;
    f->rinh = R_ALL;
    f->preopen = vw_strndup(&w->alloc, p->guest_path, strlen(p->guest_path));
    if (!f->preopen) return step_fail(errbuf, errlen, NULL, NULL, ENOMEM);
  }
  return 0;
}

/* the sockets handed over, after the preopens */
static int setup_sockets(vwasi *w, const vwasi_config *cfg, char *errbuf,
                         size_t errlen) {
  for (size_t i = 0; i < cfg->nsockets; i++) {
    wasi_fd *f = &w->fds[3 + cfg->npreopens + i];
    int h = fcntl(cfg->sockets[i], F_DUPFD_CLOEXEC, 0);
    if (h < 0)
      return step_fail(errbuf, errlen, "cannot use socket", NULL, errno);
    int type = 0;
    socklen_t tl = sizeof type;
    f->kind = WK_SOCKET;
    f->host = h;
    if (getsockopt(h, SOL_SOCKET, SO_TYPE, &type, &tl) != 0) {
      seterr(errbuf, errlen, "not a socket", NULL, errno);
      return -1;
    }
    f->filetype = type == SOCK_DGRAM ? FT_SOCKET_DGRAM : FT_SOCKET_STREAM;
    f->rbase = R_SOCK_BASE;
    f->rinh = R_SOCK_BASE;
  }
  return 0;
}

vwasi *vwasi_new(const vwasi_config *cfg, char *errbuf, size_t errlen) {
  vw_allocator a = vw_allocator_or_libc(cfg->allocator);
  vwasi *w = vw_calloc(&a, 1, sizeof *w);
  if (!w) {
    seterr(errbuf, errlen, "out of memory", NULL, 0);
    return NULL;
  }
  w->alloc = a;
  w->cancel_rd = w->cancel_wr = -1;
  atomic_init(&w->cancelled, 0);
  uint32_t nfn = fn_count();
  w->funcs = vw_calloc(&w->alloc, nfn, sizeof *w->funcs);
  w->bind = vw_calloc(&w->alloc, nfn, sizeof *w->bind);
  if (!w->funcs || !w->bind) goto nomem;
  for (uint32_t i = 0; i < nfn; i++) {
    w->bind[i].w = w;
    w->bind[i].d = fn_at(i);
  }
  w->argc = cfg->argc > 0 ? cfg->argc : 0;
  w->envc = cfg->envc > 0 ? cfg->envc : 0;
  if (!(w->argv = strv_copy(&w->alloc, w->argc, cfg->argv))) goto nomem;
  if (!(w->envp = strv_copy(&w->alloc, w->envc, cfg->envp))) goto nomem;
  w->write_hook = cfg->write_hook;
  w->write_ud = cfg->write_ud;
  if (fd_reserve(w, 2 + (uint32_t)cfg->npreopens + (uint32_t)cfg->nsockets))
    goto nomem;
  w->read_hook = cfg->read_hook;
  w->wait_hook = cfg->wait_hook;
  w->read_ud = cfg->read_ud;
  int p[2];
  if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
    seterr(errbuf, errlen, "cannot create the cancel pipe", NULL, errno);
    goto fail;
  }
  w->cancel_rd = p[0];
  w->cancel_wr = p[1];
  if (setup_stdio(w, cfg, errbuf, errlen) ||
      setup_preopens(w, cfg, errbuf, errlen) ||
      setup_sockets(w, cfg, errbuf, errlen))
    goto fail;
  return w;
nomem:
  seterr(errbuf, errlen, "out of memory", NULL, 0);
fail:
  vwasi_free(w);
  return NULL;
}

/* ---- linking ------------------------------------------------------------- */
static int trampoline(vw_host_call *hc, void *ud, const vw_raw *args,
                      vw_raw *results) {
  struct wasi_binding *b = ud;
  wasi_call c = { b->w, hc, NULL, 0 };
  /* A cancelled app traps on its next host call, and on the return of one
  ** that was blocked, so a kill unwinds whatever the app was doing. */
  if (atomic_load_explicit(&b->w->cancelled, memory_order_relaxed)) {
    vw_host_trap(hc, "killed");
    return 1;
  }
  vw_memory *m = vw_host_memory(hc);
  if (m) {
    c.mem = vw_memory_data(m);
    c.memsize = vw_memory_size(m);
  }
  int r = b->d->impl(&c, args);
  if (r == W_TRAP) return 1;
  if (atomic_load_explicit(&b->w->cancelled, memory_order_relaxed)) {
    vw_host_trap(hc, "killed");
    return 1;
  }
  if (b->d->has_result) results[0] = (uint32_t)r;
  return 0;
}

void vwasi_bind_store(vwasi *w, vw_store *s) {
  if (w->store != s) {
    /* functions of another store cannot be shared; they die with it */
    memset(w->funcs, 0, fn_count() * sizeof *w->funcs);
    w->store = s;
  }
}

int vwasi_resolve(void *ud, const char *module, const char *name,
                  vw_externkind kind, vw_extern *out) {
  vwasi *w = ud;
  if (!w || !w->store || kind != VW_EXTERN_FUNC ||
      strcmp(module, "wasi_snapshot_preview1") != 0)
    return 1;
  uint32_t n = fn_count();
  for (uint32_t i = 0; i < n; i++) {
    const wasi_fndesc *d = w->bind[i].d;
    if (strcmp(d->name, name) != 0) continue;
    if (!w->funcs[i]) {
      uint8_t params[16], result = VW_I32;
      uint32_t np = 0;
      for (const char *s = d->sig; *s && np < sizeof params; s++)
        params[np++] = *s == 'I' ? VW_I64 : VW_I32;
      vw_functype_info t = { np, d->has_result ? 1u : 0u, params, &result };
      w->funcs[i] = vw_func_new_host(w->store, &t, trampoline, &w->bind[i]);
      if (!w->funcs[i]) return 1;
    }
    out->kind = VW_EXTERN_FUNC;
    out->of.func = w->funcs[i];
    return 0;
  }
  return 1;
}

vw_status vwasi_run(vwasi *w, vw_store *s, vw_instance *inst, int *exit_code,
                    vw_error *err) {
  (void)w;
  vw_extern ex;
  vw_error local;
  if (!err) err = &local;
  *exit_code = 0;
  const char *entry = NULL;
  if (vw_instance_export(inst, "_start", &ex) == 0 && ex.kind == VW_EXTERN_FUNC)
    entry = "_start";
  else if (vw_instance_export(inst, "_initialize", &ex) == 0 &&
           ex.kind == VW_EXTERN_FUNC)
    entry = "_initialize";
  if (!entry) return VW_OK; /* nothing to run: a bare library module */
  vw_functype_info ti;
  vw_func_type(ex.of.func, &ti);
  if (ti.nparams != 0 || ti.nresults != 0) {
    snprintf(err->msg, sizeof err->msg, "%s has the wrong type", entry);
    err->status = VW_ERR_ARG;
    err->trap = VW_TRAP_NONE;
    err->offset = VW_NO_OFFSET;
    err->ntrace = 0;
    return VW_ERR_ARG;
  }
  vw_status st = vw_call(s, ex.of.func, NULL, NULL, err);
  if (st == VW_ERR_TRAP && err->trap == VW_TRAP_EXIT) {
    *exit_code = err->exit_code;
    return VW_OK;
  }
  return st;
}
