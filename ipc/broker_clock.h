/*
** broker_clock.h — a test hook of the broker (ipc/broker.c): replaces the
** monotonic clock its token buckets read, so rate-limit tests are exact
** instead of depending on sleeps.  Not part of the supervisor's contract.
*/
#ifndef VY_BROKER_CLOCK_H
#define VY_BROKER_CLOCK_H

#include <stdint.h>

#include "broker.h"

/* now_ns returns nanoseconds on a monotonic scale; NULL restores the real
** CLOCK_MONOTONIC.  Endpoints added later start their bucket at now_ns(). */
void vy_broker_set_clock(vy_broker *b, uint64_t (*now_ns)(void *), void *ud);

#endif
