/*
** tests/ota/fault.c — the power-cut walk.  A child process runs one step
** of the update's life with VYOMA_OTA_FAULT=N (ota_io.c: _exit(86) just
** before the Nth write point) for N = 1 .. the last point (counted first
** by a run with VYOMA_OTA_FAULT_LOG); after each cut the parent, as the
** next boot would, loads the state and runs boot_select, and checks that
** the slot it picks is complete (exactly its bundle's files, bytes and
** modes: the old good one, or the new one once the final save happened);
** then it finishes the job (applies again) and checks the result.
**
**   apply     2.0.0 into slot-a (which holds 0.5.0) while slot-b runs 1.0.0
**   boot      boot_select using up a try of 2.0.0 on trial
**   commit    2.0.0's commit
**   fail      2.0.0's failure
** and the error walk: the apply with VYOMA_OTA_ERROR=N (the Nth point
** fails with EIO, as a dying disk would) for every N: refused with a line
** naming the file, a complete slot still boots, applying again completes.
** The fault log of the apply is kept as build/test-logs/ota-fault-points.txt
** (tests/ota/run.sh prints its summary).
*/
#include "ota_test.h"

static char *b05, *b10, *b20;

static const char *bundle_of(const char *version) {
  return !strcmp(version, "0.5.0")   ? b05
         : !strcmp(version, "1.0.0") ? b10
         : !strcmp(version, "2.0.0") ? b20
                                     : NULL;
}

enum step { APPLY, BOOT, COMMIT, FAIL };
static const char *const step_name[] = { "apply", "boot", "commit", "fail" };

static void do_step(enum step s, const char *ota) {
  vy_ota_env env = t_env(ota);
  vy_ota_state st;
  char err[512];
  int rc = 0;
  switch (s) {
    case APPLY: rc = vy_ota_apply(&env, b20, NULL, err, sizeof err); break;
    case BOOT: vy_ota_boot_select(ota, &st, err, sizeof err); break;
    case COMMIT: rc = vy_ota_commit(ota, err, sizeof err); break;
    case FAIL: rc = vy_ota_fail(ota, "a test failure", err, sizeof err); break;
  }
  /* an injected error's message is the parent's to check, in OTADIR.err */
  const char *injected = getenv("VYOMA_OTA_ERROR");
  if (rc < 0 && injected) {
    char path[4200];
    snprintf(path, sizeof path, "%s.err", ota);
    FILE *f = fopen(path, "w");
    if (f) fprintf(f, "%s", err), fclose(f);
  } else if (rc < 0) {
    printf("    %s: %s\n", step_name[s], err);
  }
  _exit(rc < 0 ? 1 : 0);
}

/* the step in a child, cut at point n (0: not cut), or with an error
** there (var VYOMA_OTA_ERROR); its exit status */
static int child(enum step s, const char *ota, int n, const char *var,
                 const char *log) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    if (n) setenv(var, num, 1);
    if (log) setenv("VYOMA_OTA_FAULT_LOG", log, 1);
    do_step(s, ota);
  }
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* slot i of st, if bootable, holds exactly its version's bundle */
static void bootable_complete(const char *ota, const vy_ota_state *st, int i,
                              const char *label) {
  char why[512];
  if (!st->slot[i].priority) return;
  const char *b = bundle_of(st->slot[i].version);
  CHECKF(b, "%s: %s holds version \"%s\"", label, vy_ota_slot_name(i),
         st->slot[i].version);
  if (b)
    CHECKF(t_slot_is(ota, i, b, why, sizeof why), "%s: %s is not complete: %s",
           label, vy_ota_slot_name(i), why);
}

/* the next boot after a cut: every bootable slot (the one picked above
** all) is complete; the picked one's version */
static const char *boot_checks(const char *ota, const char *label) {
  vy_ota_state st;
  char err[512];
  int s = vy_ota_boot_select(ota, &st, err, sizeof err);
  CHECKF(s >= 0, "%s: boots the factory system (%s)", label, err);
  for (int i = 0; i < VY_OTA_SLOTS; i++) bootable_complete(ota, &st, i, label);
  if (s < 0) return "";
  const char *b = bundle_of(st.slot[s].version);
  return b == b20 ? "2.0.0" : b == b10 ? "1.0.0" : "0.5.0";
}

/* the template: 0.5.0 committed in slot-a, then 1.0.0 committed in slot-b
** and running; with `trial`, 2.0.0 applied into slot-a and booted */
static char *setup(bool trial) {
  char *ota = t_tmpdir("fault"), err[512];
  vy_ota_env env = t_env(ota);
  vy_ota_state st;
  const char *steps[] = { b05, b10, trial ? b20 : NULL };
  for (int i = 0; i < 3 && steps[i]; i++) {
    if (vy_ota_apply(&env, steps[i], NULL, err, sizeof err) < 0)
      printf("    setup: %s\n", err);
    vy_ota_boot_select(ota, &st, err, sizeof err);
    if (i < 2) vy_ota_commit(ota, err, sizeof err);
  }
  return ota;
}

/* the number of points the step passes, counted by a run with the log */
static int count_points(enum step s, const char *tmpl, const char *keep) {
  char *work = t_tmpdir("count"), log[4200];
  snprintf(log, sizeof log, "%s.log", work);
  t_sh("rm -rf '%s' && cp -a '%s' '%s' && rm -f '%s'", work, tmpl, work, log);
  int rc = child(s, work, 0, NULL, log);
  CHECKF(rc == 0, "%s: exit status %d without a cut", step_name[s], rc);
  char cmd[8600];
  snprintf(cmd, sizeof cmd, "wc -l < '%s'", log);
  FILE *p = popen(cmd, "r");
  int n = 0;
  if (!p || fscanf(p, "%d", &n) != 1) n = 0;
  if (p) pclose(p);
  if (keep) t_sh("cp '%s' '%s'", log, keep);
  t_sh("rm -rf '%s' '%s'", work, log);
  free(work);
  return n;
}

/* after the parent's boot found version ver: finishing the step's job */
static void finish(enum step s, const char *ota, const char *ver,
                   const char *label) {
  vy_ota_env env = t_env(ota);
  char err[512];
  bool is_new = !strcmp(ver, "2.0.0"), is_old = !strcmp(ver, "1.0.0");
  switch (s) {
    case APPLY:
      CHECKF(is_new || is_old, "%s: boots %s", label, ver);
      if (is_old) {
        CHECKF(vy_ota_apply(&env, b20, NULL, err, sizeof err) == 0,
               "%s: applying again: %s", label, err);
        CHECKF(!strcmp(boot_checks(ota, label), "2.0.0"), "%s: not 2.0.0",
               label);
      }
      break;
    case BOOT:
    case COMMIT:
      CHECKF(is_new, "%s: boots %s", label, ver);
      CHECKF(vy_ota_commit(ota, err, sizeof err) == 0, "%s: commit: %s", label,
             err);
      break;
    case FAIL:
      CHECKF(is_new || is_old, "%s: boots %s", label, ver);
      if (is_new)
        CHECKF(vy_ota_fail(ota, "again", err, sizeof err) == 0, "%s: fail: %s",
               label, err);
      CHECKF(!strcmp(boot_checks(ota, label), "1.0.0"), "%s: not 1.0.0", label);
      break;
  }
}

static void walk(enum step s, bool trial, const char *keep) {
  char *tmpl = setup(trial);
  int total = count_points(s, tmpl, keep);
  CHECKF(total > 0, "%s: no fault point", step_name[s]);
  printf("# fault walk %s: %d points\n", step_name[s], total);
  char *work = t_tmpdir("walk");
  for (int n = 1; n <= total + 1 && !check_failing(); n++) {
    char label[64], err[512];
    snprintf(label, sizeof label, "%s cut %d/%d", step_name[s], n, total);
    t_sh("rm -rf '%s' && cp -a '%s' '%s'", work, tmpl, work);
    int rc = child(s, work, n, "VYOMA_OTA_FAULT", NULL);
    CHECKF(rc == (n <= total ? 86 : 0), "%s: exit status %d", label, rc);
    vy_ota_state st;
    vy_ota_state_load(work, &st, err, sizeof err);
    CHECKF(!err[0], "%s: state: %s", label, err);
    finish(s, work, boot_checks(work, label), label);
  }
  t_sh("rm -rf '%s' '%s'", work, tmpl);
  free(work);
  free(tmpl);
}

/* VYOMA_OTA_ERROR=N for every point of an apply: refused with the
** error's line naming the file, the system still boots a complete slot,
** and the apply done again (the disk well again) completes */
static void error_walk(void) {
  char *tmpl = setup(false);
  int total = count_points(APPLY, tmpl, NULL);
  char *work = t_tmpdir("errwalk"), errfile[4200];
  snprintf(errfile, sizeof errfile, "%s.err", work);
  for (int n = 1; n <= total && !check_failing(); n++) {
    char label[64], msg[512] = "";
    snprintf(label, sizeof label, "apply error %d/%d", n, total);
    t_sh("rm -rf '%s' '%s' && cp -a '%s' '%s'", work, errfile, tmpl, work);
    int rc = child(APPLY, work, n, "VYOMA_OTA_ERROR", NULL);
    FILE *f = fopen(errfile, "r");
    if (f) msg[fread(msg, 1, sizeof msg - 1, f)] = 0, fclose(f);
    CHECKF(rc == 1, "%s: exit status %d", label, rc);
    CHECKF(strstr(msg, work) && strstr(msg, "Input/output error"),
           "%s: message \"%s\"", label, msg);
    finish(APPLY, work, boot_checks(work, label), label);
  }
  t_sh("rm -rf '%s' '%s' '%s'", work, errfile, tmpl);
  free(work);
  free(tmpl);
}

static void apply_walk(void) { walk(APPLY, false, getenv("OTA_POINTS_LOG")); }
static void boot_walk(void) { walk(BOOT, true, NULL); }
static void commit_walk(void) { walk(COMMIT, true, NULL); }
static void fail_walk(void) { walk(FAIL, true, NULL); }

int main(int argc, char **argv) {
  check_init(argc, argv, "fault");
  t_keys();
  b05 = t_bundle("0.5.0");
  b10 = t_bundle("1.0.0");
  b20 = t_bundle("2.0.0");
  RUN(apply_walk);
  RUN(boot_walk);
  RUN(commit_walk);
  RUN(fail_walk);
  RUN(error_walk);
  t_sh("rm -f '%s' '%s' '%s'", b05, b10, b20);
  return check_end();
}
