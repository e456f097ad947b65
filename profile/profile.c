/*
** profile.c — platform profiles (profiles/NAME.toml): loading and
** validating them, deciding which apps a profile starts, and applying its
** scheduling settings (SCHED_FIFO, mlockall) to the supervisor.
**
** A profile is flat: top-level keys only, each optional with the default
** shown (the file must say at least `name`, which must match the file):
**   name           = "NAME"      [a-z][a-z0-9-]{0,31}, the file's base name
**   description    = "..."       for people
**   runtime        = "interp"    engine adapter; this build has only interp
**   memory_budget  = "64MiB"     all apps together, 64KiB..1TiB
**   app_memory     = "16MiB"     cap of an app whose manifest sets none,
**                                64KiB..4GiB and at most memory_budget
**   display        = false       framebuffer and window chrome
**   display_backend = "auto"     "auto" (DRM, else fbdev), "drm", "fbdev",
**                                or "headless" (memory only: screenshots)
**   layout         = "tiled"     "tiled" or "stacked" windows
**   console_app    = ""          the app that has the keyboard first (else
**                                the first app that takes input)
**   status_bar     = ""          the display app drawn as the status bar: a
**                                strip across the top, without chrome
**   heartbeat      = "10s"       heartbeat line interval, 100ms..1h
**   sched          = "other"     "other" (SCHED_OTHER) or "fifo" (SCHED_FIFO)
**   sched_priority = 50          1..99, only with sched = "fifo"
**   mlockall       = false       lock all memory (no page faults later)
**   apps           = ["*"]       apps to start: "*" = every autostart app;
**                                names start those apps even if their
**                                manifest says autostart = false
** Errors are "FILE:LINE: KEY: message", as for manifests.
*/
#include "profile.h"
#include "schema.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PROFILE_MAX_BYTES (1u << 20)

/* clang says "AddressSanitizer" through __has_feature, gcc by a macro */
#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define VY_HAS_ASAN 1
#  endif
#endif
#ifndef VY_HAS_ASAN
#  define VY_HAS_ASAN 0
#endif

static const char *check_app(const char *s) {
  if (strcmp(s, "*") == 0 || vy_valid_name(s)) return NULL;
  return "expected an app name ([a-z][a-z0-9-]{0,31}) or \"*\"";
}

static void defaults(vy_profile *p) {
  memset(p, 0, sizeof *p);
  p->memory_budget = 64ull << 20;
  p->app_memory_default = 16ull << 20;
  p->heartbeat_ms = 10000;
  snprintf(p->display_backend, sizeof p->display_backend, "auto");
  p->sched = VY_SCHED_OTHER;
}

static bool key_is(const char *k, size_t kl, const char *s) {
  return kl == strlen(s) && memcmp(k, s, kl) == 0;
}

/* The file's base name without ".toml": what `name` must say. */
static void base_name(const char *path, char *out, size_t n) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  size_t len = strlen(b);
  if (len > 5 && strcmp(b + len - 5, ".toml") == 0) len -= 5;
  if (len >= n) len = n - 1;
  memcpy(out, b, len);
  out[len] = 0;
}

static int parse_profile(vy_ck *c, const char *path, const toml_value *root,
                         vy_profile *p) {
  int name_line = 0, prio_line = 0, mem_line = 0, apps_line = 0;
  bool have_prio = false;
  for (size_t i = 0; i < toml_table_len(root); i++) {
    size_t kl;
    const toml_value *v;
    const char *kn = toml_table_key(root, i, &kl, &v);
    char k[160];
    char q[48];
    vy_ck_key(k, sizeof k, NULL, kn, kl);
    int rc;
    if (key_is(kn, kl, "name")) {
      const char *s;
      rc = vy_ck_strref(c, v, k, &s);
      if (rc == 0 && !vy_valid_name(s))
        rc = vy_ck_fail(c, toml_line(v), k,
                        "\"%s\" is not a valid profile name ([a-z][a-z0-9-]{0,31})",
                        vy_ck_q(q, sizeof q, s));
      if (rc == 0 && !(p->name = strdup(s))) rc = vy_ck_nomem(c);
      name_line = toml_line(v);
    } else if (key_is(kn, kl, "description")) {
      const char *s;
      rc = vy_ck_strref(c, v, k, &s);
    } else if (key_is(kn, kl, "runtime")) {
      const char *s;
      rc = vy_ck_strref(c, v, k, &s);
      if (rc == 0 && strcmp(s, "interp") != 0)
        rc = vy_ck_fail(c, toml_line(v), k,
                        "unknown runtime \"%s\" (this build has: interp)",
                        vy_ck_q(q, sizeof q, s));
      if (rc == 0) {
        free(p->runtime);
        if (!(p->runtime = strdup(s))) rc = vy_ck_nomem(c);
      }
    } else if (key_is(kn, kl, "memory_budget")) {
      rc = vy_ck_size(c, v, k, 64u << 10, 1ull << 40, &p->memory_budget);
    } else if (key_is(kn, kl, "app_memory")) {
      rc = vy_ck_size(c, v, k, 64u << 10, 4ull << 30, &p->app_memory_default);
      mem_line = toml_line(v);
    } else if (key_is(kn, kl, "display")) {
      rc = vy_ck_bool(c, v, k, &p->display);
    } else if (key_is(kn, kl, "display_backend")) {
      static const char *const kinds[] = { "auto", "drm", "fbdev", "headless",
                                           NULL };
      int i;
      rc = vy_ck_choice(c, v, k, "backend", kinds, &i);
      if (rc == 0)
        snprintf(p->display_backend, sizeof p->display_backend, "%s", kinds[i]);
    } else if (key_is(kn, kl, "layout")) {
      static const char *const layouts[] = { "tiled", "stacked", NULL };
      int i;
      rc = vy_ck_choice(c, v, k, "layout", layouts, &i);
      if (rc == 0) p->layout_stacked = i == 1;
    } else if (key_is(kn, kl, "console_app") || key_is(kn, kl, "status_bar")) {
      char *dst = key_is(kn, kl, "console_app") ? p->console_app : p->status_bar;
      const char *s;
      rc = vy_ck_strref(c, v, k, &s);
      if (rc == 0 && !vy_valid_name(s))
        rc = vy_ck_fail(c, toml_line(v), k,
                        "expected an app name ([a-z][a-z0-9-]{0,31}), got \"%s\"",
                        vy_ck_q(q, sizeof q, s));
      if (rc == 0) snprintf(dst, sizeof p->console_app, "%s", s);
    } else if (key_is(kn, kl, "heartbeat")) {
      rc = vy_ck_duration(c, v, k, 100, 3600000, &p->heartbeat_ms);
    } else if (key_is(kn, kl, "sched")) {
      static const char *const policies[] = { "other", "fifo", NULL };
      int i;
      rc = vy_ck_choice(c, v, k, "policy", policies, &i);
      if (rc == 0) p->sched = i == 1 ? VY_SCHED_FIFO : VY_SCHED_OTHER;
    } else if (key_is(kn, kl, "sched_priority")) {
      int64_t n;
      rc = vy_ck_int(c, v, k, 1, 99, &n);
      if (rc == 0) p->sched_priority = (int)n;
      have_prio = true;
      prio_line = toml_line(v);
    } else if (key_is(kn, kl, "mlockall")) {
      rc = vy_ck_bool(c, v, k, &p->mlockall);
    } else if (key_is(kn, kl, "apps")) {
      rc = vy_ck_strlist(c, v, k, check_app, &p->apps);
      apps_line = toml_line(v);
    } else if (toml_type_of(v) == TOML_TABLE) {
      rc = vy_ck_fail(c, toml_line(v), k, "unknown table (a profile has top-level keys only)");
    } else {
      rc = vy_ck_fail(c, toml_line(v), k, "unknown key");
    }
    if (rc != 0) return -1;
  }

  /* rules across keys */
  char base[64];
  base_name(path, base, sizeof base);
  if (!p->name)
    return vy_ck_fail(c, 1, "name", "missing (the profile's name, \"%s\")", base);
  if (strcmp(p->name, base) != 0)
    return vy_ck_fail(c, name_line, "name", "\"%s\" does not match the file name \"%s.toml\"",
                      p->name, base);
  if (have_prio && p->sched != VY_SCHED_FIFO)
    return vy_ck_fail(c, prio_line, "sched_priority", "only applies with sched = \"fifo\"");
  if (p->sched == VY_SCHED_FIFO && !have_prio) p->sched_priority = 50;
  if (p->app_memory_default > p->memory_budget)
    return vy_ck_fail(c, mem_line ? mem_line : 1, "app_memory",
                      "larger than memory_budget");
  if (apps_line) {
    if (p->apps.n == 0)
      return vy_ck_fail(c, apps_line, "apps", "empty: the profile would start nothing "
                        "(use [\"*\"] for every autostart app)");
  } else if (vy_strlist_push(&p->apps, "*") != 0) {
    return vy_ck_nomem(c);
  }
  if (!p->runtime && !(p->runtime = strdup("interp"))) return vy_ck_nomem(c);
  return 0;
}

int vy_profile_load(const char *path, vy_profile *out, char *err,
                    size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!out) return -1;
  defaults(out);
  size_t n;
  char *buf = vy_read_config(path, PROFILE_MAX_BYTES, &n, err, errlen);
  if (!buf) return -1;
  toml_doc *doc = NULL;
  int rc = toml_parse(buf, n, path, &doc, err, errlen);
  free(buf);
  if (rc != TOML_OK) return -1;
  vy_ck c = {path, err, errlen, false};
  rc = parse_profile(&c, path, toml_root(doc), out);
  toml_free(doc);
  if (rc != 0) {
    vy_profile_free(out);
    return -1;
  }
  return 0;
}

void vy_profile_free(vy_profile *p) {
  if (!p) return;
  free(p->name);
  free(p->runtime);
  vy_strlist_free(&p->apps);
  memset(p, 0, sizeof *p);
}

bool vy_profile_starts(const vy_profile *p, const char *name, bool autostart) {
  if (!p || !name) return false;
  bool all = false;
  for (size_t i = 0; i < p->apps.n; i++) {
    if (strcmp(p->apps.items[i], name) == 0) return true;
    if (strcmp(p->apps.items[i], "*") == 0) all = true;
  }
  return all && autostart;
}

/* "EPERM" for the errors these calls give; strerror for the rest. */
static const char *errno_name(int e) {
  switch (e) {
  case EPERM: return "EPERM";
  case ENOMEM: return "ENOMEM";
  case EINVAL: return "EINVAL";
  case EAGAIN: return "EAGAIN";
  case ENOSYS: return "ENOSYS";
  }
  return "error";
}

/* Appends to msg at *off, never past msglen. */
static void add(char *msg, size_t msglen, size_t *off, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 4, 5)))
#endif
  ;
static void add(char *msg, size_t msglen, size_t *off, const char *fmt, ...) {
  if (!msg || *off >= msglen) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(msg + *off, msglen - *off, fmt, ap);
  va_end(ap);
  if (k > 0) *off = (size_t)k < msglen - *off ? *off + (size_t)k : msglen;
}

int vy_profile_apply_sched(const vy_profile *p, char *msg, size_t msglen) {
  size_t off = 0;
  if (msg && msglen) msg[0] = 0;
  if (!p) return 1;
  const char *name = p->name ? p->name : "profile";
  int missed = 0;
  add(msg, msglen, &off, "%s: ", name);

  if (p->sched == VY_SCHED_FIFO) {
    /* pthread_setschedparam, not sched_setscheduler: musl does not
    ** implement the latter, and on Linux both act on the calling thread
    ** only.  Threads created afterwards inherit the policy, so the
    ** supervisor calls this before starting any app thread. */
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = p->sched_priority;
    int e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
    if (e == 0) {
      add(msg, msglen, &off, "SCHED_FIFO priority %d", p->sched_priority);
    } else {
      missed++;
      add(msg, msglen, &off, "SCHED_FIFO priority %d not applied: %s (%s%s)",
          p->sched_priority, strerror(e), errno_name(e),
          e == EPERM ? "; needs CAP_SYS_NICE or RLIMIT_RTPRIO" : "");
    }
  } else {
    add(msg, msglen, &off, "SCHED_OTHER");
  }

  if (p->mlockall) {
#if defined(__SANITIZE_ADDRESS__) || VY_HAS_ASAN
    /* locking AddressSanitizer's terabytes of shadow mappings would hang
    ** or exhaust the machine; the sanitizer build only says so */
    missed++;
    add(msg, msglen, &off, ", mlockall not applied: AddressSanitizer build");
#else
    if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0) {
      add(msg, msglen, &off, ", memory locked");
    } else {
      int e = errno;
      missed++;
      add(msg, msglen, &off, ", mlockall not applied: %s (%s%s)", strerror(e),
          errno_name(e),
          e == EPERM || e == ENOMEM ? "; needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK" : "");
    }
#endif
  }
  return missed ? 1 : 0;
}
