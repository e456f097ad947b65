/*
** ota_boot.c — the slot's life after apply: boot selection (a try used
** and saved before a trial slot runs), commit, fail and rollback, and the
** status for `vyctl ota status`.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ota_internal.h"

static bool slot_dir_exists(int dfd, int slot) {
  struct stat sb;
  return fstatat(dfd, vy_ota_slot_name(slot), &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISDIR(sb.st_mode);
}

static void mark_failed(vy_ota_state *st, int i, const char *why) {
  vy_ota_slot *s = &st->slot[i];
  s->priority = 0;
  s->tries_remaining = 0;
  s->successful = false;
  snprintf(st->failed_version, sizeof st->failed_version, "%s", s->version);
  snprintf(st->last_error, sizeof st->last_error, "%s: %s", vy_ota_slot_name(i),
           why);
}

/* the bootable slot of highest priority (a first on a tie), or -1;
** trial_ok false: successful ones only */
static int best_slot(const vy_ota_state *st, bool trial_ok) {
  int best = -1;
  for (int i = 0; i < VY_OTA_SLOTS; i++) {
    const vy_ota_slot *s = &st->slot[i];
    if (!s->priority || (!s->successful && (!trial_ok || !s->tries_remaining)))
      continue;
    if (best < 0 || s->priority > st->slot[best].priority) best = i;
  }
  return best;
}

/* the choice, in st; true when st changed */
static bool choose(vy_ota_state *st, int dfd) {
  bool changed = false;
  for (int i = 0; i < VY_OTA_SLOTS; i++) {
    vy_ota_slot *s = &st->slot[i];
    if (s->priority && !s->successful && !s->tries_remaining) {
      char why[64];
      snprintf(why, sizeof why, "%d boots without a commit", VY_OTA_TRIES);
      mark_failed(st, i, why);
      changed = true;
    }
  }
  int pick;
  while ((pick = best_slot(st, true)) >= 0 && !slot_dir_exists(dfd, pick)) {
    mark_failed(st, pick, "its folder is missing");
    changed = true;
  }
  if (pick >= 0 && !st->slot[pick].successful) {
    st->slot[pick].tries_remaining--;
    changed = true;
  }
  if (st->booted != pick) changed = true;
  st->booted = pick;
  return changed;
}

int vy_ota_boot_select(const char *otadir, vy_ota_state *st, char *err,
                       size_t errlen) {
  char note[256];
  vy_ota_state_load(otadir, st, note, sizeof note);
  if (note[0])
    ota_err(err, errlen, "%s", note);
  else if (err && errlen)
    err[0] = 0;
  int dfd = open(otadir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) { /* no OTADIR: nothing was ever installed */
    st->booted = -1;
    return -1;
  }
  /* a cut apply's leftovers: never booted, removed now (best effort) */
  for (int i = 0; i < VY_OTA_SLOTS; i++) {
    char nd[32];
    snprintf(nd, sizeof nd, "%s.new", vy_ota_slot_name(i));
    ota_io_remove_tree(dfd, nd);
  }
  vy_ota_state orig = *st;
  char why[256];
  /* a damaged copy is written again (choose's changes or not), so that
  ** both copies are good before the slot runs */
  bool changed = choose(st, dfd) || note[0];
  if (changed && vy_ota_state_save(otadir, st, why, sizeof why) < 0) {
    /* a try that cannot be recorded must not be used: only a committed
    ** slot (or the factory system) may run now */
    *st = orig;
    int pick = best_slot(st, false);
    while (pick >= 0 && !slot_dir_exists(dfd, pick)) {
      st->slot[pick].priority = 0;
      pick = best_slot(st, false);
    }
    st->booted = pick;
    ota_err(err, errlen, "%s; booting %s without saving", why,
            vy_ota_slot_name(pick));
  }
  close(dfd);
  return st->booted;
}

/* the running slot of a loaded state, or -1 with why */
static int running(const char *otadir, vy_ota_state *st, const char *verb,
                   char *err, size_t errlen) {
  char note[256];
  vy_ota_state_load(otadir, st, note, sizeof note);
  if (st->booted < 0)
    return ota_err(err, errlen, "the factory system is running: nothing to %s",
                   verb);
  return st->booted;
}

int vy_ota_commit(const char *otadir, char *err, size_t errlen) {
  vy_ota_state st;
  int i = running(otadir, &st, "commit", err, errlen);
  if (i < 0) return -1;
  vy_ota_slot *s = &st.slot[i];
  if (s->successful) return 0; /* committed already */
  if (!s->priority)
    return ota_err(err, errlen,
                   "%s (%s) failed its trial: it cannot be "
                   "committed",
                   vy_ota_slot_name(i), s->version);
  s->successful = true;
  return vy_ota_state_save(otadir, &st, err, errlen);
}

int vy_ota_fail(const char *otadir, const char *reason, char *err,
                size_t errlen) {
  vy_ota_state st;
  int i = running(otadir, &st, "fail", err, errlen);
  if (i < 0) return -1;
  if (!st.slot[i].priority) return 0; /* failed already */
  mark_failed(&st, i, reason && *reason ? reason : "failed");
  return vy_ota_state_save(otadir, &st, err, errlen);
}

int vy_ota_rollback(const char *otadir, char *err, size_t errlen) {
  vy_ota_state st;
  if (running(otadir, &st, "roll back", err, errlen) < 0) return -1;
  return vy_ota_fail(otadir, "rolled back by request", err, errlen);
}

int vy_ota_set_factory_version(const char *otadir, const char *version,
                               char *err, size_t errlen) {
  if (!vy_ota_version_valid(version))
    return ota_err(err, errlen, "bad factory version \"%s\"",
                   version ? version : "");
  vy_ota_state st;
  char note[256];
  vy_ota_state_load(otadir, &st, note, sizeof note);
  if (!strcmp(st.factory_version, version)) return 0; /* the usual boot */
  snprintf(st.factory_version, sizeof st.factory_version, "%s", version);
  return vy_ota_state_save(otadir, &st, err, errlen);
}
