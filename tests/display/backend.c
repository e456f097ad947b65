/*
** tests/display/backend.c — the framebuffer backends (display/fb_*.c,
** display/backend.c): headless open/present/close, and that drm and fbdev
** fail cleanly, naming the device, on a host without one (SKIP where the
** device exists: opening a real display from a test would take it over).
**
**   build/bin/display-backend LABEL
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../display/vd.h"
#include "../check.h"

static bool exists(const char *p) { return access(p, F_OK) == 0; }

static bool any_drm(void) {
  char p[32];
  int i;
  for (i = 0; i < 4; i++) {
    snprintf(p, sizeof p, "/dev/dri/card%d", i);
    if (exists(p)) return true;
  }
  return false;
}

static void test_headless(void) {
  char err[256] = "";
  vd_backend *b = vd_backend_open("headless", 64, 48, err, sizeof err);
  vd_rect r[2] = { { 0, 0, 10, 10 }, { 60, 40, 10, 10 } };
  vd_rect none = { 5, 5, 0, 3 };
  bool ok;
  if (!b) {
    CASE("headless", false, "open failed: %s", err);
    return;
  }
  ok = !strcmp(b->name, "headless") && b->screen.w == 64 && b->screen.h == 48 &&
       b->screen.px != NULL && b->frames == 0;
  if (!ok) {
    CASE("headless", false, "name %s size %dx%d frames %llu", b->name,
         b->screen.w, b->screen.h, (unsigned long long)b->frames);
    b->close(b);
    return;
  }
  /* Pixels are plain memory the compositor may write anywhere. */
  b->screen.px[47 * b->screen.stride + 63] = 0xff123456u;
  ok = b->present(b, r, 2) == VD_OK && b->frames == 1;
  ok = ok && b->present(b, NULL, 0) == VD_OK && b->frames == 1;
  ok = ok && b->present(b, &none, 1) == VD_OK && b->frames == 1;
  ok = ok && b->present(b, r, 1) == VD_OK && b->frames == 2;
  CASE("headless", ok, "frames %llu after 2 real and 2 empty presents",
       (unsigned long long)b->frames);
  b->close(b);

  b = vd_backend_open("headless", 0, 0, err, sizeof err);
  CASE("headless-default", b && b->screen.w == 1024 && b->screen.h == 768,
       "default size %dx%d (%s)", b ? b->screen.w : -1, b ? b->screen.h : -1,
       err);
  if (b) b->close(b);

  err[0] = '\0';
  b = vd_backend_headless(-5, 10, err, sizeof err);
  CASE("headless-badsize", !b && strstr(err, "-5x10") != NULL,
       "got %p, err \"%s\"", (void *)b, err);
  if (b) b->close(b);
}

/* Opening KIND fails (no such device here, or no such kind) with a message
** naming both want_a and want_b; SKIP when the device is there. */
static void refused(const char *name, const char *kind, const char *present,
                    const char *want_a, const char *want_b) {
  char err[512] = "";
  if (present) {
    check_skip(name, "%s", present);
    return;
  }
  vd_backend *b = vd_backend_open(kind, 0, 0, err, sizeof err);
  CASE(name, !b && strstr(err, want_a) && strstr(err, want_b),
       "got %p, err \"%s\"", (void *)b, err);
  if (b) b->close(b);
}

static void test_devices(void) {
  bool drm = any_drm(), fb = exists("/dev/fb0");
  refused("drm-missing", "drm", drm ? "a /dev/dri/card device exists" : NULL,
          "/dev/dri/card0", "open");
  refused("fbdev-missing", "fbdev", fb ? "/dev/fb0 exists" : NULL, "/dev/fb0",
          "open");
  refused("auto-missing", "auto", drm || fb ? "a display device exists" : NULL,
          "/dev/dri/card0", "/dev/fb0");
  refused("unknown-kind", "vga", NULL, "\"vga\"", "\"vga\"");
}

int main(int argc, char **argv) {
  check_init(argc, argv, "backend");
  test_headless();
  test_devices();
  return check_end();
}
