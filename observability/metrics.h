/*
** metrics.h — formatting of the supervisor's heartbeat and metrics.
**
** The supervisor fills a plain array of per-app snapshots (it owns the
** numbers; this module only formats them) and gets either
**   - the heartbeat: ONE JSON line, newline-terminated, for the console log
**     and DIR/run/vyoma/heartbeat, or
**   - the Prometheus text exposition (format 0.0.4) for `vyctl metrics`,
**     with # HELP and # TYPE lines for every metric family.
** Both functions work like snprintf: they return the length of the whole
** text (NUL excluded) and write at most cap bytes including a NUL, so a
** caller can size its buffer with a first call with cap 0 (buf may then be
** NULL) -- or use the *_alloc variants.
**
** Heartbeat JSON (keys as in supervisor/control.h's `ps --json`):
**   {"time_ms":1700000000000,"uptime_s":12.345,"profile":"server-headless",
**    "apps":[{"name":"ping","state":"running","uptime_s":3.2,"restarts":0,
**             "cpu_ms":12,"memory":131072,"msgs_in":5,"msgs_out":5}]}
** "time_ms" and "profile" are left out when zero / NULL.  With an update
** state (vy_sup_metrics.ota_slot not NULL) the heartbeat also carries
**   "ota":{"slot":"slot-b","version":"2.0.0","state":"trial","tries":2}
**
** Prometheus families (label app="NAME"):
**   vyoma_uptime_seconds                   gauge
**   vyoma_apps                             gauge   (number of apps)
**   vyoma_display_frames_total             counter (only with a display)
**   vyoma_display_pixels_total             counter
**   vyoma_display_budget_drops_total       counter
**   vyoma_ota_info{slot,version,state}     gauge   1: the running slot
**                                          (slot-a, slot-b, factory), its
**                                          version and update state
**                                          (factory, trial, committed,
**                                          failed); only with ota_slot
**   vyoma_ota_tries_remaining              gauge   boots left on trial
**   vyoma_app_state{app,state}             gauge   1 for the app's state
**   vyoma_app_uptime_seconds               gauge
**   vyoma_app_restarts_total               counter
**   vyoma_app_cpu_seconds_total            counter
**   vyoma_app_memory_bytes                 gauge
**   vyoma_app_messages_in_total            counter
**   vyoma_app_messages_out_total           counter
**   vyoma_app_ipc_refused_total{app,reason}  counter  reason: denied,
**                                          rate-limited, queue-full, dropped
**   vyoma_hal_calls_total{app,kind}        counter  vyoma_hal calls; kind:
**                                          gpio, i2c, spi, uart, adc
**   vyoma_hal_denied_total{app,kind}       counter  refused: not granted
**   vyoma_hal_errors_total{app,kind,code}  counter  other errors, by code
**                                          (vy_hal_err_name: busy, ...)
** The HAL families are there when the supervisor names the codes
** (vy_sup_metrics.hal_code_name); an app's series when it has made a HAL
** call; an errors series once that code has happened.
*/
#ifndef VY_METRICS_H
#define VY_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* an app's vyoma_hal counters, per kind (capability/cap.h's order: gpio,
** i2c, spi, uart, adc) and, for errors, per code (index -VY_HAL_E*) */
#define VY_METRICS_HAL_KINDS 5
#define VY_METRICS_HAL_CODES 15
typedef struct vy_hal_counts {
  uint64_t calls[VY_METRICS_HAL_KINDS], denied[VY_METRICS_HAL_KINDS];
  uint64_t errors[VY_METRICS_HAL_KINDS][VY_METRICS_HAL_CODES];
} vy_hal_counts;

typedef struct vy_app_metrics {
  const char *name;
  const char *state;     /* "running", "failed", ... (control.h) */
  uint64_t uptime_ms;    /* since the app's current start; 0 if not running */
  uint64_t cpu_ms;       /* CPU time of the app's thread(s) */
  uint64_t memory_bytes; /* linear memory (and engine overhead) */
  uint64_t msgs_in, msgs_out;
  uint32_t restarts;
  /* optional (0 when not filled), from vy_ipc_stats: sends refused as
  ** denied / rate-limited / queue-full, and @sys lines lost to a full inbox
  ** (dropped_full), which the supervisor sums over the app's runs.  Only
  ** in the Prometheus text. */
  uint64_t ipc_denied, ipc_rate_limited, ipc_queue_full, ipc_dropped;
  const vy_hal_counts *hal; /* NULL: none (Prometheus only) */
} vy_app_metrics;

typedef struct vy_sup_metrics {
  uint64_t uptime_ms;  /* of the supervisor */
  int64_t time_ms;     /* Unix time in ms; 0 = leave out */
  const char *profile; /* NULL = leave out */
  /* the compositor's counters, when a display is open (Prometheus only) */
  bool display;
  uint64_t display_frames, display_pixels, display_budget_drops;
  /* the code label of an error index (1..VY_METRICS_HAL_CODES-1), i.e.
  ** vy_hal_err_name(-i); NULL: no HAL families at all */
  const char *(*hal_code_name)(int err);
  /* the update state (supervisor/ota.c): NULL ota_slot = leave out */
  const char *ota_slot, *ota_version, *ota_state;
  uint32_t ota_tries;
} vy_sup_metrics;

size_t vy_metrics_heartbeat(char *buf, size_t cap, const vy_sup_metrics *sup,
                            const vy_app_metrics *apps, size_t napps);
size_t vy_metrics_prometheus(char *buf, size_t cap, const vy_sup_metrics *sup,
                             const vy_app_metrics *apps, size_t napps);

/* The same into a malloc'd string (free it); NULL if out of memory. */
char *vy_metrics_heartbeat_alloc(const vy_sup_metrics *sup,
                                 const vy_app_metrics *apps, size_t napps);
char *vy_metrics_prometheus_alloc(const vy_sup_metrics *sup,
                                  const vy_app_metrics *apps, size_t napps);

#endif
