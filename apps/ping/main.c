/*
** ping — measures IPC round trips through the broker.  Sends
** "@pong: ping N" every INTERVAL ms (or as fast as the window allows) and
** prints the round-trip time when "@pong: pong N" comes back on stdin.
**
**   ping [-n COUNT] [-i INTERVAL_MS] [-w WINDOW] [-t TARGET] [-T TIMEOUT_MS]
**        [-d DELAY_MS] [-q]
**
** Defaults: 10 pings, 1000 ms apart, one in flight, target pong, 2000 ms
** timeout.  -n 0 pings forever.  -d waits before the first ping (at boot
** the target may not be running yet).  -w W keeps up to W pings in flight (with
** -i 0: a throughput test).  -q prints only the summary line:
**   ping: sent=S received=R lost=L min_us=.. median_us=.. p99_us=..
**         max_us=.. elapsed_ms=.. rate_per_s=..
** Replies are assumed to come back in order (pong answers in order and the
** broker keeps per-sender order), so a reply to N also settles every older
** ping as lost; an "@sys: error ..." settles the oldest one.  Exits 0 if
** every ping came back, 1 if any was lost, 2 on bad arguments.
*/
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vyoma.h"

#define RING        1024   /* send times of the pings in flight */
#define MAX_SAMPLES 200000 /* round trips kept for the percentiles */

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int usage(void) {
  fputs(
      "usage: ping [-n COUNT] [-i INTERVAL_MS] [-w WINDOW] [-t TARGET] "
      "[-T TIMEOUT_MS] [-d DELAY_MS] [-q]\n",
      stderr);
  return 2;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* stdin, split into lines by hand: stdio's buffering does not mix with
** poll() */
static char inbuf[2 * VY_LINE_MAX];
static size_t inlen;

/* Takes the next complete line (without newline) out of inbuf into line;
** 1 if there was one.  Overlong lines are cut. */
static int next_line(char *line, size_t cap) {
  char *nl = memchr(inbuf, '\n', inlen);
  if (!nl) {
    if (inlen < sizeof inbuf) return 0;
    nl = inbuf + inlen - 1; /* full without newline: cut it */
  }
  size_t n = (size_t)(nl - inbuf);
  size_t c = n < cap - 1 ? n : cap - 1;
  memcpy(line, inbuf, c);
  line[c] = 0;
  inlen -= n + 1;
  memmove(inbuf, nl + 1, inlen);
  return 1;
}

/* What the command line asks for. */
typedef struct opts {
  long count, interval, window, timeout, delay;
  const char *target;
  int quiet;
} opts;

/* One run's state: pings 1..sent went out, 1..settled are answered or
** lost; sent_at keeps the send times of those in flight. */
typedef struct pinger {
  opts o;
  int64_t sent_at[RING];
  int64_t *samples;
  size_t nsamples, maxs;
  long sent, received, lost, settled;
  int64_t next_send;
  int eof;
} pinger;

static int parse_args(int argc, char **argv, opts *o) {
  *o = (opts){ .count = 10,
               .interval = 1000,
               .window = 1,
               .timeout = 2000,
               .target = "pong" };
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    long *v = !strcmp(a, "-n")   ? &o->count
              : !strcmp(a, "-i") ? &o->interval
              : !strcmp(a, "-w") ? &o->window
              : !strcmp(a, "-T") ? &o->timeout
              : !strcmp(a, "-d") ? &o->delay
                                 : NULL;
    if (v && i + 1 < argc) {
      if (vy_parse_count(argv[++i], v)) return -1;
    } else if (!strcmp(a, "-t") && i + 1 < argc) {
      o->target = argv[++i];
    } else if (!strcmp(a, "-q")) {
      o->quiet = 1;
    } else {
      return -1;
    }
  }
  return o->window < 1 || o->window > RING / 2 || o->timeout < 1 ? -1 : 0;
}

static int more_to_send(const pinger *p) {
  return p->o.count == 0 || p->sent < p->o.count;
}

/* Sends what the window and the interval allow; -1 if stdout is gone. */
static int send_due(pinger *p) {
  int64_t now = now_us();
  while (more_to_send(p) && p->sent - p->settled < p->o.window &&
         now >= p->next_send) {
    p->sent++;
    p->sent_at[p->sent % RING] = now;
    if (vy_send(p->o.target, "ping %ld", p->sent) != 0) return -1;
    p->next_send += p->o.interval * 1000;
    if (p->o.interval == 0) p->next_send = now;
    now = now_us();
  }
  return 0;
}

/* Gives up on pings older than the timeout; returns how long poll() may
** wait for a reply, the next send or the oldest timeout (-1: forever). */
static int expire_and_wait_ms(pinger *p) {
  int64_t now = now_us(), tmo = p->o.timeout * 1000;
  while (p->settled < p->sent &&
         now - p->sent_at[(p->settled + 1) % RING] > tmo) {
    p->settled++;
    p->lost++;
    if (!p->o.quiet) printf("ping %ld: timeout\n", p->settled);
  }
  int64_t wake = p->settled < p->sent
                     ? p->sent_at[(p->settled + 1) % RING] + tmo
                     : INT64_MAX;
  if (more_to_send(p) && p->sent - p->settled < p->o.window &&
      p->next_send < wake)
    wake = p->next_send;
  if (wake == INT64_MAX) return -1;
  int ms = (int)((wake - now + 999) / 1000);
  return ms < 0 ? 0 : ms;
}

/* One line from stdin, received at time t. */
static void handle_line(pinger *p, char *line, int64_t t) {
  vy_msg m;
  if (!vy_parse(line, &m)) return; /* keyboard input: ignored */
  if (!strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown")) {
    p->eof = 1; /* asked to stop: summarize */
    return;
  }
  if (!strcmp(m.sender, "sys") && !strncmp(m.payload, "error", 5)) {
    printf("ping: %s\n", m.payload);
    if (p->settled < p->sent) {
      p->settled++;
      p->lost++;
    }
    return;
  }
  if (strcmp(m.sender, p->o.target) || strncmp(m.payload, "pong ", 5)) return;
  char *end;
  long seq = strtol(m.payload + 5, &end, 10);
  if (seq <= p->settled || seq > p->sent) return; /* late or bogus */
  p->lost += seq - p->settled - 1;                /* skipped ones are lost */
  p->settled = seq;
  p->received++;
  int64_t rtt = t - p->sent_at[seq % RING];
  if (p->nsamples < p->maxs) p->samples[p->nsamples++] = rtt;
  if (!p->o.quiet) printf("pong %ld rtt_us=%lld\n", seq, (long long)rtt);
}

/* Reads what stdin has and handles its complete lines; -1 on a read
** error (reported). */
static int read_replies(pinger *p) {
  char line[VY_LINE_MAX];
  ssize_t n = read(0, inbuf + inlen, sizeof inbuf - inlen);
  if (n == 0) p->eof = 1;
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN) return 0;
    perror("ping: read");
    return -1;
  }
  inlen += (size_t)n;
  int64_t t = now_us();
  while (next_line(line, sizeof line)) handle_line(p, line, t);
  fflush(stdout);
  return 0;
}

static void summary(pinger *p, int64_t elapsed) {
  size_t n = p->nsamples;
  qsort(p->samples, n, sizeof *p->samples, cmp_i64);
  long long mn = n ? p->samples[0] : 0, mx = n ? p->samples[n - 1] : 0;
  long long med = n ? p->samples[n / 2] : 0;
  long long p99 =
      n ? p->samples[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0;
  p->lost += p->sent - p->settled; /* still in flight at end of input */
  printf(
      "ping: sent=%ld received=%ld lost=%ld min_us=%lld median_us=%lld "
      "p99_us=%lld max_us=%lld elapsed_ms=%lld rate_per_s=%lld\n",
      p->sent, p->received, p->lost, mn, med, p99, mx,
      (long long)(elapsed / 1000),
      elapsed > 0 ? (long long)(p->received * 1000000LL / elapsed) : 0);
  fflush(stdout);
}

int main(int argc, char **argv) {
  static pinger p;
  if (parse_args(argc, argv, &p.o)) return usage();
  long count = p.o.count;
  p.maxs = count == 0 || count > MAX_SAMPLES ? MAX_SAMPLES : (size_t)count;
  p.samples = malloc(p.maxs * sizeof *p.samples);
  if (!p.samples) {
    fputs("ping: out of memory\n", stderr);
    return 1;
  }
  if (p.o.delay > 0) {
    struct timespec ts = { p.o.delay / 1000, (p.o.delay % 1000) * 1000000L };
    nanosleep(&ts, NULL);
  }
  int64_t start = now_us();
  p.next_send = start;
  while (!p.eof && (more_to_send(&p) || p.settled < p.sent)) {
    if (send_due(&p)) {
      fputs("ping: cannot write stdout\n", stderr);
      free(p.samples);
      return 1;
    }
    struct pollfd pfd = { .fd = 0, .events = POLLIN };
    int r = poll(&pfd, 1, expire_and_wait_ms(&p));
    if (r < 0 && errno != EINTR) {
      perror("ping: poll");
      break;
    }
    if (r > 0 && read_replies(&p)) break;
  }
  summary(&p, now_us() - start);
  free(p.samples);
  return p.lost ? 1 : 0;
}
