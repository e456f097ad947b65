/*
** screen.c — the supervisor's side of the display (chrome/vc.h): opens the
** framebuffer the profile asks for, gives every running app with
** `display = true` a window for the length of its run, executes its
** VYOMA_DRAW lines on the app's own thread, composes on one thread of its
** own, keeps the focus highlight in step with the console, and takes
** screenshots for `vyctl screenshot`.
**
** What an app hears: "@sys: window W H" when its window opens and whenever
** the layout changes its size, and "@sys: error draw REASON" for a line that
** could not be drawn (at most ERR_PER_S a second; the rest are counted in
** the log).  An app without the display capability has no window: its
** VYOMA_DRAW lines are plain log lines, as they would be on any WASI host.
**
** Locking: a->win and a->win_gen are guarded by sup.lock; the vc_window
** itself is only drawn on by the app's thread (vc.h's rule).  vc_* calls
** that change the layout take the screen's own lock inside; sup.lock is
** never held across them, except in notify_sizes, which only reads sizes.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../chrome/vc.h"
#include "vyomad.h"

#define FRAME_MS  16 /* compose at most ~60 times a second */
#define ERR_PER_S 10 /* draw error replies per app, per s  */

static vc_screen *scr;
static pthread_t compositor;
static bool compositor_live;
static atomic_int compositor_stop;

/* The font: the image's copy under the root (mk/image.mk puts it there),
** else the system's (Debian fonts-dejavu-core) on a developer's host. */
static const char image_font[] = "/usr/share/fonts/default.ttf";
static const char system_font[] =
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

static vf_font *open_font(void) {
  char path[4096], err[256] = "";
  snprintf(path, sizeof path, "%s%s", S.root, image_font);
  vf_font *f = access(path, R_OK) == 0 ? vf_open(path, err, sizeof err) : NULL;
  if (!f) f = vf_open(system_font, err, sizeof err);
  if (!f) vlog("display: no font (%s): text and titles are not drawn", err);
  return f;
}

static void *compositor_main(void *arg) {
  (void)arg;
  while (!atomic_load(&compositor_stop)) {
    if (!vc_wait_damage(scr, 200)) continue;
    int64_t t0 = now_ms();
    vc_compose(scr);
    /* Frames are paced, not driven by every present: an app presenting a
    ** thousand times a second costs the compositor 60 frames. */
    int64_t left = FRAME_MS - (now_ms() - t0);
    if (left > 0) {
      struct timespec ts = { 0, left * 1000000L };
      nanosleep(&ts, NULL);
    }
  }
  return NULL;
}

int screen_start(void) {
  if (!S.profile.display) return 0;
  const char *kind =
      S.profile.display_backend[0] ? S.profile.display_backend : "auto";
  char err[512];
  vd_backend *b = vd_backend_open(kind, 0, 0, err, sizeof err);
  if (!b) {
    vlog("display: none (%s); display apps run without windows", err);
    return -1;
  }
  vf_font *font = open_font();
  scr = vc_screen_new(b, font);
  if (!scr) {
    vlog("display: out of memory");
    b->close(b);
    if (font) vf_close(font);
    return -1;
  }
  vc_set_layout(scr, S.profile.layout_stacked ? VC_STACKED : VC_TILED);
  int w = 0, h = 0;
  vc_screen_size(scr, &w, &h);
  atomic_store(&compositor_stop, 0);
  if (pthread_create(&compositor, NULL, compositor_main, NULL) != 0) {
    vlog("display: cannot create the compositor thread");
    vc_screen_free(scr);
    scr = NULL;
    return -1;
  }
  compositor_live = true;
  vlog("display: %s%s%s %dx%d, %s layout", b->name, b->device[0] ? " " : "",
       b->device, w, h, S.profile.layout_stacked ? "stacked" : "tiled");
  return 0;
}

void screen_stop(void) {
  if (!scr) return;
  if (compositor_live) {
    atomic_store(&compositor_stop, 1);
    vc_wake(scr);
    pthread_join(compositor, NULL);
    compositor_live = false;
  }
  /* windows of apps left behind (a thread that would not stop) keep the
  ** screen alive: freeing it under them would be a use after free */
  bool windows = false;
  pthread_mutex_lock(&S.lock);
  for (size_t i = 0; i < S.napps; i++)
    if (S.apps[i]->win) windows = true;
  pthread_mutex_unlock(&S.lock);
  if (!windows) vc_screen_free(scr);
  scr = NULL;
}

bool screen_on(void) { return scr != NULL; }

/* Tells every app whose window changed size; sup.lock must not be held. */
static void notify_sizes(void) {
  char names[64][64];
  int sizes[64][2];
  size_t n = 0;
  pthread_mutex_lock(&S.lock);
  for (size_t i = 0; i < S.napps && n < 64; i++) {
    app *a = S.apps[i];
    if (!a->win) continue;
    uint32_t g = vc_window_generation(a->win);
    if (g == a->win_gen) continue;
    a->win_gen = g;
    vc_window_size(a->win, &sizes[n][0], &sizes[n][1]);
    snprintf(names[n++], sizeof names[0], "%s", a->name);
  }
  pthread_mutex_unlock(&S.lock);
  /* with sup.lock released, as every broker call but adding an endpoint
  ** (vyomad.h) */
  for (size_t i = 0; i < n; i++) {
    char msg[64];
    snprintf(msg, sizeof msg, "window %d %d", sizes[i][0], sizes[i][1]);
    vy_broker_inject(S.broker, names[i], msg);
  }
}

void screen_app_open(app *a) {
  if (!scr || !a->m.display) return;
  a->win_dirfd = open(a->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  unsigned flags = strcmp(a->name, S.profile.status_bar) == 0 ? VC_WIN_BAR : 0;
  vc_window *w = vc_window_new(scr, a->name, a->win_dirfd, flags);
  if (!w) {
    vlog("app %s: no window (out of memory)", a->name);
    if (a->win_dirfd >= 0) close(a->win_dirfd);
    a->win_dirfd = -1;
    return;
  }
  if (S.profile.draw_commands || S.profile.draw_pixels)
    vc_window_set_budget(
        w,
        S.profile.draw_commands ? S.profile.draw_commands : VC_BUDGET_COMMANDS,
        S.profile.draw_pixels ? S.profile.draw_pixels : VC_BUDGET_PIXELS);
  pthread_mutex_lock(&S.lock);
  a->win = w;
  a->win_gen = vc_window_generation(w) - 1; /* it needs its first size */
  a->draw_errs_s = 0;
  a->draw_errs = a->draw_errs_dropped = 0;
  bool focused = atomic_load(&S.focus) == a;
  pthread_mutex_unlock(&S.lock);
  if (focused) vc_focus(scr, w);
  notify_sizes();
}

void screen_app_close(app *a) {
  pthread_mutex_lock(&S.lock);
  vc_window *w = a->win;
  a->win = NULL;
  pthread_mutex_unlock(&S.lock);
  if (!w) return;
  if (a->draw_errs_dropped)
    vlog("app %s: %llu more draw errors not answered", a->name,
         (unsigned long long)a->draw_errs_dropped);
  vc_window_free(w);
  if (a->win_dirfd >= 0) close(a->win_dirfd);
  a->win_dirfd = -1;
  notify_sizes();
}

bool screen_app_draw(app *a, const char *line, size_t len) {
  /* a->win only changes on this same thread (open/close of its run) */
  if (!a->win) return false;
  char err[256];
  int r = vc_window_draw(a->win, line, len, err, sizeof err);
  if (r >= 0) return true;
  int64_t sec = now_ms() / 1000;
  if (sec != a->draw_errs_s) {
    a->draw_errs_s = sec;
    a->draw_errs = 0;
  }
  if (a->draw_errs++ >= ERR_PER_S) {
    a->draw_errs_dropped++;
    return true;
  }
  char msg[300];
  snprintf(msg, sizeof msg, "error draw %s", err);
  vy_broker_inject(S.broker, a->name, msg);
  return true;
}

void screen_focus(app *a) {
  if (!scr) return;
  pthread_mutex_lock(&S.lock);
  vc_window *w = a ? a->win : NULL;
  /* held across vc_focus so the window cannot be freed meanwhile: vc_focus
  ** takes only the screen's lock, which never waits for sup.lock */
  vc_focus(scr, w);
  pthread_mutex_unlock(&S.lock);
}

int screen_shot(uint8_t **png, size_t *len, char *err, size_t errlen) {
  if (!scr) {
    snprintf(err, errlen, "no display (profile %s%s)", S.profile.name,
             S.profile.display ? ": no framebuffer could be opened"
                               : " has display = false");
    return -1;
  }
  if (vc_screenshot(scr, png, len) != 0) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

int screen_layout(const char *name, char *err, size_t errlen) {
  if (!scr) {
    snprintf(err, errlen, "no display");
    return -1;
  }
  if (strcmp(name, "tiled") != 0 && strcmp(name, "stacked") != 0) {
    snprintf(err, errlen, "unknown layout %.32s (tiled or stacked)", name);
    return -1;
  }
  vc_set_layout(scr, name[0] == 's' ? VC_STACKED : VC_TILED);
  vlog("display: %s layout", name);
  notify_sizes();
  return 0;
}

void screen_stats(uint64_t *frames, uint64_t *pixels, uint64_t *drops) {
  vc_stats st = { 0 };
  if (scr) st = vc_get_stats(scr);
  *frames = st.frames;
  *pixels = st.pixels;
  *drops = st.budget_drops;
}
