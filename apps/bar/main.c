/*
** bar — the status bar and launcher.  A profile that names it as its
** status_bar (desktop-full does) gives it a strip the width of the screen,
** 28 pixels high.  It shows the
** time (HH:MM UTC), the apps from "@sys: ps" (running ones bright, the
** others dimmed) and the launcher's last reply.
**
** Protocol: every 2 s it sends "@sys: ps" and draws the answer: the
** table vyctl ps prints, a "@sys: NAME  STATE ..." line each (or the older
** one-line "@sys: ps NAME=STATE NAME=STATE ...").  A typed line "start NAME"
*(or just
** "NAME") sends "@sys: start NAME"; the "@sys: ok ..." / "@sys: error ..."
** answer is shown for a few seconds.  Other stdin:
**   "@sys: window W H"     the strip's size (assumed 320x240 until then)
**   "@sys: error draw ..." a refused draw line: logged to stderr only
**   "@sys: shutdown"       exit 0, as at end of input
** Needs ipc = ["sys"], input = true.
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vyoma.h"

#define PS_MS    2000
#define NOTE_MS  4000
#define MAX_APPS 64

static struct {
  char name[VY_NAME_MAX + 1];
  int running;
} apps[MAX_APPS];
static int napps;
static char note[160]; /* the launcher's message, "" when none */
static long long note_until;
static int note_err;
static int win_w = 320, win_h = 240;

static int is_name(const char *s) {
  if (!*s || strlen(s) > VY_NAME_MAX || !islower((unsigned char)*s)) return 0;
  for (; *s; s++)
    if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
      return 0;
  return 1;
}

static void set_note(int err, const char *text) {
  snprintf(note, sizeof note, "%s", text);
  note_err = err;
  note_until = vy_now_ms(CLOCK_MONOTONIC) + NOTE_MS;
}

/* Takes in a ps answer (the text after "ps"). */
static void update(char *list) {
  napps = 0;
  for (char *save, *tok = strtok_r(list, " ", &save); tok && napps < MAX_APPS;
       tok = strtok_r(NULL, " ", &save)) {
    char *eq = strchr(tok, '=');
    if (!eq || eq == tok || eq - tok > VY_NAME_MAX) continue;
    *eq = 0;
    snprintf(apps[napps].name, sizeof apps[napps].name, "%s", tok);
    apps[napps++].running = !strcmp(eq + 1, "running");
  }
}

/* A line of the ps table vyomad answers "@sys: ps" with (one "@sys: "
** line each): the header "NAME  STATE ..." starts a new list, each row
** "NAME  STATE ..." adds an app.  1 if the line was one, else 0. */
static int ps_row(const char *payload) {
  char name[VY_NAME_MAX + 2], state[32];
  if (sscanf(payload, "%33s %31s", name, state) != 2) return 0;
  if (!strcmp(name, "NAME") && !strcmp(state, "STATE")) {
    napps = 0;
    return 1;
  }
  if (napps >= MAX_APPS || strlen(name) > VY_NAME_MAX) return 0;
  snprintf(apps[napps].name, sizeof apps[napps].name, "%s", name);
  apps[napps++].running = !strcmp(state, "running");
  return 1;
}

static void draw(void) {
  int h = win_h < 28 ? win_h : 28, size = h > 24 ? 16 : h - 8;
  if (size < 8) size = 8;
  int ty = (h - size) / 2, adv = size * 55 / 100; /* a glyph, roughly */
  vy_draw_clear("#000000");
  vy_draw_fill(0, 0, win_w, h, "#1c2430");
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  char clock[8];
  snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
  /* the clock sits at the right end, the launcher's note before it */
  int clock_x = win_w - 6 * adv - 6;
  vy_draw_text_size(clock_x, ty, "#ffffff", size, clock);
  int right = clock_x - adv;
  if (note[0]) {
    int w = (int)strlen(note) * adv;
    right -= w + adv;
    vy_draw_text_size(right, ty, note_err ? "#ff8080" : "#a0e0a0", size, note);
  }
  int x = 6;
  for (int i = 0; i < napps; i++) {
    int w = (int)strlen(apps[i].name) * adv;
    if (x + w > right) break; /* no room: the clock matters more */
    vy_draw_text_size(x, ty, apps[i].running ? "#80d0ff" : "#5a6470", size,
                      apps[i].name);
    x += w + 2 * adv;
  }
  vy_draw_present();
}

static void typed(char *line) {
  char *s = line, *name;
  while (*s == ' ') s++;
  if (!*s) return;
  if (!strncmp(s, "start ", 6)) {
    for (s += 6; *s == ' '; s++) {}
  }
  name = s;
  size_t n = strlen(name);
  while (n && name[n - 1] == ' ') name[--n] = 0;
  if (!is_name(name)) {
    set_note(1, "usage: start NAME");
    return;
  }
  char text[64];
  snprintf(text, sizeof text, "starting %s", name);
  set_note(0, text);
  vy_send("sys", "start %s", name);
}

int main(void) {
  static vy_lines in;
  char line[VY_LINE_MAX];
  draw();
  vy_send("sys", "ps");
  long long next_ps = vy_now_ms(CLOCK_MONOTONIC) + PS_MS;
  for (;;) {
    long long now = vy_now_ms(CLOCK_MONOTONIC);
    long long wake = next_ps;
    if (note[0] && note_until < wake) wake = note_until;
    /* and at the next minute, for the clock */
    long long to_min = 60000 - vy_now_ms(CLOCK_REALTIME) % 60000 + 2;
    if (now + to_min < wake) wake = now + to_min;
    int n = vy_wait_line(&in, line, sizeof line,
                         wake > now ? (int)(wake - now) : 0);
    if (n == -1) break;
    if (n == VY_TIMEOUT) {
      now = vy_now_ms(CLOCK_MONOTONIC);
      if (note[0] && note_until <= now) note[0] = 0;
      if (next_ps <= now) {
        vy_send("sys", "ps");
        next_ps = now + PS_MS;
      }
      draw();
      continue;
    }
    vy_msg m;
    if (!vy_parse(line, &m)) {
      typed(line);
      draw();
    } else if (strcmp(m.sender, "sys")) {
      continue;
    } else if (vy_parse_window(&m, &win_w, &win_h)) {
      draw();
    } else if (!strncmp(m.payload, "ps", 2) &&
               (m.payload[2] == ' ' || !m.payload[2])) {
      update(line + (m.payload - line) + 2); /* payload is in line */
      draw();
    } else if (!strncmp(m.payload, "error draw", 10)) {
      fprintf(stderr, "bar: %s\n", m.payload);
    } else if (!strncmp(m.payload, "ok", 2) ||
               !strncmp(m.payload, "error", 5)) {
      set_note(m.payload[0] == 'e', m.payload);
      vy_send("sys", "ps"); /* show the change now, not in 2 s */
      next_ps = vy_now_ms(CLOCK_MONOTONIC) + PS_MS;
      draw();
    } else if (!strcmp(m.payload, "shutdown")) {
      break;
    } else if (ps_row(m.payload)) {
      draw();
    }
  }
  return 0;
}
