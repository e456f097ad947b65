/*
** tests/display/png.c — PNG encode/load (display/png.c): an encode -> load
** round trip is exact, files load from a temporary folder (and its
** subfolders), truncated/corrupt/non-PNG/oversized inputs are refused, and
** paths are confined to the folder.  argv[1] is the label.
*/
#include "../../display/vd.h"

#include "../check.h"
#include "fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void pattern(vd_surface *s) {
  for (int y = 0; y < s->h; y++)
    for (int x = 0; x < s->w; x++)
      s->px[y * s->stride + x] = 0xff000000u | (uint32_t)(x * 37 % 256) << 16 |
                                 (uint32_t)(y * 71 % 256) << 8 |
                                 (uint32_t)((x ^ y) * 13 % 256);
}

static void t_roundtrip(void) {
  vd_surface s, l;
  vd_surface_init(&s, 37, 23, 0);
  pattern(&s);
  s.px[5] = 0x12345678u; /* translucent: encoded opaque */
  uint8_t *png = NULL;
  size_t len = 0;
  REQUIREF(vd_png_encode(&s, &png, &len) == 0 && png && len > 8, "encode");
  REQUIREF(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0, "no PNG signature");
  REQUIREF(put("a.png", png, len), "write a.png");
  int rc = vd_png_load(scratch_fd, "a.png", &l);
  REQUIREF(rc == 0, "load gave %d", rc);
  REQUIREF(l.w == 37 && l.h == 23 && l.owned, "size %dx%d", l.w, l.h);
  s.px[5] |= 0xff000000u;
  for (int i = 0; i < 37 * 23; i++)
    REQUIREF(l.px[i] == s.px[i], "pixel %d: %08x != %08x", i, l.px[i], s.px[i]);
  /* a subfolder and ./ are inside the folder */
  mkdirat(scratch_fd, "sub", 0755);
  REQUIREF(put("sub/b.png", png, len), "write sub/b.png");
  vd_surface_free(&l);
  REQUIREF(
      vd_png_load(scratch_fd, "./sub/b.png", &l) == 0 && l.px[100] == s.px[100],
      "sub/b.png");
  vd_surface_free(&l);
  /* a wrapped view with stride > w encodes only its w columns */
  vd_surface view;
  vd_surface_wrap(&view, s.px + 1, 10, 3, s.stride);
  free(png);
  REQUIREF(vd_png_encode(&view, &png, &len) == 0, "encode view");
  put("v.png", png, len);
  REQUIREF(vd_png_load(scratch_fd, "v.png", &l) == 0 && l.w == 10 && l.h == 3 &&
               l.px[10] == s.px[s.stride + 1],
           "view round trip");
  vd_surface_free(&l);
  free(png);
  vd_surface_free(&s);
  vd_surface empty = { 0 };
  REQUIREF(vd_png_encode(&empty, &png, &len) == VD_EINVAL, "empty surface");
}

static void t_refuse(void) {
  vd_surface s, l;
  vd_surface_init(&s, 64, 64, 0);
  pattern(&s);
  uint8_t *png;
  size_t len;
  REQUIREF(vd_png_encode(&s, &png, &len) == 0, "encode");
  vd_surface_free(&s);
  int rc;
  REQUIREF(put("trunc.png", png, len / 2), "write");
  REQUIREF((rc = vd_png_load(scratch_fd, "trunc.png", &l)) == VD_EINVAL,
           "truncated gave %d", rc);
  REQUIREF(l.px == NULL, "output set on failure");
  REQUIREF(put("sig.png", png, 8), "write");
  REQUIREF((rc = vd_png_load(scratch_fd, "sig.png", &l)) == VD_EINVAL,
           "signature only gave %d", rc);
  /* garbage in the compressed data (IDAT follows the 33-byte header) */
  for (size_t i = 45; i < len - 12; i++) png[i] ^= 0x5a;
  REQUIREF(put("bad.png", png, len), "write");
  REQUIREF((rc = vd_png_load(scratch_fd, "bad.png", &l)) == VD_EINVAL,
           "corrupt gave %d", rc);
  free(png);
  REQUIREF(put("text.png", "hello, not a png\n", 17), "write");
  REQUIREF((rc = vd_png_load(scratch_fd, "text.png", &l)) == VD_EINVAL,
           "text gave %d", rc);
  REQUIREF(put("empty.png", "", 0), "write");
  REQUIREF((rc = vd_png_load(scratch_fd, "empty.png", &l)) == VD_EINVAL,
           "empty gave %d", rc);
  /* a file over 16 MiB, refused before decoding */
  int fd = openat(scratch_fd, "huge.png", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIREF(fd >= 0 && write(fd, "\x89PNG\r\n\x1a\n", 8) == 8 &&
               ftruncate(fd, (17 << 20)) == 0,
           "huge file");
  close(fd);
  REQUIREF((rc = vd_png_load(scratch_fd, "huge.png", &l)) == VD_EINVAL,
           "17 MiB gave %d", rc);
  REQUIREF((rc = vd_png_load(scratch_fd, "sub", &l)) == VD_EINVAL,
           "a folder gave %d", rc);
  REQUIREF(mkfifoat(scratch_fd, "fifo.png", 0644) == 0, "mkfifo");
  REQUIREF((rc = vd_png_load(scratch_fd, "fifo.png", &l)) == VD_EINVAL,
           "a FIFO gave %d", rc);
  REQUIREF((rc = vd_png_load(scratch_fd, "text.png/x.png", &l)) == VD_ENOENT,
           "a file as a folder gave %d", rc);
}

static void t_too_big(void) {
  vd_surface s, l;
  int rc;
  for (int k = 0; k < 2; k++) {
    vd_surface_init(&s, k ? 1 : 4097, k ? 4097 : 1, 0xff336699u);
    uint8_t *png;
    size_t len;
    REQUIREF(vd_png_encode(&s, &png, &len) == 0, "encode");
    vd_surface_free(&s);
    put("big.png", png, len);
    free(png);
    REQUIREF((rc = vd_png_load(scratch_fd, "big.png", &l)) == VD_EINVAL,
             "%s gave %d", k ? "1x4097" : "4097x1", rc);
  }
  /* 2049 x 2048 is within 4096 a side but over 4 Mpixel */
  {
    uint8_t *big;
    size_t blen;
    REQUIREF(vd_surface_init(&s, 2049, 2048, 0xff336699u) == 0, "init");
    REQUIREF(vd_png_encode(&s, &big, &blen) == 0, "encode");
    vd_surface_free(&s);
    put("area.png", big, blen);
    free(big);
    REQUIREF((rc = vd_png_load(scratch_fd, "area.png", &l)) == VD_EINVAL,
             "2049x2048 gave %d", rc);
  }
  vd_surface_init(&s, 4096, 1, 0xff336699u);
  uint8_t *png;
  size_t len;
  vd_png_encode(&s, &png, &len);
  vd_surface_free(&s);
  put("edge.png", png, len);
  free(png);
  REQUIREF((rc = vd_png_load(scratch_fd, "edge.png", &l)) == 0 && l.w == 4096 &&
               l.px[4095] == 0xff336699u,
           "4096x1 gave %d", rc);
  vd_surface_free(&l);
}

static void t_confined(void) {
  vd_surface l;
  int rc;
  REQUIREF((rc = vd_png_load(scratch_fd, "missing.png", &l)) == VD_ENOENT,
           "missing gave %d", rc);
  REQUIREF((rc = vd_png_load(scratch_fd, "", &l)) == VD_EACCES, "empty gave %d",
           rc);
  REQUIREF((rc = vd_png_load(scratch_fd, NULL, &l)) == VD_EACCES,
           "NULL gave %d", rc);
  REQUIREF((rc = vd_png_load(scratch_fd, "/etc/passwd", &l)) == VD_EACCES,
           "absolute gave %d", rc);
  REQUIREF((rc = vd_png_load(scratch_fd, "../a.png", &l)) == VD_EACCES,
           "../ gave %d", rc);
  REQUIREF((rc = vd_png_load(scratch_fd, "sub/../../a.png", &l)) == VD_EACCES,
           "sub/../../ gave %d", rc);
  REQUIREF(symlinkat("/etc/passwd", scratch_fd, "out.png") == 0, "symlink");
  REQUIREF((rc = vd_png_load(scratch_fd, "out.png", &l)) == VD_EACCES,
           "symlink out gave %d", rc);
  REQUIREF(symlinkat("sub/b.png", scratch_fd, "in.png") == 0, "symlink");
  REQUIREF((rc = vd_png_load(scratch_fd, "in.png", &l)) == 0,
           "symlink inside gave %d", rc);
  vd_surface_free(&l);
  REQUIREF((rc = vd_png_load(scratch_fd, "sub/../a.png", &l)) == 0,
           "sub/../a.png gave %d", rc);
  vd_surface_free(&l);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "png");
  if (!scratch_open()) {
    CASE("setup", false, "cannot make a temporary folder");
    return check_end();
  }
  check_run("roundtrip", t_roundtrip);
  check_run("refuse", t_refuse);
  check_run("too-big", t_too_big);
  check_run("confined", t_confined);
  scratch_close();
  return check_end();
}
