/*
** scratch.h — the temporary folder of the tests/display programs that read
** files (draw.c: an app's folder for images; png.c: PNG files to load):
** scratch_open makes it, put writes a file into it, scratch_close removes
** it with all it holds.  A header, not a program: every .c file there is
** a test program of its own.
*/
#ifndef VD_TEST_SCRATCH_H
#define VD_TEST_SCRATCH_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char scratch_path[] = "/tmp/vd-test-XXXXXX";
static int scratch_fd = -1;           /* the folder, open */

static bool scratch_open(void) {
  if (!mkdtemp(scratch_path)) return false;
  scratch_fd = open(scratch_path, O_RDONLY | O_DIRECTORY);
  return scratch_fd >= 0;
}

/* the file rel (inside the folder) holds exactly data */
static bool put(const char *rel, const void *data, size_t len) {
  int fd = openat(scratch_fd, rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  bool ok = write(fd, data, len) == (ssize_t)len;
  close(fd);
  return ok;
}

static void scratch_close(void) {
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", scratch_path);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", scratch_path);
  close(scratch_fd);
}

#endif
