/*
** profile.h — a platform profile (profiles/NAME.toml): what kind of device
** this is and how the supervisor should behave on it.
*/
#ifndef VY_PROFILE_H
#define VY_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h" /* vy_strlist */

typedef enum vy_sched { VY_SCHED_OTHER, VY_SCHED_FIFO } vy_sched;

typedef struct vy_profile {
  char *name;                  /* desktop-full, mobile, server-headless,
                                  iot-edge, robotics-rt, mcu-minimal       */
  char *runtime;               /* engine adapter: "interp" (later "aot")    */
  uint64_t memory_budget;      /* bytes for all apps together               */
  uint64_t app_memory_default; /* cap for an app whose manifest sets none   */
  bool display;
  char display_backend[16];      /* "auto", "drm", "fbdev" or "headless"      */
  bool layout_stacked;           /* windows cascade instead of tiling         */
  char console_app[33];          /* the app with the keyboard first ("" none) */
  char status_bar[33];           /* the app drawn as the status bar ("" none) */
  uint32_t draw_commands;        /* per window and second; 0: the built-in   */
  uint64_t draw_pixels;          /* budget of chrome/vc.h (VC_BUDGET_*)      */
  uint32_t heartbeat_ms;         /* heartbeat line interval                   */
  uint32_t ota_health_window_ms; /* a trial's health window (ota.c)     */
  vy_sched sched;
  int sched_priority; /* SCHED_FIFO priority, 1..99                */
  bool mlockall;
  int console_loglevel;    /* kernel console log level 0..7; -1: leave it */
  vy_strlist apps;         /* apps to start; one item "*" = all autostart */
  char metrics_listen[24]; /* "IPv4:PORT" of the metrics HTTP server, or
                              "" (the default): none                   */
  char *board;         /* the board for the HAL (hal/hal.h): NULL or "" none,
                          NAME (ROOT/boards/NAME.toml), "sim:FILE",
                          "linux:FILE" or a path (FILE relative to ROOT) */
  int gpio_safe_state; /* VY_GPIO_SAFE_*: 0 input, 1 low, 2 high: what an
                          output line an app lets go of is left at      */
} vy_profile;

/* 0 on success; -1 with a one-line error "FILE:LINE: KEY: message" in err. */
int vy_profile_load(const char *path, vy_profile *out, char *err,
                    size_t errlen);
/* The built-in settings, for when no profile file applies: what the loader
** starts from (runtime "interp", apps ["*"], heartbeat 10 s, memory_budget
** 64 MiB, app_memory_default 16 MiB, ...), named `name` (may be NULL).  0,
** or -1 if out of memory.  vy_profile_free frees it. */
int vy_profile_defaults(vy_profile *p, const char *name);
void vy_profile_free(vy_profile *p);
/* true if the profile starts app `name` (given its manifest's autostart) */
bool vy_profile_starts(const vy_profile *p, const char *name, bool autostart);

/* Applies the profile's scheduling to the calling thread (threads created
** later inherit it, so call it before starting app threads): SCHED_FIFO at
** sched_priority when sched is fifo, and mlockall(MCL_CURRENT|MCL_FUTURE)
** when mlockall is set.  Never fails hard: returns 0 with a line such as
** "robotics-rt: SCHED_FIFO priority 50, memory locked" in msg, or 1 with
** what could not be applied and why (e.g. EPERM without privilege). */
int vy_profile_apply_sched(const vy_profile *p, char *msg, size_t msglen);

#endif
