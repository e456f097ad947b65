/*
** ota.c — the supervisor's side of field updates (the core is ota/ota.h):
** the boot stage that picks the system to run, the health check of a slot
** on trial, the `ota` verbs of the control socket and @sys, and the update
** figures of the heartbeat and metrics.
**
** Boot stage (ota_boot, before the profile is read and before any thread):
** vy_ota_boot_select on OTADIR (--ota-dir, else ROOT/data/.ota).  The
** factory system runs ROOT/apps and ROOT/profiles as always.  A slot runs
** its own supervisor when it carries one (OTADIR/slot-X/vyomad, executed
** with --ota-slot X so that it neither selects again nor mounts again);
** otherwise, or once we are that supervisor, the slot's apps/ and
** profiles/ replace ROOT's (S.sys_root).  An exec that fails marks the slot
** failed and this boot goes on with the factory system.
**
** Health check (ota_tick, from the main loop): while the running slot is on
** trial, the clock of the window (the profile's ota_health_window) runs
** while every app with critical = true is running; any critical app that
** is not running (starting, waiting to restart, stopped) sets it back.
** The trial fails when a critical app reaches `failed` (its restart policy
** gave up, or its module cannot start) or has been restarted OTA_RESTARTS
** times, or when any app's manifest does not load (`invalid`): vy_ota_fail
** with the app and its last reason, then, as PID 1, an orderly stop and a
** reboot (the previous good slot boots).  With no
** critical app the slot is committed once the window has passed.
**
** The verbs run on the caller's thread (a control connection, or the
** sending app's thread for @sys) and never hold sup.lock while the core
** reads or writes the disk; one mutex keeps two applies from racing.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../observability/metrics.h"
#include "../ota/ota.h"
#include "vyomad.h"

#define OTA_RESTARTS 3 /* restarts of a critical app that fail a trial */

static struct {
  char dir[4096]; /* OTADIR                                      */
  char key[4096]; /* the trusted public key's file               */
  char version[VY_OTA_VERSION_MAX + 1]; /* the system version running */
  char factory[VY_OTA_VERSION_MAX + 1];
  int booted;               /* 0, 1, or -1 factory                      */
  bool on_trial;            /* the running slot awaits its health check */
  int64_t healthy_ms;       /* since when every critical app runs; 0 none */
  bool reboot;              /* the trial failed: reboot, not power off  */
  pthread_mutex_t mu;       /* the fields above, after the boot stage    */
  pthread_mutex_t apply_mu; /* one apply at a time (not mu: the main
                               loop's tick must not wait for a disk) */
} O = { .booted = -1,
        .mu = PTHREAD_MUTEX_INITIALIZER,
        .apply_mu = PTHREAD_MUTEX_INITIALIZER };

/* ---- the boot stage ------------------------------------------------------ */

/* ROOT/etc/vyoma/version's first line, else the supervisor's own */
static void read_factory_version(const char *root) {
  char path[4200];
  snprintf(path, sizeof path, "%s/etc/vyoma/version", root);
  char *t = read_text(path);
  snprintf(O.factory, sizeof O.factory, "%s", VYOMAD_VERSION);
  if (t) {
    t[strcspn(t, " \t\r\n")] = 0;
    if (vy_ota_version_valid(t)) snprintf(O.factory, sizeof O.factory, "%s", t);
    free(t);
  }
}

/* the slot's supervisor, run in our place with --ota-slot; returns only
** when it cannot be run (why in err) */
static void exec_slot(const char *bin, int slot, char **argv, char *err,
                      size_t errlen) {
  int argc = 0;
  while (argv[argc]) argc++;
  char **nv = calloc((size_t)argc + 3, sizeof *nv);
  if (!nv) {
    snprintf(err, errlen, "out of memory");
    return;
  }
  nv[0] = (char *)bin;
  for (int i = 1; i < argc; i++) nv[i] = argv[i];
  nv[argc] = "--ota-slot";
  nv[argc + 1] = (char *)(slot == 0 ? "a" : "b");
  vlog("ota: running %s's supervisor %s", vy_ota_slot_name(slot), bin);
  fflush(stderr);
  execv(bin, nv);
  snprintf(err, errlen, "%s", strerror(errno));
  free(nv);
}

/* the running slot's facts from a state */
static void take_state(const vy_ota_state *st, int slot) {
  O.booted = slot;
  O.on_trial =
      slot >= 0 && !st->slot[slot].successful && st->slot[slot].priority > 0;
  snprintf(O.version, sizeof O.version, "%s",
           slot >= 0 ? st->slot[slot].version : O.factory);
}

/* the slot chosen (or named by --ota-slot): 0 to run it, -1 factory */
static int slot_boot(int slot, bool selected, char **argv, char *sys,
                     size_t syslen) {
  char dir[4200], bin[4300], err[300];
  if (vy_ota_slot_dir(O.dir, slot, dir, sizeof dir) != 0) return -1;
  snprintf(bin, sizeof bin, "%s/vyomad", dir);
  if (selected && access(bin, X_OK) == 0) {
    exec_slot(bin, slot, argv, err, sizeof err);
    char why[400], e2[256];
    snprintf(why, sizeof why, "cannot run the slot's supervisor: %s", err);
    vlog("ota: %s: %s; booting the factory system", vy_ota_slot_name(slot),
         why);
    if (vy_ota_fail(O.dir, why, e2, sizeof e2) != 0) vlog("ota: %s", e2);
    return -1;
  }
  snprintf(sys, syslen, "%s", dir);
  return 0;
}

int ota_boot(const char *root, const char *otadir, const char *key,
             const char *slot_opt, char **argv, char *sys, size_t syslen) {
  snprintf(O.dir, sizeof O.dir, "%s", otadir ? otadir : "");
  if (!otadir) snprintf(O.dir, sizeof O.dir, "%s/data/.ota", root);
  snprintf(O.key, sizeof O.key, "%s", key ? key : "");
  if (!key) snprintf(O.key, sizeof O.key, "%s/etc/vyoma/ota.pub", root);
  read_factory_version(root);
  snprintf(sys, syslen, "%s", root);
  vy_ota_state st;
  char err[300] = "";
  int slot;
  if (slot_opt) { /* the supervisor the boot stage ran: chosen already */
    vy_ota_state_load(O.dir, &st, err, sizeof err);
    slot = strcmp(slot_opt, "a") == 0 ? 0 : 1;
    if (st.booted != slot) {
      vlog("ota: --ota-slot %s but the state says %s; the factory system",
           slot_opt, vy_ota_slot_name(st.booted));
      slot = -1;
    }
  } else {
    slot = vy_ota_boot_select(O.dir, &st, err, sizeof err);
  }
  if (err[0] && access(O.dir, F_OK) == 0) vlog("ota: %s", err);
  if (slot >= 0 && slot_boot(slot, !slot_opt, argv, sys, syslen) != 0) {
    vy_ota_state_load(O.dir, &st, err, sizeof err);
    slot = -1;
    snprintf(sys, syslen, "%s", root);
  }
  /* the factory version is recorded only where updates were ever made:
  ** a root without OTADIR gets no state written */
  if (access(O.dir, F_OK) == 0 &&
      vy_ota_set_factory_version(O.dir, O.factory, err, sizeof err) != 0)
    vlog("ota: %s", err);
  take_state(&st, slot);
  vlog("ota: running %s, system version %s%s", vy_ota_slot_name(slot),
       O.version, O.on_trial ? ", on trial" : "");
  return slot;
}

/* ---- the health check ---------------------------------------------------- */

/* the trial's verdict on the apps: 1 all critical apps run, 0 not yet,
** -1 failed (why in reason); caller holds sup.lock */
static int critical_health(char *reason, size_t len) {
  int verdict = 1;
  for (size_t i = 0; i < S.napps; i++) {
    const app *a = S.apps[i];
    if (a->removed) continue;
    /* whether it was critical cannot be known: a bundle with a manifest
    ** that does not load is a bad update */
    if (a->state == ST_INVALID) {
      snprintf(reason, len, "app %.32s's manifest does not load on trial",
               a->name);
      return -1;
    }
    if (!a->have_manifest || !a->m.critical) continue;
    if (a->state == ST_FAILED) {
      snprintf(reason, len, "critical app %.32s failed on trial: %.70s",
               a->name, a->reason[0] ? a->reason : "failed");
      return -1;
    }
    if (a->restarts >= OTA_RESTARTS) {
      snprintf(reason, len,
               "critical app %.32s restarted %u times on trial: %.60s", a->name,
               a->restarts, a->reason[0] ? a->reason : "restarted");
      return -1;
    }
    if (a->state != ST_RUNNING) verdict = 0;
  }
  return verdict;
}

static void trial_failed(const char *reason) {
  char err[256];
  vlog("ota: %s %s failed its trial: %s", vy_ota_slot_name(O.booted), O.version,
       reason);
  if (vy_ota_fail(O.dir, reason, err, sizeof err) != 0) vlog("ota: %s", err);
  O.on_trial = false;
  if (!S.pid1) {
    vlog("ota: not PID 1: no reboot (the next start runs the previous slot)");
    return;
  }
  vlog("ota: rebooting into the previous system");
  O.reboot = true;
  atomic_store(&S.shutdown, 1);
}

void ota_tick(void) {
  pthread_mutex_lock(&O.mu);
  bool trial = O.on_trial;
  pthread_mutex_unlock(&O.mu);
  if (!trial) return;
  char reason[256];
  pthread_mutex_lock(&S.lock);
  int h = critical_health(reason, sizeof reason);
  pthread_mutex_unlock(&S.lock);
  int64_t now = now_ms();
  pthread_mutex_lock(&O.mu);
  if (!O.on_trial) { /* an operator's commit or rollback came first */
    pthread_mutex_unlock(&O.mu);
    return;
  }
  if (h < 0) {
    trial_failed(reason);
  } else if (h == 0) {
    O.healthy_ms = 0;
  } else if (!O.healthy_ms) {
    O.healthy_ms = now;
  } else if (now - O.healthy_ms >= (int64_t)S.profile.ota_health_window_ms) {
    char err[256];
    if (vy_ota_commit(O.dir, err, sizeof err) == 0) {
      vlog("ota: %s %s committed", vy_ota_slot_name(O.booted), O.version);
    } else {
      vlog("ota: commit: %s", err);
    }
    O.on_trial = false;
  }
  pthread_mutex_unlock(&O.mu);
}

bool ota_reboot_wanted(void) { return O.reboot; }

/* ---- the figures ----------------------------------------------------------
 */

/* "factory", "trial", "committed", "failed" */
static const char *update_state(const vy_ota_state *st) {
  if (O.booted < 0) return "factory";
  const vy_ota_slot *s = &st->slot[O.booted];
  if (s->successful) return "committed";
  return s->priority ? "trial" : "failed";
}

void ota_metrics(vy_sup_metrics *sm, char *state, size_t len) {
  vy_ota_state st;
  char note[256];
  vy_ota_state_load(O.dir, &st, note, sizeof note);
  snprintf(state, len, "%s", update_state(&st));
  sm->ota_slot = vy_ota_slot_name(O.booted);
  sm->ota_version = O.version;
  sm->ota_state = state;
  sm->ota_tries = O.booted >= 0 ? st.slot[O.booted].tries_remaining : 0;
}

/* ---- the verbs ------------------------------------------------------------
 */

/* the words of "ota ..." (at most 4) and --json among them */
typedef struct ota_args {
  char buf[VY_IPC_MAX_LINE + 1];
  const char *w[4];
  int n;
  bool json, allow_downgrade;
} ota_args;

static int split_args(const char *args, ota_args *a, char *err, size_t errlen) {
  snprintf(a->buf, sizeof a->buf, "%s", args ? args : "");
  for (char *save, *t = strtok_r(a->buf, " ", &save); t;
       t = strtok_r(NULL, " ", &save)) {
    if (!strcmp(t, "--json"))
      a->json = true;
    else if (!strcmp(t, "--allow-downgrade"))
      a->allow_downgrade = true;
    else if (a->n == 4)
      return snprintf(err, errlen,
                      "usage ota status|apply FILE "
                      "[--allow-downgrade]|commit|rollback"),
             -1;
    else
      a->w[a->n++] = t;
  }
  return 0;
}

/* status: the core's lines or object, with the update state and, on
** trial, the health check's window */
static int verb_status(const ota_args *a, sbuf *b) {
  vy_ota_state st;
  char note[256], text[4096];
  vy_ota_state_load(O.dir, &st, note, sizeof note);
  pthread_mutex_lock(&O.mu);
  bool trial = O.on_trial;
  pthread_mutex_unlock(&O.mu);
  const char *state = update_state(&st);
  if (a->json) {
    vy_ota_status_json(&st, text, sizeof text);
    size_t l = strlen(text);
    if (l && text[l - 1] == '}') text[l - 1] = 0;
    sb_printf(b, "%s,\"version\":", text);
    sb_json_str(b, O.version);
    sb_printf(b, ",\"state\":\"%s\",\"health_window_ms\":%u}\n", state,
              S.profile.ota_health_window_ms);
    return 0;
  }
  vy_ota_status_text(&st, text, sizeof text);
  sb_printf(b, "system: %s (%s)\n%s", O.version, state, text);
  if (text[0] && text[strlen(text) - 1] != '\n') sb_printf(b, "\n");
  if (trial)
    sb_printf(b,
              "health check: committed once every critical app has run "
              "for %u ms\n",
              S.profile.ota_health_window_ms);
  return 0;
}

/* apply FILE: verified whole by the core before anything is written */
static int verb_apply(const ota_args *a, sbuf *b, char *err, size_t errlen) {
  if (a->n != 2) return snprintf(err, errlen, "usage ota apply FILE"), -1;
  uint8_t key[32];
  char e[300];
  if (vy_ota_key_read(O.key, key, sizeof key, e, sizeof e) != 0)
    return snprintf(err, errlen, "ota-no-key no trusted update key: %s", e), -1;
  struct utsname u;
  if (uname(&u) != 0) snprintf(u.machine, sizeof u.machine, "unknown");
  pthread_mutex_lock(&O.mu);
  char running[VY_OTA_VERSION_MAX + 1];
  snprintf(running, sizeof running, "%s", O.version);
  pthread_mutex_unlock(&O.mu);
  vy_ota_env env = { .otadir = O.dir,
                     .pubkey = key,
                     .profile = S.profile_name,
                     .arch = u.machine,
                     .running_version = running,
                     .allow_downgrade = a->allow_downgrade };
  if (pthread_mutex_trylock(&O.apply_mu) != 0)
    return snprintf(err, errlen, "ota-busy an update is being applied"), -1;
  /* the core makes OTADIR; on a host root its parent may not exist yet
  ** (ROOT/data: on the device the data disk's mount point) */
  char parent[sizeof O.dir];
  snprintf(parent, sizeof parent, "%s", O.dir);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) {
    *slash = 0;
    if (mkdir(parent, 0755) != 0 && errno != EEXIST)
      vlog("ota: mkdir %s: %s", parent, strerror(errno));
  }
  int slot = -1;
  vlog("ota: applying %s", a->w[1]);
  int r = vy_ota_apply(&env, a->w[1], &slot, e, sizeof e);
  pthread_mutex_unlock(&O.apply_mu);
  if (r != 0) {
    vlog("ota: apply refused: %s", e);
    return snprintf(err, errlen, "ota-refused %s", e), -1;
  }
  vy_ota_state st;
  vy_ota_state_load(O.dir, &st, e, sizeof e);
  const char *ver = st.slot[slot].version;
  vlog("ota: %s now holds %s, on trial from the next boot",
       vy_ota_slot_name(slot), ver);
  if (a->json) {
    sb_printf(b, "{\"applied\":true,\"slot\":\"%s\",\"version\":",
              vy_ota_slot_name(slot));
    sb_json_str(b, ver);
    sb_printf(b, "}\n");
  } else {
    sb_printf(b, "%s now holds %s: it boots on trial at the next boot\n",
              vy_ota_slot_name(slot), ver);
  }
  return 0;
}

/* commit and rollback: the running slot's trial ends by an operator */
static int verb_end(const ota_args *a, bool commit, sbuf *b, char *err,
                    size_t errlen) {
  if (a->n != 1)
    return snprintf(err, errlen, "usage ota %s",
                    commit ? "commit" : "rollback"),
           -1;
  char e[300];
  pthread_mutex_lock(&O.mu);
  int r = commit ? vy_ota_commit(O.dir, e, sizeof e)
                 : vy_ota_rollback(O.dir, e, sizeof e);
  if (r == 0) O.on_trial = false;
  const char *slot = vy_ota_slot_name(O.booted);
  pthread_mutex_unlock(&O.mu);
  if (r != 0) return snprintf(err, errlen, "ota-refused %s", e), -1;
  vlog("ota: %s %s %s by request", slot, O.version,
       commit ? "committed" : "rolled back");
  if (a->json)
    sb_printf(b, "{\"%s\":true,\"slot\":\"%s\"}\n",
              commit ? "committed" : "rolled_back", slot);
  else if (commit)
    sb_printf(b, "%s %s committed\n", slot, O.version);
  else
    sb_printf(b, "%s %s rolled back: the previous good system boots next\n",
              slot, O.version);
  return 0;
}

/* an app may say "@sys: ota ..." only with [capabilities] ota = true */
static int sys_granted(const char *from, char *err, size_t errlen) {
  pthread_mutex_lock(&S.lock);
  app *a = app_find(from);
  bool ok = a && a->have_manifest && a->m.ota;
  pthread_mutex_unlock(&S.lock);
  if (ok) return 0;
  snprintf(err, errlen,
           "denied ota: app %.64s has no ota grant ([capabilities] ota = "
           "true)",
           from);
  return -1;
}

int ota_command(const char *args, bool json, const char *from, sbuf *b,
                char *err, size_t errlen) {
  if (from && sys_granted(from, err, errlen) != 0) return -1;
  ota_args a = { .json = json };
  if (split_args(args, &a, err, errlen) != 0) return -1;
  const char *verb = a.n ? a.w[0] : "status";
  if (!strcmp(verb, "status") && a.n <= 1) return verb_status(&a, b);
  if (!strcmp(verb, "apply")) return verb_apply(&a, b, err, errlen);
  if (!strcmp(verb, "commit")) return verb_end(&a, true, b, err, errlen);
  if (!strcmp(verb, "rollback")) return verb_end(&a, false, b, err, errlen);
  snprintf(err, errlen,
           "usage ota status [--json] | apply FILE [--allow-downgrade] | "
           "commit | rollback");
  return -1;
}
