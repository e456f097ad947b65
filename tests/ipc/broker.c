/*
** tests/ipc/broker.c — unit tests of the IPC broker (ipc/broker.c):
** classification, delivery format, every error reply, the token bucket on
** a fake clock, backpressure and the @sys reserve, the @sys handler,
** inject, recv timeouts, wakes and removal, partial reads, table growth.
*/
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../../ipc/broker.h"
#include "../../ipc/broker_clock.h"
#include "../check.h"

static uint64_t fake_now;
static uint64_t fake_clock(void *ud) {
  (void)ud;
  return fake_now;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static vy_line_kind route(vy_broker *b, const char *from, const char *line) {
  return vy_broker_route(b, from, line, strlen(line));
}

/* the next inbox line of `name` as a string, "" if none within 0 ms */
static char rbuf[8192];
static const char *next(vy_broker *b, const char *name) {
  ssize_t n = vy_broker_recv(b, name, rbuf, sizeof rbuf - 1, 0);
  rbuf[n > 0 ? n : 0] = '\0';
  return rbuf;
}

static const char *G_B[] = { "b" };
static const char *G_ANY[] = { "*" };
static const char *G_SYS[] = { "sys", "b" };

static void classify(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  REQUIRE(b);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  EQ(route(b, "a", "hello world"), VY_LINE_LOG);
  EQ(route(b, "a", ""), VY_LINE_LOG);
  EQ(route(b, "a", " @b: x"), VY_LINE_LOG);
  EQ(route(b, "a", "VYOMA_DRAW rect 0 0 1 1 #ff0000"), VY_LINE_DRAW);
  EQ(route(b, "a", "VYOMA_DRAWX"), VY_LINE_LOG);
  EQ(route(b, "a", "VYOMA_DRAW"), VY_LINE_LOG);
  REQUIRE(!vy_broker_pending(b, "a"));
  vy_broker_free(b);
}

static void delivery(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_B, 1, 0, 0), 0);
  EQ(vy_broker_add(b, "b", NULL, 0, 0, 0), 0);
  EQ(route(b, "a", "@b: hello there"), VY_LINE_IPC);
  EQ(route(b, "a", "@b:tight"), VY_LINE_IPC);
  EQ(route(b, "a", "@b:  two spaces"), VY_LINE_IPC);
  EQ(route(b, "a", "@b:"), VY_LINE_IPC);
  REQUIRE(vy_broker_pending(b, "b"));
  EQ(next(b, "b"), "@a: hello there\n");
  EQ(next(b, "b"), "@a: tight\n");
  EQ(next(b, "b"), "@a:  two spaces\n");
  EQ(next(b, "b"), "@a: \n");
  EQ(next(b, "b"), "");
  EQ(next(b, "a"), ""); /* no reply on success */
  vy_ipc_stats sa, sb;
  REQUIRE(vy_broker_stats(b, "a", &sa) == 0 &&
          vy_broker_stats(b, "b", &sb) == 0);
  REQUIRE(sa.msgs_out == 4 && sa.msgs_in == 0);
  REQUIRE(sb.msgs_in == 4 && sb.msgs_out == 0 && sb.queued == 0);
  REQUIRE(vy_broker_stats(b, "zz", &sa) == -1);
  vy_broker_free(b);
}

static void denied(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_B, 1, 0, 0), 0);
  EQ(vy_broker_add(b, "b", NULL, 0, 0, 0), 0);
  EQ(vy_broker_add(b, "c", G_ANY, 1, 0, 0), 0);
  EQ(route(b, "a", "@c: hi"), VY_LINE_IPC);
  EQ(next(b, "a"), "@sys: error denied c\n");
  REQUIRE(!vy_broker_pending(b, "c"));
  /* b has no grants at all */
  route(b, "b", "@a: hi");
  EQ(next(b, "b"), "@sys: error denied a\n");
  /* not granted and not existing: still "denied", existence is not told */
  route(b, "a", "@nosuch: hi");
  EQ(next(b, "a"), "@sys: error denied nosuch\n");
  /* "*" is every app but not the supervisor */
  route(b, "c", "@sys: ps");
  EQ(next(b, "c"), "@sys: error denied sys\n");
  route(b, "c", "@c: self"); /* "*" includes oneself */
  EQ(next(b, "c"), "@c: self\n");
  vy_ipc_stats s;
  REQUIRE(vy_broker_stats(b, "a", &s) == 0 && s.denied == 2 && s.msgs_out == 0);
  REQUIRE(vy_broker_stats(b, "c", &s) == 0 && s.denied == 1 && s.msgs_out == 1);
  vy_broker_free(b);
}

static void no_such_app(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  route(b, "a", "@clock: hi");
  EQ(next(b, "a"), "@sys: error no-such-app clock\n");
  /* no handler: @sys itself does not exist */
  const char *g[] = { "sys" };
  EQ(vy_broker_add(b, "s", g, 1, 0, 0), 0);
  route(b, "s", "@sys: ps");
  EQ(next(b, "s"), "@sys: error no-such-app sys\n");
  vy_ipc_stats st;
  REQUIRE(vy_broker_stats(b, "a", &st) == 0 && st.invalid == 1);
  /* an unknown sender has nobody to answer; nothing happens */
  EQ(route(b, "ghost", "@a: boo"), VY_LINE_IPC);
  REQUIRE(!vy_broker_pending(b, "a"));
  vy_broker_free(b);
}

static void malformed(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  const char *bad[] = {
    "@",
    "@:",
    "@: x",
    "@B: x",
    "@a b: x",
    "@1abc: x",
    "@a",
    "@abc",
    "@-x: y",
    "@a_b: x",
    "@abcdefghijklmnopqrstuvwxyz0123456: x", /* 33 */
    "@\xc3\xa9: x",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    REQUIREF(route(b, "a", bad[i]) == VY_LINE_IPC, "kind of %s", bad[i]);
    REQUIREF(strcmp(next(b, "a"), "@sys: error malformed\n") == 0, "%s -> %s",
             bad[i], rbuf);
  }
  /* 32 characters is still a name */
  route(b, "a", "@abcdefghijklmnopqrstuvwxyz012345: x");
  REQUIRE(
      strcmp(next(b, "a"),
             "@sys: error no-such-app abcdefghijklmnopqrstuvwxyz012345\n") ==
      0);
  vy_ipc_stats st;
  EQ(vy_broker_stats(b, "a", &st), 0);
  REQUIRE(st.invalid == sizeof bad / sizeof *bad + 1);
  vy_broker_free(b);
}

static void too_long(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  EQ(vy_broker_add(b, "bb", G_ANY, 1, 0, 0), 0);
  static char line[VY_IPC_MAX_LINE + 64];
  /* exactly 4096 bytes, and as long when delivered: fits */
  memcpy(line, "@bb: ", 5);
  memset(line + 5, 'x', VY_IPC_MAX_LINE - 5);
  size_t n = VY_IPC_MAX_LINE;
  vy_broker_route(b, "bb", line, n); /* "@bb: " + 4091 = 4096 */
  ssize_t r = vy_broker_recv(b, "bb", rbuf, sizeof rbuf, 0);
  REQUIREF(r == VY_IPC_MAX_LINE + 1, "r=%zd", r);
  /* one more byte: too long */
  memset(line + 5, 'x', VY_IPC_MAX_LINE + 1 - 5);
  vy_broker_route(b, "a", line, VY_IPC_MAX_LINE + 1);
  EQ(next(b, "a"), "@sys: error too-long bb\n");
  REQUIRE(!vy_broker_pending(b, "bb"));
  /* fits as written but not once "@a: " becomes "@bb: "... the other way:
  ** "@a: " + payload 4092 = 4096 written by bb would read "@bb: " + 4092 */
  memcpy(line, "@a: ", 4);
  memset(line + 4, 'y', VY_IPC_MAX_LINE - 4);
  vy_broker_route(b, "bb", line, VY_IPC_MAX_LINE);
  EQ(next(b, "bb"), "@sys: error too-long a\n");
  REQUIRE(!vy_broker_pending(b, "a"));
  vy_broker_free(b);
}

static void rate_limit(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  fake_now = 1000000000ull;
  vy_broker_set_clock(b, fake_clock, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 5, 1000), 0);
  EQ(vy_broker_add(b, "b", NULL, 0, 0, 1000), 0);
  for (int i = 0; i < 5; i++) route(b, "a", "@b: x"); /* the burst */
  route(b, "a", "@b: x");
  EQ(next(b, "a"), "@sys: error rate-limited b\n");
  fake_now += 100000000ull; /* 0.1 s: half a token */
  route(b, "a", "@b: x");
  EQ(next(b, "a"), "@sys: error rate-limited b\n");
  fake_now += 100000000ull; /* now 1.0 token */
  route(b, "a", "@b: x");
  EQ(next(b, "a"), "");
  route(b, "a", "@b: x");
  EQ(next(b, "a"), "@sys: error rate-limited b\n");
  fake_now += 60000000000ull; /* a minute: burst caps at 5 */
  for (int i = 0; i < 5; i++) route(b, "a", "@b: x");
  EQ(next(b, "a"), "");
  route(b, "a", "@b: x");
  EQ(next(b, "a"), "@sys: error rate-limited b\n");
  /* denied sends cost tokens too */
  fake_now += 1000000000ull;
  for (int i = 0; i < 5; i++) route(b, "b", "@a: x"); /* b: unlimited */
  vy_ipc_stats s;
  EQ(vy_broker_stats(b, "a", &s), 0);
  REQUIREF(s.msgs_out == 11 && s.rate_limited == 4, "out %llu rl %llu",
           (unsigned long long)s.msgs_out, (unsigned long long)s.rate_limited);
  REQUIRE(vy_broker_stats(b, "b", &s) == 0 && s.msgs_in == 16 &&
          s.queued == 16); /* + 5 errors */
  REQUIRE(s.rate_limited == 0 && s.denied == 5);
  vy_broker_free(b);
}

static void queue_full(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 2), 0);
  EQ(vy_broker_add(b, "b", NULL, 0, 0, 4), 0);
  char line[32];
  for (int i = 0; i < 5; i++) {
    snprintf(line, sizeof line, "@b: m%d", i);
    route(b, "a", line);
  }
  /* the oldest stay; the fifth is refused and a is told */
  EQ(next(b, "a"), "@sys: error queue-full b\n");
  REQUIRE(vy_broker_inject(b, "b", "from vyctl") == -1); /* full for it too */
  for (int i = 0; i < 4; i++) {
    snprintf(line, sizeof line, "@a: m%d\n", i);
    REQUIREF(strcmp(next(b, "b"), line) == 0, "got %s", rbuf);
  }
  /* a's own inbox (cap 2) fills with errors beyond its cap (the @sys
  ** reserve of 16), then they are counted as dropped_full */
  for (int i = 0; i < 4; i++) route(b, "a", "@b: again");
  for (int i = 0; i < 30; i++) route(b, "a", "@b: flood");
  vy_ipc_stats sa, sb;
  REQUIRE(vy_broker_stats(b, "a", &sa) == 0 &&
          vy_broker_stats(b, "b", &sb) == 0);
  REQUIREF(sa.queued == 18, "queued %zu", sa.queued);
  EQ(sa.queue_full, 31);
  REQUIRE(sa.dropped_full == 30 - 18);
  REQUIRE(sa.msgs_out == 8 && sb.msgs_in == 8);
  /* every attempt is accounted for: 39 = 8 delivered + 31 refused, and every
  ** refusal was either queued as an error (msgs_in) or counted dropped */
  EQ(sa.msgs_out + sa.queue_full, 39);
  REQUIRE(sa.msgs_in + sa.dropped_full == sa.queue_full);
  /* an app message never takes the reserve: b's cap still holds for a's
  ** inbox when someone else writes to it */
  EQ(vy_broker_add(b, "c", G_ANY, 1, 0, 0), 0);
  route(b, "c", "@a: hi");
  EQ(next(b, "c"), "@sys: error queue-full a\n");
  vy_broker_free(b); /* frees the queued lines (LSan) */
}

static void sys_handler(void *ud, const char *from, const char *cmd,
                        char *reply, size_t replylen) {
  vy_broker *b = ud;
  if (strcmp(cmd, "multi") == 0) {
    snprintf(reply, replylen, "line one\nline two\n");
  } else if (strcmp(cmd, "stats") == 0) {
    /* calling back into the broker from the handler must not deadlock */
    vy_ipc_stats s;
    int rc = vy_broker_stats(b, from, &s);
    snprintf(reply, replylen, "rc=%d out=%llu", rc,
             (unsigned long long)s.msgs_out);
  } else if (strcmp(cmd, "kill me") == 0) {
    vy_broker_remove(b, from); /* the sender is gone: reply dropped */
    snprintf(reply, replylen, "ok");
  } else if (strcmp(cmd, "big") == 0) {
    memset(reply, 'z', replylen - 1); /* fills exactly the room it has */
    reply[replylen - 1] = '\0';
  } else {
    snprintf(reply, replylen, "from=%s cmd=[%s]", from, cmd);
  }
}

/* the handler's ud is the broker: allocate first, then point ud at it */
typedef struct holder {
  vy_broker *b;
} holder;
static void sys_handler2(void *ud, const char *from, const char *cmd,
                         char *reply, size_t replylen) {
  sys_handler(((holder *)ud)->b, from, cmd, reply, replylen);
}

static void sys_round_trip(void) {
  holder h;
  vy_broker *b = vy_broker_new(sys_handler2, &h);
  h.b = b;
  EQ(vy_broker_add(b, "shell", G_SYS, 2, 0, 0), 0);
  EQ(vy_broker_add(b, "b", NULL, 0, 0, 0), 0);
  route(b, "shell", "@sys: ps");
  EQ(next(b, "shell"), "@sys: from=shell cmd=[ps]\n");
  route(b, "shell", "@sys:kill clock");
  EQ(next(b, "shell"), "@sys: from=shell cmd=[kill clock]\n");
  route(b, "shell", "@sys: stats");
  REQUIREF(strcmp(next(b, "shell"), "@sys: rc=0 out=3\n") == 0, "%s", rbuf);
  route(b, "shell", "@sys: multi");
  REQUIREF(strcmp(next(b, "shell"), "@sys: line one\n@sys: line two\n") == 0,
           "%s", rbuf);
  route(b, "shell", "@sys: big");
  ssize_t n = vy_broker_recv(b, "shell", rbuf, sizeof rbuf, 0);
  REQUIREF(n == VY_IPC_MAX_LINE + 1, "n=%zd", n);
  REQUIRE(memcmp(rbuf, "@sys: zzz", 9) == 0 && rbuf[n - 1] == '\n');
  route(b, "shell", "@b: to b"); /* sys grant plus b */
  EQ(next(b, "b"), "@shell: to b\n");
  vy_ipc_stats s;
  REQUIRE(vy_broker_stats(b, "shell", &s) == 0 && s.msgs_out == 6 &&
          s.msgs_in == 5);
  route(b, "shell", "@sys: kill me");
  REQUIRE(vy_broker_stats(b, "shell", &s) == -1);
  vy_broker_free(b);
}

static void inject(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "b", NULL, 0, 0, 1), 0);
  EQ(vy_broker_inject(b, "b", "hello from vyctl"), 0);
  REQUIRE(vy_broker_inject(b, "b", "second") == -1); /* cap 1 */
  REQUIRE(vy_broker_inject(b, "nosuch", "x") == -1);
  EQ(next(b, "b"), "@sys: hello from vyctl\n");
  static char big[VY_IPC_MAX_LINE + 1];
  memset(big, 'q', VY_IPC_MAX_LINE);
  REQUIRE(vy_broker_inject(b, "b", big) == -1); /* too long */
  big[VY_IPC_MAX_LINE - 6] = '\0';
  EQ(vy_broker_inject(b, "b", big), 0); /* just fits */
  vy_ipc_stats s;
  REQUIRE(vy_broker_stats(b, "b", &s) == 0 && s.msgs_in == 2 && s.queued == 1);
  vy_broker_free(b);
}

static void add_rules(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  REQUIRE(vy_broker_add(b, "a", NULL, 0, 0, 0) == -1);
  REQUIRE(vy_broker_add(b, "sys", NULL, 0, 0, 0) == -1);
  REQUIRE(vy_broker_add(b, "Bad", NULL, 0, 0, 0) == -1);
  REQUIRE(vy_broker_add(b, "", NULL, 0, 0, 0) == -1);
  REQUIRE(vy_broker_add(b, "abcdefghijklmnopqrstuvwxyz0123456", NULL, 0, 0,
                        0) == -1);
  EQ(vy_broker_add(b, "abcdefghijklmnopqrstuvwxyz012345", NULL, 0, 0, 0), 0);
  route(b, "a", "@a: hi"); /* a queued line is freed by remove */
  vy_broker_remove(b, "a");
  vy_broker_remove(b, "a"); /* twice is harmless */
  EQ(vy_broker_add(b, "a", NULL, 0, 0, 0), 0);
  REQUIRE(vy_broker_add(b, "huge", NULL, 0, 0, (size_t)-1) == -1);
  REQUIRE(vy_broker_recv(b, "nosuch", rbuf, sizeof rbuf, 0) == -1);
  EQ(vy_broker_recv(b, "a", rbuf, 0, -1), 0); /* cap 0: no wait */
  vy_broker_wake(b, "nosuch");
  REQUIRE(!vy_broker_pending(b, "nosuch"));
  vy_broker_free(b);
}

static void partial_read(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  route(b, "a", "@a: hello");
  route(b, "a", "@a: next");
  char small[5];
  REQUIRE(vy_broker_recv(b, "a", small, 4, 0) == 4 &&
          memcmp(small, "@a: ", 4) == 0);
  REQUIRE(vy_broker_recv(b, "a", small, 4, 0) == 4 &&
          memcmp(small, "hell", 4) == 0);
  REQUIRE(vy_broker_recv(b, "a", small, 4, 0) == 2 &&
          memcmp(small, "o\n", 2) == 0);
  EQ(next(b, "a"), "@a: next\n");
  EQ(vy_broker_recv(b, "a", small, 0, 0), 0);
  vy_broker_free(b);
}

static void many_apps(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  char name[16], line[64], want[64];
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "app%d", i);
    EQ(vy_broker_add(b, name, G_ANY, 1, 0, 4), 0);
  }
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "app%d", i);
    snprintf(line, sizeof line, "@app%d: n%d", (i + 1) % 300, i);
    route(b, name, line);
  }
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "app%d", i);
    snprintf(want, sizeof want, "@app%d: n%d\n", (i + 299) % 300,
             (i + 299) % 300);
    REQUIREF(strcmp(next(b, name), want) == 0, "%s got %s", name, rbuf);
  }
  for (int i = 0; i < 300; i += 2) {
    snprintf(name, sizeof name, "app%d", i);
    vy_broker_remove(b, name);
  }
  REQUIRE(vy_broker_stats(b, "app0", &(vy_ipc_stats){ 0 }) == -1);
  EQ(vy_broker_stats(b, "app1", &(vy_ipc_stats){ 0 }), 0);
  vy_broker_free(b);
}

/* ---- blocking --------------------------------------------------------- */

typedef struct reader {
  vy_broker *b;
  const char *name;
  int timeout;
  ssize_t r;
  uint64_t ms; /* how long recv took */
  char buf[256];
} reader;

static void *reader_main(void *p) {
  reader *rd = p;
  uint64_t t0 = now_ms();
  rd->r =
      vy_broker_recv(rd->b, rd->name, rd->buf, sizeof rd->buf - 1, rd->timeout);
  rd->ms = now_ms() - t0;
  if (rd->r > 0) rd->buf[rd->r] = '\0';
  return NULL;
}

static void recv_timeout(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", NULL, 0, 0, 0), 0);
  uint64_t t0 = now_ms();
  EQ(vy_broker_recv(b, "a", rbuf, sizeof rbuf, 0), 0);
  REQUIRE(now_ms() - t0 < 20);
  t0 = now_ms();
  EQ(vy_broker_recv(b, "a", rbuf, sizeof rbuf, 60), 0);
  uint64_t dt = now_ms() - t0;
  REQUIREF(dt >= 55 && dt < 1000, "waited %llu ms", (unsigned long long)dt);
  vy_broker_free(b);
}

static void recv_message_wakes(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  EQ(vy_broker_add(b, "b", NULL, 0, 0, 0), 0);
  reader rd = { .b = b, .name = "b", .timeout = 5000 };
  pthread_t th;
  EQ(pthread_create(&th, NULL, reader_main, &rd), 0);
  usleep(30000);
  route(b, "a", "@b: wake up");
  pthread_join(th, NULL);
  REQUIRE(rd.r > 0 && strcmp(rd.buf, "@a: wake up\n") == 0);
  REQUIREF(rd.ms < 1000, "took %llu ms", (unsigned long long)rd.ms);
  vy_broker_free(b);
}

static void recv_wake(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", NULL, 0, 0, 0), 0);
  reader rd = { .b = b, .name = "a", .timeout = -1 };
  pthread_t th;
  EQ(pthread_create(&th, NULL, reader_main, &rd), 0);
  usleep(30000);
  uint64_t t0 = now_ms();
  vy_broker_wake(b, "a");
  pthread_join(th, NULL);
  EQ(rd.r, 0);
  REQUIREF(now_ms() - t0 < 500, "woke after %llu ms",
           (unsigned long long)(now_ms() - t0));
  /* a wake before the reader blocks is not lost */
  vy_broker_wake(b, "a");
  EQ(vy_broker_recv(b, "a", rbuf, sizeof rbuf, -1), 0);
  /* and it is consumed: the next recv times out */
  EQ(vy_broker_recv(b, "a", rbuf, sizeof rbuf, 10), 0);
  vy_broker_free(b);
}

static void remove_wakes(void) {
  vy_broker *b = vy_broker_new(NULL, NULL);
  EQ(vy_broker_add(b, "a", G_ANY, 1, 0, 0), 0);
  reader rd[3];
  pthread_t th[3];
  for (int i = 0; i < 3; i++) {
    rd[i] = (reader){ .b = b, .name = "a", .timeout = i == 0 ? -1 : 10000 };
    EQ(pthread_create(&th[i], NULL, reader_main, &rd[i]), 0);
  }
  usleep(30000);
  route(b, "a", "@a: one"); /* one reader takes it */
  usleep(10000);
  route(b, "a", "@a: two"); /* the second reader takes this */
  usleep(10000);
  uint64_t t0 = now_ms();
  vy_broker_remove(b, "a");
  for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
  REQUIREF(now_ms() - t0 < 500, "took %llu ms",
           (unsigned long long)(now_ms() - t0));
  int got = 0, gone = 0;
  for (int i = 0; i < 3; i++) {
    if (rd[i].r > 0)
      got++;
    else if (rd[i].r == -1)
      gone++;
  }
  REQUIREF(got == 2 && gone == 1, "got %d gone %d", got, gone);
  REQUIRE(vy_broker_recv(b, "a", rbuf, sizeof rbuf, 0) == -1);
  /* the name can be used again at once */
  EQ(vy_broker_add(b, "a", NULL, 0, 0, 0), 0);
  vy_broker_free(b);
}

int main(int argc, char **argv) {
  check_init(argc, argv, NULL);
  RUN(classify);
  RUN(delivery);
  RUN(denied);
  RUN(no_such_app);
  RUN(malformed);
  RUN(too_long);
  RUN(rate_limit);
  RUN(queue_full);
  RUN(sys_round_trip);
  RUN(inject);
  RUN(add_rules);
  RUN(partial_read);
  RUN(many_apps);
  RUN(recv_timeout);
  RUN(recv_message_wakes);
  RUN(recv_wake);
  RUN(remove_wakes);
  return check_end();
}
