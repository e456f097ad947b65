/*
** tests/ota/unit.c — the parts of ota/ one by one: versions, the path
** rules, the manifest parser, bundles made and read back, key files, the
** state file (torn and garbage copies), the status text.
*/
#include "ota_test.h"

static void versions(void) {
  EQ(vy_ota_version_cmp("1.0.0", "2.0.0"), -1);
  EQ(vy_ota_version_cmp("2.0.0", "1.9.9"), 1);
  EQ(vy_ota_version_cmp("2", "2.0.0"), 0);
  EQ(vy_ota_version_cmp("1.10", "1.9"), 1);
  EQ(vy_ota_version_cmp("1.010", "1.10"), 0);
  EQ(vy_ota_version_cmp("99999999999999999999.1", "99999999999999999999.0"), 1);
  CHECK(vy_ota_version_valid("0.1"));
  CHECK(!vy_ota_version_valid(""));
  CHECK(!vy_ota_version_valid("1..2"));
  CHECK(!vy_ota_version_valid("1.2."));
  CHECK(!vy_ota_version_valid(".1"));
  CHECK(!vy_ota_version_valid("1.2-rc1"));
  CHECK(!vy_ota_version_valid("123456789012345678901234567890123"));
  CHECK(vy_ota_version_cmp("bad", "1.0") < 0);
  CHECK(vy_ota_version_cmp("1.0", "bad") > 0);
}

static void paths(void) {
  const char *bad[] = { "",           "/abs",     "../x",      "apps/../b",
                        "./apps/a",   "apps//b",  "apps/a/",   "apps/.",
                        "apps\\a",    "apps/a b", "apps/\x01", "apps/\xc3\xa9",
                        "other/file", "apps",     "state" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    CHECKF(ota_path_problem(bad[i]) != NULL, "\"%s\" passed", bad[i]);
  const char *good[] = { "vyomad",          "apps/clock/clock.wasm",
                         "profiles/a.toml", "apps/x/.hidden",
                         "apps/x/...",      "apps/a..b" };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    CHECKF(ota_path_problem(good[i]) == NULL, "\"%s\": %s", good[i],
           ota_path_problem(good[i]));
  char long_path[300] = "apps/";
  memset(long_path + 5, 'x', 251);
  CHECK(ota_path_problem(long_path) != NULL);
  long_path[255] = 0;
  CHECK(ota_path_problem(long_path) == NULL);
  char buf[300];
  char *dup[] = { "apps/a", "apps/b", "apps/a" };
  CHECK(ota_paths_conflict(dup, 3, buf, sizeof buf) != NULL);
  char *under[] = { "apps/a", "apps/a-b", "apps/a.c", "apps/a/x" };
  const char *why = ota_paths_conflict(under, 4, buf, sizeof buf);
  CHECK(why && strstr(why, "lies under the file apps/a"));
  char *fine[] = { "apps/a/x", "apps/a-b", "apps/a/y" };
  CHECK(ota_paths_conflict(fine, 3, buf, sizeof buf) == NULL);
}

#define SHA0 "0000000000000000000000000000000000000000000000000000000000000000"
static const char *parse_msg(const char *text) {
  static char err[512];
  ota_manifest m;
  if (ota_manifest_parse(text, strlen(text), &m, err, sizeof err) == 0) {
    ota_manifest_free(&m);
    return "";
  }
  return err;
}

static void manifest(void) {
  const char *head = "format 1\nversion 2.0.0\narch x86_64\nprofile default\n";
  char t[1024];
  snprintf(t, sizeof t, "%sfile 3 " SHA0 " apps/a/b\nfile 0 " SHA0 " vyomad\n",
           head);
  EQ(parse_msg(t), "");
  ota_manifest m;
  char err[256];
  REQUIRE(ota_manifest_parse(t, strlen(t), &m, err, sizeof err) == 0);
  EQ(m.nfiles, (size_t)2);
  EQ(m.payload, (uint64_t)3);
  size_t len;
  char *again = ota_manifest_format(&m, &len);
  REQUIRE(again);
  EQ((const char *)again, (const char *)t);
  free(again);
  ota_manifest_free(&m);
  struct {
    const char *text, *want;
  } bad[] = {
    { "format 2\n", "the first line must be" },
    { "format 1\nversion x\n", "bad version" },
    { "format 1\nversion 1\narch X86\n", "bad arch" },
    { "format 1\nversion 1\narch x\nprofile Bad\n", "bad profile" },
    { "format 1\nversion 1\narch x\nprofile a\nprofile a\n", "twice" },
    { "format 1\nversion 1\narch x\nprofile a\n", "no file line" },
    { "format 1\nversion 1\narch x\nfile 1 " SHA0 " vyomad\n", "unexpected" },
    { "format 1\nversion 1\narch x\nprofile a\nfile 01 " SHA0 " vyomad\n",
      "bad file size" },
    { "format 1\nversion 1\narch x\nprofile a\nfile 1 " SHA0 "\n", "SHA-256" },
    { "format 1\nversion 1\narch x\nprofile a\nfile 1 " SHA0 " ../x\n",
      "unsafe path" },
    { "format 1\nversion 1\narch x\nprofile a\nfile 1 " SHA0 " vyomad",
      "no newline" },
    { "format 1\nversion 1\r\n", "bad version" },
    { "format 1\nversion 1\narch x\nprofile a\nfile 1 " SHA0
      " vyomad\nfile 1 " SHA0 " vyomad\n",
      "listed twice" },
    { "format 1\nversion 1\narch x\nprofile a\nfile 99999999999999 " SHA0
      " vyomad\n",
      "bad file size" },
    { "format 1\nversion 1\narch x\nprofile a\nextra 1\n", "unexpected" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    const char *got = parse_msg(bad[i].text);
    CHECKF(strstr(got, bad[i].want), "case %zu: want \"%s\", got \"%s\"", i,
           bad[i].want, got);
  }
}

static void bundle_roundtrip(void) {
  char *tree = t_tree("2.0.0", 100000);
  char *b = t_bundle_of(tree, "2.0.0", t_sk), err[512];
  vy_bundle *bd;
  REQUIREF(vy_bundle_open(b, t_pk, &bd, err, sizeof err) == 0, "%s", err);
  vy_bundle_info in;
  vy_bundle_info_get(bd, &in);
  EQ(in.format, 1u);
  EQ((const char *)in.version, "2.0.0");
  EQ((const char *)in.arch, "x86_64");
  EQ(in.nprofiles, (size_t)2);
  EQ(in.profiles[1], "lab");
  EQ(in.nfiles, (size_t)5);
  const char *path;
  uint64_t size;
  REQUIRE(vy_bundle_file(bd, 0, &path, &size) == 0);
  EQ(path, "apps/big/big.wasm"); /* sorted */
  EQ(size, (uint64_t)100000);
  CHECK(vy_bundle_file(bd, 5, &path, &size) < 0);
  CHECKF(vy_bundle_verify(bd, err, sizeof err) == 0, "%s", err);
  vy_bundle_close(bd);
  /* the same tree gives the same manifest */
  char *text, *text2;
  size_t l1, l2;
  REQUIRE(vy_bundle_manifest_text(b, &text, &l1, err, sizeof err) == 0);
  char *b2 = t_bundle_of(tree, "2.0.0", t_sk);
  REQUIRE(vy_bundle_manifest_text(b2, &text2, &l2, err, sizeof err) == 0);
  EQ((const char *)text, (const char *)text2);
  CHECK(strstr(text, "file 100000 "));
  free(text);
  free(text2);
  t_sh("rm -rf '%s' '%s' '%s'", tree, b, b2);
  free(tree);
  free(b);
  free(b2);
}

static void create_refuses(void) {
  char err[512], out[4200];
  const char *profiles[] = { "default" };
  vy_bundle_spec spec = { "1.0", "x86_64", profiles, 1 };
  char *tree = t_tree("1.0", 0);
  snprintf(out, sizeof out, "%s.vyb", tree);
  t_sh("ln -s vyoma.toml '%s/apps/clock/link'", tree);
  CHECK(vy_bundle_create(tree, &spec, t_sk, out, err, sizeof err) < 0);
  CHECKF(strstr(err, "symbolic link"), "%s", err);
  t_sh("rm '%s/apps/clock/link' && mkfifo '%s/apps/clock/fifo'", tree, tree);
  CHECK(vy_bundle_create(tree, &spec, t_sk, out, err, sizeof err) < 0);
  CHECKF(strstr(err, "not a regular file"), "%s", err);
  t_sh("rm '%s/apps/clock/fifo' && touch '%s/stray'", tree, tree);
  CHECK(vy_bundle_create(tree, &spec, t_sk, out, err, sizeof err) < 0);
  CHECKF(strstr(err, "slot's layout"), "%s", err);
  t_sh("rm '%s/stray'", tree);
  spec.version = "1.x";
  CHECK(vy_bundle_create(tree, &spec, t_sk, out, err, sizeof err) < 0);
  CHECKF(strstr(err, "bad version"), "%s", err);
  spec.version = "1.0";
  profiles[0] = "Bad";
  CHECK(vy_bundle_create(tree, &spec, t_sk, out, err, sizeof err) < 0);
  CHECKF(strstr(err, "bad profile"), "%s", err);
  CHECK(access(out, F_OK) != 0);
  t_sh("rm -rf '%s' '%s'", tree, out);
  free(tree);
}

static void keys(void) {
  char *dir = t_tmpdir("keys"), path[4200], err[512];
  uint8_t pk[32], sk[64];
  snprintf(path, sizeof path, "%s/k.pub", dir);
  REQUIRE(vy_ota_key_write(path, t_pk, 32, err, sizeof err) == 0);
  CHECK(vy_ota_key_write(path, t_pk, 32, err, sizeof err) < 0); /* exists */
  REQUIRE(vy_ota_key_read(path, pk, 32, err, sizeof err) == 0);
  CHECK(!memcmp(pk, t_pk, 32));
  CHECK(vy_ota_key_read(path, sk, 64, err, sizeof err) < 0);
  snprintf(path, sizeof path, "%s/k.key", dir);
  REQUIRE(vy_ota_key_write(path, t_sk, 64, err, sizeof err) == 0);
  struct stat sb;
  REQUIRE(stat(path, &sb) == 0);
  EQ(sb.st_mode & 0777, 0600u);
  REQUIRE(vy_ota_key_read(path, sk, 64, err, sizeof err) == 0);
  CHECK(!memcmp(sk, t_sk, 64));
  t_sh("rm -rf '%s'", dir);
  free(dir);
}

static void put_file(const char *dir, const char *name, const char *data,
                     size_t len) {
  char p[4200];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  if (f) {
    fwrite(data, 1, len, f);
    fclose(f);
  }
}

static char *get_file(const char *dir, const char *name, size_t *len) {
  char p[4200];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "rb");
  char *s = calloc(1, 8192);
  *len = f ? fread(s, 1, 8191, f) : 0;
  if (f) fclose(f);
  return s;
}

static void state_roundtrip(void) {
  char *dir = t_tmpdir("state"), err[512];
  vy_ota_state st, back;
  vy_ota_state_load(dir, &st, err, sizeof err);
  EQ((const char *)err, ""); /* nothing there: factory, no note */
  EQ(st.booted, -1);
  EQ(st.seq, (uint64_t)0);
  st.booted = 1;
  st.slot[1] = (vy_ota_slot){ 2, 3, false, "2.0.0" };
  st.slot[0] = (vy_ota_slot){ 1, 0, true, "1.0.0" };
  strcpy(st.factory_version, "0.9");
  strcpy(st.last_error, "a reason\nwith a newline");
  REQUIREF(vy_ota_state_save(dir, &st, err, sizeof err) == 0, "%s", err);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ((const char *)err, "");
  EQ(back.seq, (uint64_t)1);
  EQ(back.booted, 1);
  EQ(back.slot[1].priority, 2u);
  EQ(back.slot[1].tries_remaining, 3u);
  CHECK(!back.slot[1].successful && back.slot[0].successful);
  EQ((const char *)back.slot[1].version, "2.0.0");
  EQ((const char *)back.factory_version, "0.9");
  EQ((const char *)back.last_error, "a reason with a newline");
  char *p = t_tmpdir("x");
  t_sh("rmdir '%s'", p);
  CHECK(vy_ota_state_save(p, &st, err, sizeof err) < 0); /* no folder */
  CHECKF(strstr(err, p), "%s", err);
  free(p);
  t_sh("rm -rf '%s'", dir);
  free(dir);
}

/* one copy damaged in a way, the other good or older: the load */
static void state_damage(void) {
  char *dir = t_tmpdir("state"), err[512];
  vy_ota_state st, back;
  vy_ota_state_load(dir, &st, err, sizeof err);
  st.slot[0] = (vy_ota_slot){ 1, 0, true, "1.0.0" };
  REQUIRE(vy_ota_state_save(dir, &st, err, sizeof err) == 0); /* seq 1 */
  size_t len;
  char *old = get_file(dir, "state", &len);
  st.slot[0].version[0] = '3';
  REQUIRE(vy_ota_state_save(dir, &st, err, sizeof err) == 0); /* seq 2 */
  char *cur = get_file(dir, "state", &len);
  /* torn copies of state at every length, state.1 good: seq 2 */
  for (size_t cut = 0; cut < len; cut += 7) {
    put_file(dir, "state", cur, cut);
    vy_ota_state_load(dir, &back, err, sizeof err);
    CHECKF(back.seq == 2 && !strcmp(back.slot[0].version, "3.0.0"),
           "cut at %zu: seq %llu", cut, (unsigned long long)back.seq);
    CHECKF(strstr(err, "state damaged"), "cut at %zu: %s", cut, err);
  }
  /* a flipped byte, garbage, a huge file */
  char *flip = malloc(len);
  memcpy(flip, cur, len);
  flip[30] ^= 1;
  put_file(dir, "state", flip, len);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ(back.seq, (uint64_t)2);
  CHECKF(strstr(err, "checksum mismatch"), "%s", err);
  put_file(dir, "state",
           "\x7f"
           "ELF garbage",
           12);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ(back.seq, (uint64_t)2);
  char big[6000];
  memset(big, 'x', sizeof big);
  put_file(dir, "state", big, sizeof big);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ(back.seq, (uint64_t)2);
  CHECKF(strstr(err, "too large"), "%s", err);
  /* state good and new, state.1 old: the newer; state.1 torn: the other */
  put_file(dir, "state", cur, len);
  put_file(dir, "state.1", old, len);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ(back.seq, (uint64_t)2);
  EQ((const char *)err, "");
  put_file(dir, "state", old, len);
  put_file(dir, "state.1", cur, len / 2);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ(back.seq, (uint64_t)1);
  CHECKF(strstr(err, "state.1 damaged"), "%s", err);
  /* both garbage: the factory state, said */
  put_file(dir, "state", "junk", 4);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ(back.seq, (uint64_t)0);
  EQ(back.booted, -1);
  CHECKF(strstr(err, "factory state"), "%s", err);
  /* the next save after damage is above both */
  put_file(dir, "state", cur, len);
  vy_ota_state_load(dir, &back, err, sizeof err);
  REQUIRE(vy_ota_state_save(dir, &back, err, sizeof err) == 0);
  vy_ota_state_load(dir, &back, err, sizeof err);
  EQ(back.seq, (uint64_t)3);
  EQ((const char *)err, "");
  free(old);
  free(cur);
  free(flip);
  t_sh("rm -rf '%s'", dir);
  free(dir);
}

static void status(void) {
  vy_ota_state st = { 0 };
  st.booted = 1;
  st.slot[0] = (vy_ota_slot){ 1, 0, true, "1.0.0" };
  st.slot[1] = (vy_ota_slot){ 2, 2, false, "2.0.0" };
  strcpy(st.failed_version, "1.5");
  strcpy(st.last_error, "slot-b: a \"quoted\" reason");
  char buf[1024];
  REQUIRE(vy_ota_status_text(&st, buf, sizeof buf) == 0);
  CHECKF(strstr(buf, "running: slot-b\n"), "%s", buf);
  CHECKF(strstr(buf, "slot-a: 1.0.0 committed (priority 1)\n"), "%s", buf);
  CHECKF(strstr(buf, "slot-b: 2.0.0 on trial, 2 tries left (priority 2)\n"),
         "%s", buf);
  REQUIRE(vy_ota_status_json(&st, buf, sizeof buf) == 0);
  CHECKF(strstr(buf, "\"running\":\"slot-b\""), "%s", buf);
  CHECKF(strstr(buf, "\"last_error\":\"slot-b: a \\\"quoted\\\" reason\""),
         "%s", buf);
  CHECK(vy_ota_status_json(&st, buf, 20) < 0);
  EQ(strlen(buf), (size_t)19);
  CHECK(vy_ota_slot_dir("/data/.ota", 1, buf, sizeof buf) == 0);
  EQ((const char *)buf, "/data/.ota/slot-b");
  CHECK(vy_ota_slot_dir("/data/.ota", -1, buf, sizeof buf) < 0);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "unit");
  t_keys();
  RUN(versions);
  RUN(paths);
  RUN(manifest);
  RUN(bundle_roundtrip);
  RUN(create_refuses);
  RUN(keys);
  RUN(state_roundtrip);
  RUN(state_damage);
  RUN(status);
  return check_end();
}
