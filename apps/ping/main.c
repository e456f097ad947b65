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

#define RING 1024          /* send times of the pings in flight */
#define MAX_SAMPLES 200000 /* round trips kept for the percentiles */

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int usage(void) {
  fputs("usage: ping [-n COUNT] [-i INTERVAL_MS] [-w WINDOW] [-t TARGET] "
        "[-T TIMEOUT_MS] [-d DELAY_MS] [-q]\n", stderr);
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
    nl = inbuf + inlen - 1;          /* full without newline: cut it */
  }
  size_t n = (size_t)(nl - inbuf);
  size_t c = n < cap - 1 ? n : cap - 1;
  memcpy(line, inbuf, c);
  line[c] = 0;
  inlen -= n + 1;
  memmove(inbuf, nl + 1, inlen);
  return 1;
}

int main(int argc, char **argv) {
  long count = 10, interval = 1000, window = 1, timeout = 2000, delay = 0;
  const char *target = "pong";
  int quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    long *v = !strcmp(a, "-n") ? &count : !strcmp(a, "-i") ? &interval
            : !strcmp(a, "-w") ? &window : !strcmp(a, "-T") ? &timeout
            : !strcmp(a, "-d") ? &delay : NULL;
    if (v && i + 1 < argc) {
      if (vy_parse_count(argv[++i], v)) return usage();
    } else if (!strcmp(a, "-t") && i + 1 < argc) {
      target = argv[++i];
    } else if (!strcmp(a, "-q")) {
      quiet = 1;
    } else {
      return usage();
    }
  }
  if (window < 1 || window > RING / 2 || timeout < 1) return usage();

  size_t maxs = count == 0 || count > MAX_SAMPLES ? MAX_SAMPLES : (size_t)count;
  int64_t *samples = malloc(maxs * sizeof *samples);
  if (!samples) {
    fputs("ping: out of memory\n", stderr);
    return 1;
  }
  static int64_t sent_at[RING];
  size_t nsamples = 0;
  long sent = 0, received = 0, lost = 0;
  long settled = 0;                  /* pings 1..settled are answered or lost */
  int eof = 0;
  if (delay > 0) {
    struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  int64_t start = now_us(), next_send = start;
  char line[VY_LINE_MAX];

  while (!eof && ((count == 0 || sent < count) || settled < sent)) {
    int64_t now = now_us();
    /* send what the window and the interval allow */
    while ((count == 0 || sent < count) && sent - settled < window &&
           now >= next_send) {
      sent++;
      sent_at[sent % RING] = now;
      if (vy_send(target, "ping %ld", sent) != 0) {
        fputs("ping: cannot write stdout\n", stderr);
        free(samples);
        return 1;
      }
      next_send += interval * 1000;
      if (interval == 0) next_send = now;
      now = now_us();
    }
    /* give up on pings older than the timeout */
    while (settled < sent && now - sent_at[(settled + 1) % RING] > timeout * 1000) {
      settled++;
      lost++;
      if (!quiet) printf("ping %ld: timeout\n", settled);
    }
    /* wait for a reply, the next send, or the oldest timeout */
    int64_t wake = settled < sent ? sent_at[(settled + 1) % RING] + timeout * 1000
                                  : INT64_MAX;
    if ((count == 0 || sent < count) && sent - settled < window && next_send < wake)
      wake = next_send;
    int ms = wake == INT64_MAX ? -1 : (int)((wake - now + 999) / 1000);
    if (ms < 0 && wake != INT64_MAX) ms = 0;
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int r = poll(&p, 1, ms);
    if (r < 0 && errno != EINTR) {
      perror("ping: poll");
      break;
    }
    if (r <= 0) continue;
    ssize_t n = read(0, inbuf + inlen, sizeof inbuf - inlen);
    if (n == 0) eof = 1;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      perror("ping: read");
      break;
    }
    if (n > 0) inlen += (size_t)n;
    int64_t t = now_us();
    while (next_line(line, sizeof line)) {
      vy_msg m;
      if (!vy_parse(line, &m)) continue;     /* keyboard input: ignored */
      if (!strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown")) {
        eof = 1;                           /* asked to stop: summarize */
        continue;
      }
      if (!strcmp(m.sender, "sys") && !strncmp(m.payload, "error", 5)) {
        printf("ping: %s\n", m.payload);
        if (settled < sent) {
          settled++;
          lost++;
        }
        continue;
      }
      if (strcmp(m.sender, target) || strncmp(m.payload, "pong ", 5)) continue;
      char *end;
      long seq = strtol(m.payload + 5, &end, 10);
      if (seq <= settled || seq > sent) continue;   /* late or bogus */
      lost += seq - settled - 1;                   /* skipped ones are lost */
      settled = seq;
      received++;
      int64_t rtt = t - sent_at[seq % RING];
      if (nsamples < maxs) samples[nsamples++] = rtt;
      if (!quiet) printf("pong %ld rtt_us=%lld\n", seq, (long long)rtt);
    }
    fflush(stdout);
  }
  int64_t elapsed = now_us() - start;
  qsort(samples, nsamples, sizeof *samples, cmp_i64);
  long long mn = nsamples ? samples[0] : 0, mx = nsamples ? samples[nsamples - 1] : 0;
  long long med = nsamples ? samples[nsamples / 2] : 0;
  long long p99 = nsamples ? samples[(nsamples * 99) / 100 < nsamples ? (nsamples * 99) / 100 : nsamples - 1] : 0;
  lost += sent - settled;   /* still in flight at end of input */
  printf("ping: sent=%ld received=%ld lost=%ld min_us=%lld median_us=%lld "
         "p99_us=%lld max_us=%lld elapsed_ms=%lld rate_per_s=%lld\n",
         sent, received, lost, mn, med, p99, mx, (long long)(elapsed / 1000),
         elapsed > 0 ? (long long)(received * 1000000LL / elapsed) : 0);
  fflush(stdout);
  free(samples);
  return lost ? 1 : 0;
}
