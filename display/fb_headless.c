/*
** fb_headless.c — the memory-only backend (display/vd.h): the screen is an
** ordinary surface nobody scans out.  Hosts, tests and benchmarks use it;
** present() only counts the frames that carried a change, so a test can
** tell whether the compositor handed anything over.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"

static int headless_present(vd_backend *b, const vd_rect *damage, int n) {
  int i;
  /* Count a frame only when some rectangle is non-empty: an empty present
  ** showed nothing new. */
  for (i = 0; i < n; i++) {
    if (!vd_rect_empty(damage[i])) {
      b->frames++;
      break;
    }
  }
  return VD_OK;
}

static void headless_close(vd_backend *b) {
  if (!b) return;
  vd_surface_free(&b->screen);
  free(b);
}

vd_backend *vd_backend_headless(int w, int h, char *err, size_t errlen) {
  vd_backend *b;
  int rc;
  if (w == 0) w = 1024;
  if (h == 0) h = 768;
  if (w < 1 || h < 1 || w > 16384 || h > 16384) {
    snprintf(err, errlen, "headless: bad size %dx%d (1..16384)", w, h);
    return NULL;
  }
  b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(err, errlen, "headless: out of memory");
    return NULL;
  }
  rc = vd_surface_init(&b->screen, w, h, 0xff000000u);
  if (rc != VD_OK) {
    snprintf(err, errlen, "headless: cannot allocate a %dx%d screen (%d)", w, h,
             rc);
    free(b);
    return NULL;
  }
  b->name = "headless";
  b->device[0] = '\0';
  b->present = headless_present;
  b->close = headless_close;
  return b;
}
