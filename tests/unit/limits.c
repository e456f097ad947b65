/*
** limits.c — the engine's guard rails, as the supervisor relies on them:
**   - vw_interrupt from another thread stops a spinning app promptly;
**   - deep wasm recursion traps "call stack exhausted" from the engine's own
**     limit (a C stack overflow would kill the test instead);
**   - memory.grow past the store's cap fails with -1 and leaves memory intact;
**   - stores sharing a vw_budget draw on it and give back what they free;
**   - linear memory is sized to what a module declares, so a thousand
**     one-page instances take about 64 MiB, not a 4 GiB reservation each.
**
** Module, assembled with wat2wasm from:
**   (module
**     (memory (export "memory") 1)
**     (func (export "spin") (loop $l (br $l)))
**     (func $rec (export "recurse") (param i32) (result i32)
**       (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const
*1)))
**     (func (export "grow") (param i32) (result i32) (memory.grow (local.get
*0))))
*/
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/vw.h"
#include "../check.h"

static const unsigned char module_bytes[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60, 0x00,
  0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x01, 0x01, 0x05,
  0x03, 0x01, 0x00, 0x01, 0x07, 0x22, 0x04, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72,
  0x79, 0x02, 0x00, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00, 0x07, 0x72, 0x65,
  0x63, 0x75, 0x72, 0x73, 0x65, 0x00, 0x01, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00,
  0x02, 0x0a, 0x1d, 0x03, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x0c,
  0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x10, 0x01, 0x41, 0x01, 0x6a, 0x0b, 0x06,
  0x00, 0x20, 0x00, 0x40, 0x00, 0x0b
};

static vw_module *m; /* the module above, for every case */

static vw_func *export_func(vw_instance *inst, const char *name) {
  vw_extern e;
  if (vw_instance_export(inst, name, &e) != 0 || e.kind != VW_EXTERN_FUNC)
    return NULL;
  return e.of.func;
}

static void *interrupter(void *arg) {
  usleep(50 * 1000);
  vw_interrupt(arg);
  return NULL;
}

static void interrupt(void) {
  vw_store *s = vw_store_new(NULL);
  vw_error err;
  vw_instance *inst = vw_instantiate(s, m, NULL, NULL, &err);
  CHECKF(inst, "instantiate: %s", err.msg);
  pthread_t t;
  pthread_create(&t, NULL, interrupter, s);
  vw_status st = vw_call(s, export_func(inst, "spin"), NULL, NULL, &err);
  pthread_join(t, NULL);
  CHECKF(st == VW_ERR_TRAP && err.trap == VW_TRAP_INTERRUPTED,
         "spin: want interrupted trap, got status %d trap %d", st, err.trap);
  /* the store is usable afterwards */
  vw_raw arg = 0, res = 0;
  st = vw_call(s, export_func(inst, "grow"), &arg, &res, &err);
  CHECKF(st == VW_OK && res == 1, "grow(0) after interrupt: %d %llu", st,
         (unsigned long long)res);
  vw_store_free(s);
}

static void recursion(void) {
  vw_config cfg = { .max_call_depth = 5000 };
  vw_store *s = vw_store_new(&cfg);
  vw_error err;
  vw_instance *inst = vw_instantiate(s, m, NULL, NULL, &err);
  vw_raw arg = 0, res;
  vw_status st = vw_call(s, export_func(inst, "recurse"), &arg, &res, &err);
  CHECKF(st == VW_ERR_TRAP && err.trap == VW_TRAP_STACK_EXHAUSTED,
         "recurse: want call stack exhausted, got %d/%d %s", st, err.trap,
         err.msg);
  CHECKF(err.ntrace > 0, "trap carries a backtrace");
  vw_store_free(s);
}

static void memory_cap(void) {
  vw_config cfg = { .max_memory_bytes = 4 * 65536 };
  vw_store *s = vw_store_new(&cfg);
  vw_error err;
  vw_instance *inst = vw_instantiate(s, m, NULL, NULL, &err);
  vw_func *grow = export_func(inst, "grow");
  vw_raw arg = 3, res = 0;
  vw_call(s, grow, &arg, &res, &err);
  CHECKF(res == 1, "grow(3) from 1 page under a 4-page cap: %llu",
         (unsigned long long)res);
  arg = 1;
  vw_call(s, grow, &arg, &res, &err);
  CHECKF((uint32_t)res == UINT32_MAX, "grow past the cap returns -1: %llu",
         (unsigned long long)res);
  CHECKF(vw_memory_size(vw_instance_memory(inst, 0)) == 4 * 65536,
         "memory keeps its 4 pages");
  vw_store_free(s);
}

/* Two stores drawing on one 3-page budget: growth fails once it is spent
** and succeeds again after the other store frees its memory. */
static void shared_budget(void) {
  vw_budget budget = { .limit = 3 * 65536 };
  vw_config cfg = { .budget = &budget };
  vw_store *s1 = vw_store_new(&cfg), *s2 = vw_store_new(&cfg);
  vw_error err;
  vw_instance *a = vw_instantiate(s1, m, NULL, NULL, &err);
  vw_instance *b = vw_instantiate(s2, m, NULL, NULL, &err);
  CHECKF(a && b, "two one-page instances fit a 3-page budget");
  if (!a || !b) goto out;
  vw_raw one = 1, res = 0;
  vw_call(s1, export_func(a, "grow"), &one, &res, &err);
  CHECKF(res == 1, "first growth within the budget: %llu",
         (unsigned long long)res);
  vw_call(s2, export_func(b, "grow"), &one, &res, &err);
  CHECKF((uint32_t)res == UINT32_MAX, "growth past the budget returns -1: %llu",
         (unsigned long long)res);
  vw_store *s3 = vw_store_new(&cfg);
  CHECKF(!vw_instantiate(s3, m, NULL, NULL, &err) &&
             err.status == VW_ERR_UNLINKABLE,
         "an instance that does not fit is refused: %s", err.msg);
  vw_store_free(s3);
  vw_store_free(s1);
  CHECKF(budget.used == 65536, "freeing a store returns its memory: %llu",
         (unsigned long long)budget.used);
  vw_call(s2, export_func(b, "grow"), &one, &res, &err);
  CHECKF(res == 1, "growth fits again: %llu", (unsigned long long)res);
  s1 = NULL;
out:
  vw_store_free(s1);
  vw_store_free(s2);
  CHECKF(budget.used == 0, "all memory returned: %llu",
         (unsigned long long)budget.used);
}

static void many_instances(void) {
  enum { N = 1000 };
  vw_store *s = vw_store_new(NULL);
  vw_error err;
  uint64_t total = 0;
  for (int i = 0; i < N; i++) {
    vw_instance *inst = vw_instantiate(s, m, NULL, NULL, &err);
    CHECKF(inst, "instance %d: %s", i, err.msg);
    if (!inst) break;
    total += vw_memory_size(vw_instance_memory(inst, 0));
  }
  CHECKF(total == (uint64_t)N * 65536, "memory of %d instances: %llu bytes", N,
         (unsigned long long)total);
  vw_store_free(s);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "limits");
  vw_error err;
  m = vw_module_new(module_bytes, sizeof module_bytes, NULL, &err);
  if (!m) {
    check_fail(__FILE__, __LINE__, "module does not load: %s", err.msg);
    return check_end();
  }
  RUN(interrupt);
  RUN(recursion);
  RUN(memory_cap);
  RUN(shared_budget);
  RUN(many_instances);
  vw_module_free(m);
  return check_end();
}
