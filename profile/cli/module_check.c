/*
** module_check.c — the checks a manifest's module must pass before it can
** run (module_check.h): read, decode and validate, then each import
** against what the hosts resolve (the WASI host's wasi_snapshot_preview1,
** the capability enforcer's vyoma_hal) and what the manifest grants.
*/
#define _GNU_SOURCE
#include "module_check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../capability/cap.h"
#include "../../wasi/vwasi.h"

static int read_all(const char *path, uint8_t **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        errno = ENOMEM;
        return -1;
      }
      buf = nb;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    errno = EIO;
    return -1;
  }
  *out = buf;
  *len = n;
  return 0;
}

/* one import: vyoma_hal's by the ABI and the grants (capability/), the
** rest must resolve in the scratch WASI host; sockets need the grant */
static int check_import(vwasi *w, const vw_extern_info *in,
                        const vy_manifest *mf, char *err, size_t errlen) {
  if (!strcmp(in->module, VY_CAP_MODULE))
    return vy_cap_check_import(mf, in->name,
                               in->kind == VW_EXTERN_FUNC ? &in->func : NULL,
                               err, errlen);
  vw_extern ext;
  if (vwasi_resolve(w, in->module, in->name, in->kind, &ext) != 0) {
    snprintf(err, errlen,
             "unknown import: %s.%s is not provided by the WASI host",
             in->module, in->name);
    return -1;
  }
  if (!(mf && mf->network) && !strncmp(in->name, "sock_", 5)) {
    snprintf(err, errlen,
             "import not granted: %s.%s needs network = true in "
             "[capabilities]",
             in->module, in->name);
    return -1;
  }
  return 0;
}

/* every import, in order; the first that fails is the answer */
static int check_imports(const vw_module *m, const vy_manifest *mf, char *err,
                         size_t errlen) {
  vwasi_config wc;
  memset(&wc, 0, sizeof wc);
  wc.stdio[0] = wc.stdio[1] = wc.stdio[2] = -1;
  char werr[256];
  vw_store *st = vw_store_new(NULL);
  vwasi *w = st ? vwasi_new(&wc, werr, sizeof werr) : NULL;
  int rc = 0;
  if (!w) {
    snprintf(err, errlen, "out of memory: cannot check the imports");
    rc = -1;
  } else {
    vwasi_bind_store(w, st);
  }
  uint32_t n = vw_module_import_count(m);
  for (uint32_t i = 0; i < n && rc == 0; i++) {
    vw_extern_info in;
    vw_module_import(m, i, &in);
    rc = check_import(w, &in, mf, err, errlen);
  }
  vwasi_free(w);
  vw_store_free(st);
  return rc;
}

int vy_module_check(const char *path, const vy_manifest *m, vw_module **out,
                    char *err, size_t errlen) {
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (out) *out = NULL;
  if (read_all(path, &bytes, &len) != 0) {
    snprintf(err, errlen, "%s: cannot read %s: %s",
             errno == ENOMEM ? "out of memory" : "module missing", path,
             strerror(errno));
    return -1;
  }
  if (len < 4 || memcmp(bytes, "\0asm", 4) != 0) {
    free(bytes);
    snprintf(err, errlen, "not a wasm file: %s does not begin with \\0asm",
             path);
    return -1;
  }
  vw_error e;
  memset(&e, 0, sizeof e);
  vw_module *mod = vw_module_new(bytes, len, NULL, &e);
  free(bytes);
  if (!mod) {
    snprintf(err, errlen, "%s: %s: %s",
             e.status == VW_ERR_NOMEM ? "out of memory" : "invalid module",
             path, e.msg);
    return -1;
  }
  if (check_imports(mod, m, err, errlen) != 0) {
    vw_module_free(mod);
    return -1;
  }
  if (out)
    *out = mod;
  else
    vw_module_free(mod);
  return 0;
}
