/*
** control.h — the contract between vyomad and its operators (vyctl, tests).
**
** Layout of a supervisor root (`vyomad --root DIR`; as PID 1, DIR is "/"):
**   DIR/apps/NAME/vyoma.toml     one folder per app (+ its module)
**   DIR/profiles/NAME.toml       platform profiles
**   DIR/boards/NAME.toml         boards (hal/): the profile's board = "NAME"
**   DIR/data/NAME/               an app's /data, only with filesystem = true
**   DIR/run/vyoma/control.sock   the control socket (Unix stream, 0600)
**   DIR/run/vyoma/heartbeat      the latest heartbeat JSON line
**   DIR/run/vyoma/logs/NAME.log  an app's log lines, with timestamps
**
** Protocol: one request per connection.  The client writes one line,
**   COMMAND [ARG...] [--json]\n
** words separated by single spaces; for `send NAME MESSAGE...` everything
** after NAME is the message.  The server answers with a first line, either
**   ok
** or
**   error MESSAGE
** then the body (text, or JSON with --json), then closes the connection.
** `logs NAME -f` keeps the connection open and streams new lines until the
** client closes it.
**
** Commands: ps [-w], status NAME, kill NAME, restart NAME, start NAME,
** stop NAME, logs NAME [-f], send NAME MESSAGE (delivered as
** "@sys: MESSAGE"), reload (re-read the profile and manifests: new apps
** start, removed ones stop, changed ones restart, an invalid manifest
** leaves its app as it was), metrics (Prometheus text exposition),
** heartbeat (the latest JSON line), shutdown (orderly stop of vyomad),
** screenshot (the body is the screen as a PNG file; error when the
** profile has no display), layout tiled|stacked (how windows are
** arranged), hal (the board: its name and backend, its devices, each
** owned line or device with its app; error no-board without one),
** hal gpio LINE (its level: "gpio 17 1"), hal gpio LINE 0|1 (drives a
** simulated input line; error not-supported on a real chip), hal i2c
** BUS:ADDR write BYTE... and hal i2c BUS:ADDR read REG N (operator access
** as i2cset/i2cget: not subject to the apps' ownership), hal adc DEV:CH
** RAW (what a simulated channel reads); hal is an @sys verb too.
** ota status (the update slots, the version and state running, why the
** last update failed; --json: one object), ota apply FILE
** [--allow-downgrade] (verifies a signed bundle whole, then installs it in
** the slot not running, on trial from the next boot), ota commit, ota
** rollback (docs/ota.md); errors "ota-refused MESSAGE", "ota-no-key ...",
** "ota-busy ..."; an @sys verb for apps granted ota = true.  kill
** and stop answer once the app is gone, restart once it
** runs again (or could not start); commands on one app apply in order.
**
** `ps` text body: an aligned table for people, a header line then a line
** per app, columns separated by two spaces or more:
**   NAME  STATE  UPTIME  RESTARTS  CPU  MEMORY  MSGS IN  OUT
** in human units ("1.5 s", "128 KiB"); STATE with why the last run ended
** ("exited 0", "trap: unreachable", "killed by operator", "failed: module
** missing"); `ps -w` adds LIMIT and ENDED and never cuts STATE.  Programs
** read `ps --json`: {"apps":[{"name":..,"state":..,"uptime_s":..,
**   "restarts":..,"cpu_ms":..,"memory":..,"msgs_in":..,"msgs_out":..,
**   "limit":..,"status":..,"reason":..,"ended_at":..}]}
** ("state" one word, "status" what the table shows, "reason" why the
** last run ended, "ended_at" when, "" before the first end).
** `status NAME`: the state, the last end's reason and time, the figures
** and the last 20 lines of the app's log (--json: one object, "log" an
** array of lines).
** States: starting, running, waiting (backing off before a restart),
** exited, crashed, killed, failed (crash loop, or a start error no retry
** can cure: module missing, not a wasm file, invalid module, unknown or
** ungranted import), stopped, invalid (its manifest did not load; `logs
** NAME` says why).  Errors are "error CODE DETAIL" (no-such-app NAME,
** with "(did you mean X?)" for a near name; not-running NAME; ...).
*/
#ifndef VY_CONTROL_H
#define VY_CONTROL_H

#define VY_CONTROL_SOCKET   "run/vyoma/control.sock" /* under the root */
#define VY_CONTROL_MAX_LINE 4096                     /* a request line */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Sends all of p on a connected socket, again after a signal; false on an
** error (also a peer that has gone: never SIGPIPE).  Both ends use it. */
static inline bool vy_control_send_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    c += w;
    n -= (size_t)w;
  }
  return true;
}

#endif
