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

static const char *label = "display";
static int failed;

static void result(const char *name, bool ok, const char *why) {
  if (ok) {
    printf("PASS %s/backend/%s\n", label, name);
  } else {
    printf("FAIL %s/backend/%s: %s\n", label, name, why);
    failed = 1;
  }
}

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
  char err[256] = "", why[512];
  vd_backend *b = vd_backend_open("headless", 64, 48, err, sizeof err);
  vd_rect r[2] = {{0, 0, 10, 10}, {60, 40, 10, 10}};
  vd_rect none = {5, 5, 0, 3};
  bool ok;
  if (!b) {
    snprintf(why, sizeof why, "open failed: %s", err);
    result("headless", false, why);
    return;
  }
  ok = !strcmp(b->name, "headless") && b->screen.w == 64 &&
       b->screen.h == 48 && b->screen.px != NULL && b->frames == 0;
  if (!ok) {
    snprintf(why, sizeof why, "name %s size %dx%d frames %llu", b->name,
             b->screen.w, b->screen.h, (unsigned long long)b->frames);
    result("headless", false, why);
    b->close(b);
    return;
  }
  /* Pixels are plain memory the compositor may write anywhere. */
  b->screen.px[47 * b->screen.stride + 63] = 0xff123456u;
  ok = b->present(b, r, 2) == VD_OK && b->frames == 1;
  ok = ok && b->present(b, NULL, 0) == VD_OK && b->frames == 1;
  ok = ok && b->present(b, &none, 1) == VD_OK && b->frames == 1;
  ok = ok && b->present(b, r, 1) == VD_OK && b->frames == 2;
  snprintf(why, sizeof why, "frames %llu after 2 real and 2 empty presents",
           (unsigned long long)b->frames);
  result("headless", ok, why);
  b->close(b);

  b = vd_backend_open("headless", 0, 0, err, sizeof err);
  snprintf(why, sizeof why, "default size %dx%d (%s)", b ? b->screen.w : -1,
           b ? b->screen.h : -1, err);
  result("headless-default", b && b->screen.w == 1024 && b->screen.h == 768,
         why);
  if (b) b->close(b);

  err[0] = '\0';
  b = vd_backend_headless(-5, 10, err, sizeof err);
  snprintf(why, sizeof why, "got %p, err \"%s\"", (void *)b, err);
  result("headless-badsize", !b && strstr(err, "-5x10") != NULL, why);
  if (b) b->close(b);
}

static void test_devices(void) {
  char err[512], why[600];
  vd_backend *b;
  bool drm = any_drm(), fb = exists("/dev/fb0");

  if (drm) {
    printf("SKIP %s/backend/drm-missing: a /dev/dri/card device exists\n",
           label);
  } else {
    err[0] = '\0';
    b = vd_backend_open("drm", 0, 0, err, sizeof err);
    snprintf(why, sizeof why, "got %p, err \"%s\"", (void *)b, err);
    result("drm-missing", !b && strstr(err, "/dev/dri/card0") &&
                              strstr(err, "open"), why);
    if (b) b->close(b);
  }
  if (fb) {
    printf("SKIP %s/backend/fbdev-missing: /dev/fb0 exists\n", label);
  } else {
    err[0] = '\0';
    b = vd_backend_open("fbdev", 0, 0, err, sizeof err);
    snprintf(why, sizeof why, "got %p, err \"%s\"", (void *)b, err);
    result("fbdev-missing", !b && strstr(err, "/dev/fb0") &&
                                strstr(err, "open"), why);
    if (b) b->close(b);
  }
  if (drm || fb) {
    printf("SKIP %s/backend/auto-missing: a display device exists\n", label);
  } else {
    err[0] = '\0';
    b = vd_backend_open("auto", 0, 0, err, sizeof err);
    snprintf(why, sizeof why, "got %p, err \"%s\"", (void *)b, err);
    result("auto-missing", !b && strstr(err, "/dev/dri/card0") &&
                               strstr(err, "/dev/fb0"), why);
    if (b) b->close(b);
  }
  err[0] = '\0';
  b = vd_backend_open("vga", 0, 0, err, sizeof err);
  snprintf(why, sizeof why, "got %p, err \"%s\"", (void *)b, err);
  result("unknown-kind", !b && strstr(err, "\"vga\"") != NULL, why);
  if (b) b->close(b);
}

int main(int argc, char **argv) {
  if (argc > 1) label = argv[1];
  test_headless();
  test_devices();
  return failed;
}
