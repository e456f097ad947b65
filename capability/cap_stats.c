/*
** cap_stats.c — an app's HAL counters (calls, denials, errors by code, per
** kind) and the set of resources whose denial has been logged, so that an
** app asking again and again for a line it was not granted leaves one
** log line, not one per call.  The stats belong to the app, not the run:
** the supervisor keeps them across restarts.  Lock-free: relaxed atomic
** counters, and a compare-and-swap into a fixed set of 64-bit keys.
*/
#include <string.h>

#include "cap_int.h"

void cap_count(vy_cap_stats *s, int kind, int32_t result) {
  if (!s || kind < 0 || kind >= VY_CAP_NKINDS) return;
  atomic_fetch_add_explicit(&s->calls[kind], 1, memory_order_relaxed);
  if (result == VY_HAL_ENOTGRANTED)
    atomic_fetch_add_explicit(&s->denied[kind], 1, memory_order_relaxed);
  else if (result < 0 && -result < VY_HAL_NERR)
    atomic_fetch_add_explicit(&s->errors[kind][-result], 1,
                              memory_order_relaxed);
}

/* FNV-1a over the kind, what and res; never 0 (0 marks a free slot) */
static uint64_t key_of(int kind, const char *what, const char *res) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)(kind + 1);
  h *= 1099511628211ull;
  for (const char *p = what; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
  h = (h ^ '|') * 1099511628211ull;
  for (const char *p = res; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
  return h ? h : 1;
}

bool cap_first_time(vy_cap_stats *s, int kind, const char *what,
                    const char *res) {
  if (!s) return true;
  uint64_t k = key_of(kind, what, res);
  for (size_t i = 0; i < VY_CAP_DENIAL_KEYS; i++) {
    uint64_t cur = atomic_load_explicit(&s->logged[i], memory_order_relaxed);
    if (cur == k) return false;
    if (cur != 0) continue;
    /* a free slot: ours, unless another thread took it meanwhile (then
    ** look at what it put there and go on) */
    if (atomic_compare_exchange_strong(&s->logged[i], &cur, k)) return true;
    if (cur == k) return false;
  }
  /* the set is full: an app probing more than 64 resources has been
  ** heard; more lines would only flood the log */
  return false;
}
