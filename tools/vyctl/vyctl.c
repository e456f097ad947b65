/*
** vyctl.c — the operator CLI of VyomaOS.  Owns the client side of the
** control protocol in supervisor/control.h: it turns its command line into
** one request line, sends it over the supervisor's Unix socket, and copies
** the reply to stdout (body) or stderr (error).  It keeps no state and
** needs only libc, so it also builds as a static musl binary.
**
**   vyctl [--socket PATH | --root DIR] [--json] [--timeout MS] COMMAND ...
**
** Exit status: 0 reply "ok", 1 reply "error ...", 2 usage error, 3 the
** supervisor cannot be reached (no socket, refused, no reply in time).
** With --json every outcome is JSON on stdout, errors as
** {"error": "MESSAGE", "code": "CODE"} (CODE: the message's first word,
** e.g. no-such-app, or usage, unreachable).  `top` is ours alone: it asks
** for `ps --json` again and again and draws the table.
*/
#define _GNU_SOURCE /* realpath */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../supervisor/control.h"
#include "../../supervisor/suggest.h"

#define EXIT_OK          0
#define EXIT_ERR         1
#define EXIT_USAGE       2
#define EXIT_UNREACHABLE 3

#define DEFAULT_SOCKET     "/run/vyoma/control.sock"
#define DEFAULT_TIMEOUT_MS 30000
#define SOCKET_WAIT_MS     3000 /* for a vyomad still starting (vyomad &) */

/* One entry per command: how many words follow it.  `send` takes a name
** and at least one message word; the message is everything after the
** name, so it never gets a --json appended (that would become part of it). */
typedef struct command {
  const char *name;
  int min_args, max_args; /* max -1: unlimited */
  const char *usage;
} command;

static const command commands[] = {
  { "ps", 0, 0,
    "ps [-w]            list apps: state and why, uptime, restarts, CPU, "
    "memory,\n                     messages; -w: the whole state, the limit, "
    "when it ended" },
  { "status", 1, 1,
    "status NAME        NAME's state, why and when its last run ended, its "
    "figures,\n                     the last lines of its log" },
  { "top", 0, 0,
    "top [-n COUNT] [-d SECONDS]  live table of CPU, memory, messages, "
    "restarts\n                     (COUNT refreshes, 0: until Ctrl-C; every "
    "SECONDS, default 1)" },
  { "reload", 0, 0,
    "reload             re-read manifests and the profile: new apps start, "
    "removed\n                     ones stop, changed ones restart" },
  { "kill", 1, 1, "kill NAME          stop NAME at once (no restart)" },
  { "restart", 1, 1,
    "restart NAME       stop NAME and start it again; answers once it runs "
    "(or\n                     failed to: then exit status 1 with the "
    "reason)" },
  { "start", 1, 1, "start NAME         start a stopped, exited or failed app" },
  { "stop", 1, 1,
    "stop NAME          ask NAME to stop, kill it after the grace period" },
  { "logs", 1, 1, "logs [-f] NAME     NAME's log lines; -f follows new ones" },
  { "send", 2, -1, "send NAME MSG...   deliver \"@sys: MSG\" on NAME's stdin" },
  { "metrics", 0, 0, "metrics            Prometheus text exposition" },
  { "heartbeat", 0, 0, "heartbeat          the latest heartbeat JSON line" },
  { "shutdown", 0, 0,
    "shutdown           orderly stop of vyomad and all apps" },
  { "screenshot", 1, 1,
    "screenshot FILE    the screen as a PNG file (- for stdout)" },
  { "layout", 1, 1,
    "layout tiled|stacked  how windows are arranged on the screen" },
  { "hal", 0, 66,
    "hal                the board, its devices, which app owns which line "
    "or device\n"
    "  hal gpio LINE [0|1]  a line's level; with 0|1 drives a simulated input "
    "(a button)\n"
    "  hal i2c BUS:ADDR write BYTE...  bytes to an I2C device\n"
    "  hal i2c BUS:ADDR read REG N     N bytes of its register REG\n"
    "                     (both as root's i2cset/i2cget: they go around the "
    "apps' ownership)\n"
    "  hal adc DEV:CH RAW   what a simulated ADC channel reads" },
  { "ota", 1, 2,
    "ota status         the update slots: versions, which runs, its state "
    "(trial,\n"
    "                     committed, failed), why the last update failed\n"
    "  ota apply FILE [--allow-downgrade]  verifies a signed bundle whole, "
    "then\n"
    "                     installs it in the slot not running (on trial at "
    "the next boot)\n"
    "  ota commit         the running slot on trial is good (before its "
    "health check)\n"
    "  ota rollback       the previous good system boots next" },
};

/* The options before the command, one row each: the table parses them and
** prints them in --help.  Where each goes is a field of `settings`. */
typedef struct settings {
  const char *socket, *root;
  bool json, help;
  long timeout_ms;
} settings;

typedef enum opt_kind { OPT_FLAG, OPT_TEXT, OPT_MS } opt_kind;

typedef struct option {
  const char *name, *short_name; /* "--root"; "-h" or NULL             */
  const char *arg;               /* its argument's name, NULL: none    */
  opt_kind kind;
  size_t field;       /* offsetof(settings, ...)            */
  bool after_command; /* also accepted after the command    */
  const char *help;
} option;

static const option options[] = {
  { "--socket", NULL, "PATH", OPT_TEXT, offsetof(settings, socket), false,
    "control socket (default $VYOMA_SOCKET, else " DEFAULT_SOCKET ")" },
  { "--root", NULL, "DIR", OPT_TEXT, offsetof(settings, root), false,
    "a supervisor started with --root DIR: DIR/" VY_CONTROL_SOCKET },
  { "--json", NULL, NULL, OPT_FLAG, offsetof(settings, json), true,
    "machine-readable output" },
  { "--timeout", NULL, "MS", OPT_MS, offsetof(settings, timeout_ms), false,
    "give up waiting for a reply after MS ms (default 30000; 0 = never; "
    "logs -f never times out)" },
  { "--help", "-h", NULL, OPT_FLAG, offsetof(settings, help), false,
    "this text" },
};
#define NOPTIONS (sizeof options / sizeof options[0])

static void usage(FILE *f) {
  fputs(
      "usage: vyctl [--socket PATH | --root DIR] [--json] [--timeout MS] "
      "COMMAND [ARG...]\n\ncommands:\n",
      f);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %s\n", commands[i].usage);
  fputs("\noptions:\n", f);
  for (size_t i = 0; i < NOPTIONS; i++) {
    const option *o = &options[i];
    char left[64];
    if (o->short_name)
      snprintf(left, sizeof left, "%s, %s", o->short_name, o->name);
    else
      snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "",
               o->arg ? o->arg : "");
    fprintf(f, "  %-15s %s\n", left, o->help);
  }
  fputs(
      "\nexit status:\n"
      "  0  ok\n"
      "  1  the supervisor answered with an error (no-such-app, "
      "not-running, ...)\n"
      "  2  usage: an unknown command or option, a missing argument\n"
      "  3  the supervisor cannot be reached (no socket within 3 s, no "
      "reply)\n"
      "with --json, errors are {\"error\": \"MESSAGE\", \"code\": "
      "\"CODE\"} on stdout\n",
      f);
}

static bool json_errors; /* --json anywhere: errors as JSON on stdout */
static void json_string(FILE *f, const char *s, size_t n);

/* {"error": MSG, "code": CODE} on stdout */
static void json_error(const char *msg, const char *code) {
  fputs("{\"error\": ", stdout);
  json_string(stdout, msg, strlen(msg));
  fputs(", \"code\": ", stdout);
  json_string(stdout, code, strlen(code));
  fputs("}\n", stdout);
  fflush(stdout);
}

/* an error of ours: "vyctl: MSG" (and hint) on stderr, or JSON; status */
static int say_error(int status, const char *code, const char *hint,
                     const char *fmt, va_list ap) {
  char msg[4600];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (json_errors)
    json_error(msg, code);
  else
    fprintf(stderr, "vyctl: %s\n%s", msg, hint);
  return status;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
                                                             ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = say_error(EXIT_USAGE, "usage", "(try vyctl --help)\n", fmt, ap);
  va_end(ap);
  return r;
}

__attribute__((format(printf, 1, 2))) static int unreachable(const char *fmt,
                                                             ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = say_error(EXIT_UNREACHABLE, "unreachable", "", fmt, ap);
  va_end(ap);
  return r;
}

static const option *find_option(const char *arg) {
  for (size_t i = 0; i < NOPTIONS; i++)
    if (!strcmp(options[i].name, arg) ||
        (options[i].short_name && !strcmp(options[i].short_name, arg)))
      return &options[i];
  return NULL;
}

/* Applies option o (its value v, if it takes one) to st.  0 or EXIT_USAGE. */
static int set_option(settings *st, const option *o, const char *v) {
  char *field = (char *)st + o->field;
  switch (o->kind) {
    case OPT_FLAG: *(bool *)field = true; return 0;
    case OPT_TEXT: *(const char **)field = v; return 0;
    case OPT_MS: {
      char *end;
      errno = 0;
      long ms = strtol(v, &end, 10);
      if (!*v || *end || errno || ms < 0)
        return usage_error("bad %s: %s", o->name, v);
      *(long *)field = ms;
      return 0;
    }
  }
  return EXIT_USAGE;
}

/* The options before the command; *i is then the command's index.
** -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, settings *st, int *i) {
  for (; *i < argc && argv[*i][0] == '-'; ++*i) {
    const char *a = argv[*i];
    const option *o = find_option(a);
    if (!o) return usage_error("unknown option %s", a);
    const char *v = NULL;
    if (o->arg) {
      if (*i + 1 >= argc) return usage_error("%s needs an argument", a);
      v = argv[++*i];
    }
    if (set_option(st, o, v) != 0) return EXIT_USAGE;
    if (st->help) {
      usage(stdout);
      return EXIT_OK;
    }
  }
  if (st->socket && st->root)
    return usage_error("%s", "--socket and --root exclude each other");
  return -1;
}

static const command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(commands[i].name, name)) return &commands[i];
  return NULL;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends s to the request buffer; false if it would not fit. */
static bool append(char *buf, size_t cap, size_t *len, const char *s) {
  size_t n = strlen(s);
  if (*len + n >= cap) return false;
  memcpy(buf + *len, s, n);
  *len += n;
  buf[*len] = 0;
  return true;
}

/* The reply reader: waits for data with a deadline (deadline < 0: none).
** Returns bytes read, 0 at end of stream, -1 on error, -2 on timeout. */
static ssize_t read_some(int fd, char *buf, size_t cap, long long deadline) {
  for (;;) {
    int wait = -1;
    if (deadline >= 0) {
      long long left = deadline - now_ms();
      if (left <= 0) return -2;
      wait = left > 1000000 ? 1000000 : (int)left;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, wait);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) continue; /* the deadline check above decides */
    ssize_t n = read(fd, buf, cap);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

/* Connects to the control socket, waiting up to wait_ms for it to appear
** (a vyomad just started in the background).  Returns the fd, or -1 with
** the message already given. */
static int connect_socket(const char *path, long wait_ms) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) {
    unreachable("cannot reach vyomad: socket path too long: %s", path);
    return -1;
  }
  strcpy(sa.sun_path, path);
  long long end = now_ms() + wait_ms;
  for (;;) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      unreachable("socket: %s", strerror(errno));
      return -1;
    }
    int r;
    do r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    while (r < 0 && errno == EINTR);
    if (r == 0) return fd;
    int e = errno;
    close(fd);
    bool absent = e == ENOENT || e == ECONNREFUSED;
    if (absent && now_ms() < end) {
      struct timespec ts = { 0, 20 * 1000000L };
      nanosleep(&ts, NULL);
      continue;
    }
    if (e == ENOENT)
      unreachable("is vyomad running? (no socket at %s)", path);
    else
      unreachable("cannot reach vyomad at %s: %s%s", path, strerror(e),
                  absent ? " (is vyomad running?)" : "");
    return -1;
  }
}

/* Writes a JSON string literal for s (for `send --json`, whose reply the
** server gives as text since the message itself cannot carry --json). */
static void json_string(FILE *f, const char *s, size_t n) {
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c == '\n')
      fputs("\\n", f);
    else if (c == '\r')
      fputs("\\r", f);
    else if (c == '\t')
      fputs("\\t", f);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

/* one call of the supervisor: what the command line asks, and its request */
typedef struct call {
  settings st;
  const command *cmd;
  bool follow;           /* logs -f */
  const char *words[72]; /* the command's arguments (hal i2c ... write) */
  size_t nwords;
  int msg_start;         /* send: argv index of the message, else -1 */
  const char *shot_path; /* screenshot: the file to write */
  char req[VY_CONTROL_MAX_LINE + 1];
  size_t len;
  char pathbuf[4096];
  const char *path;  /* the socket */
  bool wide;         /* ps -w */
  bool downgrade;    /* ota apply --allow-downgrade */
  char file[4096];   /* ota apply: FILE made absolute (the supervisor's
                        working folder is not ours) */
  long top_count;    /* top -n: refreshes, 0 = until interrupted */
  long top_delay_ms; /* top -d */
} call;

/* top's -n COUNT and -d SECONDS; 0 or the exit status */
static int top_option(call *c, const char *opt, const char *v) {
  char *end;
  errno = 0;
  double d = v ? strtod(v, &end) : 0;
  if (!v || !*v || *end || errno || d < 0 || d > 86400)
    return usage_error("top %s: expected a number, not '%s'", opt, v ? v : "");
  if (!strcmp(opt, "-n"))
    c->top_count = (long)d;
  else
    c->top_delay_ms = (long)(d * 1000);
  return 0;
}

/* The command's words.  --json and (for logs) -f are accepted after the
** command too, except inside send's message, which is taken verbatim.
** -1 to go on, else the exit status. */
static int parse_words(int argc, char **argv, int i, call *c) {
  bool is_send = !strcmp(c->cmd->name, "send");
  c->msg_start = -1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (is_send && c->nwords == 1) {
      c->msg_start = i;
      break;
    }
    const option *o = find_option(a);
    if (o && o->after_command) {
      set_option(&c->st, o, NULL);
    } else if (!strcmp(a, "-f") && !strcmp(c->cmd->name, "logs")) {
      c->follow = true;
    } else if (!strcmp(a, "-w") && !strcmp(c->cmd->name, "ps")) {
      c->wide = true;
    } else if (!strcmp(a, "--allow-downgrade") &&
               !strcmp(c->cmd->name, "ota")) {
      c->downgrade = true;
    } else if ((!strcmp(a, "-n") || !strcmp(a, "-d")) &&
               !strcmp(c->cmd->name, "top")) {
      if (top_option(c, a, i + 1 < argc ? argv[i + 1] : NULL) != 0)
        return EXIT_USAGE;
      i++;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option %s", a);
    } else {
      if (c->nwords == sizeof c->words / sizeof c->words[0])
        return usage_error("too many arguments for %s", c->cmd->name);
      c->words[c->nwords++] = a;
    }
  }
  int nargs = (int)c->nwords + (c->msg_start >= 0 ? argc - c->msg_start : 0);
  if (nargs < c->cmd->min_args ||
      (c->cmd->max_args >= 0 && nargs > c->cmd->max_args)) {
    return usage_error("usage: vyctl %s", c->cmd->usage);
  }
  return -1;
}

/* The request line, per control.h: words joined by single spaces.
** -1 to go on, else the exit status. */
static int build_request(int argc, char **argv, call *c) {
  size_t cap = sizeof c->req;
  c->req[0] = 0;
  bool fits = append(c->req, cap, &c->len, c->cmd->name);
  /* screenshot's FILE is ours to write, not part of the request */
  if (!strcmp(c->cmd->name, "screenshot")) {
    c->shot_path = c->words[0];
    c->nwords = 0;
  }
  if (!strcmp(c->cmd->name, "ota") && c->nwords == 2 &&
      !strcmp(c->words[0], "apply") && c->words[1][0] != '/' &&
      realpath(c->words[1], c->file))
    c->words[1] = c->file;
  for (size_t w = 0; w < c->nwords && fits; w++) {
    /* a name with a space or line break would change the request's shape */
    if (strpbrk(c->words[w], " \t\r\n") || !c->words[w][0])
      return usage_error("bad app name '%s'", c->words[w]);
    fits = append(c->req, cap, &c->len, " ") &&
           append(c->req, cap, &c->len, c->words[w]);
  }
  for (int m = c->msg_start; m >= 0 && m < argc && fits; m++) {
    if (strpbrk(argv[m], "\r\n"))
      return usage_error("%s", "a message must be one line");
    fits = append(c->req, cap, &c->len, " ") &&
           append(c->req, cap, &c->len, argv[m]);
  }
  if (c->follow && fits) fits = append(c->req, cap, &c->len, " -f");
  if (c->wide && fits) fits = append(c->req, cap, &c->len, " -w");
  if (c->downgrade && fits)
    fits = append(c->req, cap, &c->len, " --allow-downgrade");
  /* send's message cannot carry --json: it would become part of it */
  bool send_cmd = !strcmp(c->cmd->name, "send");
  if (c->st.json && !send_cmd && fits)
    fits = append(c->req, cap, &c->len, " --json");
  if (fits) fits = append(c->req, cap, &c->len, "\n");
  if (!fits)
    return usage_error("request longer than %d bytes", VY_CONTROL_MAX_LINE);
  return -1;
}

/* Which socket: --socket, --root DIR, $VYOMA_SOCKET, the default. */
static int find_socket(call *c) {
  const char *env = getenv("VYOMA_SOCKET");
  c->path = env && *env ? env : DEFAULT_SOCKET;
  if (c->st.socket) c->path = c->st.socket;
  if (c->st.root) {
    int n = snprintf(c->pathbuf, sizeof c->pathbuf, "%s/%s", c->st.root,
                     VY_CONTROL_SOCKET);
    if (n < 0 || (size_t)n >= sizeof c->pathbuf)
      return usage_error("%s", "--root path too long");
    c->path = c->pathbuf;
  }
  return -1;
}

/* the reply being read: a buffer of it and how far it is taken */
typedef struct reply {
  int fd;
  long long deadline; /* -1: none */
  char buf[8192];
  size_t len, pos;
  char first[VY_CONTROL_MAX_LINE + 1];
} reply;

/* First line: "ok" or "error MESSAGE".  Collected whole before the body
** is copied, so that where the body goes (stdout or stderr) is known.
** -1 to go on, else the exit status. */
static int read_first_line(call *c, reply *r) {
  size_t flen = 0;
  bool have_first = false;
  while (!have_first) {
    ssize_t n = read_some(r->fd, r->buf, sizeof r->buf, r->deadline);
    if (n == -2)
      return unreachable("no reply from vyomad at %s within %ld ms", c->path,
                         c->st.timeout_ms);
    if (n < 0)
      return unreachable("reading from %s: %s", c->path, strerror(errno));
    if (n == 0)
      return unreachable("vyomad at %s closed the connection without a reply",
                         c->path);
    r->len = (size_t)n;
    for (r->pos = 0; r->pos < r->len; r->pos++) {
      if (r->buf[r->pos] == '\n') {
        have_first = true;
        r->pos++;
        break;
      }
      if (flen < sizeof r->first - 1) r->first[flen++] = r->buf[r->pos];
    }
  }
  r->first[flen] = 0;
  if (flen && r->first[flen - 1] == '\r') r->first[--flen] = 0;
  return -1;
}

/* growing copy of a body (send --json wraps the server's text reply) */
typedef struct held {
  char *p;
  size_t len, cap;
} held;

static bool hold(held *h, const char *p, size_t n) {
  if (h->len + n > h->cap) {
    size_t nc = (h->len + n) * 2 + 64;
    char *np = realloc(h->p, nc);
    if (!np) return false;
    h->p = np;
    h->cap = nc;
  }
  memcpy(h->p + h->len, p, n);
  h->len += n;
  return true;
}

/* The body, to out or (wrap) into h, until the server closes.  The status. */
static int copy_body(call *c, reply *r, FILE *out, held *h, int status) {
  bool wrap = h != NULL;
  if (c->follow) r->deadline = -1;
  for (;;) {
    if (r->pos < r->len) {
      size_t n = r->len - r->pos;
      if (wrap) {
        if (!hold(h, r->buf + r->pos, n)) {
          fputs("vyctl: out of memory\n", stderr);
          return EXIT_ERR;
        }
      } else if (fwrite(r->buf + r->pos, 1, n, out) != n || fflush(out) != 0) {
        /* our reader went away (logs -f | head): a normal end */
        return status;
      }
    }
    ssize_t n = read_some(r->fd, r->buf, sizeof r->buf, r->deadline);
    if (n == 0) return status;
    if (n == -2) {
      fprintf(stderr,
              "vyctl: reply from vyomad at %s cut short after "
              "%ld ms\n",
              c->path, c->st.timeout_ms);
      return EXIT_UNREACHABLE;
    }
    if (n < 0) {
      fprintf(stderr, "vyctl: reading from %s: %s\n", c->path, strerror(errno));
      return EXIT_UNREACHABLE;
    }
    r->len = (size_t)n;
    r->pos = 0;
  }
}

/* A screenshot's file, written aside and renamed so no half file is left.
** The status. */
static int finish_shot(call *c, FILE *out, const char *tmp, int status) {
  bool good = fclose(out) == 0 && status == EXIT_OK;
  if (good && rename(tmp, c->shot_path) != 0) {
    fprintf(stderr, "vyctl: screenshot: %s: %s\n", c->shot_path,
            strerror(errno));
    good = false;
  }
  if (good) return status;
  unlink(tmp);
  return status == EXIT_OK ? EXIT_ERR : status;
}

/* The reply: the body to stdout after ok, to stderr after an error; a
** screenshot to its file.  The exit status. */
static int answer(call *c, reply *r) {
  int rc = read_first_line(c, r);
  if (rc >= 0) return rc;
  bool ok = !strcmp(r->first, "ok");
  bool is_err =
      !strncmp(r->first, "error", 5) && (r->first[5] == ' ' || !r->first[5]);
  if (!ok && !is_err) {
    fprintf(stderr, "vyctl: unexpected reply from vyomad: %s\n", r->first);
    return EXIT_ERR;
  }
  FILE *out = ok ? stdout : stderr;
  char shot_tmp[4200] = "";
  if (ok && c->shot_path && strcmp(c->shot_path, "-") != 0) {
    snprintf(shot_tmp, sizeof shot_tmp, "%s.tmp", c->shot_path);
    if (!(out = fopen(shot_tmp, "wb"))) {
      fprintf(stderr, "vyctl: screenshot: %s: %s\n", shot_tmp, strerror(errno));
      return EXIT_ERR;
    }
  }
  if (is_err && c->st.json) {
    /* the code is the message's first word: no-such-app, not-running */
    const char *msg = r->first[5] ? r->first + 6 : "error";
    char code[64];
    snprintf(code, sizeof code, "%.*s", (int)strcspn(msg, " "), msg);
    json_error(msg, code);
    return EXIT_ERR;
  }
  if (is_err)
    fprintf(stderr, "vyctl: %s: %s\n", c->cmd->name,
            r->first[5] ? r->first + 6 : "(no message)");
  held h = { 0 };
  bool wrap = ok && c->st.json && !strcmp(c->cmd->name, "send");
  int status = copy_body(c, r, out, wrap ? &h : NULL, ok ? EXIT_OK : EXIT_ERR);
  if (wrap && status == EXIT_OK) {
    while (h.len && h.p[h.len - 1] == '\n') h.len--;
    fputs("{\"ok\":true,\"reply\":", stdout);
    json_string(stdout, h.p ? h.p : "", h.len);
    fputs("}\n", stdout);
  }
  free(h.p);
  if (shot_tmp[0]) {
    close(r->fd);
    r->fd = -1;
    if ((status = finish_shot(c, out, shot_tmp, status)) != EXIT_OK)
      return status;
  }
  if (fflush(stdout) != 0 && status == EXIT_OK && !c->follow) status = EXIT_ERR;
  return status;
}

/* ---- top: ps --json again and again, drawn as a table ------------------- */
#define TOP_MAX 256

typedef struct top_row {
  char name[64], status[96];
  double cpu_ms, memory, msgs_in, msgs_out, restarts;
} top_row;

/* the number after "KEY": in the object at o (0 if none) */
static double json_num(const char *o, const char *end, const char *key) {
  char pat[40];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(o, pat);
  return p && p < end ? strtod(p + strlen(pat), NULL) : 0;
}

/* the string after "KEY": in the object at o (no escapes: names, states) */
static void json_text(const char *o, const char *end, const char *key,
                      char *buf, size_t len) {
  char pat[40];
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  const char *p = strstr(o, pat);
  buf[0] = 0;
  if (!p || p >= end) return;
  p += strlen(pat);
  size_t n = strcspn(p, "\"");
  snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

/* the apps of a ps --json body; how many */
static size_t top_parse(const char *body, top_row *rows) {
  size_t n = 0;
  for (const char *o = strstr(body, "{\"name\":"); o && n < TOP_MAX;
       o = strstr(o + 1, "{\"name\":")) {
    const char *end = strchr(o, '}');
    if (!end) break;
    top_row *r = &rows[n++];
    json_text(o, end, "name", r->name, sizeof r->name);
    json_text(o, end, "status", r->status, sizeof r->status);
    r->cpu_ms = json_num(o, end, "cpu_ms");
    r->memory = json_num(o, end, "memory");
    r->msgs_in = json_num(o, end, "msgs_in");
    r->msgs_out = json_num(o, end, "msgs_out");
    r->restarts = json_num(o, end, "restarts");
  }
  return n;
}

static void human_bytes(char *buf, size_t len, double b) {
  const char *u[] = { "B", "KiB", "MiB", "GiB" };
  int i = 0;
  while (b >= 1024 && i < 3) b /= 1024, i++;
  snprintf(buf, len, i && b < 100 && b != (long)b ? "%.1f %s" : "%.0f %s", b,
           u[i]);
}

/* one screen of top: CPU% over the interval since prev (NULL: none) */
static void top_draw(const top_row *rows, size_t n, const top_row *prev,
                     size_t np, double interval_ms, bool tty) {
  if (tty) fputs("\033[H\033[2J", stdout);
  printf("%-16s %-28s %6s %10s %10s %8s %8s %8s\n", "NAME", "STATE", "CPU%",
         "CPU", "MEMORY", "MSGS IN", "OUT", "RESTARTS");
  for (size_t i = 0; i < n; i++) {
    const top_row *r = &rows[i];
    double pct = 0;
    for (size_t k = 0; prev && k < np; k++)
      if (!strcmp(prev[k].name, r->name) && interval_ms > 0 &&
          r->cpu_ms >= prev[k].cpu_ms)
        pct = (r->cpu_ms - prev[k].cpu_ms) * 100.0 / interval_ms;
    char cpu[32], mem[32];
    if (r->cpu_ms < 1000)
      snprintf(cpu, sizeof cpu, "%.0f ms", r->cpu_ms);
    else
      snprintf(cpu, sizeof cpu, "%.1f s", r->cpu_ms / 1000);
    human_bytes(mem, sizeof mem, r->memory);
    printf("%-16s %-28.28s %5.1f%% %10s %10s %8.0f %8.0f %8.0f\n", r->name,
           r->status, pct, cpu, mem, r->msgs_in, r->msgs_out, r->restarts);
  }
  if (!tty) putchar('\n');
  fflush(stdout);
}

/* asks for ps --json; the body into h.  The exit status (0: ok) */
static int top_fetch(call *c, held *h) {
  static reply r;
  memset(&r, 0, sizeof r);
  h->len = 0;
  if ((r.fd = connect_socket(c->path, SOCKET_WAIT_MS)) < 0)
    return EXIT_UNREACHABLE;
  const char *req = "ps --json\n";
  r.deadline = c->st.timeout_ms > 0 ? now_ms() + c->st.timeout_ms : -1;
  int rc = vy_control_send_all(r.fd, req, strlen(req))
               ? read_first_line(c, &r)
               : unreachable("cannot reach vyomad at %s", c->path);
  if (rc < 0 && strcmp(r.first, "ok") != 0) {
    fprintf(stderr, "vyctl: top: %s\n", r.first);
    rc = EXIT_ERR;
  }
  if (rc < 0) rc = copy_body(c, &r, NULL, h, EXIT_OK);
  close(r.fd);
  if (rc == EXIT_OK && !hold(h, "", 1)) rc = EXIT_ERR;
  return rc;
}

static int run_top(call *c) {
  static top_row a[TOP_MAX], b[TOP_MAX];
  top_row *cur = a, *prev = NULL;
  size_t np = 0;
  long delay = c->top_delay_ms ? c->top_delay_ms : 1000;
  bool tty = isatty(STDOUT_FILENO);
  held h = { 0 };
  long long last = 0;
  int rc = EXIT_OK;
  for (long i = 0; c->top_count == 0 || i < c->top_count; i++) {
    if (i) {
      struct timespec ts = { delay / 1000, (delay % 1000) * 1000000L };
      nanosleep(&ts, NULL);
    }
    if ((rc = top_fetch(c, &h)) != EXIT_OK) break;
    long long now = now_ms();
    size_t n = top_parse(h.p, cur);
    if (c->st.json) /* for machines: each refresh's ps --json line */
      fputs(h.p, stdout), fflush(stdout);
    else
      top_draw(cur, n, prev, np, (double)(now - last), tty);
    last = now;
    prev = cur;
    np = n;
    cur = cur == a ? b : a;
  }
  free(h.p);
  return rc;
}

int main(int argc, char **argv) {
  static call c;
  c.st.timeout_ms = DEFAULT_TIMEOUT_MS;
  for (int k = 1; k < argc; k++)
    if (!strcmp(argv[k], "--json")) json_errors = true;
  int i = 1;
  int rc = parse_options(argc, argv, &c.st, &i);
  if (rc >= 0) return rc;
  if (i >= argc) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (!(c.cmd = find_command(argv[i]))) {
    const char *names[sizeof commands / sizeof commands[0]];
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
      names[k] = commands[k].name;
    const char *near =
        vy_suggest(argv[i], names, sizeof commands / sizeof commands[0]);
    if (near)
      return usage_error("unknown command %s (did you mean %s?)", argv[i],
                         near);
    return usage_error("unknown command %s", argv[i]);
  }
  if ((rc = parse_words(argc, argv, i + 1, &c)) >= 0) return rc;
  if ((rc = build_request(argc, argv, &c)) >= 0) return rc;
  if ((rc = find_socket(&c)) >= 0) return rc;

  /* A supervisor that closes early must not kill us with SIGPIPE: we want
  ** to report it.  With logs -f, the reader of our stdout going away (a
  ** pager quitting) ends the stream through the failed write instead. */
  signal(SIGPIPE, SIG_IGN);
  if (!strcmp(c.cmd->name, "top")) return run_top(&c);
  static reply r;
  long wait = c.st.timeout_ms > 0 && c.st.timeout_ms < SOCKET_WAIT_MS
                  ? c.st.timeout_ms
                  : SOCKET_WAIT_MS;
  r.fd = connect_socket(c.path, wait);
  if (r.fd < 0) return EXIT_UNREACHABLE;
  if (!vy_control_send_all(r.fd, c.req, c.len)) {
    int e = errno;
    close(r.fd);
    return unreachable("cannot reach vyomad at %s: write: %s", c.path,
                       strerror(e));
  }
  /* No half-close after the request: the server takes end of stream from
  ** us as "the client has gone", which would end a logs -f stream. */
  r.deadline = c.st.timeout_ms > 0 ? now_ms() + c.st.timeout_ms : -1;
  rc = answer(&c, &r);
  if (r.fd >= 0) close(r.fd);
  return rc;
}
