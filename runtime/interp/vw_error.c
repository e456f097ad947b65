/*
** vw_error.c — filling vw_error: status, offset, one-line message, traps.
*/
#include <stdio.h>
#include <string.h>

#include "vw_internal.h"

static const char *const trap_names[] = {
  [VW_TRAP_NONE] = "no trap",
  [VW_TRAP_UNREACHABLE] = "unreachable",
  [VW_TRAP_INT_OVERFLOW] = "integer overflow",
  [VW_TRAP_DIV_ZERO] = "integer divide by zero",
  [VW_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
  [VW_TRAP_OOB_MEMORY] = "out of bounds memory access",
  [VW_TRAP_OOB_TABLE] = "out of bounds table access",
  [VW_TRAP_INDIRECT_MISMATCH] = "indirect call type mismatch",
  [VW_TRAP_UNINIT_ELEMENT] = "uninitialized element",
  [VW_TRAP_UNDEFINED_ELEMENT] = "undefined element",
  [VW_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
  [VW_TRAP_INTERRUPTED] = "interrupted",
  [VW_TRAP_HOST] = "host function failed",
  [VW_TRAP_EXIT] = "exit",
};

const char *vw_trap_name(vw_trap t) {
  if ((unsigned)t >= sizeof trap_names / sizeof trap_names[0]) return "trap";
  return trap_names[t];
}

void vw_error_clear(vw_error *err) {
  if (!err) return;
  memset(err, 0, sizeof *err);
  err->offset = VW_NO_OFFSET;
}

vw_status vw_fail(vw_error *err, vw_status status, size_t offset,
                  const char *fmt, ...) {
  if (!err) return status;
  err->status = status;
  err->trap = VW_TRAP_NONE;
  err->offset = offset;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return status;
}

vw_status vw_trap_set(vw_error *err, vw_trap trap) {
  if (!err) return VW_ERR_TRAP;
  err->status = VW_ERR_TRAP;
  err->trap = trap;
  err->offset = VW_NO_OFFSET;
  snprintf(err->msg, sizeof err->msg, "%s", vw_trap_name(trap));
  return VW_ERR_TRAP;
}
