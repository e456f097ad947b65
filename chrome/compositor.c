/*
** compositor.c — windows, window chrome and the compositor (chrome/vc.h).
**
** Locks.  `mu` guards the window list, every window's geometry and front
** surface, the damage list and the statistics; `compose_mu` serialises the
** compositor (vc_compose, vc_screenshot), which alone writes the screen, so
** present() and PNG encoding run without `mu` and a slow page flip never
** blocks an app's present.  A window's back canvas and budget counters
** belong to the app's thread and are touched by no one else: a layout
** change only records the new client size and bumps the window's
** generation; the app's thread sees it on its next vc_window_draw and
** resizes its own canvas.  Lock order: compose_mu, then mu, then the font's
** cache lock (inside vf_draw).
*/
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vc.h"
#include "../base/vy_time.h"

#define MAX_DAMAGE 32
#define MIN_CLIENT 16
#define TITLE_PX   14
#define CASCADE    32

/* Colours.  tests/display/compositor.c checks these at computed places. */
#define COL_DESKTOP      0xff1c2230u
#define COL_BORDER_FOCUS 0xff3d9bffu
#define COL_BORDER       0xff808080u
#define COL_TITLE_FOCUS  0xff24466bu
#define COL_TITLE        0xff3a3a3au
#define COL_TEXT_FOCUS   0xffffffffu
#define COL_TEXT         0xffc8c8c8u
#define COL_CLIENT       0xff000000u /* a client area before its first present */

struct vc_window {
  vc_screen *s;
  char *title;
  bool is_bar;
  /* --- the app's thread only ------------------------------------------- */
  vd_canvas canvas;  /* the back surface the app draws on    */
  uint32_t seen_gen; /* generation canvas.surf is sized for  */
  int64_t bud_sec;   /* the monotonic second being counted   */
  uint32_t used_cmds;
  uint64_t used_px;
  /* --- any thread, atomics --------------------------------------------- */
  uint32_t bud_cmds; /* limits, per second                   */
  uint64_t bud_px;
  uint32_t gen; /* written under mu, read without       */
  /* --- under s->mu ----------------------------------------------------- */
  vd_surface front; /* what the compositor shows            */
  vd_rect frame;    /* border + title + client, screen px   */
  vd_rect client;
  int cw, ch; /* client size (the layout's)           */
};

struct vc_screen {
  pthread_mutex_t mu, compose_mu;
  pthread_cond_t cond;
  vd_backend *be;
  vf_font *font;
  vc_layout layout;
  vc_window **wins; /* creation order (tiling order)        */
  vc_window **zord; /* bottom to top                        */
  int nwin, capwin;
  vc_window *focus, *bar;
  vd_rect damage[MAX_DAMAGE];
  int ndamage;
  bool woken;
  vc_stats st;
  uint64_t budget_drops; /* atomic: counted on app threads       */
};

/* ---- damage ------------------------------------------------------------- */

static bool overlaps(vd_rect a, vd_rect b) {
  return !vd_rect_empty(vd_rect_intersect(a, b));
}

/* Adds r (clipped to the screen), merging it with every rect it overlaps so
** no pixel is composed twice; past MAX_DAMAGE rects, their union. */
static void damage_add(vc_screen *s, vd_rect r) {
  vd_rect all = { 0, 0, s->be->screen.w, s->be->screen.h };
  int i;
  r = vd_rect_intersect(r, all);
  if (vd_rect_empty(r)) return;
  for (i = 0; i < s->ndamage; i++) {
    if (overlaps(s->damage[i], r)) {
      r = vd_rect_union(r, s->damage[i]);
      s->damage[i] = s->damage[--s->ndamage];
      i = -1; /* the grown rect may meet earlier ones */
    }
  }
  if (s->ndamage == MAX_DAMAGE) {
    for (i = 0; i < s->ndamage; i++) r = vd_rect_union(r, s->damage[i]);
    s->ndamage = 0;
  }
  s->damage[s->ndamage++] = r;
  pthread_cond_broadcast(&s->cond);
}

static void damage_all(vc_screen *s) {
  vd_rect all = { 0, 0, s->be->screen.w, s->be->screen.h };
  damage_add(s, all);
}

/* ---- layout (under mu) -------------------------------------------------- */

/* Places w's frame at tile's top-left; the client gets what is left after
** the chrome, at least MIN_CLIENT square (a tiny screen clips windows
** rather than giving them negative sizes). */
static void place(vc_window *w, vd_rect tile) {
  int cw, ch;
  if (w->is_bar) {
    cw = tile.w < MIN_CLIENT ? MIN_CLIENT : tile.w;
    ch = tile.h < MIN_CLIENT ? MIN_CLIENT : tile.h;
    w->client = (vd_rect){ tile.x, tile.y, cw, ch };
    w->frame = w->client;
  } else {
    cw = tile.w - 2 * VC_BORDER;
    ch = tile.h - 2 * VC_BORDER - VC_TITLE_H;
    if (cw < MIN_CLIENT) cw = MIN_CLIENT;
    if (ch < MIN_CLIENT) ch = MIN_CLIENT;
    w->client = (vd_rect){ tile.x + VC_BORDER, tile.y + VC_BORDER + VC_TITLE_H,
                           cw, ch };
    w->frame = (vd_rect){ tile.x, tile.y, cw + 2 * VC_BORDER,
                          ch + 2 * VC_BORDER + VC_TITLE_H };
  }
  if (cw != w->cw || ch != w->ch) {
    /* The front is ours to resize (under mu); on failure the old one stays
    ** and composing clips to it. */
    (void)vd_surface_resize(&w->front, cw, ch, COL_CLIENT);
    w->cw = cw;
    w->ch = ch;
    __atomic_store_n(&w->gen, w->gen + 1, __ATOMIC_RELEASE);
  }
}

static void relayout(vc_screen *s) {
  int W = s->be->screen.w, H = s->be->screen.h;
  vd_rect area = { 0, 0, W, H };
  int i, n = 0, k = 0;
  for (i = 0; i < s->nwin; i++) n += !s->wins[i]->is_bar;
  if (s->bar) {
    place(s->bar, (vd_rect){ 0, 0, W, VC_BAR_H });
    area.y = VC_BAR_H;
    area.h = H - VC_BAR_H;
  }
  if (n == 0) return;
  if (s->layout == VC_TILED) {
    int cols = 1, rows;
    while (cols * cols < n) cols++;
    rows = (n + cols - 1) / cols;
    for (i = 0; i < s->nwin; i++) {
      vc_window *w = s->wins[i];
      int r, c, inrow, th, tw;
      vd_rect t;
      if (w->is_bar) continue;
      r = k / cols;
      c = k % cols;
      k++;
      /* The last row may hold fewer tiles: they widen to fill it.  The
      ** last row and column absorb the rounding remainder. */
      inrow = r == rows - 1 ? n - (rows - 1) * cols : cols;
      th = (area.h - (rows + 1) * VC_GAP) / rows;
      tw = (area.w - (inrow + 1) * VC_GAP) / inrow;
      t.x = area.x + VC_GAP + c * (tw + VC_GAP);
      t.y = area.y + VC_GAP + r * (th + VC_GAP);
      t.w = c == inrow - 1 ? area.x + area.w - VC_GAP - t.x : tw;
      t.h = r == rows - 1 ? area.y + area.h - VC_GAP - t.y : th;
      place(w, t);
    }
  } else {
    int sw = area.w * 2 / 3, sh = area.h * 2 / 3;
    int mx = area.w - sw, my = area.h - sh;
    for (i = 0; i < s->nwin; i++) {
      vc_window *w = s->wins[i];
      int off;
      if (w->is_bar) continue;
      off = k++ * CASCADE;
      /* Cascade, wrapping back to the corner before leaving the area. */
      place(w, (vd_rect){ area.x + (mx > 0 ? off % (mx + 1) : 0),
                          area.y + (my > 0 ? off % (my + 1) : 0), sw, sh });
    }
  }
}

/* ---- screens ------------------------------------------------------------ */

vc_screen *vc_screen_new(vd_backend *backend, vf_font *font) {
  vc_screen *s;
  pthread_condattr_t ca;
  if (!backend) return NULL;
  s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->be = backend;
  s->font = font;
  s->layout = VC_TILED;
  pthread_mutex_init(&s->mu, NULL);
  pthread_mutex_init(&s->compose_mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cond, &ca);
  pthread_condattr_destroy(&ca);
  damage_all(s); /* the desktop has never been drawn    */
  return s;
}

void vc_screen_free(vc_screen *s) {
  if (!s) return;
  while (s->nwin > 0) vc_window_free(s->wins[s->nwin - 1]); /* defensive */
  free(s->wins);
  free(s->zord);
  pthread_cond_destroy(&s->cond);
  pthread_mutex_destroy(&s->mu);
  pthread_mutex_destroy(&s->compose_mu);
  if (s->be) s->be->close(s->be);
  if (s->font) vf_close(s->font);
  free(s);
}

int vc_screen_size(vc_screen *s, int *w, int *h) {
  if (!s) return VD_EINVAL;
  if (w) *w = s->be->screen.w;
  if (h) *h = s->be->screen.h;
  return VD_OK;
}

void vc_set_layout(vc_screen *s, vc_layout l) {
  pthread_mutex_lock(&s->mu);
  if (s->layout != l) {
    s->layout = l;
    relayout(s);
    damage_all(s);
  }
  pthread_mutex_unlock(&s->mu);
}

vc_layout vc_get_layout(vc_screen *s) {
  vc_layout l;
  pthread_mutex_lock(&s->mu);
  l = s->layout;
  pthread_mutex_unlock(&s->mu);
  return l;
}

/* ---- windows ------------------------------------------------------------ */

vc_window *vc_window_new(vc_screen *s, const char *title, int dirfd,
                         unsigned flags) {
  vc_window *w;
  int cw, ch;
  uint32_t gen;
  if (!s) return NULL;
  w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->s = s;
  w->title = strdup(title ? title : "");
  w->bud_cmds = VC_BUDGET_COMMANDS;
  w->bud_px = VC_BUDGET_PIXELS;
  w->bud_sec = -1;
  /* Allocated before the lock so that layout never fails to give a new
  ** window a front surface. */
  if (!w->title ||
      vd_surface_init(&w->front, MIN_CLIENT, MIN_CLIENT, COL_CLIENT) != VD_OK) {
    free(w->title);
    free(w);
    return NULL;
  }
  w->cw = w->ch = MIN_CLIENT;
  vd_canvas_init(&w->canvas, s->font, dirfd);

  pthread_mutex_lock(&s->mu);
  if (s->nwin == s->capwin) {
    int cap = s->capwin ? s->capwin * 2 : 8;
    vc_window **a = realloc(s->wins, (size_t)cap * sizeof *a);
    vc_window **z = a ? realloc(s->zord, (size_t)cap * sizeof *z) : NULL;
    if (a) s->wins = a;
    if (z) s->zord = z;
    if (!a || !z) {
      pthread_mutex_unlock(&s->mu);
      vd_canvas_free(&w->canvas);
      vd_surface_free(&w->front);
      free(w->title);
      free(w);
      return NULL;
    }
    s->capwin = cap;
  }
  if ((flags & VC_WIN_BAR) && !s->bar) { /* one bar; others are windows */
    w->is_bar = true;
    s->bar = w;
  }
  s->wins[s->nwin] = w;
  s->zord[s->nwin] = w;
  s->nwin++;
  relayout(s);
  damage_all(s);
  cw = w->cw;
  ch = w->ch;
  gen = w->gen;
  pthread_mutex_unlock(&s->mu);

  /* The canvas is not shared yet: size it here.  If another window came in
  ** meanwhile, the generation moved on and the first draw resizes again. */
  if (vd_surface_resize(&w->canvas.surf, cw, ch, COL_CLIENT) != VD_OK) {
    vc_window_free(w);
    return NULL;
  }
  w->seen_gen = gen;
  return w;
}

void vc_window_free(vc_window *w) {
  vc_screen *s;
  int i, j;
  if (!w) return;
  s = w->s;
  pthread_mutex_lock(&s->mu);
  for (i = j = 0; i < s->nwin; i++)
    if (s->wins[i] != w) s->wins[j++] = s->wins[i];
  for (i = j = 0; i < s->nwin; i++)
    if (s->zord[i] != w) s->zord[j++] = s->zord[i];
  s->nwin = j;
  if (s->focus == w) s->focus = NULL;
  if (s->bar == w) s->bar = NULL;
  relayout(s);
  damage_all(s); /* its area, and every moved window    */
  pthread_mutex_unlock(&s->mu);
  vd_canvas_free(&w->canvas);
  vd_surface_free(&w->front);
  free(w->title);
  free(w);
}

void vc_window_size(vc_window *w, int *cw, int *ch) {
  pthread_mutex_lock(&w->s->mu);
  if (cw) *cw = w->cw;
  if (ch) *ch = w->ch;
  pthread_mutex_unlock(&w->s->mu);
}

uint32_t vc_window_generation(vc_window *w) {
  return __atomic_load_n(&w->gen, __ATOMIC_ACQUIRE);
}

void vc_window_set_budget(vc_window *w, uint32_t commands_per_s,
                          uint64_t pixels_per_s) {
  __atomic_store_n(&w->bud_cmds, commands_per_s, __ATOMIC_RELAXED);
  __atomic_store_n(&w->bud_px, pixels_per_s, __ATOMIC_RELAXED);
}

/* True for the `present` command, which the budget never refuses. */
static bool is_present(const char *line, size_t len) {
  size_t i = 0;
  while (i < len && line[i] == ' ') i++;
  if (len - i >= 10 && !memcmp(line + i, "VYOMA_DRAW", 10) &&
      (len - i == 10 || line[i + 10] == ' ')) {
    i += 10;
    while (i < len && line[i] == ' ') i++;
  }
  if (len - i < 7 || memcmp(line + i, "present", 7)) return false;
  for (i += 7; i < len; i++)
    if (line[i] != ' ') return false;
  return true;
}

/* Copies what the app drew since its last present (the canvas's dirty
** rect) into the front and damages just that part of the client area. */
static void publish(vc_window *w) {
  vc_screen *s = w->s;
  vd_rect d = w->canvas.dirty;
  w->canvas.dirty = (vd_rect){ 0, 0, 0, 0 };
  pthread_mutex_lock(&s->mu);
  s->st.presents++;
  if (!vd_rect_empty(d)) {
    vd_blit(&w->front, d, d.x, d.y, &w->canvas.surf, d, false);
    damage_add(s, vd_rect_intersect((vd_rect){ w->client.x + d.x,
                                               w->client.y + d.y, d.w, d.h },
                                    w->client));
  }
  pthread_mutex_unlock(&s->mu);
}

int vc_window_draw(vc_window *w, const char *line, size_t len, char *err,
                   size_t errlen) {
  vc_screen *s = w->s;
  uint32_t g = __atomic_load_n(&w->gen, __ATOMIC_ACQUIRE);
  struct timespec ts;
  int rc;

  if (g != w->seen_gen) {
    int cw, ch;
    pthread_mutex_lock(&s->mu);
    cw = w->cw;
    ch = w->ch;
    g = w->gen;
    pthread_mutex_unlock(&s->mu);
    if (vd_surface_resize(&w->canvas.surf, cw, ch, COL_CLIENT) == VD_OK) {
      w->seen_gen = g;
      /* the front was resized apart: show the whole canvas again */
      w->canvas.dirty = (vd_rect){ 0, 0, cw, ch };
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &ts);
  if ((int64_t)ts.tv_sec != w->bud_sec) {
    w->bud_sec = ts.tv_sec;
    w->used_cmds = 0;
    w->used_px = 0;
  }
  uint32_t mc = __atomic_load_n(&w->bud_cmds, __ATOMIC_RELAXED);
  uint64_t mp = __atomic_load_n(&w->bud_px, __ATOMIC_RELAXED);
  /* Over budget, only `present` still goes through (so what was drawn can
  ** be shown); the line is looked at for that only on this path. */
  if ((w->used_cmds >= mc || w->used_px >= mp) && !is_present(line, len)) {
    if (w->used_cmds >= mc)
      snprintf(err, errlen, "budget: %" PRIu32 " commands/s exceeded", mc);
    else
      snprintf(err, errlen, "budget: %" PRIu64 " pixels/s exceeded", mp);
    __atomic_add_fetch(&s->budget_drops, 1, __ATOMIC_RELAXED);
    return VC_DRAW_BUDGET;
  }
  rc = vd_canvas_exec(&w->canvas, line, len, err, errlen);
  if (rc == VD_DRAW_PRESENT) {
    publish(w);
  } else {
    w->used_cmds++;
    w->used_px += vd_canvas_last_cost(&w->canvas);
  }
  return rc;
}

void vc_focus(vc_screen *s, vc_window *w) {
  bool changed;
  int i;
  pthread_mutex_lock(&s->mu);
  if (w && w->is_bar) w = NULL; /* the bar has no chrome to highlight  */
  changed = s->focus != w;
  if (changed && s->focus) damage_add(s, s->focus->frame);
  s->focus = w;
  if (w) {
    /* Raise: bottom-to-top order, so move it to the end.  Tiles do not
    ** overlap, so the order only shows when stacked. */
    for (i = 0; i < s->nwin && s->zord[i] != w; i++) {}
    if (i < s->nwin - 1) {
      memmove(&s->zord[i], &s->zord[i + 1],
              (size_t)(s->nwin - 1 - i) * sizeof *s->zord);
      s->zord[s->nwin - 1] = w;
      changed = true;
    }
    if (changed) damage_add(s, w->frame);
  }
  pthread_mutex_unlock(&s->mu);
}

/* ---- composing ---------------------------------------------------------- */

/* Paints every pixel of w's frame inside r (so what is below need not be
** drawn first): border strips, title bar, then the client. */
static void draw_window(vc_screen *s, vc_window *w, vd_rect r) {
  vd_surface *scr = &s->be->screen;
  vd_rect f = w->frame, t, tc, c = vd_rect_intersect(r, w->client);
  bool foc = s->focus == w;
  if (!overlaps(f, r)) return;
  if (!w->is_bar) {
    vd_color bc = foc ? COL_BORDER_FOCUS : COL_BORDER;
    /* Strips, not the whole frame: the client is opaque and drawn next. */
    vd_fill(scr, r, (vd_rect){ f.x, f.y, f.w, VC_BORDER }, bc);
    vd_fill(scr, r, (vd_rect){ f.x, f.y + f.h - VC_BORDER, f.w, VC_BORDER },
            bc);
    vd_fill(scr, r, (vd_rect){ f.x, f.y, VC_BORDER, f.h }, bc);
    vd_fill(scr, r, (vd_rect){ f.x + f.w - VC_BORDER, f.y, VC_BORDER, f.h },
            bc);
    t = (vd_rect){ f.x + VC_BORDER, f.y + VC_BORDER, f.w - 2 * VC_BORDER,
                   VC_TITLE_H };
    tc = vd_rect_intersect(r, t);
    if (!vd_rect_empty(tc)) {
      vd_fill(scr, tc, t, foc ? COL_TITLE_FOCUS : COL_TITLE);
      if (s->font)
        vf_draw(s->font, scr, tc, t.x + 6, t.y + (VC_TITLE_H - TITLE_PX) / 2,
                TITLE_PX, foc ? COL_TEXT_FOCUS : COL_TEXT, w->title,
                strlen(w->title));
    }
  }
  if (vd_rect_empty(c)) return;
  /* A front that failed to grow leaves part of the client uncovered. */
  if (w->front.w < w->client.w || w->front.h < w->client.h)
    vd_fill(scr, c, w->client, COL_CLIENT);
  vd_blit(scr, c, w->client.x, w->client.y, &w->front,
          (vd_rect){ 0, 0, w->front.w, w->front.h }, false);
}

static bool contains(vd_rect outer, vd_rect in) {
  return in.x >= outer.x && in.y >= outer.y &&
         in.x + in.w <= outer.x + outer.w && in.y + in.h <= outer.y + outer.h;
}

/* With compose_mu held.  Returns pixels redrawn. */
static uint64_t compose_locked(vc_screen *s) {
  vd_rect dmg[MAX_DAMAGE];
  vd_surface *scr = &s->be->screen;
  uint64_t px = 0;
  int i, j, n;

  pthread_mutex_lock(&s->mu);
  n = s->ndamage;
  if (n == 0) {
    pthread_mutex_unlock(&s->mu);
    return 0;
  }
  memcpy(dmg, s->damage, (size_t)n * sizeof *dmg);
  s->ndamage = 0;
  for (i = 0; i < n; i++) {
    vd_rect r = dmg[i];
    int from = 0;
    /* An app's present damages its client: start at the topmost window
    ** that covers the whole rect, as nothing below it would show. */
    if (s->bar && contains(s->bar->frame, r)) {
      from = s->nwin;
    } else {
      for (j = s->nwin - 1; j >= 0; j--) {
        if (!s->zord[j]->is_bar && contains(s->zord[j]->frame, r)) {
          from = j;
          break;
        }
      }
      if (j < 0) vd_fill(scr, r, r, COL_DESKTOP);
    }
    for (j = from; j < s->nwin; j++)
      if (!s->zord[j]->is_bar) draw_window(s, s->zord[j], r);
    if (s->bar) draw_window(s, s->bar, r);
    px += (uint64_t)r.w * (uint64_t)r.h;
  }
  s->st.frames++;
  s->st.pixels += px;
  pthread_mutex_unlock(&s->mu);

  /* Only the compositor writes the screen and it holds compose_mu, so the
  ** backend may read it without mu (a page flip wait blocks no app). */
  s->be->present(s->be, dmg, n);
  return px;
}

uint64_t vc_compose(vc_screen *s) {
  uint64_t px;
  pthread_mutex_lock(&s->compose_mu);
  px = compose_locked(s);
  pthread_mutex_unlock(&s->compose_mu);
  return px;
}

bool vc_wait_damage(vc_screen *s, int timeout_ms) {
  bool damaged;
  struct timespec dl =
      vy_deadline_after(CLOCK_MONOTONIC, timeout_ms > 0 ? timeout_ms : 0);
  pthread_mutex_lock(&s->mu);
  while (s->ndamage == 0 && !s->woken && timeout_ms != 0) {
    int rc = timeout_ms < 0 ? pthread_cond_wait(&s->cond, &s->mu)
                            : pthread_cond_timedwait(&s->cond, &s->mu, &dl);
    if (rc == ETIMEDOUT) break;
  }
  damaged = s->ndamage > 0;
  s->woken = false;
  pthread_mutex_unlock(&s->mu);
  return damaged;
}

void vc_wake(vc_screen *s) {
  pthread_mutex_lock(&s->mu);
  s->woken = true;
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->mu);
}

int vc_screenshot(vc_screen *s, uint8_t **png, size_t *len) {
  int rc;
  pthread_mutex_lock(&s->compose_mu);
  (void)compose_locked(s);
  rc = vd_png_encode(&s->be->screen, png, len);
  pthread_mutex_unlock(&s->compose_mu);
  return rc;
}

vc_stats vc_get_stats(vc_screen *s) {
  vc_stats st;
  pthread_mutex_lock(&s->mu);
  st = s->st;
  pthread_mutex_unlock(&s->mu);
  st.budget_drops = __atomic_load_n(&s->budget_drops, __ATOMIC_RELAXED);
  return st;
}
