/*
** fixture.h — what the tests/display programs set up for their cases:
**   - the temporary folder of the programs that read files (draw.c: an
**     app's folder for images; png.c: PNG files to load): scratch_open
**     makes it, put writes a file into it, scratch_close removes it with
**     all it holds;
**   - the case's surface (raster.c, font.c): fresh(w, h, bg) gives a new
**     one and frees the one before, so that a case need not free it, even
**     when a failed REQUIRE leaves it early; fixture_end frees the last.
** A header, not a program: every .c file there is a test program of its
** own.
*/
#ifndef VD_TEST_FIXTURE_H
#define VD_TEST_FIXTURE_H

#include "../../display/vd.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char scratch_path[] = "/tmp/vd-test-XXXXXX";
static int scratch_fd = -1; /* the folder, open */

static bool scratch_open(void) __attribute__((unused));
static bool scratch_open(void) {
  if (!mkdtemp(scratch_path)) return false;
  scratch_fd = open(scratch_path, O_RDONLY | O_DIRECTORY);
  return scratch_fd >= 0;
}

/* the file rel (inside the folder) holds exactly data */
static bool put(const char *rel, const void *data, size_t len)
    __attribute__((unused));
static bool put(const char *rel, const void *data, size_t len) {
  int fd = openat(scratch_fd, rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  bool ok = write(fd, data, len) == (ssize_t)len;
  close(fd);
  return ok;
}

static void scratch_close(void) __attribute__((unused));
static void scratch_close(void) {
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", scratch_path);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", scratch_path);
  close(scratch_fd);
}

static vd_surface fixture;

static vd_surface *fresh(int w, int h, uint32_t bg) __attribute__((unused));
static vd_surface *fresh(int w, int h, uint32_t bg) {
  vd_surface_free(&fixture);
  vd_surface_init(&fixture, w, h, bg);
  return &fixture;
}

static void fixture_end(void) __attribute__((unused));
static void fixture_end(void) { vd_surface_free(&fixture); }

#endif
