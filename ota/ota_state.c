/*
** ota_state.c — the slot state on disk: two copies, OTADIR/state and
** OTADIR/state.1, each a small text file
**
**   vyoma-ota-state 1
**   seq = 12
**   booted = slot-b                 (slot-a, slot-b or factory)
**   factory_version = 1.0.0
**   failed_version = 1.5.0
**   last_error = critical app clock crash-looped on trial
**   slot-a.priority = 1
**   slot-a.tries = 0
**   slot-a.successful = 1
**   slot-a.version = 1.0.0
**   slot-b.priority = 2 ...         (the same four for slot-b)
**   sum = SHA-256 (hex) of every byte before this line
**
** A save writes each copy to NAME.tmp, fsyncs it, renames it over NAME and
** fsyncs OTADIR: state first, then state.1, the same text (one seq).  A
** load takes the valid copy with the higher seq; a copy that is torn,
** garbage or missing is noted in err and otherwise ignored.
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ota_internal.h"

#define STATE_MAX 4096
static const char *const copies[2] = { "state", "state.1" };

const char *vy_ota_slot_name(int slot) {
  return slot == 0 ? "slot-a" : slot == 1 ? "slot-b" : "factory";
}

static void factory(vy_ota_state *st) {
  memset(st, 0, sizeof *st);
  st->booted = -1;
}

/* a text value: one line of printable bytes (a reason may hold anything) */
static void clean(char *dst, size_t n, const char *src) {
  snprintf(dst, n, "%s", src ? src : "");
  for (char *p = dst; *p; p++)
    if ((unsigned char)*p < ' ' || *p == 0x7f) *p = ' ';
}

static int format_state(const vy_ota_state *st, char *buf, size_t n) {
  char fe[sizeof st->last_error];
  clean(fe, sizeof fe, st->last_error);
  int len = snprintf(buf, n,
                     "vyoma-ota-state 1\nseq = %llu\nbooted = %s\n"
                     "factory_version = %s\nfailed_version = %s\n"
                     "last_error = %s\n",
                     (unsigned long long)st->seq, vy_ota_slot_name(st->booted),
                     st->factory_version, st->failed_version, fe);
  for (int i = 0; i < VY_OTA_SLOTS && len > 0 && (size_t)len < n; i++) {
    const vy_ota_slot *s = &st->slot[i];
    const char *nm = vy_ota_slot_name(i);
    len += snprintf(buf + len, n - (size_t)len,
                    "%s.priority = %u\n%s.tries = %u\n%s.successful = %d\n"
                    "%s.version = %s\n",
                    nm, s->priority, nm, s->tries_remaining, nm,
                    s->successful ? 1 : 0, nm, s->version);
  }
  if (len <= 0 || (size_t)len + 80 > n) return -1;
  uint8_t sha[32];
  char hex[65];
  crypto_hash_sha256(sha, (const uint8_t *)buf, (unsigned long long)len);
  ota_hex(sha, 32, hex);
  len += snprintf(buf + len, n - (size_t)len, "sum = %s\n", hex);
  return len;
}

/* ---- parsing ---- */

static int parse_u(const char *v, uint64_t max, uint64_t *out) {
  if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 19) return -1;
  *out = strtoull(v, NULL, 10);
  return *out <= max ? 0 : -1;
}

static int parse_version(const char *v, char *out) {
  if (*v && !vy_ota_version_valid(v)) return -1;
  strcpy(out, v); /* valid versions fit */
  return 0;
}

static int parse_slot_key(vy_ota_slot *s, const char *k, const char *v) {
  uint64_t u;
  if (!strcmp(k, "priority")) {
    if (parse_u(v, 1000, &u) < 0) return -1;
    s->priority = (uint32_t)u;
  } else if (!strcmp(k, "tries")) {
    if (parse_u(v, 1000, &u) < 0) return -1;
    s->tries_remaining = (uint32_t)u;
  } else if (!strcmp(k, "successful")) {
    if (parse_u(v, 1, &u) < 0) return -1;
    s->successful = u;
  } else if (!strcmp(k, "version")) {
    return parse_version(v, s->version);
  } else {
    return -1;
  }
  return 0;
}

static int parse_key(vy_ota_state *st, const char *k, const char *v) {
  uint64_t u;
  if (!strcmp(k, "seq")) {
    if (parse_u(v, UINT64_MAX, &u) < 0) return -1;
    st->seq = u;
  } else if (!strcmp(k, "booted")) {
    st->booted = -2;
    for (int i = -1; i < VY_OTA_SLOTS; i++)
      if (!strcmp(v, vy_ota_slot_name(i))) st->booted = i;
    if (st->booted == -2) return -1;
  } else if (!strcmp(k, "factory_version")) {
    return parse_version(v, st->factory_version);
  } else if (!strcmp(k, "failed_version")) {
    return parse_version(v, st->failed_version);
  } else if (!strcmp(k, "last_error")) {
    if (strlen(v) >= sizeof st->last_error) return -1;
    strcpy(st->last_error, v);
  } else {
    for (int i = 0; i < VY_OTA_SLOTS; i++) {
      const char *nm = vy_ota_slot_name(i);
      size_t n = strlen(nm);
      if (!strncmp(k, nm, n) && k[n] == '.')
        return parse_slot_key(&st->slot[i], k + n + 1, v);
    }
    return -1;
  }
  return 0;
}

/* one copy's text: 0 and st filled, or -1 with why */
static int parse_state(const char *buf, size_t len, vy_ota_state *st,
                       const char **why) {
  static const char head[] = "vyoma-ota-state 1\n";
  *why = "not a state file";
  if (len < sizeof head || memcmp(buf, head, sizeof head - 1)) return -1;
  if (memchr(buf, 0, len)) return -1;
  *why = "torn or damaged (no checksum line)";
  const char *sum = len > 71 ? buf + len - 71 : NULL; /* "sum = " 64 "\n" */
  if (!sum || buf[len - 1] != '\n' || sum[-1] != '\n' ||
      memcmp(sum, "sum = ", 6))
    return -1;
  uint8_t want[32], got[32];
  *why = "checksum mismatch";
  if (ota_unhex(sum + 6, 32, want) < 0) return -1;
  crypto_hash_sha256(got, (const uint8_t *)buf,
                     (unsigned long long)(sum - buf));
  if (memcmp(want, got, 32)) return -1;
  factory(st);
  char text[STATE_MAX + 1];
  size_t n = (size_t)(sum - buf) - (sizeof head - 1);
  memcpy(text, buf + sizeof head - 1, n);
  text[n] = 0;
  int keys = 0;
  *why = "a bad line";
  for (char *line = text, *nl; *line; line = nl + 1, keys++) {
    nl = strchr(line, '\n');
    *nl = 0; /* the text ends in '\n': there is one */
    char *eq = strstr(line, " = ");
    if (!eq) return -1;
    *eq = 0;
    if (parse_key(st, line, eq + 3) < 0) return -1;
  }
  *why = "keys missing";
  return keys == 5 + 4 * VY_OTA_SLOTS ? 0 : -1;
}

/* copy i: 0 loaded, 1 missing, -1 damaged (why) */
static int load_copy(const char *otadir, int i, vy_ota_state *st,
                     const char **why) {
  char path[4096], buf[STATE_MAX + 1];
  snprintf(path, sizeof path, "%s/%s", otadir, copies[i]);
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    *why = strerror(errno);
    return errno == ENOENT ? 1 : -1;
  }
  size_t len = 0;
  ssize_t r;
  while (len < sizeof buf && (r = read(fd, buf + len, sizeof buf - len)) > 0)
    len += (size_t)r;
  close(fd);
  if (len > STATE_MAX) {
    *why = "too large";
    return -1;
  }
  return parse_state(buf, len, st, why);
}

void vy_ota_state_load(const char *otadir, vy_ota_state *st, char *err,
                       size_t errlen) {
  vy_ota_state c[2];
  int rc[2];
  const char *why[2];
  size_t used = 0;
  if (err && errlen) err[0] = 0;
  for (int i = 0; i < 2; i++) rc[i] = load_copy(otadir, i, &c[i], &why[i]);
  factory(st);
  int best = -1;
  for (int i = 0; i < 2; i++)
    if (rc[i] == 0 && (best < 0 || c[i].seq > c[best].seq)) best = i;
  if (best >= 0) *st = c[best];
  /* a note per copy that is damaged, or missing while the other is not */
  for (int i = 0; i < 2 && err && errlen; i++) {
    if (rc[i] == 0 || (rc[i] == 1 && best < 0)) continue;
    int n =
        snprintf(err + used, errlen - used, "%s%s/%s %s: %s", used ? "; " : "",
                 otadir, copies[i], rc[i] == 1 ? "missing" : "damaged", why[i]);
    if (n < 0 || (size_t)n >= errlen - used) break;
    used += (size_t)n;
  }
  if (err && errlen && used && used + 40 < errlen)
    snprintf(err + used, errlen - used,
             best < 0 ? " (factory state)" : " (using the other copy)");
}

/* one copy: NAME.tmp written, synced, renamed over NAME, OTADIR synced */
static int save_copy(int dfd, const char *name, const char *text, size_t len) {
  char tmp[32];
  snprintf(tmp, sizeof tmp, "%s.tmp", name);
  int fd = ota_io_create(dfd, tmp, 0644, false);
  if (fd < 0) return -1;
  int rc = ota_io_write(fd, tmp, text, len);
  if (rc == 0) rc = ota_io_fsync(fd, tmp);
  int e = errno;
  close(fd);
  errno = e;
  if (rc == 0) rc = ota_io_rename(dfd, tmp, name);
  if (rc == 0) rc = ota_io_fsync_dir(dfd, ".");
  return rc;
}

int vy_ota_state_save(const char *otadir, vy_ota_state *st, char *err,
                      size_t errlen) {
  if (ota_sodium(err, errlen) < 0) return -1;
  char text[STATE_MAX];
  st->seq++;
  int len = format_state(st, text, sizeof text);
  if (len < 0) return ota_err(err, errlen, "%s/state: too large", otadir);
  int dfd = open(otadir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ota_err(err, errlen, "%s: %s", otadir, strerror(errno));
  int rc = 0;
  for (int i = 0; i < 2 && rc == 0; i++)
    if (save_copy(dfd, copies[i], text, (size_t)len) < 0)
      rc = ota_err(err, errlen, "%s/%s: cannot save: %s", otadir, copies[i],
                   strerror(errno));
  close(dfd);
  return rc;
}
