/*
** module_check.h — what a manifest's module must be before it can run:
** the file exists, is a WebAssembly module that decodes and validates,
** and every import is one the WASI host provides and the manifest grants
** (sock_* needs network = true).  Used by vyoma-manifest and by vyomad,
** which treats a failure as permanent (no restarts).
*/
#ifndef VY_MODULE_CHECK_H
#define VY_MODULE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "../../runtime/vw.h"

/* Checks the module at path.  0 (and, with out, the decoded module for
** the caller to free), or -1 with err as "REASON: DETAIL", where REASON is
** one of "module missing", "not a wasm file", "invalid module",
** "unknown import", "import not granted", "out of memory". */
int vy_module_check(const char *path, bool network, vw_module **out, char *err,
                    size_t errlen);

#endif
