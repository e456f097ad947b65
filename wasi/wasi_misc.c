/*
** wasi_misc.c — arguments, environment, clocks, randomness, poll_oneoff and
** the proc_* / sched_yield functions of wasi_snapshot_preview1.
**
** poll_oneoff blocks the calling app's thread: ppoll(2) waits for the
** descriptors, the earliest deadline and the vwasi's cancel pipe (so a
** kill ends any sleep), re-checking the deadline on the subscription's own
** clock after each wake; stdin served by the embedder's read hook is
** waited for with its wait hook.
** A descriptor that cannot be polled is reported as an event with an error,
** never as a failure of the whole call, as the spec asks.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "wasi_int.h"

/* ---- args and environ ---------------------------------------------------- */
static int strv_sizes(wasi_call *c, const vw_raw *a, int n, char **v) {
  uint64_t total = 0;
  for (int i = 0; i < n; i++) total += strlen(v[i]) + 1;
  if (!wm_ok(c, A32(0), 4) || !wm_ok(c, A32(1), 4)) return W_EFAULT;
  if (total > UINT32_MAX) return W_E2BIG;
  wm_st32(c, A32(0), (uint32_t)n);
  wm_st32(c, A32(1), (uint32_t)total);
  return 0;
}

static int strv_get(wasi_call *c, const vw_raw *a, int n, char **v) {
  uint64_t ptrs = A32(0), buf = A32(1), total = 0;
  for (int i = 0; i < n; i++) total += strlen(v[i]) + 1;
  if (!wm_ok(c, ptrs, (uint64_t)n * 4) || !wm_ok(c, buf, total))
    return W_EFAULT;
  for (int i = 0; i < n; i++) {
    size_t l = strlen(v[i]) + 1;
    wm_st32(c, ptrs + 4ull * (unsigned)i, (uint32_t)buf);
    memcpy(wm_ptr(c, buf), v[i], l);
    buf += l;
  }
  return 0;
}

static int args_sizes_get(wasi_call *c, const vw_raw *a) {
  return strv_sizes(c, a, c->w->argc, c->w->argv);
}
static int args_get(wasi_call *c, const vw_raw *a) {
  return strv_get(c, a, c->w->argc, c->w->argv);
}
static int environ_sizes_get(wasi_call *c, const vw_raw *a) {
  return strv_sizes(c, a, c->w->envc, c->w->envp);
}
static int environ_get(wasi_call *c, const vw_raw *a) {
  return strv_get(c, a, c->w->envc, c->w->envp);
}

/* ---- clocks and randomness ----------------------------------------------- */
static int host_clock(uint32_t id, clockid_t *out) {
  switch (id) {
    case 0: *out = CLOCK_REALTIME; return 0;
    case 1: *out = CLOCK_MONOTONIC; return 0;
    case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 0;
    case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 0;
    default: return W_EINVAL;
  }
}

static uint64_t ts_ns(const struct timespec *t) {
  return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

static int clock_res_get(wasi_call *c, const vw_raw *a) {
  clockid_t id;
  int e = host_clock(A32(0), &id);
  if (e) return e;
  if (!wm_ok(c, A32(1), 8)) return W_EFAULT;
  struct timespec t;
  if (clock_getres(id, &t) != 0) return W_ERRNO();
  wm_st64(c, A32(1), ts_ns(&t));
  return 0;
}

static int clock_time_get(wasi_call *c, const vw_raw *a) {
  clockid_t id;
  int e = host_clock(A32(0), &id); /* A64(1), the precision, is a hint */
  if (e) return e;
  if (!wm_ok(c, A32(2), 8)) return W_EFAULT;
  struct timespec t;
  if (clock_gettime(id, &t) != 0) return W_ERRNO();
  wm_st64(c, A32(2), ts_ns(&t));
  return 0;
}

static int random_get(wasi_call *c, const vw_raw *a) {
  uint64_t p = A32(0), n = A32(1);
  if (!wm_ok(c, p, n)) return W_EFAULT;
  while (n > 0) {
    /* syscall, not getrandom(3): older musl and glibc lack the wrapper */
    long r = syscall(SYS_getrandom, wm_ptr(c, p), (size_t)n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return W_ERRNO();
    }
    p += (uint64_t)r;
    n -= (uint64_t)r;
  }
  return 0;
}

/* ---- poll_oneoff --------------------------------------------------------- */
enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

typedef struct psub {
  uint64_t userdata;
  uint8_t type;
  uint16_t error;    /* immediate error event                    */
  int ready;         /* immediately ready (hooked stdout, error) */
  clockid_t clock;   /* clock subscriptions                      */
  uint64_t deadline; /* absolute, in ns of `clock`               */
  int pfd;           /* index into the pollfd array, or -1       */
  int regular;       /* a regular file: always ready             */
  int host;
  int hookin; /* fd_read on stdin served by the read hook */
} psub;

static uint64_t now_ns(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return ts_ns(&t);
}

static void put_event(wasi_call *c, uint64_t p, const psub *s, uint64_t nbytes,
                      uint16_t flags) {
  memset(wm_ptr(c, p), 0, 32);
  wm_st64(c, p, s->userdata);
  wm_st16(c, p + 8, s->error);
  wm_st8(c, p + 10, s->type);
  if (s->type != EV_CLOCK) {
    wm_st64(c, p + 16, nbytes);
    wm_st16(c, p + 24, flags);
  }
}

/* The subscriptions of one call and the descriptors they poll. */
typedef struct pollset {
  psub *subs;
  uint32_t n;
  struct pollfd *pfds; /* npfd host descriptors, then the cancel pipe */
  int npfd, nhook, immediate;
} pollset;

/* an event that is there at once (an error, or always ready) */
static void ready_now(pollset *ps, psub *s, uint16_t error) {
  s->error = error;
  s->ready = 1;
  ps->immediate++;
}

static void read_clock_sub(wasi_call *c, uint64_t p, pollset *ps, psub *s) {
  uint32_t id = wm_ld32(c, p + 16);
  uint64_t timeout = wm_ld64(c, p + 24);
  uint16_t fl = (uint16_t)(c->mem[p + 40] | c->mem[p + 41] << 8);
  if (id > 1) {
    /* the cputime clocks cannot be slept on */
    ready_now(ps, s, id <= 3 ? W_ENOTSUP : W_EINVAL);
    return;
  }
  s->clock = id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
  if (fl & 1) {
    s->deadline = timeout; /* subclockflags ABSTIME */
  } else {
    uint64_t now = now_ns(s->clock);
    s->deadline = timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout;
  }
}

static void read_fd_sub(wasi_call *c, uint64_t p, pollset *ps, psub *s) {
  wasi_fd *f;
  int fe = wasi_fd_get(c->w, wm_ld32(c, p + 16), R_POLL_FD_READWRITE, &f);
  if (fe) {
    ready_now(ps, s, (uint16_t)fe);
    return;
  }
  if (f->hook == 2) { /* stdin from the read hook */
    if (s->type == EV_FD_WRITE)
      ready_now(ps, s, W_EBADF);
    else if (!c->w->wait_hook || c->w->wait_hook(c->w->read_ud, 0))
      ready_now(ps, s, 0); /* cannot tell: say readable */
    else {
      s->hookin = 1;
      ps->nhook++;
    }
    return;
  }
  if (f->host < 0) { /* hooked stdio: always ready */
    ready_now(ps, s, s->type == EV_FD_READ ? W_EBADF : 0);
    return;
  }
  struct stat st;
  if (fstat(f->host, &st) == 0 && S_ISREG(st.st_mode)) s->regular = 1;
  s->host = f->host;
  s->pfd = ps->npfd;
  ps->pfds[ps->npfd].fd = f->host;
  ps->pfds[ps->npfd].events = s->type == EV_FD_READ ? POLLIN : POLLOUT;
  ps->npfd++;
}

/* Reads the n subscriptions at `in`; W_EINVAL for an unknown type. */
static int read_subs(wasi_call *c, uint64_t in, pollset *ps) {
  for (uint32_t i = 0; i < ps->n; i++) {
    uint64_t p = in + 48ull * i;
    psub *s = &ps->subs[i];
    s->userdata = wm_ld64(c, p);
    s->type = c->mem[p + 8];
    s->pfd = -1;
    if (s->type == EV_CLOCK)
      read_clock_sub(c, p, ps, s);
    else if (s->type == EV_FD_READ || s->type == EV_FD_WRITE)
      read_fd_sub(c, p, ps, s);
    else
      return W_EINVAL;
  }
  return 0;
}

/* the clock subscription that expires first, or -1 */
static int earliest_clock(const pollset *ps) {
  int first = -1;
  for (uint32_t i = 0; i < ps->n; i++) {
    const psub *s = &ps->subs[i];
    if (s->type != EV_CLOCK || s->ready) continue;
    if (first < 0) {
      first = (int)i;
      continue;
    }
    /* compare as remaining time, since clocks may differ */
    const psub *f = &ps->subs[first];
    uint64_t ri = s->deadline - now_ns(s->clock);
    uint64_t rf = f->deadline - now_ns(f->clock);
    if ((int64_t)ri < (int64_t)rf) first = (int)i;
  }
  return first;
}

/* stdin through the embedder's wait: marks its subscriptions ready if it
** has input within ms (0: now); whether it had */
static bool hooked_stdin_ready(wasi_call *c, pollset *ps, int ms) {
  if (!c->w->wait_hook(c->w->read_ud, ms)) return false;
  for (uint32_t i = 0; i < ps->n; i++)
    if (ps->subs[i].hookin) ps->subs[i].ready = 1;
  return true;
}

/* One wait of at most rem ns (UINT64_MAX: no limit) on the descriptors,
** the cancel pipe and hooked stdin; 1 if something is ready, 0 if not,
** else a WASI error. */
static int wait_once(wasi_call *c, pollset *ps, uint64_t rem) {
  if (ps->nhook && ps->npfd == 0) {
    /* stdin and clocks only: the embedder's wait is the whole wait */
    int ms = -1;
    if (rem != UINT64_MAX) {
      uint64_t m = (rem + 999999) / 1000000;
      ms = m > 1000000000ull ? 1000000000 : (int)m;
    }
    return hooked_stdin_ready(c, ps, ms);
  }
  /* With stdin and host descriptors both, poll the descriptors in
  ** slices of 10 ms and look at stdin between them. */
  if (ps->nhook && rem > 10000000ull) rem = 10000000ull;
  struct timespec ts, *tsp = NULL;
  if (rem != UINT64_MAX) {
    if (rem / 1000000000ull > (uint64_t)INT64_MAX / 2)
      rem = (uint64_t)INT64_MAX / 2 * 1000000000ull;
    ts.tv_sec = (time_t)(rem / 1000000000ull);
    ts.tv_nsec = (long)(rem % 1000000000ull);
    tsp = &ts;
  }
  if (ppoll(ps->pfds, (nfds_t)ps->npfd + 1, tsp, NULL) < 0)
    return errno == EINTR ? 0 : -W_ERRNO();
  int any = 0;
  for (int i = 0; i < ps->npfd; i++)
    if (ps->pfds[i].revents) any = 1;
  if (ps->nhook && hooked_stdin_ready(c, ps, 0)) any = 1;
  return any;
}

/* Blocks until a subscription fires, the earliest clock expires, or the
** app is killed.  Every wait includes the cancel pipe (vwasi_cancel), so
** a kill ends a sleep at once; the loop re-checks the deadline after each
** wake because the timeout runs on the monotonic clock while a deadline
** may be on the realtime one. */
static int wait_events(wasi_call *c, pollset *ps) {
  int first = earliest_clock(ps);
  ps->pfds[ps->npfd].fd = c->w->cancel_rd;
  ps->pfds[ps->npfd].events = POLLIN;
  for (;;) {
    if (vwasi_cancelled(c->w)) {
      vw_host_trap(c->hc, "killed");
      return W_TRAP;
    }
    uint64_t rem = UINT64_MAX;
    if (first >= 0) {
      const psub *f = &ps->subs[first];
      uint64_t now = now_ns(f->clock);
      rem = f->deadline > now ? f->deadline - now : 0;
      if (rem == 0) return 0;
    }
    int r = wait_once(c, ps, rem);
    if (r < 0) return -r;
    if (r > 0) return 0;
  }
}

/* Whether s fired, and the bytes and flags its event reports. */
static bool fired(const pollset *ps, psub *s, uint64_t *nbytes,
                  uint16_t *flags) {
  *nbytes = 0;
  *flags = 0;
  if (s->type == EV_CLOCK) return s->ready || now_ns(s->clock) >= s->deadline;
  if (s->hookin) {
    *nbytes = 1; /* at least one byte; the hook knows no more */
    return s->ready;
  }
  if (s->ready) return true;
  short rev = ps->pfds[s->pfd].revents;
  if (!rev) return false;
  if (rev & POLLNVAL) s->error = W_EBADF;
  if (rev & POLLHUP) *flags |= 1; /* eventrwflags HANGUP */
  if (s->type == EV_FD_READ && !s->error) {
    if (s->regular) {
      struct stat st;
      off_t pos = lseek(s->host, 0, SEEK_CUR);
      if (fstat(s->host, &st) == 0 && pos >= 0 && st.st_size > pos)
        *nbytes = (uint64_t)(st.st_size - pos);
    } else {
      int avail = 0;
      if (ioctl(s->host, FIONREAD, &avail) == 0 && avail > 0)
        *nbytes = (uint64_t)avail;
    }
  }
  return true;
}

static int poll_oneoff(wasi_call *c, const vw_raw *a) {
  uint64_t in = A32(0), out = A32(1), neventsp = A32(3);
  pollset ps = { .n = A32(2) };
  if (ps.n == 0) return W_EINVAL;
  if (!wm_ok(c, in, (uint64_t)ps.n * 48) ||
      !wm_ok(c, out, (uint64_t)ps.n * 32) || !wm_ok(c, neventsp, 4))
    return W_EFAULT;
  ps.subs = vw_calloc(&c->w->alloc, ps.n, sizeof *ps.subs);
  /* one more slot: the cancel pipe, always polled last */
  ps.pfds = vw_calloc(&c->w->alloc, (size_t)ps.n + 1, sizeof *ps.pfds);
  int e = W_ENOMEM;
  if (!ps.subs || !ps.pfds) goto done;
  if ((e = read_subs(c, in, &ps))) goto done;
  if (!ps.immediate) {
    if ((e = wait_events(c, &ps))) goto done;
  } else if (ps.npfd) {
    struct timespec zero = { 0, 0 };
    if (ppoll(ps.pfds, (nfds_t)ps.npfd, &zero, NULL) < 0) {
      e = W_ERRNO();
      goto done;
    }
  }
  uint32_t nev = 0;
  for (uint32_t i = 0; i < ps.n; i++) {
    uint64_t nbytes;
    uint16_t flags;
    if (!fired(&ps, &ps.subs[i], &nbytes, &flags)) continue;
    put_event(c, out + 32ull * nev, &ps.subs[i], nbytes, flags);
    nev++;
  }
  wm_st32(c, neventsp, nev);
done:
  vw_free(&c->w->alloc, ps.subs);
  vw_free(&c->w->alloc, ps.pfds);
  return e;
}

/* ---- process ------------------------------------------------------------- */
static int proc_exit(wasi_call *c, const vw_raw *a) {
  vw_host_exit(c->hc, (int)A32(0));
  return W_TRAP;
}

static int proc_raise(wasi_call *c, const vw_raw *a) {
  (void)c;
  (void)a;
  /* Signals are not part of the app's world (preview 1 removed this call
  ** in later snapshots); raising one on the host would hit the supervisor. */
  return W_ENOSYS;
}

static int sched_yield_(wasi_call *c, const vw_raw *a) {
  (void)c;
  (void)a;
  sched_yield();
  return 0;
}

const wasi_fndesc wasi_misc_fns[] = {
  { "args_get", "ii", 1, args_get },
  { "args_sizes_get", "ii", 1, args_sizes_get },
  { "environ_get", "ii", 1, environ_get },
  { "environ_sizes_get", "ii", 1, environ_sizes_get },
  { "clock_res_get", "ii", 1, clock_res_get },
  { "clock_time_get", "iIi", 1, clock_time_get },
  { "random_get", "ii", 1, random_get },
  { "poll_oneoff", "iiii", 1, poll_oneoff },
  { "proc_exit", "i", 0, proc_exit },
  { "proc_raise", "i", 1, proc_raise },
  { "sched_yield", "", 1, sched_yield_ },
  { NULL, NULL, 0, NULL }
};
