/*
** cap_abi.c — the vyoma_hal import module as a table (names, kinds,
** types: sdk/vyoma_hal.h), the kinds' names, whether a manifest grants a
** kind, and the check of one import with its message.  It calls nothing
** of the HAL, so vyoma-manifest and module_check link it alone.
*/
#include <stdio.h>
#include <string.h>

#include "cap_int.h"

#define CAP_ROW_(n, k, p) { #n, k, p },
const cap_abi_fn cap_abi[CAP_NFUNCS] = { CAP_FUNCS(CAP_ROW_) };

static const char *const kind_names[VY_CAP_NKINDS] = { "gpio", "i2c", "spi",
                                                       "uart", "adc" };

/* what to add to the manifest for a kind, as the error's hint */
static const char *const kind_hints[VY_CAP_NKINDS] = {
  "gpio = [LINE, ...]", "i2c = [\"BUS:0xADDR\", ...]",
  "spi = [\"BUS:CS\", ...]", "uart = [\"PORT\", ...]",
  "adc = [\"DEV:CHANNEL\", ...]"
};

const char *vy_cap_kind_name(int kind) {
  return kind >= 0 && kind < VY_CAP_NKINDS ? kind_names[kind] : "?";
}

int cap_abi_find(const char *name) {
  for (int i = 0; i < CAP_NFUNCS; i++)
    if (!strcmp(cap_abi[i].name, name)) return i;
  return -1;
}

int vy_cap_import_kind(const char *name) {
  int i = cap_abi_find(name);
  return i < 0 ? -1 : cap_abi[i].kind;
}

bool vy_cap_granted(const vy_manifest *m, int kind) {
  if (!m) return false;
  switch (kind) {
    case VY_CAP_GPIO: return m->ngpio > 0;
    case VY_CAP_I2C: return m->i2c.n > 0;
    case VY_CAP_SPI: return m->spi.n > 0;
    case VY_CAP_UART: return m->uart.n > 0;
    case VY_CAP_ADC: return m->adc.n > 0;
  }
  return false;
}

/* (i32, i32) -> i32 style, for a wrong type's message */
static void type_text(uint32_t nparams, char *buf, size_t len) {
  size_t o = (size_t)snprintf(buf, len, "(");
  for (uint32_t i = 0; i < nparams && o < len; i++)
    o += (size_t)snprintf(buf + o, len - o, "%si32", i ? ", " : "");
  if (o < len) snprintf(buf + o, len - o, ") -> i32");
}

static bool type_ok(const cap_abi_fn *f, const vw_functype_info *t) {
  if (t->nparams != f->nparams || t->nresults != 1 || t->results[0] != VW_I32)
    return false;
  for (uint32_t i = 0; i < t->nparams; i++)
    if (t->params[i] != VW_I32) return false;
  return true;
}

int vy_cap_check_import(const vy_manifest *m, const char *name,
                        const vw_functype_info *t, char *err, size_t errlen) {
  int i = cap_abi_find(name);
  if (i < 0 || !t) {
    snprintf(err, errlen,
             "unknown import: " VY_CAP_MODULE
             ".%s is not a function of the "
             "HAL (sdk/vyoma_hal.h)",
             name);
    return -1;
  }
  const cap_abi_fn *f = &cap_abi[i];
  if (!type_ok(f, t)) {
    char want[96];
    type_text(f->nparams, want, sizeof want);
    snprintf(err, errlen,
             "unknown import: " VY_CAP_MODULE
             ".%s has the wrong type (the "
             "HAL's is %s)",
             name, want);
    return -1;
  }
  if (vy_cap_granted(m, f->kind)) return 0;
  if (!m) {
    snprintf(err, errlen,
             "import not granted: the module imports " VY_CAP_MODULE
             ".%s, but there is no manifest to grant %s (add %s under "
             "[capabilities] of a vyoma.toml)",
             name, kind_names[f->kind], kind_hints[f->kind]);
    return -1;
  }
  snprintf(err, errlen,
           "import not granted: app %s: imports " VY_CAP_MODULE
           ".%s, but its manifest grants no %s (add %s under [capabilities])",
           m->name ? m->name : "?", name, kind_names[f->kind],
           kind_hints[f->kind]);
  return -1;
}
