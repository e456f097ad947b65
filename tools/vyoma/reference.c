/*
** reference.c — `vyoma manifest-reference`: the vyoma.toml reference of
** docs/apps.md as a markdown table, one row per key of the manifest's
** schema (profile/manifest.c), so that the document cannot drift from what
** the loader accepts.
**
** Type, default and numeric limits come from the rows themselves; what a
** row cannot say (what the key means, a string's syntax, an example) is in
** key_docs below, by dotted name.  A schema row without a key_docs entry,
** or an entry without a row, is an error (exit 1), so a new key cannot go
** undocumented and a removed one cannot linger.
*/
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../profile/manifest.h"
#include "cli.h"

typedef struct key_doc {
  const char *key;     /* "app.name"                                    */
  const char *dflt;    /* the default, when the row's says too little   */
  const char *limits;  /* a string's syntax; NULL: from the row         */
  const char *example; /* as written in vyoma.toml                      */
  const char *meaning;
} key_doc;

static const key_doc key_docs[] = {
  { "app.name", "required", "`[a-z][a-z0-9-]{0,31}`, not `sys`",
    "`name = \"clock\"`", "the app's name and its IPC address `@clock`" },
  { "app.version", NULL, "any string", "`version = \"1.0.0\"`",
    "for people; the supervisor does not interpret it" },
  { "app.module", "required",
    "a path inside the app's folder: not absolute, no `..`",
    "`module = \"clock.wasm\"`", "the WASI command module to run" },
  { "app.args", NULL, "strings", "`args = [\"-n\", \"3\"]`",
    "`argv[1..]` (`argv[0]` is the module's file name)" },
  { "app.env", NULL, "keys non-empty, without `=`; string values",
    "`env = { TZ = \"UTC\" }`", "the app's whole environment" },
  { "capabilities.filesystem", NULL, NULL, "`filesystem = true`",
    "`/data` exists: the app's own folder, `data/NAME/` of the root" },
  { "capabilities.network", NULL, NULL, "`network = false`",
    "sockets; no socket exists for the app without it" },
  { "capabilities.display", NULL, NULL, "`display = true`",
    "a window; `VYOMA_DRAW` lines draw in it (else they are log lines)" },
  { "capabilities.input", NULL, NULL, "`input = true`",
    "may take the keyboard focus; typed lines arrive on stdin" },
  { "capabilities.ota", NULL, NULL, "`ota = true`",
    "may say `@sys: ota ...` (status, apply, commit, rollback: the "
    "system's updates; with `ipc = [\"sys\"]`)" },
  { "capabilities.ipc", NULL, "app names, `\"*\"` (any app), `\"sys\"`",
    "`ipc = [\"logger\", \"sys\"]`",
    "who the app may send `@NAME: ...` to; `sys` for `@sys` commands" },
  { "capabilities.gpio", NULL, NULL, "`gpio = [17, 27]`",
    "GPIO lines the app may use" },
  { "capabilities.i2c", NULL, "`\"BUS:0xADDR\"`, bus 0..1023, 7-bit address",
    "`i2c = [\"1:0x48\"]`", "I2C devices the app may use" },
  { "capabilities.spi", NULL, "`\"BUS:CS\"`, each 0..1023", "`spi = [\"0:1\"]`",
    "SPI devices (`/dev/spidevBUS.CS`)" },
  { "capabilities.uart", NULL, "device names, 1..32 of `[A-Za-z0-9_-]`",
    "`uart = [\"ttyS1\"]`", "serial ports the app may use" },
  { "capabilities.adc", NULL, "`\"DEV:CHANNEL\"` or `\"CHANNEL\"`, 0..1023",
    "`adc = [\"0:3\"]`", "ADC channels the app may read" },
  { "resources.memory", "the profile's", NULL, "`memory = \"16MiB\"`",
    "cap on the app's linear memory" },
  { "resources.messages_per_sec", "`1000`", NULL, "`messages_per_sec = 100`",
    "IPC rate limit; a message over it is answered with an error" },
  { "lifecycle.restart", NULL, NULL, "`restart = \"always\"`",
    "when an app that ended is started again" },
  { "lifecycle.max_restarts", NULL, NULL, "`max_restarts = 5`",
    "restarts within `restart_window`; one more and the app is `failed`" },
  { "lifecycle.restart_window", NULL, NULL, "`restart_window = \"60s\"`",
    "the span `max_restarts` counts in" },
  { "lifecycle.heartbeat", "none", NULL, "`heartbeat = \"5s\"`",
    "health watchdog: the app must print a line at least this often" },
  { "lifecycle.autostart", NULL, NULL, "`autostart = false`",
    "started with the supervisor (else by `vyctl start` or `@sys: start`)" },
  { "lifecycle.critical", NULL, NULL, "`critical = true`",
    "must be healthy for an OTA update to commit" },
};
#define NKEY_DOCS (sizeof key_docs / sizeof key_docs[0])

static const key_doc *doc_for(const char *key) {
  for (size_t i = 0; i < NKEY_DOCS; i++)
    if (!strcmp(key_docs[i].key, key)) return &key_docs[i];
  return NULL;
}

static const char *type_name(vy_kind k) {
  switch (k) {
    case VY_BOOL: return "bool";
    case VY_INT: return "integer";
    case VY_SIZE: return "size";
    case VY_DURATION: return "duration";
    case VY_CHOICE:
    case VY_CHOICE_TEXT: return "string (choice)";
    case VY_STR:
    case VY_TEXT:
    case VY_NOTE: return "string";
    case VY_STRLIST: return "array of strings";
    case VY_INTLIST: return "array of integers";
    case VY_STRMAP: return "table of strings";
    case VY_TABLE: return "table";
  }
  return "?";
}

/* 65536 -> "64KiB", 4294967296 -> "4GiB" */
static void size_text(char *out, size_t n, int64_t v) {
  static const char *const unit[] = { "B", "KiB", "MiB", "GiB" };
  int u = 0;
  while (u < 3 && v >= 1024 && v % 1024 == 0) v /= 1024, u++;
  snprintf(out, n, "%" PRId64 "%s", v, unit[u]);
}

/* 60000 -> "60s", 10 -> "10ms", UINT32_MAX -> "~49 days" */
static void duration_text(char *out, size_t n, int64_t ms) {
  if (ms >= UINT32_MAX)
    snprintf(out, n, "~49 days");
  else if (ms % 1000 == 0 && ms)
    snprintf(out, n, "%" PRId64 "s", ms / 1000);
  else
    snprintf(out, n, "%" PRId64 "ms", ms);
}

/* the row's default, as written in vyoma.toml */
static void default_text(const vy_key *k, char *out, size_t n) {
  switch (k->kind) {
    case VY_BOOL: snprintf(out, n, "`%s`", k->dflt ? "true" : "false"); return;
    case VY_INT: snprintf(out, n, "`%" PRId64 "`", k->dflt); return;
    case VY_SIZE: size_text(out + 2, n - 4, k->dflt); break;
    case VY_DURATION: duration_text(out + 2, n - 4, k->dflt); break;
    case VY_CHOICE:
    case VY_CHOICE_TEXT:
      snprintf(out, n, "`\"%s\"`", k->choices[k->dflt]);
      return;
    case VY_STR:
    case VY_TEXT:
      snprintf(out, n, k->dflt_text ? "`\"%s\"`" : "none",
               k->dflt_text ? k->dflt_text : "");
      return;
    default: snprintf(out, n, "empty"); return;
  }
  /* a size or duration: quoted as the string it is written as */
  out[0] = '`', out[1] = '"';
  size_t len = strlen(out);
  snprintf(out + len, n - len, "\"`");
}

/* the row's limits: a range, the choices, or the entry's syntax */
static void limits_text(const vy_key *k, const key_doc *d, char *out,
                        size_t n) {
  char a[32], b[32];
  out[0] = 0;
  if (d->limits) {
    snprintf(out, n, "%s", d->limits);
  } else if (k->kind == VY_INT || k->kind == VY_INTLIST) {
    snprintf(out, n, "%" PRId64 "..%" PRId64, k->min, k->max);
  } else if (k->kind == VY_SIZE) {
    size_text(a, sizeof a, k->min), size_text(b, sizeof b, k->max);
    snprintf(out, n, "%s..%s (`\"16MiB\"`, `\"512KiB\"` or bytes)", a, b);
  } else if (k->kind == VY_DURATION) {
    duration_text(a, sizeof a, k->min), duration_text(b, sizeof b, k->max);
    snprintf(out, n, "%s..%s (`\"500ms\"`, `\"60s\"`, `\"2m\"`)", a, b);
  } else if (k->kind == VY_CHOICE || k->kind == VY_CHOICE_TEXT) {
    for (const char *const *c = k->choices; *c; c++) {
      size_t len = strlen(out);
      snprintf(out + len, n - len, "%s`%s`", c == k->choices ? "" : ", ", *c);
    }
  } else if (k->kind == VY_BOOL) {
    snprintf(out, n, "`true`, `false`");
  }
}

/* One table's rows; 0, or -1 after a message about an undocumented key. */
static int print_table(const char *table, const vy_table *t) {
  for (size_t i = 0; i < t->nkeys; i++) {
    const vy_key *k = &t->keys[i];
    char key[96], dflt[64], lim[160];
    snprintf(key, sizeof key, "%s.%s", table, k->name);
    const key_doc *d = doc_for(key);
    if (!d) {
      fprintf(stderr,
              "vyoma: manifest key %s has no entry in tools/vyoma/"
              "reference.c's key_docs\n",
              key);
      return -1;
    }
    if (d->dflt)
      snprintf(dflt, sizeof dflt, "%s", d->dflt);
    else
      default_text(k, dflt, sizeof dflt);
    limits_text(k, d, lim, sizeof lim);
    printf("| `[%s]` `%s` | %s | %s | %s | %s | %s |\n", table, k->name,
           type_name(k->kind), dflt, lim, d->example, d->meaning);
  }
  return 0;
}

/* every key_docs entry names a row (none is left from a removed key) */
static int docs_match_rows(const vy_table *root) {
  for (size_t i = 0; i < NKEY_DOCS; i++) {
    const char *dot = strchr(key_docs[i].key, '.');
    int found = 0;
    for (size_t t = 0; t < root->nkeys && !found; t++) {
      const vy_key *tk = &root->keys[t];
      if (tk->kind != VY_TABLE ||
          strlen(tk->name) != (size_t)(dot - key_docs[i].key) ||
          strncmp(tk->name, key_docs[i].key, (size_t)(dot - key_docs[i].key)))
        continue;
      for (size_t k = 0; k < tk->table->nkeys && !found; k++)
        found = !strcmp(tk->table->keys[k].name, dot + 1);
    }
    if (!found) {
      fprintf(stderr, "vyoma: key_docs entry %s is not a manifest key\n",
              key_docs[i].key);
      return -1;
    }
  }
  return 0;
}

int cli_manifest_reference(int argc, char **argv) {
  (void)argv;
  if (argc > 0) {
    fprintf(stderr, "usage: vyoma manifest-reference\n");
    return VYOMA_EXIT_USAGE;
  }
  const vy_table *root = vy_manifest_schema();
  if (docs_match_rows(root) != 0) return VYOMA_EXIT_FAIL;
  printf(
      "| key | type | default | limits | example | meaning |\n"
      "|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < root->nkeys; i++) {
    const vy_key *t = &root->keys[i];
    if (t->kind != VY_TABLE) {
      fprintf(stderr, "vyoma: manifest key %s is not in a table\n", t->name);
      return VYOMA_EXIT_FAIL;
    }
    if (print_table(t->name, t->table) != 0) return VYOMA_EXIT_FAIL;
  }
  return fflush(stdout) == 0 ? 0 : VYOMA_EXIT_FAIL;
}
