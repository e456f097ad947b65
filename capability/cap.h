/*
** cap.h — the peripheral capability enforcer: the host side of the app ABI
** in sdk/vyoma_hal.h (import module "vyoma_hal"), between an app and the
** board of hal/hal.h.
**
** Capability by wiring: the functions of a kind (gpio_*, i2c_transaction,
** spi_transfer, uart_*, adc_read) resolve only when the app's manifest
** grants that kind, so a module importing an ungranted kind does not
** instantiate (vy_cap_check_import says why, in words).  Within a kind,
** every call is checked against the grant list, every guest pointer and
** length against the memory, every size against the limits, before the
** HAL sees anything; results are the negative VY_HAL_E* codes, never a
** trap.  A line or device belongs to the first app that uses it until that
** app's run ends (vy_cap_registry, one per process); vy_cap_free releases
** everything the run held, outputs to the profile's safe state.
**
**   vy_cap_registry *reg = vy_cap_registry_new();           once
**   vy_cap_config cc = { "blinky", &manifest, board, reg, VY_GPIO_SAFE_INPUT,
**                        &stats, log_fn, log_ud };
**   vy_cap *cap = vy_cap_new(&cc, err, sizeof err);         per run
**   vy_cap_link link = { wasi, cap };
**   vy_cap_bind_store(cap, store);
**   vw_instantiate(store, mod, vy_cap_link_resolve, &link, &e);
**   ... vy_cap_cancel(cap) from the kill path, any thread ...
**   vy_cap_free(cap);                                       at the run's end
*/
#ifndef VY_CAP_H
#define VY_CAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hal/hal.h"
#include "../profile/manifest.h"
#include "../runtime/vw.h"
#include "../wasi/vwasi.h"

#define VY_CAP_MODULE "vyoma_hal"

typedef enum vy_cap_kind {
  VY_CAP_GPIO,
  VY_CAP_I2C,
  VY_CAP_SPI,
  VY_CAP_UART,
  VY_CAP_ADC,
  VY_CAP_NKINDS
} vy_cap_kind;

/* "gpio", "i2c", "spi", "uart", "adc" (the metrics' kind label) */
const char *vy_cap_kind_name(int kind);

/* ---- the ABI's imports (no board needed: vyoma-manifest uses these) ---- */
/* The kind of vyoma_hal import `name`, or -1 when the ABI has none. */
int vy_cap_import_kind(const char *name);
/* true if the manifest (NULL: none) grants any of that kind */
bool vy_cap_granted(const vy_manifest *m, int kind);
/* Checks one vyoma_hal import of app m (NULL: no manifest) with function
** type t (NULL: not a function).  0, or -1 with err as "REASON: DETAIL":
** "unknown import: ..." (no such name, or the wrong type) or "import not
** granted: app NAME: imports vyoma_hal.gpio_open, but its manifest grants
** no gpio (add gpio = [LINE, ...] under [capabilities])". */
int vy_cap_check_import(const vy_manifest *m, const char *name,
                        const vw_functype_info *t, char *err, size_t errlen);

/* ---- the ownership registry: one per process, thread-safe -------------- */
typedef struct vy_cap_registry vy_cap_registry;
vy_cap_registry *vy_cap_registry_new(void); /* NULL: out of memory */
void vy_cap_registry_free(vy_cap_registry *r);
/* One line per owned resource, "gpio 17 blinky" (kind, resource as
** granted, owner app), or JSON objects {"kind":..,"resource":..,"app":..}
** separated by commas; snprintf-style. */
size_t vy_cap_registry_describe(vy_cap_registry *r, bool json, char *buf,
                                size_t len);

/* ---- counters: per app, kept by its owner across runs ------------------ */
#define VY_CAP_DENIAL_KEYS 64 /* resources whose denial was logged */
typedef struct vy_cap_stats {
  _Atomic uint64_t calls[VY_CAP_NKINDS];
  _Atomic uint64_t denied[VY_CAP_NKINDS]; /* VY_HAL_ENOTGRANTED          */
  /* every other error, by code (index -err); denials are not here     */
  _Atomic uint64_t errors[VY_CAP_NKINDS][VY_HAL_NERR];
  /* the resources whose denial has been logged (logged once each)     */
  _Atomic uint64_t logged[VY_CAP_DENIAL_KEYS];
} vy_cap_stats;

/* ---- one app's run ------------------------------------------------------ */
typedef struct vy_cap vy_cap;

typedef struct vy_cap_config {
  const char *app;      /* its name, for ownership and messages    */
  const vy_manifest *m; /* its grants (NULL: none); must outlive   */
  vy_board *board;      /* NULL: every granted call is ENODEV      */
  vy_cap_registry *reg; /* required                                */
  int safe_state;       /* VY_GPIO_SAFE_*: outputs left behind     */
  vy_cap_stats *stats;  /* NULL: not counted; must outlive the cap */
  /* a log line ("app X: gpio line 5 not granted (grants: 17, 27)");
  ** NULL: stderr */
  void (*log)(void *ud, const char *line);
  void *log_ud;
} vy_cap_config;

/* The run's HAL world.  NULL with a reason in err (out of memory, no
** eventfd). */
vy_cap *vy_cap_new(const vy_cap_config *cfg, char *err, size_t errlen);
/* Ends the run's hold on the board: every open line is closed (an output
** goes to the safe state first) and port, every ownership dropped.  Call
** it once the app's code can no longer run (after vwasi_run returned). */
void vy_cap_free(vy_cap *c);
/* For killing the app from another thread, next to vwasi_cancel: blocked
** calls (edge waits, serial reads) return at once, and every vyoma_hal
** call then traps "killed", on entry and on return, as WASI's do.
** Thread-safe and async-signal-safe (an atomic store and a write(2));
** idempotent. */
void vy_cap_cancel(vy_cap *c);
bool vy_cap_cancelled(const vy_cap *c);
/* The store its host functions are created in (before vw_instantiate). */
void vy_cap_bind_store(vy_cap *c, vw_store *s);
/* vw_resolver for "vyoma_hal" imports; ud is the vy_cap*.  Names of an
** ungranted kind, and unknown names, do not resolve. */
int vy_cap_resolve(void *ud, const char *module, const char *name,
                   vw_externkind kind, vw_extern *out);

/* An app's two import modules: wasi_snapshot_preview1 through vwasi,
** vyoma_hal through the cap (which may be NULL: then nothing of it). */
typedef struct vy_cap_link {
  vwasi *wasi;
  vy_cap *cap;
} vy_cap_link;
int vy_cap_link_resolve(void *ud, const char *module, const char *name,
                        vw_externkind kind, vw_extern *out);

/* The board spec of profile value or option `v` for root `root` (""
** for /): "" → "" (no board); "sim:FILE" / "linux:FILE" / a path → as
** given, FILE relative to root when `rel_root`; NAME (no ':' nor '/')
** → ROOT/boards/NAME.toml.  snprintf-style into buf. */
size_t vy_cap_board_spec(const char *v, const char *root, bool rel_root,
                         char *buf, size_t len);

#endif
