/*
** broker.c — the IPC broker (contract: ipc/broker.h).
**
** This file owns the endpoint table, every app's inbox, the grant check,
** the per-sender token bucket and the per-app IPC counters.
**
** Locking: one mutex per broker guards everything here; each endpoint has
** its own condition variable (on CLOCK_MONOTONIC, so a wall-clock jump
** never stretches or cuts a recv timeout) for its blocked reader.  The
** supervisor's @sys handler is called with the mutex released, because it
** may well call back into the broker (ps reads stats, kill removes an
** endpoint).
**
** Table: a chained hash (FNV-1a) of endpoints by name, doubled when its
** load passes one, so a route costs two hash lookups and one allocation:
** the queued copy of the message.
**
** Inbox and backpressure: an inbox holds up to `queue_cap` app messages
** (messages from other apps and vyctl's inject).  When it is full the NEW
** message is refused and its sender gets "@sys: error queue-full NAME";
** queued messages are never dropped.  Lines from @sys to the app (error
** replies, answers to @sys commands) may use SYS_RESERVE slots beyond
** queue_cap, so an app that floods a busy peer still hears why its sends
** fail.  Should even the reserve be full -- the app is not reading its
** stdin at all -- the @sys line is dropped and counted in its
** `dropped_full`; it cannot be delivered and blocking the sender's own
** thread on its own inbox would deadlock it.  So "none vanishes" holds in
** the sense that every loss is counted, and the reserve makes loss need
** SYS_RESERVE unread errors first.
**
** Order of checks for an "@target: payload" line: malformed header, too
** long, rate limit (every well-formed attempt costs a token, also a denied
** one: a flood of bad sends is still a flood), grant, existence of the
** target, room in its inbox.  The grant is checked before existence so an
** app cannot probe which apps exist beyond its grants.
**
** Rate: rate_per_sec = 0 means unlimited (the supervisor passes the
** manifest's value, whose default is 1000).
**
** An unregistered `from` (a race with removal) has nobody to answer: its
** IPC lines are swallowed and VY_LINE_IPC returned.
*/
#include "broker.h"
#include "broker_clock.h"
#include "../base/vy_time.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_MAX_LEN    32
#define SYS_RESERVE     16
#define MAX_QUEUE_CAP   (1u << 20) /* a sanity bound, not a budget */
#define DRAW_PREFIX     "VYOMA_DRAW "
#define DRAW_PREFIX_LEN (sizeof DRAW_PREFIX - 1)

/* One queued line; `off` is how much of it a reader has taken already. */
typedef struct vy_msg {
  size_t len, off;
  char data[];
} vy_msg;

typedef struct endpoint {
  struct endpoint *next; /* hash chain */
  uint32_t hash;
  char name[NAME_MAX_LEN + 1];
  bool grant_any, grant_sys;
  char **grants; /* other granted names */
  size_t ngrants;
  double rate, tokens; /* rate 0: unlimited */
  uint64_t last_ns;
  vy_msg **ring; /* cap + SYS_RESERVE slots */
  size_t cap, slots, head, count;
  pthread_cond_t cond;
  unsigned waiters; /* readers blocked in recv */
  bool removed, wake;
  vy_ipc_stats st;
} endpoint;

struct vy_broker {
  pthread_mutex_t mu;
  endpoint **buckets;
  size_t nbuckets, n;
  vy_sys_handler sys;
  void *ud;
  uint64_t (*now)(void *);
  void *now_ud;
};

static uint64_t mono_ns(void *ud) {
  (void)ud;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t hash_name(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 16777619u;
  }
  return h;
}

/* [a-z][a-z0-9-]{0,31} at s (length n exactly) */
static bool valid_name(const char *s, size_t n) {
  if (n == 0 || n > NAME_MAX_LEN || s[0] < 'a' || s[0] > 'z') return false;
  for (size_t i = 1; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  }
  return true;
}

static endpoint *find(vy_broker *b, const char *name) {
  uint32_t h = hash_name(name);
  for (endpoint *e = b->buckets[h & (b->nbuckets - 1)]; e; e = e->next)
    if (e->hash == h && strcmp(e->name, name) == 0) return e;
  return NULL;
}

/* Doubles the table; on allocation failure keeps the old one (longer
** chains are slower, not wrong). */
static void grow(vy_broker *b) {
  size_t nb = b->nbuckets * 2;
  endpoint **nt = calloc(nb, sizeof *nt);
  if (!nt) return;
  for (size_t i = 0; i < b->nbuckets; i++) {
    endpoint *e = b->buckets[i];
    while (e) {
      endpoint *next = e->next;
      e->next = nt[e->hash & (nb - 1)];
      nt[e->hash & (nb - 1)] = e;
      e = next;
    }
  }
  free(b->buckets);
  b->buckets = nt;
  b->nbuckets = nb;
}

static void clear_queue(endpoint *e) {
  while (e->count) {
    free(e->ring[e->head]);
    e->ring[e->head] = NULL;
    e->head = (e->head + 1) % e->slots;
    e->count--;
  }
}

static void destroy(endpoint *e) {
  clear_queue(e);
  for (size_t i = 0; i < e->ngrants; i++) free(e->grants[i]);
  free(e->grants);
  free(e->ring);
  pthread_cond_destroy(&e->cond);
  free(e);
}

/* Queues an already built message; the caller has checked the room. */
static void push(endpoint *e, vy_msg *m) {
  e->ring[(e->head + e->count) % e->slots] = m;
  e->count++;
  e->st.msgs_in++;
  pthread_cond_signal(&e->cond);
}

/* Builds "PREFIX: body\n" (prefix given without '@') as one message. */
static vy_msg *make_msg(const char *prefix, const char *body, size_t blen) {
  size_t plen = strlen(prefix);
  size_t len = 1 + plen + 2 + blen + 1;
  vy_msg *m = malloc(sizeof *m + len);
  if (!m) return NULL;
  m->len = len;
  m->off = 0;
  char *p = m->data;
  *p++ = '@';
  memcpy(p, prefix, plen);
  p += plen;
  *p++ = ':';
  *p++ = ' ';
  if (blen) memcpy(p, body, blen);
  p += blen;
  *p = '\n';
  return m;
}

/* Queues an @sys line for e, in its reserve if need be; counted in
** dropped_full when there is no room or no memory (see the top comment). */
static void sys_line(endpoint *e, const char *body, size_t blen) {
  if (e->count >= e->slots) {
    e->st.dropped_full++;
    return;
  }
  vy_msg *m = make_msg("sys", body, blen);
  if (!m) {
    e->st.dropped_full++;
    return;
  }
  push(e, m);
}

static void sys_error(endpoint *e, const char *kind, const char *arg) {
  char buf[96];
  int n = arg ? snprintf(buf, sizeof buf, "error %s %s", kind, arg)
              : snprintf(buf, sizeof buf, "error %s", kind);
  if (n < 0) return;
  if ((size_t)n >= sizeof buf) n = (int)sizeof buf - 1;
  sys_line(e, buf, (size_t)n);
}

/* Token bucket: `rate` tokens a second, at most `rate` saved up. */
static bool take_token(vy_broker *b, endpoint *e) {
  if (e->rate <= 0) return true;
  uint64_t now = b->now(b->now_ud);
  if (now > e->last_ns) {
    e->tokens += (double)(now - e->last_ns) * e->rate / 1e9;
    if (e->tokens > e->rate) e->tokens = e->rate;
  }
  e->last_ns = now;
  if (e->tokens < 1.0) return false;
  e->tokens -= 1.0;
  return true;
}

static bool granted(const endpoint *e, const char *target, bool to_sys) {
  if (to_sys) return e->grant_sys;
  if (e->grant_any) return true;
  for (size_t i = 0; i < e->ngrants; i++)
    if (strcmp(e->grants[i], target) == 0) return true;
  return false;
}

vy_broker *vy_broker_new(vy_sys_handler sys, void *ud) {
  vy_broker *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->nbuckets = 64;
  b->buckets = calloc(b->nbuckets, sizeof *b->buckets);
  if (!b->buckets || pthread_mutex_init(&b->mu, NULL) != 0) {
    free(b->buckets);
    free(b);
    return NULL;
  }
  b->sys = sys;
  b->ud = ud;
  b->now = mono_ns;
  return b;
}

/* No reader may be blocked in vy_broker_recv any more: the supervisor
** removes (or wakes and joins) every app first. */
void vy_broker_free(vy_broker *b) {
  if (!b) return;
  for (size_t i = 0; i < b->nbuckets; i++) {
    endpoint *e = b->buckets[i];
    while (e) {
      endpoint *next = e->next;
      destroy(e);
      e = next;
    }
  }
  free(b->buckets);
  pthread_mutex_destroy(&b->mu);
  free(b);
}

void vy_broker_set_clock(vy_broker *b, uint64_t (*now_ns)(void *), void *ud) {
  pthread_mutex_lock(&b->mu);
  b->now = now_ns ? now_ns : mono_ns;
  b->now_ud = ud;
  pthread_mutex_unlock(&b->mu);
}

static endpoint *new_endpoint(const char *name, const char *const *grants,
                              size_t ngrants, uint32_t rate, size_t cap) {
  endpoint *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  pthread_condattr_t ca;
  bool cond_ok = false;
  if (pthread_condattr_init(&ca) == 0) {
    /* If the clock cannot be set the cond waits on CLOCK_REALTIME; recv
    ** would then compute its deadline on the wrong clock, so fail instead. */
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
        pthread_cond_init(&e->cond, &ca) == 0)
      cond_ok = true;
    pthread_condattr_destroy(&ca);
  }
  if (!cond_ok) {
    free(e);
    return NULL;
  }
  snprintf(e->name, sizeof e->name, "%s", name);
  e->hash = hash_name(name);
  e->cap = cap ? cap : VY_IPC_QUEUE_DEFAULT;
  e->slots = e->cap + SYS_RESERVE;
  e->ring = calloc(e->slots, sizeof *e->ring);
  e->grants = ngrants ? calloc(ngrants, sizeof *e->grants) : NULL;
  if (!e->ring || (ngrants && !e->grants)) goto fail;
  for (size_t i = 0; i < ngrants; i++) {
    const char *g = grants[i];
    if (!g) continue;
    if (strcmp(g, "*") == 0)
      e->grant_any = true;
    else if (strcmp(g, "sys") == 0)
      e->grant_sys = true;
    else {
      char *d = strdup(g);
      if (!d) goto fail;
      e->grants[e->ngrants++] = d;
    }
  }
  e->rate = rate;
  e->tokens = rate; /* a full bucket: burst = rate */
  return e;
fail:
  destroy(e);
  return NULL;
}

int vy_broker_add(vy_broker *b, const char *name, const char *const *grants,
                  size_t ngrants, uint32_t rate_per_sec, size_t queue_cap) {
  if (!name || !valid_name(name, strlen(name)) || strcmp(name, "sys") == 0)
    return -1;
  if (queue_cap > MAX_QUEUE_CAP) return -1;
  endpoint *e = new_endpoint(name, grants, ngrants, rate_per_sec, queue_cap);
  if (!e) return -1;
  pthread_mutex_lock(&b->mu);
  if (find(b, name)) {
    pthread_mutex_unlock(&b->mu);
    destroy(e);
    return -1;
  }
  e->last_ns = b->now(b->now_ud);
  if (b->n >= b->nbuckets) grow(b);
  size_t i = e->hash & (b->nbuckets - 1);
  e->next = b->buckets[i];
  b->buckets[i] = e;
  b->n++;
  pthread_mutex_unlock(&b->mu);
  return 0;
}

void vy_broker_remove(vy_broker *b, const char *name) {
  pthread_mutex_lock(&b->mu);
  uint32_t h = hash_name(name);
  endpoint **pp = &b->buckets[h & (b->nbuckets - 1)];
  while (*pp && !((*pp)->hash == h && strcmp((*pp)->name, name) == 0))
    pp = &(*pp)->next;
  endpoint *e = *pp;
  if (e) {
    *pp = e->next;
    b->n--;
    clear_queue(e);
    e->removed = true;
    /* a blocked reader frees it on its way out; see recv */
    if (e->waiters)
      pthread_cond_broadcast(&e->cond);
    else
      destroy(e);
  }
  pthread_mutex_unlock(&b->mu);
}

/* Reply to a line from `from` outside the lock's scope: takes it. */
static void answer(vy_broker *b, const char *from, const char *kind,
                   const char *arg) {
  pthread_mutex_lock(&b->mu);
  endpoint *src = find(b, from);
  if (src) {
    src->st.invalid++;
    sys_error(src, kind, arg);
  }
  pthread_mutex_unlock(&b->mu);
}

/* "@sys: CMD": the grant and token are spent; calls the handler unlocked. */
static void sys_command(vy_broker *b, const char *from, const char *cmd,
                        size_t clen) {
  char cbuf[VY_IPC_MAX_LINE + 1];
  char reply[VY_IPC_MAX_LINE + 1];
  memcpy(cbuf, cmd, clen);
  cbuf[clen] = '\0';
  reply[0] = '\0';
  /* the reply body must fit a line after "@sys: " */
  b->sys(b->ud, from, cbuf, reply, VY_IPC_MAX_LINE - 6 + 1);
  reply[VY_IPC_MAX_LINE - 6] = '\0';
  /* A reply of several lines becomes several "@sys: " lines in ONE queue
  ** entry, so a long `ps` takes one slot and arrives whole. */
  size_t rlen = strlen(reply);
  while (rlen && reply[rlen - 1] == '\n') reply[--rlen] = '\0';
  size_t nl = 0;
  for (size_t i = 0; i < rlen; i++) nl += reply[i] == '\n';

  pthread_mutex_lock(&b->mu);
  endpoint *src = find(b, from);
  if (src) {
    if (nl == 0) {
      sys_line(src, reply, rlen);
    } else if (src->count >= src->slots) {
      src->st.dropped_full++;
    } else {
      vy_msg *m = malloc(sizeof *m + rlen + 1 + 7 * (nl + 1));
      if (!m) {
        src->st.dropped_full++;
      } else {
        char *p = m->data;
        const char *s = reply, *end = reply + rlen;
        while (s <= end) {
          const char *e = memchr(s, '\n', (size_t)(end - s));
          if (!e) e = end;
          memcpy(p, "@sys: ", 6);
          p += 6;
          memcpy(p, s, (size_t)(e - s));
          p += e - s;
          *p++ = '\n';
          s = e + 1;
        }
        m->len = (size_t)(p - m->data);
        m->off = 0;
        push(src, m);
      }
    }
  }
  pthread_mutex_unlock(&b->mu);
}

vy_line_kind vy_broker_route(vy_broker *b, const char *from, const char *line,
                             size_t len) {
  if (len >= DRAW_PREFIX_LEN && memcmp(line, DRAW_PREFIX, DRAW_PREFIX_LEN) == 0)
    return VY_LINE_DRAW;
  if (len == 0 || line[0] != '@') return VY_LINE_LOG;

  /* "@" name ":" [" "] payload */
  size_t i = 1;
  while (i < len && i <= NAME_MAX_LEN + 1 && line[i] != ':') i++;
  if (i >= len || line[i] != ':' || !valid_name(line + 1, i - 1)) {
    answer(b, from, "malformed", NULL);
    return VY_LINE_IPC;
  }
  char target[NAME_MAX_LEN + 1];
  memcpy(target, line + 1, i - 1);
  target[i - 1] = '\0';
  size_t p = i + 1;
  if (p < len && line[p] == ' ') p++;
  const char *payload = line + p;
  size_t plen = len - p;
  /* both what the app wrote and what the target would read must fit */
  if (len > VY_IPC_MAX_LINE || 1 + strlen(from) + 2 + plen > VY_IPC_MAX_LINE) {
    answer(b, from, "too-long", target);
    return VY_LINE_IPC;
  }

  pthread_mutex_lock(&b->mu);
  endpoint *src = find(b, from);
  if (!src) goto out;
  if (!take_token(b, src)) {
    src->st.rate_limited++;
    sys_error(src, "rate-limited", target);
    goto out;
  }
  bool to_sys = strcmp(target, "sys") == 0;
  if (!granted(src, target, to_sys)) {
    src->st.denied++;
    sys_error(src, "denied", target);
    goto out;
  }
  if (to_sys) {
    if (!b->sys) {
      src->st.invalid++;
      sys_error(src, "no-such-app", target);
      goto out;
    }
    src->st.msgs_out++;
    pthread_mutex_unlock(&b->mu);
    sys_command(b, from, payload, plen);
    return VY_LINE_IPC;
  }
  endpoint *dst = find(b, target);
  if (!dst) {
    src->st.invalid++;
    sys_error(src, "no-such-app", target);
    goto out;
  }
  if (dst->count >= dst->cap) {
    src->st.queue_full++;
    sys_error(src, "queue-full", target);
    goto out;
  }
  vy_msg *m = make_msg(from, payload, plen);
  if (!m) {
    /* out of memory looks to the sender like a full inbox: try later */
    src->st.queue_full++;
    sys_error(src, "queue-full", target);
    goto out;
  }
  push(dst, m);
  src->st.msgs_out++;
out:
  pthread_mutex_unlock(&b->mu);
  return VY_LINE_IPC;
}

int vy_broker_inject(vy_broker *b, const char *to, const char *msg) {
  size_t mlen = strlen(msg);
  if (6 + mlen > VY_IPC_MAX_LINE) return -1;
  int rc = -1;
  pthread_mutex_lock(&b->mu);
  endpoint *dst = find(b, to);
  if (dst && dst->count < dst->cap) {
    vy_msg *m = make_msg("sys", msg, mlen);
    if (m) {
      push(dst, m);
      rc = 0;
    }
  }
  pthread_mutex_unlock(&b->mu);
  return rc;
}

/* Copies up to cap bytes of the head message; pops it once fully taken. */
static ssize_t take(endpoint *e, char *buf, size_t cap) {
  vy_msg *m = e->ring[e->head];
  size_t n = m->len - m->off;
  if (n > cap) n = cap;
  memcpy(buf, m->data + m->off, n);
  m->off += n;
  if (m->off == m->len) {
    free(m);
    e->ring[e->head] = NULL;
    e->head = (e->head + 1) % e->slots;
    e->count--;
  }
  return (ssize_t)n;
}

ssize_t vy_broker_recv(vy_broker *b, const char *name, char *buf, size_t cap,
                       int timeout_ms) {
  struct timespec deadline = { 0, 0 };
  if (timeout_ms > 0) deadline = vy_deadline_after(CLOCK_MONOTONIC, timeout_ms);
  pthread_mutex_lock(&b->mu);
  endpoint *e = find(b, name);
  ssize_t r = -1;
  if (!e) goto out;
  if (!cap) {
    r = 0;
    goto out;
  } /* nowhere to put a byte: never block */
  for (;;) {
    if (e->count) {
      r = take(e, buf, cap);
      break;
    }
    /* a wake is sticky: one that comes before the reader blocks (kill
    ** racing a reader on its way into recv) is not lost */
    if (e->wake) {
      e->wake = false;
      r = 0;
      break;
    }
    if (timeout_ms == 0) {
      r = 0;
      break;
    }
    e->waiters++;
    int rc = timeout_ms < 0
                 ? pthread_cond_wait(&e->cond, &b->mu)
                 : pthread_cond_timedwait(&e->cond, &b->mu, &deadline);
    e->waiters--;
    if (e->removed) {
      if (e->waiters == 0) destroy(e);
      r = -1;
      break;
    }
    if (rc == ETIMEDOUT) {
      r = e->count ? take(e, buf, cap) : 0;
      break;
    }
  }
out:
  pthread_mutex_unlock(&b->mu);
  return r;
}

bool vy_broker_pending(vy_broker *b, const char *name) {
  pthread_mutex_lock(&b->mu);
  endpoint *e = find(b, name);
  bool r = e && e->count > 0;
  pthread_mutex_unlock(&b->mu);
  return r;
}

void vy_broker_wake(vy_broker *b, const char *name) {
  pthread_mutex_lock(&b->mu);
  endpoint *e = find(b, name);
  if (e) {
    e->wake = true;
    pthread_cond_broadcast(&e->cond);
  }
  pthread_mutex_unlock(&b->mu);
}

int vy_broker_stats(vy_broker *b, const char *name, vy_ipc_stats *out) {
  pthread_mutex_lock(&b->mu);
  endpoint *e = find(b, name);
  if (e) {
    *out = e->st;
    out->queued = e->count;
  }
  pthread_mutex_unlock(&b->mu);
  return e ? 0 : -1;
}
