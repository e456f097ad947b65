/*
** oom.c — out-of-memory unwinding: every allocation the engine makes, in
** load, instantiate and call, is made to fail in turn (as Lua's test build
** does); each time the engine must return an error — never crash — and
** free everything it allocated.  The test counts live blocks itself, so it
** catches leaks without a sanitizer too.
**
** The module (bytes below) was assembled with wat2wasm from:
**   (module
**     (type $t (func (param i32) (result i32)))
**     (import "env" "twice" (func $twice (param i32) (result i32)))
**     (memory 1 4)
**     (table 4 funcref)
**     (global $g (mut i32) (i32.const 7))
**     (elem (i32.const 0) $fac $twice)
**     (elem $p funcref (ref.func $fac))
**     (data (i32.const 16) "hello")
**     (data $d "passive")
**     (func $fac (export "fac") (type $t)
**       local.get 0
**       i32.const 2
**       i32.lt_u
**       if (result i32) i32.const 1
**       else
**         local.get 0
**         local.get 0 i32.const 1 i32.sub
**         i32.const 0 call_indirect (type $t)
**         i32.mul
**       end)
**     (func (export "run") (param i32) (result i32)
**       (memory.init $d (i32.const 100) (i32.const 0) (i32.const 7))
**       (drop (memory.grow (i32.const 1)))
**       (table.init $p (i32.const 2) (i32.const 0) (i32.const 1))
**       (global.set $g (call $twice (local.get 0)))
**       (i32.add (call $fac (i32.const 5)) (global.get $g)))
**     (func $start (global.set $g (i32.const 1)))
**     (start $start))
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/vw.h"
#include "../check.h"

static const unsigned char module_bytes[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60, 0x01,
  0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76,
  0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x00, 0x03, 0x04, 0x03, 0x00, 0x00,
  0x01, 0x04, 0x04, 0x01, 0x70, 0x00, 0x04, 0x05, 0x04, 0x01, 0x01, 0x01, 0x04,
  0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x07, 0x0b, 0x07, 0x0d, 0x02, 0x03, 0x66,
  0x61, 0x63, 0x00, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x02, 0x08, 0x01, 0x03,
  0x09, 0x0c, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x01, 0x00, 0x01, 0x00, 0x01,
  0x01, 0x0c, 0x01, 0x02, 0x0a, 0x4d, 0x03, 0x1a, 0x00, 0x20, 0x00, 0x41, 0x02,
  0x49, 0x04, 0x7f, 0x41, 0x01, 0x05, 0x20, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6b,
  0x41, 0x00, 0x11, 0x00, 0x00, 0x6c, 0x0b, 0x0b, 0x29, 0x00, 0x41, 0xe4, 0x00,
  0x41, 0x00, 0x41, 0x07, 0xfc, 0x08, 0x01, 0x00, 0x41, 0x01, 0x40, 0x00, 0x1a,
  0x41, 0x02, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x0c, 0x01, 0x00, 0x20, 0x00, 0x10,
  0x00, 0x24, 0x00, 0x41, 0x05, 0x10, 0x01, 0x23, 0x00, 0x6a, 0x0b, 0x06, 0x00,
  0x41, 0x01, 0x24, 0x00, 0x0b, 0x0b, 0x14, 0x02, 0x00, 0x41, 0x10, 0x0b, 0x05,
  0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x01, 0x07, 0x70, 0x61, 0x73, 0x73, 0x69, 0x76,
  0x65
};

static long live_blocks; /* allocated and not yet freed */
static long countdown;   /* allocations left before one fails; <0: never */
static long allocations; /* allocations made in this round */

static void *t_malloc(size_t n, void *ud) {
  (void)ud;
  allocations++;
  if (countdown >= 0 && countdown-- == 0) return NULL;
  void *p = malloc(n);
  if (p) live_blocks++;
  return p;
}

static void *t_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  allocations++;
  if (countdown >= 0 && countdown-- == 0) return NULL;
  void *q = realloc(p, n);
  if (q && !p) live_blocks++;
  return q;
}

static void t_free(void *p, void *ud) {
  (void)ud;
  if (p) live_blocks--;
  free(p);
}

static int twice(vw_host_call *c, void *ud, const vw_raw *args, vw_raw *res) {
  (void)c;
  (void)ud;
  res[0] = (uint32_t)(args[0] * 2);
  return 0;
}

static vw_func *twice_fn;
static int resolve(void *ud, const char *module, const char *name,
                   vw_externkind kind, vw_extern *out) {
  (void)ud;
  if (strcmp(module, "env") || strcmp(name, "twice") || kind != VW_EXTERN_FUNC)
    return -1;
  out->kind = VW_EXTERN_FUNC;
  out->of.func = twice_fn;
  return 0;
}

static const vw_allocator counting = { t_malloc, t_realloc, t_free, NULL };

/* One full round: load, link, instantiate, call.  Returns 1 if it completed
** with the right answer, 0 if an allocation failure stopped it (cleanly,
** or with a failed check for anything but running out of memory).  The
** module and the store both allocate through `counting`. */
static int round_trip(void) {
  static const uint8_t i32[] = { VW_I32 };
  vw_functype_info ft = { 1, 1, i32, i32 };
  vw_error err;
  vw_module *m =
      vw_module_new(module_bytes, sizeof module_bytes, &counting, &err);
  if (!m) {
    CHECKF(err.status == VW_ERR_NOMEM, "load failed unexpectedly: %s", err.msg);
    return 0;
  }
  int done = 0;
  vw_config cfg = { .allocator = &counting };
  vw_store *s = vw_store_new(&cfg);
  if (!s) goto out;
  twice_fn = vw_func_new_host(s, &ft, twice, NULL);
  if (!twice_fn) goto out;
  vw_instance *inst = vw_instantiate(s, m, resolve, NULL, &err);
  if (!inst) {
    CHECKF(err.status == VW_ERR_NOMEM, "instantiate failed unexpectedly: %s",
           err.msg);
    goto out;
  }
  vw_extern run;
  if (vw_instance_export(inst, "run", &run) != 0) {
    CHECKF(0, "export run missing");
    goto out;
  }
  vw_raw arg = 3, result = 0;
  vw_status st = vw_call(s, run.of.func, &arg, &result, &err);
  if (st == VW_OK) {
    EQ(result, 126);
    done = result == 126;
  } else {
    /* a failed stack allocation may surface as exhaustion; anything else
    ** is a bug */
    CHECKF(st == VW_ERR_NOMEM ||
               (st == VW_ERR_TRAP && err.trap == VW_TRAP_STACK_EXHAUSTED),
           "call failed unexpectedly: %s", err.msg);
  }
out:
  vw_store_free(s);
  vw_module_free(m);
  return done;
}

static long total; /* allocations of a round that fails none */

/* a round with no failure completes and leaks nothing */
static void normal_round(void) {
  countdown = -1;
  allocations = 0;
  REQUIREF(round_trip(), "the round does not complete without failures");
  total = allocations;
  CHECKF(live_blocks == 0, "%ld blocks leaked by a normal round", live_blocks);
}

/* every allocation of the round fails in turn; each unwinds cleanly */
static void every_failure_point(void) {
  REQUIREF(total > 0, "no normal round to count the allocations of");
  for (long n = 0; n < total && !check_failing(); n++) {
    countdown = n;
    allocations = 0;
    round_trip();
    CHECKF(live_blocks == 0, "%ld blocks leaked when allocation %ld failed",
           live_blocks, n);
  }
  printf("oom: %ld allocation failure points\n", total);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "oom");
  RUN(normal_round);
  RUN(every_failure_point);
  return check_end();
}
