/*
** fb_fbdev.c — the /dev/fb0 backend (display/vd.h), the fallback when DRM is
** missing.  The compositor draws into an ordinary shadow surface; present()
** blits just the damaged rectangles into the mapped framebuffer, seen as a
** surface whose stride is the driver's line_length (which may be wider than
** xres * 4).
** Only 32 bits per pixel is supported: the pixel format of vd_surface is
** the usual 32 bpp fbdev layout, and converting is not worth the code.
** While it is open the virtual terminal is in graphics mode (KD_GRAPHICS on
** /dev/tty0), so fbcon's text and blinking cursor do not draw over ours.
*/
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <linux/kd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vd.h"

#define FBDEV_PATH "/dev/fb0"

typedef struct fbdev_backend {
  vd_backend b; /* first: the vd_backend* is ours       */
  int fd;
  uint8_t *map; /* the mapped framebuffer memory        */
  size_t map_len;
  size_t offset;   /* byte offset of the visible page      */
  vd_surface view; /* the visible page as a surface        */
  int tty;         /* /dev/tty0 in KD_GRAPHICS, or -1      */
} fbdev_backend;

static int fbdev_present(vd_backend *vb, const vd_rect *damage, int n) {
  fbdev_backend *f = (fbdev_backend *)vb;
  vd_rect all = { 0, 0, vb->screen.w, vb->screen.h };
  bool any = false;
  for (int i = 0; i < n; i++) {
    if (vd_rect_empty(vd_rect_intersect(damage[i], all))) continue;
    any = true;
    vd_blit(&f->view, damage[i], damage[i].x, damage[i].y, &vb->screen,
            damage[i], false);
  }
  if (any) vb->frames++;
  return VD_OK;
}

static void fbdev_close(vd_backend *vb) {
  fbdev_backend *f = (fbdev_backend *)vb;
  if (!f) return;
  vd_surface_free(&vb->screen);
  if (f->map && f->map != MAP_FAILED) munmap(f->map, f->map_len);
  if (f->fd >= 0) close(f->fd);
  if (f->tty >= 0) {
    ioctl(f->tty, KDSETMODE, KD_TEXT);
    close(f->tty);
  }
  free(f);
}

/* Opens the framebuffer and reads its geometry: the descriptor, or -1 with
** why in err when it cannot be used (not 32 bpp, a geometry that makes no
** sense). */
static int open_checked(struct fb_var_screeninfo *var,
                        struct fb_fix_screeninfo *fix, char *err,
                        size_t errlen) {
  int fd = open(FBDEV_PATH, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: open: %s", FBDEV_PATH, strerror(errno));
    return -1;
  }
  if (ioctl(fd, FBIOGET_VSCREENINFO, var) < 0) {
    snprintf(err, errlen, "%s: FBIOGET_VSCREENINFO: %s", FBDEV_PATH,
             strerror(errno));
  } else if (ioctl(fd, FBIOGET_FSCREENINFO, fix) < 0) {
    snprintf(err, errlen, "%s: FBIOGET_FSCREENINFO: %s", FBDEV_PATH,
             strerror(errno));
  } else if (var->bits_per_pixel != 32) {
    snprintf(err, errlen, "%s: %u bits per pixel, only 32 is supported",
             FBDEV_PATH, var->bits_per_pixel);
  } else if (var->xres < 1 || var->yres < 1 || var->xres > 16384 ||
             var->yres > 16384 || fix->line_length < var->xres * 4) {
    snprintf(err, errlen, "%s: unusable geometry %ux%u, line_length %u",
             FBDEV_PATH, var->xres, var->yres, fix->line_length);
  } else {
    return fd;
  }
  close(fd);
  return -1;
}

vd_backend *vd_backend_fbdev(char *err, size_t errlen) {
  struct fb_var_screeninfo var;
  struct fb_fix_screeninfo fix;
  int fd = open_checked(&var, &fix, err, errlen);
  if (fd < 0) return NULL;
  fbdev_backend *f = calloc(1, sizeof *f);
  if (!f) {
    snprintf(err, errlen, "%s: out of memory", FBDEV_PATH);
    close(fd);
    return NULL;
  }
  f->fd = fd;
  f->tty = -1;
  f->map_len = fix.smem_len;
  /* Draw on the page being shown (a panned virtual screen shows yoffset). */
  f->offset = (size_t)var.yoffset * fix.line_length + (size_t)var.xoffset * 4;
  if (f->offset + (size_t)var.yres * fix.line_length > f->map_len) {
    snprintf(err, errlen, "%s: smem_len %u too small for %ux%u", FBDEV_PATH,
             fix.smem_len, var.xres, var.yres);
    goto fail;
  }
  f->map = mmap(NULL, f->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (f->map == MAP_FAILED) {
    snprintf(err, errlen, "%s: mmap: %s", FBDEV_PATH, strerror(errno));
    f->map = NULL;
    goto fail;
  }
  /* line_length is a multiple of 4 at 32 bpp */
  vd_surface_wrap(&f->view, (uint32_t *)(void *)(f->map + f->offset),
                  (int)var.xres, (int)var.yres, (int)(fix.line_length / 4));
  if (vd_surface_init(&f->b.screen, (int)var.xres, (int)var.yres,
                      0xff000000u) != VD_OK) {
    snprintf(err, errlen, "%s: cannot allocate a %ux%u shadow screen",
             FBDEV_PATH, var.xres, var.yres);
    goto fail;
  }
  /* no VT (a kernel without CONFIG_VT): nothing else draws there anyway */
  f->tty = open("/dev/tty0", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (f->tty >= 0 && ioctl(f->tty, KDSETMODE, KD_GRAPHICS) != 0) {
    close(f->tty);
    f->tty = -1;
  }
  f->b.name = "fbdev";
  snprintf(f->b.device, sizeof f->b.device, "%s", FBDEV_PATH);
  f->b.present = fbdev_present;
  f->b.close = fbdev_close;
  return &f->b;
fail:
  fbdev_close(&f->b); /* unmaps and closes what was opened so far */
  return NULL;
}
