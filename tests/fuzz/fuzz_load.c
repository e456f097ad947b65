/*
** fuzz_load.c — libFuzzer target: decode + validate + compile + instantiate.
**
** Any byte string must give either a module or a clean error, never a crash,
** a sanitizer report or a leak.  Imports are satisfied with host objects of
** exactly the requested types, so instantiation (segments, start function)
** is exercised too; a start function that spins is stopped by an interval
** timer that calls vw_interrupt, the same path the supervisor uses.
**
**   make fuzz && build/fuzz/fuzz_load -max_total_time=600 corpus/
*/
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>

#include "../../runtime/vw.h"

static vw_store *volatile running_store;

static void on_alarm(int sig) {
  (void)sig;
  vw_store *s = running_store;
  if (s) vw_interrupt(s);
}

static int nop_host(vw_host_call *c, void *ud, const vw_raw *args,
                    vw_raw *results) {
  (void)c;
  (void)ud;
  (void)args;
  (void)results;
  return 0;
}

typedef struct {
  vw_store *store;
  const vw_module *module;
  uint32_t next; /* imports are resolved in order */
} linker;

static int resolve(void *ud, const char *module, const char *name,
                   vw_externkind kind, vw_extern *out) {
  (void)module;
  (void)name;
  linker *l = ud;
  vw_extern_info info;
  vw_module_import(l->module, l->next++, &info);
  out->kind = kind;
  switch (kind) {
    case VW_EXTERN_FUNC:
      out->of.func = vw_func_new_host(l->store, &info.func, nop_host, NULL);
      return out->of.func ? 0 : -1;
    case VW_EXTERN_TABLE:
      out->of.table = vw_table_new(l->store, (vw_valtype)info.valtype, info.min,
                                   info.max, info.has_max, 0);
      return out->of.table ? 0 : -1;
    case VW_EXTERN_MEMORY:
      out->of.memory =
          vw_memory_new(l->store, info.min, info.max, info.has_max);
      return out->of.memory ? 0 : -1;
    case VW_EXTERN_GLOBAL:
      out->of.global =
          vw_global_new(l->store, (vw_valtype)info.valtype, info.mut, 0);
      return out->of.global ? 0 : -1;
  }
  return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int armed;
  if (!armed) {
    signal(SIGALRM, on_alarm);
    armed = 1;
  }
  vw_error err;
  vw_module *m = vw_module_new(data, size, NULL, &err);
  if (!m) return 0;
  /* small caps: the fuzzer should find bugs, not exhaust the machine */
  vw_config cfg = { .max_call_depth = 500,
                    .value_stack_slots = 1 << 16,
                    .max_memory_bytes = 16u << 20,
                    .max_table_elems = 100000 };
  vw_store *s = vw_store_new(&cfg);
  if (s) {
    linker l = { s, m, 0 };
    struct itimerval t = { { 0, 100000 }, { 0, 100000 } }; /* repeats */
    running_store = s;
    setitimer(ITIMER_REAL, &t, NULL);
    vw_instantiate(s, m, resolve, &l, &err);
    memset(&t, 0, sizeof t);
    setitimer(ITIMER_REAL, &t, NULL);
    running_store = NULL;
    vw_store_free(s);
  }
  vw_module_free(m);
  return 0;
}
