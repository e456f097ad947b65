/*
** manifest.h — an app's vyoma.toml, loaded and validated.
**
** The schema is DESIGN.md's "App manifest".  Loading is all-or-nothing: an
** unknown key, a wrong type or a bad value gives one line
** "FILE:LINE: KEY: message" and no manifest, so that app does not start
** while the others do.
*/
#ifndef VY_MANIFEST_H
#define VY_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h" /* vy_strlist, vy_parse_size, vy_parse_duration */

typedef enum vy_restart {
  VY_RESTART_NEVER,
  VY_RESTART_ON_FAILURE,
  VY_RESTART_ALWAYS
} vy_restart;

typedef struct vy_manifest {
  char *path; /* the vyoma.toml it came from               */
  char *dir;  /* the app's folder                          */
  /* [app] */
  char *name; /* [a-z][a-z0-9-]{0,31}                      */
  char *version;
  char *module;    /* absolute or relative-to-cwd path: dir/module */
  vy_strlist args; /* argv[1..] for the app                     */
  vy_strlist env;  /* "KEY=VALUE"                               */
  /* [capabilities] */
  bool filesystem, network, display, input;
  bool ota; /* may say "@sys: ota ..." (apply, commit, rollback, status) */
  vy_strlist ipc; /* app names, "*" (any) or "sys"             */
  uint32_t *gpio;
  size_t ngpio;
  vy_strlist i2c, spi, uart, adc; /* "bus:addr" style grants, as written */
  /* [resources] */
  uint64_t memory_bytes;     /* 0 = profile default                       */
  uint32_t messages_per_sec; /* 0 = default (1000)                        */
  /* [lifecycle] */
  vy_restart restart;         /* default on-failure                        */
  uint32_t max_restarts;      /* default 5                                 */
  uint32_t restart_window_ms; /* default 60 s                              */
  uint32_t heartbeat_ms;      /* 0 = no health watchdog; else the app must
                                 print a line at least this often          */
  bool autostart;             /* default true                              */
  bool critical;              /* default false                             */
} vy_manifest;

/* 0 on success; -1 with a one-line error in err. */
int vy_manifest_load(const char *path, vy_manifest *out, char *err,
                     size_t errlen);
/* The same from a buffer; `path` names it in errors and sets dir. */
int vy_manifest_parse(const char *path, const char *text, size_t len,
                      vy_manifest *out, char *err, size_t errlen);
void vy_manifest_free(vy_manifest *m);

/* The manifest's schema: its top-level table of rows (schema.h), for
** tools that describe the keys (`vyoma manifest-reference`). */
const vy_table *vy_manifest_schema(void);

/* true if the manifest grants sending to `target` ("sys" for @sys) */
bool vy_manifest_may_send(const vy_manifest *m, const char *target);

#endif
