/*
** vyomad.h — internals shared by the supervisor's files (not a public
** interface: operators speak supervisor/control.h over the socket).
**
**   main.c     command line, profile and app loading, signals, the main
**              loop (its tick, the heartbeat), orderly shutdown
**   app.c      the app table, and each app's stdio while it runs
**   run.c      one run of an app: its thread and its WASI world
**   lifecycle.c  the states × events table: starts, stops, restart
**              policies with backoff, kill, grace, watchdog
**   commands.c the verbs of the control socket and of @sys, one table
**   control.c  the control socket server (control.h)
**   report.c   ps (the table, JSON), status, heartbeat, metrics
**   metrics_http.c  the profile's metrics_listen: GET /metrics over HTTP
**   reload.c   reload: the profile and manifests again
**   suggest.h  did-you-mean (header-only: vyctl shares it)
**   sbuf.c     the growing string of answers (sbuf.h)
**   console.c  the TTY input router on a terminal stdin (input/tty.h)
**   pid1.c     what only PID 1 does (mounts, reaping, power-off)
**   log.c      timestamped logging to stderr and per-app log files
**   screen.c   the display: windows for display apps, VYOMA_DRAW, the
**              compositor thread, focus highlight, screenshots
**   ota.c      updates: the boot stage (which system runs), the health
**              check of a slot on trial, the `ota` verbs, their figures
**   hal.c      the board (--board, the profile's board) and the `hal`
**              verbs' answers; each run's HAL world is capability/'s
**
** Locking: one supervisor mutex (sup.lock) guards the app table and every
** app's state fields; app threads take it only briefly.  The broker has its
** own lock, which comes after sup.lock: the broker is called with sup.lock
** held only to add an endpoint (app_register_locked, so that an app and
** its endpoint appear in one step), every other call is made with sup.lock
** released.  The broker never takes sup.lock: it calls the @sys handler
** (which does) with its own lock released.  So the only order is sup.lock,
** then the broker's lock, and no cycle exists.
*/
#ifndef VYOMAD_H
#define VYOMAD_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "../capability/cap.h"
#include "../ipc/broker.h"
#include "../observability/metrics.h"
#include "../profile/manifest.h"
#include "../profile/profile.h"
#include "../runtime/vw.h"
#include "../wasi/vwasi.h"
#include "sbuf.h"

/* the supervisor's own version, which is also the factory system's
** (mk/image.mk reads it from this line for /etc/vyoma/version); a build
** for an update bundle sets another (-DVYOMAD_VERSION='"2.0.0"'), so the
** log says which one runs */
#ifndef VYOMAD_VERSION
#define VYOMAD_VERSION "1.0.0"
#endif

typedef enum app_state {
  ST_STARTING,
  ST_RUNNING,
  ST_WAITING,
  ST_EXITED,
  ST_CRASHED,
  ST_KILLED,
  ST_FAILED,
  ST_STOPPED,
  ST_INVALID /* manifest did not load */
} app_state;

/* why an app's run is being cancelled */
typedef enum app_stop {
  STOP_NONE,
  STOP_KILL,
  STOP_STOP,
  STOP_RESTART,
  STOP_WATCHDOG,
  STOP_SHUTDOWN
} app_stop;

/* one line being assembled from an app's stdout or stderr */
typedef struct linebuf {
  char buf[VY_IPC_MAX_LINE + 1];
  size_t len;
  bool overlong; /* the current line passed the limit          */
} linebuf;

typedef struct app {
  char name[64]; /* folder name (manifest name once loaded)    */
  char *dir;     /* DIR/apps/NAME                              */
  vy_manifest m;
  bool have_manifest;
  char *manifest_text; /* the vyoma.toml it was loaded from (reload)  */
  bool removed;        /* its folder is gone (reload): hidden, down    */
  char error[512];     /* manifest error, or the last run's failure  */
  /* why the last run ended, for ps/status/logs (guarded by sup.lock):
  ** short ("exited 0", "trap: unreachable", "killed by operator",
  ** "module missing"), and when */
  char reason[128];
  char ended_at[40];
  char stop_by[72];  /* who asked for the stop: "operator", "app NAME" */
  bool start_failed; /* the module cannot run (missing, invalid, an
                        import not provided): no restart by policy */

  /* guarded by sup.lock */
  app_state state;
  bool thread_live; /* a thread exists and must be joined         */
  bool thread_done; /* it has finished (join is then immediate)   */
  pthread_t thread;
  app_stop stop;            /* set by kill/stop/restart/watchdog          */
  int64_t stop_deadline_ms; /* STOP_STOP: cancelled at this time unless the
                               app has exited by itself; 0 once the grace
                               is over (or there was none)                 */
  vw_store *store;          /* while running: for vw_interrupt            */
  vwasi *wasi;              /* while running: for vwasi_cancel            */
  vy_cap *cap;              /* while running: for vy_cap_cancel           */
  vw_memory *mem;           /* while running: memory 0, for its size      */
  clockid_t cpuclock;       /* the thread's CPU clock while it runs       */
  bool have_cpuclock;
  uint64_t cpu_ns_prev;   /* CPU time of earlier runs                   */
  uint64_t cpu_ns_last;   /* CPU time of the current/last run           */
  uint64_t mem_last;      /* memory of the last run, once it ended      */
  vy_ipc_stats ipc_prev;  /* the broker's counters of earlier runs, added
                             up as each run's endpoint goes (report.c)  */
  uint32_t ipc_runs;      /* runs added to ipc_prev                     */
  vy_cap_stats hal;       /* its vyoma_hal counters, all runs together
                             (atomic: written by its run, read by reports) */
  int64_t started_ms;     /* monotonic, when the current run began      */
  int64_t next_start_ms;  /* ST_WAITING: when to start again            */
  uint32_t backoff_ms;    /* next restart delay                         */
  uint32_t restarts;      /* total restarts by policy or command        */
  uint32_t runs;          /* runs started: a waiting restart sees its own */
  int64_t *restart_times; /* ring of recent policy restarts (ms)        */
  uint32_t nrestart_times;
  int exit_code;
  bool registered;           /* has a broker endpoint (removed by the thread
                                at the end of its run)                      */
  atomic_llong last_line_ms; /* watchdog: when the app last printed        */

  /* the app thread's own (no lock needed) */
  linebuf out[2];      /* stdout, stderr                             */
  char *inbuf;         /* stdin: a line taken from the inbox ...     */
  size_t inlen, inoff; /* ... and how much of it was read            */
  FILE *log;           /* DIR/run/vyoma/logs/NAME.log (own lock)     */

  /* its window while it runs (screen.c); win and win_gen guarded by
  ** sup.lock, the rest the app thread's own */
  struct vc_window *win;
  uint32_t win_gen;           /* the size generation the app was told       */
  int win_dirfd;              /* its folder, for VYOMA_DRAW image           */
  int64_t draw_errs_s;        /* draw error replies: this second ...        */
  uint32_t draw_errs;         /* ... how many so far ...                    */
  uint64_t draw_errs_dropped; /* ... and those not answered (rate limit)  */

  /* keyboard input for its stdin (console.c), guarded by sup.lock */
  char *kbd;
  size_t kbdlen;
  bool kbd_eof;
} app;

typedef struct sup {
  char *root;     /* --root                                     */
  char *sys_root; /* where apps/ and profiles/ come from: the root, or
                     the update slot running (ota.c)             */
  vy_profile profile;
  vw_budget budget; /* the profile's memory budget, shared by all
                       apps' linear memories */
  char *profile_name;
  vy_broker *broker;
  pthread_mutex_t lock;
  pthread_cond_t cond; /* an app thread finished                     */
  app **apps;
  size_t napps, apps_cap; /* entries are never moved or freed while
                             vyomad runs: reload appends within cap */
  int64_t boot_ms;        /* monotonic at start                         */
  atomic_int shutdown;    /* set by a signal or the shutdown command    */
  _Atomic(app *) focus;   /* the app the console's keys go to, or NULL  */
  bool pid1;
  bool console_all; /* every app's lines on the console, not only
                       the focused one's                          */
  int grace_ms;     /* what stop and shutdown give apps to exit   */
  /* the HAL: the board (NULL: none, every granted call is ENODEV), its
  ** spec as opened, and who owns which line or device (capability/) */
  vy_board *board;
  char board_spec[1100];
  vy_cap_registry *caps;
} sup;

extern sup S;

/* ---- log.c --------------------------------------------------------------- */
int64_t now_ms(void); /* CLOCK_MONOTONIC in ms          */
void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* one line of an app's output: its log file, and the console prefixed with
** its name */
void app_log_line(app *a, const char *line, size_t len);
void log_stamp(char *buf, size_t len); /* "2026-11-25T17:50:01.123Z"     */

/* ---- app.c --------------------------------------------------------------- */
#define BACKOFF_MIN_MS 100u /* the first restart delay */
const char *state_name(app_state s);
app *app_find(const char *name); /* caller holds sup.lock          */
/* Loads DIR/apps/NAME/vyoma.toml into a new table entry (bad manifest:
** logged, entry in ST_INVALID).  Returns the entry or NULL (no memory). */
app *app_load(const char *name);
void app_free(app *a); /* thread already joined          */
/* the text of FILE (malloc'd), or NULL */
char *read_text(const char *path);
/* Keyboard bytes (or end of input) for app a's stdin; wakes its reader.
** 0, or -1 when the app's keyboard buffer is full (64 KiB). */
int app_keyboard(app *a, const char *data, size_t len, bool eof);
/* a run's stdio (its thread): the hooks into its WASI config (-1: no
** memory), what is left of unfinished output lines, and the end */
int app_stdio_open(app *a, vwasi_config *wc);
void app_stdio_flush(app *a);
void app_stdio_close(app *a);

/* ---- run.c --------------------------------------------------------------- */
/* adds the app's broker endpoint if it has none; caller holds sup.lock */
int app_register_locked(app *a);
/* starts a run now (joining a finished thread first); caller holds
** sup.lock.  0 or -1 (logged, state crashed). */
int app_start_locked(app *a);
/* CPU and memory figures (caller holds sup.lock) */
uint64_t app_cpu_ns(app *a);
uint64_t app_mem_bytes(app *a);

/* ---- lifecycle.c --------------------------------------------------------- */
typedef enum app_event {
  EV_START,        /* an operator's start (or the supervisor's first)   */
  EV_STOP,         /* stop: "@sys: stop", then the grace period          */
  EV_KILL,         /* kill: cancelled at once, not restarted             */
  EV_RESTART,      /* restart: cancelled, then started again             */
  EV_SHUTDOWN,     /* the supervisor stops: "@sys: shutdown" first ...   */
  EV_SHUTDOWN_NOW, /* ... and cancelled when the grace is over           */
  EV_EXITED,       /* the run ended: the app exited (any code)           */
  EV_CRASHED,      /* the run ended: a trap, or it could not be set up   */
  EV_GRACE_OVER,   /* tick: a stop's grace period has passed             */
  EV_WATCHDOG,     /* tick: no output line for heartbeat_ms              */
  EV_BACKOFF_DUE,  /* tick: the restart delay has passed                 */
  EV_UNWINDING,    /* tick: a cancelled thread still runs: cancel again  */
  EV_REAPED,       /* tick: its finished thread is joined                */
  EV_NEVENTS
} app_event;

/* What an event asks of the broker (done once sup.lock is released) and
** how long a waiting command may wait for the thread; err for refusals. */
typedef struct app_effects {
  const char *inject; /* a line for the app's stdin ("@sys: " ...)  */
  bool wake;          /* wake its stdin wait                         */
  int wait_ms;        /* 0: no thread to wait for                    */
  char *err;
  size_t errlen;
} app_effects;

/* Event ev for app a by the lifecycle table; caller holds sup.lock and then
** calls app_effects_apply without it.  0, or -1 refused (fx->err). */
int app_event_locked(app *a, app_event ev, app_effects *fx);
void app_effects_apply(const app *a, const app_effects *fx);
/* Event ev for the app called name, effects included; with wait, returns
** once its thread has finished (kill, stop) or, for a restart, once the
** new run runs (or could not start).  0, or -1 with a message:
** "no-such-app NAME", "not-running NAME", "timeout NAME", ... */
int app_command(const char *name, app_event ev, bool wait, const char *by,
                char *err, size_t errlen);
/* the event for every app (the shutdown) */
void apps_event_all(app_event ev);
/* reload: re-reads every manifest and the profile; new apps start,
** removed ones stop, changed ones restart, an invalid manifest leaves its
** running app as it was.  The body says what it did; -1 with err. */
int apps_reload(sbuf *body, bool json, char *err, size_t errlen);
/* the main loop's tick, about every 20 ms: joins finished threads,
** restarts by policy after the backoff, grace periods, the watchdog */
void apps_tick(void);

/* ---- commands.c ---------------------------------------------------------- */
/* one request line of the control socket, answered on fd */
void command_control(int fd, char *line);
/* the broker's vy_sys_handler: "@sys: COMMAND" from an app granted "sys" */
void sys_handler(void *ud, const char *from, const char *cmd, char *reply,
                 size_t replylen);

/* ---- report.c ------------------------------------------------------------ */
/* the ps table (wide: the whole state, LIMIT and ENDED too) or JSON */
void report_ps(sbuf *b, bool json, bool wide);
/* status NAME: the state and why the last run ended, when, its figures
** and the last lines of its log; -1 with err (no-such-app ...) */
#define STATUS_LOG_LINES 20
int report_status(sbuf *b, const char *name, bool json, char *err,
                  size_t errlen);
/* the last n lines of an app's log file (malloc'd), NULL if none */
char *report_log_tail(const char *name, int n);
/* "no-such-app NAME", with a did-you-mean when an app's name is near */
void report_no_such_app(const char *name, char *err, size_t errlen);
/* human units: "1.5 s", "128 KiB" */
void fmt_duration(char *buf, size_t len, uint64_t ms);
void fmt_bytes(char *buf, size_t len, uint64_t n);
uint64_t app_limit_bytes(const app *a);
/* the @sys answers: "ps NAME=STATE ..." or, with figures,
** "stats NAME=STATE,CPU_MS,MEM_BYTES ..." */
void report_sys_list(sbuf *b, bool figures);
void report_heartbeat(sbuf *b); /* one JSON line, no newline      */
void report_metrics(sbuf *b);   /* Prometheus text                */
/* a run's broker counters into the app's sum of its runs (ipc_prev) */
void report_ipc_add(vy_ipc_stats *sum, const vy_ipc_stats *run);

/* ---- control.c ----------------------------------------------------------- */
int control_start(void); /* binds the socket, starts thread */
void control_stop(void); /* stops it, removes the socket    */
/* answers on a connection (commands.c): the whole of p; "STATUS\n" and
** the body; "error MSG\n"; logs NAME [-f] [--json] streamed */
bool control_send(int fd, const void *p, size_t n);
void control_reply(int fd, const char *status, const sbuf *body);
void control_reply_err(int fd, const char *msg);
void control_logs(int fd, const char *name, bool follow, bool json);

/* ---- metrics_http.c ------------------------------------------------------ */
/* Serves report_metrics at http://ADDR:PORT/metrics ("IPv4:PORT", as the
** profile's metrics_listen says) from a thread of its own.  0, or -1
** (logged: the supervisor goes on without it). */
int metrics_http_start(const char *addr);
void metrics_http_stop(void); /* stops it, closes every connection */

/* ---- console.c ----------------------------------------------------------- */
/* The TTY input router when stdin is a terminal (input/tty.h): raw mode,
** focus among the apps with input = true, Ctrl-A keys. */
void console_start(void);
void console_stop(void);

/* ---- screen.c ------------------------------------------------------------ */
int screen_start(void); /* per profile; -1: no display     */
void screen_stop(void);
bool screen_on(void);
void screen_app_open(app *a);  /* app thread, before its code runs */
void screen_app_close(app *a); /* app thread, at the end of a run */
/* A VYOMA_DRAW line of app a (its thread).  false: a has no window and
** the line is only a log line. */
bool screen_app_draw(app *a, const char *line, size_t len);
void screen_focus(app *a); /* the console's focus, or NULL    */
/* the screen as PNG (malloc'd); -1 with a reason when there is none */
int screen_shot(uint8_t **png, size_t *len, char *err, size_t errlen);
void screen_stats(uint64_t *frames, uint64_t *pixels, uint64_t *drops);
/* switches to layout "tiled" or "stacked"; -1 with a reason */
int screen_layout(const char *name, char *err, size_t errlen);

/* ---- hal.c -------------------------------------------------------------- */
/* Opens the board of --board (opt, may be NULL) or the profile; a board
** that does not open is logged and vyomad goes on without one. */
void hal_open(const char *opt);
void hal_close(void);
/* `hal ...` of the control socket and @sys (commands.c): the words after
** "hal".  0 with the answer in b, or -1 with err. */
int hal_command(const char *args, bool json, sbuf *b, char *err, size_t errlen);

/* ---- ota.c --------------------------------------------------------------- */
/* The boot stage, before the profile and any thread: picks the system
** (vy_ota_boot_select on otadir, NULL: ROOT/data/.ota; slot_opt "a"/"b":
** chosen already by the supervisor that ran us), and runs the slot's own
** supervisor in our place when it has one (argv: ours, for it).  sys gets
** the folder of apps/ and profiles/.  The slot running, or -1 factory. */
int ota_boot(const char *root, const char *otadir, const char *key,
             const char *slot_opt, char **argv, char *sys, size_t syslen);
void ota_tick(void);          /* the health check of a slot on trial        */
bool ota_reboot_wanted(void); /* a trial failed as PID 1: reboot     */
/* `ota status|apply FILE|commit|rollback` (args: the words after "ota");
** from: the app saying it over @sys (it needs the ota grant), NULL for
** the control socket.  0 with the answer in b, or -1 with err. */
int ota_command(const char *args, bool json, const char *from, sbuf *b,
                char *err, size_t errlen);
/* the heartbeat's and metrics' update fields; state is their buffer */
void ota_metrics(vy_sup_metrics *sm, char *state, size_t len);

/* ---- pid1.c -------------------------------------------------------------- */
void pid1_setup(void);    /* mounts; only when getpid()==1   */
void pid1_reap(void);     /* collects zombies (SIGCHLD)      */
void pid1_poweroff(void); /* never returns                   */
void pid1_reboot(void);   /* never returns (a failed update) */
/* the value of KEY=VALUE (e.g. vyoma.profile) on the kernel command line
** into buf; 0 if found and not empty */
int pid1_cmdline(const char *key, char *buf, size_t len);

#endif
