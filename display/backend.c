/*
** backend.c — vd_backend_open (display/vd.h): picks a framebuffer backend by
** name.  "auto" prefers DRM (page flipping, no tearing) and falls back to
** fbdev; when neither opens, both reasons are reported so a boot log says
** why there is no display.
*/
#include <stdio.h>
#include <string.h>

#include "vd.h"

vd_backend *vd_backend_open(const char *kind, int w, int h, char *err,
                            size_t errlen) {
  char e1[256], e2[256];
  vd_backend *b;
  if (!kind || !strcmp(kind, "auto")) {
    e1[0] = e2[0] = '\0';
    b = vd_backend_drm(e1, sizeof e1);
    if (b) return b;
    b = vd_backend_fbdev(e2, sizeof e2);
    if (b) return b;
    snprintf(err, errlen, "no display: %s; %s", e1, e2);
    return NULL;
  }
  if (!strcmp(kind, "drm")) return vd_backend_drm(err, errlen);
  if (!strcmp(kind, "fbdev")) return vd_backend_fbdev(err, errlen);
  if (!strcmp(kind, "headless")) return vd_backend_headless(w, h, err, errlen);
  snprintf(err, errlen,
           "unknown display backend \"%s\" (auto, drm, fbdev, "
           "headless)",
           kind);
  return NULL;
}
