/*
** tests/ipc/stress.c — the broker under contention.
**   producers: 4 threads x 10,000 messages into one consumer with a small
**     inbox; every send is delivered or its sender told (queue-full, and
**     the producer retries), so the consumer sees each sender's 0..9999
**     exactly once and in order, and the counters of all five endpoints
**     add up.
**   churn: an endpoint is added and removed 1,000 times while a sender
**     routes to it and a reader blocks on it (the kill path); no crash, no
**     leak (LeakSanitizer in the ASan build), and the sender's counters
**     still account for every attempt.
*/
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../ipc/broker.h"
#include "../check.h"

#define NPROD 4
#define NMSG  10000

static vy_broker *B;
static atomic_int producers_done;

typedef struct prod {
  char name[16];
  uint64_t errors_seen, other_seen, attempts;
} prod;

static void drain(prod *p) {
  char buf[256];
  ssize_t n;
  while ((n = vy_broker_recv(B, p->name, buf, sizeof buf - 1, 0)) > 0) {
    buf[n] = '\0';
    if (strcmp(buf, "@sys: error queue-full sink\n") == 0)
      p->errors_seen++;
    else
      p->other_seen++;
  }
}

/* Sends seq 0..NMSG-1, each until it is delivered: the refusal comes back
** synchronously (route queues it before returning), so a producer knows
** at once whether to retry -- backpressure as an app would live it. */
static void *producer(void *arg) {
  prod *p = arg;
  char line[64];
  for (int i = 0; i < NMSG; i++) {
    int n = snprintf(line, sizeof line, "@sink: %s %d", p->name, i);
    for (;;) {
      uint64_t before = p->errors_seen;
      vy_broker_route(B, p->name, line, (size_t)n);
      p->attempts++;
      drain(p);
      if (p->errors_seen == before) break;
      sched_yield();
    }
  }
  drain(p);
  atomic_fetch_add(&producers_done, 1);
  return NULL;
}

typedef struct sink {
  uint64_t got, bad;
  long last[NPROD];
} sink;

static void *consumer(void *arg) {
  sink *s = arg;
  char buf[256];
  for (int i = 0; i < NPROD; i++) s->last[i] = -1;
  for (;;) {
    ssize_t n = vy_broker_recv(B, "sink", buf, sizeof buf - 1, 20);
    if (n < 0) {
      s->bad++;
      break;
    }
    if (n == 0) {
      if (atomic_load(&producers_done) == NPROD &&
          !vy_broker_pending(B, "sink"))
        break;
      continue;
    }
    buf[n] = '\0';
    int who, who2;
    long seq;
    /* exactly the next one of that sender: none lost, doubled, reordered */
    if (sscanf(buf, "@p%d: p%d %ld\n", &who, &who2, &seq) != 3 || who != who2 ||
        who < 0 || who >= NPROD || seq != s->last[who] + 1) {
      s->bad++;
      continue;
    }
    s->last[who] = seq;
    s->got++;
  }
  return NULL;
}

static void producers(void) {
  B = vy_broker_new(NULL, NULL);
  REQUIRE(B);
  const char *g[] = { "sink" };
  prod p[NPROD];
  EQ(vy_broker_add(B, "sink", NULL, 0, 0, 64), 0);
  for (int i = 0; i < NPROD; i++) {
    memset(&p[i], 0, sizeof p[i]);
    snprintf(p[i].name, sizeof p[i].name, "p%d", i);
    EQ(vy_broker_add(B, p[i].name, g, 1, 0, 64), 0);
  }
  sink s = { 0 };
  pthread_t tc, tp[NPROD];
  atomic_store(&producers_done, 0);
  EQ(pthread_create(&tc, NULL, consumer, &s), 0);
  for (int i = 0; i < NPROD; i++)
    EQ(pthread_create(&tp[i], NULL, producer, &p[i]), 0);
  for (int i = 0; i < NPROD; i++) pthread_join(tp[i], NULL);
  pthread_join(tc, NULL);

  REQUIREF(s.bad == 0, "%llu bad lines", (unsigned long long)s.bad);
  uint64_t out = 0, refused = 0;
  for (int i = 0; i < NPROD; i++) {
    vy_ipc_stats st;
    EQ(vy_broker_stats(B, p[i].name, &st), 0);
    REQUIREF(
        st.msgs_out == NMSG && st.msgs_out + st.queue_full == p[i].attempts,
        "%s: out %llu + full %llu vs %llu attempts", p[i].name,
        (unsigned long long)st.msgs_out, (unsigned long long)st.queue_full,
        (unsigned long long)p[i].attempts);
    REQUIRE(s.last[i] == NMSG - 1);
    /* each refusal reached the sender or was counted as dropped */
    REQUIREF(p[i].errors_seen + st.dropped_full == st.queue_full,
             "%s: seen %llu + dropped %llu != full %llu", p[i].name,
             (unsigned long long)p[i].errors_seen,
             (unsigned long long)st.dropped_full,
             (unsigned long long)st.queue_full);
    REQUIRE(p[i].other_seen == 0 && st.denied == 0 && st.rate_limited == 0);
    REQUIRE(st.msgs_in == p[i].errors_seen && st.queued == 0);
    out += st.msgs_out;
    refused += st.queue_full;
  }
  vy_ipc_stats ss;
  EQ(vy_broker_stats(B, "sink", &ss), 0);
  REQUIREF(s.got == out && out == NPROD * NMSG && ss.msgs_in == out &&
               ss.queued == 0,
           "consumer got %llu, producers delivered %llu, sink in %llu",
           (unsigned long long)s.got, (unsigned long long)out,
           (unsigned long long)ss.msgs_in);
  printf("    %llu delivered, %llu refused with queue-full\n",
         (unsigned long long)out, (unsigned long long)refused);
  vy_broker_free(B);
  B = NULL;
}

/* ---- churn --------------------------------------------------------------- */

static atomic_int churn_stop;
static atomic_ulong attempts;

static void *churn_sender(void *arg) {
  (void)arg;
  char buf[128];
  while (!atomic_load(&churn_stop)) {
    vy_broker_route(B, "sender", "@victim: hello", 14);
    atomic_fetch_add(&attempts, 1);
    while (vy_broker_recv(B, "sender", buf, sizeof buf, 0) > 0) {}
  }
  return NULL;
}

static atomic_ulong reader_gone, reader_got;

static void *churn_reader(void *arg) {
  (void)arg;
  char buf[128];
  while (!atomic_load(&churn_stop)) {
    ssize_t n = vy_broker_recv(B, "victim", buf, sizeof buf, -1);
    if (n > 0)
      atomic_fetch_add(&reader_got, 1);
    else if (n < 0) {
      atomic_fetch_add(&reader_gone, 1);
      sched_yield();
    }
  }
  return NULL;
}

static void churn(void) {
  B = vy_broker_new(NULL, NULL);
  const char *g[] = { "victim" };
  EQ(vy_broker_add(B, "sender", g, 1, 0, 8), 0);
  atomic_store(&churn_stop, 0);
  pthread_t ts, tr;
  EQ(pthread_create(&ts, NULL, churn_sender, NULL), 0);
  EQ(pthread_create(&tr, NULL, churn_reader, NULL), 0);
  for (int i = 0; i < 1000; i++) {
    EQ(vy_broker_add(B, "victim", NULL, 0, 0, 4), 0);
    usleep(50);
    vy_broker_remove(B, "victim");
  }
  atomic_store(&churn_stop, 1);
  pthread_join(ts, NULL);
  /* the reader may be blocked on a live endpoint: add one and remove it */
  EQ(vy_broker_add(B, "victim", NULL, 0, 0, 4), 0);
  vy_broker_remove(B, "victim");
  pthread_join(tr, NULL);
  vy_ipc_stats st;
  EQ(vy_broker_stats(B, "sender", &st), 0);
  REQUIREF(st.msgs_out + st.invalid + st.queue_full == atomic_load(&attempts),
           "out %llu + no-such-app %llu + full %llu != %lu",
           (unsigned long long)st.msgs_out, (unsigned long long)st.invalid,
           (unsigned long long)st.queue_full, atomic_load(&attempts));
  REQUIRE(atomic_load(&reader_got) <= st.msgs_out);
  vy_broker_free(B);
  B = NULL;
}

int main(int argc, char **argv) {
  check_init(argc, argv, NULL);
  RUN(producers);
  RUN(churn);
  return check_end();
}
