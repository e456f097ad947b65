/*
** control.c — the control socket server (the contract is control.h):
** DIR/run/vyoma/control.sock, a Unix stream socket only its owner can use
** (0600), one request line per connection, "ok" or "error MESSAGE", a body,
** close.  What a request line means is commands.c's; this file owns the
** socket, the connections, their replies and the `logs` stream.
**
** An acceptor thread waits on the listening socket and a stop pipe; each
** connection gets a short-lived thread of its own, so a slow client or a
** `logs -f` stream never holds up the others.  Connection threads are
** counted; control_stop wakes them (the stop pipe) and waits for them, so
** nothing is left running, or leaked, at exit.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "vyomad.h"

#define CLIENT_TIMEOUT_MS 2000 /* to send the request line */
#define FOLLOW_POLL_MS    100  /* logs -f looks for new lines this often */
#define LOG_TAIL_BYTES    (1u << 20)

static int lfd = -1;
static int stop_pipe[2] = { -1, -1 };
static pthread_t acceptor;
static bool acceptor_live;
static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static pthread_mutex_t clients_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t clients_cv = PTHREAD_COND_INITIALIZER;
static int nclients;

bool control_send(int fd, const void *p, size_t n) {
  return vy_control_send_all(fd, p, n);
}

void control_reply(int fd, const char *status, const sbuf *body) {
  control_send(fd, status, strlen(status));
  control_send(fd, "\n", 1);
  if (body && body->p) control_send(fd, body->p, body->len);
}

void control_reply_err(int fd, const char *msg) {
  char line[600];
  snprintf(line, sizeof line, "error %s", msg);
  control_reply(fd, line, NULL);
}

/* Reads the request line (up to "\n") with a deadline.  0 or -1. */
static int read_request(int fd, char *buf, size_t cap) {
  size_t n = 0;
  int64_t end = now_ms() + CLIENT_TIMEOUT_MS;
  while (n + 1 < cap) {
    int left = (int)(end - now_ms());
    if (left <= 0) return -1;
    struct pollfd p[2] = { { fd, POLLIN, 0 }, { stop_pipe[0], POLLIN, 0 } };
    if (poll(p, 2, left) <= 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (p[1].revents) return -1;
    ssize_t r = recv(fd, buf + n, cap - 1 - n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    for (ssize_t i = 0; i < r; i++) {
      if (buf[n + (size_t)i] == '\n') {
        buf[n + (size_t)i] = 0;
        if (n + (size_t)i && buf[n + (size_t)i - 1] == '\r')
          buf[n + (size_t)i - 1] = 0;
        return 0;
      }
    }
    n += (size_t)r;
  }
  return -1; /* longer than the protocol allows */
}

/* logs NAME [-f]: the log file's tail, then (with -f) what is appended, until
** the client hangs up or the supervisor stops */
void control_logs(int fd, const char *name, bool follow, bool json) {
  char path[4200];
  snprintf(path, sizeof path, "%s/run/vyoma/logs/%s.log", S.root, name);
  pthread_mutex_lock(&S.lock);
  bool known = app_find(name) != NULL;
  pthread_mutex_unlock(&S.lock);
  if (!known) {
    char err[256];
    report_no_such_app(name, err, sizeof err);
    control_reply_err(fd, err);
    return;
  }
  int lf = open(path, O_RDONLY | O_CLOEXEC);
  if (lf < 0) {
    control_reply_err(fd, "no-log");
    return;
  }
  struct stat st;
  off_t pos = 0;
  if (fstat(lf, &st) == 0 && st.st_size > (off_t)LOG_TAIL_BYTES)
    pos = st.st_size - (off_t)LOG_TAIL_BYTES;
  char *buf = malloc(65536);
  if (!buf) {
    close(lf);
    control_reply_err(fd, "out-of-memory");
    return;
  }
  sbuf body = { 0 };
  if (json && !follow) {
    /* {"name":..,"lines":[..]} from the whole tail */
    sbuf all = { 0 };
    ssize_t r;
    while ((r = pread(lf, buf, 65536, pos)) > 0) {
      sb_printf(&all, "%.*s", (int)r, buf);
      pos += r;
    }
    sb_printf(&body, "{\"name\":");
    sb_json_str(&body, name);
    sb_printf(&body, ",\"lines\":[");
    size_t k = 0;
    for (char *line = all.p, *nl; line && *line; line = nl + 1) {
      nl = strchr(line, '\n');
      if (!nl) break;
      *nl = 0;
      sb_printf(&body, "%s", k++ ? "," : "");
      sb_json_str(&body, line);
    }
    sb_printf(&body, "]}\n");
    sb_free(&all);
    if (body.oom)
      control_reply_err(fd, "out-of-memory");
    else
      control_reply(fd, "ok", &body);
    sb_free(&body);
    free(buf);
    close(lf);
    return;
  }
  control_reply(fd, "ok", NULL);
  for (;;) {
    ssize_t r;
    while ((r = pread(lf, buf, 65536, pos)) > 0) {
      if (!control_send(fd, buf, (size_t)r)) goto out;
      pos += r;
    }
    if (!follow) break;
    struct pollfd p[2] = { { fd, POLLIN, 0 }, { stop_pipe[0], POLLIN, 0 } };
    int pr = poll(p, 2, FOLLOW_POLL_MS);
    if (pr > 0 && (p[1].revents || p[0].revents)) break; /* hung up, or stop */
  }
out:
  free(buf);
  close(lf);
}

static void handle(int fd) {
  char line[VY_CONTROL_MAX_LINE + 2];
  if (read_request(fd, line, sizeof line) != 0) {
    control_reply_err(fd, "bad-request");
    return;
  }
  command_control(fd, line);
}

static void *client_thread(void *arg) {
  int fd = (int)(intptr_t)arg;
  handle(fd);
  close(fd);
  pthread_mutex_lock(&clients_mu);
  nclients--;
  pthread_cond_broadcast(&clients_cv);
  pthread_mutex_unlock(&clients_mu);
  return NULL;
}

static void *acceptor_thread(void *arg) {
  (void)arg;
  for (;;) {
    struct pollfd p[2] = { { lfd, POLLIN, 0 }, { stop_pipe[0], POLLIN, 0 } };
    int r = poll(p, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      vlog("control: poll: %s", strerror(errno));
      struct timespec ts = { 0, 100000000L };
      nanosleep(&ts, NULL); /* do not spin on a persistent error */
      continue;
    }
    if (p[1].revents) break;
    if (!p[0].revents) continue;
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) continue; /* the client went away, or EMFILE */
    pthread_mutex_lock(&clients_mu);
    nclients++;
    pthread_mutex_unlock(&clients_mu);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, client_thread, (void *)(intptr_t)fd) != 0) {
      control_reply_err(fd, "busy");
      close(fd);
      pthread_mutex_lock(&clients_mu);
      nclients--;
      pthread_mutex_unlock(&clients_mu);
    }
    pthread_attr_destroy(&at);
  }
  return NULL;
}

int control_start(void) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  int n =
      snprintf(sock_path, sizeof sock_path, "%s/%s", S.root, VY_CONTROL_SOCKET);
  if (n < 0 || (size_t)n >= sizeof sock_path) {
    vlog("control: socket path %s/%s too long", S.root, VY_CONTROL_SOCKET);
    sock_path[0] = 0;
    return -1;
  }
  memcpy(sa.sun_path, sock_path, (size_t)n + 1);
  if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
    vlog("control: pipe: %s", strerror(errno));
    return -1;
  }
  lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0) {
    vlog("control: socket: %s", strerror(errno));
    return -1;
  }
  unlink(sock_path); /* a stale socket of an earlier run */
  /* created 0600 from the start: no window where others could connect */
  mode_t old = umask(0177);
  int b = bind(lfd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  if (b != 0 || chmod(sock_path, 0600) != 0 || listen(lfd, 64) != 0) {
    vlog("control: %s: %s", sock_path, strerror(errno));
    close(lfd);
    lfd = -1;
    return -1;
  }
  if (pthread_create(&acceptor, NULL, acceptor_thread, NULL) != 0) {
    vlog("control: cannot create its thread");
    close(lfd);
    lfd = -1;
    unlink(sock_path);
    return -1;
  }
  acceptor_live = true;
  vlog("control socket %s", sock_path);
  return 0;
}

void control_stop(void) {
  if (stop_pipe[1] >= 0) {
    ssize_t w = write(stop_pipe[1], "x", 1);
    (void)w;
  }
  if (acceptor_live) pthread_join(acceptor, NULL);
  acceptor_live = false;
  /* connection threads see the stop pipe within FOLLOW_POLL_MS; a kill
  ** they wait for ends within its own timeout */
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += 5;
  pthread_mutex_lock(&clients_mu);
  while (nclients > 0 &&
         pthread_cond_timedwait(&clients_cv, &clients_mu, &dl) != ETIMEDOUT) {}
  bool idle = nclients == 0;
  pthread_mutex_unlock(&clients_mu);
  if (lfd >= 0) close(lfd);
  lfd = -1;
  if (sock_path[0]) unlink(sock_path);
  if (idle) { /* else a straggler still polls it */
    for (int i = 0; i < 2; i++)
      if (stop_pipe[i] >= 0) close(stop_pipe[i]);
    stop_pipe[0] = stop_pipe[1] = -1;
  }
}
