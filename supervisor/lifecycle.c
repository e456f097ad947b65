/*
** lifecycle.c — when an app starts, stops and starts again.  One table of
** lifecycle states × events gives each pair an action and the state it
** leads to, as s6-supervise keeps its transitions: operators' commands
** (start, stop, kill, restart), the end of an app's run, the main loop's
** tick (joins, backoff, grace, watchdog, unwinding) and the supervisor's
** shutdown all arrive here as events, and nothing else changes an app's
** state.
**
** The lifecycle state is read off the app's fields (state_of), so it can
** never disagree with them; the state ps shows (running, waiting, exited,
** ...) is one of those fields, set by the actions.  Actions run with
** sup.lock held and never call the broker: what they want of it (a line
** on the app's stdin, a wake-up of its stdin wait) is left in the event's
** effects and done once sup.lock is released.  That holds for an app's
** own "@sys: stop NAME" too: the broker calls the @sys handler with its
** lock released (ipc/broker.h), so the target hears "@sys: stop" at once.
**
** Cancelling never blocks: it sets the stop reason and pokes every place
** the app could be waiting — vw_interrupt for wasm code, vwasi_cancel for
** host calls and poll_oneoff, vy_cap_cancel for HAL waits (edges, serial
** reads), and the stdin wait, which also gives up
** every 50 ms to look at the flag, so a lost wake-up costs at most that.
** The tick cancels again while the thread unwinds: a trap consumes the
** interrupt flag, and a cancelled app may still reach more wasm code.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vyomad.h"
#include "../base/vy_time.h"

#define BACKOFF_MAX_MS 30000u
#define STABLE_RUN_MS  10000 /* a run this long resets the backoff */
/* a waiting kill/stop's patience beyond the grace */
#define STOP_WAIT_MS 2000

typedef enum lc_state {
  LC_INVALID,   /* the manifest did not load: nothing can start it       */
  LC_DOWN,      /* no thread: stopped, exited, crashed, killed or failed  */
  LC_WAITING,   /* backing off before a restart                           */
  LC_RUNNING,   /* its thread runs (starting or running), no stop asked   */
  LC_STOPPING,  /* asked to stop ("@sys: stop"), within its grace period  */
  LC_CANCELLED, /* being cancelled (kill, restart, watchdog, shutdown, the
                   grace is over); its thread still unwinds               */
  LC_ENDED,     /* its thread has finished and waits to be joined         */
  LC_NSTATES
} lc_state;

static const char *const lc_names[LC_NSTATES] = {
  "invalid", "down", "waiting", "running", "stopping", "cancelled", "ended"
};

static lc_state state_of(const app *a) {
  if (!a->have_manifest) return LC_INVALID;
  if (!a->thread_live) return a->state == ST_WAITING ? LC_WAITING : LC_DOWN;
  if (a->thread_done) return LC_ENDED;
  if (a->stop == STOP_NONE) return LC_RUNNING;
  if (a->stop == STOP_STOP && a->stop_deadline_ms) return LC_STOPPING;
  return LC_CANCELLED;
}

/* ---- actions: sup.lock held; 0 when they lead to the table's next state,
** 1 when they lead elsewhere by design (said at each), -1 refused (err) -- */
typedef int (*lc_action)(app *a, app_event ev, app_effects *fx);

static int refuse_invalid(app *a, app_event ev, app_effects *fx) {
  (void)ev;
  snprintf(fx->err, fx->errlen, "invalid %s", a->error);
  return -1;
}

static int refuse_running(app *a, app_event ev, app_effects *fx) {
  (void)ev;
  snprintf(fx->err, fx->errlen, "already-running %s", a->name);
  return -1;
}

static int refuse_down(app *a, app_event ev, app_effects *fx) {
  (void)ev;
  snprintf(fx->err, fx->errlen, "not-running %s", a->name);
  return -1;
}

/* A kill or stop of an app whose restart is under way (its old run has
** ended, the new one is not started yet) calls the restart off: commands
** on one app are applied in the order they came. */
static int act_call_off_restart(app *a, app_event ev, app_effects *fx) {
  if (a->stop != STOP_RESTART) return refuse_down(a, ev, fx);
  a->stop = ev == EV_KILL ? STOP_KILL : STOP_STOP;
  a->state = ev == EV_KILL ? ST_KILLED : ST_STOPPED;
  return 0;
}

/* an operator's start (or restart of an app that is down) forgives
** earlier failures */
static int act_start(app *a, app_event ev, app_effects *fx) {
  if (atomic_load(&S.shutdown)) {
    snprintf(fx->err, fx->errlen, "shutting-down");
    return -1;
  }
  a->nrestart_times = 0;
  a->backoff_ms = BACKOFF_MIN_MS;
  if (app_start_locked(a) != 0) {
    snprintf(fx->err, fx->errlen, "cannot-start %s", a->name);
    return -1;
  }
  if (ev == EV_RESTART) a->restarts++;
  return 0;
}

/* the backoff has passed (or a restart's old run is gone): start again */
static int act_restart_due(app *a, app_event ev, app_effects *fx) {
  (void)ev;
  a->restarts++;
  if (app_start_locked(a) == 0) return 0;
  snprintf(fx->err, fx->errlen, "cannot-start %s", a->name);
  return -1;
}

/* a pending restart is called off */
static int act_call_off(app *a, app_event ev, app_effects *fx) {
  (void)fx;
  a->state = ev == EV_KILL ? ST_KILLED : ST_STOPPED;
  return 0;
}

static void poke(app *a) {
  if (a->wasi) vwasi_cancel(a->wasi);
  if (a->cap) vy_cap_cancel(a->cap); /* a gpio or serial wait, too */
  if (a->store) vw_interrupt(a->store);
}

/* Cancels the run.  A kill overrides an earlier reason; other reasons keep
** the first one (a restart of an app being stopped ends it stopped). */
static int act_cancel(app *a, app_event ev, app_effects *fx) {
  app_stop why = ev == EV_KILL           ? STOP_KILL
                 : ev == EV_RESTART      ? STOP_RESTART
                 : ev == EV_STOP         ? STOP_STOP
                 : ev == EV_WATCHDOG     ? STOP_WATCHDOG
                 : ev == EV_SHUTDOWN_NOW ? STOP_SHUTDOWN
                                         : a->stop;
  if (a->stop == STOP_NONE || why == STOP_KILL) a->stop = why;
  a->stop_deadline_ms = 0; /* no grace (left) */
  poke(a);
  fx->wake = true;
  fx->wait_ms = STOP_WAIT_MS;
  return 0;
}

/* A stop is polite: "@sys: stop" on the app's stdin, and the grace period
** to exit by itself before it is cancelled.  Without a grace period it is
** cancelled at once (1: cancelled, not stopping). */
static int act_ask_stop(app *a, app_event ev, app_effects *fx) {
  if (S.grace_ms <= 0) {
    act_cancel(a, ev, fx);
    return 1;
  }
  a->stop = STOP_STOP;
  a->stop_deadline_ms = now_ms() + S.grace_ms;
  fx->inject = "stop";
  fx->wait_ms = STOP_WAIT_MS + S.grace_ms;
  return 0;
}

static int act_watchdog(app *a, app_event ev, app_effects *fx) {
  vlog("app %s: no heartbeat for %u ms, restarting", a->name,
       a->m.heartbeat_ms);
  return act_cancel(a, ev, fx);
}

/* the supervisor stops: "@sys: shutdown" on the app's stdin first */
static int act_ask_shutdown(app *a, app_event ev, app_effects *fx) {
  (void)a;
  (void)ev;
  fx->inject = "shutdown";
  return 0;
}

/* The run is over (its thread, about to return): what ps shows now. */
static int act_end(app *a, app_event ev, app_effects *fx) {
  (void)fx;
  switch (a->stop) {
    case STOP_KILL: a->state = ST_KILLED; break;
    case STOP_STOP:
    case STOP_SHUTDOWN:
    case STOP_RESTART: a->state = ST_STOPPED; break;
    case STOP_WATCHDOG:
      a->state = ST_CRASHED;
      snprintf(a->error, sizeof a->error, "no heartbeat for %u ms",
               a->m.heartbeat_ms);
      snprintf(a->reason, sizeof a->reason, "watchdog: no heartbeat");
      break;
    case STOP_NONE:
      a->state = a->start_failed   ? ST_FAILED
                 : ev == EV_EXITED ? ST_EXITED
                                   : ST_CRASHED;
      break;
  }
  a->thread_done = true;
  pthread_cond_broadcast(&S.cond);
  return 0;
}

/* The profile's console_app (the shell) is a system app: whatever ended
** its run (itself, kill, stop) it comes back, with no restart limit and
** the shortest backoff, so the console is never left without it.  Only
** the supervisor's shutdown ends it for good. */
static bool is_console_app(const app *a) {
  return S.profile.console_app[0] && !strcmp(a->name, S.profile.console_app);
}

/* After a run ended by itself (or by the watchdog): the restart policy and
** its intensity limit (at most max_restarts within restart_window, then
** failed).  true: waiting to restart. */
static bool apply_policy(app *a, int64_t now) {
  if (a->start_failed) {
    a->state = ST_FAILED; /* retrying cannot help: the operator must */
    return false;
  }
  bool failure =
      a->state == ST_CRASHED || (a->state == ST_EXITED && a->exit_code != 0);
  bool restart = a->m.restart == VY_RESTART_ALWAYS ||
                 (a->m.restart == VY_RESTART_ON_FAILURE && failure);
  if (is_console_app(a)) {
    restart = true;
    a->nrestart_times = 0; /* no limit */
    a->backoff_ms = BACKOFF_MIN_MS;
  }
  if (!restart || atomic_load(&S.shutdown)) return false;
  uint32_t max = a->m.max_restarts;
  int64_t window = a->m.restart_window_ms;
  /* forget restarts older than the window */
  uint32_t k = 0;
  for (uint32_t i = 0; i < a->nrestart_times; i++)
    if (now - a->restart_times[i] < window)
      a->restart_times[k++] = a->restart_times[i];
  a->nrestart_times = k;
  if (k >= max) {
    a->state = ST_FAILED;
    char last[sizeof a->reason];
    snprintf(last, sizeof last, "%s", a->reason);
    snprintf(a->reason, sizeof a->reason, "%u restarts in %u s, last %.80s",
             max, a->m.restart_window_ms / 1000, last);
    vlog("app %s failed: %u restarts within %u ms", a->name, max,
         a->m.restart_window_ms);
    return false;
  }
  int64_t *nt = realloc(a->restart_times, (k + 1) * sizeof *nt);
  if (!nt) {
    a->state = ST_FAILED;
    vlog("app %s failed: out of memory", a->name);
    return false;
  }
  a->restart_times = nt;
  a->restart_times[a->nrestart_times++] = now;
  if (now - a->started_ms >= STABLE_RUN_MS) a->backoff_ms = BACKOFF_MIN_MS;
  a->state = ST_WAITING;
  a->next_start_ms = now + a->backoff_ms;
  vlog("app %s restarts in %u ms", a->name, a->backoff_ms);
  a->backoff_ms =
      a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : a->backoff_ms * 2;
  return true;
}

/* Joins the finished thread.  A restart command's app waits for no time
** at all (the same tick starts it); one that ended by itself or by the
** watchdog goes by its policy.  1: it stays down (no restart, or failed). */
static int act_reap(app *a, app_event ev, app_effects *fx) {
  (void)ev;
  (void)fx;
  pthread_join(a->thread, NULL);
  a->thread_live = false;
  bool shutting_down = atomic_load(&S.shutdown);
  if (a->stop == STOP_RESTART && !shutting_down) {
    a->backoff_ms = BACKOFF_MIN_MS;
    a->state = ST_WAITING;
    a->next_start_ms = now_ms();
    return 0;
  }
  if (a->stop == STOP_NONE || a->stop == STOP_WATCHDOG ||
      (is_console_app(a) && !shutting_down && a->stop != STOP_SHUTDOWN))
    return apply_policy(a, now_ms()) ? 0 : 1;
  return 1;
}

/* ---- the table --------------------------------------------------------------
** One block per state; in it a line per event that means something there:
** the action, and the state it leads to.  A refused event (-1: a command's
** error) leaves the state as it was; an action that returns 1 leads
** elsewhere by design, as it says (a stop without a grace period: cancelled
** at once; a reap the policy does not restart: down).  An event without a
** line is ignored in that state. */
typedef struct transition {
  lc_action run;
  lc_state next;
} transition;

static const transition table[LC_NSTATES][EV_NEVENTS] = {
  [LC_INVALID] = {
    [EV_START]        = { refuse_invalid,   LC_INVALID },
    [EV_RESTART]      = { refuse_invalid,   LC_INVALID },
    [EV_STOP]         = { refuse_down,      LC_INVALID },
    [EV_KILL]         = { refuse_down,      LC_INVALID },
  },
  [LC_DOWN] = {
    [EV_START]        = { act_start,        LC_RUNNING },
    [EV_RESTART]      = { act_start,        LC_RUNNING },
    [EV_STOP]         = { refuse_down,      LC_DOWN },
    [EV_KILL]         = { refuse_down,      LC_DOWN },
  },
  [LC_WAITING] = {
    [EV_START]        = { act_start,        LC_RUNNING },
    [EV_RESTART]      = { act_start,        LC_RUNNING },
    [EV_STOP]         = { act_call_off,     LC_DOWN },
    [EV_KILL]         = { act_call_off,     LC_DOWN },
    [EV_SHUTDOWN]     = { act_call_off,     LC_DOWN },
    [EV_BACKOFF_DUE]  = { act_restart_due,  LC_RUNNING },
  },
  [LC_RUNNING] = {
    [EV_START]        = { refuse_running,   LC_RUNNING },
    [EV_RESTART]      = { act_cancel,       LC_CANCELLED },
    [EV_STOP]         = { act_ask_stop,     LC_STOPPING },
    [EV_KILL]         = { act_cancel,       LC_CANCELLED },
    [EV_SHUTDOWN]     = { act_ask_shutdown, LC_RUNNING },
    [EV_SHUTDOWN_NOW] = { act_cancel,       LC_CANCELLED },
    [EV_WATCHDOG]     = { act_watchdog,     LC_CANCELLED },
    [EV_EXITED]       = { act_end,          LC_ENDED },
    [EV_CRASHED]      = { act_end,          LC_ENDED },
  },
  [LC_STOPPING] = {
    [EV_START]        = { refuse_running,   LC_STOPPING },
    [EV_RESTART]      = { act_cancel,       LC_CANCELLED },
    [EV_STOP]         = { act_cancel,       LC_CANCELLED },  /* again: now */
    [EV_KILL]         = { act_cancel,       LC_CANCELLED },
    [EV_SHUTDOWN]     = { act_ask_shutdown, LC_STOPPING },
    [EV_SHUTDOWN_NOW] = { act_cancel,       LC_CANCELLED },
    [EV_GRACE_OVER]   = { act_cancel,       LC_CANCELLED },
    [EV_EXITED]       = { act_end,          LC_ENDED },
    [EV_CRASHED]      = { act_end,          LC_ENDED },
  },
  [LC_CANCELLED] = {
    [EV_START]        = { refuse_running,   LC_CANCELLED },
    [EV_RESTART]      = { act_cancel,       LC_CANCELLED },
    [EV_STOP]         = { act_cancel,       LC_CANCELLED },
    [EV_KILL]         = { act_cancel,       LC_CANCELLED },
    [EV_SHUTDOWN]     = { act_ask_shutdown, LC_CANCELLED },
    [EV_SHUTDOWN_NOW] = { act_cancel,       LC_CANCELLED },
    [EV_UNWINDING]    = { act_cancel,       LC_CANCELLED },
    [EV_EXITED]       = { act_end,          LC_ENDED },
    [EV_CRASHED]      = { act_end,          LC_ENDED },
  },
  [LC_ENDED] = {
    [EV_START]        = { act_start,        LC_RUNNING },   /* joins first */
    [EV_RESTART]      = { act_start,        LC_RUNNING },
    [EV_STOP]         = { act_call_off_restart, LC_ENDED },
    [EV_KILL]         = { act_call_off_restart, LC_ENDED },
    [EV_REAPED]       = { act_reap,         LC_WAITING },
  },
};

static const char *const event_names[EV_NEVENTS] = {
  "start",        "stop",      "kill",    "restart",    "shutdown",
  "shutdown-now", "exited",    "crashed", "grace-over", "watchdog",
  "backoff-due",  "unwinding", "reaped"
};

int app_event_locked(app *a, app_event ev, app_effects *fx) {
  lc_state from = state_of(a);
  const transition *t = &table[from][ev];
  if (!t->run) return 0;
  int r = t->run(a, ev, fx);
  if (r == 0 && state_of(a) != t->next) /* the table and the code disagree */
    vlog("app %s: lifecycle: %s in %s led to %s, not %s", a->name,
         event_names[ev], lc_names[from], lc_names[state_of(a)],
         lc_names[t->next]);
  return r < 0 ? -1 : 0;
}

void app_effects_apply(const app *a, const app_effects *fx) {
  if (fx->inject)
    vy_broker_inject(S.broker, a->name, fx->inject);
  else if (fx->wake)
    vy_broker_wake(S.broker, a->name);
}

/* waits up to ms for a's thread to finish; true if it has */
static bool wait_thread(app *a, int ms) {
  struct timespec dl = vy_deadline_after(CLOCK_REALTIME, ms);
  pthread_mutex_lock(&S.lock);
  while (!a->thread_done &&
         pthread_cond_timedwait(&S.cond, &S.lock, &dl) != ETIMEDOUT) {}
  bool done = a->thread_done;
  pthread_mutex_unlock(&S.lock);
  return done;
}

/* A restart is done once a run later than run number `before` is past
** starting, or nothing is on its way any more (the old run ended and no
** new one started: a shutdown, or the start failed). */
static bool restart_done(const app *a, uint32_t before) {
  if (a->runs != before) return a->state != ST_STARTING;
  return !a->thread_live && a->state != ST_WAITING;
}

/* waits up to ms for a's restart; true if it is done */
static bool wait_restart(app *a, uint32_t before, int ms) {
  int64_t end = now_ms() + ms;
  pthread_mutex_lock(&S.lock);
  bool done;
  while (!(done = restart_done(a, before)) && now_ms() < end) {
    /* the tick reaps and starts it: no signal for that, so look often */
    pthread_mutex_unlock(&S.lock);
    struct timespec ts = { 0, 5 * 1000000L };
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&S.lock);
  }
  pthread_mutex_unlock(&S.lock);
  return done;
}

#define RESTART_WAIT_MS 15000 /* a slow module load (sanitizers) included */

int app_command(const char *name, app_event ev, bool wait, const char *by,
                char *err, size_t errlen) {
  app_effects fx = { .err = err, .errlen = errlen };
  pthread_mutex_lock(&S.lock);
  app *a = app_find(name);
  int r = -1;
  uint32_t runs_before = a ? a->runs : 0;
  if (!a) {
    pthread_mutex_unlock(&S.lock);
    report_no_such_app(name, err, errlen); /* takes the lock itself */
    return -1;
  }
  r = app_event_locked(a, ev, &fx);
  if (r == 0 && ev != EV_START)
    snprintf(a->stop_by, sizeof a->stop_by, "%s", by ? by : "operator");
  pthread_mutex_unlock(&S.lock);
  if (r != 0) return -1;
  app_effects_apply(a, &fx);
  /* a restart answers once the app runs again (or failed to) */
  if (wait && ev == EV_RESTART) {
    if (!wait_restart(a, runs_before, RESTART_WAIT_MS)) {
      snprintf(err, errlen, "timeout %s", name);
      return -1;
    }
    /* a run that could not start (or crashed at once) is the answer */
    pthread_mutex_lock(&S.lock);
    bool bad = a->state == ST_FAILED || a->state == ST_CRASHED;
    if (bad)
      snprintf(err, errlen, "restart-failed %s: %s", name,
               a->reason[0] ? a->reason : state_name(a->state));
    pthread_mutex_unlock(&S.lock);
    return bad ? -1 : 0;
  }
  /* the operator's answer comes when the app is really gone (entries of
  ** the table live as long as the supervisor, so a stays valid) */
  if (wait && fx.wait_ms && !wait_thread(a, fx.wait_ms)) {
    snprintf(err, errlen, "timeout %s", name);
    return -1;
  }
  return 0;
}

void apps_event_all(app_event ev) {
  char scratch[256];
  for (size_t i = 0; i < S.napps; i++) {
    app_effects fx = { .err = scratch, .errlen = sizeof scratch };
    pthread_mutex_lock(&S.lock);
    int r = app_event_locked(S.apps[i], ev, &fx);
    pthread_mutex_unlock(&S.lock);
    if (r == 0) app_effects_apply(S.apps[i], &fx);
  }
}

/* what the tick has to say about a, or EV_NEVENTS: nothing */
static app_event tick_event(const app *a, int64_t now) {
  switch (state_of(a)) {
    case LC_ENDED: return EV_REAPED;
    case LC_WAITING:
      return now >= a->next_start_ms && !atomic_load(&S.shutdown)
                 ? EV_BACKOFF_DUE
                 : EV_NEVENTS;
    case LC_STOPPING:
      return now >= a->stop_deadline_ms ? EV_GRACE_OVER : EV_NEVENTS;
    case LC_CANCELLED: return EV_UNWINDING;
    case LC_RUNNING:
      return a->m.heartbeat_ms && a->state == ST_RUNNING &&
                     now - atomic_load(&a->last_line_ms) > a->m.heartbeat_ms
                 ? EV_WATCHDOG
                 : EV_NEVENTS;
    default: return EV_NEVENTS;
  }
}

void apps_tick(void) {
  int64_t now = now_ms();
  char scratch[256];
  for (size_t i = 0; i < S.napps; i++) {
    app *a = S.apps[i];
    /* a few steps in one tick: a restart's join, its start (no wait) */
    for (int step = 0; step < 3; step++) {
      app_effects fx = { .err = scratch, .errlen = sizeof scratch };
      pthread_mutex_lock(&S.lock);
      lc_state before = state_of(a);
      app_event ev = tick_event(a, now);
      int r = ev == EV_NEVENTS ? -1 : app_event_locked(a, ev, &fx);
      bool moved = state_of(a) != before;
      pthread_mutex_unlock(&S.lock);
      if (r == 0) app_effects_apply(a, &fx);
      if (r != 0 || !moved) break;
    }
  }
}
