/*
** sim_state.c — the simulated board's state folder, so that a process
** outside (a test driving `vyoma run --board sim:FILE`, which has no
** control socket) can watch and drive the board through plain files.
**
** The folder is [sim] state (relative to the board file) or, overriding
** it, the environment's VYOMA_SIM_STATE; without either nothing is
** written.  It is made if missing.  In it:
**   gpio-N        a LED's or plain line's level, "0\n" or "1\n", rewritten
**                 (write + rename, so a reader never sees half a file) at
**                 every change the board makes
**   gpio.log      "T_NS N LEVEL" per such change (T_NS: CLOCK_MONOTONIC)
**   i2c.log       one line per I2C operation: "BUS 0xADDR w HEX..." (the
**                 bytes written), "BUS 0xADDR r LEN", or "BUS 0xADDR nack"
**                 when no device answered
** and what the sim reads, watched with inotify by a thread that lives
** from board open to close:
**   gpio-N        of a button (or plain) line: "1" or "0" pokes it
**   adc-D-C       the raw value of ADC channel D:C
**   tmp102-B-0xAA a TMP102's temperature in milli-degrees C
** Input files there at open are read (a test may set the scene first);
** missing ones are written with the board's first values.  Both logs start
** empty at each open.
*/
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

struct sim_state {
  char dir[HAL_PATH_MAX];
  int ino_fd, stop_fd;
  int gpio_log, i2c_log;
  bool thread_started;
  pthread_t thread;
};

/* ---- writing ------------------------------------------------------------- */

static int write_all(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    s += k;
    n -= (size_t)k;
  }
  return 0;
}

/* DIR/NAME = text, atomically for readers (a write failure is dropped:
** the board goes on; the state folder is a window, not the board) */
static void put_file(const sim_state *st, const char *name, const char *text) {
  char path[HAL_PATH_MAX + 48], tmp[HAL_PATH_MAX + 56];
  snprintf(path, sizeof path, "%s/%s", st->dir, name);
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", st->dir, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  int bad = write_all(fd, text, strlen(text));
  close(fd);
  if (bad || rename(tmp, path) != 0) unlink(tmp);
}

void sim_state_level(vy_board *b, const vy_hal_line *l) {
  sim_state *st = ((sim_board *)b->priv)->st;
  if (!st || l->role == HAL_ROLE_BUTTON) return;
  char name[32], line[80];
  snprintf(name, sizeof name, "gpio-%u", l->line);
  put_file(st, name, l->level ? "1\n" : "0\n");
  int n = snprintf(line, sizeof line, "%" PRIu64 " %u %d\n", hal_now_ns(),
                   l->line, l->level);
  write_all(st->gpio_log, line, (size_t)n);
}

void sim_state_i2c(vy_board *b, uint32_t bus, uint32_t addr,
                   const vy_hal_i2c_op *op) {
  sim_state *st = ((sim_board *)b->priv)->st;
  if (!st) return;
  size_t cap = 64 + (op && !op->read ? op->len * 3 : 0);
  char *line = malloc(cap);
  if (!line) return;
  int n = snprintf(line, cap, "%u 0x%02x ", bus, addr);
  if (!op)
    n += snprintf(line + n, cap - (size_t)n, "nack");
  else if (op->read)
    n += snprintf(line + n, cap - (size_t)n, "r %zu", op->len);
  else
    n += snprintf(line + n, cap - (size_t)n, "w");
  for (size_t i = 0; op && !op->read && i < op->len; i++)
    n += snprintf(line + n, cap - (size_t)n, " %02x", op->buf[i]);
  line[n++] = '\n';
  write_all(st->i2c_log, line, (size_t)n);
  free(line);
}

/* ---- reading ------------------------------------------------------------- */

/* DIR/NAME as an integer; -1 if it is missing or not a number. */
static int read_int_file(const sim_state *st, const char *name, long *out) {
  char path[HAL_PATH_MAX + 48], buf[64];
  snprintf(path, sizeof path, "%s/%s", st->dir, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *end;
  errno = 0;
  long v = strtol(buf, &end, 0);
  while (*end == '\n' || *end == ' ' || *end == '\r' || *end == '\t') end++;
  if (errno || end == buf || *end) return -1;
  *out = v;
  return 0;
}

/* A file of the folder changed: the input it stands for follows it. */
static void apply_file(vy_board *b, const sim_state *st, const char *name) {
  unsigned a, c;
  long v;
  char tail;
  if (sscanf(name, "gpio-%u%c", &a, &tail) == 1) {
    vy_hal_line *l = hal_find_line(b, a); /* the slots never move now */
    if (l && l->role != HAL_ROLE_LED && read_int_file(st, name, &v) == 0)
      vy_hal_gpio_poke(b, a, v != 0);
  } else if (sscanf(name, "adc-%u-%u%c", &a, &c, &tail) == 2) {
    if (read_int_file(st, name, &v) == 0 && v >= INT32_MIN && v <= INT32_MAX)
      vy_hal_adc_poke(b, a, c, (int32_t)v);
  } else if (sscanf(name, "tmp102-%u-%x%c", &a, &c, &tail) == 2) {
    if (read_int_file(st, name, &v) == 0 && v >= -300000 && v <= 300000)
      vy_hal_sim_set_temp(b, a, c, (int32_t)v);
  }
}

static void *watch_thread(void *arg) {
  vy_board *b = arg;
  sim_state *st = ((sim_board *)b->priv)->st;
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    struct pollfd p[2] = { { st->ino_fd, POLLIN, 0 },
                           { st->stop_fd, POLLIN, 0 } };
    if (poll(p, 2, -1) < 0 && errno != EINTR) break;
    if (p[1].revents) break;
    ssize_t n = read(st->ino_fd, buf, sizeof buf);
    if (n <= 0) continue; /* EAGAIN, EINTR */
    for (ssize_t off = 0; off < n;) {
      const struct inotify_event *e = (const void *)(buf + off);
      if (e->len && e->name[0] != '.') apply_file(b, st, e->name);
      off += (ssize_t)(sizeof *e + e->len);
    }
  }
  return NULL;
}

/* ---- start and stop ------------------------------------------------------ */

/* An input file: read if there, else written with the first value. */
static void first_input(vy_board *b, sim_state *st, const char *name,
                        long value) {
  long v;
  if (read_int_file(st, name, &v) == 0) {
    apply_file(b, st, name);
    return;
  }
  char text[32];
  snprintf(text, sizeof text, "%ld\n", value);
  put_file(st, name, text);
}

static void first_files(vy_board *b, sim_state *st) {
  sim_board *s = b->priv;
  char name[64];
  for (size_t i = 0; i < b->nlines; i++) {
    vy_hal_line *l = &b->lines[i];
    snprintf(name, sizeof name, "gpio-%u", l->line);
    if (l->role == HAL_ROLE_LED)
      put_file(st, name, "0\n");
    else
      first_input(b, st, name, 0);
  }
  for (size_t i = 0; i < s->nadc; i++) {
    snprintf(name, sizeof name, "adc-%u-%u", s->adc[i].dev, s->adc[i].ch);
    first_input(b, st, name, s->adc[i].raw);
  }
  for (size_t i = 0; i < s->ntmp; i++) {
    snprintf(name, sizeof name, "tmp102-%u-0x%02x", s->tmp[i].bus,
             s->tmp[i].addr);
    first_input(b, st, name, b->conf.temp_mc);
  }
}

static int state_dir(const vy_board *b, char *dir, size_t n) {
  const char *env = getenv("VYOMA_SIM_STATE");
  const char *s = b->conf.sim_state;
  int k;
  if (env && *env)
    k = snprintf(dir, n, "%s", env);
  else if (!s)
    return 0;
  else if (s[0] == '/')
    k = snprintf(dir, n, "%s", s);
  else
    k = snprintf(dir, n, "%s/%s", b->conf.dir, s);
  return k > 0 && (size_t)k < n ? 1 : -1;
}

static int open_log(const sim_state *st, const char *name) {
  char path[HAL_PATH_MAX + 48];
  snprintf(path, sizeof path, "%s/%s", st->dir, name);
  return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
}

static int fail(char *err, size_t errlen, const char *dir, const char *what) {
  if (err && errlen)
    snprintf(err, errlen, "%s: %s: %s", dir, what, strerror(errno));
  return -1;
}

static int setup(vy_board *b, sim_state *st, char *err, size_t errlen) {
  if (mkdir(st->dir, 0755) != 0 && errno != EEXIST)
    return fail(err, errlen, st->dir, "cannot make the state folder");
  if ((st->gpio_log = open_log(st, "gpio.log")) < 0 ||
      (st->i2c_log = open_log(st, "i2c.log")) < 0)
    return fail(err, errlen, st->dir, "cannot write its logs");
  first_files(b, st);
  st->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  st->stop_fd = eventfd(0, EFD_CLOEXEC);
  if (st->ino_fd < 0 || st->stop_fd < 0 ||
      inotify_add_watch(st->ino_fd, st->dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
    return fail(err, errlen, st->dir, "cannot watch it");
  errno = pthread_create(&st->thread, NULL, watch_thread, b);
  if (errno) return fail(err, errlen, st->dir, "cannot start its watcher");
  st->thread_started = true;
  return 0;
}

int sim_state_start(vy_board *b, char *err, size_t errlen) {
  sim_board *s = b->priv;
  char dir[HAL_PATH_MAX];
  int has = state_dir(b, dir, sizeof dir);
  if (has == 0) return 0;
  if (has < 0) {
    if (err && errlen) snprintf(err, errlen, "sim: state folder path too long");
    return -1;
  }
  sim_state *st = calloc(1, sizeof *st);
  if (!st) {
    if (err && errlen) snprintf(err, errlen, "sim: out of memory");
    return -1;
  }
  snprintf(st->dir, sizeof st->dir, "%s", dir);
  st->ino_fd = st->stop_fd = st->gpio_log = st->i2c_log = -1;
  s->st = st;
  return setup(b, st, err, errlen);
}

void sim_state_stop(vy_board *b) {
  sim_state *st = ((sim_board *)b->priv)->st;
  if (!st) return;
  if (st->thread_started) {
    hal_wake(st->stop_fd);
    pthread_join(st->thread, NULL);
  }
  int fds[] = { st->ino_fd, st->stop_fd, st->gpio_log, st->i2c_log };
  for (size_t i = 0; i < 4; i++)
    if (fds[i] >= 0) close(fds[i]);
  free(st);
  ((sim_board *)b->priv)->st = NULL;
}

/* ---- describe ------------------------------------------------------------ */

#define OUT(...)                                                               \
  do {                                                                         \
    int k_ = snprintf(len > n ? buf + n : NULL, len > n ? len - n : 0,         \
                      __VA_ARGS__);                                            \
    if (k_ > 0) n += (size_t)k_;                                               \
  } while (0)

size_t sim_describe(const vy_board *b, char *buf, size_t len) {
  static const char *const roles[] = { "line", "led", "button" };
  const sim_board *s = b->priv;
  size_t n = 0;
  if (len) buf[0] = 0;
  for (size_t i = 0; i < b->nlines; i++)
    OUT("gpio %u sim %s\n", b->lines[i].line, roles[b->lines[i].role]);
  for (size_t i = 0; i < s->ntmp; i++)
    OUT("i2c %u 0x%02x sim tmp102\n", s->tmp[i].bus, s->tmp[i].addr);
  for (size_t i = 0; i < b->conf.simspi.n; i++)
    OUT("spi %u:%u sim loopback\n", b->conf.simspi.v[i].a,
        b->conf.simspi.v[i].b);
  for (size_t i = 0; i < b->nuarts; i++)
    OUT("uart %s sim loopback\n", b->uarts[i].name);
  for (size_t i = 0; i < s->nadc; i++)
    OUT("adc %u:%u sim scale %g mV\n", s->adc[i].dev, s->adc[i].ch,
        b->conf.adc_scale);
  if (s->st) OUT("state %s\n", s->st->dir);
  return n;
}
