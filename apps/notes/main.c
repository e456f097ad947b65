/*
** notes — a small line editor in a window.  Shows the document, a cursor
** line at its end and a status line; each typed line is appended to the
** document.  Typed commands:
**   :d   delete the last line      :c   clear the document
**   :w   save to /data/notes.txt   (an error shows in the status line when
**        there is no /data, i.e. no filesystem grant)
** At start it loads /data/notes.txt if present.  Redraws after every change.
** A line wider than the window wraps onto the rows below it, at its last
** space that fits (or, in a word longer than a row, anywhere), so nothing
** typed is cut off at the window's edge.
** Other stdin:
**   "@sys: window W H"     the window's size (assumed 320x240 until then)
**   "@sys: error ..."      logged to stderr (a refused draw line, say)
**   "@sys: shutdown"       exit 0, as at end of input (unsaved text is lost,
**                          as with any editor killed without :w)
** Needs input = true, filesystem = true.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vyoma.h"

#define PATH      "/data/notes.txt"
#define MAX_LINES 256
#define LINE_LEN  160
/* DejaVu Sans's mean advance is about 0.55 em; wrapping at 0.6 em leaves
** room for a row of wide letters.  (Apps cannot measure text.) */
#define ADVANCE_TENTHS 6

static char doc[MAX_LINES][LINE_LEN];
static int nlines;
static char status[128] = "new document";
static int status_err;
static int win_w = 320, win_h = 240;

static void append(const char *s) {
  if (nlines == MAX_LINES) {
    snprintf(status, sizeof status, "full: %d lines at most", MAX_LINES);
    status_err = 1;
    return;
  }
  snprintf(doc[nlines++], LINE_LEN, "%s", s);
}

static void load(void) {
  FILE *f = fopen(PATH, "r");
  if (!f) return; /* nothing saved yet: a new document */
  char buf[VY_LINE_MAX];
  while (nlines < MAX_LINES && fgets(buf, sizeof buf, f)) {
    size_t n = strlen(buf);
    int whole = n && buf[n - 1] == '\n';
    if (whole) buf[--n] = 0;
    append(buf);
    /* lines longer than buf: drop the rest rather than split them */
    int c;
    if (!whole)
      while ((c = fgetc(f)) != EOF && c != '\n') {}
  }
  fclose(f);
  snprintf(status, sizeof status, "loaded %d lines from " PATH, nlines);
}

static void save(void) {
  FILE *f = fopen(PATH, "w");
  int ok = f != NULL;
  for (int i = 0; ok && i < nlines; i++) ok = fprintf(f, "%s\n", doc[i]) >= 0;
  if (f && fclose(f) != 0) ok = 0;
  if (ok) {
    snprintf(status, sizeof status, "saved %d line%s to " PATH, nlines,
             nlines == 1 ? "" : "s");
  } else {
    /* no /data preopen (no filesystem grant) shows up as ENOTCAPABLE */
    snprintf(status, sizeof status, "error: cannot save " PATH ": %s",
             errno == ENOTCAPABLE ? "no /data (filesystem not granted)"
                                  : strerror(errno));
    fprintf(stderr, "notes: %s\n", status);
  }
  status_err = !ok;
}

/* Where line s breaks into rows of at most cols characters: the length of
** each row into len[] (at most LINE_LEN of them), the count returned.  A
** row that ends at a space drops that space. */
static int wrap(const char *s, int cols, int len[]) {
  int n = 0, left = (int)strlen(s);
  do {
    int take = left;
    if (take > cols) {
      take = cols;
      while (take > 0 && s[take] != ' ') take--; /* the last space that fits */
      if (take == 0) take = cols;                /* one long word */
    }
    len[n++] = take;
    int skip = take < left && s[take] == ' ';
    s += take + skip;
    left -= take + skip;
  } while (left > 0 && n < LINE_LEN);
  return n;
}

static void draw_row(int y, int size, const char *s, int n) {
  char row[LINE_LEN];
  snprintf(row, sizeof row, "%.*s", n, s);
  vy_draw_text_size(6, y, "#303030", size, row);
}

static void draw(void) {
  int size = 16, row = 18, pad = 6;
  int rows = (win_h - 2 * row - pad) / row; /* room above the status */
  if (rows < 1) rows = 1;
  int cols = (win_w - 2 * pad) * 10 / (size * ADVANCE_TENTHS);
  if (cols < 1) cols = 1;
  /* the end of a long document: from the last line back, as many lines as
  ** fill the rows above the cursor's; of the first, only its last rows */
  int first = nlines, used = 0, len[LINE_LEN];
  while (first > 0 && used + wrap(doc[first - 1], cols, len) <= rows - 1)
    used += wrap(doc[--first], cols, len);
  int skip = 0;
  if (first > 0 && used < rows - 1) {
    skip = wrap(doc[--first], cols, len) - (rows - 1 - used);
  }
  vy_draw_clear("#fdf6e3");
  int y = pad;
  for (int i = first; i < nlines; i++) {
    int n = wrap(doc[i], cols, len);
    const char *s = doc[i];
    for (int k = 0; k < n; k++) {
      if (i > first || k >= skip) {
        draw_row(y, size, s, len[k]);
        y += row;
      }
      s += len[k] + (s[len[k]] == ' ');
    }
    skip = 0;
  }
  vy_draw_fill(pad, y + 1, 2, size - 2, "#268bd2"); /* the cursor */
  int sy = win_h - row - 2;
  vy_draw_fill(0, sy - 2, win_w, row + 4, status_err ? "#dc322f" : "#eee8d5");
  vy_draw_text_size(pad, sy, status_err ? "#ffffff" : "#586e75", size - 2,
                    status);
  vy_draw_present();
}

static void counted(void) {
  snprintf(status, sizeof status, "%d line%s", nlines, nlines == 1 ? "" : "s");
}

static void command(const char *line) {
  status_err = 0;
  if (!strcmp(line, ":d")) {
    if (nlines) nlines--;
    counted();
  } else if (!strcmp(line, ":c")) {
    nlines = 0;
    snprintf(status, sizeof status, "cleared");
  } else if (!strcmp(line, ":w")) {
    save();
  } else {
    append(line);
    if (!status_err) counted();
  }
}

int main(void) {
  char line[VY_LINE_MAX];
  load();
  draw();
  while (vy_read_line(line, sizeof line) >= 0) {
    vy_msg m;
    if (!vy_parse(line, &m)) {
      command(line);
      draw();
    } else if (!strcmp(m.sender, "sys")) {
      if (vy_parse_window(&m, &win_w, &win_h))
        draw();
      else if (!strncmp(m.payload, "error", 5))
        fprintf(stderr, "notes: %s\n", m.payload);
      else if (!strcmp(m.payload, "shutdown"))
        break;
    }
  }
  return 0;
}
