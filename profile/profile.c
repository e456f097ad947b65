/*
** profile.c — platform profiles (profiles/NAME.toml): their schema as rows
** for the loader in schema.c, whose defaults are also the built-in settings
** (vy_profile_defaults), deciding which apps a profile starts, and applying
** its scheduling settings (SCHED_FIFO, mlockall) to the supervisor.
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
**   draw_commands  = 20000       draw budget of each window per second:
**   draw_pixels    = 268435456   commands and pixels (the compositor's
**                                defaults when absent)
**   heartbeat      = "10s"       heartbeat line interval, 100ms..1h
**   ota_health_window = "30s"    an update on trial is committed once every
**                                critical app has run this long without a
**                                restart (supervisor/ota.c), 100ms..1h
**   sched          = "other"     "other" (SCHED_OTHER) or "fifo" (SCHED_FIFO)
**   sched_priority = 50          1..99, only with sched = "fifo"
**   mlockall       = false       lock all memory (no page faults later)
**   console_loglevel = -1        0..7: kernel messages below it reach the
**                                console (vyomad as PID 1 sets it); -1
**                                (not given): the kernel's as booted
**   apps           = ["*"]       apps to start: "*" = every autostart app;
**                                names start those apps even if their
**                                manifest says autostart = false
**   metrics_listen = ""          "IPv4:PORT" (e.g. "127.0.0.1:9464"; "0.0.0.0"
**                                for every address): serve the metrics
**                                over HTTP (supervisor/metrics_http.c);
**                                "" = off
**   board          = ""          the board the HAL drives (hal/hal.h,
**                                capability/): "" = none (apps with gpio,
**                                i2c, ... grants get no-device); NAME =
**                                ROOT/boards/NAME.toml; "sim:FILE" or
**                                "linux:FILE" (FILE relative to ROOT) picks
**                                the backend; `vyomad --board` overrides it
**   gpio_safe_state = "input"    what an output line is left at when the
**                                app that drove it lets go or ends: "input"
**                                (released undriven), "low" or "high"
**                                (driven inactive / active, then released)
** Errors are "FILE:LINE: KEY: message", as for manifests.
*/
#include "profile.h"
#include "../toml/toml.h"

#include <arpa/inet.h>
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
#if __has_feature(address_sanitizer)
#define VY_HAS_ASAN 1
#endif
#endif
#ifndef VY_HAS_ASAN
#define VY_HAS_ASAN 0
#endif

/* ---- value checks (vy_check_fn: NULL = fine, else why not) --------------- */

static const char *check_name(const char *s) {
  if (vy_valid_name(s)) return NULL;
  return "\"%s\" is not a valid profile name ([a-z][a-z0-9-]{0,31})";
}

static const char *check_runtime(const char *s) {
  if (strcmp(s, "interp") == 0) return NULL;
  return "unknown runtime \"%s\" (this build has: interp)";
}

/* an app named by console_app or status_bar; it fits their char[33] */
static const char *check_app(const char *s) {
  if (vy_valid_name(s)) return NULL;
  return "expected an app name ([a-z][a-z0-9-]{0,31}), got \"%s\"";
}

static const char *check_apps_item(const char *s) {
  if (strcmp(s, "*") == 0 || vy_valid_name(s)) return NULL;
  return "expected an app name ([a-z][a-z0-9-]{0,31}) or \"*\"";
}

/* metrics_listen: "" (off) or a dotted IPv4 address, a colon, a port of
** 1..65535 in at most five digits: at most 21 bytes, in its char[24] */
static const char *check_listen(const char *s) {
  const char *colon = strrchr(s, ':');
  char host[16];
  struct in_addr in;
  if (!*s) return NULL;
  if (colon && (size_t)(colon - s) < sizeof host) {
    const char *port = colon + 1;
    size_t digits = strspn(port, "0123456789");
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = 0;
    if (digits >= 1 && digits <= 5 && !port[digits] && atol(port) >= 1 &&
        atol(port) <= 65535 && inet_pton(AF_INET, host, &in) == 1)
      return NULL;
  }
  return "expected \"IPv4:PORT\" (e.g. \"127.0.0.1:9464\", port 1..65535) "
         "or \"\" for off, got \"%s\"";
}

/* ---- the schema: also the built-in settings (vy_profile_defaults) -------- */

#define P(member) VY_AT(vy_profile, member)

static const char *const backends[] = { "auto", "drm", "fbdev", "headless",
                                        NULL };
static const char *const layouts[] = { "tiled", "stacked",
                                       NULL }; /* layout_stacked */
static const char *const policies[] = { "other", "fifo", NULL }; /* vy_sched */
/* gpio_safe_state: the index is VY_GPIO_SAFE_* of hal/hal.h */
static const char *const safe_states[] = { "input", "low", "high", NULL };

/* board: "", a board name, or BACKEND:FILE / a path; one line of text */
static const char *check_board(const char *s) {
  size_t n = strlen(s);
  if (n > 1024) return "a board spec of at most 1024 characters, not \"%s\"";
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      return "a board spec without control characters, not \"%s\"";
  const char *colon = strchr(s, ':');
  if (colon && strncmp(s, "sim:", 4) != 0 && strncmp(s, "linux:", 6) != 0)
    return "expected \"\" (none), a board name, \"sim:FILE\" or "
           "\"linux:FILE\", got \"%s\"";
  if (colon && !colon[1]) return "\"%s\" names no board file";
  return NULL;
}

static const vy_key profile_keys[] = {
  { "name", VY_STR, P(name), .check = check_name },
  { "description", VY_NOTE, .offset = 0 }, /* read, not kept */
  { "runtime", VY_STR, P(runtime), .check = check_runtime,
    .dflt_text = "interp" },
  { "memory_budget", VY_SIZE, P(memory_budget), .min = 64 << 10,
    .max = 1ll << 40, .dflt = 64ll << 20 },
  { "app_memory", VY_SIZE, P(app_memory_default), .min = 64 << 10,
    .max = 4ll << 30, .dflt = 16ll << 20 },
  { "display", VY_BOOL, P(display) },
  { "display_backend", VY_CHOICE_TEXT, P(display_backend), .choices = backends,
    .what = "backend" },
  { "layout", VY_CHOICE, P(layout_stacked), .choices = layouts,
    .what = "layout" },
  { "console_app", VY_TEXT, P(console_app), .check = check_app },
  { "status_bar", VY_TEXT, P(status_bar), .check = check_app },
  /* absent: 0, the compositor's own budget (chrome/vc.h) */
  { "draw_commands", VY_INT, P(draw_commands), .min = 1, .max = 100000000 },
  { "draw_pixels", VY_INT, P(draw_pixels), .min = 1, .max = 1ll << 40 },
  { "heartbeat", VY_DURATION, P(heartbeat_ms), .min = 100, .max = 3600000,
    .dflt = 10000 },
  { "ota_health_window", VY_DURATION, P(ota_health_window_ms), .min = 100,
    .max = 3600000, .dflt = 30000 },
  { "sched", VY_CHOICE, P(sched), .choices = policies, .what = "policy",
    .dflt = VY_SCHED_OTHER },
  /* 50 with sched = "fifo" when not given: see finish_profile */
  { "sched_priority", VY_INT, P(sched_priority), .min = 1, .max = 99 },
  { "mlockall", VY_BOOL, P(mlockall) },
  { "console_loglevel", VY_INT, P(console_loglevel), .min = 0, .max = 7,
    .dflt = -1 },
  { "apps", VY_STRLIST, P(apps), .check = check_apps_item, .dflt_text = "*" },
  { "metrics_listen", VY_TEXT, P(metrics_listen), .check = check_listen },
  { "board", VY_STR, P(board), .check = check_board },
  { "gpio_safe_state", VY_CHOICE, P(gpio_safe_state), .choices = safe_states,
    .what = "safe state" },
};

static const vy_table profile_table = {
  VY_ROWS(profile_keys), "unknown key",
  "unknown table (a profile has top-level keys only)"
};

/* ---- what the rows cannot say -------------------------------------------- */

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

static int finish_profile(vy_ck *c, const toml_value *root, void *obj) {
  vy_profile *p = obj;
  char base[64];
  base_name(c->file, base, sizeof base);
  if (!p->name)
    return vy_ck_fail(c, 1, "name", "missing (the profile's name, \"%s\")",
                      base);
  if (strcmp(p->name, base) != 0)
    return vy_ck_fail(c, toml_line(toml_get(root, "name")), "name",
                      "\"%s\" does not match the file name \"%s.toml\"",
                      p->name, base);
  const toml_value *prio = toml_get(root, "sched_priority");
  if (prio && p->sched != VY_SCHED_FIFO)
    return vy_ck_fail(c, toml_line(prio), "sched_priority",
                      "only applies with sched = \"fifo\"");
  if (p->sched == VY_SCHED_FIFO && !prio) p->sched_priority = 50;
  if (p->app_memory_default > p->memory_budget)
    return vy_ck_fail(c, toml_line(toml_get(root, "app_memory")), "app_memory",
                      "larger than memory_budget");
  if (p->apps.n == 0)
    return vy_ck_fail(
        c, toml_line(toml_get(root, "apps")), "apps",
        "empty: the profile "
        "would start nothing (use [\"*\"] for every autostart app)");
  return 0;
}

static void free_profile(void *p) { vy_profile_free(p); }

static const vy_schema profile_schema = { &profile_table, sizeof(vy_profile),
                                          PROFILE_MAX_BYTES, finish_profile,
                                          free_profile };

int vy_profile_load(const char *path, vy_profile *out, char *err,
                    size_t errlen) {
  return vy_schema_load(&profile_schema, path, out, err, errlen);
}

int vy_profile_defaults(vy_profile *p, const char *name) {
  memset(p, 0, sizeof *p);
  if (vy_schema_defaults(&profile_table, p) != 0 ||
      (name && !(p->name = strdup(name)))) {
    vy_profile_free(p);
    return -1;
  }
  return 0;
}

void vy_profile_free(vy_profile *p) {
  if (!p) return;
  free(p->name);
  free(p->runtime);
  free(p->board);
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
          e == EPERM || e == ENOMEM
              ? "; needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK"
              : "");
    }
#endif
  }
  return missed ? 1 : 0;
}
