/*
** commands.c — the verbs operators and apps may say, in one table.  The
** control socket's request lines (control.h: vyctl, tests) and the
** "@sys: COMMAND" lines of apps granted "sys" are parsed here and
** dispatched by the same rows; each row says which of the two channels may
** use the verb and how it answers there, and each channel answers in its
** own form: a control client gets "ok" and a body or "error MESSAGE", an
** app gets one "@sys: " reply such as "ok kill NAME", "ps NAME=STATE ..."
** or "error MESSAGE".
**
** An @sys command runs on the sending app's thread, inside
** vy_broker_route but with the broker's lock released (ipc/broker.h), so
** it may call the broker; it never waits for its target (an app may kill
** itself).  A control command runs on its connection's thread and waits
** for a kill or stop to take effect.
*/
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "suggest.h"
#include "vyomad.h"

typedef enum channel { VIA_CONTROL, VIA_SYS } channel;

/* how a verb answers on one channel */
typedef enum answer {
  ANS_NO,    /* the channel may not use the verb                      */
  ANS_BODY,  /* control: "ok" then the body; @sys: the body is the reply */
  ANS_STATE, /* control: "ok" then "NAME STATE" (or its JSON)         */
  ANS_ECHO,  /* @sys: "ok VERB" or "ok VERB NAME"                     */
  ANS_OWN    /* control: the verb answers on the connection itself    */
} answer;

/* what follows the verb */
typedef enum arguments {
  ARGS_NONE, /* nothing (the control socket's --json aside)          */
  ARGS_NAME, /* an app's name                                        */
  ARGS_PS,   /* nothing, or -w (wide)                                */
  ARGS_WORD, /* one word                                             */
  ARGS_LOGS, /* an app's name, then -f or nothing                    */
  ARGS_SEND, /* an app's name, then a message: the rest of the line  */
  ARGS_REST  /* the rest of the line, maybe nothing (hal ...)         */
} arguments;

struct command;

typedef struct request {
  const struct command *cmd;
  channel via;
  const char *name;    /* the argument; "" when there is none      */
  const char *message; /* send: the rest of the line               */
  bool json, follow, wide;
  const char *from; /* @sys: the sending app                    */
  int fd;           /* control: the connection                  */
} request;

/* 0 with the body to answer with, or -1 with err */
typedef int (*verb_fn)(const request *rq, sbuf *body, char *err, size_t errlen);

typedef struct command {
  const char *verb;
  arguments args;
  verb_fn run;
  app_event event; /* for the lifecycle verbs                  */
  answer control, sys;
} command;

static int do_ps(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_metrics(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_heartbeat(const request *rq, sbuf *body, char *err,
                        size_t errlen);
static int do_shutdown(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_lifecycle(const request *rq, sbuf *body, char *err,
                        size_t errlen);
static int do_logs(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_send(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_screenshot(const request *rq, sbuf *body, char *err,
                         size_t errlen);
static int do_layout(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_status(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_reload(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_hal(const request *rq, sbuf *body, char *err, size_t errlen);
static int do_ota(const request *rq, sbuf *body, char *err, size_t errlen);

#define NO_EVENT EV_NEVENTS
static const command commands[] = {
  /* verb         follows     run            event       control    @sys */
  { "ps", ARGS_PS, do_ps, NO_EVENT, ANS_BODY, ANS_BODY },
  { "status", ARGS_NAME, do_status, NO_EVENT, ANS_BODY, ANS_BODY },
  { "reload", ARGS_NONE, do_reload, NO_EVENT, ANS_BODY, ANS_NO },
  { "stats", ARGS_NONE, do_ps, NO_EVENT, ANS_NO, ANS_BODY },
  { "metrics", ARGS_NONE, do_metrics, NO_EVENT, ANS_BODY, ANS_NO },
  { "heartbeat", ARGS_NONE, do_heartbeat, NO_EVENT, ANS_BODY, ANS_NO },
  { "shutdown", ARGS_NONE, do_shutdown, NO_EVENT, ANS_BODY, ANS_ECHO },
  { "kill", ARGS_NAME, do_lifecycle, EV_KILL, ANS_STATE, ANS_ECHO },
  { "stop", ARGS_NAME, do_lifecycle, EV_STOP, ANS_STATE, ANS_ECHO },
  { "start", ARGS_NAME, do_lifecycle, EV_START, ANS_STATE, ANS_ECHO },
  { "restart", ARGS_NAME, do_lifecycle, EV_RESTART, ANS_STATE, ANS_ECHO },
  { "logs", ARGS_LOGS, do_logs, NO_EVENT, ANS_OWN, ANS_BODY },
  { "send", ARGS_SEND, do_send, NO_EVENT, ANS_BODY, ANS_NO },
  { "screenshot", ARGS_NONE, do_screenshot, NO_EVENT, ANS_OWN, ANS_NO },
  { "layout", ARGS_WORD, do_layout, NO_EVENT, ANS_BODY, ANS_NO },
  { "hal", ARGS_REST, do_hal, NO_EVENT, ANS_BODY, ANS_BODY },
  { "ota", ARGS_REST, do_ota, NO_EVENT, ANS_BODY, ANS_BODY },
};

static const command *find_command(const char *verb, channel via) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
    const command *c = &commands[i];
    if (!strcmp(c->verb, verb) && (via == VIA_CONTROL ? c->control : c->sys))
      return c;
  }
  return NULL;
}

/* ---- the verbs ----------------------------------------------------------- */
static int do_ps(const request *rq, sbuf *body, char *err, size_t errlen) {
  (void)err;
  (void)errlen;
  /* @sys stats: what sysmon draws, with CPU ms, memory and limit bytes
  ** per app; ps: the table vyctl ps prints, one "@sys: " line each */
  if (rq->via == VIA_SYS && !strcmp(rq->cmd->verb, "stats"))
    report_sys_list(body, true);
  else
    report_ps(body, rq->json, rq->wide);
  return 0;
}

static int do_status(const request *rq, sbuf *body, char *err, size_t errlen) {
  return report_status(body, rq->name, rq->json, err, errlen);
}

static int do_reload(const request *rq, sbuf *body, char *err, size_t errlen) {
  return apps_reload(body, rq->json, err, errlen);
}

/* @sys: logs NAME: the last lines of its log, as many as fit one reply */
static int sys_logs(const request *rq, sbuf *body, char *err, size_t errlen) {
  pthread_mutex_lock(&S.lock);
  bool known = app_find(rq->name) != NULL;
  pthread_mutex_unlock(&S.lock);
  if (!known) {
    report_no_such_app(rq->name, err, errlen);
    return -1;
  }
  char *tail = report_log_tail(rq->name, STATUS_LOG_LINES);
  const char *t = tail ? tail : "";
  while (strlen(t) > VY_IPC_MAX_LINE - 64 && strchr(t, '\n'))
    t = strchr(t, '\n') + 1;
  sb_printf(body, "%s", *t ? t : "(no log lines)");
  free(tail);
  return 0;
}

static int do_heartbeat(const request *rq, sbuf *body, char *err,
                        size_t errlen) {
  (void)rq;
  (void)err;
  (void)errlen;
  report_heartbeat(body);
  sb_printf(body, "\n");
  return 0;
}

/* Prometheus text; with --json the heartbeat's JSON instead */
static int do_metrics(const request *rq, sbuf *body, char *err, size_t errlen) {
  if (rq->json) return do_heartbeat(rq, body, err, errlen);
  report_metrics(body);
  return 0;
}

static int do_shutdown(const request *rq, sbuf *body, char *err,
                       size_t errlen) {
  (void)err;
  (void)errlen;
  /* the main loop sees the flag within a tick and stops everything */
  if (rq->via == VIA_SYS)
    vlog("shutdown requested by app %s", rq->from);
  else
    vlog("shutdown requested over the control socket");
  atomic_store(&S.shutdown, 1);
  if (rq->via == VIA_CONTROL && rq->json)
    sb_printf(body, "{\"shutdown\":true}\n");
  return 0;
}

static int do_lifecycle(const request *rq, sbuf *body, char *err,
                        size_t errlen) {
  (void)body;
  /* an operator's kill or stop is answered once the app is gone, a
  ** restart once it runs again, a start at once; an app's @sys command
  ** never waits (it may restart itself) */
  app_event ev = rq->cmd->event;
  bool wait = rq->via == VIA_CONTROL &&
              (ev == EV_KILL || ev == EV_STOP || ev == EV_RESTART);
  char by[72];
  snprintf(by, sizeof by, "%s%.63s", rq->via == VIA_SYS ? "app " : "operator",
           rq->via == VIA_SYS ? rq->from : "");
  return app_command(rq->name, ev, wait, by, err, errlen);
}

static int do_logs(const request *rq, sbuf *body, char *err, size_t errlen) {
  if (rq->via == VIA_SYS) return sys_logs(rq, body, err, errlen);
  control_logs(rq->fd, rq->name, rq->follow, rq->json);
  return 0;
}

static int do_send(const request *rq, sbuf *body, char *err, size_t errlen) {
  if (vy_broker_inject(S.broker, rq->name, rq->message) != 0) {
    pthread_mutex_lock(&S.lock);
    bool known = app_find(rq->name) != NULL;
    pthread_mutex_unlock(&S.lock);
    if (known)
      snprintf(err, errlen, "not-delivered %.64s", rq->name);
    else
      report_no_such_app(rq->name, err, errlen);
    return -1;
  }
  sb_printf(body, "sent %s\n", rq->name);
  return 0;
}

static int do_screenshot(const request *rq, sbuf *body, char *err,
                         size_t errlen) {
  (void)body;
  uint8_t *png = NULL;
  size_t plen = 0;
  if (screen_shot(&png, &plen, err, errlen) != 0) return -1;
  control_reply(rq->fd, "ok", NULL);
  control_send(rq->fd, png, plen);
  free(png);
  return 0;
}

static int do_layout(const request *rq, sbuf *body, char *err, size_t errlen) {
  (void)body;
  return screen_layout(rq->name, err, errlen);
}

/* the board and its devices, looked at and driven from outside (hal.c) */
static int do_hal(const request *rq, sbuf *body, char *err, size_t errlen) {
  return hal_command(rq->name, rq->json, body, err, errlen);
}

/* updates (ota.c); an app needs the ota grant, which ota.c checks */
static int do_ota(const request *rq, sbuf *body, char *err, size_t errlen) {
  return ota_command(rq->name, rq->json, rq->via == VIA_SYS ? rq->from : NULL,
                     body, err, errlen);
}

/* ---- the control socket -------------------------------------------------- */
static bool valid_name(const char *s) {
  if (!*s || strlen(s) > 63) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
      return false;
  return true;
}

/* the words after the verb fit the row's arguments; fills rq */
static bool control_args(request *rq, const char *rest, char *arg) {
  char *extra = NULL;
  if (rest) {
    strcpy(arg, rest); /* arg is as large as the line */
    if ((extra = strchr(arg, ' '))) *extra++ = 0;
  }
  rq->name = arg;
  switch (rq->cmd->args) {
    case ARGS_NONE: return !rest;
    case ARGS_PS:
      rq->wide = rest && !strcmp(arg, "-w");
      return !rest || (rq->wide && !extra);
    case ARGS_NAME: return arg[0] && !extra && valid_name(arg);
    case ARGS_WORD: return arg[0] && !extra;
    case ARGS_LOGS:
      rq->follow = extra && !strcmp(extra, "-f");
      return (!extra || rq->follow) && valid_name(arg);
    case ARGS_SEND: rq->message = extra; return extra && valid_name(arg);
    case ARGS_REST:
      if (rest) strcpy(arg, rest); /* the words as they came */
      return true;
  }
  return false;
}

static void app_state_body(sbuf *b, const char *name, bool json) {
  pthread_mutex_lock(&S.lock);
  app *a = app_find(name);
  const char *st = a ? state_name(a->state) : "unknown";
  if (json) {
    sb_printf(b, "{\"name\":");
    sb_json_str(b, name);
    sb_printf(b, ",\"state\":\"%s\"}\n", st);
  } else {
    sb_printf(b, "%s %s\n", name, st);
  }
  pthread_mutex_unlock(&S.lock);
}

void command_control(int fd, char *line) {
  /* words: COMMAND [ARG...] [--json]; for send, everything after NAME */
  char *verb = line, *rest = strchr(line, ' ');
  if (rest) *rest++ = 0;
  request rq = { .via = VIA_CONTROL, .fd = fd };
  if (strcmp(verb, "send") != 0 && rest) {
    size_t l = strlen(rest);
    if (!strcmp(rest, "--json")) {
      rq.json = true;
      rest = NULL;
    } else if (l > 7 && !strcmp(rest + l - 7, " --json")) {
      rq.json = true;
      rest[l - 7] = 0;
    }
  }
  char err[512], arg[VY_CONTROL_MAX_LINE + 2] = "";
  if (!(rq.cmd = find_command(verb, VIA_CONTROL))) {
    const char *verbs[sizeof commands / sizeof *commands];
    size_t n = 0;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
      if (commands[i].control) verbs[n++] = commands[i].verb;
    const char *near = vy_suggest(verb, verbs, n);
    snprintf(err, sizeof err, "unknown-command %.64s%s%s%s", verb,
             near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
    control_reply_err(fd, err);
    return;
  }
  if (!control_args(&rq, rest, arg)) {
    control_reply_err(fd, "usage");
    return;
  }
  sbuf body = { 0 };
  if (rq.cmd->run(&rq, &body, err, sizeof err) != 0) {
    control_reply_err(fd, err);
  } else if (rq.cmd->control == ANS_STATE) {
    app_state_body(&body, rq.name, rq.json);
    control_reply(fd, "ok", &body);
  } else if (rq.cmd->control == ANS_BODY) {
    if (body.oom)
      control_reply_err(fd, "out-of-memory");
    else
      control_reply(fd, "ok", &body);
  }
  sb_free(&body);
}

/* ---- @sys ---------------------------------------------------------------- */
void sys_handler(void *ud, const char *from, const char *line, char *reply,
                 size_t replylen) {
  (void)ud;
  char verb[16], arg[64], err[512];
  arg[0] = 0;
  int n = sscanf(line, "%15s %63s", verb, arg);
  if (n < 1) {
    snprintf(reply, replylen, "error malformed");
    return;
  }
  request rq = { .via = VIA_SYS, .name = arg, .from = from, .fd = -1 };
  rq.cmd = find_command(verb, VIA_SYS);
  if (rq.cmd && rq.cmd->args == ARGS_REST) {
    /* everything after the verb (hal i2c 1:0x48 read 0 2) */
    const char *rest = line + strspn(line, " ");
    rest += strcspn(rest, " ");
    rq.name = rest + strspn(rest, " ");
    n = 1;
  }
  int want = rq.cmd && (rq.cmd->args == ARGS_NAME || rq.cmd->args == ARGS_LOGS)
                 ? 2
                 : 1;
  if (!rq.cmd || n != want) {
    snprintf(reply, replylen, "error unknown-command %s", verb);
    return;
  }
  sbuf body = { 0 };
  if (rq.cmd->run(&rq, &body, err, sizeof err) != 0)
    snprintf(reply, replylen, "error %s", err);
  else if (rq.cmd->sys == ANS_BODY)
    snprintf(reply, replylen, "%s",
             body.oom ? "error out-of-memory"
             : body.p ? body.p
                      : "");
  else if (n == 1)
    snprintf(reply, replylen, "ok %s", verb);
  else
    snprintf(reply, replylen, "ok %s %s", verb, arg);
  sb_free(&body);
}
