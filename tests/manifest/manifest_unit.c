/*
** manifest_unit.c — unit tests of profile/: a full manifest and its
** defaults, a table of bad manifests each rejected with exactly the
** expected "FILE:LINE: KEY: message" line, size and duration syntax,
** vy_manifest_may_send, profiles (good and bad, written to a temporary
** folder), vy_profile_starts and vy_profile_apply_sched.
**
** One PASS/FAIL line per test function (tests/check.h).
*/
#include "../../profile/manifest.h"
#include "../../profile/profile.h"
#include "../check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int parse(const char *src, vy_manifest *m, char *err, size_t errlen) {
  return vy_manifest_parse("apps/t/vyoma.toml", src, strlen(src), m, err,
                           errlen);
}

/* ---- a full manifest ----------------------------------------------------- */

static void full(void) {
  const char *src =
      "[app]\n"
      "name = \"clock-2\"\n"
      "version = \"1.0.0\"\n"
      "module = \"bin/clock.wasm\"\n"
      "args = [\"--24h\", \"-v\"]\n"
      "env = { TZ = \"UTC\", LANG = \"C.UTF-8\" }\n"
      "[capabilities]\n"
      "filesystem = true\n"
      "network = false\n"
      "display = true\n"
      "input = true\n"
      "ipc = [\"logger\", \"shell\", \"sys\"]\n"
      "gpio = [0, 17, 1023]\n"
      "i2c = [\"1:0x48\", \"0:0x7F\", \"1023:0x0\"]\n"
      "spi = [\"0:1\"]\n"
      "uart = [\"ttyS1\", \"ttyAMA0\"]\n"
      "adc = [\"0:3\", \"7\"]\n"
      "[resources]\n"
      "memory = \"16MiB\"\n"
      "messages_per_sec = 1000\n"
      "[lifecycle]\n"
      "restart = \"always\"\n"
      "max_restarts = 0\n"
      "restart_window = \"1m30s\"\n"
      "heartbeat = \"5s\"\n"
      "autostart = false\n"
      "critical = true\n";
  vy_manifest m;
  char err[256];
  int rc = parse(src, &m, err, sizeof err);
  REQUIREF(rc == 0, "%s", err);
  EQ(m.path, "apps/t/vyoma.toml");
  EQ(m.dir, "apps/t");
  CHECK(strcmp(m.name, "clock-2") == 0 && strcmp(m.version, "1.0.0") == 0);
  EQ(m.module, "apps/t/bin/clock.wasm");
  CHECK(m.args.n == 2 && strcmp(m.args.items[0], "--24h") == 0 &&
        strcmp(m.args.items[1], "-v") == 0);
  CHECK(m.env.n == 2 && strcmp(m.env.items[0], "TZ=UTC") == 0 &&
        strcmp(m.env.items[1], "LANG=C.UTF-8") == 0);
  CHECK(m.filesystem && !m.network && m.display && m.input);
  CHECK(m.ipc.n == 3 && strcmp(m.ipc.items[2], "sys") == 0);
  CHECK(m.ngpio == 3 && m.gpio[0] == 0 && m.gpio[1] == 17 && m.gpio[2] == 1023);
  CHECK(m.i2c.n == 3 && strcmp(m.i2c.items[1], "0:0x7F") == 0);
  CHECK(m.spi.n == 1 && m.uart.n == 2 && m.adc.n == 2);
  CHECK(m.memory_bytes == 16u << 20 && m.messages_per_sec == 1000);
  CHECK(m.restart == VY_RESTART_ALWAYS && m.max_restarts == 0);
  CHECK(m.restart_window_ms == 90000 && m.heartbeat_ms == 5000);
  CHECK(!m.autostart && m.critical);
  vy_manifest_free(&m);
  vy_manifest_free(&m); /* twice is harmless */
}

static void defaults(void) {
  vy_manifest m;
  char err[256];
  /* the smallest manifest; a bare file name has dir "." */
  const char *tiny = "[app]\nname='a'\nmodule='a.wasm'\n";
  int rc =
      vy_manifest_parse("vyoma.toml", tiny, strlen(tiny), &m, err, sizeof err);
  REQUIREF(rc == 0, "%s", err);
  CHECK(strcmp(m.dir, ".") == 0 && strcmp(m.module, "./a.wasm") == 0);
  CHECK(m.version && m.version[0] == 0);
  CHECK(m.args.n == 0 && m.env.n == 0 && m.ipc.n == 0 && m.ngpio == 0);
  CHECK(!m.filesystem && !m.network && !m.display && !m.input);
  CHECK(m.memory_bytes == 0 && m.messages_per_sec == 0);
  CHECK(m.restart == VY_RESTART_ON_FAILURE && m.max_restarts == 5);
  CHECK(m.restart_window_ms == 60000 && m.heartbeat_ms == 0);
  CHECK(m.autostart && !m.critical);
  vy_manifest_free(&m);
  /* an empty [capabilities] and inline tables are fine; [app.env] too */
  rc =
      parse("app = {name = 'b', module = 'm/b.wasm'}\n[capabilities]\n[app2]\n",
            &m, err, sizeof err);
  CHECK(rc == -1 &&
        strcmp(err,
               "apps/t/vyoma.toml:3: app2: unknown table "
               "(expected app, capabilities, resources or lifecycle)") == 0);
  rc = parse("[app]\nname = 'b'\nmodule = 'b.wasm'\n[app.env]\nA = '1'\n", &m,
             err, sizeof err);
  CHECK(rc == 0 && m.env.n == 1 && strcmp(m.env.items[0], "A=1") == 0);
  if (rc == 0) vy_manifest_free(&m);
  /* a file in the root folder */
  rc =
      vy_manifest_parse("/vyoma.toml", tiny, strlen(tiny), &m, err, sizeof err);
  CHECK(rc == 0 && strcmp(m.dir, "/") == 0 && strcmp(m.module, "/a.wasm") == 0);
  if (rc == 0) vy_manifest_free(&m);
}

/* ---- bad manifests: each gives exactly this line ------------------------- */

#define HEAD "[app]\nname = \"t\"\nmodule = \"t.wasm\"\n" /* lines 1-3 */
#define F    "apps/t/vyoma.toml:"

static const struct {
  const char *src, *want;
} bad_cases[] = {
  /* TOML syntax: the parser's FILE:LINE:COL */
  { "[app]\nname = \"t\nmodule = 1\n",
    F "2:8: unterminated string (newline before the closing quote)" },
  { "[app]\nname = \"t\"\nname = \"u\"\n",
    F "3:1: duplicate key 'name' (first defined on line 2)" },
  /* structure */
  { "", F "1: app: missing table [app] (with name and module)" },
  { "name = \"t\"\n",
    F "1: name: unknown key (keys belong in a table such as [app])" },
  { HEAD "[capability]\nnetwork = true\n", F
    "4: capability: unknown table (expected app, capabilities, resources or "
    "lifecycle)" },
  { "app = 5\n", F "1: app: expected a table, got integer" },
  { HEAD "capabilities = [1]\n", F "4: app.capabilities: unknown key" },
  { HEAD "[capabilities]\nnetwrok = true\n",
    F "5: capabilities.netwrok: unknown key" },
  { HEAD "[resources]\ncpu = 1\n", F "5: resources.cpu: unknown key" },
  { HEAD "[lifecycle]\nrestarts = 1\n",
    F "5: lifecycle.restarts: unknown key" },
  { HEAD "[lifecycle.x]\n", F "4: lifecycle.x: unknown key" },
  /* [app] */
  { "[app]\nmodule = \"t.wasm\"\n",
    F "1: app.name: missing (the app's name is required)" },
  { "[app]\nname = \"t\"\n",
    F "1: app.module: missing (the module path is required)" },
  { "[app]\nname = \"sys\"\nmodule = \"t.wasm\"\n",
    F "2: app.name: \"sys\" is reserved (it is the supervisor's address)" },
  { "[app]\nname = 7\nmodule = \"t.wasm\"\n",
    F "2: app.name: expected a string, got integer" },
  { "[app]\nname = \"a\\u0000b\"\nmodule = \"t.wasm\"\n",
    F "2: app.name: a NUL character is not allowed" },
  { "[app]\nname = \"t\"\nmodule = \"/bin/x.wasm\"\n",
    F "3: app.module: must be a path inside the app's folder, not absolute" },
  { "[app]\nname = \"t\"\nmodule = \"\"\n",
    F "3: app.module: must not be empty" },
  { "[app]\nname = \"t\"\nmodule = [\"t.wasm\"]\n",
    F "3: app.module: expected a string, got array" },
  { HEAD "version = 1.0\n", F "4: app.version: expected a string, got float" },
  { HEAD "args = \"--24h\"\n",
    F "4: app.args: expected an array of strings, got string" },
  { HEAD "args = [\"a\",\n  2]\n",
    F "5: app.args[1]: expected a string, got integer" },
  { HEAD "env = [\"TZ=UTC\"]\n", F "4: app.env: expected a table, got array" },
  { HEAD "env = { TZ = 1 }\n",
    F "4: app.env.TZ: expected a string, got integer" },
  { HEAD "env = { \"A=B\" = \"1\" }\n", F
    "4: app.env.A=B: an environment variable name must be non-empty, without "
    "'=' or NUL" },
  { HEAD "env = { \"\" = \"1\" }\n", F
    "4: app.env.'': an environment variable name must be non-empty, without "
    "'=' or NUL" },
  { HEAD "owner = \"me\"\n", F "4: app.owner: unknown key" },
  /* [capabilities] */
  { HEAD "[capabilities]\n\n\nnetwork = \"yes\"\n",
    F "7: capabilities.network: expected a boolean, got string" },
  { HEAD "[capabilities]\nfilesystem = 1\n",
    F "5: capabilities.filesystem: expected a boolean, got integer" },
  { HEAD "[capabilities]\ndisplay = \"true\"\n",
    F "5: capabilities.display: expected a boolean, got string" },
  { HEAD "[capabilities]\ninput = 1979-05-27\n",
    F "5: capabilities.input: expected a boolean, got local date" },
  { HEAD "[capabilities]\nipc = \"logger\"\n",
    F "5: capabilities.ipc: expected an array of strings, got string" },
  { HEAD "[capabilities]\nipc = [\"logger\", \"@shell\"]\n", F
    "5: capabilities.ipc[1]: expected an app name ([a-z][a-z0-9-]{0,31}), "
    "\"*\" or \"sys\"" },
  { HEAD "[capabilities]\ngpio = 17\n",
    F "5: capabilities.gpio: expected an array of integers, got integer" },
  { HEAD "[capabilities]\ngpio = [17, 1024]\n",
    F "5: capabilities.gpio[1]: 1024 is out of range 0..1023" },
  { HEAD "[capabilities]\ngpio = [-1]\n",
    F "5: capabilities.gpio[0]: -1 is out of range 0..1023" },
  { HEAD "[capabilities]\ngpio = [\"17\"]\n",
    F "5: capabilities.gpio[0]: expected an integer, got string" },
  { HEAD "[capabilities]\ngpio = [1.5]\n",
    F "5: capabilities.gpio[0]: expected an integer, got float" },
  { HEAD "[capabilities]\ni2c = [\"1:0x80\"]\n",
    F "5: capabilities.i2c[0]: I2C address out of range 0x00..0x7f (7-bit)" },
  { HEAD "[capabilities]\ni2c = [0x48]\n",
    F "5: capabilities.i2c[0]: expected a string, got integer" },
  { HEAD "[capabilities]\nuart = [\"/dev/ttyS0\"]\n", F
    "5: capabilities.uart[0]: expected a device name such as \"ttyS1\" "
    "(letters, digits, '_', '-')" },
  { HEAD "[capabilities]\nuart = [\"\"]\n",
    F "5: capabilities.uart[0]: expected a device name of 1 to 32 characters" },
  { HEAD "[capabilities]\npwm = [1]\n", F "5: capabilities.pwm: unknown key" },
  /* [resources] */
  { HEAD "[resources]\nmemory = -65536\n",
    F "5: resources.memory: a size cannot be negative" },
  { HEAD "[resources]\nmemory = true\n",
    F "5: resources.memory: expected a size string, got boolean" },
  { HEAD "[resources]\nmessages_per_sec = \"1000\"\n",
    F "5: resources.messages_per_sec: expected an integer, got string" },
  { HEAD "[resources]\nmessages_per_sec = 1e3\n",
    F "5: resources.messages_per_sec: expected an integer, got float" },
  /* [lifecycle] */
  { HEAD "[lifecycle]\nrestart = false\n",
    F "5: lifecycle.restart: expected a string, got boolean" },
  { HEAD "[lifecycle]\nmax_restarts = -1\n",
    F "5: lifecycle.max_restarts: -1 is out of range 0..1000000" },
  { HEAD "[lifecycle]\nmax_restarts = 0x7fffffffffffffff\n", F
    "5: lifecycle.max_restarts: 9223372036854775807 is out of range "
    "0..1000000" },
  { HEAD "[lifecycle]\nrestart_window = 60\n",
    F "5: lifecycle.restart_window: expected a duration string, got integer" },
  { HEAD "[lifecycle]\nrestart_window = \"0s\"\n",
    F "5: lifecycle.restart_window: duration out of range 1ms..4294967295ms" },
  { HEAD "[lifecycle]\nheartbeat = \"5ms\"\n",
    F "5: lifecycle.heartbeat: duration out of range 10ms..4294967295ms" },
  { HEAD "[lifecycle]\nheartbeat = \"-5s\"\n", F
    "5: lifecycle.heartbeat: bad duration \"-5s\" (want e.g. \"500ms\", "
    "\"60s\", \"2m\", \"1m30s\")" },
  { HEAD "[lifecycle]\nautostart = \"yes\"\n",
    F "5: lifecycle.autostart: expected a boolean, got string" },
  { HEAD "[lifecycle]\ncritical = 0\n",
    F "5: lifecycle.critical: expected a boolean, got integer" },
  /* strings in messages stay on one line and are cut when long */
  { "[app]\nname = \"a\\nb\"\nmodule = \"t.wasm\"\n",
    F "2: app.name: \"a?b\" is not a valid app name ([a-z][a-z0-9-]{0,31})" },
  { HEAD
    "[lifecycle]\nrestart = "
    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
    F
    "5: lifecycle.restart: unknown restart policy "
    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" (never, on-failure or "
    "always)" },
  /* the first error in the order written wins */
  { "[lifecycle]\nrestart = \"x\"\n[app]\nname = \"BAD\"\n", F
    "2: lifecycle.restart: unknown restart policy \"x\" (never, on-failure or "
    "always)" },
};

/* Many values, one message: SRC and WANT are formats of the value (WANT
** may leave it out). */
static const struct {
  const char *src, *want, *values[6];
} bad_values[] = {
  { "[app]\nname = \"%s\"\nmodule = \"t.wasm\"\n",
    F "2: app.name: \"%s\" is not a valid app name ([a-z][a-z0-9-]{0,31})",
    { "Clock", "9lives", "", "abcdefghijabcdefghijabcdefghijabc", "a_b" } },
  { "[app]\nname = \"t\"\nmodule = \"%s\"\n",
    F "3: app.module: must stay inside the app's folder (no \"..\")",
    { "../x.wasm", "a/../../x.wasm", "a/.." } },
  { "[app]\nname = \"t\"\nmodule = \"%s\"\n",
    F "3: app.module: names a folder, not a module file",
    { "dir/", ".", "lib/." } },
  { HEAD "[capabilities]\nipc = [\"%s\"]\n",
    F
    "5: capabilities.ipc[0]: expected an app name ([a-z][a-z0-9-]{0,31}), "
    "\"*\" or \"sys\"",
    { "**", "" } },
  { HEAD "[capabilities]\ni2c = [\"%s\"]\n",
    F
    "5: capabilities.i2c[0]: expected \"BUS:0xADDR\" (e.g. \"1:0x48\"; bus "
    "0..1023)",
    { "1:48", "0x48", "1:0x", "1024:0x48", "-1:0x48" } },
  { HEAD "[capabilities]\ni2c = [\"%s\"]\n",
    F
    "5: capabilities.i2c[0]: expected \"BUS:0xADDR\" with 1 or 2 hex digits "
    "(e.g. \"1:0x48\")",
    { "1:0x123", "1:0x4g" } },
  { HEAD "[capabilities]\nspi = [\"%s\"]\n",
    F
    "5: capabilities.spi[0]: expected \"BUS:CS\" (e.g. \"0:1\"; each 0..1023)",
    { "0", "0:1:2" } },
  { HEAD "[capabilities]\nadc = [\"%s\"]\n",
    F
    "5: capabilities.adc[0]: expected \"DEV:CHANNEL\" or \"CHANNEL\" (e.g. "
    "\"0:3\"; each 0..1023)",
    { "a:1", "0:" } },
  { HEAD "[resources]\nmemory = \"%s\"\n",
    F
    "5: resources.memory: bad size \"%s\" (want e.g. \"16MiB\", \"512KiB\", "
    "\"4096\")",
    { "16 MiB", "16mb", "-1MiB", "1.5MiB", "99999999999999999999" } },
  { HEAD "[resources]\nmemory = \"%s\"\n",
    F "5: resources.memory: size out of range 64KiB..4GiB",
    { "5GiB", "1KiB", "0" } },
  { HEAD "[resources]\nmessages_per_sec = %s\n",
    F "5: resources.messages_per_sec: %s is out of range 1..1000000",
    { "-5", "0", "9223372036854775807" } },
  { HEAD "[lifecycle]\nrestart = \"%s\"\n",
    F
    "5: lifecycle.restart: unknown restart policy \"%s\" (never, on-failure or "
    "always)",
    { "sometimes", "On-Failure" } },
  { HEAD "[lifecycle]\nrestart_window = \"%s\"\n",
    F
    "5: lifecycle.restart_window: bad duration \"%s\" (want e.g. \"500ms\", "
    "\"60s\", \"2m\", \"1m30s\")",
    { "60", "1 minute", "50d", "1200h" } },
};

/* src must be rejected with exactly want, and leave the manifest zero */
static void rejected(const char *src, const char *want) {
  vy_manifest m;
  char err[512];
  memset(err, 'X', sizeof err);
  int rc = parse(src, &m, err, sizeof err);
  CHECKF(rc == -1 && strcmp(err, want) == 0,
         "%s: expected \"%s\", got rc %d: %s", src, want, rc,
         rc == 0 ? "(accepted)" : err);
  /* a rejected manifest is all zero: nothing to free, nothing leaked */
  vy_manifest zero;
  memset(&zero, 0, sizeof zero);
  CHECK(memcmp(&m, &zero, sizeof m) == 0);
  if (rc == 0) vy_manifest_free(&m);
}

static void bad_manifests(void) {
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
    rejected(bad_cases[i].src, bad_cases[i].want);
  char src[256], want[512];
  for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++)
    for (size_t k = 0; k < 6 && bad_values[i].values[k]; k++) {
      snprintf(src, sizeof src, bad_values[i].src, bad_values[i].values[k]);
      snprintf(want, sizeof want, bad_values[i].want, bad_values[i].values[k]);
      rejected(src, want);
    }
}

static void err_buffers(void) {
  vy_manifest m;
  char small[12];
  memset(small, 'X', sizeof small);
  CHECK(parse("[app]\nname = 1\n", &m, small, 8) == -1 && small[7] == 0 &&
        small[8] == 'X');
  CHECK(parse("[app]\nname = 1\n", &m, NULL, 0) == -1);
  CHECK(parse("[app\n", &m, NULL, 0) == -1);
  char err[256];
  CHECK(vy_manifest_parse(NULL, "[app]\nname=1\n", 12, &m, err, sizeof err) ==
            -1 &&
        strcmp(err, "<input>:2: app.name: expected a string, got integer") ==
            0);
  CHECK(vy_manifest_load("/nonexistent/vyoma.toml", &m, err, sizeof err) ==
            -1 &&
        strcmp(err, "/nonexistent/vyoma.toml: No such file or directory") == 0);
  CHECK(vy_manifest_load("/", &m, err, sizeof err) == -1 &&
        strncmp(err, "/: ", 3) == 0);
}

/* ---- sizes and durations ------------------------------------------------- */

static void sizes(void) {
  static const struct {
    const char *s;
    int rc;
    uint64_t b;
  } t[] = {
    { "0", 0, 0 },
    { "4096", 0, 4096 },
    { "4096B", 0, 4096 },
    { "64KiB", 0, 65536 },
    { "16MiB", 0, 16u << 20 },
    { "1GiB", 0, 1u << 30 },
    { "2TiB", 0, 2ull << 40 },
    { "1kB", 0, 1000 },
    { "1KB", 0, 1000 },
    { "3MB", 0, 3000000 },
    { "2GB", 0, 2000000000 },
    { "1TB", 0, 1000000000000ull },
    { "007KiB", 0, 7168 },
    { "18446744073709551615", 0, UINT64_MAX },
    { "18446744073709551616", -1, 0 },
    { "16777216TiB", -1, 0 },
    { "16777215TiB", 0, 16777215ull << 40 },
    { "", -1, 0 },
    { "MiB", -1, 0 },
    { "-1", -1, 0 },
    { "+1", -1, 0 },
    { "1.5MiB", -1, 0 },
    { "16 MiB", -1, 0 },
    { " 16MiB", -1, 0 },
    { "16MiB ", -1, 0 },
    { "16mib", -1, 0 },
    { "16M", -1, 0 },
    { "16Ki", -1, 0 },
    { "1_000", -1, 0 },
    { "0x10", -1, 0 },
    { "16MiBB", -1, 0 },
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint64_t b = 12345;
    int rc = vy_parse_size(t[i].s, &b);
    CHECKF(rc == t[i].rc && (rc != 0 || b == t[i].b),
           "vy_parse_size(\"%s\"): expected %d, %llu, got %d, %llu", t[i].s,
           t[i].rc, (unsigned long long)t[i].b, rc, (unsigned long long)b);
  }
  CHECK(vy_parse_size(NULL, NULL) == -1 && vy_parse_size("1", NULL) == 0);
}

/* vy_parse_pair / vy_parse_uint, which grants, board files and the hal
** verbs share: decimal or 0x-hex, never octal (a grant "0:08" that the
** manifest check reads as channel 8 must match channel 8) */
static void pairs(void) {
  static const struct {
    const char *s;
    bool single_ok;
    int rc;
    uint32_t a, b;
  } t[] = {
    { "1:0x48", false, 0, 1, 0x48 }, { "0:08", false, 0, 0, 8 },
    { "0:010", false, 0, 0, 10 },    { "3", true, 0, 0, 3 },
    { "3", false, -1, 0, 0 },        { "1:0x", false, -1, 0, 0 },
    { "1:", false, -1, 0, 0 },       { ":1", false, -1, 0, 0 },
    { "1024:0", false, -1, 0, 0 },   { "1:0x80", false, -1, 0, 0 },
    { "1:2x", false, -1, 0, 0 },     { "0x1F:0x7f", false, 0, 31, 127 },
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint32_t a = 0, b = 0;
    int rc = vy_parse_pair(t[i].s, 1023, 0x7f, t[i].single_ok, &a, &b);
    CHECKF(rc == t[i].rc && (rc || (a == t[i].a && b == t[i].b)),
           "vy_parse_pair(\"%s\"): expected %d %u:%u, got %d %u:%u", t[i].s,
           t[i].rc, t[i].a, t[i].b, rc, a, b);
  }
}

static void durations(void) {
  static const struct {
    const char *s;
    int rc;
    uint32_t ms;
  } t[] = {
    { "0s", 0, 0 },
    { "0ms", 0, 0 },
    { "500ms", 0, 500 },
    { "60s", 0, 60000 },
    { "2m", 0, 120000 },
    { "1h", 0, 3600000 },
    { "1m30s", 0, 90000 },
    { "1h2m3s4ms", 0, 3723004 },
    { "1s500ms", 0, 1500 },
    { "90m", 0, 5400000 },
    { "4294967295ms", 0, UINT32_MAX },
    { "4294967s", 0, 4294967000u },
    { "1193h", 0, 4294800000u },
    { "4294967296ms", -1, 0 },
    { "4294968s", -1, 0 },
    { "1194h", -1, 0 },
    { "1193h3m", -1, 0 },
    { "99999999999999999999999s", -1, 0 },
    { "", -1, 0 },
    { "60", -1, 0 },
    { "s", -1, 0 },
    { "-1s", -1, 0 },
    { "1.5s", -1, 0 },
    { "1 s", -1, 0 },
    { "1S", -1, 0 },
    { "1sec", -1, 0 },
    { "1d", -1, 0 },
    { "1us", -1, 0 },
    { "30s1m", -1, 0 },
    { "1s1s", -1, 0 },
    { "500ms1s", -1, 0 },
    { "1m1m", -1, 0 },
    { "1h ", -1, 0 },
    { "1m30", -1, 0 },
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint32_t ms = 12345;
    int rc = vy_parse_duration(t[i].s, &ms);
    CHECKF(rc == t[i].rc && (rc != 0 || ms == t[i].ms),
           "vy_parse_duration(\"%s\"): expected %d, %u, got %d, %u", t[i].s,
           t[i].rc, (unsigned)t[i].ms, rc, (unsigned)ms);
  }
  CHECK(vy_parse_duration(NULL, NULL) == -1 &&
        vy_parse_duration("1s", NULL) == 0);
}

/* ---- grants -------------------------------------------------------------- */

static int with_ipc(const char *list, vy_manifest *m) {
  char src[512], err[256];
  snprintf(src, sizeof src, HEAD "[capabilities]\nipc = %s\n", list);
  int rc = parse(src, m, err, sizeof err);
  CHECKF(rc == 0, "with_ipc: %s", err);
  return rc;
}

static void may_send(void) {
  vy_manifest m;
  EQ(with_ipc("[]", &m), 0);
  CHECK(!vy_manifest_may_send(&m, "logger") &&
        !vy_manifest_may_send(&m, "sys"));
  vy_manifest_free(&m);

  EQ(with_ipc("[\"logger\", \"shell\"]", &m), 0);
  CHECK(vy_manifest_may_send(&m, "logger") &&
        vy_manifest_may_send(&m, "shell"));
  CHECK(!vy_manifest_may_send(&m, "clock") && !vy_manifest_may_send(&m, "sys"));
  CHECK(!vy_manifest_may_send(&m, "log") &&
        !vy_manifest_may_send(&m, "loggers"));
  vy_manifest_free(&m);

  /* "*" grants any app but not @sys */
  EQ(with_ipc("[\"*\"]", &m), 0);
  CHECK(vy_manifest_may_send(&m, "logger") &&
        vy_manifest_may_send(&m, "clock"));
  CHECK(vy_manifest_may_send(&m, "t"));
  CHECK(!vy_manifest_may_send(&m, "sys"));
  /* and nothing that is not an app name */
  CHECK(!vy_manifest_may_send(&m, "*") && !vy_manifest_may_send(&m, "") &&
        !vy_manifest_may_send(&m, "Clock") &&
        !vy_manifest_may_send(&m, "@clock") && !vy_manifest_may_send(&m, NULL));
  vy_manifest_free(&m);

  /* "sys" grants only @sys */
  EQ(with_ipc("[\"sys\"]", &m), 0);
  CHECK(vy_manifest_may_send(&m, "sys"));
  CHECK(!vy_manifest_may_send(&m, "logger") && !vy_manifest_may_send(&m, "*"));
  vy_manifest_free(&m);

  EQ(with_ipc("[\"sys\", \"*\"]", &m), 0);
  CHECK(vy_manifest_may_send(&m, "sys") && vy_manifest_may_send(&m, "pong"));
  vy_manifest_free(&m);
  CHECK(!vy_manifest_may_send(NULL, "sys"));
}

/* ---- profiles ------------------------------------------------------------ */

static char tmpdir[64];

/* Writes text to tmpdir/NAME.toml and loads it as a profile. */
static int load_profile_text(const char *name, const char *text, vy_profile *p,
                             char *err, size_t errlen, char *path,
                             size_t pathlen) {
  snprintf(path, pathlen, "%s/%s.toml", tmpdir, name);
  FILE *f = fopen(path, "w");
  if (!f) return -2;
  fputs(text, f);
  fclose(f);
  return vy_profile_load(path, p, err, errlen);
}

static void profiles(void) {
  char path[160], err[512], want[600];
  vy_profile p;
  static const struct {
    const char *text, *want;
  } bad[] = {
    { "", "%s:1: name: missing (the profile's name, \"x\")" },
    { "name = \"y\"\n",
      "%s:1: name: \"y\" does not match the file name \"x.toml\"" },
    { "name = \"x\"\nruntime = \"wasmtime\"\n",
      "%s:2: runtime: unknown runtime \"wasmtime\" (this build has: interp)" },
    { "name = \"x\"\nmemroy_budget = \"1MiB\"\n",
      "%s:2: memroy_budget: unknown key" },
    { "name = \"x\"\n[scheduling]\npolicy = \"fifo\"\n",
      "%s:2: scheduling: unknown table (a profile has top-level keys only)" },
    { "name = \"x\"\n[sched]\npolicy = \"fifo\"\n",
      "%s:2: sched: expected a string, got table" },
    { "name = \"x\"\nmemory_budget = \"lots\"\n",
      "%s:2: memory_budget: bad size \"lots\" (want e.g. \"16MiB\", "
      "\"512KiB\", \"4096\")" },
    { "name = \"x\"\nmemory_budget = \"1MiB\"\napp_memory = \"2MiB\"\n",
      "%s:3: app_memory: larger than memory_budget" },
    { "name = \"x\"\nmemory_budget = \"1MiB\"\n",
      "%s:1: app_memory: larger than memory_budget" },
    { "name = \"x\"\ndisplay = \"on\"\n",
      "%s:2: display: expected a boolean, got string" },
    { "name = \"x\"\nheartbeat = \"10\"\n",
      "%s:2: heartbeat: bad duration \"10\" (want e.g. \"500ms\", \"60s\", "
      "\"2m\", \"1m30s\")" },
    { "name = \"x\"\nheartbeat = \"2h\"\n",
      "%s:2: heartbeat: duration out of range 100ms..3600000ms" },
    { "name = \"x\"\nsched = \"rr\"\n",
      "%s:2: sched: unknown policy \"rr\" (other or fifo)" },
    { "name = \"x\"\nsched = \"fifo\"\nsched_priority = 100\n",
      "%s:3: sched_priority: 100 is out of range 1..99" },
    { "name = \"x\"\nsched = \"fifo\"\nsched_priority = 0\n",
      "%s:3: sched_priority: 0 is out of range 1..99" },
    { "name = \"x\"\nsched_priority = 10\n",
      "%s:2: sched_priority: only applies with sched = \"fifo\"" },
    { "name = \"x\"\nmlockall = 1\n",
      "%s:2: mlockall: expected a boolean, got integer" },
    { "name = \"x\"\napps = \"*\"\n",
      "%s:2: apps: expected an array of strings, got string" },
    { "name = \"x\"\napps = []\n",
      "%s:2: apps: empty: the profile would start nothing (use [\"*\"] for "
      "every autostart app)" },
    { "name = \"x\"\napps = [\"clock\", \"Bad\"]\n",
      "%s:2: apps[1]: expected an app name ([a-z][a-z0-9-]{0,31}) or \"*\"" },
    { "name = \"x\"\nname2 = 1\n", "%s:2: name2: unknown key" },
    { "name = \"x\"\ndisplay_backend = \"vga\"\n",
      "%s:2: display_backend: unknown backend \"vga\" (auto, drm, fbdev or "
      "headless)" },
    { "name = \"x\"\nlayout = \"grid\"\n",
      "%s:2: layout: unknown layout \"grid\" (tiled or stacked)" },
    { "name = \"x\"\nlayout = 1\n",
      "%s:2: layout: expected a string, got integer" },
    { "name = \"x\"\nstatus_bar = \"Bar\"\n",
      "%s:2: status_bar: expected an app name ([a-z][a-z0-9-]{0,31}), got "
      "\"Bar\"" },
    { "name = \"x\"\nconsole_app = 3\n",
      "%s:2: console_app: expected a string, got integer" },
    { "name = \"x\"\nsched = \"fifo\"\nmlockall = yes\n",
      "%s:3:12: invalid value starting with 'y'" },
    { "name = \"x\"\ngpio_safe_state = \"off\"\n",
      "%s:2: gpio_safe_state: unknown safe state \"off\" (input, low or "
      "high)" },
    { "name = \"x\"\nboard = \"qemu:b.toml\"\n",
      "%s:2: board: expected \"\" (none), a board name, \"sim:FILE\" or "
      "\"linux:FILE\", got \"qemu:b.toml\"" },
    { "name = \"x\"\nboard = \"sim:\"\n",
      "%s:2: board: \"sim:\" names no board file" },
    { "name = \"x\"\nboard = 1\n",
      "%s:2: board: expected a string, got integer" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = load_profile_text("x", bad[i].text, &p, err, sizeof err, path,
                               sizeof path);
    snprintf(want, sizeof want, bad[i].want, path);
    CHECKF(rc == -1 && strcmp(err, want) == 0,
           "bad profile %zu: expected \"%s\", got rc %d: %s", i, want, rc,
           rc == 0 ? "(accepted)" : err);
    if (rc == 0) vy_profile_free(&p);
  }

  /* defaults */
  int rc = load_profile_text("dflt", "name = \"dflt\"\n", &p, err, sizeof err,
                             path, sizeof path);
  EQ(rc, 0);
  if (rc == 0) {
    CHECK(strcmp(p.runtime, "interp") == 0 && p.memory_budget == 64u << 20 &&
          p.app_memory_default == 16u << 20 && !p.display &&
          p.heartbeat_ms == 10000 && p.sched == VY_SCHED_OTHER &&
          p.sched_priority == 0 && !p.mlockall && p.apps.n == 1 &&
          strcmp(p.apps.items[0], "*") == 0 &&
          strcmp(p.display_backend, "auto") == 0 && !p.layout_stacked &&
          !p.console_app[0] && !p.status_bar[0]);
    vy_profile_free(&p);
  }
  rc =
      load_profile_text("disp",
                        "name = \"disp\"\ndisplay = true\n"
                        "display_backend = \"headless\"\nlayout = \"stacked\"\n"
                        "console_app = \"shell\"\nstatus_bar = \"bar\"\n",
                        &p, err, sizeof err, path, sizeof path);
  CHECK(rc == 0 && p.display && strcmp(p.display_backend, "headless") == 0 &&
        p.layout_stacked && !strcmp(p.console_app, "shell") &&
        !strcmp(p.status_bar, "bar"));
  if (rc == 0) vy_profile_free(&p);
  /* fifo without a priority gets 50 */
  rc = load_profile_text("rt", "name = \"rt\"\nsched = \"fifo\"\n", &p, err,
                         sizeof err, path, sizeof path);
  CHECK(rc == 0 && p.sched == VY_SCHED_FIFO && p.sched_priority == 50);
  if (rc == 0) vy_profile_free(&p);
  /* the HAL's rows: no board and "input" unless said */
  rc = load_profile_text("hal", "name = \"hal\"\n", &p, err, sizeof err, path,
                         sizeof path);
  CHECK(rc == 0 && (!p.board || !p.board[0]) && p.gpio_safe_state == 0);
  if (rc == 0) vy_profile_free(&p);
  rc = load_profile_text("hal",
                         "name = \"hal\"\nboard = \"sim:boards/sim.toml\"\n"
                         "gpio_safe_state = \"low\"\n",
                         &p, err, sizeof err, path, sizeof path);
  CHECK(rc == 0 && p.board && !strcmp(p.board, "sim:boards/sim.toml") &&
        p.gpio_safe_state == 1);
  if (rc == 0) vy_profile_free(&p);
  CHECK(vy_profile_load("/nonexistent/p.toml", &p, err, sizeof err) == -1 &&
        strcmp(err, "/nonexistent/p.toml: No such file or directory") == 0);
}

/* The shipped profiles, from the repository's profiles/ folder. */
static void shipped(void) {
  static const struct {
    const char *name;
    bool display;
    vy_sched sched;
    int prio;
    bool lock;
    bool all;
  } t[] = {
    { "desktop-full", true, VY_SCHED_OTHER, 0, false, true },
    { "mobile", true, VY_SCHED_OTHER, 0, false, true },
    { "server-headless", false, VY_SCHED_OTHER, 0, false, true },
    { "iot-edge", false, VY_SCHED_OTHER, 0, false, true },
    { "robotics-rt", false, VY_SCHED_FIFO, 50, true, true },
    { "mcu-minimal", false, VY_SCHED_OTHER, 0, false, false },
  };
  uint64_t budgets[6];
  for (size_t i = 0; i < 6; i++) {
    char path[128], err[512];
    vy_profile p;
    snprintf(path, sizeof path, "profiles/%s.toml", t[i].name);
    int rc = vy_profile_load(path, &p, err, sizeof err);
    CHECKF(rc == 0, "%s", err);
    if (rc != 0) continue;
    CHECK(strcmp(p.name, t[i].name) == 0 && strcmp(p.runtime, "interp") == 0);
    CHECK(p.display == t[i].display && p.sched == t[i].sched &&
          p.sched_priority == t[i].prio && p.mlockall == t[i].lock);
    CHECK(vy_profile_starts(&p, "clock", true));
    CHECK(vy_profile_starts(&p, "some-app", true) == t[i].all);
    budgets[i] = p.memory_budget;
    vy_profile_free(&p);
  }
  /* different devices, different budgets */
  for (size_t i = 0; i < 6; i++)
    for (size_t j = i + 1; j < 6; j++) CHECK(budgets[i] != budgets[j]);
}

static void starts(void) {
  char path[160], err[512];
  vy_profile p;
  int rc = load_profile_text("s", "name = \"s\"\napps = [\"*\", \"echo\"]\n",
                             &p, err, sizeof err, path, sizeof path);
  EQ(rc, 0);
  if (rc == 0) {
    CHECK(vy_profile_starts(&p, "clock", true) &&
          !vy_profile_starts(&p, "clock", false));
    CHECK(vy_profile_starts(&p, "echo", false)); /* named: starts regardless */
    vy_profile_free(&p);
  }
  rc = load_profile_text("l", "name = \"l\"\napps = [\"clock\"]\n", &p, err,
                         sizeof err, path, sizeof path);
  EQ(rc, 0);
  if (rc == 0) {
    CHECK(vy_profile_starts(&p, "clock", true) &&
          vy_profile_starts(&p, "clock", false));
    CHECK(!vy_profile_starts(&p, "hello", true) &&
          !vy_profile_starts(&p, NULL, true));
    vy_profile_free(&p);
  }
  CHECK(!vy_profile_starts(NULL, "clock", true));
}

/* Runs vy_profile_apply_sched for a robotics-rt profile in a child, so that
** SCHED_FIFO or locked memory never outlive the test; with drop, the child
** first gives up root and its RLIMIT_RTPRIO / RLIMIT_MEMLOCK allowance, as
** an ordinary user on a developer's host.  Returns "RC MESSAGE". */
static void rt_child(bool drop, char *got, size_t gotlen) {
  got[0] = 0;
  int fd[2];
  if (pipe(fd) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    if (drop) {
      struct rlimit zero = { 0, 0 };
      if (setrlimit(RLIMIT_RTPRIO, &zero) != 0 ||
          setrlimit(RLIMIT_MEMLOCK, &zero) != 0 || setgid(65534) != 0 ||
          setuid(65534) != 0)
        _exit(3);
    }
    vy_profile rt;
    memset(&rt, 0, sizeof rt);
    rt.name = "robotics-rt";
    rt.sched = VY_SCHED_FIFO;
    rt.sched_priority = 50;
    rt.mlockall = true;
    char m[256];
    int rc = vy_profile_apply_sched(&rt, m, sizeof m);
    char line[300];
    int n = snprintf(line, sizeof line, "%d %s", rc, m);
    if (write(fd[1], line, (size_t)n) != n) _exit(2);
    _exit(0);
  }
  close(fd[1]);
  ssize_t n = pid > 0 ? read(fd[0], got, gotlen - 1) : -1;
  close(fd[0]);
  int st = 0;
  if (pid > 0) waitpid(pid, &st, 0);
  got[n > 0 ? n : 0] = 0;
  if (!(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)) got[0] = 0;
}

static void apply_sched(void) {
  vy_profile p;
  memset(&p, 0, sizeof p);
  char msg[256];
  p.name = "desktop-full";
  CHECK(vy_profile_apply_sched(&p, msg, sizeof msg) == 0 &&
        strcmp(msg, "desktop-full: SCHED_OTHER") == 0);
  EQ(vy_profile_apply_sched(NULL, msg, sizeof msg), 1);
  /* a tiny buffer is cut, never overrun */
  char small[8];
  memset(small, 'X', sizeof small);
  CHECK(vy_profile_apply_sched(&p, small, 6) == 0 && small[5] == 0 &&
        small[6] == 'X');

  char got[300];
  rt_child(false, got, sizeof got);
  /* privileged: everything applied; otherwise a 1 that says what and why */
  int ok =
      strcmp(got, "0 robotics-rt: SCHED_FIFO priority 50, memory locked") ==
          0 ||
      (strncmp(got, "1 robotics-rt: ", 15) == 0 && strstr(got, "not applied"));
  CHECK(ok);
  printf("apply_sched as uid %d: %s\n", (int)getuid(), got);
  if (getuid() == 0) {
    /* without privilege: EPERM for both, said plainly, and no failure */
    rt_child(true, got, sizeof got);
    CHECK(strncmp(got,
                  "1 robotics-rt: SCHED_FIFO priority 50 not applied: "
                  "Operation not permitted (EPERM; needs CAP_SYS_NICE or "
                  "RLIMIT_RTPRIO), "
                  "mlockall not applied: ",
                  130) == 0);
    printf("apply_sched as nobody: %s\n", got);
  }
}

int main(int argc, char **argv) {
  check_init(argc, argv, "unit");
  snprintf(tmpdir, sizeof tmpdir, "/tmp/manifest-unit.XXXXXX");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 2;
  }
  RUN(full);
  RUN(defaults);
  RUN(bad_manifests);
  RUN(err_buffers);
  RUN(sizes);
  RUN(durations);
  RUN(pairs);
  RUN(may_send);
  RUN(profiles);
  RUN(shipped);
  RUN(starts);
  RUN(apply_sched);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  return check_end();
}
