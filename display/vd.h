/*
** vd.h — the VyomaOS display: pixels, drawing, framebuffer backends.
**
** This header is the display's public interface for the rest of the
** system.  It owns three things, each in its own files:
**
**   raster.c     surfaces and the drawing primitives (clipped, alpha-blended)
**   draw.c       the VYOMA_DRAW line language (parse + execute on a canvas)
**   png.c        PNG loading (stb_image), confined to one folder
**   fb_drm.c     DRM/KMS dumb buffers with page flipping (virtio-gpu, bochs)
**   fb_fbdev.c   /dev/fb0, the fallback
**   fb_headless.c  memory only: hosts and tests
**
** Fonts live in font/vf.h, windows and the compositor in chrome/vc.h.
**
** Pixels are 32-bit 0xAARRGGBB words (in memory on little-endian: B G R A,
** which is DRM's XRGB8888/ARGB8888 and fbdev's usual 32 bpp layout).  Colours
** carry straight (not premultiplied) alpha; surfaces that are shown have
** alpha 0xff everywhere.  Every function clips to the surface and to the
** clip rectangle it is given, so no caller input can write out of bounds.
**
** Thread-safety: a surface belongs to one thread at a time; nothing here
** locks.  Functions return 0 or a negative VD_E* code; none exits.
*/
#ifndef VD_H
#define VD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t vd_color; /* 0xAARRGGBB, straight alpha           */

typedef struct vd_rect {
  int x, y, w, h;
} vd_rect;

typedef struct vd_surface {
  uint32_t *px; /* row-major pixels                     */
  int w, h;
  int stride; /* pixels (not bytes) per row           */
  bool owned; /* px was allocated by vd_surface_init  */
} vd_surface;

enum {
  VD_OK = 0,
  VD_ENOMEM = -1,
  VD_EINVAL = -2, /* bad argument / malformed input       */
  VD_ENOENT = -3, /* file or device not found             */
  VD_EACCES = -4, /* path escapes its folder              */
  VD_EIO = -5     /* device or decoder failure            */
};

/* ---- rectangles (raster.c) ---------------------------------------------- */
vd_rect vd_rect_intersect(vd_rect a, vd_rect b); /* w or h 0 when empty   */
vd_rect vd_rect_union(vd_rect a, vd_rect b);     /* bounding box          */
bool vd_rect_empty(vd_rect r);

/* ---- surfaces (raster.c) ------------------------------------------------ */
/* Allocates a w x h surface filled with `fill`.  w, h in 1..16384. */
int vd_surface_init(vd_surface *s, int w, int h, vd_color fill);
/* A view of memory the caller owns (a mapped framebuffer). */
void vd_surface_wrap(vd_surface *s, uint32_t *px, int w, int h, int stride);
void vd_surface_free(vd_surface *s); /* only frees if owned   */
/* Resizes, keeping the top-left content that still fits; new area `fill`. */
int vd_surface_resize(vd_surface *s, int w, int h, vd_color fill);

/* ---- primitives (raster.c) ----------------------------------------------
** `clip` is in surface coordinates; everything outside it (or outside the
** surface) is left untouched.  Alpha < 0xff blends over what is there. */
void vd_fill(vd_surface *s, vd_rect clip, vd_rect r, vd_color c);
void vd_outline(vd_surface *s, vd_rect clip, vd_rect r, vd_color c); /* 1 px */
void vd_line(vd_surface *s, vd_rect clip, int x1, int y1, int x2, int y2,
             vd_color c); /* Bresenham, both ends */
void vd_circle(vd_surface *s, vd_rect clip, int cx, int cy, int r, vd_color c,
               bool filled);
/* Copies src (its alpha honoured when blend) with its top-left at (x, y). */
void vd_blit(vd_surface *dst, vd_rect clip, int x, int y, const vd_surface *src,
             vd_rect src_rect, bool blend);
/* Paints colour c through an 8-bit coverage mask (glyphs): alpha = c's alpha
** times coverage/255. */
void vd_mask(vd_surface *dst, vd_rect clip, int x, int y, const uint8_t *cov,
             int w, int h, int stride, vd_color c);

/* "#rrggbb" or "#rrggbbaa" (n bytes, no NUL needed) -> *out.  0 or VD_EINVAL */
int vd_parse_color(const char *s, size_t n, vd_color *out);

/* ---- PNG (png.c) ----------------------------------------------------------
** Loads the PNG at `rel`, a relative path inside the folder open as `dirfd`.
** Absolute paths, "..", and symlinks leading out are refused (VD_EACCES):
** the same confinement as the WASI sandbox (openat2 RESOLVE_BENEATH, or a
** per-component O_NOFOLLOW walk where openat2 is missing).  Files over 16 MiB
** or images wider or taller than 4096 or over 4 Mpixel (2048 x 2048) are
** refused (VD_EINVAL): an app's PNG is decoded in the supervisor's memory. */
int vd_png_load(int dirfd, const char *rel, vd_surface *out);
/* Encodes s as PNG into a malloc'd buffer (stb_image_write). */
int vd_png_encode(const vd_surface *s, uint8_t **png, size_t *len);

/* ---- VYOMA_DRAW (draw.c) --------------------------------------------------
** A canvas is what one app draws on: the back surface of its window plus what
** the language needs (font, images cache, the app's folder).  The grammar is
** the one in sdk/vyoma.h:
**   VYOMA_DRAW clear COLOR
**   VYOMA_DRAW rect X Y W H COLOR            outline
**   VYOMA_DRAW fill X Y W H COLOR            filled rectangle
**   VYOMA_DRAW line X1 Y1 X2 Y2 COLOR
**   VYOMA_DRAW circle CX CY R COLOR [fill]   outline, or a disc with "fill"
**   VYOMA_DRAW text X Y COLOR "TEXT" [SIZE]  (X,Y) top-left of the first
**                                            line; SIZE in px, default 16,
**                                            4..256; \n starts a new line
**   VYOMA_DRAW image X Y "PATH"              PNG inside the app's folder
**   VYOMA_DRAW present                       the frame is done: show it
** Integers are decimal, may be negative, |n| <= 1000000.  Tokens are
** separated by one or more spaces; trailing spaces are allowed. */
struct vf_font;

typedef struct vd_canvas {
  vd_surface surf;      /* the back buffer the app draws into   */
  struct vf_font *font; /* NULL: text is an error               */
  int dirfd;            /* the app's folder for images; -1 none */
  /* decoded images, by path, so a redraw each frame does not decode again */
  struct vd_image_cache *images;
  /* statistics */
  uint64_t commands, presents, errors;
  uint64_t last_cost; /* see vd_canvas_last_cost              */
  /* what the commands since the last present may have changed (empty:
  ** nothing); whoever shows the canvas copies this much and resets it */
  vd_rect dirty;
} vd_canvas;

enum { VD_DRAW_DONE = 0, VD_DRAW_PRESENT = 1 };

void vd_canvas_init(vd_canvas *c, struct vf_font *font, int dirfd);
void vd_canvas_free(vd_canvas *c); /* the surface, cached images; not
                                      the font or dirfd                 */
/* Executes one line (with or without the "VYOMA_DRAW " prefix; no newline).
** Returns VD_DRAW_DONE, VD_DRAW_PRESENT, or a negative VD_E* code with a
** one-line reason in err such as `bad colour "#12"` or `rect: expected 4
** integers and a colour` — the supervisor answers the app with
** "@sys: error draw <reason>". */
int vd_canvas_exec(vd_canvas *c, const char *line, size_t len, char *err,
                   size_t errlen);
/* Rough cost of the last executed command in pixels touched (>= 1), for
** the per-app draw budget. */
uint64_t vd_canvas_last_cost(const vd_canvas *c);

/* ---- framebuffer backends (fb_*.c) ----------------------------------------
** A backend owns the screen.  The compositor draws into `screen` (always
** ordinary memory, the full frame), then calls present() with the rectangles
** that changed; the backend makes them visible (DRM: copies them into the
** back dumb buffer, plus what changed in the previous frame, and flips;
** fbdev: copies them into the mapping; headless: nothing). */
typedef struct vd_backend vd_backend;
struct vd_backend {
  const char *name; /* "drm", "fbdev", "headless"           */
  char device[64];  /* "/dev/dri/card0", "/dev/fb0", ""     */
  vd_surface screen;
  int (*present)(vd_backend *b, const vd_rect *damage, int n);
  void (*close)(vd_backend *b); /* frees b                              */
  uint64_t frames;              /* present() calls that showed a change */
};

/* kind: "auto" (drm, then fbdev, then none), "drm", "fbdev", "headless".
** Headless uses w x h (default 1024 x 768 when 0).  NULL with a reason in
** err when no display could be opened. */
vd_backend *vd_backend_open(const char *kind, int w, int h, char *err,
                            size_t errlen);
vd_backend *vd_backend_drm(char *err, size_t errlen);
vd_backend *vd_backend_fbdev(char *err, size_t errlen);
vd_backend *vd_backend_headless(int w, int h, char *err, size_t errlen);

#endif
