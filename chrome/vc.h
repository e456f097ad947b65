/*
** vc.h — windows, window chrome and the compositor.
**
** A vc_screen owns a backend (display/vd.h), the font and the windows.  Each
** display app gets one vc_window: a title bar with its name, a border, a
** focus highlight and a client area the app draws into with VYOMA_DRAW.
**
** Threads.  Each app draws on its own thread: vc_window_draw() executes into
** the window's private back canvas, without any shared lock, so one app's
** drawing never waits for another's.  On `present` the back surface is
** copied into the window's front surface under the screen lock and the
** window's client area is marked damaged.  One compositor thread calls
** vc_compose(): it redraws only the damaged regions of the screen (windows
** back to front, chrome, desktop) and hands exactly those rectangles to the
** backend.  When nothing changed it does nothing and returns 0.
**
** Budget.  Each window has a draw budget per second (commands and pixels);
** over it, commands are refused (VC_DRAW_BUDGET) until the next second, so a
** flooding app spends only its own thread's time and cannot starve others.
**
** Layouts.  Tiled (default): windows share the screen in a grid, in the
** order they were created (focus does not move tiles).  Stacked: windows
** cascade and overlap, the focused one on top.  A status bar row at the
** top (VC_BAR_H) is for the app the profile names as its status bar
** (vc_window_new with VC_WIN_BAR).
*/
#ifndef VC_H
#define VC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../display/vd.h"
#include "../font/vf.h"

#define VC_TITLE_H 22 /* title bar height, px                */
#define VC_BORDER  2  /* border width, px                    */
#define VC_BAR_H   28 /* the status bar's height             */
#define VC_GAP     4  /* gap between tiles                   */

/* default budget, per window and second: enough for a full-screen window
** cleared, filled and redrawn 60 times a second (1920x1080 is 2 Mpixel),
** small enough that a flooding app spends a bounded share of a core */
#define VC_BUDGET_COMMANDS 20000
#define VC_BUDGET_PIXELS   (256u << 20)

typedef enum vc_layout { VC_TILED, VC_STACKED } vc_layout;

enum { VC_WIN_BAR = 1 }; /* vc_window_new flags                 */

/* extra vc_window_draw() result besides VD_DRAW_DONE/PRESENT and VD_E* */
enum { VC_DRAW_BUDGET = -100 };

typedef struct vc_screen vc_screen;
typedef struct vc_window vc_window;

/* Takes ownership of backend and font (closed by vc_screen_free). */
vc_screen *vc_screen_new(vd_backend *backend, vf_font *font);
void vc_screen_free(vc_screen *s); /* all windows must be gone          */
int vc_screen_size(vc_screen *s, int *w, int *h);
void vc_set_layout(vc_screen *s, vc_layout l);
vc_layout vc_get_layout(vc_screen *s);

/* A new window for app `title`, images from `dirfd` (borrowed, may be -1).
** The layout is recomputed; every window whose size changed gets its
** client surface resized (content kept where it fits).  NULL on no memory. */
vc_window *vc_window_new(vc_screen *s, const char *title, int dirfd,
                         unsigned flags);
void vc_window_free(vc_window *w); /* removes it and damages its area   */
/* Client area size in pixels (what the app can draw on). */
void vc_window_size(vc_window *w, int *cw, int *ch);
/* Bumped each time the client area size changes; the supervisor compares it
** to tell the app ("@sys: window W H"). */
uint32_t vc_window_generation(vc_window *w);
void vc_window_set_budget(vc_window *w, uint32_t commands_per_s,
                          uint64_t pixels_per_s);

/* One VYOMA_DRAW line from the app, on the app's thread.  Returns
** VD_DRAW_DONE, VD_DRAW_PRESENT (published, screen damaged), VC_DRAW_BUDGET,
** or a VD_E* code; err holds the reason for negative results. */
int vc_window_draw(vc_window *w, const char *line, size_t len, char *err,
                   size_t errlen);

/* Focus highlight: the window drawn focused (NULL: none).  Damages both the
** old and the new window's chrome; stacked layout raises it. */
void vc_focus(vc_screen *s, vc_window *w);

/* Composes what changed and presents it.  Returns the number of pixels
** redrawn (0: nothing changed, nothing was touched). */
uint64_t vc_compose(vc_screen *s);
/* Waits until something is damaged or timeout_ms passes; true if damaged. */
bool vc_wait_damage(vc_screen *s, int timeout_ms);
/* Wakes vc_wait_damage (shutdown). */
void vc_wake(vc_screen *s);

/* The whole screen as PNG (malloc'd), composed up to date first. */
int vc_screenshot(vc_screen *s, uint8_t **png, size_t *len);

/* Figures for the heartbeat and benchmarks. */
typedef struct vc_stats {
  uint64_t frames;       /* vc_compose calls that drew       */
  uint64_t pixels;       /* pixels composed in total         */
  uint64_t presents;     /* app presents                     */
  uint64_t budget_drops; /* commands refused by the budget   */
} vc_stats;
vc_stats vc_get_stats(vc_screen *s);

#endif
