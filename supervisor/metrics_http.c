/*
** metrics_http.c — the profile's metrics_listen = "ADDR:PORT": a small
** HTTP/1.1 server that answers GET /metrics with the Prometheus text
** (report_metrics, the same as `vyctl metrics`), for a Prometheus server
** to scrape.  Off unless the profile sets the key.
**
**   GET /metrics (or HEAD, any query string)  200, text/plain; version=0.0.4
**   another path                              404
**   another method                            405
**   a request line that is not HTTP           400
**   headers larger than REQUEST_MAX           431
**   no complete request in REQUEST_TIMEOUT_MS 408
** Every answer closes its connection (Connection: close): a scraper opens
** one per scrape, and no connection outlives its request.  Once the answer
** is sent the server shuts its side and reads what the client still sends
** (for DRAIN_MS at most) before closing: closing with unread bytes would
** reset the connection and could cost the client the answer (a 431, say).
**
** One thread of its own, never blocked by a client: the listening socket
** and every connection are non-blocking in one poll() with the stop pipe;
** each connection has a deadline (to send its request, then to take the
** answer) and at most MAX_CONNS are open, so a slow or hostile client
** costs a slot for a few seconds and never the supervisor's main loop,
** its control socket or the other scrapers.  A connection past the limit
** is closed at once.
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vyomad.h"

#define MAX_CONNS          16
#define REQUEST_MAX        8192 /* request line and headers, bytes */
#define REQUEST_TIMEOUT_MS 3000 /* to send the whole request */
#define ANSWER_TIMEOUT_MS  5000 /* to take the whole answer */
#define DRAIN_MS           1000 /* to end its side once answered */
#define POLL_IDLE_MS       1000 /* when no connection has a deadline */
#define ACCEPT_PAUSE_MS    100  /* after accept fails (out of fds)  */

typedef enum phase { READING, ANSWERING, DRAINING } phase;

typedef struct conn {
  int fd; /* -1: a free slot */
  phase phase;
  int64_t deadline_ms; /* of the current phase */
  char req[REQUEST_MAX];
  size_t reqlen;
  sbuf out; /* the answer, once the request is read */
  size_t sent;
} conn;

static int lfd = -1;
static int stop_pipe[2] = { -1, -1 };
static pthread_t server;
static bool server_live;
static conn conns[MAX_CONNS];
static int64_t accept_paused_until;

/* "A.B.C.D:PORT" (the profile's check made sure) into sa; -1 if not */
static int parse_listen(const char *s, struct sockaddr_in *sa) {
  const char *colon = strrchr(s, ':');
  char host[16];
  if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = 0;
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (!colon[1] || *end || port < 1 || port > 65535) return -1;
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)port);
  return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static void conn_close(conn *c) {
  if (c->fd >= 0) close(c->fd);
  sb_free(&c->out);
  c->fd = -1;
  c->reqlen = c->sent = 0;
  c->phase = READING;
}

/* Sets the connection's answer: status line, headers (extra: more of
** them, each ending in CRLF) and, unless for HEAD, the body; from then on
** it is only written. */
static void answer(conn *c, const char *status, const char *type,
                   const char *extra, const sbuf *body, bool head) {
  size_t len = body && body->p ? body->len : 0;
  sb_printf(&c->out,
            "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "%sConnection: close\r\n\r\n",
            status, type, len, extra);
  if (len && !head) sb_printf(&c->out, "%s", body->p);
  c->phase = ANSWERING;
  c->sent = 0;
  c->deadline_ms = now_ms() + ANSWER_TIMEOUT_MS;
}

static void answer_text(conn *c, const char *status, const char *extra,
                        const char *text) {
  sbuf body = { 0 };
  sb_printf(&body, "%s\n", text);
  answer(c, status, "text/plain; charset=utf-8", extra, &body, false);
  sb_free(&body);
}

/* The request line of a complete request: what to answer. */
static void route(conn *c) {
  char *eol = strpbrk(c->req, "\r\n");
  if (eol) *eol = 0;
  char method[16], target[256], version[16];
  if (sscanf(c->req, "%15s %255s %15s", method, target, version) != 3 ||
      strncmp(version, "HTTP/1.", 7) != 0) {
    answer_text(c, "400 Bad Request", "", "bad request line");
    return;
  }
  bool head = strcmp(method, "HEAD") == 0;
  if (!head && strcmp(method, "GET") != 0) {
    answer_text(c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n",
                "only GET /metrics");
    return;
  }
  target[strcspn(target, "?")] = 0;
  if (strcmp(target, "/metrics") != 0) {
    answer_text(c, "404 Not Found", "", "not found: try /metrics");
    return;
  }
  sbuf body = { 0 };
  report_metrics(&body);
  if (body.oom)
    answer_text(c, "503 Service Unavailable", "", "out of memory");
  else
    answer(c, "200 OK", "text/plain; version=0.0.4; charset=utf-8", "", &body,
           head);
  sb_free(&body);
}

/* true once the headers end (a blank line, "\r\n\r\n" or a bare "\n\n") */
static bool request_complete(const conn *c) {
  return memmem(c->req, c->reqlen, "\r\n\r\n", 4) ||
         memmem(c->req, c->reqlen, "\n\n", 2);
}

static void conn_read(conn *c) {
  for (;;) {
    size_t room = sizeof c->req - 1 - c->reqlen;
    if (room == 0) {
      answer_text(c, "431 Request Header Fields Too Large", "",
                  "request too large");
      return;
    }
    ssize_t r = recv(c->fd, c->req + c->reqlen, room, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (r <= 0) { /* gone before it asked anything */
      conn_close(c);
      return;
    }
    size_t from = c->reqlen;
    c->reqlen += (size_t)r;
    c->req[c->reqlen] = 0;
    if (memchr(c->req + from, 0, (size_t)r)) {
      answer_text(c, "400 Bad Request", "", "NUL byte in the request");
      return;
    }
    if (request_complete(c)) {
      route(c);
      return;
    }
  }
}

static void conn_write(conn *c) {
  while (c->sent < c->out.len) {
    ssize_t w =
        send(c->fd, c->out.p + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (w <= 0) { /* the client is gone */
      conn_close(c);
      return;
    }
    c->sent += (size_t)w;
  }
  shutdown(c->fd, SHUT_WR);
  c->phase = DRAINING;
  c->deadline_ms = now_ms() + DRAIN_MS;
}

/* what the client still sends after its answer: read and dropped until it
** closes its side */
static void conn_drain(conn *c) {
  char junk[4096];
  for (;;) {
    ssize_t r = recv(c->fd, junk, sizeof junk, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    conn_close(c); /* its end, or an error */
    return;
  }
}

static void accept_all(void) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && (errno == EINTR || errno == ECONNABORTED)) continue;
    if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      /* EMFILE and the like leave the listener readable: poll would
      ** return at once, again and again, so the listener rests a while */
      accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
      return;
    }
    if (fd < 0) return; /* none left */
    conn *c = NULL;
    for (size_t i = 0; i < MAX_CONNS && !c; i++)
      if (conns[i].fd < 0) c = &conns[i];
    if (!c) { /* full: closed at once, never queued behind the others */
      close(fd);
      continue;
    }
    c->fd = fd;
    c->phase = READING;
    c->deadline_ms = now_ms() + REQUEST_TIMEOUT_MS;
  }
}

/* Past its deadline: a request never completed is answered 408 (with a
** deadline of its own), an answer not taken or a drain not ended is
** dropped. */
static void expire(conn *c, int64_t now) {
  if (c->fd < 0 || now < c->deadline_ms) return;
  if (c->phase == READING)
    answer_text(c, "408 Request Timeout", "", "request timeout");
  else
    conn_close(c);
}

/* the poll set: stop pipe, listener, then the open connections (their
** slot in which[]); returns the timeout until the nearest deadline */
static int poll_set(struct pollfd *p, size_t *which, nfds_t *n) {
  int64_t now = now_ms(), next = now + POLL_IDLE_MS;
  p[0] = (struct pollfd){ stop_pipe[0], POLLIN, 0 };
  /* a negative fd is left out by poll: the listener while it rests */
  bool resting = now < accept_paused_until;
  p[1] = (struct pollfd){ resting ? -1 : lfd, POLLIN, 0 };
  if (resting && accept_paused_until < next) next = accept_paused_until;
  *n = 2;
  for (size_t i = 0; i < MAX_CONNS; i++) {
    if (conns[i].fd < 0) continue;
    short ev = conns[i].phase == ANSWERING ? POLLOUT : POLLIN;
    p[*n] = (struct pollfd){ conns[i].fd, ev, 0 };
    which[*n] = i;
    (*n)++;
    if (conns[i].deadline_ms < next) next = conns[i].deadline_ms;
  }
  return next > now ? (int)(next - now) : 0;
}

static void conn_ready(conn *c) {
  switch (c->phase) {
    case READING: conn_read(c); break;
    case ANSWERING: break;
    case DRAINING: conn_drain(c); return;
  }
  /* an answer is usually written at once, without another poll */
  if (c->fd >= 0 && c->phase == ANSWERING) conn_write(c);
}

static void *server_thread(void *arg) {
  (void)arg;
  struct pollfd p[MAX_CONNS + 2];
  size_t which[MAX_CONNS + 2];
  for (;;) {
    nfds_t n;
    int timeout = poll_set(p, which, &n);
    int r = poll(p, n, timeout);
    if (r < 0 && errno != EINTR) {
      vlog("metrics: poll: %s", strerror(errno));
      struct timespec ts = { 0, 100000000L };
      nanosleep(&ts, NULL); /* do not spin on a persistent error */
    }
    if (r > 0 && p[0].revents) break;
    for (nfds_t k = 2; r > 0 && k < n; k++)
      if (p[k].revents && conns[which[k]].fd >= 0) conn_ready(&conns[which[k]]);
    if (r > 0 && p[1].revents) accept_all();
    int64_t now = now_ms();
    for (size_t i = 0; i < MAX_CONNS; i++) expire(&conns[i], now);
  }
  for (size_t i = 0; i < MAX_CONNS; i++) conn_close(&conns[i]);
  return NULL;
}

static int listen_on(const char *addr) {
  struct sockaddr_in sa;
  if (parse_listen(addr, &sa) != 0) {
    vlog("metrics: metrics_listen \"%s\" is not IPv4:PORT", addr);
    return -1;
  }
  lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) {
    vlog("metrics: socket: %s", strerror(errno));
    return -1;
  }
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      listen(lfd, MAX_CONNS) != 0) {
    vlog("metrics: cannot listen on %s: %s", addr, strerror(errno));
    close(lfd);
    lfd = -1;
    return -1;
  }
  return 0;
}

int metrics_http_start(const char *addr) {
  for (size_t i = 0; i < MAX_CONNS; i++) conns[i].fd = -1;
  if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
    vlog("metrics: pipe: %s", strerror(errno));
    return -1;
  }
  if (listen_on(addr) != 0) {
    metrics_http_stop();
    return -1;
  }
  if (pthread_create(&server, NULL, server_thread, NULL) != 0) {
    vlog("metrics: cannot create its thread");
    metrics_http_stop();
    return -1;
  }
  server_live = true;
  vlog("metrics: serving http://%s/metrics", addr);
  return 0;
}

void metrics_http_stop(void) {
  if (server_live) {
    ssize_t w = write(stop_pipe[1], "x", 1);
    (void)w;
    pthread_join(server, NULL);
    server_live = false;
  }
  if (lfd >= 0) close(lfd);
  lfd = -1;
  for (int i = 0; i < 2; i++)
    if (stop_pipe[i] >= 0) close(stop_pipe[i]);
  stop_pipe[0] = stop_pipe[1] = -1;
}
