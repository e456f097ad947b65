/*
** tests/observability/metrics.c — heartbeat JSON and Prometheus text
** formatting (observability/metrics.c): exact output for a known
** snapshot, escaping, snprintf-style truncation, the *_alloc variants, and
** the exposition format's rules (HELP and TYPE before each family's
** samples, sample syntax).  With a directory as argv[2] it also writes
*heartbeat.json (a
** few lines: the normal, the empty and the hostile snapshot) and
** metrics.prom there, for tests/observability/run.sh to check with node.
*/
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../../observability/metrics.h"
#include "../check.h"

/* ping has made vyoma_hal calls: 7 gpio (2 denied, 1 busy), 3 i2c (one
** not acknowledged) */
static const vy_hal_counts PING_HAL = {
  .calls = { 7, 3, 0, 0, 0 },
  .denied = { 2, 0, 0, 0, 0 },
  .errors = { [0] = { [3] = 1 }, [1] = { [5] = 1 } },
};
static const char *code_name(int err) {
  return err == -3 ? "busy" : err == -5 ? "no-ack-address" : "other";
}
static const vy_app_metrics APPS[] = {
  { "ping", "running", 3200, 12, 131072, 5, 6, 0, 1, 2, 3, 4, &PING_HAL },
  { "logger", "failed", 0, 1500, 0, 0, 0, 5, 0, 0, 0, 0, NULL },
};
static const vy_sup_metrics SUP = { .hal_code_name = code_name,
                                    .uptime_ms = 12345,
                                    .time_ms = 1700000000123,
                                    .profile = "server-headless",
                                    .display = true,
                                    .display_frames = 7,
                                    .display_pixels = 786432,
                                    .display_budget_drops = 3 };

static void heartbeat_exact(void) {
  char buf[1024];
  size_t n = vy_metrics_heartbeat(buf, sizeof buf, &SUP, APPS, 2);
  const char *want =
      "{\"time_ms\":1700000000123,\"uptime_s\":12.345,\"profile\":\"server-"
      "headless\","
      "\"apps\":[{\"name\":\"ping\",\"state\":\"running\",\"uptime_s\":3.200,"
      "\"restarts\":0,\"cpu_ms\":12,\"memory\":131072,\"msgs_in\":5,\"msgs_"
      "out\":6},"
      "{\"name\":\"logger\",\"state\":\"failed\",\"uptime_s\":0.000,"
      "\"restarts\":5,"
      "\"cpu_ms\":1500,\"memory\":0,\"msgs_in\":0,\"msgs_out\":0}]}\n";
  REQUIREF(strcmp(buf, want) == 0, "got %s", buf);
  REQUIRE(n == strlen(want));
  /* one line: the only newline is the last byte */
  REQUIRE(strchr(buf, '\n') == buf + n - 1);
  vy_sup_metrics bare = { .uptime_ms = 0 };
  n = vy_metrics_heartbeat(buf, sizeof buf, &bare, NULL, 0);
  EQ(buf, "{\"uptime_s\":0.000,\"apps\":[]}\n");
}

static void truncation(void) {
  char full[1024], small[40];
  size_t n = vy_metrics_heartbeat(full, sizeof full, &SUP, APPS, 2);
  REQUIRE(vy_metrics_heartbeat(NULL, 0, &SUP, APPS, 2) == n);
  memset(small, '#', sizeof small);
  REQUIRE(vy_metrics_heartbeat(small, sizeof small, &SUP, APPS, 2) == n);
  REQUIRE(small[sizeof small - 1] == '\0' && strlen(small) == sizeof small - 1);
  REQUIRE(memcmp(small, full, sizeof small - 1) == 0);
  for (size_t cap = 1; cap < n + 2; cap++) { /* every cut is clean */
    char *b = malloc(cap);
    REQUIRE(b);
    size_t m = vy_metrics_prometheus(b, cap, &SUP, APPS, 2);
    bool ok = strlen(b) == (cap - 1 < m ? cap - 1 : m);
    free(b);
    REQUIREF(ok, "cap %zu", cap);
  }
  char *h = vy_metrics_heartbeat_alloc(&SUP, APPS, 2);
  REQUIRE(h && strcmp(h, full) == 0);
  free(h);
  char *p = vy_metrics_prometheus_alloc(&SUP, APPS, 2);
  REQUIRE(p && strlen(p) == vy_metrics_prometheus(NULL, 0, &SUP, APPS, 2));
  free(p);
}

static const vy_app_metrics HOSTILE[] = {
  { "we\"ird\\na\nme\t\x01", "sta\"te", 1, 2, 3, 4, 5, 6, 0, 0, 0, 0, NULL },
  { NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL },
};

static void escaping(void) {
  char buf[2048];
  vy_metrics_heartbeat(buf, sizeof buf, &SUP, HOSTILE, 2);
  REQUIREF(strstr(buf, "\"name\":\"we\\\"ird\\\\na\\u000ame\\u0009\\u0001\"") !=
               NULL,
           "got %s", buf);
  REQUIRE(strstr(buf, "\"name\":\"\",\"state\":\"\"") != NULL);
  REQUIRE(strchr(buf, '\n') == buf + strlen(buf) - 1);
  vy_metrics_prometheus(buf, sizeof buf, &SUP, HOSTILE, 2);
  REQUIREF(
      strstr(
          buf,
          "vyoma_app_memory_bytes{app=\"we\\\"ird\\\\na\\nme\t\x01\"} 3\n") !=
          NULL,
      "got %s", buf);
  REQUIRE(strstr(buf, "vyoma_app_state{app=\"\",state=\"\"} 1\n") != NULL);
}

/* The exposition rules a scraper relies on: every line is a comment
** ("# HELP name text" / "# TYPE name type") or a sample
** "name{labels} value"; each family's HELP and TYPE come once, before its
** samples, and a family's samples are contiguous. */
static const char *prom_problem(const char *text) {
  static char why[200];
  char fam[64][64];
  bool typed[64] = { false }, helped[64] = { false };
  int nfam = 0, cur = -1;
  const char *p = text;
  while (*p) {
    const char *e = strchr(p, '\n');
    if (!e) return "last line without newline";
    char line[512];
    size_t len = (size_t)(e - p);
    if (len >= sizeof line) return "line too long";
    memcpy(line, p, len);
    line[len] = '\0';
    p = e + 1;
    char name[64];
    if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0) {
      if (sscanf(line + 7, "%63s", name) != 1) return "comment without a name";
      int f;
      for (f = 0; f < nfam && strcmp(fam[f], name); f++) {}
      if (f == nfam) {
        if (nfam == 64) return "too many families";
        snprintf(fam[nfam++], sizeof fam[0], "%s", name);
      }
      bool *seen = line[2] == 'H' ? helped : typed;
      if (seen[f]) {
        snprintf(why, sizeof why, "%s twice: %.60s",
                 line[2] == 'H' ? "HELP" : "TYPE", name);
        return why;
      }
      seen[f] = true;
      if (line[2] == 'T') {
        const char *t = line + 7 + strlen(name) + 1;
        if (strcmp(t, "gauge") && strcmp(t, "counter")) return "bad TYPE";
      }
      cur = f;
      continue;
    }
    size_t i = 0;
    if (!(isalpha((unsigned char)line[0]) || line[0] == '_')) {
      snprintf(why, sizeof why, "bad sample line: %.80s", line);
      return why;
    }
    while (isalnum((unsigned char)line[i]) || line[i] == '_') i++;
    memcpy(name, line, i < 63 ? i : 63);
    name[i < 63 ? i : 63] = '\0';
    if (cur < 0 || strcmp(fam[cur], name) || !typed[cur] || !helped[cur]) {
      snprintf(why, sizeof why, "sample of %.60s outside its family", name);
      return why;
    }
    if (line[i] == '{') {
      /* label="value" pairs, values with \\ \" \n escapes */
      i++;
      for (;;) {
        size_t s = i;
        while (isalnum((unsigned char)line[i]) || line[i] == '_') i++;
        if (i == s || line[i] != '=' || line[i + 1] != '"') return "bad label";
        i += 2;
        while (line[i] && line[i] != '"') {
          if (line[i] == '\\') {
            if (line[i + 1] != '\\' && line[i + 1] != '"' && line[i + 1] != 'n')
              return "bad escape";
            i++;
          }
          i++;
        }
        if (line[i] != '"') return "unterminated label";
        i++;
        if (line[i] == ',') {
          i++;
          continue;
        }
        if (line[i] == '}') {
          i++;
          break;
        }
        return "bad label list";
      }
    }
    if (line[i] != ' ') return "no space before value";
    char *end;
    strtod(line + i + 1, &end);
    if (end == line + i + 1 || *end) return "bad value";
  }
  for (int f = 0; f < nfam; f++)
    if (!typed[f] || !helped[f]) return "family without HELP or TYPE";
  return NULL;
}

static void prometheus(void) {
  char buf[8192];
  vy_metrics_prometheus(buf, sizeof buf, &SUP, APPS, 2);
  const char *why = prom_problem(buf);
  REQUIREF(!why, "%s", why);
  REQUIRE(strstr(
      buf, "# TYPE vyoma_uptime_seconds gauge\nvyoma_uptime_seconds 12.345\n"));
  REQUIRE(strstr(buf, "vyoma_apps 2\n"));
  REQUIRE(strstr(buf, "vyoma_app_state{app=\"ping\",state=\"running\"} 1\n"));
  REQUIRE(strstr(buf, "vyoma_app_state{app=\"logger\",state=\"failed\"} 1\n"));
  REQUIRE(strstr(buf, "# TYPE vyoma_app_cpu_seconds_total counter\n"));
  REQUIRE(strstr(buf, "vyoma_app_cpu_seconds_total{app=\"logger\"} 1.500\n"));
  REQUIRE(strstr(buf, "vyoma_app_memory_bytes{app=\"ping\"} 131072\n"));
  REQUIRE(strstr(buf, "vyoma_app_messages_in_total{app=\"ping\"} 5\n"));
  REQUIRE(strstr(buf, "vyoma_app_messages_out_total{app=\"ping\"} 6\n"));
  REQUIRE(strstr(buf, "vyoma_app_restarts_total{app=\"logger\"} 5\n"));
  REQUIRE(strstr(buf, "vyoma_app_uptime_seconds{app=\"ping\"} 3.200\n"));
  REQUIRE(strstr(
      buf, "vyoma_app_ipc_refused_total{app=\"ping\",reason=\"denied\"} 1\n"));
  REQUIRE(strstr(
      buf,
      "vyoma_app_ipc_refused_total{app=\"ping\",reason=\"rate-limited\"} 2\n"));
  REQUIRE(strstr(
      buf,
      "vyoma_app_ipc_refused_total{app=\"ping\",reason=\"queue-full\"} 3\n"));
  REQUIRE(strstr(
      buf, "vyoma_app_ipc_refused_total{app=\"ping\",reason=\"dropped\"} 4\n"));
  REQUIRE(strstr(
      buf,
      "vyoma_app_ipc_refused_total{app=\"logger\",reason=\"dropped\"} 0\n"));
  REQUIRE(strstr(buf,
                 "# TYPE vyoma_display_frames_total counter\n"
                 "vyoma_display_frames_total 7\n"));
  REQUIRE(strstr(buf, "vyoma_display_pixels_total 786432\n"));
  REQUIRE(strstr(buf, "vyoma_display_budget_drops_total 3\n"));
  vy_metrics_prometheus(buf, sizeof buf, &SUP, NULL, 0);
  why = prom_problem(buf);
  REQUIREF(!why, "empty: %s", why);
  /* without a display, no display families at all */
  vy_sup_metrics dark = SUP;
  dark.display = false;
  vy_metrics_prometheus(buf, sizeof buf, &dark, APPS, 2);
  REQUIRE(!strstr(buf, "vyoma_display"));
  vy_metrics_prometheus(buf, sizeof buf, &SUP, HOSTILE, 2);
  why = prom_problem(buf);
  REQUIREF(!why, "hostile: %s", why);
}

/* the vyoma_hal families: HELP and TYPE, every kind of an app that made
** calls, an errors series per code that happened, none for the others */
static void hal_families(void) {
  char buf[8192];
  vy_metrics_prometheus(buf, sizeof buf, &SUP, APPS, 2);
  const char *why = prom_problem(buf);
  REQUIREF(!why, "%s", why);
  CHECK(strstr(buf, "# TYPE vyoma_hal_calls_total counter\n"));
  CHECK(strstr(buf, "# HELP vyoma_hal_denied_total "));
  CHECK(strstr(buf, "# TYPE vyoma_hal_errors_total counter\n"));
  CHECK(strstr(buf, "vyoma_hal_calls_total{app=\"ping\",kind=\"gpio\"} 7\n"));
  CHECK(strstr(buf, "vyoma_hal_calls_total{app=\"ping\",kind=\"adc\"} 0\n"));
  CHECK(strstr(buf, "vyoma_hal_denied_total{app=\"ping\",kind=\"gpio\"} 2\n"));
  CHECK(strstr(buf,
               "vyoma_hal_errors_total{app=\"ping\",kind=\"gpio\","
               "code=\"busy\"} 1\n"));
  CHECK(strstr(buf,
               "vyoma_hal_errors_total{app=\"ping\",kind=\"i2c\","
               "code=\"no-ack-address\"} 1\n"));
  CHECK(!strstr(buf, "vyoma_hal_calls_total{app=\"logger\""));
  CHECK(!strstr(buf, "code=\"other\""));
  vy_sup_metrics none = SUP;
  none.hal_code_name = NULL;
  vy_metrics_prometheus(buf, sizeof buf, &none, APPS, 2);
  CHECK(!strstr(buf, "vyoma_hal"));
}

/* the update figures (supervisor/ota.c): the heartbeat's "ota" object and
** the vyoma_ota_* families, a label with a quote escaped */
static vy_sup_metrics with_ota(const char *version) {
  vy_sup_metrics s = SUP;
  s.ota_slot = "slot-b";
  s.ota_version = version;
  s.ota_state = "trial";
  s.ota_tries = 2;
  return s;
}

static void ota_fields(void) {
  vy_sup_metrics s = with_ota("2.0.0");
  char buf[8192];
  vy_metrics_heartbeat(buf, sizeof buf, &s, APPS, 2);
  CHECK(strstr(buf,
               ",\"ota\":{\"slot\":\"slot-b\",\"version\":\"2.0.0\","
               "\"state\":\"trial\",\"tries\":2},\"apps\":["));
  vy_metrics_prometheus(buf, sizeof buf, &s, APPS, 2);
  CHECK(strstr(buf, "# TYPE vyoma_ota_info gauge\n"));
  CHECK(strstr(buf,
               "vyoma_ota_info{slot=\"slot-b\",version=\"2.0.0\","
               "state=\"trial\"} 1\n"));
  CHECK(strstr(buf, "# TYPE vyoma_ota_tries_remaining gauge\n"));
  CHECK(strstr(buf, "vyoma_ota_tries_remaining 2\n"));
  s = with_ota("2\"x");
  vy_metrics_prometheus(buf, sizeof buf, &s, APPS, 2);
  CHECK(strstr(buf, "version=\"2\\\"x\""));
  /* without an update state: neither */
  vy_metrics_prometheus(buf, sizeof buf, &SUP, APPS, 2);
  CHECK(!strstr(buf, "vyoma_ota"));
}

static const char *outdir;

static int write_file(const char *name, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", outdir, name);
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  int rc = fputs(text, f) < 0 ? -1 : 0;
  if (fclose(f) != 0) rc = -1;
  return rc;
}

static void files_for_node(void) {
  if (!outdir) SKIP("no folder given (argv[2])");
  char a[1024], b[1024], c[2048], all[4200];
  vy_metrics_heartbeat(a, sizeof a, &SUP, APPS, 2);
  vy_sup_metrics bare = { .uptime_ms = 1 };
  vy_metrics_heartbeat(b, sizeof b, &bare, NULL, 0);
  vy_metrics_heartbeat(c, sizeof c, &SUP, HOSTILE, 2);
  snprintf(all, sizeof all, "%s%s%s", a, b, c);
  EQ(write_file("heartbeat.json", all), 0);
  vy_sup_metrics s = with_ota("2.0.0"); /* promtool sees those too */
  char *p = vy_metrics_prometheus_alloc(&s, APPS, 2);
  REQUIRE(p);
  int rc = write_file("metrics.prom", p);
  free(p);
  EQ(rc, 0);
}

int main(int argc, char **argv) {
  check_init(argc, argv, NULL);
  if (argc > 2) outdir = argv[2];
  RUN(heartbeat_exact);
  RUN(truncation);
  RUN(escaping);
  RUN(prometheus);
  RUN(hal_families);
  RUN(ota_fields);
  RUN(files_for_node);
  return check_end();
}
