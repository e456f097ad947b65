/*
** cap.c — one app run's HAL world (cap.h): its grants, its handle table,
** its cancel eventfd, the linking of "vyoma_hal" imports (capability by
** wiring: a kind that is not granted does not resolve), the trampoline
** every host call goes through (cancellation, counters), and the release
** of everything the run held when it ends.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cap_int.h"

void cap_log(vy_cap *c, const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (c->log)
    c->log(c->log_ud, line);
  else
    fprintf(stderr, "%s\n", line);
}

vy_cap *vy_cap_new(const vy_cap_config *cfg, char *err, size_t errlen) {
  vy_cap *c = calloc(1, sizeof *c);
  if (!c || !cfg->reg || cap_grants_parse(&c->g, cfg->m) != 0) {
    free(c);
    snprintf(err, errlen, "%s", cfg->reg ? "out of memory" : "no registry");
    return NULL;
  }
  /* nobody reads the eventfd: once written it stays readable, so every
  ** blocked and later HAL wait returns at once */
  c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (c->efd < 0) {
    snprintf(err, errlen, "cannot create an eventfd: %s", strerror(errno));
    cap_grants_free(&c->g);
    free(c);
    return NULL;
  }
  snprintf(c->app, sizeof c->app, "%s", cfg->app ? cfg->app : "app");
  c->m = cfg->m;
  c->board = cfg->board;
  c->reg = cfg->reg;
  c->safe_state = cfg->safe_state;
  c->stats = cfg->stats;
  c->log = cfg->log;
  c->log_ud = cfg->log_ud;
  atomic_init(&c->cancelled, 0);
  for (int i = 0; i < CAP_MAX_HANDLES; i++) c->h[i].kind = -1;
  for (int i = 0; i < CAP_NFUNCS; i++) c->bind[i] = (cap_binding){ c, i };
  return c;
}

void vy_cap_free(vy_cap *c) {
  if (!c) return;
  for (int i = 0; i < CAP_MAX_HANDLES; i++) {
    cap_handle *h = &c->h[i];
    if (h->kind == VY_CAP_GPIO) vy_hal_gpio_close(h->line, c->safe_state);
    if (h->kind == VY_CAP_UART) vy_hal_uart_close(h->uart);
    h->kind = -1;
  }
  cap_own_drop_all(c->reg, c);
  cap_grants_free(&c->g);
  close(c->efd);
  free(c);
}

void vy_cap_cancel(vy_cap *c) {
  if (!c) return;
  atomic_store(&c->cancelled, 1);
  uint64_t one = 1;
  ssize_t r = write(c->efd, &one, sizeof one);
  (void)r; /* a counter near overflow (EAGAIN) is just as readable */
}

bool vy_cap_cancelled(const vy_cap *c) {
  return c && atomic_load(&((vy_cap *)c)->cancelled);
}

void vy_cap_bind_store(vy_cap *c, vw_store *s) {
  if (c->store != s) {
    /* host functions belong to their store and die with it */
    memset(c->funcs, 0, sizeof c->funcs);
    c->store = s;
  }
}

/* Every vyoma_hal call: a cancelled app traps on entry and on the return
** of a call that was blocked (as vwasi does), the rest is counted. */
static int trampoline(vw_host_call *hc, void *ud, const vw_raw *args,
                      vw_raw *results) {
  cap_binding *b = ud;
  vy_cap *c = b->c;
  if (atomic_load_explicit(&c->cancelled, memory_order_relaxed)) {
    vw_host_trap(hc, "killed");
    return 1;
  }
  cap_call k = { c, hc };
  int32_t r = cap_impls[b->fn](&k, args);
  if (atomic_load_explicit(&c->cancelled, memory_order_relaxed)) {
    vw_host_trap(hc, "killed");
    return 1;
  }
  cap_count(c->stats, cap_abi[b->fn].kind, r);
  results[0] = (uint32_t)r;
  return 0;
}

int vy_cap_resolve(void *ud, const char *module, const char *name,
                   vw_externkind kind, vw_extern *out) {
  vy_cap *c = ud;
  if (!c || !c->store || kind != VW_EXTERN_FUNC ||
      strcmp(module, VY_CAP_MODULE) != 0)
    return 1;
  int i = cap_abi_find(name);
  /* the wiring is the capability: an ungranted kind is not there */
  if (i < 0 || !vy_cap_granted(c->m, cap_abi[i].kind)) return 1;
  if (!c->funcs[i]) {
    uint8_t params[8], result = VW_I32;
    for (uint32_t p = 0; p < cap_abi[i].nparams; p++) params[p] = VW_I32;
    vw_functype_info t = { cap_abi[i].nparams, 1, params, &result };
    c->funcs[i] = vw_func_new_host(c->store, &t, trampoline, &c->bind[i]);
    if (!c->funcs[i]) return 1;
  }
  out->kind = VW_EXTERN_FUNC;
  out->of.func = c->funcs[i];
  return 0;
}

int vy_cap_link_resolve(void *ud, const char *module, const char *name,
                        vw_externkind kind, vw_extern *out) {
  const vy_cap_link *l = ud;
  if (!strcmp(module, VY_CAP_MODULE))
    return l->cap ? vy_cap_resolve(l->cap, module, name, kind, out) : 1;
  return vwasi_resolve(l->wasi, module, name, kind, out);
}

size_t vy_cap_board_spec(const char *v, const char *root, bool rel_root,
                         char *buf, size_t len) {
  const char *colon = strchr(v, ':');
  if (!*v) return (size_t)snprintf(buf, len, "%s", "");
  if (!colon && !strchr(v, '/'))
    return (size_t)snprintf(buf, len, "%s/boards/%s.toml", root, v);
  /* "sim:FILE": the backend, then FILE as for a bare path */
  size_t pre = colon ? (size_t)(colon - v) + 1 : 0;
  const char *file = v + pre;
  if (rel_root && file[0] != '/')
    return (size_t)snprintf(buf, len, "%.*s%s/%s", (int)pre, v, root, file);
  return (size_t)snprintf(buf, len, "%s", v);
}
