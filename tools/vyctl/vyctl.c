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
*/
#include <errno.h>
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

#define EXIT_OK 0
#define EXIT_ERR 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3

#define DEFAULT_SOCKET "/run/vyoma/control.sock"
#define DEFAULT_TIMEOUT_MS 30000

/* One entry per command: how many words follow it.  `send` takes a name
** and at least one message word; the message is everything after the
** name, so it never gets a --json appended (that would become part of it). */
typedef struct command {
  const char *name;
  int min_args, max_args;   /* max -1: unlimited */
  const char *usage;
} command;

static const command commands[] = {
  {"ps", 0, 0, "ps                 list apps: state, uptime, restarts, CPU, memory, messages"},
  {"kill", 1, 1, "kill NAME          stop NAME at once (no restart)"},
  {"restart", 1, 1, "restart NAME       stop NAME and start it again"},
  {"start", 1, 1, "start NAME         start a stopped, exited or failed app"},
  {"stop", 1, 1, "stop NAME          ask NAME to stop, kill it after the grace period"},
  {"logs", 1, 1, "logs [-f] NAME     NAME's log lines; -f follows new ones"},
  {"send", 2, -1, "send NAME MSG...   deliver \"@sys: MSG\" on NAME's stdin"},
  {"metrics", 0, 0, "metrics            Prometheus text exposition"},
  {"heartbeat", 0, 0, "heartbeat          the latest heartbeat JSON line"},
  {"shutdown", 0, 0, "shutdown           orderly stop of vyomad and all apps"},
  {"screenshot", 1, 1, "screenshot FILE    the screen as a PNG file (- for stdout)"},
  {"layout", 1, 1, "layout tiled|stacked  how windows are arranged on the screen"},
};

static void usage(FILE *f) {
  fputs("usage: vyctl [--socket PATH | --root DIR] [--json] [--timeout MS] "
        "COMMAND [ARG...]\n\ncommands:\n", f);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %s\n", commands[i].usage);
  fputs("\noptions:\n"
        "  --socket PATH   control socket (default $VYOMA_SOCKET, else "
        DEFAULT_SOCKET ")\n"
        "  --root DIR      a supervisor started with --root DIR: "
        "DIR/" VY_CONTROL_SOCKET "\n"
        "  --json          machine-readable output\n"
        "  --timeout MS    give up waiting for a reply after MS ms "
        "(default 30000; 0 = never; logs -f never times out)\n"
        "  -h, --help      this text\n"
        "\nexit status: 0 ok, 1 the supervisor answered with an error, "
        "2 usage, 3 supervisor not reachable\n", f);
}

static int usage_error(const char *fmt, const char *arg) {
  fputs("vyctl: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n(try vyctl --help)\n", stderr);
  return EXIT_USAGE;
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

/* Writes all of buf; false on error (EPIPE included: SIGPIPE is ignored). */
static bool write_all(int fd, const char *buf, size_t len) {
  while (len) {
    ssize_t w = write(fd, buf, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    buf += w;
    len -= (size_t)w;
  }
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
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, wait);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) continue;   /* the deadline check above decides */
    ssize_t n = read(fd, buf, cap);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

/* Connects to the control socket.  Returns the fd, or -1 with a message
** naming the path already printed. */
static int connect_socket(const char *path) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) {
    fprintf(stderr, "vyctl: cannot reach vyomad: socket path too long: %s\n",
            path);
    return -1;
  }
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fprintf(stderr, "vyctl: socket: %s\n", strerror(errno));
    return -1;
  }
  int r;
  do r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    int e = errno;
    fprintf(stderr, "vyctl: cannot reach vyomad at %s: %s%s\n", path,
            strerror(e),
            e == ENOENT || e == ECONNREFUSED ? " (is vyomad running?)" : "");
    close(fd);
    return -1;
  }
  return fd;
}

/* Writes a JSON string literal for s (for `send --json`, whose reply the
** server gives as text since the message itself cannot carry --json). */
static void json_string(FILE *f, const char *s, size_t n) {
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\r') fputs("\\r", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

int main(int argc, char **argv) {
  const char *sock = getenv("VYOMA_SOCKET");
  const char *root = NULL, *sockopt = NULL;
  bool json = false, follow = false;
  long timeout_ms = DEFAULT_TIMEOUT_MS;
  int i = 1;

  /* global options, before the command */
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "--json")) {
      json = true;
    } else if (!strcmp(a, "--socket") || !strcmp(a, "--root") ||
               !strcmp(a, "--timeout")) {
      if (i + 1 >= argc) return usage_error("%s needs an argument", a);
      const char *v = argv[++i];
      if (!strcmp(a, "--socket")) sockopt = v;
      else if (!strcmp(a, "--root")) root = v;
      else {
        char *end;
        errno = 0;
        timeout_ms = strtol(v, &end, 10);
        if (!*v || *end || errno || timeout_ms < 0)
          return usage_error("bad --timeout: %s", v);
      }
    } else {
      return usage_error("unknown option %s", a);
    }
  }
  if (sockopt && root)
    return usage_error("%s", "--socket and --root exclude each other");
  if (i >= argc) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const command *cmd = find_command(argv[i]);
  if (!cmd) return usage_error("unknown command %s", argv[i]);
  i++;

  /* The command's words.  --json and (for logs) -f are accepted after the
  ** command too, except inside send's message, which is taken verbatim. */
  const char *words[8];
  size_t nwords = 0;
  int msg_start = -1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    bool is_send = !strcmp(cmd->name, "send");
    if (is_send && nwords == 1) {
      msg_start = i;
      break;
    }
    if (!strcmp(a, "--json")) {
      json = true;
    } else if (!strcmp(a, "-f") && !strcmp(cmd->name, "logs")) {
      follow = true;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option %s", a);
    } else {
      if (nwords == sizeof words / sizeof words[0])
        return usage_error("too many arguments for %s", cmd->name);
      words[nwords++] = a;
    }
  }
  int nargs = (int)nwords + (msg_start >= 0 ? argc - msg_start : 0);
  if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args)) {
    fprintf(stderr, "vyctl: usage: vyctl %s\n", cmd->usage);
    return EXIT_USAGE;
  }

  /* The request line, per control.h: words joined by single spaces. */
  char req[VY_CONTROL_MAX_LINE + 1];
  size_t len = 0;
  req[0] = 0;
  bool fits = append(req, sizeof req, &len, cmd->name);
  /* screenshot's FILE is ours to write, not part of the request */
  bool shot = !strcmp(cmd->name, "screenshot");
  const char *shot_path = shot ? words[0] : NULL;
  if (shot) nwords = 0;
  for (size_t w = 0; w < nwords && fits; w++) {
    /* a name with a space or line break would change the request's shape */
    if (strpbrk(words[w], " \t\r\n") || !words[w][0])
      return usage_error("bad app name '%s'", words[w]);
    fits = append(req, sizeof req, &len, " ") &&
           append(req, sizeof req, &len, words[w]);
  }
  if (msg_start >= 0) {
    for (int m = msg_start; m < argc && fits; m++) {
      if (strpbrk(argv[m], "\r\n"))
        return usage_error("%s", "a message must be one line");
      fits = append(req, sizeof req, &len, " ") &&
             append(req, sizeof req, &len, argv[m]);
    }
  }
  if (follow && fits) fits = append(req, sizeof req, &len, " -f");
  bool send_cmd = !strcmp(cmd->name, "send");
  if (json && !send_cmd && fits) fits = append(req, sizeof req, &len, " --json");
  if (fits) fits = append(req, sizeof req, &len, "\n");
  if (!fits)
    return usage_error("request longer than %s bytes", "4096");

  /* Which socket: --socket, --root DIR, $VYOMA_SOCKET, the default. */
  char pathbuf[4096];
  const char *path = sock && *sock ? sock : DEFAULT_SOCKET;
  if (sockopt) path = sockopt;
  if (root) {
    int n = snprintf(pathbuf, sizeof pathbuf, "%s/%s", root, VY_CONTROL_SOCKET);
    if (n < 0 || (size_t)n >= sizeof pathbuf)
      return usage_error("%s", "--root path too long");
    path = pathbuf;
  }

  /* A supervisor that closes early must not kill us with SIGPIPE: we want
  ** to report it.  With logs -f, the reader of our stdout going away (a
  ** pager quitting) ends the stream through the failed write instead. */
  signal(SIGPIPE, SIG_IGN);

  int fd = connect_socket(path);
  if (fd < 0) return EXIT_UNREACHABLE;
  if (!write_all(fd, req, len)) {
    fprintf(stderr, "vyctl: cannot reach vyomad at %s: write: %s\n", path,
            strerror(errno));
    close(fd);
    return EXIT_UNREACHABLE;
  }
  /* No half-close after the request: the server takes end of stream from
  ** us as "the client has gone", which would end a logs -f stream. */

  long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
  /* First line: "ok" or "error MESSAGE".  Collected whole before the body
  ** is copied, so that where the body goes (stdout or stderr) is known. */
  char first[VY_CONTROL_MAX_LINE + 1];
  size_t flen = 0;
  char buf[8192];
  size_t blen = 0, bpos = 0;
  bool have_first = false;
  while (!have_first) {
    ssize_t n = read_some(fd, buf, sizeof buf, deadline);
    if (n == -2) {
      fprintf(stderr, "vyctl: no reply from vyomad at %s within %ld ms\n",
              path, timeout_ms);
      close(fd);
      return EXIT_UNREACHABLE;
    }
    if (n < 0) {
      fprintf(stderr, "vyctl: reading from %s: %s\n", path, strerror(errno));
      close(fd);
      return EXIT_UNREACHABLE;
    }
    if (n == 0) {
      fprintf(stderr, "vyctl: vyomad at %s closed the connection without "
              "a reply\n", path);
      close(fd);
      return EXIT_UNREACHABLE;
    }
    blen = (size_t)n;
    for (bpos = 0; bpos < blen; bpos++) {
      if (buf[bpos] == '\n') {
        have_first = true;
        bpos++;
        break;
      }
      if (flen < sizeof first - 1) first[flen++] = buf[bpos];
    }
  }
  first[flen] = 0;
  if (flen && first[flen - 1] == '\r') first[--flen] = 0;

  bool ok = !strcmp(first, "ok");
  bool is_err = !strncmp(first, "error", 5) && (first[5] == ' ' || !first[5]);
  if (!ok && !is_err) {
    fprintf(stderr, "vyctl: unexpected reply from vyomad: %s\n", first);
    close(fd);
    return EXIT_ERR;
  }
  /* The body: to stdout after ok, to stderr after an error; a screenshot
  ** to its file, written aside and renamed so no half file is left. */
  FILE *out = ok ? stdout : stderr;
  char shot_tmp[4200] = "";
  if (ok && shot && strcmp(shot_path, "-") != 0) {
    snprintf(shot_tmp, sizeof shot_tmp, "%s.tmp", shot_path);
    if (!(out = fopen(shot_tmp, "wb"))) {
      fprintf(stderr, "vyctl: screenshot: %s: %s\n", shot_tmp, strerror(errno));
      close(fd);
      return EXIT_ERR;
    }
  }
  if (is_err) {
    const char *msg = first[5] ? first + 6 : "(no message)";
    fprintf(stderr, "vyctl: %s: %s\n", cmd->name, msg);
  }
  /* send --json: the server's text reply wrapped into one JSON object */
  char *sendbody = NULL;
  size_t sendlen = 0, sendcap = 0;
  bool wrap = ok && json && send_cmd;
  int status = ok ? EXIT_OK : EXIT_ERR;
  if (follow) deadline = -1;
  for (;;) {
    if (bpos < blen) {
      size_t n = blen - bpos;
      if (wrap) {
        if (sendlen + n > sendcap) {
          size_t nc = (sendlen + n) * 2 + 64;
          char *p = realloc(sendbody, nc);
          if (!p) {
            fputs("vyctl: out of memory\n", stderr);
            status = EXIT_ERR;
            break;
          }
          sendbody = p;
          sendcap = nc;
        }
        memcpy(sendbody + sendlen, buf + bpos, n);
        sendlen += n;
      } else if (fwrite(buf + bpos, 1, n, out) != n || fflush(out) != 0) {
        /* our reader went away (logs -f | head): a normal end */
        break;
      }
    }
    ssize_t n = read_some(fd, buf, sizeof buf, deadline);
    if (n == 0) break;
    if (n == -2) {
      fprintf(stderr, "vyctl: reply from vyomad at %s cut short after "
              "%ld ms\n", path, timeout_ms);
      status = EXIT_UNREACHABLE;
      break;
    }
    if (n < 0) {
      fprintf(stderr, "vyctl: reading from %s: %s\n", path, strerror(errno));
      status = EXIT_UNREACHABLE;
      break;
    }
    blen = (size_t)n;
    bpos = 0;
  }
  if (wrap && status == EXIT_OK) {
    while (sendlen && (sendbody[sendlen - 1] == '\n')) sendlen--;
    fputs("{\"ok\":true,\"reply\":", stdout);
    json_string(stdout, sendbody ? sendbody : "", sendlen);
    fputs("}\n", stdout);
  }
  free(sendbody);
  close(fd);
  if (shot_tmp[0]) {
    bool good = fclose(out) == 0 && status == EXIT_OK;
    if (good && rename(shot_tmp, shot_path) != 0) {
      fprintf(stderr, "vyctl: screenshot: %s: %s\n", shot_path, strerror(errno));
      good = false;
    }
    if (!good) {
      unlink(shot_tmp);
      return status == EXIT_OK ? EXIT_ERR : status;
    }
  }
  if (fflush(stdout) != 0 && status == EXIT_OK && !follow) status = EXIT_ERR;
  return status;
}
