/*
** tests/ota/slots.c — an update's life on a scratch OTADIR: apply from the
** factory system, boot selection using up tries, commit, a second update
** into the other slot, fail and rollback, tries running out, a missing
** slot folder, a leftover slot-X.new, apply refused while on trial, a
** damaged state copy written again at boot, a fifo given as a bundle, a
** try that cannot be saved (not used).
*/
#include "ota_test.h"

static char *v1, *v2, *v3;

static int boot(const char *otadir, vy_ota_state *st) {
  char err[512];
  int s = vy_ota_boot_select(otadir, st, err, sizeof err);
  if (err[0]) printf("    boot_select: %s\n", err);
  return s;
}

static void life(void) {
  char *ota = t_tmpdir("life"), err[512], why[512];
  vy_ota_env env = t_env(ota);
  vy_ota_state st;
  int slot;
  EQ(boot(ota, &st), -1); /* nothing installed: factory */
  REQUIRE(vy_ota_set_factory_version(ota, "1.0.0", err, sizeof err) == 0);
  CHECK(vy_ota_apply(&env, v1, &slot, err, sizeof err) < 0);
  CHECKF(strstr(err, "version 1.0.0 is not newer than the running 1.0.0"), "%s",
         err);
  REQUIRE(vy_ota_set_factory_version(ota, "0.9", err, sizeof err) == 0);
  unsigned long points = vy_ota_io_points();
  REQUIRE(vy_ota_set_factory_version(ota, "0.9", err, sizeof err) == 0);
  EQ(vy_ota_io_points(), points); /* unchanged: nothing written */
  CHECK(vy_ota_set_factory_version(ota, "x", err, sizeof err) < 0);
  REQUIREF(vy_ota_apply(&env, v1, &slot, err, sizeof err) == 0, "%s", err);
  EQ(slot, 0);
  CHECKF(t_slot_is(ota, 0, v1, why, sizeof why), "%s", why);
  struct stat sb;
  char p[4200];
  snprintf(p, sizeof p, "%s/slot-a/vyomad", ota);
  REQUIRE(stat(p, &sb) == 0);
  EQ(sb.st_mode & 0777, 0755u);
  snprintf(p, sizeof p, "%s/slot-a.new", ota);
  CHECK(access(p, F_OK) != 0);
  /* on trial: each boot uses a try, saved */
  EQ(boot(ota, &st), 0);
  EQ(st.slot[0].tries_remaining, (unsigned)VY_OTA_TRIES - 1);
  CHECK(!st.slot[0].successful);
  env.running_version = NULL;
  CHECK(vy_ota_apply(&env, v2, &slot, err, sizeof err) < 0);
  CHECKF(strstr(err, "slot-a is on trial (1.0.0): commit or roll back first"),
         "%s", err);
  REQUIREF(vy_ota_commit(ota, err, sizeof err) == 0, "%s", err);
  CHECK(vy_ota_commit(ota, err, sizeof err) == 0); /* again: nothing */
  EQ(boot(ota, &st), 0);
  CHECK(st.slot[0].successful);
  /* the second update goes to slot b; a stays the fallback */
  REQUIREF(vy_ota_apply(&env, v2, &slot, err, sizeof err) == 0, "%s", err);
  EQ(slot, 1);
  CHECKF(t_slot_is(ota, 1, v2, why, sizeof why), "%s", why);
  CHECKF(t_slot_is(ota, 0, v1, why, sizeof why), "%s", why);
  EQ(boot(ota, &st), 1);
  EQ(st.slot[0].priority, 1u);
  EQ(st.slot[1].priority, 2u);
  /* the trial fails: a boots next, the failure recorded */
  REQUIREF(vy_ota_fail(ota, "critical app clock crash-looped on trial", err,
                       sizeof err) == 0,
           "%s", err);
  CHECK(vy_ota_apply(&env, v3, &slot, err, sizeof err) < 0);
  CHECKF(strstr(err, "failed its trial"), "%s", err);
  EQ(boot(ota, &st), 0);
  EQ((const char *)st.failed_version, "2.0.0");
  EQ((const char *)st.last_error,
     "slot-b: critical app clock crash-looped on trial");
  /* v3 over the failed slot b, committed; a rollback then boots a */
  REQUIREF(vy_ota_apply(&env, v3, &slot, err, sizeof err) == 0, "%s", err);
  EQ(slot, 1);
  EQ(boot(ota, &st), 1);
  REQUIRE(vy_ota_commit(ota, err, sizeof err) == 0);
  REQUIREF(vy_ota_rollback(ota, err, sizeof err) == 0, "%s", err);
  EQ(boot(ota, &st), 0);
  EQ((const char *)st.slot[0].version, "1.0.0");
  /* rolling back the last good slot: the factory system */
  REQUIRE(vy_ota_rollback(ota, err, sizeof err) == 0);
  EQ(boot(ota, &st), -1);
  CHECK(vy_ota_rollback(ota, err, sizeof err) < 0);
  CHECKF(strstr(err, "factory system is running"), "%s", err);
  CHECK(vy_ota_commit(ota, err, sizeof err) < 0);
  t_sh("rm -rf '%s'", ota);
  free(ota);
}

/* a trial never committed: VY_OTA_TRIES boots, then the previous slot */
static void tries_run_out(void) {
  char *ota = t_tmpdir("tries"), err[512];
  vy_ota_env env = t_env(ota);
  vy_ota_state st;
  REQUIRE(t_install(ota, v1) == 0);
  REQUIRE(vy_ota_apply(&env, v2, NULL, err, sizeof err) == 0);
  for (int i = 0; i < VY_OTA_TRIES; i++) EQ(boot(ota, &st), 1);
  EQ(boot(ota, &st), 0);
  EQ(st.slot[1].priority, 0u);
  EQ((const char *)st.failed_version, "2.0.0");
  EQ((const char *)st.last_error, "slot-b: 3 boots without a commit");
  t_sh("rm -rf '%s'", ota);
  free(ota);
}

/* a bootable slot whose folder is gone is never picked; a leftover
** slot-X.new is removed by boot_select and by apply */
static void missing_and_leftover(void) {
  char *ota = t_tmpdir("missing"), err[512], why[512];
  vy_ota_env env = t_env(ota);
  vy_ota_state st;
  REQUIRE(t_install(ota, v1) == 0);
  REQUIRE(vy_ota_apply(&env, v2, NULL, err, sizeof err) == 0);
  t_sh("rm -rf '%s/slot-b'", ota);
  EQ(boot(ota, &st), 0);
  CHECKF(strstr(st.last_error, "folder is missing"), "%s", st.last_error);
  t_sh(
      "mkdir -p '%s/slot-b.new/apps/x' && echo half > "
      "'%s/slot-b.new/apps/x/x.wasm'",
      ota, ota);
  EQ(boot(ota, &st), 0);
  CHECK(t_sh("test -e '%s/slot-b.new'", ota) != 0);
  t_sh("mkdir -p '%s/slot-b.new/apps/x'", ota);
  REQUIREF(vy_ota_apply(&env, v2, NULL, err, sizeof err) == 0, "%s", err);
  CHECKF(t_slot_is(ota, 1, v2, why, sizeof why), "%s", why);
  CHECK(t_sh("test -e '%s/slot-b.new'", ota) != 0);
  /* a missing OTADIR: created by apply */
  t_sh("rm -rf '%s'", ota);
  REQUIREF(vy_ota_apply(&env, v1, NULL, err, sizeof err) == 0, "%s", err);
  t_sh("rm -rf '%s'", ota);
  free(ota);
}

/* the downgrade switch, and a version from the state when none is given */
static void downgrade(void) {
  char *ota = t_tmpdir("down"), err[512];
  vy_ota_env env = t_env(ota);
  REQUIRE(t_install(ota, v2) == 0);
  CHECK(vy_ota_apply(&env, v1, NULL, err, sizeof err) < 0);
  EQ((const char *)strstr(err, "version"),
     "version 1.0.0 is not newer than the running 2.0.0");
  env.allow_downgrade = true;
  REQUIREF(vy_ota_apply(&env, v1, NULL, err, sizeof err) == 0, "%s", err);
  t_sh("rm -rf '%s'", ota);
  free(ota);
}

/* boot_select writes a damaged state copy again; a fifo is no bundle and
** does not hang the open */
static void repair_and_fifo(void) {
  char *ota = t_tmpdir("repair"), err[512], p[4200];
  vy_ota_state st;
  REQUIRE(t_install(ota, v1) == 0);
  snprintf(p, sizeof p, "%s/state.1", ota);
  FILE *f = fopen(p, "w");
  REQUIRE(f);
  fputs("vyoma-ota-state 1\nseq = 99\n", f); /* torn */
  fclose(f);
  EQ(vy_ota_boot_select(ota, &st, err, sizeof err), 0);
  CHECKF(strstr(err, "state.1 damaged"), "%s", err);
  vy_ota_state_load(ota, &st, err, sizeof err);
  EQ((const char *)err, "");
  snprintf(p, sizeof p, "%s/fifo.vyb", ota);
  REQUIRE(mkfifo(p, 0644) == 0);
  vy_bundle *b;
  CHECK(vy_bundle_open(p, t_pk, &b, err, sizeof err) < 0);
  CHECKF(strstr(err, "not a regular file"), "%s", err);
  t_sh("rm -rf '%s'", ota);
  free(ota);
}

/* a try that cannot be saved is not used: the committed slot boots */
static void unsaved_try(void) {
  char *ota = t_tmpdir("unsaved"), err[512], num[32];
  vy_ota_env env = t_env(ota);
  vy_ota_state st;
  REQUIRE(t_install(ota, v1) == 0);
  REQUIRE(vy_ota_apply(&env, v2, NULL, err, sizeof err) == 0);
  /* the next point of this process (the save's first) fails with EIO */
  snprintf(num, sizeof num, "%lu", vy_ota_io_points() + 1);
  setenv("VYOMA_OTA_ERROR", num, 1);
  int s = vy_ota_boot_select(ota, &st, err, sizeof err);
  unsetenv("VYOMA_OTA_ERROR");
  EQ(s, 0);
  CHECKF(strstr(err, "Input/output error; booting slot-a without saving"), "%s",
         err);
  vy_ota_state_load(ota, &st, err, sizeof err);
  EQ(st.slot[1].tries_remaining, (unsigned)VY_OTA_TRIES); /* unspent */
  EQ(boot(ota, &st), 1);
  t_sh("rm -rf '%s'", ota);
  free(ota);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "slots");
  t_keys();
  v1 = t_bundle("1.0.0");
  v2 = t_bundle("2.0.0");
  v3 = t_bundle("3.0.0");
  RUN(life);
  RUN(tries_run_out);
  RUN(missing_and_leftover);
  RUN(downgrade);
  RUN(repair_and_fifo);
  RUN(unsaved_try);
  t_sh("rm -f '%s' '%s' '%s'", v1, v2, v3);
  free(v1);
  free(v2);
  free(v3);
  return check_end();
}
