/*
** broker.h — the IPC broker: apps never talk to each other, they print
** "@target: payload" lines and the broker delivers "@sender: payload" to
** the target's inbox, if the sender's manifest grants it and its rate limit
** allows.  Every message is either delivered or its sender is told why not
** (an "@sys: error ..." line in the sender's own inbox); none vanishes.
**
** Thread-safe: each app's thread routes its own output lines and reads its
** own inbox; the supervisor adds and removes endpoints.
*/
#ifndef VY_BROKER_H
#define VY_BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VY_IPC_MAX_LINE      4096 /* bytes, newline excluded */
#define VY_IPC_QUEUE_DEFAULT 256  /* messages per inbox */

typedef struct vy_broker vy_broker;

/* The supervisor's handler of "@sys: COMMAND" lines from app `from` (its
** grant for "sys" already checked).  Writes a reply (no newline) into
** reply; the broker delivers it to `from` as "@sys: REPLY".
** (broker: called on the sender's thread WITHOUT the broker's lock, so it
** may call any vy_broker_* function, even remove `from`; a reply of
** several lines arrives as several "@sys: " lines, in one queue entry.) */
typedef void (*vy_sys_handler)(void *ud, const char *from, const char *cmd,
                               char *reply, size_t replylen);

vy_broker *vy_broker_new(vy_sys_handler sys, void *ud);
void vy_broker_free(vy_broker *b);

/* Registers app `name` with its grants (manifest ipc list: names, "*",
** "sys"), rate limit (messages per second, token bucket with a burst of
** one second's worth) and inbox capacity.  -1 if the name exists. */
int vy_broker_add(vy_broker *b, const char *name, const char *const *grants,
                  size_t ngrants, uint32_t rate_per_sec, size_t queue_cap);
/* Removes the endpoint, frees its queued messages, wakes a blocked reader
** (which then gets -1). */
void vy_broker_remove(vy_broker *b, const char *name);

typedef enum vy_line_kind {
  VY_LINE_LOG, /* not addressed: the caller keeps it as a log line  */
  VY_LINE_IPC, /* an "@target: payload" line, delivered or answered */
  VY_LINE_DRAW /* a "VYOMA_DRAW ..." line, for the display          */
} vy_line_kind;

/* Classifies one output line of app `from` (without its newline) and, for
** IPC, routes it.  Errors go back to the sender as "@sys: error KIND ARG":
**   error no-such-app NAME | error denied NAME | error rate-limited NAME |
**   error queue-full NAME  | error too-long NAME | error malformed
** Backpressure rule: a full target inbox rejects the new message with
** queue-full to the sender (the oldest queued messages are never dropped). */
vy_line_kind vy_broker_route(vy_broker *b, const char *from, const char *line,
                             size_t len);

/* Delivers a line from outside (vyctl send) as "@sys: MSG" to `to`.
** 0, or -1 if no such app or its inbox is full. */
int vy_broker_inject(vy_broker *b, const char *to, const char *msg);

/* Takes the next inbox line of `name` (with its trailing newline) into buf.
** Waits up to timeout_ms (-1 = forever) unless woken by vy_broker_wake or
** removal.  Returns its length, 0 on timeout or wake, -1 if the endpoint is
** gone.  A line longer than cap is cut to cap.  (broker: nothing is lost --
** the rest of that line comes on the next calls, as from a byte stream.) */
ssize_t vy_broker_recv(vy_broker *b, const char *name, char *buf, size_t cap,
                       int timeout_ms);
/* true if `name` has a queued line (for poll_oneoff on stdin) */
bool vy_broker_pending(vy_broker *b, const char *name);
/* Wakes a reader blocked in vy_broker_recv for `name` (used by kill). */
void vy_broker_wake(vy_broker *b, const char *name);

typedef struct vy_ipc_stats {
  uint64_t msgs_in, msgs_out; /* delivered to / sent by the app */
  uint64_t denied, rate_limited, dropped_full;
  size_t queued;
  /* added by the broker part: sends refused because the target's inbox was
  ** full, and sends refused as malformed / too-long / no-such-app */
  uint64_t queue_full, invalid;
} vy_ipc_stats;
int vy_broker_stats(vy_broker *b, const char *name, vy_ipc_stats *out);

#endif
