/*
** sysmon — a system monitor window: one row per app with its name, state,
** a CPU bar and a memory bar.
**
** Protocol: every second it sends "@sys: stats" and draws the answer,
**   "@sys: stats NAME=STATE,CPU_MS,MEM_BYTES NAME=STATE,CPU_MS,MEM_BYTES ..."
** The CPU bar is the CPU time an app used since the previous answer as a
** share of that interval (from the difference of successive CPU_MS); the
** memory bar is its memory in MiB, scaled to the largest app's.  Other stdin:
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
  int pct; /* CPU share of the last interval, 0..100 */
} app;

static app apps[MAX_APPS], prev[MAX_APPS];
static int napps, nprev;
static long long last_ms = -1; /* when the previous answer arrived */
static int win_w = 320, win_h = 240;

/* Parses "NAME=STATE,CPU,MEM" into *a; 0 on success. */
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

static void draw(void) {
  vy_draw_clear("#101418");
  int row = 20, size = 14, pad = 6;
  int name_w = win_w * 28 / 100, state_w = win_w * 18 / 100;
  int bar_w = (win_w - name_w - state_w - 4 * pad) / 2;
  if (bar_w < 10) bar_w = 10;
  int cpu_x = pad + name_w + state_w, mem_x = cpu_x + bar_w + pad;
  vy_draw_text_size(pad, 2, "#a0a8b0", size, "app");
  vy_draw_text_size(pad + name_w, 2, "#a0a8b0", size, "state");
  vy_draw_text_size(cpu_x, 2, "#a0a8b0", size, "cpu %");
  vy_draw_text_size(mem_x, 2, "#a0a8b0", size, "memory");
  unsigned long long max_mem = 1;
  for (int i = 0; i < napps; i++)
    if (apps[i].mem > max_mem) max_mem = apps[i].mem;
  for (int i = 0; i < napps; i++) {
    const app *a = &apps[i];
    int y = row * (i + 1) + 2;
    if (y + row > win_h) break; /* the rest would be off the window */
    int on = !strcmp(a->state, "running");
    vy_draw_text_size(pad, y, on ? "#e8e8e8" : "#808080", size, a->name);
    vy_draw_text_size(pad + name_w, y, on ? "#80e080" : "#808080", size,
                      a->state);
    int cw = bar_w * a->pct / 100;
    if (a->pct > 0 && cw == 0) cw = 1; /* busy, if only a little */
    int mw = (int)((unsigned long long)bar_w * a->mem / max_mem);
    if (cw > 0) vy_draw_fill(cpu_x, y + 2, cw, row - 6, "#40c040");
    vy_draw_rect(cpu_x, y + 2, bar_w, row - 6, "#506070");
    if (mw > 0) vy_draw_fill(mem_x, y + 2, mw, row - 6, "#4080ff");
    vy_draw_rect(mem_x, y + 2, bar_w, row - 6, "#506070");
    char label[32];
    /* tenths of a MiB, in integers */
    unsigned long long t = (a->mem * 10 + (1u << 19)) >> 20;
    snprintf(label, sizeof label, "%d%% %llu.%llu MiB", a->pct, t / 10, t % 10);
    vy_draw_text_size(mem_x + 4, y + 2, "#ffffff", size - 2, label);
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
