/*
** fuzz_draw.c — libFuzzer target for the VYOMA_DRAW language
** (display/draw.c): each input is split into lines, and every line is
** executed on a small canvas with the DejaVu font and a folder holding one
** PNG, as an app's output would be.  Any crash, leak, sanitizer report or
** write outside the canvas is a finding.  Not part of `make test`:
**   make draw-fuzz && build/fuzz/fuzz_draw -max_total_time=300
** (fuzz_*.c are left out of the test programs: this one has no main)
*/
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../display/vd.h"
#include "../../font/vf.h"

static vf_font *font;
static int dirfd_ = -1;

static void setup(void) {
  char err[256];
  font = vf_open("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", err,
                 sizeof err);
  char dir[] = "/tmp/fuzz-draw-XXXXXX";
  if (!mkdtemp(dir)) return;
  dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  /* a 4x4 PNG named a.png for `image` lines */
  vd_surface s;
  uint8_t *png;
  size_t len;
  if (vd_surface_init(&s, 4, 4, 0xff336699u) == VD_OK &&
      vd_png_encode(&s, &png, &len) == VD_OK) {
    int fd = openat(dirfd_, "a.png", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      if (write(fd, png, len) != (ssize_t)len) {}
      close(fd);
    }
    free(png);
  }
  vd_surface_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    setup();
    ready = 1;
  }
  vd_canvas c;
  vd_canvas_init(&c, font, dirfd_);
  if (vd_surface_init(&c.surf, 64, 48, 0xff000000u) != VD_OK) {
    vd_canvas_free(&c);
    return 0;
  }
  char err[256];
  size_t start = 0;
  for (size_t i = 0; i <= size; i++) {
    if (i == size || data[i] == '\n') {
      vd_canvas_exec(&c, (const char *)data + start, i - start, err,
                     sizeof err);
      start = i + 1;
    }
  }
  vd_canvas_free(&c);
  return 0;
}
