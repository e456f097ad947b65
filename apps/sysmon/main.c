/*
** sysmon — a system monitor window: one row per app with its name, state,
** a CPU bar and a memory bar.
**
** Protocol: every second it sends "@sys: stats" and draws the answer,
**   "@sys: stats NAME=STATE,CPU_MS,MEM_BYTES[,limit=BYTES] NAME=..."
** The CPU bar is the CPU time an app used since the previous answer as a
** share of that interval (from the difference of successive CPU_MS),
** labelled "N%"; the memory bar is its memory as a share of its own limit,
** labelled "USED/LIMIT" ("256K/1.0M"; an entry without limit= is scaled to
** the largest app's memory instead, and labelled "USED").  Other stdin:
**   "@sys: window W H"     the window's size (assumed 320x240 until then)
**   "@sys: error ..."      logged to stderr (a refused draw line, say)
**   "@sys: shutdown"       exit 0, as at end of input
** Needs ipc = ["sys"].
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vyoma.h"

#define PERIOD_MS 1000
#define MAX_APPS  64

typedef struct app {
  char name[VY_NAME_MAX + 1];
  char state[16];
  unsigned long long cpu_ms, mem;
  unsigned long long limit; /* its memory cap; 0: not told */
  int pct;                  /* CPU share of the last interval, 0..100 */
} app;

static app apps[MAX_APPS], prev[MAX_APPS];
static int napps, nprev;
static long long last_ms = -1; /* when the previous answer arrived */
static int win_w = 320, win_h = 240;

/* Parses "NAME=STATE,CPU,MEM[,limit=BYTES]" into *a; 0 on success. */
static int parse_app(char *tok, app *a) {
  char *eq = strchr(tok, '='), *c1, *c2, *end;
  if (!eq || eq == tok || eq - tok > VY_NAME_MAX) return -1;
  if (!(c1 = strchr(eq + 1, ',')) || !(c2 = strchr(c1 + 1, ','))) return -1;
  if (c1 - eq - 1 >= (long)sizeof a->state) return -1;
  memcpy(a->name, tok, (size_t)(eq - tok));
  a->name[eq - tok] = 0;
  memcpy(a->state, eq + 1, (size_t)(c1 - eq - 1));
  a->state[c1 - eq - 1] = 0;
  a->cpu_ms = strtoull(c1 + 1, &end, 10);
  if (end != c2) return -1;
  a->mem = strtoull(c2 + 1, &end, 10);
  a->limit = 0;
  if (!strncmp(end, ",limit=", 7)) {
    const char *l = end + 7;
    a->limit = strtoull(l, &end, 10);
    if (end == l) return -1;
  }
  return *end ? -1 : 0;
}

/* Takes in one stats answer (the text after "stats"). */
static void update(char *list) {
  long long now = vy_now_ms(CLOCK_MONOTONIC);
  /* The supervisor samples when it answers, and we ask once a period, so
  ** the samples are at least a period apart even when the answers reach
  ** us bunched together (we were slow to read): never divide by less. */
  long long span = last_ms < 0 ? PERIOD_MS : now - last_ms;
  if (span < PERIOD_MS) span = PERIOD_MS;
  int had_prev = last_ms >= 0;
  last_ms = now;
  memcpy(prev, apps, sizeof apps);
  nprev = napps;
  napps = 0;
  for (char *save, *tok = strtok_r(list, " ", &save); tok && napps < MAX_APPS;
       tok = strtok_r(NULL, " ", &save)) {
    app *a = &apps[napps];
    if (parse_app(tok, a)) {
      fprintf(stderr, "sysmon: bad stats entry '%s'\n", tok);
      continue;
    }
    a->pct = 0;
    for (int i = 0; had_prev && i < nprev; i++)
      if (!strcmp(prev[i].name, a->name) && a->cpu_ms >= prev[i].cpu_ms) {
        long long d = (long long)(a->cpu_ms - prev[i].cpu_ms) * 100 / span;
        a->pct = d > 100 ? 100 : (int)d;
      }
    napps++;
  }
}

/* A size short enough for a bar: "640K" below 1 MiB, else "N.NM" (MiB,
** rounded to tenths, in integers) */
static void size_text(char *out, size_t n, unsigned long long bytes) {
  if (bytes < 1u << 20) {
    snprintf(out, n, "%lluK", (bytes + 512) >> 10);
    return;
  }
  unsigned long long t = (bytes * 10 + (1u << 19)) >> 20;
  snprintf(out, n, "%llu.%lluM", t / 10, t % 10);
}

/* bar x, y, w, h filled to share num/den in colour fg, its outline, and
** label inside it */
static void bar(int x, int y, int w, int h, unsigned long long num,
                unsigned long long den, const char *fg, const char *label) {
  if (num > den) num = den;
  int fw = den ? (int)((unsigned long long)w * num / den) : 0;
  if (num > 0 && fw == 0) fw = 1; /* some, if only a little */
  if (fw > 0) vy_draw_fill(x, y, fw, h, fg);
  vy_draw_rect(x, y, w, h, "#506070");
  vy_draw_text_size(x + 4, y, "#ffffff", 12, label);
}

/* where the columns are, from the window's width */
typedef struct columns {
  int pad, row, size, state_x, cpu_x, mem_x, bar_w;
} columns;

static columns columns_for(int w) {
  columns c = { .pad = 6, .row = 20, .size = 14 };
  int name_w = w * 28 / 100, state_w = w * 18 / 100;
  c.bar_w = (w - name_w - state_w - 4 * c.pad) / 2;
  if (c.bar_w < 10) c.bar_w = 10;
  c.state_x = c.pad + name_w;
  c.cpu_x = c.state_x + state_w;
  c.mem_x = c.cpu_x + c.bar_w + c.pad;
  return c;
}

static void draw_row(const app *a, int y, const columns *c,
                     unsigned long long max_mem) {
  int on = !strcmp(a->state, "running"), h = c->row - 6;
  vy_draw_text_size(c->pad, y, on ? "#e8e8e8" : "#808080", c->size, a->name);
  vy_draw_text_size(c->state_x, y, on ? "#80e080" : "#808080", c->size,
                    a->state);
  char label[48], used[24], cap[24];
  snprintf(label, sizeof label, "%d%%", a->pct);
  bar(c->cpu_x, y + 2, c->bar_w, h, (unsigned)a->pct, 100, "#40c040", label);
  size_text(used, sizeof used, a->mem);
  if (a->limit) {
    size_text(cap, sizeof cap, a->limit);
    snprintf(label, sizeof label, "%s/%s", used, cap);
  } else {
    snprintf(label, sizeof label, "%s", used);
  }
  bar(c->mem_x, y + 2, c->bar_w, h, a->mem, a->limit ? a->limit : max_mem,
      "#4080ff", label);
}

static void draw(void) {
  columns c = columns_for(win_w);
  vy_draw_clear("#101418");
  vy_draw_text_size(c.pad, 2, "#a0a8b0", c.size, "app");
  vy_draw_text_size(c.state_x, 2, "#a0a8b0", c.size, "state");
  vy_draw_text_size(c.cpu_x, 2, "#a0a8b0", c.size, "cpu %");
  vy_draw_text_size(c.mem_x, 2, "#a0a8b0", c.size, "memory / limit");
  /* the scale of the entries the supervisor sent no limit for */
  unsigned long long max_mem = 1;
  for (int i = 0; i < napps; i++)
    if (apps[i].mem > max_mem) max_mem = apps[i].mem;
  for (int i = 0; i < napps; i++) {
    int y = c.row * (i + 1) + 2;
    if (y + c.row > win_h) break; /* the rest would be off the window */
    draw_row(&apps[i], y, &c, max_mem);
  }
  vy_draw_present();
}

int main(void) {
  static vy_lines in;
  char line[VY_LINE_MAX];
  draw();
  vy_send("sys", "stats");
  long long next = vy_now_ms(CLOCK_MONOTONIC) + PERIOD_MS;
  for (;;) {
    long long left = next - vy_now_ms(CLOCK_MONOTONIC);
    int n = vy_wait_line(&in, line, sizeof line, left < 0 ? 0 : (int)left);
    if (n == -1) break;
    if (n == VY_TIMEOUT) {
      vy_send("sys", "stats");
      next += PERIOD_MS;
      /* after a long stall, do not fire a burst of catch-up requests */
      long long now = vy_now_ms(CLOCK_MONOTONIC);
      if (next < now) next = now + PERIOD_MS;
      continue;
    }
    vy_msg m;
    if (!vy_parse(line, &m) || strcmp(m.sender, "sys")) continue;
    if (vy_parse_window(&m, &win_w, &win_h)) {
      draw();
    } else if (!strncmp(m.payload, "stats", 5) &&
               (m.payload[5] == ' ' || !m.payload[5])) {
      update(line + (m.payload - line) + 5); /* payload is in line */
      draw();
    } else if (!strncmp(m.payload, "error", 5)) {
      fprintf(stderr, "sysmon: %s\n", m.payload);
    } else if (!strcmp(m.payload, "shutdown")) {
      break;
    }
  }
  return 0;
}
