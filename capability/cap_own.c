/*
** cap_own.c — the process-wide ownership registry: which app's run holds
** each gpio line, uart port, i2c bus:addr, spi bus:cs and adc dev:channel.
** The first run to use a resource owns it until vy_cap_free drops all it
** holds; another gets VY_HAL_EBUSY.  A plain array under one mutex: an
** app holds a few resources, a board a few dozen, and the lock is taken
** once per call that takes a resource (open, or a bus call), not per byte.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_int.h"

typedef struct own {
  int kind;
  char res[40];    /* "17", "1:0x48", "ttyS1"          */
  char app[64];    /* the owner's app name, for people */
  const void *who; /* the owner's vy_cap               */
} own;

struct vy_cap_registry {
  pthread_mutex_t lock;
  own *v;
  size_t n, cap;
};

vy_cap_registry *vy_cap_registry_new(void) {
  vy_cap_registry *r = calloc(1, sizeof *r);
  if (r) pthread_mutex_init(&r->lock, NULL);
  return r;
}

void vy_cap_registry_free(vy_cap_registry *r) {
  if (!r) return;
  pthread_mutex_destroy(&r->lock);
  free(r->v);
  free(r);
}

static own *find(vy_cap_registry *r, int kind, const char *res) {
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].kind == kind && !strcmp(r->v[i].res, res)) return &r->v[i];
  return NULL;
}

static int add(vy_cap_registry *r, int kind, const char *res, const char *app,
               const void *who) {
  if (r->n == r->cap) {
    size_t nc = r->cap ? r->cap * 2 : 16;
    own *nv = realloc(r->v, nc * sizeof *nv);
    if (!nv) return VY_HAL_ENOMEM;
    r->v = nv;
    r->cap = nc;
  }
  own *o = &r->v[r->n++];
  o->kind = kind;
  snprintf(o->res, sizeof o->res, "%s", res);
  snprintf(o->app, sizeof o->app, "%s", app);
  o->who = who;
  return 1;
}

int cap_own_take(vy_cap_registry *r, int kind, const char *res, const char *app,
                 const void *owner, char *holder, size_t hlen) {
  pthread_mutex_lock(&r->lock);
  own *o = find(r, kind, res);
  int rc;
  if (!o)
    rc = add(r, kind, res, app, owner);
  else if (o->who == owner)
    rc = 0;
  else {
    rc = VY_HAL_EBUSY;
    if (holder && hlen) snprintf(holder, hlen, "%s", o->app);
  }
  pthread_mutex_unlock(&r->lock);
  return rc;
}

/* removes entry i, keeping the order (describe lists them as taken) */
static void remove_at(vy_cap_registry *r, size_t i) {
  memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof *r->v);
  r->n--;
}

void cap_own_drop(vy_cap_registry *r, int kind, const char *res,
                  const void *owner) {
  pthread_mutex_lock(&r->lock);
  own *o = find(r, kind, res);
  if (o && o->who == owner) remove_at(r, (size_t)(o - r->v));
  pthread_mutex_unlock(&r->lock);
}

void cap_own_drop_all(vy_cap_registry *r, const void *owner) {
  pthread_mutex_lock(&r->lock);
  for (size_t i = r->n; i-- > 0;)
    if (r->v[i].who == owner) remove_at(r, i);
  pthread_mutex_unlock(&r->lock);
}

size_t vy_cap_registry_describe(vy_cap_registry *r, bool json, char *buf,
                                size_t len) {
  size_t o = 0;
  if (len) buf[0] = 0;
  if (!r) return 0;
  pthread_mutex_lock(&r->lock);
  for (size_t i = 0; i < r->n; i++) {
    const own *w = &r->v[i];
    /* names and resources are [a-z0-9-] and [A-Za-z0-9_:-]: no quoting */
    const char *fmt = json ? "%s{\"kind\":\"%s\",\"resource\":\"%s\","
                             "\"app\":\"%s\"}"
                           : "%s%s %s %s\n";
    int k = snprintf(o < len ? buf + o : NULL, o < len ? len - o : 0, fmt,
                     json && i ? "," : "", vy_cap_kind_name(w->kind), w->res,
                     w->app);
    if (k > 0) o += (size_t)k;
  }
  pthread_mutex_unlock(&r->lock);
  return o;
}
