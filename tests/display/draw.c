/*
** tests/display/draw.c — the VYOMA_DRAW language (display/draw.c): every op
** parses and draws the right pixels, every error gives its message, the
** statistics and per-command cost, image confinement and the image cache,
** a golden scene compared with tests/display/ref/scene.png, and 20,000
** random or mutated lines that must never crash or misbehave.
**
**   display-draw LABEL                run the cases
**   display-draw --update-ref         rewrite tests/display/ref/scene.png
** Runs from the repo root (tests/display/run.sh does that).
*/
#include "../../display/vd.h"
#include "../../font/vf.h"

#include "../check.h"
#include "fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FONT     "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define REF_DIR  "tests/display/ref"
#define REF_NAME "scene.png"

static vf_font *font;

static char err[128];

/* Executes a line from an exact-size heap copy (no NUL after it). */
static int exec_n(vd_canvas *c, const char *line, size_t n) {
  char *copy = malloc(n ? n : 1);
  memcpy(copy, line, n);
  int rc = vd_canvas_exec(c, copy, n, err, sizeof err);
  free(copy);
  return rc;
}
static int ex(vd_canvas *c, const char *line) {
  return exec_n(c, line, strlen(line));
}

static uint32_t px(const vd_canvas *c, int x, int y) {
  return c->surf.px[(size_t)y * c->surf.stride + x];
}

/* Writes a w x h PNG into the app folder: a gradient (or one colour). */
static bool put_png(const char *rel, int w, int h, uint32_t solid) {
  vd_surface s;
  if (vd_surface_init(&s, w, h, solid)) return false;
  if (!solid)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        s.px[y * w + x] = 0xff000000u | (uint32_t)(x * 255 / w) << 16 |
                          (uint32_t)(y * 255 / h) << 8 | 0xc0;
  uint8_t *png;
  size_t len;
  bool ok = vd_png_encode(&s, &png, &len) == 0 && put(rel, png, len);
  if (ok) free(png);
  vd_surface_free(&s);
  return ok;
}

static void canvas(vd_canvas *c, int w, int h) {
  vd_canvas_init(c, font, scratch_fd);
  vd_surface_init(&c->surf, w, h, 0xff000000u);
}

/* ---- ops ----------------------------------------------------------------- */

static void t_ops(void) {
  vd_canvas c;
  canvas(&c, 100, 80);
  int rc;
  REQUIREF((rc = ex(&c, "VYOMA_DRAW clear #112233")) == VD_DRAW_DONE,
           "clear gave %d: %s", rc, err);
  REQUIREF(px(&c, 0, 0) == 0xff112233u && px(&c, 99, 79) == 0xff112233u,
           "clear");
  REQUIREF(vd_canvas_last_cost(&c) == 8000, "clear cost %llu",
           (unsigned long long)vd_canvas_last_cost(&c));
  REQUIREF(ex(&c, "fill 1 2 3 4 #FF0000") == 0, "fill: %s", err);
  REQUIREF(px(&c, 1, 2) == 0xffff0000u && px(&c, 3, 5) == 0xffff0000u &&
               px(&c, 4, 2) == 0xff112233u && px(&c, 1, 6) == 0xff112233u,
           "fill px");
  REQUIREF(vd_canvas_last_cost(&c) == 12, "fill cost %llu",
           (unsigned long long)vd_canvas_last_cost(&c));
  REQUIREF(ex(&c, "VYOMA_DRAW   rect  10 10 5 5   #00ff00  ") == 0,
           "rect with extra spaces: %s", err);
  REQUIREF(px(&c, 10, 10) == 0xff00ff00u && px(&c, 14, 14) == 0xff00ff00u &&
               px(&c, 12, 12) == 0xff112233u,
           "rect px");
  REQUIREF(ex(&c, "line 20 30 29 30 #0000ff") == 0, "line: %s", err);
  REQUIREF(px(&c, 20, 30) == 0xff0000ffu && px(&c, 29, 30) == 0xff0000ffu &&
               px(&c, 30, 30) == 0xff112233u,
           "line px");
  REQUIREF(vd_canvas_last_cost(&c) == 10, "line cost %llu",
           (unsigned long long)vd_canvas_last_cost(&c));
  REQUIREF(ex(&c, "circle 50 50 5 #ffffff") == 0, "circle: %s", err);
  REQUIREF(px(&c, 55, 50) == 0xffffffffu && px(&c, 50, 50) == 0xff112233u,
           "circle px");
  REQUIREF(ex(&c, "circle 50 50 5 #ffffff80 fill") == 0, "disc: %s", err);
  REQUIREF(px(&c, 50, 50) != 0xff112233u && px(&c, 50, 50) != 0xffffffffu,
           "translucent disc px %08x", px(&c, 50, 50));
  REQUIREF(vd_canvas_last_cost(&c) == 121, "circle cost %llu",
           (unsigned long long)vd_canvas_last_cost(&c));
  REQUIREF(ex(&c, "fill -1000000 -1000000 1000000 1000000 #000000") == 0 &&
               px(&c, 0, 0) == 0xff112233u && vd_canvas_last_cost(&c) == 1,
           "off-surface fill");
  REQUIREF(ex(&c, "fill -5 -5 1000000 1000000 #00000000") == 0 &&
               vd_canvas_last_cost(&c) == 8000,
           "huge fill cost %llu", (unsigned long long)vd_canvas_last_cost(&c));
  if (font) {
    int before = 0, after = 0;
    for (int y = 60; y < 80; y++)
      for (int x = 0; x < 40; x++) before += px(&c, x, y) == 0xffffffffu;
    REQUIREF(ex(&c, "text 2 60 #ffffff \"Hi\\\\\" 18") == 0, "text: %s", err);
    for (int y = 60; y < 80; y++)
      for (int x = 0; x < 40; x++) after += px(&c, x, y) == 0xffffffffu;
    REQUIREF(after > before + 10, "text drew %d px", after - before);
    uint64_t cost = vd_canvas_last_cost(&c);
    REQUIREF(cost >= 18 * 10 && cost <= 18 * 40, "text cost %llu",
             (unsigned long long)cost);
    REQUIREF(ex(&c, "text 2 2 #ffffff \"two\\nlines\\t\\r\\\"\"") == 0,
             "default size and escapes: %s", err);
    REQUIREF(vd_canvas_last_cost(&c) >= 2 * 16 * 10, "two-line text cost");
  }
  REQUIREF(put_png("img.png", 8, 6, 0), "write img.png");
  REQUIREF(ex(&c, "image 90 70 \"img.png\"") == 0, "image: %s", err);
  REQUIREF(px(&c, 90, 70) == 0xff0000c0u && px(&c, 89, 70) == 0xff112233u,
           "image px %08x", px(&c, 90, 70));
  REQUIREF(vd_canvas_last_cost(&c) == 48, "image cost %llu",
           (unsigned long long)vd_canvas_last_cost(&c));
  REQUIREF(
      ex(&c, "image 95 75 \"img.png\"") == 0 && vd_canvas_last_cost(&c) == 25,
      "clipped image cost %llu", (unsigned long long)vd_canvas_last_cost(&c));
  REQUIREF((rc = ex(&c, "VYOMA_DRAW present")) == VD_DRAW_PRESENT,
           "present gave %d", rc);
  REQUIREF(ex(&c, "present  ") == VD_DRAW_PRESENT, "present with spaces");
  REQUIREF(ex(&c, "  VYOMA_DRAW present") == VD_DRAW_PRESENT, "leading spaces");
  REQUIREF(vd_canvas_last_cost(&c) == 1, "present cost");
  uint64_t cmds = c.commands, errs = c.errors;
  REQUIREF(c.presents == 3, "presents %llu", (unsigned long long)c.presents);
  REQUIREF(ex(&c, "nope") < 0 && c.errors == errs + 1 && c.commands == cmds + 1,
           "error counters");
  REQUIREF(vd_canvas_last_cost(&c) == 1, "error cost");
  vd_canvas_free(&c);
  REQUIREF(c.surf.px == NULL && c.images == NULL, "free");
}

/* ---- errors -------------------------------------------------------------- */

/* Each line must fail with exactly its message. */
static const struct {
  const char *line;
  const char *msg;
} error_cases[] = {
  { "bogus 1 2", "unknown op \"bogus\"" },
  { "VYOMA_DRAW xyz", "unknown op \"xyz\"" },
  { "VYOMA_DRAWclear #fff", "unknown op \"VYOMA_DRAWclear\"" },
  { "CLEAR #ffffff", "unknown op \"CLEAR\"" },
  { "\"clear\" #ffffff", "unknown op \"clear\"" },
  { "", "empty command" },
  { "VYOMA_DRAW", "empty command" },
  { "VYOMA_DRAW    ", "empty command" },
  { "clear", "clear: expected a colour" },
  { "clear #fff #fff", "clear: expected a colour" },
  { "clear #12", "bad colour \"#12\"" },
  { "clear red", "bad colour \"red\"" },
  { "clear \"#ffffff\"", "bad colour \"#ffffff\"" },
  { "rect 1 2 3 #ffffff", "rect: expected 4 integers and a colour" },
  { "fill 1 2 3 4 5 #ffffff", "fill: expected 4 integers and a colour" },
  { "fill 1 2 3 4 #1234567", "bad colour \"#1234567\"" },
  { "line 1 2 3 #ffffff", "line: expected 4 integers and a colour" },
  { "line 1 2 3 x #ffffff", "line: bad integer \"x\" (|n| <= 1000000)" },
  { "line 1 2 3 1000001 #ffffff",
    "line: bad integer \"1000001\" (|n| <= 1000000)" },
  { "line 1 2 3 -99999999999999999999 #ffffff",
    "line: bad integer \"-99999999999999999999\" (|n| <= 1000000)" },
  { "rect 1 2 3 +4 #ffffff", "rect: bad integer \"+4\" (|n| <= 1000000)" },
  { "rect 1 2 3 - #ffffff", "rect: bad integer \"-\" (|n| <= 1000000)" },
  { "rect 1 2 3 0x10 #ffffff", "rect: bad integer \"0x10\" (|n| <= 1000000)" },
  { "circle 1 2 #ffffff",
    "circle: expected 3 integers, a colour and optional \"fill\"" },
  { "circle 1 2 3 #ffffff solid",
    "circle: expected 3 integers, a colour and optional \"fill\"" },
  { "circle 1 2 -3 #ffffff", "circle: radius must not be negative" },
  { "text 1 2 #ffffff \"abc", "unterminated string" },
  { "text 1 2 #ffffff \"abc\\\"", "unterminated string" },
  { "text 1 2 #ffffff \"abc\\", "unterminated string" },
  { "text 1 2 #ffffff \"a\\qb\"", "bad escape \"\\q\"" },
  { "text 1 2 #ffffff \"ab\"c", "no space after a closing quote" },
  { "text 1 2 #ffffff abc",
    "text: expected 2 integers, a colour, a quoted string and an optional "
    "size" },
  { "text 1 2 #ffffff",
    "text: expected 2 integers, a colour, a quoted string and an optional "
    "size" },
  { "text 1 2 #ffffff \"abc\" 3", "text: size must be 4..256" },
  { "text 1 2 #ffffff \"abc\" 257", "text: size must be 4..256" },
  { "text 1 2 #ffffff \"abc\" big",
    "text: bad integer \"big\" (|n| <= 1000000)" },
  { "text 1 2 #ff \"abc\"", "bad colour \"#ff\"" },
  { "image 0 0 missing.png", "image: expected 2 integers and a quoted path" },
  { "image 0 \"a.png\"", "image: expected 2 integers and a quoted path" },
  { "image 0 0 \"missing.png\"", "image \"missing.png\": not found" },
  { "image 0 0 \"\"", "image \"\": not found" },
  { "image 0 0 \"../x.png\"", "image \"../x.png\": escapes the app folder" },
  { "image 0 0 \"/etc/passwd\"",
    "image \"/etc/passwd\": escapes the app folder" },
  { "image 0 0 \"link.png\"", "image \"link.png\": escapes the app folder" },
  { "image 0 0 \"notpng.png\"", "image \"notpng.png\": not a PNG" },
  { "present now", "present: expected no arguments" },
  { "a b c d e f g h i", "too many arguments" },
  { "clear\t#ffffff", "unknown op \"clear?#ffffff\"" },
};

#define N_ERROR_CASES (sizeof error_cases / sizeof error_cases[0])

/* Every row of error_cases on c, which stays usable after each. */
static void errors_table(vd_canvas *c) {
  REQUIREF(put("notpng.png", "GIF89a not really", 17), "write");
  unlinkat(scratch_fd, "link.png", 0);
  REQUIREF(symlinkat("/etc/passwd", scratch_fd, "link.png") == 0, "symlink");
  for (size_t i = 0; i < N_ERROR_CASES; i++) {
    memset(err, 'X', sizeof err);
    int rc = ex(c, error_cases[i].line);
    REQUIREF(rc < 0, "\"%s\" gave %d", error_cases[i].line, rc);
    REQUIREF(strcmp(err, error_cases[i].msg) == 0,
             "\"%s\": got '%s', want '%s'", error_cases[i].line, err,
             error_cases[i].msg);
    /* the app stays usable after any error */
    REQUIREF(ex(c, "fill 0 0 1 1 #abcdef") == 0 && px(c, 0, 0) == 0xffabcdefu,
             "unusable after \"%s\"", error_cases[i].line);
    ex(c, "clear #000000");
  }
  REQUIREF(c->errors == N_ERROR_CASES, "errors %llu",
           (unsigned long long)c->errors);
}

/* The codes beside the messages, errlen, and one-line messages. */
static void errors_codes(vd_canvas *c) {
  REQUIREF(ex(c, "image 0 0 \"missing.png\"") == VD_ENOENT, "ENOENT");
  REQUIREF(ex(c, "image 0 0 \"../x.png\"") == VD_EACCES, "EACCES");
  REQUIREF(ex(c, "nope") == VD_EINVAL, "EINVAL");
  /* errlen is honoured, messages stay one line */
  char small[10];
  REQUIREF(vd_canvas_exec(c, "xyzxyzxyzxyz", 12, small, sizeof small) < 0 &&
               strlen(small) == 9,
           "errlen 10 gave %zu bytes", strlen(small));
  REQUIREF(ex(c, "ab\ncd\r\x01\xff") < 0 && !strchr(err, '\n') &&
               strcmp(err, "unknown op \"ab?cd???\"") == 0,
           "control bytes: %s", err);
  REQUIREF(vd_canvas_exec(c, "nope", 4, NULL, 0) == VD_EINVAL, "NULL err");
}

/* Canvases set up only in part: no font, no folder, no surface. */
static void errors_partial_canvas(void) {
  vd_canvas c;
  /* no font, no folder */
  vd_canvas_init(&c, NULL, -1);
  vd_surface_init(&c.surf, 10, 10, 0);
  REQUIREF(ex(&c, "text 1 1 #ffffff \"hi\"") < 0 &&
               strcmp(err, "text: no font") == 0,
           "no font: %s", err);
  REQUIREF(ex(&c, "image 1 1 \"img.png\"") < 0 &&
               strcmp(err, "image: no app folder") == 0,
           "no folder: %s", err);
  vd_canvas_free(&c);
  /* a canvas whose surface was never set up draws nothing, safely */
  vd_canvas_init(&c, font, scratch_fd);
  REQUIREF(ex(&c, "clear #ffffff") == 0 && ex(&c, "image 0 0 \"img.png\"") == 0,
           "empty canvas: %s", err);
  REQUIREF(vd_canvas_last_cost(&c) >= 1, "cost 0");
  vd_canvas_free(&c);
}

static void t_errors(void) {
  vd_canvas c;
  canvas(&c, 20, 20);
  /* each step's REQUIREs end the case, as when they were one function */
  errors_table(&c);
  if (check_failing()) return;
  errors_codes(&c);
  if (check_failing()) return;
  vd_canvas_free(&c);
  errors_partial_canvas();
}

/* ---- images -------------------------------------------------------------- */

static void t_image_cache(void) {
  vd_canvas c;
  canvas(&c, 40, 40);
  char line[64], name[32];
  /* a cached image draws even after its file is gone */
  REQUIREF(put_png("gone.png", 4, 4, 0xff445566u), "write");
  REQUIREF(ex(&c, "image 0 0 \"gone.png\"") == 0, "first draw: %s", err);
  unlinkat(scratch_fd, "gone.png", 0);
  REQUIREF(ex(&c, "clear #000000") == 0 &&
               ex(&c, "image 1 1 \"gone.png\"") == 0 &&
               px(&c, 1, 1) == 0xff445566u,
           "cached draw: %s", err);
  /* 32 entries at most; the least recently used goes first */
  for (int i = 0; i < 33; i++) {
    snprintf(name, sizeof name, "n%d.png", i);
    REQUIREF(put_png(name, 2, 2, 0xff000000u | (uint32_t)i), "write %s", name);
  }
  for (int i = 0; i < 33; i++) {
    snprintf(line, sizeof line, "image 0 0 \"n%d.png\"", i);
    REQUIREF(ex(&c, line) == 0 && px(&c, 0, 0) == (0xff000000u | (uint32_t)i),
             "%s: %s", line, err);
  }
  for (int i = 0; i < 33; i++) {
    snprintf(name, sizeof name, "n%d.png", i);
    unlinkat(scratch_fd, name, 0);
  }
  /* 34 images went in: the two least recently used (gone, n0) are out */
  REQUIREF(ex(&c, "image 0 0 \"n32.png\"") == 0, "newest evicted");
  REQUIREF(ex(&c, "image 0 0 \"n1.png\"") == 0, "n1 evicted");
  REQUIREF(ex(&c, "image 0 0 \"n0.png\"") == VD_ENOENT, "n0 (oldest) kept");
  REQUIREF(ex(&c, "image 0 0 \"gone.png\"") == VD_ENOENT, "gone.png kept");
  /* 16 MiB of pixels: two 2048 x 1024 images fit, a third evicts the
  ** least recently used */
  vd_canvas_free(&c);
  canvas(&c, 40, 40);
  /* encoded once (slow under ASan), copied to three names: three entries */
  REQUIREF(put_png("big0.png", 2048, 1024, 0xff101010u), "big");
  for (int i = 1; i < 3; i++) {
    snprintf(name, sizeof name, "big%d.png", i);
    REQUIREF(linkat(scratch_fd, "big0.png", scratch_fd, name, 0) == 0,
             "link %s", name);
  }
  REQUIREF(ex(&c, "image 0 0 \"big0.png\"") == 0 &&
               ex(&c, "image 0 0 \"big1.png\"") == 0,
           "big: %s", err);
  unlinkat(scratch_fd, "big0.png", 0);
  unlinkat(scratch_fd, "big1.png", 0);
  REQUIREF(ex(&c, "image 0 0 \"big0.png\"") == 0 &&
               ex(&c, "image 0 0 \"big1.png\"") == 0,
           "two bigs not both cached");
  REQUIREF(ex(&c, "image 0 0 \"big2.png\"") == 0, "big2: %s", err);
  REQUIREF(ex(&c, "image 0 0 \"big1.png\"") == 0, "big1 evicted");
  REQUIREF(ex(&c, "image 0 0 \"big0.png\"") == VD_ENOENT, "big0 kept");
  for (int i = 0; i < 3; i++) {
    snprintf(name, sizeof name, "big%d.png", i);
    unlinkat(scratch_fd, name, 0);
  }
  vd_canvas_free(&c);
}

static void t_confinement(void) {
  vd_canvas c;
  canvas(&c, 20, 20);
  mkdirat(scratch_fd, "sub", 0755);
  REQUIREF(put_png("sub/in.png", 3, 3, 0xff00aa00u), "write");
  unlinkat(scratch_fd, "sub/out", 0);
  REQUIREF(symlinkat("..", scratch_fd, "sub/up") == 0 || 1, "symlink");
  unlinkat(scratch_fd, "dirlink", 0);
  REQUIREF(symlinkat("/etc", scratch_fd, "dirlink") == 0, "symlink");
  const char *bad[] = { "../x.png",        "sub/../../x.png",
                        "/etc/passwd",     "dirlink/passwd",
                        "sub/up/../x.png", "../../../../../../etc/passwd" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char line[128];
    snprintf(line, sizeof line, "image 0 0 \"%s\"", bad[i]);
    int rc = ex(&c, line);
    REQUIREF(rc == VD_EACCES && strstr(err, "escapes the app folder"),
             "%s gave %d: %s", bad[i], rc, err);
  }
  REQUIREF(
      ex(&c, "image 0 0 \"sub/in.png\"") == 0 && px(&c, 2, 2) == 0xff00aa00u,
      "sub/in.png: %s", err);
  REQUIREF(ex(&c, "image 0 0 \"sub/up/sub/in.png\"") == 0,
           "a symlink staying inside: %s", err);
  REQUIREF(ex(&c, "image 0 0 \"nul\\0x\"") < 0, "escape \\0 accepted");
  REQUIREF(exec_n(&c, "image 0 0 \"a\0b\"", 15) == VD_ENOENT, "NUL in path: %s",
           err);
  vd_canvas_free(&c);
}

/* ---- the golden scene ---------------------------------------------------- */

static const char *scene[] = {
  "VYOMA_DRAW clear #1d2b53",
  "VYOMA_DRAW fill 8 8 64 40 #ff004d",
  "VYOMA_DRAW fill 40 24 64 40 #29adff80",
  "VYOMA_DRAW rect 4 4 152 112 #fff1e8",
  "VYOMA_DRAW line 8 112 152 60 #ffec27",
  "VYOMA_DRAW line 150 10 120 100 #00e436",
  "VYOMA_DRAW circle 124 36 18 #ffa300 fill",
  "VYOMA_DRAW circle 124 36 22 #ffffff",
  "VYOMA_DRAW image 12 72 \"scene.png\"",
  "VYOMA_DRAW text 48 76 #ffffff \"Vyoma\\n\xc3\xa9t\xc3\xa9 \xe2\x82\xac\" 18",
  "VYOMA_DRAW present",
};

static void render_scene(vd_canvas *c) {
  /* a 32 x 32 image: a gradient with a translucent ring */
  vd_surface img;
  vd_surface_init(&img, 32, 32, 0);
  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 32; x++) {
      int d = (x - 16) * (x - 16) + (y - 16) * (y - 16);
      img.px[y * 32 + x] = 0xff000000u | (uint32_t)(x * 8) << 16 |
                           (uint32_t)(y * 8) << 8 | (d < 100 ? 0xffu : 0x40u);
    }
  uint8_t *png;
  size_t len;
  bool ok = vd_png_encode(&img, &png, &len) == 0 && put("scene.png", png, len);
  vd_surface_free(&img);
  REQUIREF(ok, "cannot write scene.png");
  free(png);
  canvas(c, 160, 120);
  for (size_t i = 0; i < sizeof scene / sizeof scene[0]; i++) {
    int rc = ex(c, scene[i]);
    REQUIREF(rc >= 0, "%s: %s", scene[i], err);
  }
}

static void t_golden(void) {
  vd_canvas c;
  render_scene(&c);
  if (check_failing()) {
    vd_canvas_free(&c);
    return;
  }
  vd_surface ref;
  int dfd = open(REF_DIR, O_RDONLY | O_DIRECTORY);
  int rc = dfd < 0 ? VD_ENOENT : vd_png_load(dfd, REF_NAME, &ref);
  if (dfd >= 0) close(dfd);
  if (rc) {
    vd_canvas_free(&c);
    REQUIREF(false,
             "no reference %s/%s (%d): regenerate it with "
             "`build/bin/display-draw --update-ref` from the repo root",
             REF_DIR, REF_NAME, rc);
  }
  bool ok = ref.w == c.surf.w && ref.h == c.surf.h;
  int differ = 0, worst = 0;
  for (int i = 0; ok && i < ref.w * ref.h; i++) {
    uint32_t a = ref.px[i], b = c.surf.px[i];
    int m = 0;
    for (int sh = 0; sh < 24; sh += 8) {
      int d = abs((int)((a >> sh) & 0xff) - (int)((b >> sh) & 0xff));
      if (d > m) m = d;
    }
    if (m > worst) worst = m;
    if (m > 8) differ++;
  }
  int total = ref.w * ref.h, rw = ref.w, rh = ref.h;
  vd_surface_free(&ref);
  vd_canvas_free(&c);
  REQUIREF(ok, "reference is %dx%d, scene 160x120", rw, rh);
  /* rasterizer noise in the text is allowed, a changed scene is not */
  REQUIREF(differ * 200 <= total,
           "%d of %d pixels differ by more than 8 "
           "(worst %d); if the change is intended, regenerate with "
           "`build/bin/display-draw --update-ref`",
           differ, total, worst);
}

static int update_ref(void) {
  vd_canvas c;
  render_scene(&c); /* outside a case: a failure prints its line */
  if (check_failing()) return 1;
  uint8_t *png;
  size_t len;
  int rc = vd_png_encode(&c.surf, &png, &len);
  vd_canvas_free(&c);
  if (rc) return 1;
  mkdir(REF_DIR, 0755);
  FILE *f = fopen(REF_DIR "/" REF_NAME, "wb");
  bool ok = f && fwrite(png, 1, len, f) == len;
  if (f && fclose(f) != 0) ok = false;
  free(png);
  if (!ok) {
    perror(REF_DIR "/" REF_NAME);
    return 1;
  }
  printf("wrote %s/%s (%zu bytes)\n", REF_DIR, REF_NAME, len);
  return 0;
}

/* ---- fuzz ---------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static void t_fuzz(void) {
  static const char *seeds[] = {
    "VYOMA_DRAW clear #102030",
    "fill 1 2 30 40 #ff000080",
    "rect -5 -5 500 500 #00ff00",
    "line -1000000 3 1000000 90 #0000ff",
    "circle 50 40 1000000 #ffffff fill",
    "circle 10 10 7 #ffffff",
    "text 3 4 #ffffff \"h\\\"i\\n\\tthere\" 64",
    "text -10 -10 #fff000 \"x\"",
    "image 5 5 \"img.png\"",
    "image 0 0 \"../x.png\"",
    "present",
    "text 0 0 #ffffff \"\xe2\x82\xac\xff\xc0\x80\" 256",
  };
  const int nseeds = (int)(sizeof seeds / sizeof seeds[0]);
  static const char alphabet[] = "0123456789-# \"\\abcdefnrtx\x00\xff\n";
  vd_canvas c;
  canvas(&c, 64, 48);
  uint64_t area = 64 * 48;
  char line[200];
  for (int iter = 0; iter < 20000; iter++) {
    size_t n;
    if (rnd() % 8 == 0) { /* pure noise */
      n = rnd() % 60;
      for (size_t i = 0; i < n; i++)
        line[i] =
            rnd() % 2 ? (char)rnd() : alphabet[rnd() % (sizeof alphabet - 1)];
    } else { /* a mutated valid line */
      const char *s = seeds[rnd() % nseeds];
      n = strlen(s);
      memcpy(line, s, n);
      int muts = 1 + rnd() % 4;
      for (int m = 0; m < muts; m++) {
        size_t pos = n ? rnd() % n : 0;
        switch (rnd() % 5) {
          case 0:
            if (n) line[pos] = (char)rnd();
            break;
          case 1:
            if (n) line[pos] = alphabet[rnd() % (sizeof alphabet - 1)];
            break;
          case 2: n = pos; break; /* truncate */
          case 3:                 /* insert */
            if (n < sizeof line - 1) {
              memmove(line + pos + 1, line + pos, n - pos);
              line[pos] = alphabet[rnd() % (sizeof alphabet - 1)];
              n++;
            }
            break;
          default: /* delete */
            if (n) {
              memmove(line + pos, line + pos + 1, n - pos - 1);
              n--;
            }
        }
      }
    }
    memset(err, 'Z', sizeof err);
    int rc = exec_n(&c, line, n);
    REQUIREF(
        rc == VD_DRAW_DONE || rc == VD_DRAW_PRESENT || (rc < 0 && rc >= VD_EIO),
        "iteration %d: rc %d", iter, rc);
    size_t el = strnlen(err, sizeof err);
    REQUIREF(el < sizeof err, "iteration %d: error not terminated", iter);
    REQUIREF(rc >= 0 || (el > 0 && !memchr(err, '\n', el)),
             "iteration %d: bad error text '%s'", iter, err);
    uint64_t cost = vd_canvas_last_cost(&c);
    REQUIREF(cost >= 1 && cost <= area, "iteration %d: cost %llu", iter,
             (unsigned long long)cost);
  }
  REQUIREF(c.commands == 20000, "commands %llu",
           (unsigned long long)c.commands);
  REQUIREF(c.errors > 1000 && c.errors < 20000, "errors %llu",
           (unsigned long long)c.errors);
  /* still usable */
  REQUIREF(ex(&c, "clear #123456") == 0 && px(&c, 63, 47) == 0xff123456u,
           "unusable after fuzzing");
  vd_canvas_free(&c);
}

int main(int argc, char **argv) {
  bool update = argc > 1 && strcmp(argv[1], "--update-ref") == 0;
  check_init(update ? 1 : argc, argv, "draw");
  char ferr[256];
  font = vf_open(FONT, ferr, sizeof ferr);
  if (!scratch_open()) {
    CASE("setup", false, "cannot make a temporary folder");
    return check_end();
  }
  int rc = 0;
  if (update) {
    if (!font) {
      fprintf(stderr, "display-draw: %s\n", ferr);
      rc = 1;
    } else
      rc = update_ref();
  } else {
    if (!font) check_skip("text", "%s (install fonts-dejavu-core)", ferr);
    check_run("ops", t_ops);
    check_run("errors", t_errors);
    check_run("image-cache", t_image_cache);
    check_run("confinement", t_confinement);
    if (font)
      check_run("golden", t_golden);
    else
      check_skip("golden", "no font");
    check_run("fuzz", t_fuzz);
    rc = check_end();
  }
  scratch_close();
  vf_close(font);
  return rc;
}
