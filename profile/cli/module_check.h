/*
** module_check.h — what a manifest's module must be before it can run:
** the file exists, is a WebAssembly module that decodes and validates,
** and every import is one the hosts provide and the manifest grants:
** wasi_snapshot_preview1 (sock_* needs network = true) and vyoma_hal
** (sdk/vyoma_hal.h: each kind needs its grant, gpio = [...], i2c = [...],
** ...).  Used by vyoma-manifest, `vyoma run` and vyomad, which treats a
** failure as permanent (no restarts).
*/
#ifndef VY_MODULE_CHECK_H
#define VY_MODULE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "../../runtime/vw.h"
#include "../manifest.h"

/* Checks the module at path against manifest m (NULL: no manifest, so
** nothing granted).  0 (and, with out, the decoded module for the caller
** to free), or -1 with err as "REASON: DETAIL", where REASON is one of
** "module missing", "not a wasm file", "invalid module", "unknown import",
** "import not granted", "out of memory". */
int vy_module_check(const char *path, const vy_manifest *m, vw_module **out,
                    char *err, size_t errlen);

#endif
